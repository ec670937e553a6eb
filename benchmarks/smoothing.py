"""Benchmark: One Euro smoothing (``--smooth``) — jitter on a still person, lag on a moving one.

Real BlazePose (MediaPipe Tasks PoseLandmarker, full model, VIDEO mode with its own smoothing, as in
``serve``) runs once over each test video; the smoother is then applied to the
recorded landmark stream exactly as ``serve --smooth`` applies it to published
frames, so every parameter setting sees the same BlazePose output.

- **Jitter** — a real photo repeated as a 30 fps video with Gaussian sensor
  noise added to every frame (``tests.media.make_video(motion=0, noise=N)``):
  the person does not move, so every frame-to-frame change of a landmark is
  jitter. Metric: the standard deviation of frame-to-frame differences, per
  landmark and axis, averaged over landmarks with visibility >= 0.5; image
  coordinates in pixels (x, y), world coordinates in millimetres (x, y, z).
- **Lag** — the same photo moving sinusoidally (camera pan of ±``--motion`` px,
  period 2 s, plus noise), played three times (image coordinates: world
  landmarks are hip-centred and do not move with a pan); and the built-in demo's
  waving arm and stepping legs (no noise, exact trajectory). Metric: the time shift τ (in frames)
  that best aligns the smoothed trajectories with the unsmoothed ones
  (least squares over landmarks that move, τ searched in 0.02-frame steps);
  "added lag" is that τ.

Target (issue 6): jitter down >= 60 % with <= 1 frame of added lag at 30 fps.

Usage::

    python benchmarks/smoothing.py              # defaults, a sweep; updates docs/benchmarks.md
    python benchmarks/smoothing.py --no-sweep --no-docs --beta 20   # try a setting
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._report import machine, write_section  # noqa: E402
from bridge.frame import PoseFrame  # noqa: E402
from bridge.pose import Estimator  # noqa: E402
from bridge.smoothing import DEFAULT_BETA, DEFAULT_D_CUTOFF, DEFAULT_MIN_CUTOFF, PoseSmoother  # noqa: E402
from bridge.sources.demo import pose_at  # noqa: E402
from tests.media import make_video, media_dir  # noqa: E402

FPS = 30.0
SECTION = "smoothing"
WARMUP = 15  # frames skipped at the start (tracking settles, the filter starts from the first frame)


def blazepose_stream(video: Path, repeats: int = 1) -> tuple[list[PoseFrame], tuple[int, int]]:
    """Real BlazePose on every frame of ``video`` (played ``repeats`` times back to back)."""
    frames: list[PoseFrame] = []
    size = (0, 0)
    with Estimator() as est:
        for _ in range(repeats):
            cap = cv2.VideoCapture(str(video))
            while True:
                ok, bgr = cap.read()
                if not ok:
                    break
                size = (bgr.shape[1], bgr.shape[0])
                image, world = est.process(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
                k = len(frames)
                frames.append(PoseFrame(seq=k, t=k / FPS, captured_ns=0, image=image, world=world))
            cap.release()
    return frames, size


def demo_stream(n: int = 180) -> list[PoseFrame]:
    out = []
    for k in range(n):
        image, world = pose_at(k, FPS)
        out.append(PoseFrame(seq=k, t=k / FPS, captured_ns=0, image=image, world=world))
    return out


def smooth(frames: Sequence[PoseFrame], min_cutoff: float, beta: float, d_cutoff: float) -> list[PoseFrame]:
    s = PoseSmoother(min_cutoff, beta, d_cutoff)
    return [s(f) for f in frames]


def positions(frames: Sequence[PoseFrame], coords: str, size: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """(T, 33, k) positions in pixels (image: x, y) or millimetres (world: x, y, z), and (T, 33) visibility.

    Frames with no detection become NaN rows.
    """
    dims = 2 if coords == "image" else 3
    scale = np.array(size, dtype=np.float64) if coords == "image" else np.full(3, 1000.0)
    pos = np.full((len(frames), 33, dims), np.nan)
    vis = np.zeros((len(frames), 33))
    for i, f in enumerate(frames):
        block = f.image if coords == "image" else f.world
        if block is not None:
            pos[i] = block[:, :dims] * scale
            vis[i] = block[:, 3]
    return pos, vis


def jitter(frames: Sequence[PoseFrame], coords: str, size: tuple[int, int]) -> float:
    """Mean over reliable landmarks (and axes) of the std of frame-to-frame differences."""
    pos, vis = positions(frames[WARMUP:], coords, size)
    diffs = np.diff(pos, axis=0)  # (T-1, 33, k)
    reliable = np.nanmean(vis, axis=0) >= 0.5
    per = np.nanstd(diffs, axis=0)  # (33, k)
    return float(np.nanmean(per[reliable]))


def lag_frames(raw: Sequence[PoseFrame], smoothed: Sequence[PoseFrame], coords: str, size: tuple[int, int]) -> float:
    """Time shift (frames) of the smoothed trajectories against the raw ones, by least squares."""
    a, vis = positions(raw[WARMUP:], coords, size)
    b, _ = positions(smoothed[WARMUP:], coords, size)
    n = a.shape[0]
    # only landmarks and axes that really move (range well above the jitter), and are reliable
    moving = (np.nanmax(a, axis=0) - np.nanmin(a, axis=0)) > (20.0 if coords == "image" else 40.0)
    moving &= (np.nanmean(vis, axis=0) >= 0.5)[:, None]
    if not moving.any():
        return float("nan")
    ta = np.arange(n, dtype=np.float64)
    best, best_err = 0.0, np.inf
    for tau in np.arange(-1.0, 6.0, 0.02):
        # compare b(t) with a(t - tau): interpolate a at shifted times, inside the valid range
        ts = ta - tau
        ok = (ts >= 0) & (ts <= n - 1)
        err = 0.0
        for j, k in zip(*np.nonzero(moving), strict=True):
            shifted = np.interp(ts[ok], ta, a[:, j, k])
            d = b[ok, j, k] - shifted
            err += float(np.nanmean(d * d))
        if err < best_err:
            best, best_err = float(tau), err
    return best


Clip = tuple[str, list[PoseFrame], tuple[int, int]]


def evaluate(
    still: list[Clip],
    moving: list[tuple[Clip, tuple[str, ...]]],
    min_cutoff: float,
    beta: float,
    d_cutoff: float,
) -> dict[str, float]:
    out: dict[str, float] = {}
    for name, frames, size in still:
        sm = smooth(frames, min_cutoff, beta, d_cutoff)
        for coords in ("image", "world"):
            before, after = jitter(frames, coords, size), jitter(sm, coords, size)
            out[f"jitter_before/{name}/{coords}"] = before
            out[f"jitter_after/{name}/{coords}"] = after
            out[f"jitter_cut/{name}/{coords}"] = 1.0 - after / before
    for (name, frames, size), coord_sets in moving:
        sm = smooth(frames, min_cutoff, beta, d_cutoff)
        for coords in coord_sets:
            out[f"lag/{name}/{coords}"] = lag_frames(frames, sm, coords, size)
    return out


def table(rows: list[list[str]], header: list[str]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = lambda r: "| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)) + " |"  # noqa: E731
    return "\n".join([line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(line, rows)])


def still_clips(media: Path, tmp: Path, frames: int, noise: float) -> list[Clip]:
    out = []
    for photo in ("basketball1.png", "messi5.jpg"):
        video = make_video(media / photo, tmp / f"still_{noise:g}_{photo}.avi", frames=frames, motion=0, noise=noise,
                           seed=1)  # fmt: skip
        stream, size = blazepose_stream(video)
        out.append((photo, stream, size))
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--frames", type=int, default=150, help="frames of each still video (default 150)")
    p.add_argument("--noise", type=float, default=8.0, help="sensor noise std on the 0-255 scale (default 8)")
    p.add_argument("--motion", type=float, default=60.0, help="pan amplitude of the moving video in px (default 60)")
    p.add_argument("--min-cutoff", type=float, default=DEFAULT_MIN_CUTOFF)
    p.add_argument("--beta", type=float, default=DEFAULT_BETA)
    p.add_argument("--d-cutoff", type=float, default=DEFAULT_D_CUTOFF)
    p.add_argument("--no-sweep", action="store_true", help="skip the min_cutoff x beta grid")
    p.add_argument("--no-docs", action="store_true", help="do not update docs/benchmarks.md")
    args = p.parse_args(argv)

    media = media_dir()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        still = still_clips(media, tmp, args.frames, args.noise)
        other_noise = {n: still_clips(media, tmp, args.frames, n) for n in (args.noise / 2, args.noise * 1.5)}
        video = make_video(media / "basketball1.png", tmp / "moving.avi", frames=60, motion=args.motion,
                           noise=args.noise / 2, seed=2)  # fmt: skip
        mframes, msize = blazepose_stream(video, repeats=3)
    # world landmarks are hip-centred: a camera pan does not move them, so the pan clip measures image lag only
    moving: list[tuple[Clip, tuple[str, ...]]] = [
        (("basketball1.png panning", mframes, msize), ("image",)),
        (("demo waving (synthetic)", demo_stream(), (640, 480)), ("image", "world")),
    ]
    clips = [*still, *(c for c, _ in moving)]
    detected = ", ".join(f"{name} {sum(f.detected for f in fr) / len(fr):.0%}" for name, fr, _ in clips)
    print(f"BlazePose passes done in {time.perf_counter() - started:.0f} s; detection rate: {detected}")

    def summary(r: dict[str, float]) -> tuple[float, float]:
        cut = min(v for k, v in r.items() if k.startswith("jitter_cut/"))
        lag = max(v for k, v in r.items() if k.startswith("lag/"))
        return cut, lag

    sweep = ""
    if not args.no_sweep:
        rows = []
        for mc in (0.05, 0.3, 1.0):
            for beta in (3.0, 5.0, 10.0, 20.0):
                cut, lag = summary(evaluate(still, moving, mc, beta, args.d_cutoff))
                ok = "yes" if cut >= 0.6 and lag <= 1.0 else ""
                rows.append([f"{mc:g}", f"{beta:g}", f"{cut:.1%}", f"{lag:.2f}", ok])
        sweep = table(rows, ["min_cutoff", "beta", "smallest jitter cut", "largest added lag", "meets target"])
        print(f"\nsweep (d_cutoff={args.d_cutoff:g}):\n{sweep}")

    r = evaluate(still, moving, args.min_cutoff, args.beta, args.d_cutoff)
    jrows = []
    for name, _, _ in still:
        for coords, unit in (("image", "px"), ("world", "mm")):
            jrows.append([
                name, coords,
                f"{r[f'jitter_before/{name}/{coords}']:.2f} {unit}",
                f"{r[f'jitter_after/{name}/{coords}']:.2f} {unit}",
                f"{r[f'jitter_cut/{name}/{coords}']:.1%}",
            ])  # fmt: skip
    lrows = [[name, coords, f"{r[f'lag/{name}/{coords}']:.2f}"] for (name, _, _), cs in moving for coords in cs]
    cut_min, lag_max = summary(r)
    nrows = []
    for noise, clips_n in sorted(other_noise.items()):
        rn = evaluate(clips_n, [], args.min_cutoff, args.beta, args.d_cutoff)
        cuts = {k: v for k, v in rn.items() if k.startswith("jitter_cut/")}
        nrows.append([f"{noise:g}", f"{min(cuts.values()):.1%}", f"{max(cuts.values()):.1%}"])
    verdict = "met" if cut_min >= 0.6 and lag_max <= 1.0 else "NOT met"
    params = f"min_cutoff={args.min_cutoff:g}, beta={args.beta:g}, d_cutoff={args.d_cutoff:g}"
    text = "\n".join([
        "## Smoothing (One Euro filter, `--smooth`)",
        "",
        f"Machine: {machine()}.",
        "",
        "`python benchmarks/smoothing.py` — real BlazePose (PoseLandmarker full model, VIDEO mode, as "
        "`serve` runs it) on real photos made into 30 fps videos; the filter applied to the landmark stream as "
        f"`serve --smooth` does, with {params} (the defaults). Still clips: {args.frames} frames of one photo "
        f"with Gaussian sensor noise σ={args.noise:g} (0–255 scale) added to every frame. Jitter = standard "
        "deviation of frame-to-frame differences per landmark and axis, mean over landmarks with visibility "
        f"≥ 0.5, first {WARMUP} frames skipped.",
        "",
        table(jrows, ["still clip", "coords", "jitter without", "jitter with", "cut"]),
        "",
        "Added lag, in frames at 30 fps: the least-squares time shift between the smoothed and the unsmoothed "
        "trajectories of the landmarks that move. *Panning*: the photo panned ±"
        f"{args.motion:g} px (2 s period, noise σ={args.noise / 2:g}, 180 frames), image coordinates only "
        "(world landmarks are hip-centred, a pan does not move them). *Demo*: the built-in waving arm and "
        "stepping legs, exact trajectory.",
        "",
        table(lrows, ["moving clip", "coords", "added lag"]),
        "",
        f"Target: jitter down ≥ 60 % with ≤ 1 frame of added lag — **{verdict}** on these clips "
        f"(smallest cut {cut_min:.1%}, largest lag {lag_max:.2f} frames). The margin is thin: the defaults "
        "were chosen on these same clips, and the sweep below shows the trade-off — every setting that cuts "
        "more jitter adds more lag. The limiting cases are the image coordinates of the still messi5 clip "
        "(jitter) and of the small demo figure (lag).",
        "",
        "Jitter cut with the defaults at other noise levels (smallest and largest over both clips and both "
        "coordinate sets):",
        "",
        table(nrows, ["noise σ", "smallest cut", "largest cut"]),
        "",
        *([f"Sweep at d_cutoff={args.d_cutoff:g} (smallest cut over the still clips, largest lag over the "
           "moving ones):", "", sweep, ""] if sweep else []),
        "Lag grows as movement slows, because the cutoff falls towards `min_cutoff`: raise `--beta` for less "
        "lag, lower it for steadier still poses.",
    ])  # fmt: skip
    print()
    print(text)
    if not args.no_docs:
        print(f"\nupdated {write_section(SECTION, text)} (section {SECTION})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
