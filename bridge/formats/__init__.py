"""Recording formats: seed txt (the thesis' format), ground-truth txt, JSONL, CSV, and BVH (written only).

Every reader and writer streams in constant memory, whatever the file size.

Pose recordings (:class:`~bridge.frame.PoseFrame` streams)::

    from bridge.formats import open_reader, open_writer

    with open_writer("walk.jsonl", fps=30.0) as out:      # format from the extension
        for frame in frames:
            out.write(frame)                              # one write + flush per frame

    reader = open_reader("walk.txt", coords="world", fps=30.0)
    for frame in reader:                                  # PoseFrame; image/world None = no detection
        ...
    reader.count(); reader.frames_from(120); reader.info  # frames, seeking, metadata

Ground truth (bones of an animation rig, written from Unity)::

    from bridge.formats import read_ground_truth

    for frame, joints in read_ground_truth("truth.txt"):  # GroundTruthFrame(frame, {bone: (x, y, z)})
        joints["LeftArm"]                                 # bone names without the rig prefix

Formats are chosen by extension (``.txt``, ``.jsonl``, ``.csv``, ``.bvh``) unless ``fmt``
is given. BVH (:mod:`.bvh`) holds the solved humanoid pose, not landmarks: pose-bridge writes it but
does not read it back (:func:`open_reader` refuses it). What each file holds is described in the modules :mod:`.txt`,
:mod:`.jsonl` and :mod:`.csv`, and for users in ``docs/recordings.md``.

Errors: a malformed file raises :class:`~bridge.errors.FormatError` naming the
file, the line number and the line. A truncated end (a writer killed
mid-frame) is skipped with a logged warning and ``reader.truncated`` set: with
every frame flushed as it is written, at most that frame is lost.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..errors import FormatError, UserError
from .base import COORD_SETS, RecordingInfo, RecordingReader, RecordingWriter, one_coord_set
from .bvh import BvhWriter
from .csv import CsvReader, CsvWriter
from .jsonl import JsonlReader, JsonlWriter
from .txt import GroundTruthFrame, TxtReader, TxtWriter, read_ground_truth

__all__ = [
    "COORD_SETS",
    "BvhWriter",
    "FORMATS",
    "FormatError",
    "CsvReader",
    "CsvWriter",
    "GroundTruthFrame",
    "JsonlReader",
    "JsonlWriter",
    "RecordingInfo",
    "RecordingReader",
    "RecordingWriter",
    "TxtReader",
    "TxtWriter",
    "detect_format",
    "is_recording",
    "open_reader",
    "open_writer",
    "read_ground_truth",
]

#: Format names, which are also their file extensions.
FORMATS: tuple[str, ...] = ("txt", "jsonl", "csv", "bvh")
#: Formats pose-bridge writes but does not read back (a BVH file holds bone rotations, not landmarks).
WRITE_ONLY: tuple[str, ...] = ("bvh",)


def detect_format(path: str | os.PathLike[str], fmt: str | None = None) -> str:
    """``fmt`` if given, else the format of ``path``'s extension; raises :class:`UserError` otherwise."""
    if fmt is not None:
        if fmt not in FORMATS:
            raise UserError(f"unknown recording format {fmt!r} (choose from {', '.join(FORMATS)})")
        return fmt
    ext = Path(path).suffix.lower().lstrip(".")
    if ext not in FORMATS:
        raise UserError(
            f"{path}: cannot tell the recording format from the extension {Path(path).suffix or '(none)'!r}: "
            f"use .txt, .jsonl, .csv or .bvh, or give the format"
        )
    return ext


def is_recording(path: str | os.PathLike[str]) -> bool:
    """True when ``path`` has a recording extension (``.txt``, ``.jsonl``, ``.csv``; ``.bvh``, which readers refuse)."""
    return Path(path).suffix.lower().lstrip(".") in FORMATS


def open_reader(
    path: str | os.PathLike[str],
    fmt: str | None = None,
    *,
    coords: str | Sequence[str] | None = None,
    fps: float | None = None,
) -> RecordingReader:
    """A streaming reader for a recording.

    - ``coords``: txt — the set the file holds (``"world"`` default, or
      ``"image"``); JSONL/CSV — the sets to return (default: all in the file).
    - ``fps``: txt — frame rate for ``t = frame / fps`` (default 30); CSV —
      overrides the rate estimated from ``t``; JSONL — overrides the header's
      ``fps`` in :attr:`~RecordingReader.info` only (frames keep their ``t``).

    Raises :class:`FormatError` for a missing file or a bad header.
    """
    kind = detect_format(path, fmt)
    if kind in WRITE_ONLY:
        raise UserError(
            f"{path}: pose-bridge writes BVH files (extract --format bvh, serve --record) but does not replay them: "
            f"replay the JSONL recording instead"
        )
    if fps is not None and not fps > 0:
        raise UserError(f"fps must be > 0, got {fps}")
    try:
        if kind == "txt":
            return TxtReader(path, coords=one_coord_set(coords) or "world", fps=30.0 if fps is None else fps)
        if kind == "jsonl":
            return JsonlReader(path, coords=coords, fps=fps)
        return CsvReader(path, coords=coords, fps=fps)
    except ValueError as exc:
        raise UserError(str(exc)) from None


def open_writer(
    path: str | os.PathLike[str],
    fmt: str | None = None,
    *,
    coords: str | Sequence[str] | None = None,
    fps: float | None = None,
    source: Mapping[str, Any] | None = None,
    angles: Sequence[str] = (),
    max_people: int = 1,
    hands: bool = False,
    avatar: Mapping[str, Any] | None = None,
) -> RecordingWriter:
    """A streaming writer; the file is created (truncated) at once.

    - ``coords``: txt — the one set written (``"world"`` default, or ``"image"``);
      JSONL/CSV — the sets written (default both).
    - ``fps``, ``source``: JSONL header metadata (ignored by txt and CSV); BVH: the frame time is 1 / ``fps``.
    - ``angles``: angle names for the JSONL header / CSV columns (default: the
      first frame's).
    - ``max_people``: how many people the stream tracks (JSONL header; txt and CSV keep the
      primary person only).
    - ``hands``: the stream carries hands (``--hands``): JSONL and CSV write them (they also do when the
      first frame has hands), BVH adds the finger joints. txt ignores them.
    - ``avatar``: the humanoid solver's settings (``AvatarSettings.to_json()``), for the JSONL header; the others
      ignore it (a BVH file holds the solved pose itself).

    Raises :class:`FormatError` when the file cannot be created.
    """
    kind = detect_format(path, fmt)
    try:
        if kind == "bvh":  # the humanoid pose of every frame (frames need ``humanoid``: run the solver first)
            return BvhWriter(path, fps=fps, fingers=hands)
        if kind == "txt":
            return TxtWriter(path, coords=one_coord_set(coords) or "world")
        if kind == "jsonl":
            return JsonlWriter(
                path, coords=coords, fps=fps, source=source, angles=angles, max_people=max_people, hands=hands,
                avatar=avatar,
            )  # fmt: skip
        return CsvWriter(path, coords=coords, angles=angles, hands=hands)
    except ValueError as exc:
        raise UserError(str(exc)) from None
