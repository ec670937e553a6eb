"""The thesis' txt format ("seed txt") and its ground-truth variant.

Seed txt, exactly as the original notebook wrote it: one line per landmark per
frame, frames 0-based, landmarks 0-32 in MediaPipe order, no header::

    Landmark [16,0]: (0.4049343168735504, 0.093745157122612, -0.12304607778787613)

The numbers are Python's ``repr`` of the float32 landmark as a Python float. A
frame with no detection is 33 lines of ``(-1, -1, -1)``. Only x, y and z are
stored: the file does not say whether they are world or image coordinates
(the reader is told, default ``world``), and visibility and presence are lost
(read back as 1.0). Files written here parse with the original Show_Skeleton.cs
rules: frame = text between the first ``[`` and ``,``; landmark = text between
``,`` and ``]``; the text inside ``( )`` split at commas.

Ground-truth txt, written from Unity for a rig's bones::

    Landmark [12, mixamorig2:LeftArm]: (0.1, 1.4, 0.02)

:func:`read_ground_truth` reads it as :class:`GroundTruthFrame` ``(frame,
joints)`` records, ``joints`` mapping the bone name *without* its rig prefix
(``mixamorig:``, ``mixamorig2:``, any text up to the last ``:``) to ``(x, y, z)``
floats exactly as written (no axis conversion)::

    for frame, joints in read_ground_truth("truth.txt"):
        hips = joints["Hips"]

Both readers skip blank lines and tolerate ``\\r\\n`` line ends. A malformed line
stops the reading with :class:`~bridge.errors.FormatError` naming the file, the
line number and the line. A last line cut off mid-way, or a last frame with
fewer than 33 landmarks, is what a killed writer leaves: it is skipped with a
logged warning (and ``reader.truncated`` set).

Seed frame numbers must increase; each frame must list each landmark 0-32 once
(in any order). Positions for seeking (``frames_from(n)``) are frame numbers:
the reader finds frame ``n`` by bisection on the file's frame numbers, so a seek
costs a few reads whatever the file size.
"""

from __future__ import annotations

import array
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, NamedTuple

import numpy as np

from ..errors import FormatError, SourceError
from ..frame import PoseFrame
from ..skeleton import NUM_LANDMARKS
from .base import (
    MAX_LINE,
    RecordingInfo,
    RecordingReader,
    RecordingWriter,
    format_error,
    is_float,
    iter_lines,
    json_loads,
    warn_truncated,
)

__all__ = ["GroundTruthFrame", "TxtReader", "TxtWriter", "is_bone_file", "read_ground_truth"]

#: Bisection stops when the range is this small, then walks line by line.
_SEEK_WALK = 1 << 14
#: Bytes read per chunk (about 48 frames; parsed in about 1 ms).
CHUNK_BYTES = 1 << 17

_MISSING_LINE = "(-1, -1, -1)"
_FAST_TABLE = bytes.maketrans(b":\n", b",,")
_FAST_DELETE = b"Landmark[]() \r"
_SAMPLE = b"Landmark [16,0]: (0.25, -1, 1e-05)\n"
_DELETED_PER_LINE = len(_SAMPLE) - len(_SAMPLE.translate(_FAST_TABLE, _FAST_DELETE))  # 16
_INDEX = np.arange(NUM_LANDMARKS, dtype=np.float64)
_SHAPE = "'Landmark [FRAME,INDEX]: (x, y, z)'"


class _LineError(Exception):
    """A line-level problem; the reader adds file, line number and line."""


# --------------------------------------------------------------------------- writing


class TxtWriter(RecordingWriter):
    """Writes seed txt: 33 lines per frame, frames numbered 0, 1, 2... in the order written.

    ``coords`` picks the landmark set written (``world`` default, or ``image``).
    A frame without that set (no detection) is written as 33 ``(-1, -1, -1)`` lines.
    Frames are numbered by the writer, not by their ``seq`` (a live stream's
    counter need not start at 0).
    """

    format = "txt"

    def __init__(self, path: str | os.PathLike[str], coords: str = "world") -> None:
        if coords not in ("world", "image"):
            raise ValueError(f"txt holds one coordinate set, 'world' or 'image', got {coords!r}")
        super().__init__(path)
        self.coords = coords

    def _encode(self, frame: PoseFrame) -> str:
        n = self.frames_written
        block = frame.world if self.coords == "world" else frame.image
        if block is None:
            return "".join(f"Landmark [{n},{i}]: {_MISSING_LINE}\n" for i in range(NUM_LANDMARKS))
        rows = block[:, :3].tolist()
        return "".join(f"Landmark [{n},{i}]: ({x!r}, {y!r}, {z!r})\n" for i, (x, y, z) in enumerate(rows))


