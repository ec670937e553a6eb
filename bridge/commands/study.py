"""``pose-bridge study MANIFEST``: accuracy from every camera position of a sweep; the best placements."""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import UserError
from ..evaluation import default_joint_map, load_joint_map
from ..evaluation.results import StudyRow
from ..evaluation.study import best, read_manifest, write_outputs
from ._batch import add_batch_arguments, check_scheduler, local_workers, plural
from ._options import add_estimator_arguments, estimator_options, non_negative_int, resolved_model

if TYPE_CHECKING:
    from ..batch import StudyReport

HELP = "camera placement study: evaluate BlazePose from many camera positions, rank them"
DESCRIPTION = """\
MANIFEST is a CSV with one row per camera configuration:
  camera_x,camera_y,camera_z   camera position relative to the subject root (Unity, meters, y up)
  video | prediction           a video / image sequence (frames/%04d.png) to run BlazePose on,
                               or a recording already made (exactly one per row)
  truth                        the ground truth (Unity ground-truth txt or a recording)
  frame (optional)             single-video mode: this row is frame N of the video
  name (optional)              a label
Relative paths are resolved against the manifest's folder. CameraSweep in the Unity package writes it.

Each configuration: r, azimuth (around y from +z towards +x), elevation (above the horizontal
plane); mpjpe with the ground truth rotated into the camera's frame (camera looking at the root,
y up); pa_mpjpe; frames evaluated/missing; detection rate. Best = lowest pa_mpjpe, then mpjpe.
--out DIR: study.csv, best.csv, per_joint.csv, study.json, heatmaps per radius, error vs radius,
per-joint error by view, camera positions around the skeleton. See docs/evaluation.md.

A configuration whose video, prediction or truth cannot be read or decoded does not stop the study:
it is a failed row (an 'error' column with the message, no metrics, never among the best), with a
warning, and a one-line summary at the end. Exit status 2 only when every configuration failed
(or at once for a bad manifest, a missing model, or bad options).

Configurations run in parallel: one worker process per core (--workers), or the workers of a Dask
cluster (--scheduler). Rows sharing a video are one task (BlazePose tracks through it once); the
single-video mode's frames of an image sequence are cut into tasks of 32 frames. The results do
not depend on the number of workers. With --out, each task's rows are kept in DIR/parts as it
ends; after Ctrl-C (exit 130) or a crash, --resume evaluates only what is missing or changed."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("manifest", metavar="MANIFEST", type=Path, help="CSV of camera configurations")
    parser.add_argument("--json", action="store_true", help="print {configurations, best} as JSON")
    parser.add_argument("--out", metavar="DIR", type=Path, help="write CSV files and figures here")
    parser.add_argument(
        "--best", metavar="N", type=non_negative_int, default=5, help="how many best configurations to list (5)"
    )
    parser.add_argument("--joints", metavar="MAP.json", type=Path, help="joint correspondence (replaces the default)")
    parser.add_argument("--no-progress", dest="progress", action="store_false", help="no progress bar")
    add_batch_arguments(
        parser, "with --out DIR: reuse the configurations an earlier run evaluated (DIR/parts) if nothing changed"
    )
    add_estimator_arguments(parser, hands=False)


def run(args: argparse.Namespace) -> int:
    # Dask (distributed) takes a second to import: loaded when a batch runs, not at every start of the CLI.
    from ..batch import new_run_id, open_client, plan_units, study_batch
    from ..batch.inputs import check_output_dir

    check_scheduler(args.scheduler)
    configs = read_manifest(args.manifest)
    joint_map = load_joint_map(args.joints) if args.joints else default_joint_map()
    if args.resume and not args.out:
        raise UserError("--resume needs --out DIR: the evaluated configurations are kept in DIR/parts")
    if args.out:
        check_output_dir(Path(args.out))  # before hours of work, not after

    options = estimator_options(args)
    options.validate()
    if any(c.video is not None for c in configs):
        # Resolve (download or build) the model once, before any work: workers get the file's path. (The
        # single-video mode detects anew in every frame: its tasks use IMAGE mode, see bridge.batch.study.)
        options = resolved_model(options)
    parts = Path(args.out) / "parts" if args.out else None
    progress = args.progress and not getattr(args, "quiet", False) and sys.stderr.isatty()
    try:
        with open_client(workers=local_workers(args, len(plan_units(configs))), scheduler=args.scheduler) as client:
            study, report = study_batch(
                client,
                configs,
                joint_map,
                options,
                run_id=new_run_id(),
                parts=parts,
                resume=args.resume,
                progress=progress,
            )
    except KeyboardInterrupt:
        kept = f"; the configurations evaluated so far are in {parts}: run again with --resume" if parts else ""
        print(f"pose-bridge: interrupted{kept}", file=sys.stderr)
        return 130
    failed = study.failed
    if failed:
        print(f"pose-bridge: {_failure_summary(failed, len(study.rows))}", file=sys.stderr)
    if len(failed) == len(study.rows):
        raise UserError(f"every configuration of {args.manifest} failed; the first: {failed[0].error}")
    if args.out:
        try:
            write_outputs(study, args.out, args.best)
        except OSError as exc:
            raise UserError(f"cannot write to {args.out}: {exc.strerror or exc}") from None
    if args.json:
        print(json.dumps(study.to_json(args.best), allow_nan=False))
        return 0
    print(f"{len(study.rows)} configurations from {args.manifest}")
    top = best(study.rows, args.best)
    header = f"{'rank':>4}  {'name':<16}{'r m':>7}{'azim':>8}{'elev':>7}{'frames':>8}{'missing':>8}"
    header += f"{'MPJPE mm':>10}{'PA-MPJPE mm':>13}{'detected':>10}"
    print(header)
    print("-" * len(header))
    for i, r in enumerate(top, 1):
        print(
            f"{i:>4}  {r.name[:15]:<16}{r.r:>7.2f}{r.azimuth:>8.1f}{r.elevation:>7.1f}{r.frames:>8}"
            f"{r.frames_missing:>8}{_mm(r.mpjpe):>10}{_mm(r.pa_mpjpe):>13}{r.detection_rate:>10.0%}"
        )
    empty = sum(1 for r in study.rows if not r.error and not math.isfinite(r.pa_mpjpe))
    if empty:
        print(f"{empty} configuration(s) had no frame to evaluate")
    if failed:
        print(f"{len(failed)} configuration(s) failed (no metrics):")
        print(f"{'name':<16}error")
        for r in failed:
            print(f"{r.name[:15]:<16}{r.error}")
    print(_run_summary(report, parts))
    if args.out:
        print(f"written to {args.out}/")
    return 0


def _run_summary(report: StudyReport, parts: Path | None) -> str:
    """``evaluated in 12.3 s on 4 workers: 9 tasks, 750 BlazePose frames (61.0 frames/s); 3 reused from DIR``."""
    ran = report.units - report.reused
    line = f"evaluated in {report.seconds:.1f} s on {plural(report.workers, 'worker')}: {plural(ran, 'task')}"
    if report.frames:
        rate = report.frames / report.seconds if report.seconds > 0 else 0.0
        line += f", {report.frames} BlazePose frames ({rate:.1f} frames/s)"
    if report.reused:
        line += f"; {report.reused} reused from {parts}"
    return line


def _failure_summary(failed: list[StudyRow], total: int, show: int = 3) -> str:
    """``N of M configurations failed: name (message); ...`` on one line, the first ``show`` named."""
    listed = "; ".join(f"{r.name} ({r.error})" for r in failed[:show])
    more = f"; and {len(failed) - show} more" if len(failed) > show else ""
    return f"{len(failed)} of {total} configurations failed: {listed}{more}"


def _mm(v: float) -> str:
    return "-" if not math.isfinite(v) else f"{v * 1000:.1f}"
