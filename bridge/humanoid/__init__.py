"""The humanoid solver: BlazePose world landmarks → a humanoid pose any Unity ``Humanoid`` rig can follow.

Pure numpy, no I/O. :class:`HumanoidSolver` turns each frame's world landmarks (33 × 5 float32,
MediaPipe axes) into a :class:`HumanoidPose`: the hips position and one rotation per bone of
:data:`BONES` (Unity's ``HumanBodyBones`` names) in the normalized T-pose convention of VRM and the VMC
protocol (:mod:`bridge.humanoid.model`). :mod:`bridge.humanoid.fk` does the reverse (forward kinematics,
synthetic landmarks) for tests and viewers.
"""

from __future__ import annotations

from .filters import RotationSmoothing
from .model import BONES, LIMITS, PARENT
from .solver import VALUES_PER_FRAME, HumanoidPose, HumanoidSolver, SolverOptions

__all__ = [
    "BONES",
    "LIMITS",
    "PARENT",
    "VALUES_PER_FRAME",
    "HumanoidPose",
    "HumanoidSolver",
    "RotationSmoothing",
    "SolverOptions",
]
