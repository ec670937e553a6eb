"""Argument types and option groups shared by several subcommands, and what they build.

Each option group has its ``add_*_arguments(parser)`` and a function that turns the parsed
namespace into the object it configures (:func:`estimator_options`, :func:`smoother_from_args`,
:func:`transforms_from_args`); bad values raise :class:`~bridge.errors.UserError` (exit 2).
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import math
from collections.abc import Callable
from pathlib import Path

from ..errors import UserError
from ..pose.engine import EstimatorOptions
from ..pose.models import DEFAULT_MODEL, MODEL_NAMES, resolve_hand_model, resolve_model
from ..smoothing import DEFAULT_BETA, DEFAULT_D_CUTOFF, DEFAULT_MIN_CUTOFF, PoseSmoother
from ..transforms import Transform, frame_transforms

log = logging.getLogger("bridge.commands.options")


def _checked(text: str, convert: type[int] | type[float], ok: Callable[[float], bool], expected: str) -> float:
    """``convert(text)`` when it passes ``ok``; else an argparse error saying ``expected``."""
    try:
        value = convert(text)
    except ValueError:
        value = None
    if value is None or not ok(value):
        raise argparse.ArgumentTypeError(f"{expected}, got {text!r}")
    return value


def port(text: str) -> int:
    """A TCP port 0..65535 (0: any free port)."""
    return int(_checked(text, int, lambda v: 0 <= v <= 65535, "port must be a number 0-65535"))


def speed(text: str) -> float | None:
    """A playback speed factor > 0, or ``max`` (returned as ``None``)."""
    if text.lower() == "max":
        return None
    return _checked(text, float, lambda v: 0 < v < math.inf, "speed must be a number > 0 or 'max'")


def non_negative_int(text: str) -> int:
    """A whole number >= 0."""
    return int(_checked(text, int, lambda v: v >= 0, "expected a whole number >= 0"))


def positive_int(text: str) -> int:
    """A whole number >= 1."""
    return int(_checked(text, int, lambda v: v >= 1, "expected a whole number >= 1"))


def field_of_view(text: str) -> float:
    """An angle in degrees strictly between 0 and 180."""
    return _checked(text, float, lambda v: 0 < v < 180, "expected an angle in degrees between 0 and 180")


def unit_interval(text: str) -> float:
    """A number in [0, 1] (a confidence threshold)."""
    return _checked(text, float, lambda v: 0.0 <= v <= 1.0, "expected a number between 0 and 1")


_COMPLEXITY_MODELS = {0: "lite", 1: "full", 2: "heavy"}


def model_spec(text: str) -> str:
    """``lite``, ``full``, ``heavy`` or a path to a ``.task`` bundle (checked when the model loads)."""
    if text in MODEL_NAMES or text.endswith(".task") or Path(text).exists():
        return text
    raise argparse.ArgumentTypeError(f"expected {', '.join(MODEL_NAMES)} or a .task file, got {text!r}")


def add_estimator_arguments(parser: argparse.ArgumentParser, *, hands: bool = True) -> None:
    """BlazePose settings; the thresholds' defaults are MediaPipe's. ``hands``: offer ``--hands`` too."""
    group = parser.add_argument_group("BlazePose (MediaPipe PoseLandmarker) settings")
    group.add_argument(
        "--model",
        type=model_spec,
        default=DEFAULT_MODEL,
        metavar="lite|full|heavy|PATH.task",
        help="BlazePose model (default full). Named models are cached per user: downloaded on first use, "
        "or for full built offline ('pose-bridge models --help')",
    )
    group.add_argument(
        "--model-complexity",
        type=int,
        choices=(0, 1, 2),
        default=None,
        help="the legacy name of --model: 0 lite, 1 full, 2 heavy",
    )
    group.add_argument(
        "--max-people",
        type=positive_int,
        default=1,
        metavar="N",
        help="track up to N people, each with a stable id (default 1: one person, as fast as before)",
    )
    group.add_argument(
        "--camera-fov",
        type=field_of_view,
        default=60.0,
        metavar="DEG",
        help="the camera's horizontal field of view, for placing several people in one space (default 60)",
    )
    group.add_argument(
        "--static-image-mode",
        action="store_true",
        help="detect the person anew in every frame instead of tracking (for unrelated images)",
    )
    group.add_argument(
        "--min-detection-confidence",
        type=unit_interval,
        default=0.5,
        metavar="P",
        help="detector confidence threshold, 0-1 (default 0.5)",
    )
    group.add_argument(
        "--min-presence-confidence",
        type=unit_interval,
        default=0.5,
        metavar="P",
        help="pose presence threshold below which a tracked pose counts as lost, 0-1 (default 0.5)",
    )
    group.add_argument(
        "--min-tracking-confidence",
        type=unit_interval,
        default=0.5,
        metavar="P",
        help="tracking confidence threshold, 0-1 (default 0.5)",
    )
    if hands:
        group.add_argument(
            "--hands",
            action="store_true",
            help="find each person's hands too: 21 landmarks per hand, left_hand/right_hand in every frame "
            "(MediaPipe's hand landmarker on crops around the wrists; fetched or built offline on first use)",
        )
        group.add_argument(
            "--hand-model",
            metavar="PATH.task",
            default=None,
            help="a hand landmarker bundle to use with --hands (default: the cached one, 'pose-bridge models')",
        )


def estimator_options(args: argparse.Namespace) -> EstimatorOptions:
    """The options of :func:`add_estimator_arguments`; ``--model-complexity`` maps onto ``--model``."""
    model = args.model
    if args.model_complexity is not None:
        legacy = _COMPLEXITY_MODELS[args.model_complexity]
        if model not in (DEFAULT_MODEL, legacy):
            raise UserError(f"--model {model} and --model-complexity {args.model_complexity} disagree: use --model")
        model = legacy
    return EstimatorOptions(
        model=model,
        static_image_mode=args.static_image_mode,
        min_detection_confidence=args.min_detection_confidence,
        min_presence_confidence=args.min_presence_confidence,
        min_tracking_confidence=args.min_tracking_confidence,
        num_poses=args.max_people,
        camera_fov=args.camera_fov,
        hands=bool(getattr(args, "hands", False)),
        hand_model=getattr(args, "hand_model", None),
    )


def resolved_model(options: EstimatorOptions) -> EstimatorOptions:
    """``options`` with ``model`` (and ``hand_model`` with ``--hands``) the absolute path of its bundle,
    resolved now (downloaded or built offline when missing): what batch workers get, as they never
    download. Raises :class:`~bridge.errors.ModelMissingError` when a model cannot be had."""
    options = dataclasses.replace(options, model=str(resolve_model(options.model).absolute()))
    if options.hands:  # likewise the hand model
        options = dataclasses.replace(options, hand_model=str(resolve_hand_model(options.hand_model).absolute()))
    return options


# --------------------------------------------------------------------------- smoothing and angles


def add_smoothing_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--smooth``, ``--min-cutoff``, ``--beta`` and ``--d-cutoff`` to a command's parser."""
    g = parser.add_argument_group("smoothing (One Euro filter)")
    g.add_argument("--smooth", action="store_true", help="smooth landmark positions with a One Euro filter")
    g.add_argument(
        "--min-cutoff",
        type=float,
        default=DEFAULT_MIN_CUTOFF,
        metavar="HZ",
        help="cutoff at rest: lower = less jitter, more lag when moving slowly (default %(default)s)",
    )
    g.add_argument(
        "--beta",
        type=float,
        default=DEFAULT_BETA,
        help="speed coefficient: higher = less lag on fast motion, more jitter (default %(default)s)",
    )
    g.add_argument(
        "--d-cutoff",
        type=float,
        default=DEFAULT_D_CUTOFF,
        metavar="HZ",
        help="cutoff of the speed estimate (default %(default)s)",
    )


def smoother_from_args(args: argparse.Namespace) -> PoseSmoother | None:
    """The smoother asked for on the command line, or ``None`` without ``--smooth``.

    Raises :class:`~bridge.errors.UserError` for out-of-range parameters.
    """
    if not getattr(args, "smooth", False):
        return None
    try:
        smoother = PoseSmoother(args.min_cutoff, args.beta, args.d_cutoff)
    except ValueError as exc:
        raise UserError(f"smoothing: {exc} (--min-cutoff, --beta, --d-cutoff)") from None
    log.info("smoothing landmarks: %r", smoother)
    return smoother


def transforms_from_args(args: argparse.Namespace) -> list[Transform]:
    """The frame transforms asked for with ``--smooth`` and ``--angles``, in the order they must run
    (:func:`~bridge.transforms.frame_transforms`: smoothing, then angles).

    A namespace without an ``angles`` attribute (a command without ``--angles``) gets no angles.
    Raises :class:`~bridge.errors.UserError` for bad smoothing parameters.
    """
    return frame_transforms(smoother_from_args(args), angles=getattr(args, "angles", False))
