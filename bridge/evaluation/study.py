"""The camera placement study: evaluate BlazePose from many camera positions, find the best.

A **manifest** (CSV, one row per camera configuration) lists:

- ``camera_x, camera_y, camera_z`` — the camera position in Unity coordinates (meters, y up)
  relative to the subject's root (hips' midpoint). The camera looks at the root with y up.
- ``video`` *or* ``prediction`` — a video / image sequence (``frames/%04d.png``, anything
  OpenCV's ``VideoCapture`` opens) to run BlazePose on, or a recording already made.
  Each row fills exactly one of the two.
- ``truth`` — the ground truth (Unity ground-truth txt, or any recording).
- ``frame`` (optional) — the thesis' single-video mode: this row is frame ``frame`` of the
  video/prediction, compared with truth frame ``frame`` (or the only frame of a one-frame
  ground truth: a static pose).
- ``name`` (optional) — a label for the configuration.

Relative paths are resolved against the manifest's directory. Unknown columns are an
error (a typo such as ``camera-x`` would otherwise be ignored silently).

For each configuration the prediction is compared with the truth by
:func:`~bridge.evaluation.metrics.evaluate` with the camera known: ``mpjpe`` is measured
in the camera's frame (the truth rotated into it, as Human3.6M does), so each view's depth
error shows; ``pa_mpjpe`` is view-independent. The best configurations are those with the
lowest ``pa_mpjpe`` (ties: lowest ``mpjpe``); configurations where no frame could be
evaluated rank last.

A configuration whose prediction or truth cannot be loaded (an unreadable or undecodable
video, a malformed recording: :class:`~bridge.errors.SourceError` or
:class:`~bridge.errors.FormatError`) does not stop the study: it becomes a row with
``error`` set (the one-line message) and no metrics, and is never among the best. Errors
that apply to every configuration (:class:`~bridge.errors.ModelMissingError`, any other
:class:`~bridge.errors.UserError`) still stop the study at once.
"""

from __future__ import annotations

import csv
import json
import logging
import math
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from ..errors import FormatError, SourceError, UserError
from ..frame import PoseFrame
from .geometry import root_align
from .joints import LEFT_HIP, RIGHT_HIP, JointMap
from .metrics import Evaluation, Skeletons, evaluate, skeletons_from_poses
from .results import STUDY_COLUMNS, Configuration, StudyRow, best, csv_cell, rank_key

__all__ = [
    "CONFIGURATION_ERRORS",
    "STUDY_COLUMNS",
    "Configuration",
    "Study",
    "StudyRow",
    "best",
    "rank_key",
    "read_manifest",
    "run_study",
    "warn_failed",
    "write_outputs",
]

log = logging.getLogger("bridge.evaluation.study")

REQUIRED_COLUMNS = ("camera_x", "camera_y", "camera_z", "truth")
OPTIONAL_COLUMNS = ("video", "prediction", "frame", "name")

#: The errors that fail one configuration (its files), not the whole study.
CONFIGURATION_ERRORS: tuple[type[UserError], ...] = (SourceError, FormatError)


def _exists(path: Path) -> bool:
    if "%" in path.name:  # an image sequence pattern: its folder must exist and hold files
        return path.parent.is_dir() and any(path.parent.iterdir())
    return path.exists()


