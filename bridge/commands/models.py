"""``pose-bridge models``: list, download or build the BlazePose model bundles."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from ..errors import UserError
from ..pose import models

HELP = "list, download (fetch) or build offline (build) the BlazePose models"
DESCRIPTION = """\
BlazePose models for MediaPipe's PoseLandmarker, cached per user (see 'list' for where).
Commands that run BlazePose take --model lite|full|heavy|PATH.task (default full) and
get a missing named model by themselves; these subcommands do it ahead of time.

  list            the cached models: name, size, SHA-256, where each came from
  fetch NAME...   download lite, full and/or heavy from MediaPipe's model storage
  build           make pose_landmarker_full.task offline from the BlazePose files inside
                  the mediapipe 0.10.21 wheel (Apache-2.0), fetched from PyPI with pip
                  (or --wheel FILE); no access to Google's storage needed
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", parser_class=type(parser))
    sub.add_parser("list", help="the cached models and where they are")
    fetch = sub.add_parser("fetch", help="download models from MediaPipe's model storage")
    fetch.add_argument("names", nargs="+", choices=models.MODEL_NAMES, metavar="NAME", help="lite, full or heavy")
    build = sub.add_parser("build", help="build the full model offline from the mediapipe 0.10.21 wheel")
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
        out = models.build_full_model(
            Path(args.wheel) if args.wheel else None, Path(args.output) if args.output else None
        )
        print(f"full: {out} ({out.stat().st_size / 1e6:.1f} MB, built in {time.perf_counter() - started:.1f} s)")
        return 0
    found = models.cached_models()
    print(f"model cache: {models.models_dir()}")
    if not found:
        print("no models cached yet: 'pose-bridge models fetch full' or 'pose-bridge models build'", file=sys.stderr)
    for m in found:
        print(f"{m.name:5}  {m.size / 1e6:5.1f} MB  sha256 {m.sha256[:16]}…  {m.origin}  {m.path}")
    return 0
