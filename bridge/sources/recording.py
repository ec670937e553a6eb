"""Replaying a recording (seed txt, JSONL or CSV) as a seekable source.

The file is streamed, never loaded: frames are parsed a small chunk at a time
(txt: 128 KiB, about 48 frames; JSONL/CSV: 32 lines), each in about a
millisecond, so memory stays flat whatever the file size. Parsing runs on the
event loop between chunks: a worker thread measured a third slower at
``--speed max`` (the parser and the sender fight over the GIL after every
socket write), for no gain in latency at 1 ms per chunk. Seeking is cheap: txt files are bisected on
their frame numbers; JSONL and CSV files get a sparse offset index (one
checkpoint per 256 frames) in one streaming pass when opened.

Positions (what ``frames_from(n)``, ``seek`` and ``state.position`` count):
txt — the file's frame numbers (0-based, as the format defines); JSONL/CSV —
the 0-based row index. Each frame's ``seq`` is its position, so a replay of a
live recording whose counter did not start at 0 still seeks consistently; ``t``
is kept as recorded (txt: ``frame / fps``), and the player paces by it;
``captured_ns`` is when the frame was taken from the file (the wall clock of
this replay, as for any source; the recorded capture times stay in the file).
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import AsyncIterator
from pathlib import Path

from ..errors import SourceError
from ..formats import detect_format, open_reader
from ..frame import PoseFrame
from ..humanoid.avatar import AvatarSettings
from ..protocol import SourceInfo
from .base import SeekableSource

log = logging.getLogger("bridge.sources.recording")


class RecordingSource(SeekableSource):
    """A recording file replayed as a source.

    - ``fmt``: ``txt``, ``jsonl`` or ``csv`` (default: from the extension).
    - ``fps``: txt — the frame rate (default 30); CSV — overrides the rate
      estimated from ``t``; JSONL — ignored (with a warning) since frames carry ``t``.
    - ``coords``: txt — the set the file holds (``world`` default, or
      ``image``); JSONL/CSV — the set(s) to stream (default: all in the file).
    - ``loop``: only reported in ``info`` (the player does the looping).

    Raises :class:`~bridge.errors.FormatError` (a ``UserError``) for a missing
    file or a bad header; a malformed line is raised from :meth:`frames_from`
    when reached.
    """

    live = False

    def __init__(
        self,
        path: str | os.PathLike[str],
        fmt: str | None = None,
        *,
        fps: float | None = None,
        coords: str | None = None,
        loop: bool = False,
    ) -> None:
        self.path = Path(path)
        if not self.path.exists():
            raise SourceError(f"no such file: {self.path}")
        self.format = detect_format(self.path, fmt)
        if self.format == "jsonl" and fps is not None:
            log.warning("%s: --fps is ignored for JSONL recordings (each frame carries its time t)", self.path)
            fps = None
        self.reader = open_reader(self.path, self.format, coords=coords, fps=fps)
        meta = self.reader.info
        src = meta.source
        frames = self.reader.count()
        self.info = SourceInfo(
            kind="recording",
            name=self.path.name,
            fps=meta.fps,
            width=_int_or_none(src.get("width")),
            height=_int_or_none(src.get("height")),
            frames=frames,
            loop=loop,
            replay=True,
            coords=meta.coords,
        )
        self._renumber = self.format != "txt"
        log.info(
            "replaying %s (%s, %d frames, %s coordinates, %s fps)",
            self.path,
            self.format,
            frames,
            "+".join(meta.coords),
            "unknown" if meta.fps is None else f"{meta.fps:g}",
        )

    @property
    def angles(self) -> tuple[str, ...]:
        """Names of the joint angles the recording's frames carry (for ``hello``)."""
        return self.reader.info.angles

    @property
    def hands(self) -> bool:
        """The recording's frames carry hands (for ``hello``)."""
        return self.reader.info.hands

    @property
    def max_people(self) -> int:
        """How many people the recorded stream tracked (for ``hello``; 1 unless a JSONL header says more)."""
        return self.reader.info.max_people

    @property
    def avatar(self) -> AvatarSettings | None:
        """The humanoid solver settings of the recorded stream (a JSONL header's ``avatar``), or ``None``.

        The frames hold landmarks, not the solved pose: ``serve`` solves it again with these settings.
        """
        value = self.reader.info.avatar
        return None if value is None else AvatarSettings.from_json(value)  # checked by the reader

    async def frames_from(self, start: int) -> AsyncIterator[PoseFrame]:
        """Frames from position ``start`` (clamped at 0) to the end, parsed a chunk at a time.

        Each frame is stamped with ``captured_ns`` = now as it is taken from the
        file (the recorded capture times stay in the file), so clients measure
        the replay's own latency. JSONL/CSV frames get ``seq`` = their position.
        Yields control to the event loop after every chunk.
        """
        position = max(0, start)
        batches = self.reader.batches_from(position)
        renumber = self._renumber
        try:
            for batch in batches:
                for frame in batch:
                    seq = position if renumber else frame.seq
                    # (direct construction: 2.5x cheaper than frame.replace(), which counts at --speed max)
                    yield PoseFrame(
                        seq, frame.t, time.time_ns(), frame.image, frame.world, frame.angles, frame.people, None,
                        frame.left_hand, frame.right_hand, frame.hands,
                    )  # fmt: skip
                    position += 1
                await asyncio.sleep(0)
        finally:
            close = getattr(batches, "close", None)
            if close is not None:
                close()

    async def aclose(self) -> None:
        self.reader.close()


def _int_or_none(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None
