"""Accuracy evaluation: predicted BlazePose skeletons against a ground-truth skeleton.

- :mod:`.joints` — joint correspondence (landmark <-> rig bone) as data, ``--joints`` files.
- :mod:`.geometry` — axis conversion, root alignment, Umeyama similarity fit, spherical and camera maths.
- :mod:`.metrics` — :class:`Skeletons`, :func:`evaluate` -> :class:`Evaluation` (MPJPE, PA-MPJPE).
- :mod:`.loading` — reading predictions and ground truth from files (via :mod:`bridge.formats`).
- :mod:`.plots` — matplotlib (Agg) figures.
- :mod:`.study` — the camera placement study over a manifest of camera positions.

Nothing here depends on the server.
"""

from __future__ import annotations

from .geometry import (
    camera_rotation,
    from_spherical,
    mediapipe_to_unity,
    procrustes_align,
    root_align,
    similarity_fit,
    to_spherical,
    world_to_camera,
)
from .joints import JointMap, default_joint_map, load_joint_map, parse_joint_map
from .metrics import Evaluation, Missing, Skeletons, evaluate, skeletons_from_bones, skeletons_from_poses

__all__ = [
    "Evaluation",
    "JointMap",
    "Missing",
    "Skeletons",
    "camera_rotation",
    "default_joint_map",
    "evaluate",
    "from_spherical",
    "load_joint_map",
    "mediapipe_to_unity",
    "parse_joint_map",
    "procrustes_align",
    "root_align",
    "similarity_fit",
    "skeletons_from_bones",
    "skeletons_from_poses",
    "to_spherical",
    "world_to_camera",
]
