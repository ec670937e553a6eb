"""``pose-bridge extract``: BlazePose over every frame of a video, saved as a recording file."""

from __future__ import annotations

import argparse
import logging
import sys

from .. import smoothing
from ..angles import ANGLE_NAMES
from ..extract import extract_to_file
from ..formats import FORMATS, detect_format
from ..humanoid import HumanoidSolver  # issue 13 (BVH)
from . import _options

HELP = "run BlazePose on every frame of a video and save the landmarks (txt, JSONL or CSV)"
DESCRIPTION = """\
Run BlazePose on every frame of VIDEO and save every frame's 33 landmarks to OUT,
as fast as the machine allows (decoding overlaps inference), with a progress bar.

Formats (from OUT's extension unless --format is given):
  txt     the thesis' format: 'Landmark [FRAME,INDEX]: (x, y, z)', one coordinate set
  jsonl   a header line, then one JSON object per frame with every field of the stream
  csv     one row per frame, columns like world_left_wrist_x (pandas, spreadsheets)
  bvh     the humanoid pose (bone rotations) for Blender, MotionBuilder...: see docs/outputs.md

Coordinates (--coords): world = meters around the hips (what a 3D skeleton needs),
image = MediaPipe's normalized image coordinates (what the original notebook wrote).
Default: world for txt; both sets for JSONL and CSV. OUT is overwritten.

--smooth filters the landmarks (One Euro) before they are saved; --angles adds joint
angles (JSONL and CSV keep them; txt has no place for them).

Frames with nobody detected are kept: 33 lines of (-1, -1, -1) in txt, null in JSONL,
empty cells in CSV. Every frame is flushed as it is written: Ctrl-C stops the
extraction and leaves OUT complete up to the last frame (exit code 130).
See docs/recordings.md.
"""

log = logging.getLogger("bridge.commands.extract")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("video", metavar="VIDEO", help="a video file (or image sequence) OpenCV can read")
    parser.add_argument(
        "-o", "--output", required=True, metavar="OUT", help="the recording to write (.txt/.jsonl/.csv)"
    )
    parser.add_argument("--format", choices=FORMATS, help="file format (default: from OUT's extension)")
    parser.add_argument(
        "--coords",
        choices=("world", "image", "both"),
        help="landmark set(s) to save (default: world for txt, both for JSONL/CSV; txt holds one)",
    )
    parser.add_argument("--no-progress", dest="progress", action="store_false", help="no progress bar")
    parser.add_argument(
        "--angles", action="store_true", help="add joint angles in degrees to every frame (saved in JSONL and CSV)"
    )
    _options.add_estimator_arguments(parser)
    smoothing.add_arguments(parser)


def run(args: argparse.Namespace) -> int:
    kind = detect_format(args.output, args.format)  # exit 2 on a bad extension before anything starts
    progress = args.progress and not getattr(args, "quiet", False)
    transforms = smoothing.transforms_from_args(args)  # smoothing, then angles (as serve does)
    if kind == "bvh":  # issue 13: a BVH file holds the humanoid pose: solve it for every frame
        transforms.append(HumanoidSolver())
    try:
        extract_to_file(
            args.video,
            args.output,
            args.format,
            args.coords,
            _options.estimator_options(args),
            transforms=transforms,
            angles=ANGLE_NAMES if args.angles else (),
            progress=progress,
        )
    except KeyboardInterrupt:
        print(f"pose-bridge: interrupted; {args.output} is complete up to the last frame written", file=sys.stderr)
        return 130
    return 0
