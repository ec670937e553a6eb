"""``pose-bridge models``: list, download or build the BlazePose model bundles."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from ..errors import UserError
from ..pose import models

HELP = "list, download (fetch) or build offline (build) the BlazePose and hand models"
DESCRIPTION = """\
BlazePose models for MediaPipe's PoseLandmarker, cached per user (see 'list' for where).
Commands that run BlazePose take --model lite|full|heavy|PATH.task (default full) and
get a missing named model by themselves; these subcommands do it ahead of time.

  list            the cached models: name, size, SHA-256, where each came from
  fetch NAME...   download lite, full, heavy and/or hand (the hand landmarker of --hands)
                  from MediaPipe's model storage
  build           make pose_landmarker_full.task offline from the BlazePose files inside
                  the mediapipe 0.10.21 wheel (Apache-2.0), fetched from PyPI with pip
                  (or --wheel FILE); no access to Google's storage needed. With --hands,
                  hand_landmarker.task from the same wheel's hand models instead
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", parser_class=type(parser))
    sub.add_parser("list", help="the cached models and where they are")
    fetch = sub.add_parser("fetch", help="download models from MediaPipe's model storage")
    fetch.add_argument(
        "names",
        nargs="+",
        choices=(*models.MODEL_NAMES, models.HAND_MODEL_NAME),
        metavar="NAME",
        help="lite, full, heavy or hand",
    )
    build = sub.add_parser("build", help="build the full (or hand) model offline from the mediapipe 0.10.21 wheel")
    build.add_argument("--hands", action="store_true", help="build the hand landmarker (hand_landmarker.task)")
    build.add_argument("--wheel", metavar="FILE", help="a local copy of the wheel (default: download it with pip)")
    build.add_argument("-o", "--output", metavar="OUT", help="write the bundle here instead of the cache")


def run(args: argparse.Namespace) -> int:
    action = getattr(args, "action", None) or "list"
    if action == "fetch":
        for name in args.names:
            started = time.perf_counter()
            path = models.fetch_model(name)
            print(f"{name}: {path} ({path.stat().st_size / 1e6:.1f} MB, {time.perf_counter() - started:.1f} s)")
        return 0
    if action == "build":
        if args.wheel and not Path(args.wheel).is_file():
            raise UserError(f"no such wheel: {args.wheel}")
        started = time.perf_counter()
        build = models.build_hand_model if args.hands else models.build_full_model
        out = build(Path(args.wheel) if args.wheel else None, Path(args.output) if args.output else None)
        name = "hand" if args.hands else "full"
        size, took = out.stat().st_size / 1e6, time.perf_counter() - started
        print(f"{name}: {out} ({size:.1f} MB, built in {took:.1f} s)")
        return 0
    found = models.cached_models()
    print(f"model cache: {models.models_dir()}")
    if not found:
        print("no models cached yet: 'pose-bridge models fetch full' or 'pose-bridge models build'", file=sys.stderr)
    for m in found:
        print(f"{m.name:5}  {m.size / 1e6:5.1f} MB  sha256 {m.sha256[:16]}…  {m.origin}  {m.path}")
    return 0
