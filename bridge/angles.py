"""Joint angles in degrees from BlazePose world landmarks.

Each angle is measured in 3D on the ``world`` block (meters, origin between the
hips; MediaPipe's axes: x to the person's image-right, **y down**, z away from
the camera). Definitions — "angle at B between A and C" is the unsigned angle
between the vectors B→A and B→C, in [0, 180]:

=====================  ==========================================  ==========================================
name                   definition                                  reading
=====================  ==========================================  ==========================================
``left_elbow``         at left_elbow between left_shoulder and     180 = arm straight, ~40 = fully bent
                       left_wrist
``right_elbow``        same on the right
``left_shoulder``      at left_shoulder between left_hip and       0 = arm hanging along the trunk,
                       left_elbow                                  90 = raised to horizontal (front or side),
                                                                   180 = straight overhead
``right_shoulder``     same on the right
``left_hip``           at left_hip between left_shoulder and       180 = standing straight, 90 = sitting or
                       left_knee                                   thigh raised to horizontal
``right_hip``          same on the right
``left_knee``          at left_knee between left_hip and           180 = leg straight, 90 = sitting
                       left_ankle
``right_knee``         same on the right
``trunk_lean``         between the trunk (mid-hip → mid-shoulder)  0 = upright, 90 = trunk horizontal,
                       and "up", the world's −y axis               180 = upside down; unsigned (any direction)
=====================  ==========================================  ==========================================

Edge cases:

- BlazePose world coordinates are oriented like the camera, not like gravity:
  "up" for ``trunk_lean`` is the camera's up (−y). With a level camera that is
  vertical; with a tilted camera the tilt adds to the lean.
- An angle is ``None`` when any landmark it needs has ``visibility`` below
  ``min_visibility`` (default 0.5: the same threshold MediaPipe's own drawing
  uses; such landmarks are usually out of frame or occluded and their position
  is a guess), when a value is not finite, or when two of its points coincide
  (a zero-length limb has no direction).
- ``joint_angles(None)`` (nobody detected) gives ``None`` for every angle.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Final

import numpy as np
import numpy.typing as npt

from .frame import PoseFrame
from .skeleton import INDEX

#: Angle names in a fixed order (the order of ``hello.angles`` and of CSV columns).
ANGLE_NAMES: Final[tuple[str, ...]] = (
    "left_elbow",
    "right_elbow",
    "left_shoulder",
    "right_shoulder",
    "left_hip",
    "right_hip",
    "left_knee",
    "right_knee",
    "trunk_lean",
)

#: Three-point angles: name -> (A, B, C) landmark indices, measured at B.
TRIPLETS: Final[dict[str, tuple[int, int, int]]] = {
    f"{side}_{joint}": (INDEX[f"{side}_{a}"], INDEX[f"{side}_{b}"], INDEX[f"{side}_{c}"])
    for side in ("left", "right")
    for joint, (a, b, c) in {
        "elbow": ("shoulder", "elbow", "wrist"),
        "shoulder": ("hip", "shoulder", "elbow"),
        "hip": ("shoulder", "hip", "knee"),
        "knee": ("hip", "knee", "ankle"),
    }.items()
}

_TRUNK: Final[tuple[int, ...]] = tuple(INDEX[n] for n in ("left_shoulder", "right_shoulder", "left_hip", "right_hip"))
_UP: Final = np.array([0.0, -1.0, 0.0])  # MediaPipe world: y points down
_EPS: Final[float] = 1e-6  # meters: shorter vectors have no usable direction

#: Default visibility below which a landmark is not trusted for an angle.
DEFAULT_MIN_VISIBILITY: Final[float] = 0.5


def _angle(u: npt.NDArray[np.float64], v: npt.NDArray[np.float64]) -> float | None:
    nu, nv = float(np.linalg.norm(u)), float(np.linalg.norm(v))
    if not (math.isfinite(nu) and math.isfinite(nv)) or nu < _EPS or nv < _EPS:
        return None
    # atan2(|u×v|, u·v) is accurate near 0° and 180°, where acos of the cosine is not.
    return math.degrees(math.atan2(float(np.linalg.norm(np.cross(u, v))), float(np.dot(u, v))))


def _usable(block: npt.NDArray[np.float64], indices: Sequence[int], min_visibility: float) -> bool:
    rows = block[list(indices)]
    return bool(np.isfinite(rows[:, :3]).all() and (rows[:, 3] >= min_visibility).all())


def joint_angles(
    world_block: npt.ArrayLike | None, *, min_visibility: float = DEFAULT_MIN_VISIBILITY
) -> dict[str, float | None]:
    """All angles of :data:`ANGLE_NAMES` in degrees for one (33, 5) world block.

    Returns a dict with every name of :data:`ANGLE_NAMES` in that order; values
    are ``None`` where the angle cannot be measured (see the module docstring).
    Pass ``min_visibility=0`` to measure every angle regardless of visibility.
    Raises ``ValueError`` when the block does not have shape (33, 5).
    """
    out: dict[str, float | None] = dict.fromkeys(ANGLE_NAMES)
    if world_block is None:
        return out
    block = np.asarray(world_block, dtype=np.float64)
    if block.shape != (33, 5):
        raise ValueError(f"world block must have shape (33, 5), got {block.shape}")
    for name, (a, b, c) in TRIPLETS.items():
        if _usable(block, (a, b, c), min_visibility):
            out[name] = _angle(block[a, :3] - block[b, :3], block[c, :3] - block[b, :3])
    if _usable(block, _TRUNK, min_visibility):
        ls, rs, lh, rh = (block[i, :3] for i in _TRUNK)
        out["trunk_lean"] = _angle((ls + rs) / 2 - (lh + rh) / 2, _UP)
    return out


def with_angles(frame: PoseFrame, *, min_visibility: float = DEFAULT_MIN_VISIBILITY) -> PoseFrame:
    """A frame transform: ``frame`` with ``angles`` computed from its world block.

    A frame without a world block (nobody detected, or an image-only recording)
    gets every angle as ``None``, so the set of names never changes mid-stream.
    With several people each person gets their own; the frame's are the primary person's.
    """
    people = tuple(p.replace(angles=joint_angles(p.world, min_visibility=min_visibility)) for p in frame.people)
    angles = people[0].angles if people else joint_angles(frame.world, min_visibility=min_visibility)
    return frame.replace(angles=angles, people=people)
