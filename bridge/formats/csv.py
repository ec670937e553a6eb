"""CSV recordings: one row per frame, one column per landmark field, for pandas and spreadsheets.

Columns, in order:

- ``seq``, ``t`` (seconds), ``captured_ns``;
- for each coordinate set in the file (``world`` first, then ``image``), for each
  landmark in MediaPipe order (names from :mod:`bridge.skeleton`), for each field
  ``x``, ``y``, ``z``, ``visibility``, ``presence``: ``{set}_{landmark}_{field}``,
  e.g. ``world_left_wrist_x``, ``image_left_wrist_visibility``;
- when the frames carry hands (``--hands``): for each set, for ``left_hand`` then ``right_hand``, for
  each of the 21 hand landmarks, for each field: ``{set}_{side}_hand_{landmark}_{field}``, e.g.
  ``world_left_hand_index_finger_tip_x``; then ``left_hand_score`` and ``right_hand_score``. A hand
  not found in a frame has all its cells empty (the primary person's hands only, like the body);
- when the frames carry joint angles: ``angle_{name}`` in degrees, e.g. ``angle_left_elbow``.

A frame with no detection has every cell of a set empty; an angle that could
not be measured is an empty cell. Landmarks are float32 written with 9
significant digits (read back as the identical float32); ``t`` and angles are
Python's float ``repr`` (exact). The separator is a
comma and nothing is quoted (every cell is a number or a plain name). The file
has no fps: readers estimate it from the first two ``t`` values unless told.
Readers ignore unknown columns (with one warning) so a column added in a
spreadsheet does not break a replay; a set with some of its 165 columns
missing is an error.
"""

from __future__ import annotations

import array
import logging
import math
import os
from collections.abc import Mapping, Sequence
from typing import IO, Any

import numpy as np

from ..errors import FormatError
from ..frame import BLOCK_SHAPE, HAND_BLOCK_SHAPE, Hand, PoseFrame
from ..skeleton import HAND_LANDMARK_NAMES, LANDMARK_FIELDS, LANDMARK_NAMES
from .base import (
    COORD_SETS,
    MAX_LINE,
    LineRecordReader,
    RecordingInfo,
    RecordingWriter,
    format_error,
    is_float,
    normalize_coords,
)
from .base import json_loads as _loads

__all__ = ["CsvReader", "CsvWriter", "landmark_columns"]

log = logging.getLogger("bridge.formats")

_BASE = ("seq", "t", "captured_ns")
_CELLS = BLOCK_SHAPE[0] * BLOCK_SHAPE[1]
_ROW_FMT = ",".join(["%.9g"] * _CELLS)
_EMPTY = "," * (_CELLS - 1)
_HAND_CELLS = HAND_BLOCK_SHAPE[0] * HAND_BLOCK_SHAPE[1]
_HAND_ROW_FMT = ",".join(["%.9g"] * _HAND_CELLS)
_HAND_EMPTY = "," * (_HAND_CELLS - 1)
_HAND_SIDES = ("left_hand", "right_hand")


def landmark_columns(coord_set: str) -> list[str]:
    """The 165 column names of one set, e.g. ``world_nose_x`` ... ``world_right_foot_index_presence``."""
    return [f"{coord_set}_{name}_{fld}" for name in LANDMARK_NAMES for fld in LANDMARK_FIELDS]


def hand_columns(coord_set: str, side: str) -> list[str]:
    """The 105 column names of one hand in one set, e.g. ``world_left_hand_wrist_x`` ... ``..._pinky_tip_presence``."""
    return [f"{coord_set}_{side}_{name}_{fld}" for name in HAND_LANDMARK_NAMES for fld in LANDMARK_FIELDS]


def _num(v: float) -> str:
    return f"{v:.9g}" if math.isfinite(v) else ""


def _angle(v: float | None) -> str:
    return "" if v is None or not math.isfinite(v) else repr(float(v))


