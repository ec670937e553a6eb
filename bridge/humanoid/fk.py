"""Forward kinematics of the normalized humanoid, and landmarks synthesized from a pose.

Used by the tests (the round trip pose → landmarks → solver → pose), by the benchmarks and as the
reference the browser viewer's and Unity's forward kinematics are checked against.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ..skeleton import INDEX, NUM_LANDMARKS
from . import quat
from .model import BONE_INDEX, BONES, LANDMARK_MODEL, PARENT, REST_DIRECTIONS, REST_JOINTS

Array = npt.NDArray[np.float64]


def world_rotations(local: npt.ArrayLike) -> Array:
    """World rotations (N, 4) from a pose's rotations (Hips: already in world; others: parent-relative)."""
    local = np.asarray(local, dtype=np.float64)
    out = np.empty_like(local)
    for i, p in enumerate(PARENT):
        out[i] = local[i] if p < 0 else quat.mul(out[p], local[i])
    return out


def joint_positions(local: npt.ArrayLike, hips: npt.ArrayLike = (0.0, 0.0, 0.0)) -> Array:
    """Joint position (N, 3) of every bone of the standard skeleton (:data:`REST_JOINTS`) in the pose."""
    world = world_rotations(local)
    out = np.empty((len(BONES), 3))
    for i, (name, p) in enumerate(zip(BONES, PARENT, strict=True)):
        if p < 0:
            out[i] = np.asarray(hips, dtype=np.float64)
        else:
            offset = np.subtract(REST_JOINTS[name], REST_JOINTS[BONES[p]])
            out[i] = out[p] + quat.rotate(world[p], offset)
    return out


def bone_directions(local: npt.ArrayLike) -> dict[str, Array]:
    """The direction of every bone that has one (Hips has none), as forward kinematics of the pose gives it."""
    world = world_rotations(local)
    return {name: quat.rotate(world[BONE_INDEX[name]], d) for name, d in REST_DIRECTIONS.items()}


def synthesize_world_block(local: npt.ArrayLike, visibility: float = 1.0) -> npt.NDArray[np.float32]:
    """The BlazePose world block (33, 5) that the landmark model (:data:`LANDMARK_MODEL`) gives for a pose.

    MediaPipe's axes (meters, origin at the hip centre, y down): Unity's (x, y, z) is written as
    (x, −y, z). ``visibility`` and ``presence`` are set to ``visibility`` and 1.
    """
    world = world_rotations(local)
    pts: dict[str, Array] = {}
    chest = world[BONE_INDEX["Chest"]]
    shoulder_centre = quat.rotate(chest, np.array([0.0, REST_JOINTS["Neck"][1], 0.0]))
    head_joint = shoulder_centre + quat.rotate(
        world[BONE_INDEX["Neck"]], np.subtract(REST_JOINTS["Head"], REST_JOINTS["Neck"])
    )
    for a in LANDMARK_MODEL:
        if a.bone == "Head":
            base = head_joint
        else:
            base = np.zeros(3) if a.anchor is None else pts[a.anchor]
        pts[a.name] = base + quat.rotate(world[BONE_INDEX[a.bone]], np.asarray(a.offset))
    block = np.zeros((NUM_LANDMARKS, 5), dtype=np.float64)
    for name, p in pts.items():
        block[INDEX[name], :3] = (p[0], -p[1], p[2])
    block[:, 3] = visibility
    block[:, 4] = 1.0
    return block.astype(np.float32)
