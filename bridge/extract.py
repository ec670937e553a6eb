"""Extraction: BlazePose over every frame of a video, as fast as the machine allows.

Decoding runs on its own thread a few frames ahead of inference (see
:class:`~bridge.sources.video.VideoPipeline`), so a 2-core machine keeps both
busy. This is what ``pose-bridge extract`` writes to a file::

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

import contextlib
import logging
import os
import time
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from types import TracebackType

from tqdm import tqdm

from .errors import UserError
from .formats import detect_format
from .formats.writers import writer_for
from .frame import PoseFrame
from .humanoid.avatar import AvatarSettings
from .pose.engine import EstimatorOptions
from .protocol import SourceInfo
from .sources.video import VideoPipeline, VideoSource, parse_webcam
from .transforms import Transform

log = logging.getLogger("bridge.extract")

#: Called with each frame written and the number of frames the video announces (``None``: unknown).
FrameCallback = Callable[[PoseFrame, "int | None"], None]


def _video(video: str | os.PathLike[str]) -> str:
    """``video`` as a source string; a webcam is refused (a live stream has no end to extract to)."""
    spec = os.fspath(video)
    if parse_webcam(spec) is not None:
        raise UserError(f"cannot extract from a webcam ({spec}): record it with 'pose-bridge serve {spec} --record'")
    return spec


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
        self.source = VideoSource(_video(video), options)
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
    """Synchronous version of :func:`extract_frames`: yields every frame (a
    :class:`~bridge.sources.video.VideoPipeline`: BlazePose on the caller's thread, decoding on its own).

    Errors (a missing file, a missing model, a webcam) are raised from the first ``next()``.
    Closing the iterator early (``break``) stops decoding and releases the model.
    """
    with VideoPipeline(_video(video), options) as pipeline, contextlib.closing(pipeline.frames()) as frames:
        for frame in frames:
            for transform in transforms:
                frame = transform(frame)
            yield frame


def extract_to_file(
    video: str | os.PathLike[str],
    out: str | os.PathLike[str],
    fmt: str | None = None,
    coords: str | None = None,
    options: EstimatorOptions | None = None,
    *,
    transforms: Sequence[Transform] = (),
    angles: Sequence[str] = (),
    avatar: AvatarSettings | None = None,
    progress: bool = False,
    wall_clock: bool = True,
    on_frame: FrameCallback | None = None,
) -> int:
    """Extract ``video`` into ``out`` and return the number of frames written.

    ``transforms`` are applied to every frame before it is written (smoothing,
    angles); ``angles`` names the joint angles for the JSONL header and CSV
    columns. ``avatar``: solve the humanoid pose of every frame after the transforms, with a solver built
    for the video's image size (root motion needs it); a BVH file gets an in-place solver without it (it
    holds the humanoid pose), and with ``avatar`` hips that move (``root_motion`` ``raw``) or stand on a
    floor (``grounded``). Every frame is flushed as it is written. On ``KeyboardInterrupt`` (Ctrl-C)
    the file is closed complete up to the last frame written and the
    ``KeyboardInterrupt`` propagates (``written`` frames are logged).

    ``wall_clock=False`` writes every frame with ``captured_ns`` 0 instead of the time it
    entered BlazePose, so that the same video and options always give the same bytes (what
    batch extraction writes). ``on_frame(frame, total)`` is called after each frame is
    written, ``total`` being the frame count the video announces (``None`` when unknown);
    an exception it raises stops the extraction and propagates, the file closed as it is.
    """
    kind = detect_format(out, fmt)  # a bad extension fails before the model loads
    if avatar is None and kind == "bvh":  # a BVH file holds the humanoid pose: solve it for every frame
        avatar = AvatarSettings(fingers=bool(options and options.hands))
    started = time.monotonic()
    with VideoPipeline(_video(video), options) as pipeline, contextlib.closing(pipeline.frames()) as frames:
        pipeline.prepare()
        info = pipeline.info
        steps = list(transforms)
        if avatar is not None:  # last, on the smoothed landmarks; one solver per video (it keeps state)
            steps.append(avatar.solver(info.width, info.height))
        writer = writer_for(
            out, info, fmt, coords, angles, max_people=options.num_poses if options else 1,
            hands=bool(options and options.hands),
        )  # fmt: skip
        bar = None
        if progress:
            bar = tqdm(total=info.frames, unit="frame", desc=os.path.basename(os.fspath(video)), dynamic_ncols=True)
        missed = 0
        try:
            for frame in frames:
                for transform in steps:
                    frame = transform(frame)
                if not wall_clock:
                    frame = frame.replace(captured_ns=0)
                writer.write(frame)
                if frame.world is None and frame.image is None:
                    missed += 1
                if bar is not None:
                    bar.update(1)
                if on_frame is not None:
                    on_frame(frame, info.frames)
        except KeyboardInterrupt:  # Ctrl-C: what was written stays
            log.warning("interrupted: %s holds the %d frames written so far", out, writer.frames_written)
            raise
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
