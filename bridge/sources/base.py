"""The source interface: an async stream of :class:`~bridge.frame.PoseFrame` plus metadata.

Every source — video file, webcam, the built-in demo, a recording — is a
:class:`Source`. The server's pump iterates ``frames()`` and does the pacing
(``--speed``), looping (``--loop``) and replay controls, so sources stay simple:

- ``live`` sources (webcam) produce frames in real time and are never paced;
- other sources yield frames as fast as they can, with ``t`` (seconds) telling
  when each frame belongs on the timeline; the pump sleeps until then;
- :class:`SeekableSource` (recordings) can start at any frame, which is what
  replay pause/seek/loop need.

:meth:`Source.frames_with_images` yields each frame with the decoded image it was estimated
from (:class:`DecodedImage`; ``None`` for sources without images: the demo, recordings), which
is what the preview window and ``annotate`` draw on.
"""

from __future__ import annotations

import abc
from collections.abc import AsyncIterator
from dataclasses import dataclass

import numpy as np

from ..frame import PoseFrame
from ..protocol import SourceInfo


@dataclass(frozen=True, slots=True)
class DecodedImage:
    """One decoded frame: 0-based index, timestamp (s), grab wall clock (ns), BGR and RGB pixels."""

    index: int
    t: float
    captured_ns: int
    bgr: np.ndarray
    rgb: np.ndarray


class Source(abc.ABC):
    """An async stream of pose frames with metadata.

    ``frames()`` may be called again after it finished (to loop); each call starts
    from the beginning. ``aclose()`` releases devices, threads and files; it is
    idempotent and safe to call while ``frames()`` is suspended.
    """

    #: Metadata sent to clients in ``hello``.
    info: SourceInfo
    #: True when frames arrive in real time (webcam): the pump never paces them.
    live: bool = False

    @abc.abstractmethod
    def frames(self) -> AsyncIterator[PoseFrame]:
        """Yield the source's frames in order. ``seq`` restarts at 0 on each call for files."""

    def frames_with_images(self) -> AsyncIterator[tuple[PoseFrame, DecodedImage | None]]:
        """Like :meth:`frames`, with the decoded image of each frame (``None`` here: no images)."""
        return without_images(self.frames())

    async def aclose(self) -> None:  # noqa: B027 - optional hook, default does nothing
        """Release resources. Idempotent."""

    async def __aenter__(self) -> Source:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


class SeekableSource(Source):
    """A source that can start at any frame index (recordings)."""

    @abc.abstractmethod
    def frames_from(self, start: int) -> AsyncIterator[PoseFrame]:
        """Yield frames from 0-based index ``start`` (clamped to the valid range) to the end."""

    def frames(self) -> AsyncIterator[PoseFrame]:
        return self.frames_from(0)


async def without_images(frames: AsyncIterator[PoseFrame]) -> AsyncIterator[tuple[PoseFrame, DecodedImage | None]]:
    """``frames`` as ``(frame, None)`` pairs; closing the pairs closes ``frames`` (an async generator) too."""
    try:
        async for frame in frames:
            yield frame, None
    finally:
        aclose = getattr(frames, "aclose", None)
        if aclose is not None:
            await aclose()
