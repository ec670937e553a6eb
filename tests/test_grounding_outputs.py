"""Grounded poses in the outputs: the VMC Root (a real python-osc receiver) and the BVH hips channels (bvhio)."""

from __future__ import annotations

import asyncio
import warnings
from pathlib import Path

import numpy as np

from bridge import protocol as P
from bridge.formats.bvh import BvhWriter, bvh_channels
from bridge.frame import PoseFrame
from bridge.humanoid import HumanoidPose, HumanoidSolver, SolverOptions, synthetic
from bridge.humanoid.grounding import GroundingOptions, sole_points
from bridge.humanoid.model import HIPS_HEIGHT
from bridge.outputs.vmc import vmc_pose
from tests.cli_process import ServeProcess
from tests.media import scaled_timeout
from tests.osc_receiver import VmcReceiver
from tests.streaming import client, collect

with warnings.catch_warnings():  # bvhio imports PyGLM the way PyGLM plans to deprecate
    warnings.simplefilter("ignore", PendingDeprecationWarning)
    import bvhio


def _grounded_jump() -> list[HumanoidPose]:
    seq = synthetic.jump()
    solver = HumanoidSolver(SolverOptions(grounding=GroundingOptions(), fov_y_deg=synthetic.FOV_Y_DEG),
                            aspect=synthetic.ASPECT)  # fmt: skip
    poses = [solver.solve(w, float(t), image=i) for w, i, t in zip(seq.world, seq.image, seq.t, strict=True)]
    assert all(p is not None for p in poses)
    return poses  # type: ignore[return-value]


def test_vmc_root_is_on_the_floor_below_the_rest_hips() -> None:
    for pose in _grounded_jump():
        for preset in ("stream", "vseeface"):
            root = np.array(vmc_pose(pose, preset)[0].position)
            assert abs(root[1] - (pose.hips[1] - HIPS_HEIGHT)) < 1e-6
    plain = HumanoidPose(np.array([0.1, 0.2, 0.3]), np.tile([0.0, 0.0, 0.0, 1.0], (21, 1)))
    assert np.allclose(vmc_pose(plain, "stream")[0].position, [0.1, 0.2, 0.3])  # raw root motion: unchanged


async def test_serve_grounded_vmc_root_follows_the_websocket_hips() -> None:
    with VmcReceiver() as rx:
        server = await ServeProcess.start(
            "demo", "--avatar", "--grounded", "--vmc", f"127.0.0.1:{rx.port}", "--vmc-preset", "stream",
            "--vmc-rate", "0", "--wait-clients", "1",
        )  # fmt: skip
        try:
            async with client(server.url, P.WireFormat.MSGPACK) as ws:
                got = await asyncio.wait_for(collect(ws, limit=30), scaled_timeout(60))
            await asyncio.sleep(0.3)
        finally:
            await server.kill()
        grams = rx.snapshot()
    poses = [m.frame.humanoid for m in got.frames]
    assert len(poses) == 30
    # a WebSocket client that falls behind skips frames (newest wins) while VMC sends every one: match each
    # frame to its datagram by the rotations, bit for bit
    roots = {}
    for d in grams:
        rotations = tuple(tuple(args[4:8]) for addr, args in d.messages if addr == "/VMC/Ext/Bone/Pos")
        (root,) = [args for addr, args in d.messages if addr == "/VMC/Ext/Root/Pos"]
        roots[rotations] = np.array(root[1:4])
    matched = 0
    for pose in poses:
        assert pose is not None and pose.contacts is not None
        key = tuple(tuple(float(v) for v in q) for q in pose.rotations)
        if key in roots:
            expected = pose.hips.astype(np.float64) - [0.0, HIPS_HEIGHT, 0.0]
            assert np.allclose(roots[key], expected, atol=1e-6)
            matched += 1
    assert matched >= 25


def test_bvh_hips_channels_put_planted_feet_on_the_floor(tmp_path: Path) -> None:
    poses = _grounded_jump()
    path = tmp_path / "jump.bvh"
    writer = BvhWriter(path, fps=30.0)
    for k, pose in enumerate(poses):
        writer.write(PoseFrame(k, k / 30.0, 0, humanoid=pose))
    writer.close()
    root = bvhio.readAsHierarchy(str(path))
    feet = [j for j, _, _ in root.layout() if j.Name in ("LeftFoot", "RightFoot")]
    hips = [j for j, _, _ in root.layout() if j.Name == "Hips"][0]
    heights = []
    for k, pose in enumerate(poses):
        root.loadPose(k)
        assert abs(hips.PositionWorld.y - 100 * pose.hips[1]) < 0.01
        ankle = min(f.PositionWorld.y for f in feet)
        heights.append((ankle, pose.contacts, pose))
    for ankle, contacts, pose in heights:
        if contacts is not None and any(contacts):
            # the file's lowest ankle sits at the ankle height above y = 0 (cm), like the pose's lowest sole
            low = float(sole_points(pose.rotations, pose.hips)[:, :, 1].min())
            assert abs(low) < 0.01
            assert 3.0 < ankle < 12.0
    apex = max(100 * float(p.hips[1]) for p in poses)
    assert apex > 100 * HIPS_HEIGHT + 20  # the jump leaves the floor in the file too
    assert np.allclose(bvh_channels(poses[0])[:3], [-100 * poses[0].hips[0], 100 * poses[0].hips[1],
                                                    -100 * poses[0].hips[2]], atol=1e-3)  # fmt: skip