class CsvWriter(RecordingWriter):
    """Writes CSV: the header row before the first frame, then one row per frame, flushed each time.

    ``coords``: the sets written (default both). ``angles``: angle column names
    (default: the first frame's angles, if it has any). Angles a frame lacks
    are written empty; extra ones are dropped (the header is fixed).
    """

    format = "csv"

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        coords: str | Sequence[str] | None = None,
        angles: Sequence[str] = (),
        hands: bool = False,
    ) -> None:
        self.coords = normalize_coords(coords, COORD_SETS)
        super().__init__(path)
        self.angles = tuple(angles)
        #: Write hand columns (default: when the first frame has hands).
        self.hands = bool(hands)

    def _prologue(self, frame: PoseFrame | None) -> str:
        if not self.angles and frame is not None and frame.angles is not None:
            self.angles = tuple(frame.angles)
        self.hands = self.hands or (frame is not None and frame.hands)
        cols = list(_BASE)
        for c in self.coords:
            cols += landmark_columns(c)
        if self.hands:
            for c in self.coords:
                for side in _HAND_SIDES:
                    cols += hand_columns(c, side)
            cols += [f"{side}_score" for side in _HAND_SIDES]
        cols += [f"angle_{a}" for a in self.angles]
        return ",".join(cols) + "\n"

    def _encode(self, frame: PoseFrame) -> str:
        parts = [str(int(frame.seq)), repr(float(frame.t)), str(int(frame.captured_ns))]
        for c in self.coords:
            block = frame.world if c == "world" else frame.image
            if block is None:
                parts.append(_EMPTY)
            elif np.isfinite(block).all():
                parts.append(_ROW_FMT % tuple(block.ravel().tolist()))
            else:
                parts.append(",".join(_num(v) for v in block.ravel().tolist()))
        if self.hands:
            hands = (frame.left_hand, frame.right_hand)
            for c in self.coords:
                for hand in hands:
                    block = None if hand is None else hand.world if c == "world" else hand.image
                    if block is None:
                        parts.append(_HAND_EMPTY)
                    elif np.isfinite(block).all():
                        parts.append(_HAND_ROW_FMT % tuple(block.ravel().tolist()))
                    else:
                        parts.append(",".join(_num(v) for v in block.ravel().tolist()))
            parts += ["" if hand is None else repr(float(hand.score)) for hand in hands]
        if self.angles:
            got: Mapping[str, float | None] = frame.angles or {}
            parts.append(",".join(_angle(got.get(a)) for a in self.angles))
        return ",".join(parts) + "\n"


