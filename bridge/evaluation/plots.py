"""Figures for ``evaluate --out`` and ``study --out`` (matplotlib, headless).

Figures are built with :class:`matplotlib.figure.Figure` and the Agg canvas, never with
``pyplot``: no global state, no GUI backend, safe in any thread. Errors are coloured on a
green (low) -> red (high) scale, and every colour scale has a colour bar in meters.
Each function writes one PNG and returns its path.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib import colormaps
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize
from matplotlib.figure import Figure

from ..skeleton import BONES, INDEX, LANDMARK_NAMES
from .metrics import Evaluation
from .results import StudyRow

#: Low error green, high error red.
CMAP = colormaps["RdYlGn_r"]
DPI = 110


def _save(fig: Figure, path: Path) -> Path:
    FigureCanvasAgg(fig)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=DPI)
    return path


def _norm(values: Sequence[float] | np.ndarray) -> Normalize:
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    hi = float(v.max()) if v.size else 1.0
    return Normalize(vmin=0.0, vmax=hi if hi > 0 else 1.0)


def _colorbar(fig: Figure, ax: Any, norm: Normalize, label: str) -> None:
    fig.colorbar(ScalarMappable(norm=norm, cmap=CMAP), ax=ax, label=label)


def _bones(landmarks: Sequence[int]) -> list[tuple[int, int]]:
    """Bones between evaluated landmarks, as positions in ``landmarks``; elbows/knees skip missing hands/feet."""
    pos = {lm: i for i, lm in enumerate(landmarks)}
    return [(pos[a], pos[b]) for a, b in BONES if a in pos and b in pos]


# --- evaluate ----------------------------------------------------------------------------------------------------


def per_joint_bars(ev: Evaluation, path: Path) -> Path:
    """Horizontal bars of each joint's MPJPE and PA-MPJPE, coloured green -> red by error."""
    per = ev.per_joint()
    names = list(per)
    mp = np.array([per[n]["mpjpe"] for n in names])
    pa = np.array([per[n]["pa_mpjpe"] for n in names])
    norm = _norm(np.concatenate([mp, pa]))
    fig = Figure(figsize=(8, 0.45 * len(names) + 1.6))
    ax = fig.add_subplot()
    y = np.arange(len(names))
    ax.barh(y - 0.2, np.nan_to_num(mp), height=0.38, color=CMAP(norm(np.nan_to_num(mp))), edgecolor="black")
    ax.barh(y + 0.2, np.nan_to_num(pa), height=0.38, color=CMAP(norm(np.nan_to_num(pa))), edgecolor="black", hatch="//")
    labels = [n + ("" if INDEX[n] in ev.summary else " (not in summary)") for n in names]
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_xlabel("error (m) — plain: MPJPE (root-aligned), hatched: PA-MPJPE")
    ax.set_title(f"Per-joint error over {ev.count} frames (MPJPE {ev.mpjpe:.3f} m, PA-MPJPE {ev.pa_mpjpe:.3f} m)")
    _colorbar(fig, ax, norm, "m")
    fig.tight_layout()
    return _save(fig, path)


