"""Read the humanoid pose (``pose-bridge serve --avatar``) from Python: hips, bone rotations, joint angles.

    pose-bridge serve --avatar &          # the demo, with bone rotations in every frame
    python examples/avatar.py             # or: python examples/avatar.py ws://HOST:PORT/ --frames 5

Each frame's ``humanoid`` is the hips position and one rotation (x, y, z, w) per bone named in
``hello.humanoid_bones`` (Unity's HumanBodyBones), in the normalized T-pose convention of VRM and the VMC
protocol: this is what Unity's AvatarDriver applies to a character. Forward kinematics of the standard
skeleton (``bridge.humanoid.fk``) turns them back into bone directions, here to print how far each elbow
and knee is bent.
"""

from __future__ import annotations

import argparse
import asyncio
import math

import numpy as np
from websockets.asyncio.client import connect

from bridge import protocol as P
from bridge.humanoid import fk, quat


def bent(directions: dict[str, np.ndarray], upper: str, lower: str) -> float:
    """How far a joint is bent, in degrees (0 = straight), from its two bones' directions."""
    return math.degrees(math.acos(float(np.clip(np.dot(directions[upper], directions[lower]), -1.0, 1.0))))


async def main(url: str, frames: int) -> None:
    async with connect(url, subprotocols=[P.SUBPROTOCOL_MSGPACK]) as ws:  # type: ignore[list-item]
        hello = P.decode(await ws.recv())
        assert isinstance(hello, P.Hello)
        if not hello.humanoid_bones:
            raise SystemExit("the server sends no humanoid pose: start it with pose-bridge serve --avatar")
        print(f"hello: {len(hello.humanoid_bones)} humanoid bones: {', '.join(hello.humanoid_bones[:5])}, ...")
        shown = 0
        while shown < frames:
            msg = P.decode(await ws.recv())
            if not isinstance(msg, P.FrameMessage) or msg.frame.humanoid is None:
                continue
            pose = msg.frame.humanoid
            d = fk.bone_directions(pose.rotations)
            heading = math.degrees(quat.swing_twist(pose.rotation("Hips"), np.array([0.0, 1.0, 0.0]))[1])
            print(
                f"frame {msg.frame.seq}: hips at {np.round(pose.hips, 2).tolist()} m, heading {heading:.0f}°; bent: "
                f"left elbow {bent(d, 'LeftUpperArm', 'LeftLowerArm'):.0f}°, "
                f"right elbow {bent(d, 'RightUpperArm', 'RightLowerArm'):.0f}°, "
                f"left knee {bent(d, 'LeftUpperLeg', 'LeftLowerLeg'):.0f}°, "
                f"right knee {bent(d, 'RightUpperLeg', 'RightLowerLeg'):.0f}°"
            )
            shown += 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("url", nargs="?", default="ws://127.0.0.1:8765/")
    parser.add_argument("--frames", type=int, default=5)
    args = parser.parse_args()
    asyncio.run(main(args.url, args.frames))
