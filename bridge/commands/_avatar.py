"""``--avatar`` and its options: the humanoid solver as a frame transform (``serve``)."""

from __future__ import annotations

import argparse
import logging
import math

from ..camera import DEFAULT_FOV as DEFAULT_CAMERA_FOV
from ..errors import UserError
from ..humanoid import HumanoidSolver, RotationSmoothing, SolverOptions
from ..humanoid.grounding import GroundingOptions
from ..protocol import SourceInfo

log = logging.getLogger("bridge.avatar")

#: Root modes (``hello.root_motion``): hips kept at the origin, the raw camera-space estimate (``--root-motion``),
#: or grounded (``--grounded``, SPEC §4d).
ROOT_MODES = ("in-place", "raw", "grounded")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--avatar``, ``--avatar-smooth``, ``--root-motion`` and ``--grounded`` to a command's parser.

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
    # A flag of its own rather than "--root-motion [MODE]": an optional value would swallow the source
    # argument after a bare --root-motion ("serve --avatar --root-motion clip.mp4").
    g.add_argument(
        "--grounded",
        action="store_true",
        help="grounded root motion: the hips in floor space, planted feet that do not slide, feet on the floor, "
        "jumps that leave it; frames carry the feet's 'contacts' (protocol/SPEC.md §4d)",
    )


def solver_from_args(args: argparse.Namespace, source: SourceInfo, *, hands: bool = False) -> HumanoidSolver | None:
    """The solver asked for with ``--avatar`` (``None`` without it). Raises :class:`UserError` for bad options.

    ``hands``: the frames carry hands: the solver adds the 30 finger bones.
    """
    if not getattr(args, "avatar", False):
        if getattr(args, "avatar_smooth", False):
            raise UserError("--avatar-smooth needs --avatar")
        for flag in ("root_motion", "grounded"):
            if getattr(args, flag, False):
                raise UserError(f"--{flag.replace('_', '-')} needs --avatar")
        return None
    mode = root_mode(args)
    aspect = source.width / source.height if source.width and source.height else None
    # --camera-fov is horizontal; the solver's root motion wants the vertical angle of the same camera
    fov_x = math.radians(getattr(args, "camera_fov", DEFAULT_CAMERA_FOV))
    fov_y = math.degrees(2 * math.atan(math.tan(fov_x / 2) / (aspect or 1.0)))
    try:
        options = SolverOptions(
            smoothing=RotationSmoothing() if args.avatar_smooth else None,
            root_motion=mode == "raw",
            fov_y_deg=fov_y,
            grounding=GroundingOptions() if mode == "grounded" else None,
            fingers=bool(hands),
        )
    except ValueError as exc:
        raise UserError(f"--camera-fov: {exc}") from None
    if mode != "in-place" and aspect is None:
        log.warning("root motion: the source has no image size; assuming a square image")
    log.info("avatar: solving humanoid rotations (%s)", options)
    return HumanoidSolver(options, aspect=aspect)


def root_mode(args: argparse.Namespace) -> str:
    """The root mode of parsed arguments (``hello.root_motion``): ``--grounded`` wins over ``--root-motion``."""
    if getattr(args, "grounded", False):
        return "grounded"
    return "raw" if getattr(args, "root_motion", False) else "in-place"
