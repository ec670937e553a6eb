"""What every recording format shares: metadata, reader/writer interfaces, line-numbered errors.

Readers stream: they never hold more than one chunk of a file (a few hundred
frames) in memory, whatever the file size. Each iteration opens its own file
handle, so several iterators over one reader (a replay that seeks) do not
interfere. Writers write every frame with one ``write`` call and flush it, so
after ``kill -9`` at most the frame being written is lost.
"""

from __future__ import annotations

import abc
import errno
import json
import logging
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from ..errors import FormatError
from ..frame import PoseFrame

try:  # orjson parses numbers several times faster than the standard library (an optional speed-up)
    import orjson

    json_loads: Callable[[bytes | str], Any] = orjson.loads
except ImportError:  # pragma: no cover - depends on the environment
    json_loads = json.loads

log = logging.getLogger("bridge.formats")

#: The landmark sets a frame can carry, in file order.
COORD_SETS: tuple[str, ...] = ("world", "image")

#: Longest line a reader accepts: no recording line comes near it (a JSONL frame is ~4 kB); a file without line
#: breaks (not a recording) is refused instead of being read into memory.
MAX_LINE = 1 << 20

#: Longest excerpt of a bad line quoted in an error message.
_MAX_QUOTE = 200


def quote_line(line: str | bytes) -> str:
    """``repr`` of a line for an error message, without its line break, cut at 200 characters."""
    if isinstance(line, bytes):
        line = line.decode("utf-8", "replace")
    line = line.rstrip("\r\n")
    if len(line) > _MAX_QUOTE:
        return repr(line[:_MAX_QUOTE]) + "..."
    return repr(line)


def format_error(path: str | os.PathLike[str], lineno: int, reason: str, line: str | bytes) -> FormatError:
    """A :class:`FormatError` worded ``"{path}:{lineno}: {reason}: {line!r}"``."""
    return FormatError(f"{path}:{lineno}: {reason}: {quote_line(line)}")


def warn_truncated(path: str | os.PathLike[str], lineno: int, what: str) -> None:
    """Log the warning a reader gives when a file ends mid-frame (a writer was killed)."""
    log.warning("%s:%d: %s ignored: the file ends there (was the writer interrupted?)", path, lineno, what)


def is_float(text: str) -> bool:
    """True when ``float(text)`` works."""
    try:
        float(text)
    except ValueError:
        return False
    return True


def one_coord_set(coords: str | Sequence[str] | None) -> str | None:
    """The one set a txt file holds: ``"world"``, ``"image"``, a one-item sequence of them, or ``None``.

    Raises ``ValueError`` otherwise.
    """
    if coords is not None and not isinstance(coords, str):
        names = tuple(coords)
        if len(names) != 1:
            raise ValueError("a txt recording holds one coordinate set: 'world' or 'image'")
        coords = names[0]
    if coords not in (None, "world", "image"):
        raise ValueError(f"coordinate set must be 'world' or 'image', got {coords!r}")
    return coords


def normalize_coords(coords: str | Sequence[str] | None, default: tuple[str, ...]) -> tuple[str, ...]:
    """``"world"``, ``"image"``, a sequence of them, or ``None`` (-> ``default``), in :data:`COORD_SETS` order.

    Raises ``ValueError`` for an unknown name or an empty selection.
    """
    if coords is None:
        return default
    names = (coords,) if isinstance(coords, str) else tuple(coords)
    bad = [c for c in names if c not in COORD_SETS]
    if bad or not names:
        raise ValueError(f"coordinate sets must be 'world' and/or 'image', got {list(names)!r}")
    return tuple(c for c in COORD_SETS if c in names)


