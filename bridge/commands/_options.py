"""Argument types and option groups shared by several subcommands."""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable

from ..estimator import EstimatorOptions


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


def unit_interval(text: str) -> float:
    """A number in [0, 1] (a confidence threshold)."""
    return _checked(text, float, lambda v: 0.0 <= v <= 1.0, "expected a number between 0 and 1")


def add_estimator_arguments(parser: argparse.ArgumentParser) -> None:
    """BlazePose settings; the defaults are MediaPipe's (landmarks exactly as MediaPipe returns them)."""
    group = parser.add_argument_group("BlazePose (MediaPipe Pose) settings")
    group.add_argument(
        "--model-complexity",
        type=int,
        choices=(0, 1, 2),
        default=1,
        help="0 lite, 1 full (default, bundled), 2 heavy; 0 and 2 must be downloaded by MediaPipe first",
    )
    group.add_argument(
        "--no-smooth-landmarks",
        dest="smooth_landmarks",
        action="store_false",
        help="turn off MediaPipe's own landmark smoothing (on by default)",
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
        "--min-tracking-confidence",
        type=unit_interval,
        default=0.5,
        metavar="P",
        help="tracking confidence threshold, 0-1 (default 0.5)",
    )


def estimator_options(args: argparse.Namespace) -> EstimatorOptions:
    return EstimatorOptions(
        model_complexity=args.model_complexity,
        smooth_landmarks=args.smooth_landmarks,
        static_image_mode=args.static_image_mode,
        min_detection_confidence=args.min_detection_confidence,
        min_tracking_confidence=args.min_tracking_confidence,
    )
