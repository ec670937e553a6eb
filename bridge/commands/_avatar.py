"""``--avatar`` and its options: the humanoid solver as a frame transform (``serve``, ``extract``)."""

from __future__ import annotations

import argparse

from ..camera import DEFAULT_FOV as DEFAULT_CAMERA_FOV
from ..errors import UserError
from ..humanoid import HumanoidSolver
from ..humanoid.avatar import ROOT_MODES, AvatarSettings
from ..protocol import SourceInfo

__all__ = ["AVATAR_HELP", "ROOT_MODES", "add_arguments", "root_mode", "settings_from_args", "solver_from_args"]


#: ``--avatar``'s help in ``serve``.
AVATAR_HELP = (
    "add 'humanoid' to every frame: hips position and one rotation per HumanBodyBones bone "
    "(Unity's AvatarDriver, the viewer's avatar)"
)


def add_arguments(parser: argparse.ArgumentParser, avatar_help: str = AVATAR_HELP) -> None:
    """Add ``--avatar``, ``--avatar-smooth``, ``--root-motion`` and ``--grounded`` to a command's parser.

    Root motion takes the camera's field of view from ``--camera-fov`` (the BlazePose options): one
    option for everything that places a person in the camera's space.
    """
    g = parser.add_argument_group("avatar (humanoid bone rotations for any Humanoid character)")
    g.add_argument("--avatar", action="store_true", help=avatar_help)
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


def settings_from_args(args: argparse.Namespace, *, hands: bool = False) -> AvatarSettings | None:
    """The solver settings asked for with ``--avatar`` (``None`` without it). Raises :class:`UserError` for bad
    options: ``--avatar-smooth``, ``--root-motion`` or ``--grounded`` without ``--avatar``, a bad ``--camera-fov``.

    ``hands``: the frames carry hands: the solver adds the 30 finger bones.
    """
    if not getattr(args, "avatar", False):
        for flag in ("avatar_smooth", "root_motion", "grounded"):
            if getattr(args, flag, False):
                raise UserError(f"--{flag.replace('_', '-')} needs --avatar")
        return None
    try:
        settings = AvatarSettings(
            root_motion=root_mode(args),
            smooth=bool(getattr(args, "avatar_smooth", False)),
            camera_fov=getattr(args, "camera_fov", DEFAULT_CAMERA_FOV),
            fingers=bool(hands),
        )
        settings.options(None)  # the field of view must also suit the solver
    except ValueError as exc:
        raise UserError(f"--camera-fov: {exc}") from None
    return settings


def solver_from_args(args: argparse.Namespace, source: SourceInfo, *, hands: bool = False) -> HumanoidSolver | None:
    """The solver asked for with ``--avatar`` for ``source`` (``None`` without it): :func:`settings_from_args`,
    then :meth:`AvatarSettings.solver` with the source's image size. Raises :class:`UserError` for bad options.
    """
    settings = settings_from_args(args, hands=hands)
    if settings is None:
        return None
    try:
        return settings.solver(source.width, source.height)
    except ValueError as exc:
        raise UserError(f"--camera-fov: {exc}") from None


def root_mode(args: argparse.Namespace) -> str:
    """The root mode of parsed arguments (``hello.root_motion``): ``--grounded`` wins over ``--root-motion``."""
    if getattr(args, "grounded", False):
        return "grounded"
    return "raw" if getattr(args, "root_motion", False) else "in-place"
