"""The writer of a recording for a stream: what ``serve --record``, ``extract`` and batch jobs write with.

:func:`writer_for` turns a source's metadata (:class:`~bridge.protocol.SourceInfo`) and the command's
choices (format, coordinate sets, angles, people) into an open :class:`~bridge.formats.base.RecordingWriter`
(:func:`~bridge.formats.open_writer` does the format-specific part).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..errors import UserError
from ..protocol import SourceInfo
from . import detect_format, open_writer
from .base import RecordingWriter

if TYPE_CHECKING:
    from ..humanoid.avatar import AvatarSettings


def writer_for(
    out: str | os.PathLike[str],
    info: SourceInfo,
    fmt: str | None = None,
    coords: str | None = None,
    angles: Sequence[str] = (),
    max_people: int = 1,
    hands: bool = False,
    avatar: AvatarSettings | None = None,
) -> RecordingWriter:
    """A writer for ``out`` with the source's metadata (JSONL header: fps, source, max_people; ``hands``:
    the frames carry hands, JSONL and CSV keep them, a BVH file gets finger joints; ``avatar``: the stream's
    humanoid solver, named in the JSONL header so that a replay solves the same pose).

    ``coords``: ``world``/``image`` (one set), ``both``, or ``None`` — world
    for txt, both for JSONL/CSV. Raises :class:`~bridge.errors.UserError` for an unknown
    format and for ``both`` in a txt file (it holds one set).
    """
    kind = detect_format(out, fmt)
    sets: str | tuple[str, ...] | None = ("world", "image") if coords == "both" else coords
    if kind == "txt" and isinstance(sets, tuple):
        raise UserError("a txt recording holds one coordinate set: use --coords world or --coords image")
    source = {
        "kind": info.kind,
        "name": info.name,
        "width": info.width,
        "height": info.height,
        "frames": info.frames,
    }
    return open_writer(
        out, kind, coords=sets, fps=info.fps, source=source, angles=angles, max_people=max_people, hands=hands,
        avatar=None if avatar is None else avatar.to_json(),
    )  # fmt: skip
