"""Benchmark: the humanoid solver (``serve --avatar``) — accuracy, cost per frame, jitter and lag.

- **Accuracy**: the forward-kinematics round trip of ``tests/test_humanoid.py`` on many more poses
  (random in-limit rotations → synthesized landmarks (float32) → solver → forward kinematics).
- **Cost**: the solver per frame on real BlazePose output, against BlazePose's own time per frame on the
  same machine (``pose-bridge extract`` wall time, decoding included); the wire encoding with and without
  ``humanoid``.
- **Jitter**: real BlazePose on real photos held still as 30 fps videos with sensor noise (as
  ``benchmarks/smoothing.py`` does): the mean frame-to-frame change of every bone's rotation, in degrees,
  first 15 frames skipped — raw, with rotation smoothing (``--avatar-smooth``), with landmark smoothing
  (``--smooth``), with both.
- **Lag**: the built-in demo's motion (exact, no noise): the time shift (frames) that best aligns the
  smoothed rotation trajectories with the raw ones.

BlazePose runs through the real CLI (``python -m bridge extract``), so this script does not depend on how
the engine is built. Usage::

    python benchmarks/humanoid.py            # updates the "humanoid" section of docs/benchmarks.md
    python benchmarks/humanoid.py --no-docs  # print only
"""

from __future__ import annotations

import argparse
import math
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._report import machine, write_section  # noqa: E402
from bridge import protocol as P  # noqa: E402
from bridge.formats import open_reader  # noqa: E402
from bridge.frame import PoseFrame  # noqa: E402
from bridge.humanoid import BONES, HumanoidSolver, RotationSmoothing, SolverOptions, fk, quat  # noqa: E402
from bridge.humanoid.model import BONE_INDEX, DEG, REST_DIRECTIONS  # noqa: E402
from bridge.smoothing import PoseSmoother  # noqa: E402
from bridge.sources.demo import pose_at  # noqa: E402
from tests.media import make_video, media_dir  # noqa: E402
from tests.test_humanoid import random_pose  # noqa: E402

SECTION = "humanoid"
FPS = 30.0
WARMUP = 15


def extract(video: Path, out: Path) -> tuple[list[PoseFrame], float]:
    """Real BlazePose over ``video`` via the CLI; returns the frames and the wall time per frame (s)."""
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "bridge", "extract", str(video), "-o", str(out), "--no-progress"],
                   check=True, capture_output=True, cwd=ROOT)  # fmt: skip
    frames = list(open_reader(out))
    return frames, (time.perf_counter() - t0) / max(1, len(frames))


def round_trip(n: int) -> tuple[float, float]:
    rng = np.random.default_rng(2024)
    worst_dir = worst_twist = 0.0
    for _ in range(n):
        truth = random_pose(rng)
        pose = HumanoidSolver().solve(fk.synthesize_world_block(truth), 0.0)
        assert pose is not None
        a, b = fk.bone_directions(truth), fk.bone_directions(pose.rotations)
        for bone in a:
            worst_dir = max(worst_dir, math.degrees(math.acos(min(1.0, float(np.dot(a[bone], b[bone]))))))
        wt, ws = fk.world_rotations(truth), fk.world_rotations(pose.rotations)
        for bone in ("Head", "LeftHand", "RightHand", "LeftFoot", "RightFoot"):
            i = BONE_INDEX[bone]
            twist = quat.swing_twist(quat.mul(quat.conj(wt[i]), ws[i]), REST_DIRECTIONS[bone])[1]
            worst_twist = max(worst_twist, abs(twist) / DEG)
    return worst_dir, worst_twist


def solve_all(frames: Sequence[PoseFrame], options: SolverOptions, smooth_landmarks: bool = False) -> np.ndarray:
    solver = HumanoidSolver(options)
    smoother = PoseSmoother() if smooth_landmarks else None
    out = []
    for f in frames:
        g = smoother(f) if smoother else f
        pose = solver.solve(g.world, g.t, image=g.image)
        assert pose is not None
        out.append(pose.rotations.astype(np.float64))
    return np.array(out)