# --------------------------------------------------------------------------- line parsing


def _parse_line(line: str) -> tuple[int, str, tuple[float, float, float]]:
    """``Landmark [FRAME,KEY]: (x, y, z)`` -> (frame, key, xyz); raises :class:`_LineError`."""
    s = line.strip()
    close = s.find("]")
    if not s.startswith("Landmark [") or close < 0 or not s.endswith(")"):
        raise _LineError(f"expected {_SHAPE}")
    frame_s, comma, key = s[10:close].partition(",")
    rest = s[close + 1 :].lstrip()
    if not comma or not rest.startswith(":") or not rest[1:].lstrip().startswith("("):
        raise _LineError(f"expected {_SHAPE}")
    frame_s, key = frame_s.strip(), key.strip()
    if not frame_s.isdigit():
        raise _LineError(f"frame number must be an integer >= 0, got {frame_s!r}")
    inner = rest[1:].lstrip()[1:-1]
    parts = inner.split(",")
    if len(parts) != 3:
        raise _LineError(f"expected 3 numbers inside '( )', got {len(parts)}")
    try:
        x, y, z = (float(p) for p in parts)
    except ValueError:
        bad = next(p for p in parts if not is_float(p))
        raise _LineError(f"not a number: {bad.strip()!r}") from None
    return int(frame_s), key, (x, y, z)


def _read_line(
    path: str | os.PathLike[str], lineno: int, raw: bytes, unterminated_last: bool, *, bones: bool = False
) -> tuple[str, int, str, tuple[float, float, float]] | None:
    """One non-blank line of a seed or ground-truth txt -> (text, frame, key, xyz): the line handling both share.

    ``None`` for a malformed last line without a line break (``unterminated_last``: a writer killed
    mid-line), skipped with a warning. Any other malformed line raises :class:`~bridge.errors.FormatError`
    naming the file, the line number and the line (the expected shape says ``BONE`` with ``bones``).
    """
    text = raw.decode("utf-8", "replace")
    try:
        frame, key, xyz = _parse_line(text)
    except _LineError as exc:
        if unterminated_last:
            warn_truncated(path, lineno, "an incomplete last line")
            return None
        message = str(exc).replace("INDEX", "BONE") if bones else str(exc)
        raise format_error(path, lineno, message, text) from None
    return text, frame, key, xyz


def _check_increasing(path: str | os.PathLike[str], lineno: int, frame: int, last: int, text: str) -> None:
    """Raise :class:`~bridge.errors.FormatError` unless ``frame`` comes after the ``last`` one."""
    if frame <= last:
        raise format_error(path, lineno, f"frame {frame} comes after frame {last} (frames must increase)", text)


def _line_frame(raw: bytes) -> int:
    """The frame number of a line, cheaply (without parsing its numbers); -1 for a malformed line."""
    number = raw[10 : raw.find(b",", 10)]
    if raw.startswith(b"Landmark [") and number.isdigit():
        return int(number)
    try:
        return _parse_line(raw.decode("utf-8", "replace"))[0]
    except _LineError:
        return -1


def _next_frame_line(f: IO[bytes]) -> tuple[int, int] | None:
    """(offset, frame number or -1) of the next non-blank line from ``f``'s position; ``None`` at the end."""
    while True:
        start = f.tell()
        raw = f.readline(MAX_LINE)
        if not raw:
            return None
        if raw.strip():
            return start, _line_frame(raw)


class _Pending:
    """The frame being assembled line by line (the slow path)."""

    __slots__ = ("frame", "xyz", "seen", "count", "first_line")

    def __init__(self, frame: int, first_line: int) -> None:
        self.frame = frame
        self.xyz = np.zeros((NUM_LANDMARKS, 3), dtype=np.float64)
        self.seen = [False] * NUM_LANDMARKS
        self.count = 0
        self.first_line = first_line

    def missing(self) -> list[int]:
        return [i for i, s in enumerate(self.seen) if not s]