def skeleton_errors(ev: Evaluation, path: Path) -> Path:
    """The ground-truth skeleton (front and side view) with every joint circled in its error colour.

    Drawn for the evaluated frame whose MPJPE is the median; circle colours are each joint's
    MPJPE over all evaluated frames. Axes are Unity's (or the camera's, with a camera): y up.
    """
    per = ev.per_joint()
    err = np.array([per[LANDMARK_NAMES[lm]]["mpjpe"] for lm in ev.landmarks])
    norm = _norm(err)
    fig = Figure(figsize=(9, 6.5))
    if ev.count:
        k = int(np.argsort(ev.per_frame_mpjpe)[ev.count // 2])
        truth, pred, frame = ev.truth[k], ev.prediction[k], int(ev.frames[k])
    else:
        truth = pred = np.zeros((len(ev.landmarks), 3))
        frame = -1
    for col, (axis, title) in enumerate(((0, "front (x, y)"), (2, "side (z, y)"))):
        ax = fig.add_subplot(1, 2, col + 1)
        for a, b in _bones(ev.landmarks):
            ax.plot(truth[[a, b], axis], truth[[a, b], 1], color="0.25", lw=2.5, zorder=1)
            ax.plot(pred[[a, b], axis], pred[[a, b], 1], color="tab:blue", lw=1.0, ls="--", alpha=0.7, zorder=1)
        ax.scatter(truth[:, axis], truth[:, 1], s=40, color="0.1", zorder=2)
        ax.scatter(
            truth[:, axis],
            truth[:, 1],
            s=420,
            facecolors="none",
            edgecolors=CMAP(norm(np.nan_to_num(err))),
            linewidths=3.5,
            zorder=3,
        )
        ax.set_aspect("equal", adjustable="datalim")
        ax.set_title(title)
        ax.set_xlabel("x (m)" if axis == 0 else "z (m)")
        ax.set_ylabel("y (m, up)")
        ax.grid(alpha=0.3)
    fig.suptitle(f"Ground truth (frame {frame}, solid) and prediction (dashed); circles: joint MPJPE")
    _colorbar(fig, fig.axes, norm, "MPJPE (m)")
    return _save(fig, path)


def error_over_time(ev: Evaluation, path: Path) -> Path:
    """Per-frame MPJPE and PA-MPJPE against the frame number; gaps where frames were excluded."""
    fig = Figure(figsize=(10, 4))
    ax = fig.add_subplot()
    if ev.count:
        frames = ev.frames.astype(float)
        full = np.arange(int(frames.min()), int(frames.max()) + 1)
        for values, label, color in (
            (ev.per_frame_mpjpe, "MPJPE", "tab:red"),
            (ev.per_frame_pa_mpjpe, "PA-MPJPE", "tab:green"),
        ):
            series = np.full(len(full), np.nan)
            series[(frames - full[0]).astype(int)] = values
            ax.plot(full, series, label=label, color=color, lw=1.2, marker="." if ev.count < 200 else None)
        gaps = np.setdiff1d(full, ev.frames)
        if gaps.size:
            ax.scatter(gaps, np.zeros(gaps.size), marker="|", color="0.4", label="excluded frame")
    ax.set_xlabel("frame")
    ax.set_ylabel("error (m)")
    ax.set_ylim(bottom=0)
    ax.set_title(f"Error over time ({ev.count} frames evaluated, {ev.missing.total} excluded)")
    ax.grid(alpha=0.3)
    ax.legend(loc="upper right")
    fig.tight_layout()
    return _save(fig, path)


def evaluation_plots(ev: Evaluation, out: Path) -> list[Path]:
    """All three evaluation figures in ``out``."""
    return [
        per_joint_bars(ev, out / "per_joint.png"),
        skeleton_errors(ev, out / "skeleton.png"),
        error_over_time(ev, out / "error_over_time.png"),
    ]


# --- study -------------------------------------------------------------------------------------------------------


def _metric(rows: Sequence[StudyRow], name: str) -> np.ndarray:
    return np.array([getattr(r, name) for r in rows], dtype=float)


def heatmaps(rows: Sequence[StudyRow], out: Path, decimals: int = 3) -> list[Path]:
    """Per radius: azimuth x elevation grids of PA-MPJPE and MPJPE (grey: no frame evaluated).

    A failed configuration (``error`` set: its files could not be loaded) keeps its cell on the
    axes but leaves it grey, and never overwrites an evaluated configuration at the same position.
    """
    paths = []
    radii = sorted({round(r.r, decimals) for r in rows})
    for radius in radii:
        sel = [r for r in rows if round(r.r, decimals) == radius]
        az = sorted({round(r.azimuth, decimals) for r in sel})
        el = sorted({round(r.elevation, decimals) for r in sel})
        fig = Figure(figsize=(max(7.0, 0.55 * len(az) * 2 + 3), max(3.5, 0.45 * len(el) + 2.2)))
        for col, metric in enumerate(("pa_mpjpe", "mpjpe")):
            grid = np.full((len(el), len(az)), np.nan)
            for r in sel:
                if r.error:
                    continue
                grid[el.index(round(r.elevation, decimals)), az.index(round(r.azimuth, decimals))] = getattr(r, metric)
            norm = _norm(_metric(rows, metric))
            ax = fig.add_subplot(1, 2, col + 1)
            ax.set_facecolor("0.8")
            ax.imshow(np.ma.masked_invalid(grid), cmap=CMAP, norm=norm, origin="lower", aspect="auto")
            ax.set_xticks(range(len(az)), [f"{a:g}" for a in az], rotation=90 if len(az) > 8 else 0)
            ax.set_yticks(range(len(el)), [f"{e:g}" for e in el])
            ax.set_xlabel("azimuth (deg, from +z towards +x)")
            ax.set_ylabel("elevation (deg)")
            ax.set_title(f"{metric.upper().replace('_', '-')} at r = {radius:g} m")
            if len(az) * len(el) <= 80:
                for i in range(len(el)):
                    for j in range(len(az)):
                        if np.isfinite(grid[i, j]):
                            ax.text(j, i, f"{grid[i, j] * 100:.1f}", ha="center", va="center", fontsize=7)
            _colorbar(fig, ax, norm, "m" + (" (cells: cm)" if len(az) * len(el) <= 80 else ""))
        fig.tight_layout()
        paths.append(_save(fig, out / f"heatmap_r{radius:g}.png"))
    return paths


def error_vs_radius(rows: Sequence[StudyRow], path: Path, decimals: int = 3) -> Path:
    """Mean over views (line) and best/worst view (band) of each metric against the radius (failed rows left out)."""
    rows = [r for r in rows if not r.error]
    radii = sorted({round(r.r, decimals) for r in rows})
    fig = Figure(figsize=(7, 4.5))
    ax = fig.add_subplot()
    for metric, color in (("mpjpe", "tab:red"), ("pa_mpjpe", "tab:green")):
        mean, lo, hi = [], [], []
        for radius in radii:
            v = _metric([r for r in rows if round(r.r, decimals) == radius], metric)
            v = v[np.isfinite(v)]
            mean.append(v.mean() if v.size else np.nan)
            lo.append(v.min() if v.size else np.nan)
            hi.append(v.max() if v.size else np.nan)
        label = metric.upper().replace("_", "-")
        ax.plot(radii, mean, marker="o", color=color, label=f"{label} (mean over views)")
        ax.fill_between(radii, lo, hi, color=color, alpha=0.2, label=f"{label} best..worst view")
    ax.set_xlabel("camera distance r (m)")
    ax.set_ylabel("error (m)")
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend()
    ax.set_title("Error against camera distance")
    fig.tight_layout()
    return _save(fig, path)


def per_joint_by_view(rows: Sequence[StudyRow], joints: Sequence[str], path: Path, decimals: int = 1) -> Path:
    """Each joint's PA-MPJPE against azimuth and against elevation (averaged over the other coordinates).

    Failed configurations (``error`` set) are left out: an azimuth or elevation seen only by them has no column.
    """
    rows = [r for r in rows if not r.error]
    fig = Figure(figsize=(12, 0.42 * len(joints) + 2.5))
    for col, coord in enumerate(("azimuth", "elevation")):
        values = sorted({round(getattr(r, coord), decimals) for r in rows})
        grid = np.full((len(joints), len(values)), np.nan)
        for j, name in enumerate(joints):
            for k, v in enumerate(values):
                errs = [
                    r.per_joint.get(name, {}).get("pa_mpjpe", np.nan)
                    for r in rows
                    if round(getattr(r, coord), decimals) == v
                ]
                e = np.array(errs, dtype=float)
                e = e[np.isfinite(e)]
                if e.size:
                    grid[j, k] = e.mean()
        norm = _norm(grid.ravel())
        ax = fig.add_subplot(1, 2, col + 1)
        ax.set_facecolor("0.8")
        ax.imshow(np.ma.masked_invalid(grid), cmap=CMAP, norm=norm, aspect="auto")
        ax.set_yticks(range(len(joints)), list(joints))
        ax.set_xticks(range(len(values)), [f"{v:g}" for v in values], rotation=90 if len(values) > 8 else 0)
        ax.set_xlabel(f"{coord} (deg)")
        ax.set_title(f"Per-joint PA-MPJPE by {coord}")
        _colorbar(fig, ax, norm, "m")
    fig.tight_layout()
    return _save(fig, path)


def camera_positions(
    rows: Sequence[StudyRow], skeleton: np.ndarray | None, landmarks: Sequence[int], path: Path, best: int = 5
) -> Path:
    """Camera positions around the ground-truth skeleton (root at the origin), red -> green by PA-MPJPE.

    Plotted with Unity's y up (matplotlib's vertical axis). The ``best`` configurations are
    marked with a black ring and their rank. Cameras without an evaluated frame are grey crosses;
    failed configurations (``error`` set: files that could not be loaded) are red crosses. Both are in the legend.
    """
    fig = Figure(figsize=(8, 7.5))
    ax = fig.add_subplot(projection="3d")
    if skeleton is not None:
        for a, b in _bones(landmarks):
            ax.plot(skeleton[[a, b], 0], skeleton[[a, b], 2], skeleton[[a, b], 1], color="0.2", lw=2)
    pos = np.array([[r.camera[0], r.camera[1], r.camera[2]] for r in rows], dtype=float).reshape(-1, 3)
    err = _metric(rows, "pa_mpjpe")
    failed = np.array([bool(r.error) for r in rows], dtype=bool)
    ok = np.isfinite(err) & ~failed
    none = ~ok & ~failed  # loaded, but no frame evaluated
    norm = _norm(err[ok])
    ax.scatter(pos[ok, 0], pos[ok, 2], pos[ok, 1], c=CMAP(norm(err[ok])), s=45, depthshade=False, edgecolors="0.3")
    if none.any():
        ax.scatter(pos[none, 0], pos[none, 2], pos[none, 1], color="0.6", marker="x", s=30, label="nothing evaluated")
    if failed.any():
        ax.scatter(
            pos[failed, 0], pos[failed, 2], pos[failed, 1], color="tab:red", marker="x", s=60, linewidths=2,
            label=f"failed to load ({int(failed.sum())})",
        )  # fmt: skip
    if none.any() or failed.any():
        ax.legend(loc="upper left")
    ranked = sorted((i for i in range(len(rows)) if ok[i]), key=lambda i: (err[i], rows[i].mpjpe))[:best]
    for rank, i in enumerate(ranked, 1):
        ax.scatter(pos[i, 0], pos[i, 2], pos[i, 1], s=180, facecolors="none", edgecolors="black", linewidths=2)
        ax.text(pos[i, 0], pos[i, 2], pos[i, 1], f" {rank}", fontsize=10, weight="bold")
    ax.set_xlabel("x (m)")
    ax.set_ylabel("z (m)")
    ax.set_zlabel("y (m, up)")
    span = max(float(np.abs(pos).max()) if pos.size else 1.0, 1.0)
    ax.set_xlim(-span, span)
    ax.set_ylim(-span, span)
    ax.set_zlim(-span, span)
    ax.set_title(f"Camera positions by PA-MPJPE (rings: best {len(ranked)})")
    _colorbar(fig, ax, norm, "PA-MPJPE (m)")
    return _save(fig, path)