def cost_us(frames: Sequence[PoseFrame], options: SolverOptions, repeats: int = 5) -> float:
    best = math.inf
    for _ in range(repeats):
        solver = HumanoidSolver(options, aspect=4 / 3)
        t0 = time.perf_counter()
        for f in frames:
            solver.solve(f.world, f.t, image=f.image)
        best = min(best, (time.perf_counter() - t0) / len(frames))
    return best * 1e6


def jitter(rot: np.ndarray) -> tuple[float, float, str]:
    """Mean and largest per-bone mean frame-to-frame rotation change (degrees), and that bone."""
    steps = np.array(
        [[quat.angle_between(rot[k - 1, i], rot[k, i]) for i in range(len(BONES))] for k in range(WARMUP + 1, len(rot))]
    )
    per_bone = steps.mean(axis=0) / DEG
    return float(per_bone.mean()), float(per_bone.max()), BONES[int(per_bone.argmax())]


def lag(raw: np.ndarray, smoothed: np.ndarray) -> float:
    """Least-squares time shift (frames) of the smoothed rotation-vector trajectories against the raw ones."""
    rv_raw = np.array([[quat.to_rotvec(q) for q in f] for f in raw])
    rv_sm = np.array([[quat.to_rotvec(q) for q in f] for f in smoothed])
    ts = np.arange(len(raw), dtype=np.float64)
    best, best_tau = math.inf, 0.0
    for tau in np.arange(0.0, 6.0, 0.02):
        err = 0.0
        for b in range(rv_raw.shape[1]):
            for c in range(3):
                shifted = np.interp(ts - tau, ts, rv_raw[:, b, c])
                err += float(((shifted[20:] - rv_sm[20:, b, c]) ** 2).sum())
        if err < best:
            best, best_tau = err, float(tau)
    return best_tau


def encode_us(frame: PoseFrame, fmt: P.WireFormat, n: int = 2000) -> float:
    t0 = time.perf_counter()
    for _ in range(n):
        P.encode_frame(frame, fmt)
    return (time.perf_counter() - t0) / n * 1e6


