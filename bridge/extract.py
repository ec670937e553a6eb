"""Extraction: BlazePose over every frame of a video, as fast as the machine allows.

Decoding runs on its own thread a few frames ahead of inference (see
:class:`~bridge.sources.video.VideoSource`), so a 2-core machine keeps both
busy. This is what ``pose-bridge extract`` writes to a file and what the camera
study (``pose-bridge study``) evaluates::

    async with extract_frames("walk.mp4", EstimatorOptions()) as extraction:
        print(extraction.info.fps, extraction.info.frames)   # the video's metadata
        async for frame in extraction:                         # every frame, in order
            ...

    for frame in iter_frames("walk.mp4"):                      # the same, from synchronous code
        ...

    count = extract_to_file("walk.mp4", "walk.txt")           # what the command does

Every video frame yields one :class:`~bridge.frame.PoseFrame` (``image`` and
``world`` ``None`` when nobody was detected), ``seq`` = the 0-based frame index
and ``t`` = index / fps. Frames are never dropped or paced.
"""

from __future__ import annotations

import asyncio
import logging
import os
import queue
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from types import TracebackType
from typing import Any

from .errors import UserError
from .formats import RecordingWriter, detect_format, open_writer
from .frame import PoseFrame
from .pose.engine import EstimatorOptions
from .protocol import SourceInfo
from .sources.video import VideoSource, parse_webcam

log = logging.getLogger("bridge.extract")

Transform = Callable[[PoseFrame], PoseFrame]
#: Called with each frame written and the number of frames the video announces (``None``: unknown).
FrameCallback = Callable[[PoseFrame, "int | None"], None]


class Extraction:
    """An open video with BlazePose ready: :attr:`info` now, frames by ``async for``.

    Use as an async context manager (or call :meth:`aclose`): it owns the decode
    and inference threads. Iterating a second time is not supported.
    """

    def __init__(
        self,
        video: str | os.PathLike[str],
        options: EstimatorOptions | None = None,
        transforms: Sequence[Transform] = (),
    ) -> None:
        spec = os.fspath(video)
        if parse_webcam(spec) is not None:
            raise UserError(
                f"cannot extract from a webcam ({spec}): record it with 'pose-bridge serve {spec} --record'"
            )
        self.source = VideoSource(spec, options)
        self.transforms = list(transforms)

    @property
    def info(self) -> SourceInfo:
        """The video's metadata: ``fps`` (may be ``None``), ``width``, ``height``, ``frames`` (may be ``None``)."""
        return self.source.info

    async def prepare(self) -> None:
        """Load the model now (raises :class:`~bridge.errors.ModelMissingError`); optional."""
        await self.source.prepare()

    async def __aiter__(self) -> AsyncIterator[PoseFrame]:
        async for frame in self.source.frames():
            for transform in self.transforms:
                frame = transform(frame)
            yield frame

    async def aclose(self) -> None:
        """Stop decoding and release the model. Idempotent."""
        await self.source.aclose()

    async def __aenter__(self) -> Extraction:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()


def extract_frames(
    video: str | os.PathLike[str], options: EstimatorOptions | None = None, transforms: Sequence[Transform] = ()
) -> Extraction:
    """Open ``video`` for extraction (see :class:`Extraction`).

    Raises :class:`~bridge.errors.SourceError` for a missing or undecodable file
    and :class:`~bridge.errors.UserError` for a webcam or bad estimator options.
    """
    return Extraction(video, options, transforms)


def iter_frames(
    video: str | os.PathLike[str], options: EstimatorOptions | None = None, transforms: Sequence[Transform] = ()
) -> Iterator[PoseFrame]:
    """Synchronous version of :func:`extract_frames`: yields every frame; the pipeline runs on a thread.

    Errors (a missing file, a missing model) are raised from the first ``next()``.
    Closing the iterator early (``break``) stops the pipeline.
    """
    q: queue.Queue[Any] = queue.Queue(maxsize=8)
    stop = threading.Event()
    done = object()

    async def pump() -> None:
        try:
            async with extract_frames(video, options, transforms) as extraction:
                async for frame in extraction:
                    while not stop.is_set():
                        try:
                            q.put(frame, timeout=0.1)
                            break
                        except queue.Full:
                            await asyncio.sleep(0)
                    if stop.is_set():
                        return
        except BaseException as exc:  # handed to the consumer
            q.put(exc)
            return
        q.put(done)

    thread = threading.Thread(target=asyncio.run, args=(pump(),), name="pose-bridge-extract", daemon=True)
    thread.start()
    try:
        while True:
            item = q.get()
            if item is done:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while thread.is_alive():
            try:
                q.get(timeout=0.1)
            except queue.Empty:
                pass
        thread.join()


