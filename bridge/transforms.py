"""Frame transforms: what happens to a :class:`~bridge.frame.PoseFrame` between its source and its outputs.

A transform is a function of one frame returning another (frames are immutable), applied in order:
One Euro smoothing (:class:`~bridge.smoothing.PoseSmoother`), joint angles
(:func:`~bridge.angles.with_angles`), the humanoid solver (:class:`~bridge.humanoid.HumanoidSolver`).
``serve``, ``annotate``, ``extract`` and the batch workers all build their list with
:func:`frame_transforms`, so the order is the same everywhere.
"""

from __future__ import annotations

from collections.abc import Callable

from .angles import with_angles
from .frame import PoseFrame
from .smoothing import PoseSmoother

#: A frame in, a frame out; may keep state from frame to frame (a smoother: one per stream).
Transform = Callable[[PoseFrame], PoseFrame]


def frame_transforms(smoother: PoseSmoother | None = None, *, angles: bool = False) -> list[Transform]:
    """The transforms for one stream, in the order they must run: smoothing, then angles.

    Smoothing comes first, so angles are measured on the smoothed landmarks. ``smoother`` keeps history:
    pass a fresh one for every stream (every video of a batch). No smoother and no angles: ``[]``.
    """
    transforms: list[Transform] = []
    if smoother is not None:
        transforms.append(smoother)
    if angles:
        transforms.append(with_angles)
    return transforms