def table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    line = lambda r: "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |"  # noqa: E731
    return "\n".join([line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(line, rows)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--no-docs", action="store_true", help="print only, do not update docs/benchmarks.md")
    parser.add_argument("--poses", type=int, default=2000, help="round-trip poses (default 2000)")
    args = parser.parse_args(argv)
    media = media_dir()
    out: list[str] = [f"## Humanoid solver (`--avatar`)\n\nMachine: {machine()}.\n"]
    out.append("`python benchmarks/humanoid.py` — real BlazePose through `pose-bridge extract`, then the solver.\n")

    worst_dir, worst_twist = round_trip(args.poses)
    out.append(
        f"**Round trip** ({args.poses} random in-limit poses → float32 landmarks → solver → forward kinematics): "
        f"largest bone direction error {worst_dir:.3f}° (target < 1°), largest hand/foot/head twist error "
        f"{worst_twist:.3f}° (target < 5°).\n"
    )

    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        moving_video = make_video(media / "basketball1.png", tmp / "moving.avi", frames=150)
        moving, per_frame = extract(moving_video, tmp / "m.jsonl")
        stills = {}
        for name in ("basketball1.png", "messi5.jpg"):
            video = make_video(media / name, tmp / f"still_{name}.avi", frames=150, motion=0, noise=8)
            stills[name], _ = extract(video, tmp / f"still_{name}.jsonl")

    detected = [f for f in moving if f.world is not None]
    rows = []
    for label, opts in (
        ("solver (default)", SolverOptions()),
        ("+ rotation smoothing (`--avatar-smooth`)", SolverOptions(smoothing=RotationSmoothing())),
        ("+ root motion (`--root-motion`)", SolverOptions(root_motion=True)),
    ):
        us = cost_us(detected, opts)
        rows.append([label, f"{us:.0f} µs", f"{us / (per_frame * 1e6) * 100:.1f} %"])
    out.append(
        "**Cost per frame** on real BlazePose output (basketball1.png, 150 frames, best of 5 runs), against "
        f"BlazePose itself on this machine ({per_frame * 1e3:.1f} ms per frame: `pose-bridge extract`, decoding "
        "included):\n\n" + table(["", "solver", "of BlazePose's time"], rows) + "\n"
    )
    frame = HumanoidSolver()(detected[0])
    plain = frame.replace(humanoid=None)
    enc = []
    for fmt in P.WireFormat:
        with_h, without = encode_us(frame, fmt), encode_us(plain, fmt)
        size_with = len(P.encode_frame(frame, fmt).stamp(0))
        size_without = len(P.encode_frame(plain, fmt).stamp(0))
        enc.append([fmt.name.lower(), f"{without:.1f} µs", f"{with_h:.1f} µs", f"{size_without} B", f"{size_with} B"])
    out.append(
        "Encoding a frame (once per frame and wire format, whatever the number of clients):\n\n"
        + table(["format", "encode without", "with humanoid", "bytes without", "with humanoid"], enc)
        + "\n"
    )

    jrows = []
    for name, frames in stills.items():
        base = solve_all(frames, SolverOptions())
        raw = jitter(base)
        for label, opts, sl in (
            ("raw", SolverOptions(), False),
            ("`--avatar-smooth`", SolverOptions(smoothing=RotationSmoothing()), False),
            ("`--smooth`", SolverOptions(), True),
            ("both", SolverOptions(smoothing=RotationSmoothing()), True),
        ):
            j = raw if label == "raw" else jitter(solve_all(frames, opts, sl))
            cut = "" if label == "raw" else f"{(1 - j[0] / raw[0]) * 100:.0f} %"
            jrows.append([name, label, f"{j[0]:.2f}°", cut, f"{j[1]:.2f}° ({j[2]})"])
    demo = [PoseFrame(k, k / FPS, 0, *pose_at(k, FPS)) for k in range(180)]
    demo_raw = solve_all(demo, SolverOptions())
    lags = {
        "`--avatar-smooth`": lag(demo_raw, solve_all(demo, SolverOptions(smoothing=RotationSmoothing()))),
        "`--smooth`": lag(demo_raw, solve_all(demo, SolverOptions(), True)),
        "both": lag(demo_raw, solve_all(demo, SolverOptions(smoothing=RotationSmoothing()), True)),
    }
    out.append(
        "**Jitter** on still clips (150 frames of one photo, sensor noise σ=8; mean over bones of each bone's mean "
        "frame-to-frame rotation change; the bone that jitters most in the last column):\n\n"
        + table(["still clip", "smoothing", "jitter", "cut", "worst bone"], jrows)
        + "\n\n**Added lag** on the demo's waving and stepping (exact motion), in frames at 30 fps: "
        + ", ".join(f"{k} {v:.2f}" for k, v in lags.items())
        + ". Rotation smoothing uses min_cutoff 1 Hz, beta 0.5 /(rad/s), d_cutoff 4 Hz "
        "(`bridge/humanoid/filters.py`); `--smooth` is the landmark filter of the section above.\n"
    )
    out.append(
        "Reading: the solver adds about a millisecond (pure Python and numpy) to a frame that BlazePose needs"
        " tens of milliseconds for. A still person's bones move a fraction of a degree per frame; either "
        "smoothing cuts that by about two thirds for about one frame of lag. The jitter that remains is in "
        "the legs' twist (the thigh and shin turn about their own axes): on a nearly straight leg that twist "
        "comes from the foot, whose BlazePose landmarks (heel, toe) are among the noisiest.\n"
    )
    text = "\n".join(out)
    print(text)
    if not args.no_docs:
        print(f"updated {write_section(SECTION, text)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
