"""Argument types and option groups shared by several subcommands."""

from __future__ import annotations

import argparse

from ..estimator import EstimatorOptions


def port(text: str) -> int:
    """A TCP port 0..65535 (0: any free port)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"port must be a number 0-65535, got {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"port must be a number 0-65535, got {value}")
    return value


def speed(text: str) -> float | None:
    """A playback speed factor > 0, or ``max`` (returned as ``None``)."""
    if text.lower() == "max":
        return None
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"speed must be a number > 0 or 'max', got {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"speed must be a number > 0 or 'max', got {text!r}")
    return value


def non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 0, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 0, got {value}")
    return value


def unit_interval(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number between 0 and 1, got {text!r}") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"expected a number between 0 and 1, got {text!r}")
    return value


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
        min_detection_confidence=args.min_detection_confidence,
        min_tracking_confidence=args.min_tracking_confidence,
    )