def read_manifest(path: str | Path) -> list[Configuration]:
    """Parse and check a manifest; :class:`UserError` naming file, line and column for anything wrong."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise UserError(f"cannot read manifest {p}: {exc.strerror or exc}") from None
    reader = csv.DictReader(text.splitlines())
    header = [h.strip() for h in (reader.fieldnames or [])]
    if not header:
        raise UserError(f"{p}: empty manifest (expected a header with {', '.join(REQUIRED_COLUMNS)}, video/prediction)")
    reader.fieldnames = header
    unknown = [h for h in header if h not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    if unknown:
        raise UserError(
            f"{p}: unknown column(s) {', '.join(map(repr, unknown))}; "
            f"columns are {', '.join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)}"
        )
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise UserError(f"{p}: missing column(s) {', '.join(missing)}")
    if "video" not in header and "prediction" not in header:
        raise UserError(f"{p}: needs a 'video' or a 'prediction' column")
    base = p.parent
    configs: list[Configuration] = []
    for row in reader:
        line = reader.line_num
        if not any((v or "").strip() for v in row.values()):
            continue
        where = f"{p}:{line}"
        if None in row:
            raise UserError(f"{where}: more fields than columns")
        cells = {k: (v or "").strip() for k, v in row.items()}
        cam = []
        for c in ("camera_x", "camera_y", "camera_z"):
            try:
                value = float(cells[c])
            except ValueError:
                raise UserError(f"{where}: {c} {cells[c]!r} is not a number") from None
            if not math.isfinite(value):
                raise UserError(f"{where}: {c} {cells[c]!r} is not finite")
            cam.append(value)
        if math.hypot(*cam) < 1e-9:
            raise UserError(f"{where}: the camera is at the subject root (0, 0, 0)")
        video, prediction = cells.get("video", ""), cells.get("prediction", "")
        if bool(video) == bool(prediction):
            raise UserError(f"{where}: give exactly one of 'video' and 'prediction'")
        if not cells["truth"]:
            raise UserError(f"{where}: 'truth' is empty")
        frame = None
        if cells.get("frame", ""):
            try:
                frame = int(cells["frame"])
            except ValueError:
                raise UserError(f"{where}: frame {cells['frame']!r} is not an integer") from None
            if frame < 0:
                raise UserError(f"{where}: frame must be >= 0, got {frame}")
        resolved = {k: (base / v) if v else None for k, v in (("video", video), ("prediction", prediction))}
        truth = base / cells["truth"]
        for what, fp in (("video", resolved["video"]), ("prediction", resolved["prediction"]), ("truth", truth)):
            if fp is not None and not _exists(fp):
                raise UserError(f"{where}: {what} file not found: {fp}")
        configs.append(
            Configuration(
                line=line,
                name=cells.get("name", "") or f"line{line}",
                camera=(cam[0], cam[1], cam[2]),
                truth=truth,
                video=resolved["video"],
                prediction=resolved["prediction"],
                frame=frame,
            )
        )
    if not configs:
        raise UserError(f"{p}: no configurations")
    return configs


@dataclass
class Study:
    """All rows, the evaluated joint names, and a ground-truth skeleton (root at 0) for the camera figure."""

    rows: list[StudyRow]
    joints: tuple[str, ...]
    summary: tuple[str, ...]
    skeleton: np.ndarray | None = None
    landmarks: tuple[int, ...] = ()

    @property
    def failed(self) -> list[StudyRow]:
        """The configurations whose files could not be loaded, in manifest order."""
        return [r for r in self.rows if r.error]

    def to_json(self, n_best: int) -> dict[str, Any]:
        return {
            "configurations": [r.as_dict() for r in self.rows],
            "best": [r.as_dict() for r in best(self.rows, n_best)],
        }


#: Loads a prediction (video or recording) for a configuration as PoseFrames.
PredictionLoader = Callable[[Configuration], Sequence[PoseFrame]]
#: Loads a ground truth file as skeletons in Unity coordinates, with the joint map it resolved to.
TruthLoader = Callable[[Path, JointMap], tuple[Skeletons, JointMap]]


class _Cache:
    """The last few loaded files, so a single-video study runs BlazePose once, not once per row.

    A load that failed with one of :data:`CONFIGURATION_ERRORS` is remembered too and raised
    again, so a bad video shared by many rows is not decoded (and run through BlazePose) again.
    """

    def __init__(self, size: int = 4) -> None:
        self.size = size
        self.items: OrderedDict[Any, Any] = OrderedDict()

    def get(self, key: Any, load: Callable[[], Any]) -> Any:
        if key in self.items:
            self.items.move_to_end(key)
            value = self.items[key]
        else:
            try:
                value = load()
            except CONFIGURATION_ERRORS as exc:
                value = exc
            self.items[key] = value
            while len(self.items) > self.size:
                self.items.popitem(last=False)
        if isinstance(value, CONFIGURATION_ERRORS):
            raise value
        return value


def evaluate_configuration(
    config: Configuration, prediction: Skeletons, truth: Skeletons, joint_map: JointMap
) -> Evaluation:
    """Evaluate one configuration (single-video mode restricts both sides to ``config.frame``)."""
    if config.frame is not None:
        prediction = prediction.select([config.frame])
        if len(truth) == 1:
            truth = truth.renumbered([config.frame])
        else:
            truth = truth.select([config.frame])
    return evaluate(prediction, truth, joint_map, camera=config.camera)


def run_study(
    configs: Sequence[Configuration],
    joint_map: JointMap,
    load_prediction: PredictionLoader,
    load_truth: TruthLoader,
    *,
    progress: bool | None = None,
    log_failures: bool = True,
) -> Study:
    """Evaluate every configuration, with a progress bar (``progress=None``: only on a terminal).

    A configuration whose prediction or truth raises :class:`~bridge.errors.SourceError` or
    :class:`~bridge.errors.FormatError` is logged (one warning, unless ``log_failures`` is false:
    a batch worker leaves that to the client) and becomes a failed row (:meth:`StudyRow.failed`);
    the study goes on. Any other error propagates.
    """
    pred_cache, truth_cache = _Cache(), _Cache()
    rows: list[StudyRow] = []
    skeleton: np.ndarray | None = None
    landmarks: tuple[int, ...] = ()
    joints: tuple[str, ...] = ()
    summary: tuple[str, ...] = ()
    bar = tqdm(configs, desc="study", unit="config", disable=None if progress is None else not progress)
    for config in bar:
        try:
            truth, jm = truth_cache.get(config.truth, partial(load_truth, config.truth, joint_map))
            source = str(config.video or config.prediction)
            key = (source, jm.landmarks, config.frame is None)
            pred = pred_cache.get(key, partial(_load_skeletons, load_prediction, config, jm, source))
        except CONFIGURATION_ERRORS as exc:
            message = " ".join(str(exc).split()) or type(exc).__name__
            if log_failures:
                warn_failed(config, message)
            rows.append(StudyRow.failed(config, message))
            continue
        ev = evaluate_configuration(config, pred, truth, jm)
        considered = pred.select([config.frame]) if config.frame is not None else pred
        r, az, el = config.spherical
        rows.append(
            StudyRow(
                name=config.name,
                camera=config.camera,
                r=r,
                azimuth=az,
                elevation=el,
                frames=ev.count,
                frames_missing=ev.missing.total,
                mpjpe=ev.mpjpe,
                pa_mpjpe=ev.pa_mpjpe,
                detection_rate=float(considered.detected.mean()) if len(considered) else float("nan"),
                per_joint=ev.per_joint(),
            )
        )
        if not joints:
            joints, summary, landmarks = ev.joint_names, ev.summary_names, ev.landmarks
        if skeleton is None and ev.count:
            skeleton = _world_skeleton(truth, ev)
    bar.close()
    return Study(rows=rows, joints=joints, summary=summary, skeleton=skeleton, landmarks=landmarks)


def warn_failed(config: Configuration, message: str) -> None:
    """The warning logged for a configuration that failed (one line)."""
    log.warning("configuration %r (manifest line %d) failed, skipped: %s", config.name, config.line, message)


def _load_skeletons(load: PredictionLoader, config: Configuration, jm: JointMap, source: str) -> Skeletons:
    return skeletons_from_poses(load(config), jm.landmarks, source)


def _world_skeleton(truth: Skeletons, ev: Evaluation) -> np.ndarray:
    """The truth of the first evaluated frame in Unity world axes, root at the origin (for the camera figure)."""
    i = int(np.searchsorted(truth.frames, ev.frames[0]))
    if i >= len(truth) or truth.frames[i] != ev.frames[0]:
        i = 0
    idx = [truth.landmarks.index(lm) for lm in ev.landmarks]
    pts = truth.points[i][idx]
    return root_align(pts, ev.landmarks.index(LEFT_HIP), ev.landmarks.index(RIGHT_HIP))


def write_outputs(study: Study, out: Path, n_best: int) -> list[Path]:
    """``study.csv``, ``best.csv``, ``per_joint.csv``, ``study.json`` and the figures, in ``out``."""
    from . import plots  # matplotlib: loaded only when figures are written (not in every batch worker)

    out.mkdir(parents=True, exist_ok=True)
    written = [
        _write_csv(out / "study.csv", [r.as_dict() for r in study.rows]),
        _write_csv(out / "best.csv", [{"rank": i, **r.as_dict()} for i, r in enumerate(best(study.rows, n_best), 1)]),
    ]
    per_joint_rows = []
    for r in study.rows:
        for joint, m in r.per_joint.items():
            per_joint_rows.append({"name": r.name, "joint": joint, **m})
    written.append(_write_csv(out / "per_joint.csv", per_joint_rows, ("name", "joint", "mpjpe", "pa_mpjpe")))
    (out / "study.json").write_text(json.dumps(study.to_json(n_best), indent=1, allow_nan=False) + "\n")
    written.append(out / "study.json")
    if any(math.isfinite(r.pa_mpjpe) and not r.error for r in study.rows):
        written += plots.heatmaps(study.rows, out)
        written.append(plots.error_vs_radius(study.rows, out / "error_vs_radius.png"))
        written.append(plots.per_joint_by_view(study.rows, study.joints, out / "per_joint_by_view.png"))
        written.append(
            plots.camera_positions(study.rows, study.skeleton, study.landmarks, out / "cameras.png", best=n_best)
        )
    else:
        log.warning("no configuration had an evaluated frame: no figures written")
    return written


def _write_csv(path: Path, rows: list[dict[str, Any]], columns: Sequence[str] | None = None) -> Path:
    cols = list(columns or (rows[0].keys() if rows else ("rank", *STUDY_COLUMNS)))
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=cols, lineterminator="\n")
        w.writeheader()
        for row in rows:
            w.writerow({k: csv_cell(row.get(k)) for k in cols})
    return path
