"""``pose-bridge extract``: BlazePose over every frame of one or many videos, saved as recording files."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import UserError
from ..formats import FORMATS, detect_format
from . import _avatar, _options
from ._batch import add_batch_arguments, check_scheduler, local_workers, plural, rel, shorten

if TYPE_CHECKING:
    from ..batch import ExtractReport, Job

HELP = "run BlazePose on every frame of videos; save the landmarks (txt, JSONL, CSV) or the humanoid pose (BVH)"
DESCRIPTION = """\
Run BlazePose on every frame of each INPUT and save every frame's 33 landmarks, as fast as
the machine allows: one worker process per core (decoding overlaps inference in each), or
the workers of a Dask cluster (--scheduler). One overall progress bar, then a summary per file.

INPUT: video files (or image sequences such as frames/%04d.png), directories (every video
in and below them) and globs ('clips/**/*.mp4', quoted). Output:
  -o FILE   one input, one recording; the format from FILE's extension unless --format is given
  -o DIR    one recording per input, DIR/NAME.FORMAT (--format, default jsonl); inputs found in a
            directory or glob keep their sub-folders (data/s1/walk.mp4 from data -> DIR/s1/walk.jsonl)
-o is a directory when there are several inputs, when it exists as one, or when it ends in '/'.

Formats:
  txt     the thesis' format: 'Landmark [FRAME,INDEX]: (x, y, z)', one coordinate set
  jsonl   a header line, then one JSON object per frame with every field of the stream
  csv     one row per frame, columns like world_left_wrist_x (pandas, spreadsheets)
  bvh     the humanoid pose (Blender, MotionBuilder): in place, or with moving hips
          (--root-motion) or grounded on a floor with planted feet (--grounded; the
          camera's field of view from --camera-fov); --avatar-smooth smooths the rotations

Coordinates (--coords): world = meters around the hips (what a 3D skeleton needs),
image = MediaPipe's normalized image coordinates (what the original notebook wrote).
Default: world for txt; both sets for JSONL and CSV.

--smooth filters the landmarks (One Euro) before they are saved; --angles adds joint
angles (JSONL and CSV keep them; txt has no place for them).

Frames with nobody detected are kept: 33 lines of (-1, -1, -1) in txt, null in JSONL,
empty cells in CSV. captured_ns is 0 in every frame: the same video and options always
give the same bytes, whatever the number of workers.

Outputs are written under a temporary name and renamed when complete: an output that
exists is complete. An input that cannot be read fails alone: it is listed at the end and
the exit status is 1. A worker process that dies has its video run again by another.
Ctrl-C stops every worker and leaves only complete outputs (exit 130); --resume then
skips them. Existing outputs are otherwise overwritten. See docs/recordings.md.
"""

log = logging.getLogger("bridge.commands.extract")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "inputs", nargs="+", metavar="INPUT", help="video files (or image sequences), directories, globs"
    )
    parser.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="OUT",
        help="the recording to write (.txt/.jsonl/.csv) for one input, else the folder to write them to",
    )
    parser.add_argument("--format", choices=FORMATS, help="file format (default: from OUT's extension, or jsonl)")
    parser.add_argument(
        "--coords",
        choices=("world", "image", "both"),
        help="landmark set(s) to save (default: world for txt, both for JSONL/CSV; txt holds one)",
    )
    parser.add_argument("--no-progress", dest="progress", action="store_false", help="no progress bar")
    parser.add_argument(
        "--angles", action="store_true", help="add joint angles in degrees to every frame (saved in JSONL and CSV)"
    )
    add_batch_arguments(parser, "skip inputs whose output already exists and is complete")
    _options.add_estimator_arguments(parser)
    _options.add_smoothing_arguments(parser)
    _avatar.add_arguments(parser, "solve the humanoid pose of every frame (what a .bvh file holds; implied by it)")


def _single_file(args: argparse.Namespace) -> bool:
    """``-o`` names one file: one INPUT that is a file (or image sequence), and -o neither a folder nor ending in /."""
    if len(args.inputs) != 1:
        return False
    spec, out = args.inputs[0], args.output
    is_input_file = "%" in os.path.basename(spec) or Path(spec).is_file()
    return is_input_file and not Path(out).is_dir() and not out.endswith(("/", os.sep))


def plan(args: argparse.Namespace) -> tuple[list[Job], str]:
    """The jobs and the format, all checked (UserError for anything wrong) before any work starts."""
    # Dask (distributed) takes a second to import: loaded when a batch runs, not at every start of the CLI.
    from ..batch import Job, expand_inputs, plan_outputs
    from ..batch.inputs import check_output_dir

    if _single_file(args):
        if args.format is None and not Path(args.output).suffix:
            raise UserError(
                f"{args.output}: no extension to tell the format: name a .txt, .jsonl or .csv file, give --format, "
                "or end it with / to write into a folder"
            )
        fmt = detect_format(args.output, args.format)  # exit 2 on a bad extension before anything starts
        inputs = expand_inputs(args.inputs)
        jobs = [Job(inputs[0].path, Path(args.output))]
        check_output_dir(Path(args.output).parent)
    else:
        fmt = args.format or "jsonl"
        out_dir = Path(args.output)
        check_output_dir(out_dir)
        inputs = expand_inputs(args.inputs)
        jobs = [Job(i.path, o) for i, o in zip(inputs, plan_outputs(inputs, out_dir, fmt), strict=True)]
    if fmt == "txt" and args.coords == "both":
        raise UserError("a txt recording holds one coordinate set: use --coords world or --coords image")
    asked = [f for f in ("avatar", "avatar_smooth", "root_motion", "grounded") if getattr(args, f, False)]
    if fmt == "bvh":  # a BVH file is the humanoid pose: --avatar is implied
        args.avatar = True
    elif asked:
        raise UserError(
            f"--{asked[0].replace('_', '-')}: a {fmt} recording holds landmarks, not the humanoid pose: "
            "extract to BVH (a .bvh output or --format bvh)"
        )
    return jobs, fmt


def run(args: argparse.Namespace) -> int:
    from ..batch import ExtractReport, ExtractSettings, extract_batch, is_complete, new_run_id, open_client  # Dask

    check_scheduler(args.scheduler)
    jobs, fmt = plan(args)
    smoother = _options.smoother_from_args(args)  # exit 2 on bad parameters
    options = _options.estimator_options(args)
    options.validate()
    avatar = _avatar.settings_from_args(args, hands=options.hands)  # --grounded without BVH: "needs --avatar"
    progress = args.progress and not getattr(args, "quiet", False)

    skipped = [j for j in jobs if args.resume and is_complete(j.output, fmt)]
    todo = [j for j in jobs if j not in skipped]
    report = ExtractReport(list(jobs), skipped=skipped)
    if todo:
        # The model is resolved (downloaded or built when missing) here, once; workers get the file's path.
        options = _options.resolved_model(options)
        settings = ExtractSettings(
            run_id=new_run_id(),
            fmt=fmt,
            coords=args.coords,
            options=options,
            smoothing=None if smoother is None else (smoother.min_cutoff, smoother.beta, smoother.d_cutoff),
            angles=args.angles,
            avatar=avatar,
        )
        try:
            with open_client(workers=local_workers(args, len(todo)), scheduler=args.scheduler) as client:
                done = extract_batch(client, todo, settings, progress=progress)
        except KeyboardInterrupt:
            complete = sum(1 for j in jobs if j.output.is_file())
            where = rel(jobs[0].output) if len(jobs) == 1 else rel(args.output)
            print(
                f"pose-bridge: interrupted; {where} holds {plural(complete, 'complete output')} of {len(jobs)} "
                "(no partial file; run again with --resume to finish)",
                file=sys.stderr,
            )
            return 130
        report.results, report.failed = done.results, done.failed
        report.seconds, report.workers = done.seconds, done.workers
    if not getattr(args, "quiet", False):
        print_summary(report)
    if report.failed:
        listed = "; ".join(f"{job.input} ({message})" for job, message in report.failed[:3])
        more = f"; and {len(report.failed) - 3} more" if len(report.failed) > 3 else ""
        failed = f"{len(report.failed)} of {plural(len(jobs), 'input')} failed"
        print(f"pose-bridge: {failed}: {listed}{more}", file=sys.stderr)
        return 1
    return 0


def print_summary(report: ExtractReport) -> None:
    """One line per input (frames, detected, seconds, frames/s, output or why not), then the totals."""
    failed = {job.output: message for job, message in report.failed}
    skipped = {job.output for job in report.skipped}
    width = min(40, max(len("input"), *(len(rel(j.input)) for j in report.jobs)))
    print(f"{'input':<{width}}  {'frames':>7} {'detected':>8} {'seconds':>8} {'frames/s':>9}  result")
    for job in report.jobs:
        name = shorten(rel(job.input), width)
        if job.output in report.results:
            r = report.results[job.output]
            speed = f"{r.frames / r.seconds:.1f}" if r.seconds > 0 else "-"
            print(f"{name:<{width}}  {r.frames:>7} {r.detected:>8} {r.seconds:>8.1f} {speed:>9}  {rel(job.output)}")
        elif job.output in skipped:
            print(f"{name:<{width}}  {'-':>7} {'-':>8} {'-':>8} {'-':>9}  skipped: {rel(job.output)} is complete")
        else:
            message = failed.get(job.output, "not run")
            print(f"{name:<{width}}  {'-':>7} {'-':>8} {'-':>8} {'-':>9}  FAILED: {message}")
    n = len(report.jobs)
    parts = [f"{len(report.results)} extracted"]
    if report.skipped:
        parts.append(f"{len(report.skipped)} skipped")
    if report.failed:
        parts.append(f"{len(report.failed)} failed")
    line = f"{plural(n, 'input')}: {', '.join(parts)}"
    if report.results:
        rate = report.frames / report.seconds if report.seconds > 0 else 0.0
        line += (
            f"; {report.frames} frames in {report.seconds:.1f} s ({rate:.1f} frames/s) "
            f"on {plural(report.workers, 'worker')}"
        )
    print(line)
