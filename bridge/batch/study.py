"""The camera study on a Dask cluster (what ``pose-bridge study`` runs).

The manifest's rows are grouped into **units**, one task each (:func:`plan_units`):

- rows sharing a whole video (no ``frame``): one unit per video — BlazePose tracks through it once
  (VIDEO mode) for all of them;
- the single-video mode (rows with ``frame``, the thesis' one frame per camera position): the frames
  are independent images (IMAGE mode), so the rows are cut into units of :data:`FRAMES_PER_TASK`
  frames — of an image sequence, which a task reads by seeking; a video file is one unit, as
  seeking in it is not exact;
- rows sharing a recording (``prediction``): one unit per recording.

Each task runs :func:`~bridge.evaluation.study.run_study` on its rows, so every row is evaluated
exactly as in one process; :func:`merge` puts the rows back in manifest order and takes the joint
names and the figure's skeleton from the first row that has them, as one process does. Units never
depend on the number of workers, and IMAGE-mode frames not on their neighbours: the study's results
are the same for any number of workers (the tests compare the files).

With a parts folder (``--out DIR``: ``DIR/parts``), each unit's rows are saved as JSON when its task
ends (atomically); ``resume`` loads the parts whose key still matches instead of running them again.
A unit's key covers its rows, the BlazePose settings, the joint map and the size and modification
time of its files, so a changed manifest row, video or ground truth is evaluated again.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import UserError
from ..evaluation.study import CONFIGURATION_ERRORS, Configuration, Study, StudyRow, warn_failed
from .cluster import workers_of
from .extract import register_model
from .inputs import temp_path
from .runner import Outcome, Progress, Submission, error_message, run_tasks
from .worker import StudySettings, StudyUnit, UnitResult, study_task

if TYPE_CHECKING:
    from distributed import Client

    from ..evaluation.joints import JointMap
    from ..pose.engine import EstimatorOptions

#: Single-video mode: frames of an image sequence per task.
FRAMES_PER_TASK = 32
#: Version of the parts' JSON (a part of another version is evaluated again).
PART_VERSION = 1


def plan_units(configs: Sequence[Configuration], frames_per_task: int = FRAMES_PER_TASK) -> list[StudyUnit]:
    """Group manifest rows into tasks (see the module); units in order of their first row."""
    groups: dict[tuple[str, str], list[Configuration]] = {}
    for c in configs:
        if c.video is None:
            kind = "recording"
        else:
            kind = "video" if c.frame is None else "frames"
        groups.setdefault((kind, str(c.video if c.video is not None else c.prediction)), []).append(c)
    units: list[StudyUnit] = []
    for (kind, source), rows in groups.items():
        if kind == "frames" and "%" in Path(source).name:
            rows = sorted(rows, key=lambda c: (c.frame or 0, c.line))
            frames = sorted({c.frame or 0 for c in rows})
            for start in range(0, len(frames), frames_per_task):
                chunk = set(frames[start : start + frames_per_task])
                part = tuple(c for c in rows if (c.frame or 0) in chunk)
                units.append(StudyUnit(key="", kind=kind, configs=part))
        else:
            units.append(StudyUnit(key="", kind=kind, configs=tuple(rows)))
    position = {c.line: i for i, c in enumerate(configs)}
    units.sort(key=lambda u: min(position[c.line] for c in u.configs))
    return units


def _identity(path: Path | None) -> Any:
    """Size and modification time of a file (of every file of an image sequence's folder), or None."""
    if path is None:
        return None
    try:
        if "%" in path.name:
            stats = [p.stat() for p in sorted(path.parent.iterdir()) if p.is_file()]
            return [len(stats), sum(s.st_size for s in stats), max((s.st_mtime_ns for s in stats), default=0)]
        st = path.stat()
        return [st.st_size, st.st_mtime_ns]
    except OSError:
        return None


def unit_key(unit: StudyUnit, options: EstimatorOptions, joint_map: JointMap) -> str:
    """A digest of everything the unit's rows depend on (see the module)."""
    rows = [
        [c.line, c.name, list(c.camera), str(c.truth), str(c.video or ""), str(c.prediction or ""), c.frame]
        for c in unit.configs
    ]
    files = sorted({str(p) for c in unit.configs for p in (c.truth, c.video, c.prediction) if p is not None})
    model = options.model if unit.kind != "recording" else ""
    blob = {
        "version": PART_VERSION,
        "kind": unit.kind,
        "rows": rows,
        "files": [[f, _identity(Path(f))] for f in files],
        "options": {f.name: getattr(options, f.name) for f in dataclasses.fields(options)} if model else None,
        "model": [model, _identity(Path(model))] if model else None,
        "joint_map": repr(joint_map),
    }
    return hashlib.sha256(json.dumps(blob, sort_keys=True, default=str).encode()).hexdigest()[:24]


# ------------------------------------------------------------------------------------------- parts (JSON)


def _num(v: Any) -> Any:
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def _float(v: Any) -> float:
    return float("nan") if v is None else float(v)


def _row_json(r: StudyRow) -> dict[str, Any]:
    d = dataclasses.asdict(r)
    d["camera"] = list(r.camera)
    d["per_joint"] = {j: {k: _num(v) for k, v in m.items()} for j, m in r.per_joint.items()}
    return {k: _num(v) for k, v in d.items()}


def _row_from_json(d: dict[str, Any]) -> StudyRow:
    return StudyRow(
        name=d["name"],
        camera=(float(d["camera"][0]), float(d["camera"][1]), float(d["camera"][2])),
        r=_float(d["r"]),
        azimuth=_float(d["azimuth"]),
        elevation=_float(d["elevation"]),
        frames=d["frames"],
        frames_missing=d["frames_missing"],
        mpjpe=_float(d["mpjpe"]),
        pa_mpjpe=_float(d["pa_mpjpe"]),
        detection_rate=_float(d["detection_rate"]),
        per_joint={j: {k: _float(v) for k, v in m.items()} for j, m in d["per_joint"].items()},
        error=d["error"],
    )


def save_part(parts: Path, result: UnitResult) -> Path:
    """Write a unit's result to ``parts/KEY.json`` atomically."""
    parts.mkdir(parents=True, exist_ok=True)
    out = parts / f"{result.key}.json"
    data = {
        "version": PART_VERSION,
        "key": result.key,
        "rows": [_row_json(r) for r in result.rows],
        "joints": list(result.joints),
        "summary": list(result.summary),
        "landmarks": list(result.landmarks),
        "skeleton": None if result.skeleton is None else np.asarray(result.skeleton).tolist(),
        "frames": result.frames,
        "failures": [list(f) for f in result.failures],
    }
    tmp = temp_path(out)
    try:
        tmp.write_text(json.dumps(data, allow_nan=False) + "\n", encoding="utf-8")
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return out


def load_part(parts: Path, key: str, rows: int) -> UnitResult | None:
    """The saved result of unit ``key`` (with ``rows`` rows), or ``None`` when absent or unreadable."""
    path = parts / f"{key}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") != PART_VERSION or data.get("key") != key or len(data["rows"]) != rows:
            return None
        skeleton = data["skeleton"]
        return UnitResult(
            key=key,
            rows=[_row_from_json(r) for r in data["rows"]],
            joints=tuple(data["joints"]),
            summary=tuple(data["summary"]),
            landmarks=tuple(int(i) for i in data["landmarks"]),
            skeleton=None if skeleton is None else np.asarray(skeleton, dtype=np.float64),
            frames=0,
            failures=[(int(line), str(msg)) for line, msg in data.get("failures", [])],
        )
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None


