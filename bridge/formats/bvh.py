"""BVH (Biovision Hierarchy) files of the solved humanoid pose, written as a stream.

What a file holds (see ``docs/outputs.md`` for importing it into Blender, MotionBuilder and others):

- **Hierarchy**: the 21 bones of :data:`bridge.humanoid.BONES` under Mixamo-style joint names
  (:data:`JOINT_NAMES`: Hips, Spine, Spine1, Neck, Head, LeftShoulder, LeftArm, LeftForeArm, LeftHand,
  LeftUpLeg, LeftLeg, LeftFoot, LeftToeBase and the right side), with an ``End Site`` after Head, the
  hands and the toes. Offsets are the standard skeleton of :data:`bridge.humanoid.model.REST_JOINTS`
  (an adult of about 1.75 m) in **centimeters**; the rest pose is a T-pose.
- **Axes**: right-handed, y up, the character facing +z in the rest pose (its left hand towards +x),
  the usual BVH convention. A person who faces the camera faces +z: the pose is the stream's turned
  half round about y (like the ``+z`` VMC presets), then mirrored from Unity's left-handed axes
  (x ↦ −x; rotations (x, y, z, w) ↦ (x, −y, −z, w)), which keeps the person's left on the left.
- **Channels**: Hips ``Xposition Yposition Zposition Zrotation Xrotation Yrotation``, every other joint
  ``Zrotation Xrotation Yrotation``: degrees, the rotation matrix Rz·Rx·Ry (the order of the channels, the
  most common BVH order). The Hips OFFSET is zero and its position channels hold the hips' position
  (0, 89, 0) cm in the rest pose, plus root motion when the stream has it (``--root-motion``). A grounded
  stream (``--grounded``, protocol/SPEC.md §4d) writes its hips as they are: their height above the floor
  (y = 0 of the file), so the standard skeleton's planted feet stand on the floor and a jump leaves it.
- **Fingers** (``--hands`` with ``--avatar``; ``BvhWriter(fingers=True)``): the 30 finger bones of
  :mod:`bridge.humanoid.fingers` under each hand as Mixamo-style joints (``LeftHandThumb1`` …
  ``LeftHandPinky3``), offsets from its rest hand, an ``End Site`` after each fingertip. Frames without
  finger rotations hold the fingers at rest.
- **Timing**: ``Frame Time`` is 1 / the source's fps (30 when unknown). BVH frame *k* holds the pose at
  time *k* / fps from the first frame written: a file source (one frame per video frame) gives one BVH
  frame per source frame; a live source with an irregular clock is sampled (a late frame's slot holds the
  previous pose, two frames in one slot keep the first). ``t`` going backwards (a loop, a seek back) or
  jumping ahead by more than a second (a seek) continues the file without a gap. Frames before the
  solver has seen anybody hold the rest pose, so BVH frame *k* stays source frame *k*.

**Streaming and kill -9**: the header is written when the file is created, with ``Frames:`` followed by a
10-character count field; after every frame line (written with one call and flushed) the count is
rewritten in place. A writer killed at any moment (``kill -9``) therefore leaves a valid BVH whose count
is the number of complete frame lines, possibly followed by part of one more line that readers going
by the count (bvhio, Blender) never reach. :func:`repair` cuts such a part and recounts the frames of
a file whose count is wrong for any reason.
"""

from __future__ import annotations

import logging
import math
import os
from pathlib import Path
from typing import Final

import numpy as np
import numpy.typing as npt

from ..errors import FormatError
from ..frame import PoseFrame
from ..humanoid import BONES, PARENT, HumanoidPose, quat
from ..humanoid import fingers as _fingers
from ..humanoid.model import HIPS_HEIGHT, REST_JOINTS, REST_TIPS
from ..skeleton import FINGER_BONES, FINGER_PARENTS
from .base import RecordingWriter

__all__ = ["JOINT_NAMES", "ORDER", "BvhWriter", "bvh_channels", "euler_zxy", "repair"]

log = logging.getLogger("bridge.formats")