def writer_for(
    out: str | os.PathLike[str],
    info: SourceInfo,
    fmt: str | None = None,
    coords: str | None = None,
    angles: Sequence[str] = (),
    max_people: int = 1,
    hands: bool = False,
) -> RecordingWriter:
    """A writer for ``out`` with the source's metadata (JSONL header: fps, source, max_people; ``hands``).

    ``coords``: ``world``/``image`` (one set), ``both``, or ``None`` — world
    for txt, both for JSONL/CSV.
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
        out, kind, coords=sets, fps=info.fps, source=source, angles=angles, max_people=max_people, hands=hands
    )


def extract_to_file(
    video: str | os.PathLike[str],
    out: str | os.PathLike[str],
    fmt: str | None = None,
    coords: str | None = None,
    options: EstimatorOptions | None = None,
    *,
    transforms: Sequence[Transform] = (),
    angles: Sequence[str] = (),
    progress: bool = False,
    wall_clock: bool = True,
    on_frame: FrameCallback | None = None,
) -> int:
    """Extract ``video`` into ``out`` and return the number of frames written.

    ``transforms`` are applied to every frame before it is written (smoothing,
    angles); ``angles`` names the joint angles for the JSONL header and CSV
    columns. Every frame is flushed as it is written. On ``KeyboardInterrupt`` (Ctrl-C)
    the file is closed complete up to the last frame written and the
    ``KeyboardInterrupt`` propagates (``written`` frames are logged).

    ``wall_clock=False`` writes every frame with ``captured_ns`` 0 instead of the time it
    entered BlazePose, so that the same video and options always give the same bytes (what
    batch extraction writes). ``on_frame(frame, total)`` is called after each frame is
    written, ``total`` being the frame count the video announces (``None`` when unknown);
    an exception it raises stops the extraction and propagates, the file closed as it is.
    """
    return asyncio.run(_extract(video, out, fmt, coords, options, transforms, angles, progress, wall_clock, on_frame))


async def _extract(
    video: str | os.PathLike[str],
    out: str | os.PathLike[str],
    fmt: str | None,
    coords: str | None,
    options: EstimatorOptions | None,
    transforms: Sequence[Transform],
    angles: Sequence[str],
    progress: bool,
    wall_clock: bool = True,
    on_frame: FrameCallback | None = None,
) -> int:
    detect_format(out, fmt)  # a bad extension fails before the model loads
    started = time.monotonic()
    async with extract_frames(video, options, transforms) as extraction:
        await extraction.prepare()
        info = extraction.info
        writer = writer_for(
            out, info, fmt, coords, angles, max_people=options.num_poses if options else 1,
            hands=bool(options and options.hands),
        )  # fmt: skip
        bar = None
        if progress:
            from tqdm import tqdm

            bar = tqdm(total=info.frames, unit="frame", desc=os.path.basename(os.fspath(video)), dynamic_ncols=True)
        missed = 0
        try:
            async for frame in extraction:
                if not wall_clock:
                    frame = frame.replace(captured_ns=0)
                writer.write(frame)
                if frame.world is None and frame.image is None:
                    missed += 1
                if bar is not None:
                    bar.update(1)
                if on_frame is not None:
                    on_frame(frame, info.frames)
        except asyncio.CancelledError:  # Ctrl-C under asyncio.run: what was written stays
            log.warning("interrupted: %s holds the %d frames written so far", out, writer.frames_written)
            raise  # asyncio.run turns the cancelled main task into KeyboardInterrupt
        finally:
            writer.close()
            if bar is not None:
                bar.close()
    elapsed = time.monotonic() - started
    n = writer.frames_written
    log.info(
        "wrote %d frames (%d without a detection) to %s in %.1f s (%.1f frames/s)",
        n,
        missed,
        out,
        elapsed,
        n / elapsed if elapsed > 0 else 0.0,
    )
    return n