def _fast_parse(chunk: bytes) -> np.ndarray | None:
    """Parse a chunk of whole, well-formed frames at C speed; ``None`` when it is not exactly that.

    Returns a float64 array (frames, 33, 5): frame, index, x, y, z per line.
    Anything unusual (blank lines, other spacing, out-of-order landmarks,
    partial frames, bad numbers) returns ``None`` and the caller parses the
    chunk line by line, which finds and names the problem.
    """
    n = chunk.count(b"\n")
    if n == 0 or n % NUM_LANDMARKS or not chunk.endswith(b"\n"):
        return None
    text = chunk.translate(_FAST_TABLE, _FAST_DELETE)  # "F,I,x,y,z," per line
    # Each well-formed line loses exactly 16 characters: "Landmark", the spaces, brackets and parentheses
    # (17 with a "\r"): a cheaper check than counting each pattern, and with the 5 numbers per line parsed
    # below and the frame/index columns checked, anything but a well-formed chunk goes to the slow path.
    deleted = len(chunk) - len(text)
    if deleted != _DELETED_PER_LINE * n and not (deleted == (_DELETED_PER_LINE + 1) * n and chunk.count(b"\r") == n):
        return None
    try:
        values = json_loads(b"[" + text[:-1] + b"]")
        if len(values) != 5 * n:
            return None
        arr = np.frombuffer(array.array("d", values), dtype=np.float64)  # faster than np.array(list)
    except (ValueError, TypeError):
        return None
    arr = arr.reshape(-1, NUM_LANDMARKS, 5)
    frames = arr[:, 0, 0]
    if (
        not (arr[:, :, 1] == _INDEX).all()
        or not (arr[:, :, 0] == frames[:, None]).all()
        or (frames < 0).any()
        or (frames != np.floor(frames)).any()
        or (np.diff(frames) <= 0).any()
    ):
        return None
    return arr


def _make_frames(numbers: np.ndarray, xyz: np.ndarray, coords: str, fps: float) -> list[PoseFrame]:
    """PoseFrames from frame numbers (k,) and float64 xyz (k, 33, 3); all -1 means no detection."""
    k = len(numbers)
    blocks = np.ones((k, NUM_LANDMARKS, 5), dtype=np.float32)
    blocks[:, :, :3] = xyz
    blocks.flags.writeable = False
    missing = (xyz == -1.0).all(axis=(1, 2)).tolist()
    now = time.time_ns()
    out = []
    world = coords == "world"
    for j, num in enumerate(numbers.tolist()):
        block = None if missing[j] else blocks[j]
        seq = int(num)
        out.append(PoseFrame(seq, seq / fps, now, None if world else block, block if world else None))
    return out


# --------------------------------------------------------------------------- reading


def _frame_chunks(f: IO[bytes], size: int, path: os.PathLike[str]) -> Iterator[tuple[bytes, bool]]:
    """Chunks of complete lines, cut where possible before a frame's landmark 0: ``(chunk, at_eof)``."""
    carry = b""
    while True:
        data = f.read(size)
        if not data:
            if carry:
                yield carry, True
            return
        buf = carry + data if carry else data
        pos = buf.rfind(b",0]: (")
        cut = buf.rfind(b"\n", 0, pos) + 1 if pos > 0 else 0
        if cut == 0:
            cut = buf.rfind(b"\n") + 1
            if cut == 0:
                if len(buf) > MAX_LINE:
                    raise FormatError(f"{path}: a line longer than {MAX_LINE} bytes: not a recording?")
                carry = buf
                continue
        carry = buf[cut:]
        yield buf[:cut], False