#: BVH joint name of each humanoid bone (Mixamo-style, as most BVH tools and retargeters expect).
JOINT_NAMES: Final[dict[str, str]] = {
    "Hips": "Hips",
    "Spine": "Spine",
    "Chest": "Spine1",
    "Neck": "Neck",
    "Head": "Head",
    **{
        f"{side}{bone}": f"{side}{joint}"
        for side in ("Left", "Right")
        for bone, joint in (
            ("Shoulder", "Shoulder"),
            ("UpperArm", "Arm"),
            ("LowerArm", "ForeArm"),
            ("Hand", "Hand"),
            ("UpperLeg", "UpLeg"),
            ("LowerLeg", "Leg"),
            ("Foot", "Foot"),
            ("Toes", "ToeBase"),
        )
    },
}

#: BVH joint names of the finger bones (Mixamo's: LeftHandThumb1 … LeftHandPinky3).
FINGER_JOINT_NAMES: Final[dict[str, str]] = {
    f"{side}{finger}{seg}": f"{side}Hand{mixamo}{k + 1}"
    for side in ("Left", "Right")
    for finger, mixamo in (
        ("Thumb", "Thumb"),
        ("Index", "Index"),
        ("Middle", "Middle"),
        ("Ring", "Ring"),
        ("Little", "Pinky"),
    )
    for k, seg in enumerate(("Proximal", "Intermediate", "Distal"))
}

CM: Final[float] = 100.0
_COUNT_WIDTH: Final[int] = 10
_FLIP_X: Final = np.array([-1.0, 1.0, 1.0])
_MIRROR_Q: Final = np.array([1.0, -1.0, -1.0, 1.0])
_HALF_TURN_Y: Final = np.array([0.0, 1.0, 0.0, 0.0])
_CHILDREN: Final[dict[int, list[int]]] = {i: [j for j, p in enumerate(PARENT) if p == i] for i in range(len(BONES))}


def _depth_first(i: int = 0) -> list[int]:
    out = [i]
    for c in _CHILDREN[i]:
        out += _depth_first(c)
    return out


#: Bone indices in the order of the hierarchy (depth first): the order of the motion values.
ORDER: Final[tuple[int, ...]] = tuple(_depth_first())

_ALL_BONES: Final = (*BONES, *FINGER_BONES)
_ALL_PARENT: Final = (*PARENT, *(_ALL_BONES.index(FINGER_PARENTS[b]) for b in FINGER_BONES))
_ALL_CHILDREN: Final[dict[int, list[int]]] = {
    i: [j for j, p in enumerate(_ALL_PARENT) if p == i] for i in range(len(_ALL_BONES))
}


def _order(fingers: bool) -> tuple[int, ...]:
    if not fingers:
        return ORDER

    def walk(i: int) -> list[int]:
        out = [i]
        for c in _ALL_CHILDREN[i]:
            out += walk(c)
        return out

    return tuple(walk(0))


#: The hierarchy's order with the finger bones (indices into BONES + FINGER_BONES).
ORDER_WITH_FINGERS: Final[tuple[int, ...]] = _order(True)


