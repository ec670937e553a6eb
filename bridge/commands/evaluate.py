"""``pose-bridge evaluate PRED TRUTH``: MPJPE and PA-MPJPE of a recording against a ground truth."""

from __future__ import annotations

import argparse
import csv
import json
import math
from pathlib import Path

from ..errors import UserError
from ..evaluation import Evaluation, default_joint_map, evaluate, load_joint_map, skeletons_from_poses
from ..evaluation.loading import iter_poses, read_truth
from ..evaluation.results import csv_cell

HELP = "compare predicted landmarks with a ground-truth skeleton (MPJPE, PA-MPJPE)"
DESCRIPTION = """\
Compare a recording's world landmarks (PRED: seed txt, JSONL or CSV) with a ground truth
(TRUTH: the Unity ground-truth txt 'Landmark [FRAME, rig:Bone]: (x, y, z)', or any recording).

Both are put in Unity's frame (MediaPipe world (x, y, z) -> (x, -y, z)) and centred per frame
on the midpoint of the hips. mpjpe: mean joint distance after that; pa_mpjpe: after the best
per-frame rotation + uniform scale + translation (no reflection). Errors in meters (the table
shows millimetres). Frames without a detection or missing in either file are excluded and counted.
Without --camera the truth is compared as is (right for a camera looking along Unity's +z).

Joint correspondence: the default table (bridge.skeleton.RIG_JOINTS) accepts Mixamo bone names
with any prefix and Unity HumanBodyBones names; --joints MAP.json replaces it, e.g.
  {"joints": {"left_hip": "LeftUpLeg", "right_hip": "RightUpLeg", ...}, "summary": [...]}
See docs/evaluation.md."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("prediction", metavar="PRED", help="recording with world landmarks (.txt, .jsonl, .csv)")
    parser.add_argument("truth", metavar="TRUTH", help="ground-truth txt from Unity, or any recording")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    parser.add_argument("--out", metavar="DIR", type=Path, help="write per_joint.csv, per_frame.csv and PNG plots")
    parser.add_argument("--joints", metavar="MAP.json", type=Path, help="joint correspondence (replaces the default)")
    parser.add_argument(
        "--offset", metavar="N", type=int, default=0, help="compare prediction frame n with truth frame n+N (default 0)"
    )
    parser.add_argument(
        "--camera",
        metavar="X,Y,Z",
        type=_vector,
        help="camera position relative to the subject root (Unity); mpjpe is then measured in the camera's frame",
    )


def _vector(text: str) -> tuple[float, float, float]:
    try:
        parts = [float(v) for v in text.replace(" ", "").split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected X,Y,Z numbers, got {text!r}") from None
    if len(parts) != 3 or not all(math.isfinite(v) for v in parts):
        raise argparse.ArgumentTypeError(f"expected three finite numbers X,Y,Z, got {text!r}")
    return parts[0], parts[1], parts[2]


def run(args: argparse.Namespace) -> int:
    joint_map = load_joint_map(args.joints) if args.joints else default_joint_map()
    truth, joint_map = read_truth(args.truth, joint_map)
    prediction = skeletons_from_poses(iter_poses(args.prediction), joint_map.landmarks, str(args.prediction))
    ev = evaluate(prediction, truth, joint_map, offset=args.offset, camera=args.camera)
    if ev.count == 0:
        hint = "" if args.offset else " (do the frame numbers differ? see --offset)"
        raise UserError(
            f"no frame to evaluate between {args.prediction} ({len(prediction)} frames, "
            f"{int(prediction.detected.sum())} with a detection) and {args.truth} ({len(truth)} frames): "
            f"excluded {ev.missing.describe()}{hint}"
        )
    if args.out:
        write_outputs(ev, args.out)
    if args.json:
        print(json.dumps(ev.to_json(), allow_nan=False))
    else:
        print(format_table(ev, str(args.prediction), str(args.truth)))
        if args.out:
            print(f"\nwritten to {args.out}/: per_joint.csv, per_frame.csv, per_joint.png, skeleton.png, "
                  "error_over_time.png")  # fmt: skip
    return 0


def format_table(ev: Evaluation, prediction: str, truth: str) -> str:
    """The human-readable report (millimetres)."""
    per = ev.per_joint()
    width = max(len(n) for n in [*per, "summary (00 joints)"]) + 2
    lines = [
        f"prediction: {prediction}",
        f"truth:      {truth}",
        f"frames:     {ev.count} evaluated, {ev.missing.total} excluded ({ev.missing.describe()})",
    ]
    if ev.camera is not None:
        lines.append(f"camera:     {ev.camera} (mpjpe in the camera's frame)")
    lines += ["", f"{'joint':<{width}}{'MPJPE mm':>10}{'PA-MPJPE mm':>13}", "-" * (width + 23)]
    for name, m in per.items():
        mark = "" if name in ev.summary_names else "  (not in summary)"
        lines.append(f"{name:<{width}}{_mm(m['mpjpe']):>10}{_mm(m['pa_mpjpe']):>13}{mark}")
    lines.append("-" * (width + 23))
    label = f"summary ({len(ev.summary)} joints)"
    lines.append(f"{label:<{width}}{_mm(ev.mpjpe):>10}{_mm(ev.pa_mpjpe):>13}")
    return "\n".join(lines)


def _mm(v: float) -> str:
    return "-" if not math.isfinite(v) else f"{v * 1000:.1f}"


def write_outputs(ev: Evaluation, out: Path) -> None:
    """per_joint.csv, per_frame.csv (meters) and the three figures."""
    from ..evaluation.plots import evaluation_plots  # matplotlib: loaded only when figures are written

    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot create output directory {out}: {exc.strerror or exc}") from None
    with (out / "per_joint.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["joint", "in_summary", "mpjpe", "pa_mpjpe"])
        for name, m in ev.per_joint().items():
            w.writerow([name, int(name in ev.summary_names), csv_cell(m["mpjpe"]), csv_cell(m["pa_mpjpe"])])
    with (out / "per_frame.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["frame", "mpjpe", "pa_mpjpe"])
        for frame, a, b in zip(ev.frames, ev.per_frame_mpjpe, ev.per_frame_pa_mpjpe, strict=True):
            w.writerow([int(frame), csv_cell(float(a)), csv_cell(float(b))])
    evaluation_plots(ev, out)