class CsvReader(LineRecordReader):
    """Streaming reader of CSV recordings (see the module docstring for the columns).

    ``coords`` restricts the sets returned (default: all in the file). ``fps``
    sets :attr:`info`'s fps; by default it is estimated from the first two rows' ``t``.
    """

    format = "csv"

    def __init__(
        self, path: str | os.PathLike[str], *, coords: str | Sequence[str] | None = None, fps: float | None = None
    ) -> None:
        self._want = coords
        self._fps = fps
        super().__init__(path)
        if self._fps is None:
            self._fps = self._estimate_fps()

    def _read_header(self, f: IO[bytes]) -> tuple[int, int]:
        raw = f.readline(MAX_LINE + 1)
        if len(raw) > MAX_LINE:
            raise FormatError(f"{self.path}:1: a line longer than {MAX_LINE} bytes: not a recording?")
        text = raw.decode("utf-8-sig", "replace").rstrip("\r\n")
        if not text.strip():
            raise FormatError(f"{self.path}: empty file: expected the CSV header row")
        cols = [c.strip() for c in text.split(",")]
        if tuple(cols[:3]) != _BASE:
            raise format_error(self.path, 1, "the header must start with 'seq,t,captured_ns'", text)
        where = {c: i for i, c in enumerate(cols)}
        present = []
        for c in COORD_SETS:
            names = landmark_columns(c)
            have = [n for n in names if n in where]
            if not have:
                continue
            if len(have) != len(names):
                missing = next(n for n in names if n not in where)
                raise format_error(self.path, 1, f"missing column {missing!r} ({len(have)} of 165 {c} columns)", text)
            present.append(c)
        if not present:
            raise format_error(self.path, 1, "no landmark columns (world_nose_x ... or image_nose_x ...)", text)
        try:
            self._coords = normalize_coords(self._want, tuple(present))
        except ValueError as exc:
            raise FormatError(str(exc)) from None
        if any(c not in present for c in self._coords):
            raise FormatError(f"{self.path}: holds {'+'.join(present)} coordinates, not {'+'.join(self._coords)}")
        self._ncols = len(cols)
        self._set_cols = {c: np.array([where[n] for n in landmark_columns(c)]) for c in self._coords}
        self._angles = tuple(c[len("angle_") :] for c in cols if c.startswith("angle_"))
        self._angle_cols = [where[f"angle_{a}"] for a in self._angles]
        known = set(_BASE) | {f"angle_{a}" for a in self._angles}
        for c in present:
            known |= set(landmark_columns(c))
        self._hands = all(f"{side}_score" in where for side in _HAND_SIDES)
        self._hand_cols: dict[tuple[str, str], np.ndarray] = {}
        if self._hands:
            for c in present:
                for side in _HAND_SIDES:
                    hand_names = hand_columns(c, side)
                    absent = [n for n in hand_names if n not in where]
                    if absent:
                        raise format_error(self.path, 1, f"missing column {absent[0]!r} (hand columns)", text)
                    known |= set(hand_names)
                    if c in self._coords:
                        self._hand_cols[(c, side)] = np.array([where[n] for n in hand_names])
            known |= {f"{side}_score" for side in _HAND_SIDES}
            self._score_cols = [where[f"{side}_score"] for side in _HAND_SIDES]
        unknown = [c for c in cols if c not in known]
        if unknown:
            log.warning("%s: ignoring %d unknown column(s): %s", self.path, len(unknown), ", ".join(unknown[:5]))
        return len(raw), 2

    def _estimate_fps(self) -> float | None:
        ts = []
        for frame in self.frames_from(0):
            ts.append(frame.t)
            if len(ts) == 2:
                break
        if len(ts) == 2 and ts[1] > ts[0]:
            return round(1.0 / (ts[1] - ts[0]), 3)
        return None

    @property
    def info(self) -> RecordingInfo:
        source = {"kind": "recording", "name": self.path.name}
        return RecordingInfo("csv", self._fps, self._coords, source, self._angles, hands=self._hands)

    def _parse_frame(self, text: str, lineno: int) -> PoseFrame:
        fast = None if self._hands else self._parse_fast(text)  # hands: rows with empty cells are common
        if fast is not None:
            return fast
        cells = text.split(",")
        if len(cells) != self._ncols:
            raise format_error(self.path, lineno, f"expected {self._ncols} cells, got {len(cells)}", text)
        try:
            seq = int(cells[0])
            t = float(cells[1])
            captured = int(cells[2])
            if seq < 0 or captured < 0 or not math.isfinite(t):
                raise ValueError
        except ValueError:
            reason = "seq and captured_ns must be integers >= 0 and t a finite number"
            raise format_error(self.path, lineno, reason, text) from None
        blocks: dict[str, Any] = {"world": None, "image": None}
        for c, idx in self._set_cols.items():
            values = [cells[i] for i in idx]
            if not any(values):
                continue
            try:
                arr = np.array([float(v) if v else math.nan for v in values], dtype=np.float32)
            except ValueError:
                k = next(k for k, v in enumerate(values) if v and not is_float(v))
                reason = f"column {landmark_columns(c)[k]!r}: not a number: {values[k]!r}"
                raise format_error(self.path, lineno, reason, text) from None
            blocks[c] = arr.reshape(BLOCK_SHAPE)
        angles: dict[str, float | None] | None = None
        if self._angles:
            angles = {}
            for name, i in zip(self._angles, self._angle_cols, strict=True):
                v = cells[i].strip()
                try:
                    angles[name] = float(v) if v else None
                except ValueError:
                    raise format_error(self.path, lineno, f"column 'angle_{name}': not a number: {v!r}", text) from None
        if not self._hands:
            return PoseFrame(seq, t, captured, blocks["image"], blocks["world"], angles)
        left, right = (self._hand(cells, side, i, lineno, text) for i, side in enumerate(_HAND_SIDES))
        return PoseFrame(
            seq, t, captured, blocks["image"], blocks["world"], angles, left_hand=left, right_hand=right, hands=True
        )

    def _hand(self, cells: list[str], side: str, k: int, lineno: int, text: str) -> Hand | None:
        """One hand of a row: ``None`` when its score cell is empty (not found in that frame)."""
        score_text = cells[self._score_cols[k]].strip()
        if not score_text:
            return None
        try:
            score = float(score_text)
            if not 0 <= score <= 1:
                raise ValueError
        except ValueError:
            raise format_error(self.path, lineno, f"column '{side}_score': not a number in [0, 1]", text) from None
        sets: dict[str, np.ndarray | None] = {"world": None, "image": None}
        for c in self._coords:
            values = [cells[i] for i in self._hand_cols[(c, side)]]
            if not any(values):
                continue
            try:
                sets[c] = np.array([float(v) if v else math.nan for v in values], dtype=np.float32).reshape(
                    HAND_BLOCK_SHAPE
                )
            except ValueError:
                raise format_error(self.path, lineno, f"{c} {side} columns: not a number", text) from None
        return Hand(sets["image"], sets["world"], score)

    def _parse_fast(self, text: str) -> PoseFrame | None:
        """A row with no empty cell, parsed in C (orjson); ``None`` sends it to the checking parser."""
        if not text or ",," in text or text[0] == "," or text[-1] == "," or "t" in text or "f" in text or "n" in text:
            return None  # empty cells (no detection, no angle), or words (true, false, null, nan, inf)
        try:
            row = _loads("[" + text + "]")
        except ValueError:
            return None
        if len(row) != self._ncols:
            return None
        seq, t, captured = row[0], row[1], row[2]
        if not (isinstance(seq, int) and isinstance(captured, int) and seq >= 0 and captured >= 0):
            return None
        values = np.frombuffer(array.array("d", row), dtype=np.float64)
        blocks: dict[str, Any] = {"world": None, "image": None}
        for c, idx in self._set_cols.items():
            block = values[idx].astype(np.float32).reshape(BLOCK_SHAPE)
            block.flags.writeable = False
            blocks[c] = block
        angles = {name: float(row[i]) for name, i in zip(self._angles, self._angle_cols, strict=True)} or None
        return PoseFrame(seq, float(t), captured, blocks["image"], blocks["world"], angles)
