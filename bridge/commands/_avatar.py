"""``--avatar`` and its options: the humanoid solver as a frame transform (``serve``)."""

from __future__ import annotations

import argparse
import logging

from ..errors import UserError
from ..humanoid import HumanoidSolver, RotationSmoothing, SolverOptions
from ..humanoid.root import DEFAULT_FOV_Y_DEG
from ..protocol import SourceInfo

log = logging.getLogger("bridge.avatar")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--avatar``, ``--avatar-smooth``, ``--root-motion`` and ``--fov`` to a command's parser."""
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
    g.add_argument(
        "--fov",
        type=float,
        default=DEFAULT_FOV_Y_DEG,
        metavar="DEG",
        help="the camera's vertical field of view, for --root-motion (default %(default)s)",
    )


def solver_from_args(args: argparse.Namespace, source: SourceInfo) -> HumanoidSolver | None:
    """The solver asked for with ``--avatar`` (``None`` without it). Raises :class:`UserError` for bad options."""
    if not getattr(args, "avatar", False):
        for flag in ("avatar_smooth", "root_motion"):
            if getattr(args, flag, False):
                raise UserError(f"--{flag.replace('_', '-')} needs --avatar")
        return None
    try:
        options = SolverOptions(
            smoothing=RotationSmoothing() if args.avatar_smooth else None,
            root_motion=args.root_motion,
            fov_y_deg=args.fov,
        )
    except ValueError as exc:
        raise UserError(f"--fov: {exc}") from None
    aspect = source.width / source.height if source.width and source.height else None
    if args.root_motion and aspect is None:
        log.warning("root motion: the source has no image size; assuming a square image")
    log.info("avatar: solving humanoid rotations (%s)", options)
    return HumanoidSolver(options, aspect=aspect)