@dataclass(frozen=True, slots=True)
class RecordingInfo:
    """What a recording file says about itself (or what the caller said for formats that cannot).

    - ``format``: ``txt``, ``jsonl`` or ``csv``.
    - ``fps``: frames per second; ``None`` when unknown (a CSV file whose ``t`` does not tell).
    - ``coords``: the landmark sets the frames carry, in :data:`COORD_SETS` order.
    - ``source``: the recorded source's metadata (``kind``, ``name``, ``width``, ``height``...), or ``{}``.
    - ``angles``: names of the joint angles frames carry (empty when none).
    - ``version``: the format version from the file header (JSONL), else ``None``.
    - ``max_people``: how many people the recorded stream tracked (JSONL header; 1 for the others).
    - ``hands``: the frames carry hands (``--hands``: JSONL header ``"hands": true``, CSV hand columns).
    - ``avatar``: the humanoid solver's settings of the recorded stream (JSONL header ``avatar``, a JSON object
      of :meth:`bridge.humanoid.avatar.AvatarSettings.to_json`), or ``None``: it had no ``--avatar``.
    """

    format: str
    fps: float | None
    coords: tuple[str, ...]
    source: Mapping[str, Any] = field(default_factory=dict)
    angles: tuple[str, ...] = ()
    version: int | None = None
    max_people: int = 1
    hands: bool = False
    avatar: Mapping[str, Any] | None = None


class RecordingReader(abc.ABC):
    """A streaming reader of one recording file.

    Iterating yields :class:`PoseFrame` values from the first frame. A frame
    with no detection has ``image`` and ``world`` ``None``. On a malformed line
    the iteration raises :class:`FormatError` naming file, line number and line;
    a truncated last line or last frame (a writer killed mid-write) is skipped
    with a logged warning and sets :attr:`truncated`.
    """

    #: ``txt``, ``jsonl`` or ``csv``.
    format: str = ""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise FormatError(f"{self.path}: no such recording file")
        #: True once an iteration met a truncated end of file.
        self.truncated = False

    @property
    @abc.abstractmethod
    def info(self) -> RecordingInfo:
        """The file's metadata."""

    @abc.abstractmethod
    def batches_from(self, start: int = 0) -> Iterator[list[PoseFrame]]:
        """Yield the frames from position ``start`` (clamped at 0) in batches (one file chunk each).

        Batches let a caller hand the parsing of a whole chunk to a thread at a time.
        """

    @abc.abstractmethod
    def count(self) -> int:
        """The number of frames (positions) in the file; cheap or one streaming pass, then cached."""

    def frames_from(self, start: int = 0) -> Iterator[PoseFrame]:
        """Yield frames from position ``start``: for txt the frame number, for JSONL/CSV the row index."""
        for batch in self.batches_from(start):
            yield from batch

    def __iter__(self) -> Iterator[PoseFrame]:
        return self.frames_from(0)

    def close(self) -> None:  # noqa: B027 - nothing to release: each iteration opens and closes its own handle
        """Release resources (nothing today: each iteration opens and closes its own file handle)."""

    def __enter__(self) -> RecordingReader:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class RecordingWriter(abc.ABC):
    """A streaming writer: :meth:`write` one frame at a time; each frame is flushed to the OS at once.

    Usable as a context manager. Writing after :meth:`close` raises ``ValueError``.
    """

    format: str = ""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        try:
            self._file = open(self.path, "w", encoding="utf-8", newline="\n")  # noqa: SIM115
        except OSError as exc:
            raise FormatError(f"{self.path}: cannot write: {exc.strerror or exc}") from None
        #: Frames written so far.
        self.frames_written = 0

    @abc.abstractmethod
    def _encode(self, frame: PoseFrame) -> str:
        """The text of one frame (complete lines)."""

    def _prologue(self, frame: PoseFrame | None) -> str:
        """Text written once before the first frame (or at close when no frame came): a header."""
        return ""

    def write(self, frame: PoseFrame) -> None:
        """Append one frame with a single ``write`` and flush it."""
        if self._file.closed:
            raise ValueError(f"{self.path}: write to a closed recording")
        text = self._prologue(frame) + self._encode(frame) if self.frames_written == 0 else self._encode(frame)
        self._file.write(text)
        self._file.flush()
        self.frames_written += 1

    def sync(self) -> None:
        """Flush and ``fsync`` what was written: on disk even if the machine loses power now.

        A file that cannot be synced (a pipe, a device) is only flushed.
        """
        if not self._file.closed:
            self._file.flush()
            try:
                os.fsync(self._file.fileno())
            except OSError as exc:
                if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EROFS):
                    raise

    def close(self) -> None:
        """Write the header if no frame was written, and close the file. Idempotent."""
        if self._file.closed:
            return
        try:
            if self.frames_written == 0:
                self._file.write(self._prologue(None))
        finally:
            self._file.close()

    @property
    def closed(self) -> bool:
        return self._file.closed

    def __enter__(self) -> RecordingWriter:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def iter_lines(f: Any, path: str | os.PathLike[str], first_lineno: int = 1) -> Iterator[bytes]:
    """The lines of binary file ``f`` (with their line breaks), refusing one longer than :data:`MAX_LINE`."""
    lineno = first_lineno
    while True:
        raw = f.readline(MAX_LINE + 1)
        if not raw:
            return
        if len(raw) > MAX_LINE:
            raise FormatError(f"{path}:{lineno}: a line longer than {MAX_LINE} bytes: not a recording?")
        yield raw
        lineno += 1