# ------------------------------------------------------------------------------------------------- merge


def merge(configs: Sequence[Configuration], units: Sequence[StudyUnit], results: Sequence[UnitResult]) -> Study:
    """One :class:`Study` from the units' results, as one process would have made it (see the module)."""
    position = {c.line: i for i, c in enumerate(configs)}
    rows: dict[int, StudyRow] = {}
    first_ok: list[tuple[int, UnitResult]] = []
    first_frames: list[tuple[int, UnitResult]] = []
    for unit, result in zip(units, results, strict=True):
        ok = [position[c.line] for c, r in zip(unit.configs, result.rows, strict=True) if not r.error]
        counted = [position[c.line] for c, r in zip(unit.configs, result.rows, strict=True) if not r.error and r.frames]
        for c, r in zip(unit.configs, result.rows, strict=True):
            rows[c.line] = r
        if ok and result.joints:
            first_ok.append((min(ok), result))
        if counted and result.skeleton is not None:
            first_frames.append((min(counted), result))
    meta = min(first_ok, key=lambda t: t[0])[1] if first_ok else None
    skel = min(first_frames, key=lambda t: t[0])[1] if first_frames else None
    return Study(
        rows=[rows[c.line] for c in configs],
        joints=meta.joints if meta else (),
        summary=meta.summary if meta else (),
        skeleton=skel.skeleton if skel else None,
        landmarks=meta.landmarks if meta else (),
    )


