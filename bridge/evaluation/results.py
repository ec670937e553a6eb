"""The values a study is made of, shared by the study (:mod:`.study`) and its figures (:mod:`.plots`).

:class:`Configuration` is one manifest row, :class:`StudyRow` its result; :func:`best` ranks rows
(:func:`rank_key`); :func:`csv_cell` is how every CSV written by an evaluation prints a value.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .geometry import to_spherical

#: Columns of ``study.csv``, in order.
STUDY_COLUMNS = (
    "name",
    "r",
    "azimuth",
    "elevation",
    "camera_x",
    "camera_y",
    "camera_z",
    "frames",
    "frames_missing",
    "mpjpe",
    "pa_mpjpe",
    "detection_rate",
    "error",
)


@dataclass(frozen=True)
class Configuration:
    """One manifest row. Exactly one of ``video`` and ``prediction`` is set."""

    line: int
    name: str
    camera: tuple[float, float, float]
    truth: Path
    video: Path | None = None
    prediction: Path | None = None
    frame: int | None = None

    @property
    def spherical(self) -> tuple[float, float, float]:
        """``(r, azimuth, elevation)`` with Unity's y up (see :func:`~bridge.evaluation.geometry.to_spherical`)."""
        return to_spherical(self.camera)


@dataclass
class StudyRow:
    """The result for one configuration (errors in meters, NaN when no frame was evaluated).

    ``error`` is empty for an evaluated configuration. For one whose files could not be loaded
    it is the one-line message; then ``frames`` and ``frames_missing`` are ``None``, the metrics
    NaN and ``per_joint`` empty (see :meth:`failed`).
    """

    name: str
    camera: tuple[float, float, float]
    r: float
    azimuth: float
    elevation: float
    frames: int | None
    frames_missing: int | None
    mpjpe: float
    pa_mpjpe: float
    detection_rate: float
    per_joint: dict[str, dict[str, float]] = field(default_factory=dict)
    error: str = ""

    @classmethod
    def failed(cls, config: Configuration, error: str) -> StudyRow:
        """The row of a configuration whose prediction or truth could not be loaded."""
        r, az, el = config.spherical
        nan = float("nan")
        return cls(config.name, config.camera, r, az, el, None, None, nan, nan, nan, error=error)

    def as_dict(self) -> dict[str, Any]:
        """One ``study.csv`` row / JSON configuration; NaN becomes ``None``, ``error`` is last ("" when fine)."""
        d: dict[str, Any] = {
            "name": self.name,
            "r": self.r,
            "azimuth": self.azimuth,
            "elevation": self.elevation,
            "camera_x": self.camera[0],
            "camera_y": self.camera[1],
            "camera_z": self.camera[2],
            "frames": self.frames,
            "frames_missing": self.frames_missing,
            "mpjpe": self.mpjpe,
            "pa_mpjpe": self.pa_mpjpe,
            "detection_rate": self.detection_rate,
            "error": self.error,
        }
        return {k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in d.items()}


def rank_key(row: StudyRow) -> tuple[int, float, float]:
    """Sort key of the ranking: evaluated first, then lowest ``pa_mpjpe``, then lowest ``mpjpe``; failed rows last."""
    ok = math.isfinite(row.pa_mpjpe) and not row.error
    rank = 0 if ok else 2 if row.error else 1
    return (rank, row.pa_mpjpe if ok else 0.0, row.mpjpe if math.isfinite(row.mpjpe) else math.inf)


def best(rows: Iterable[StudyRow], n: int) -> list[StudyRow]:
    """The ``n`` best configurations (see :func:`rank_key`); failed configurations and those without any evaluated
    frame are left out."""
    return [r for r in sorted(rows, key=rank_key) if math.isfinite(r.pa_mpjpe) and not r.error][: max(n, 0)]


def csv_cell(v: Any) -> Any:
    """A value as a CSV cell: numbers with 6 significant digits, ``""`` for ``None``, NaN and infinities;
    anything else as it is."""
    if v is None:
        return ""
    if isinstance(v, float):
        return "" if not math.isfinite(v) else f"{v:.6g}"
    return v