class TxtReader(RecordingReader):
    """Streaming reader of seed txt files.

    ``coords`` names the set the file holds (``world`` default, or ``image``):
    frames carry the block there and ``None`` in the other. ``fps`` (default 30)
    gives each frame its time ``t = frame / fps``. ``captured_ns`` is the wall
    clock when the frame was read (the file has no capture times).
    """

    format = "txt"

    def __init__(self, path: str | os.PathLike[str], *, coords: str = "world", fps: float = 30.0) -> None:
        super().__init__(path)
        if coords not in ("world", "image"):
            raise ValueError(f"a txt file holds 'world' or 'image' coordinates, got {coords!r}")
        if not fps > 0:
            raise ValueError(f"fps must be > 0, got {fps!r}")
        self.coords = coords
        self.fps = float(fps)
        self._count: int | None = None

    @property
    def info(self) -> RecordingInfo:
        return RecordingInfo("txt", self.fps, (self.coords,), {"kind": "recording", "name": self.path.name})

    # -- seeking

    def _offset_of(self, f: IO[bytes], target: int) -> int:
        """Byte offset of the first line whose frame number is >= ``target`` (bisection)."""
        size = os.fstat(f.fileno()).st_size
        lo, hi = 0, size
        while hi - lo > _SEEK_WALK:
            mid = (lo + hi) // 2
            f.seek(mid)
            f.readline()  # the rest of a line cut at mid
            found = _next_frame_line(f)
            if found is None or found[1] < 0:
                hi = mid
            elif found[1] < target:
                lo = found[0]
            else:
                hi = mid
        # From a line before the target (or a frame's middle), walk to the target frame's first line.
        f.seek(lo)
        while (found := _next_frame_line(f)) is not None:
            if found[1] < 0 or found[1] >= target:  # a bad line: the sequential reader reports it
                return found[0]
        return size

    def _lines_before(self, offset: int) -> int:
        """Number of lines before byte ``offset`` (for error messages after a seek)."""
        lines = 0
        with open(self.path, "rb") as f:
            left = offset
            while left > 0:
                data = f.read(min(left, 1 << 20))
                if not data:
                    break
                lines += data.count(b"\n")
                left -= len(data)
        return lines

    # -- iteration

    def batches_from(self, start: int = 0) -> Iterator[list[PoseFrame]]:
        start = max(0, int(start))
        with open(self.path, "rb") as f:
            offset = self._offset_of(f, start) if start > 0 else 0
            f.seek(offset)
            yield from self._batches(f, offset, start)

    def _batches(self, f: IO[bytes], offset: int, start: int) -> Iterator[list[PoseFrame]]:
        base: int | None = 0 if offset == 0 else None  # lines before the current chunk (lazy after a seek)
        skipped_lines = 0  # lines before the current chunk since ``offset``
        last = -1  # last frame number yielded or skipped
        pending: _Pending | None = None

        def lineno(i: int) -> int:
            nonlocal base
            if base is None:
                base = self._lines_before(offset)
            return base + skipped_lines + i

        for chunk, at_eof in _frame_chunks(f, CHUNK_BYTES, self.path):
            arr = _fast_parse(chunk) if pending is None else None
            if arr is not None and arr[0, 0, 0] > last:
                numbers = arr[:, 0, 0]
                keep = numbers >= start
                if keep.any():
                    yield _make_frames(numbers[keep], arr[keep, :, 2:], self.coords, self.fps)
                last = int(numbers[-1])
                skipped_lines += chunk.count(b"\n")
                continue
            done_numbers: list[int] = []
            done_xyz: list[np.ndarray] = []
            lines = chunk.split(b"\n")
            if lines[-1] == b"":
                lines.pop()
            try:
                for i, raw in enumerate(lines, 1):
                    if not raw.strip():
                        continue
                    is_last = at_eof and i == len(lines) and not chunk.endswith(b"\n")
                    parsed = _read_line(self.path, lineno(i), raw, is_last)
                    if parsed is None:
                        self.truncated = True
                        break
                    text, frame, key, xyz = parsed
                    if pending is not None and frame != pending.frame:
                        missing = pending.missing()
                        raise format_error(
                            self.path,
                            lineno(i),
                            f"frame {pending.frame} ends with {pending.count} of 33 landmarks (missing {missing})",
                            text,
                        )
                    if pending is None:
                        _check_increasing(self.path, lineno(i), frame, last, text)
                        pending = _Pending(frame, lineno(i))
                    if not key.isdigit() or int(key) >= NUM_LANDMARKS:
                        hint = " (a ground-truth file? read it with read_ground_truth)" if ":" in key else ""
                        raise format_error(
                            self.path, lineno(i), f"landmark index must be an integer 0-32, got {key!r}{hint}", text
                        )
                    index = int(key)
                    if pending.seen[index]:
                        raise format_error(self.path, lineno(i), f"frame {frame} has landmark {index} twice", text)
                    pending.seen[index] = True
                    pending.xyz[index] = xyz
                    pending.count += 1
                    if pending.count == NUM_LANDMARKS:
                        last = pending.frame
                        if pending.frame >= start:
                            done_numbers.append(pending.frame)
                            done_xyz.append(pending.xyz)
                        pending = None
            except FormatError:
                if done_numbers:  # the frames before the bad line are good: hand them out first
                    yield _make_frames(
                        np.array(done_numbers, dtype=np.float64), np.stack(done_xyz), self.coords, self.fps
                    )
                raise
            if done_numbers:
                yield _make_frames(np.array(done_numbers, dtype=np.float64), np.stack(done_xyz), self.coords, self.fps)
            skipped_lines += len(lines)
        if pending is not None:
            self.truncated = True
            warn_truncated(
                self.path, pending.first_line, f"the last frame {pending.frame} ({pending.count} of 33 landmarks)"
            )

    def count(self) -> int:
        """Frame positions: the last complete frame's number + 1, read from the file's tail."""
        if self._count is None:
            self._count = self._count_from_tail()
        return self._count

    def _count_from_tail(self) -> int:
        with open(self.path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            f.seek(max(0, size - 4 * CHUNK_BYTES // 16))
            tail = f.read()
        if size > len(tail):
            tail = tail[tail.find(b"\n") + 1 :]
        lines = [ln for ln in tail.split(b"\n")]
        unterminated = not tail.endswith(b"\n")
        parsed: list[int] = []
        for k, raw in enumerate(reversed(lines)):
            if not raw.strip():
                continue
            try:
                parsed.append(_parse_line(raw.decode("utf-8", "replace"))[0])
            except _LineError:
                if k == 0 and unterminated:
                    continue
                break
            if len(parsed) > NUM_LANDMARKS:
                break
        if not parsed:
            return sum(len(b) for b in self.batches_from(0))  # an odd file: count by reading it
        last = parsed[0]
        same = sum(1 for p in parsed if p == last)
        return last + 1 if same >= NUM_LANDMARKS else last


# --------------------------------------------------------------------------- ground truth


class GroundTruthFrame(NamedTuple):
    """One frame of a ground-truth file: its number and ``{bone name: (x, y, z)}`` (rig prefix removed)."""

    frame: int
    joints: dict[str, tuple[float, float, float]]


def read_ground_truth(path: str | os.PathLike[str]) -> Iterator[GroundTruthFrame]:
    """Stream a ground-truth txt file (``Landmark [FRAME, rig:Bone]: (x, y, z)``) frame by frame.

    Consecutive lines with the same frame number form one frame; frame numbers
    must increase. Bone names are keyed without their rig prefix (the text up
    to the last ``:``; names without one are kept as they are). Blank lines are
    skipped; a truncated last line is skipped with a warning. Raises
    :class:`~bridge.errors.FormatError` for a malformed line, a frame number that
    goes back, or a bone listed twice in a frame.
    """
    p = os.fspath(path)
    try:
        f = open(p, "rb")  # noqa: SIM115
    except OSError as exc:
        raise FormatError(f"{p}: cannot read: {exc.strerror or exc}") from None
    with f:
        current: GroundTruthFrame | None = None
        last = -1
        lineno = 0
        for raw in iter_lines(f, p):
            lineno += 1
            if not raw.strip():
                continue
            # a line without a line break is the last one (iter_lines refuses longer lines)
            parsed = _read_line(p, lineno, raw, not raw.endswith(b"\n") and not f.read(1), bones=True)
            if parsed is None:
                break
            text, frame, key, xyz = parsed
            if current is not None and frame != current.frame:
                yield current
                current = None
            if current is None:
                _check_increasing(p, lineno, frame, last, text)
                current = GroundTruthFrame(frame, {})
                last = frame
            bone = key.rsplit(":", 1)[-1].strip()
            if not bone:
                raise format_error(p, lineno, "empty bone name", text)
            if bone in current.joints:
                raise format_error(p, lineno, f"frame {frame} has bone {bone!r} twice", text)
            current.joints[bone] = xyz
        if current is not None:
            yield current


def is_bone_file(path: str | Path) -> bool:
    """True when ``path`` is a ground-truth txt: its first line names a bone (``Landmark [F, rig:Bone]: ...``)
    where a seed txt has a landmark index (``Landmark [F,0]: ...``). Only the first non-blank line is looked at."""
    p = Path(path)
    if p.suffix.lower() != ".txt":
        return False
    try:
        with p.open("r", encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.strip():
                    inside = line.partition("[")[2].partition("]")[0]
                    key = inside.partition(",")[2].strip()
                    return bool(key) and not key.lstrip("-").isdigit()
    except OSError as exc:
        raise SourceError(f"cannot read {p}: {exc.strerror or exc}") from None
    return False