def _bvh_vector(v: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """A Unity-axes vector in meters → BVH axes in centimeters."""
    # + 0.0: no negative zeros in the file
    result: npt.NDArray[np.float64] = np.asarray(v, dtype=np.float64) * _FLIP_X * CM + 0.0
    return result


def _fmt(v: npt.ArrayLike) -> str:
    return " ".join(f"{x:.6f}" for x in np.asarray(v, dtype=np.float64).reshape(-1))


def _header(frame_time: float, fingers: bool = False) -> tuple[str, str]:
    """The file's text up to the count field, and the rest of the header after it."""
    lines = ["HIERARCHY"]
    children = _ALL_CHILDREN if fingers else _CHILDREN
    names = {**JOINT_NAMES, **FINGER_JOINT_NAMES}
    tips = {**REST_TIPS, **_fingers.REST_TIPS}

    def joint(i: int, depth: int) -> None:
        pad = "\t" * depth
        name = _ALL_BONES[i]
        kind = "ROOT" if _ALL_PARENT[i] < 0 else "JOINT"
        parent = _ALL_BONES[_ALL_PARENT[i]] if _ALL_PARENT[i] >= 0 else name
        if name in _fingers.REST_LOCAL:
            offset = _bvh_vector(_fingers.REST_LOCAL[name])
        else:
            offset = _bvh_vector(np.subtract(REST_JOINTS[name], REST_JOINTS[parent]))  # the root's: zero
        channels = "CHANNELS 6 Xposition Yposition Zposition" if _ALL_PARENT[i] < 0 else "CHANNELS 3"
        lines.extend(
            [
                f"{pad}{kind} {names[name]}",
                f"{pad}{{",
                f"{pad}\tOFFSET {_fmt(offset)}",
                f"{pad}\t{channels} Zrotation Xrotation Yrotation",
            ]
        )
        for c in children[i]:
            joint(c, depth + 1)
        if not children[i]:
            lines.extend(
                [
                    f"{pad}\tEnd Site",
                    f"{pad}\t{{",
                    f"{pad}\t\tOFFSET {_fmt(_bvh_vector(tips[name]))}",
                    f"{pad}\t}}",
                ]
            )
        lines.append(f"{pad}}}")

    joint(0, 0)
    lines += ["MOTION", "Frames: "]
    return "\n".join(lines), f"\nFrame Time: {frame_time:.8f}\n"


def bvh_channels(pose: HumanoidPose | None, fingers: bool = False) -> npt.NDArray[np.float64]:
    """The motion values of one frame in file order: hips position (cm), then Z, X, Y degrees per joint.

    ``None`` (nobody seen yet) gives the rest pose. ``fingers``: the hierarchy has the finger joints (a
    pose without finger rotations holds them at rest; without ``fingers`` a pose's finger rotations are
    left out). Pure: the mapping of the module docstring.
    """
    count = len(_ALL_BONES) if fingers else len(BONES)
    rot = np.tile([0.0, 0.0, 0.0, 1.0], (count, 1))
    hips = np.zeros(3)
    if pose is not None:
        given = pose.rotations.astype(np.float64)[:count]
        rot[: len(given)] = given
        hips = pose.hips.astype(np.float64)
    rot[0] = quat.mul(_HALF_TURN_Y, rot[0])  # the half turn about y: a person facing the camera faces +z
    hips = hips * np.array([-1.0, 1.0, -1.0])
    rot = rot[list(_order(fingers))] * _MIRROR_Q
    grounded = pose is not None and pose.contacts is not None  # hips already carry their height (§4d)
    position = _bvh_vector(hips if grounded else hips + np.array([0.0, HIPS_HEIGHT, 0.0]))
    return np.concatenate((position, euler_zxy(rot).reshape(-1))) + 0.0  # + 0.0: no "-0.000000"


def euler_zxy(q: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Angles (z, x, y) in degrees with R(q) = Rz(z)·Rx(x)·Ry(y), for quaternions (N, 4) as (x, y, z, w).

    x is in [−90°, 90°]; at ±90° (gimbal lock) y is set to 0 and z carries the whole turn about the
    vertical, which gives the same rotation.
    """
    a = np.asarray(q, dtype=np.float64)
    a = a / np.linalg.norm(a, axis=1, keepdims=True)
    x, y, z, w = a.T
    r21 = 2 * (y * z + w * x)
    r20 = 2 * (x * z - w * y)
    r22 = 1 - 2 * (x * x + y * y)
    r01 = 2 * (x * y - w * z)
    r11 = 1 - 2 * (x * x + z * z)
    r10 = 2 * (x * y + w * z)
    r00 = 1 - 2 * (y * y + z * z)
    ax = np.arcsin(np.clip(r21, -1.0, 1.0))
    locked = np.abs(r21) > 1 - 1e-12
    ay = np.where(locked, 0.0, np.arctan2(-r20, r22))
    az = np.where(locked, np.arctan2(r10, r00), np.arctan2(-r01, r11))
    result: npt.NDArray[np.float64] = np.degrees(np.stack((az, ax, ay), axis=1))
    return result


class BvhWriter(RecordingWriter):
    """Writes a BVH file frame by frame (see the module docstring); ``fps`` sets the frame time.

    Frames are written from their ``humanoid`` (the primary person's; ``fingers``: with the finger joints):
    run the solver first (``serve --avatar``; ``serve --record x.bvh`` and ``extract --format bvh`` do it). The
    header is on disk from creation; :attr:`frames_written` counts BVH frames, :attr:`dropped` source frames that
    fell into a slot already written. Raises :class:`FormatError` when the file cannot be created and
    ``ValueError`` for a bad ``fps``.
    """

    format = "bvh"

    def __init__(self, path: str | os.PathLike[str], fps: float | None = None, *, fingers: bool = False) -> None:
        if fps is not None and not (math.isfinite(fps) and fps > 0):
            raise ValueError(f"fps must be > 0, got {fps}")
        super().__init__(path)
        self.fps = fps or 30.0
        #: The hierarchy has the 30 finger joints (``--avatar --hands``).
        self.fingers = fingers
        head, tail = _header(1.0 / self.fps, fingers)
        self._file.write(head)
        self._count_at = self._file.tell()
        self._file.write(f"{0:<{_COUNT_WIDTH}d}{tail}")
        self._file.flush()
        self.dropped = 0
        self._t0: float | None = None
        self._last_t = 0.0
        self._last_line = ""

    def _encode(self, frame: PoseFrame) -> str:
        return _fmt(bvh_channels(frame.humanoid, self.fingers)) + "\n"

    def write(self, frame: PoseFrame) -> None:
        """Write the frame's pose into its slot (k = round((t − t0)·fps)); hold the last pose over a gap."""
        if self._file.closed:
            raise ValueError(f"{self.path}: write to a closed recording")
        t = float(frame.t)
        n = self.frames_written
        if self._t0 is None or t < self._last_t or t - self._last_t > 1.0:
            self._t0 = t - n / self.fps  # first frame, or a loop / seek: continue at the next slot
        self._last_t = t
        k = round((t - self._t0) * self.fps)
        if k < n:
            self.dropped += 1
            return
        line = self._encode(frame)
        text = self._last_line * (k - n) + line  # a gap holds the previous pose
        self._file.write(text)
        self._file.flush()
        self.frames_written = k + 1
        self._last_line = line
        self._patch_count()

    def _patch_count(self) -> None:
        end = self._file.tell()
        self._file.seek(self._count_at)
        self._file.write(f"{self.frames_written:<{_COUNT_WIDTH}d}")
        self._file.seek(end)
        self._file.flush()

    def close(self) -> None:
        """Close the file (the count is already right). Idempotent."""
        if self._file.closed:
            return
        if self.dropped:
            log.info("%s: %d source frames shared a BVH frame with an earlier one", self.path, self.dropped)
        self._file.close()


def repair(path: str | os.PathLike[str]) -> int:
    """Make a BVH file whose writer was interrupted consistent; returns its number of frames.

    Counts the complete frame lines after ``Frame Time`` (a line with as many numbers as the hierarchy
    has channels, ending with a line break), cuts whatever follows the last one (part of a line) and
    rewrites the ``Frames:`` count. A file that is already consistent is left as it is. Raises
    :class:`FormatError` for a file that is not a BVH file (no ``MOTION`` section, no ``Frame Time``).
    """
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise FormatError(f"{p}: cannot read: {exc.strerror or exc}") from None
    motion = data.find(b"\nMOTION")
    frames_at = data.find(b"Frames:", motion)
    time_at = data.find(b"Frame Time:", frames_at)
    if motion < 0 or frames_at < 0 or time_at < 0:
        raise FormatError(f"{p}: not a BVH file (no MOTION section with Frames and Frame Time)")
    channels = sum(int(line.split()[1]) for line in data[:motion].split(b"\n") if line.strip().startswith(b"CHANNELS"))
    start = data.index(b"\n", time_at) + 1
    good_end, count = start, 0
    for line in data[start:].split(b"\n")[:-1]:  # the last piece has no line break: never complete
        if len(line.split()) != channels:
            break
        count += 1
        good_end += len(line) + 1
    field_end = data.index(b"\n", frames_at)
    old = data[frames_at + len(b"Frames:") : field_end]
    new = f" {count:<{max(len(old) - 1, _COUNT_WIDTH)}d}".encode()
    if good_end == len(data) and old.split() == [str(count).encode()]:
        return count
    fixed = data[:frames_at] + b"Frames:" + new + data[field_end:good_end]
    tmp = p.with_name(p.name + ".repair")
    tmp.write_bytes(fixed)
    os.replace(tmp, p)
    log.warning("%s: repaired: %d complete frames (%d bytes cut)", p, count, len(data) - good_end)
    return count