#: Frames between two checkpoints of a line-per-frame file's seek index.
INDEX_EVERY = 256
#: Frames per batch of a line-per-frame file (about 1 ms of parsing: replays parse on the event loop).
BATCH_FRAMES = 32


class LineRecordReader(RecordingReader):
    """Shared machinery of the line-per-frame formats (JSONL, CSV): header, lazy seek index, batches.

    Subclasses parse the header in :meth:`_read_header` and one frame line in
    :meth:`_parse_frame`. The seek index holds one ``(byte offset, line number)``
    checkpoint every :data:`INDEX_EVERY` frames (a few kB for 100,000 frames); it
    is built in one streaming pass by the first :meth:`count` or seek.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        super().__init__(path)
        with open(self.path, "rb") as f:
            self._data_offset, self._data_lineno = self._read_header(f)
        self._index: list[tuple[int, int]] | None = None
        self._count: int | None = None

    @abc.abstractmethod
    def _read_header(self, f: Any) -> tuple[int, int]:
        """Read the header from ``f`` (at offset 0); return (offset, line number) of the first frame line."""

    @abc.abstractmethod
    def _parse_frame(self, text: str, lineno: int) -> PoseFrame:
        """One frame line (without its line break) -> PoseFrame; raises :class:`FormatError`."""

    def _build_index(self) -> None:
        index: list[tuple[int, int]] = []
        count = 0
        with open(self.path, "rb") as f:
            f.seek(self._data_offset)
            offset, lineno = self._data_offset, self._data_lineno - 1
            for raw in iter_lines(f, self.path, self._data_lineno):
                lineno += 1
                start, offset = offset, offset + len(raw)
                if not raw.strip():
                    continue
                if not raw.endswith(b"\n"):  # an unterminated last line counts only if it parses
                    try:
                        self._parse_frame(raw.decode("utf-8", "replace"), lineno)
                    except FormatError:
                        break
                if count % INDEX_EVERY == 0:
                    index.append((start, lineno))
                count += 1
        self._index, self._count = index, count

    def count(self) -> int:
        if self._count is None:
            self._build_index()
        assert self._count is not None
        return self._count

    def batches_from(self, start: int = 0) -> Iterator[list[PoseFrame]]:
        start = max(0, int(start))
        offset, lineno, skip = self._data_offset, self._data_lineno, start
        if start >= INDEX_EVERY:
            if self._index is None:
                self._build_index()
            assert self._index is not None
            k = min(start // INDEX_EVERY, len(self._index) - 1)
            if k >= 0:
                offset, lineno = self._index[k]
                skip = start - k * INDEX_EVERY
        with open(self.path, "rb") as f:
            f.seek(offset)
            batch: list[PoseFrame] = []
            lineno -= 1
            for raw in iter_lines(f, self.path, lineno + 1):
                lineno += 1
                if not raw.strip():
                    continue
                if skip:
                    skip -= 1
                    continue
                text = raw.decode("utf-8", "replace").rstrip("\r\n")
                try:
                    batch.append(self._parse_frame(text, lineno))
                except FormatError:
                    if not raw.endswith(b"\n"):
                        self.truncated = True
                        warn_truncated(self.path, lineno, "an incomplete last line")
                        break
                    if batch:  # the frames before the bad line are good: hand them out first
                        yield batch
                    raise
                if len(batch) >= BATCH_FRAMES:
                    yield batch
                    batch = []
            if batch:
                yield batch