@dataclass
class StudyReport:
    """How a batch study went: units run and reused, frames, time, workers."""

    units: int = 0
    reused: int = 0
    frames: int = 0
    seconds: float = 0.0
    workers: int = 0
    results: list[UnitResult] = field(default_factory=list)


def _absolute(c: Configuration) -> Configuration:
    return dataclasses.replace(
        c,
        truth=c.truth.absolute(),
        video=None if c.video is None else c.video.absolute(),
        prediction=None if c.prediction is None else c.prediction.absolute(),
    )


def _failed_unit(unit: StudyUnit, message: str) -> UnitResult:
    return UnitResult(
        key=unit.key,
        rows=[StudyRow.failed(c, message) for c in unit.configs],
        failures=[(c.line, message) for c in unit.configs],
    )


def study_batch(
    client: Client,
    configs: Sequence[Configuration],
    joint_map: JointMap,
    options: EstimatorOptions,
    *,
    run_id: str,
    parts: Path | None = None,
    resume: bool = False,
    progress: bool = False,
    on_event: Callable[[dict[str, Any]], None] | None = None,
) -> tuple[Study, StudyReport]:
    """Evaluate every configuration on ``client``'s cluster; the :class:`Study` and how the run went.

    ``options.model`` must be a resolved model file when a configuration has a video. A row whose files
    cannot be loaded is a failed row (warned about on this side, in manifest order); so are the rows of
    a unit whose worker kept dying. Any other :class:`UserError` from a task (e.g. a recording holding
    image coordinates only) stops the study and propagates, as in one process. ``parts``/``resume``: see
    the module. ``KeyboardInterrupt`` stops the workers' tasks and propagates; saved parts stay.
    """
    report = StudyReport(workers=workers_of(client))
    # Absolute paths: a cluster's workers do not share the client's working directory (and keys do not depend on it).
    absolute = [_absolute(c) for c in configs]
    units = [dataclasses.replace(u, key=unit_key(u, options, joint_map)) for u in plan_units(absolute)]
    report.units = len(units)
    results: dict[str, UnitResult] = {}
    if resume and parts is not None:
        for u in units:
            saved = load_part(parts, u.key, len(u.configs))
            if saved is not None:
                results[u.key] = saved
        report.reused = len(results)
    todo = [u for u in units if u.key not in results]
    if todo:
        if any(u.kind != "recording" for u in todo):
            register_model(client, options.model)
        settings = StudySettings(run_id=run_id, joint_map=joint_map, options=options)
        submissions = [
            Submission(key=f"study-{run_id}-{u.key}", label=u.source, fn=study_task, args=(settings, u)) for u in todo
        ]
        unit_of = {s.key: u for s, u in zip(submissions, todo, strict=True)}

        def keep(outcome: Outcome) -> None:
            unit = unit_of[outcome.submission.key]
            if outcome.ok:
                result = outcome.result
                if parts is not None and any(not r.error for r in result.rows):
                    # Only units that evaluated something: a study whose every row failed leaves no file behind.
                    save_part(parts, result)
            else:
                assert outcome.error is not None
                if isinstance(outcome.error, UserError) and not isinstance(outcome.error, CONFIGURATION_ERRORS):
                    raise outcome.error  # not a file's fault: it stops the study, as in one process
                result = _failed_unit(unit, error_message(outcome.error))
            results[unit.key] = result

        bar = Progress("study", len(todo), "configurations", enabled=progress, items=sum(len(u.configs) for u in todo))
        started = time.perf_counter()
        try:
            run_tasks(
                client,
                submissions,
                run_id,
                progress=bar,
                on_event=on_event,
                frames_of=lambda r: r.frames if isinstance(r, UnitResult) else 0,
                items_of=lambda s: len(unit_of[s.key].configs),
                on_outcome=keep,
            )
        finally:
            bar.close()
        report.seconds = time.perf_counter() - started
    ordered = [results[u.key] for u in units]
    report.results = ordered
    report.frames = sum(r.frames for r in ordered)
    study = merge(configs, units, ordered)
    by_line = {c.line: c for c in configs}
    position = {c.line: i for i, c in enumerate(configs)}
    for line, message in sorted((f for r in ordered for f in r.failures), key=lambda f: position[f[0]]):
        warn_failed(by_line[line], message)
    return study, report
