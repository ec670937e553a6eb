"""``--avatar`` and its options: the humanoid solver as a frame transform (``serve``)."""

from __future__ import annotations

import argparse
import logging
import math

from ..errors import UserError
from ..humanoid import HumanoidSolver, RotationSmoothing, SolverOptions
from ..pose.roots import DEFAULT_FOV as DEFAULT_CAMERA_FOV
from ..protocol import SourceInfo

log = logging.getLogger("bridge.avatar")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--avatar``, ``--avatar-smooth`` and ``--root-motion`` to a command's parser.

    Root motion takes the camera's field of view from ``--camera-fov`` (the BlazePose options): one
    option for everything that places a person in the camera's space.
    """
    g = parser.add_argument_group("avatar (humanoid bone rotations for any Humanoid character)")
    g.add_argument(
        "--avatar",
        action="store_true",
        help="add 'humanoid' to every frame: hips position and one rotation per HumanBodyBones bone "
        "(Unity's AvatarDriver, the viewer's avatar)",
    )
    g.add_argument(
        "--avatar-smooth", action="store_true", help="smooth the bone rotations (One Euro); --smooth smooths landmarks"
    )
    g.add_argument(
        "--root-motion",
        action="store_true",
        help="move the hips with approximate root motion from the image landmarks (default: in place)",
    )


def solver_from_args(args: argparse.Namespace, source: SourceInfo, *, hands: bool = False) -> HumanoidSolver | None:
    """The solver asked for with ``--avatar`` (``None`` without it). Raises :class:`UserError` for bad options.

    ``hands``: the frames carry hands (issue 10): the solver adds the 30 finger bones.
    """
    if not getattr(args, "avatar", False):
        for flag in ("avatar_smooth", "root_motion"):
            if getattr(args, flag, False):
                raise UserError(f"--{flag.replace('_', '-')} needs --avatar")
        return None
    aspect = source.width / source.height if source.width and source.height else None
    # --camera-fov is horizontal; the solver's root motion wants the vertical angle of the same camera
    fov_x = math.radians(getattr(args, "camera_fov", DEFAULT_CAMERA_FOV))
    fov_y = math.degrees(2 * math.atan(math.tan(fov_x / 2) / (aspect or 1.0)))
    try:
        options = SolverOptions(
            smoothing=RotationSmoothing() if args.avatar_smooth else None,
            root_motion=args.root_motion,
            fov_y_deg=fov_y,
            fingers=bool(hands),
        )
    except ValueError as exc:
        raise UserError(f"--camera-fov: {exc}") from None
    if args.root_motion and aspect is None:
        log.warning("root motion: the source has no image size; assuming a square image")
    log.info("avatar: solving humanoid rotations (%s)", options)
    return HumanoidSolver(options, aspect=aspect)
