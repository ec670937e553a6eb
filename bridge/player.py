"""The player: pulls frames from a source, paces them, applies transforms, publishes them.

Pacing follows each frame's ``t`` divided by the speed: ``--speed 1`` plays
files at their native rate, ``--speed 2`` twice as fast, ``--speed max`` (speed
``None``) as fast as the source and the clients that keep up allow (see
:meth:`bridge.hub.Hub.wait_ready`). Live sources (webcams) are never paced.
When the source falls behind real time (inference slower than the video's fps)
the timeline is re-based instead of bursting to catch up.

Replay controls (pause, resume, seek, speed) apply to seekable sources
(recordings); every change is broadcast to all clients as a ``state`` message.
Seeking while paused shows the frame sought to and stays paused. A replayed
frame's ``captured_ns`` is stamped when it is published, after its pacing and
any pause: the latency clients show is the replay's own, not the wait.

Paced and live streams are sent with the hub's pacing window (fresh frames for
slow readers, :mod:`bridge.hub`); ``--speed max`` replays without it, and waits
for the clients that keep up and for sinks that can apply backpressure (a
recorder's queue) instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncGenerator, Awaitable, Callable, Sequence
from typing import Protocol

from .errors import ControlError
from .frame import PoseFrame
from .hub import FRAME_WINDOW, Hub
from .protocol import Control, Pause, Resume, Seek, SetSpeed, State
from .sources.base import DecodedImage, SeekableSource, Source, without_images
from .transforms import Transform

log = logging.getLogger("bridge.player")

_MAX_LATE = 0.25  # seconds behind schedule before the timeline is re-based


class FrameSink(Protocol):
    """Something that receives every published frame (a recorder, a preview window).

    ``write`` must not block the event loop. A sink may also define ``async wait_ready()``: with ``--speed max``
    the player awaits it after every frame (a recorder that lets the replay run only as fast as it writes).
    """

    def write(self, frame: PoseFrame) -> None: ...

    def close(self) -> None: ...


class ImageSink(Protocol):
    """Something that receives every published frame with the decoded image it was estimated from
    (a preview window). ``image`` is ``None`` for sources without images (the demo, recordings).

    ``write`` must not block the event loop.
    """

    def write(self, frame: PoseFrame, image: DecodedImage | None) -> None: ...

    def close(self) -> None: ...


class Player:
    """Plays one source into a hub. Create it, then ``await run()``; ``stop()`` ends it early."""

    def __init__(
        self,
        source: Source,
        hub: Hub,
        *,
        speed: float | None = 1.0,
        loop: bool = False,
        transforms: Sequence[Transform] = (),
        sinks: Sequence[FrameSink] = (),
        image_sinks: Sequence[ImageSink] = (),
        stall_timeout: float = 1.0,
    ) -> None:
        if speed is not None and speed <= 0:
            raise ValueError("speed must be > 0 or None (max)")
        self.source = source
        self.hub = hub
        self.speed = speed
        self.loop = loop
        self.transforms = list(transforms)
        self.sinks = list(sinks)
        self.image_sinks = list(image_sinks)
        self.stall_timeout = stall_timeout
        self.paused = False
        self.position = 0
        self.published = 0
        self._seek_to: int | None = None
        self._show_next = False
        self._changed = asyncio.Event()
        self._base: tuple[float, float] | None = None  # (monotonic wall time, frame t)
        self._update_window()

    def _update_window(self) -> None:
        """Pace frames to the clients' reading (fresh frames), except for ``--speed max`` replays."""
        self.hub.window = None if self.speed is None and not self.source.live else FRAME_WINDOW

    @property
    def replayable(self) -> bool:
        return isinstance(self.source, SeekableSource)

    def state(self) -> State:
        """The current replay state as a ``state`` message."""
        return State(paused=self.paused, speed=self.speed, position=self.position, frames=self.source.info.frames)

    def control(self, message: Control) -> None:
        """Apply a replay control from a client and broadcast the new state.

        Raises :class:`ControlError` (code ``not_supported``) when the source is not
        a replay, or (``bad_value``) for a seek beyond the last frame.
        """
        if not self.replayable:
            raise ControlError(
                f"{type(message).__name__.lower()} needs a replay source (a recording); "
                f"this server streams a {self.source.info.kind}",
                "not_supported",
            )
        if isinstance(message, Pause):
            self.paused = True
        elif isinstance(message, Resume):
            self.paused = False
            self._base = None
        elif isinstance(message, Seek):
            total = self.source.info.frames
            if total is not None and message.frame >= total:
                raise ControlError(f"seek to frame {message.frame}: the recording has {total} frames", "bad_value")
            self._seek_to = message.frame
            self._show_next = self.paused
            self.position = message.frame
        elif isinstance(message, SetSpeed):
            self.speed = message.speed
            self._base = None
            self._update_window()
        self._changed.set()
        self.hub.send_all(self.state())

    async def _wait_change(self, timeout: float | None) -> bool:
        """Wait for a control change (True) or the timeout (False)."""
        try:
            await asyncio.wait_for(self._changed.wait(), timeout)
        except asyncio.TimeoutError:
            return False
        self._changed.clear()
        return True

    async def _pace(self, t: float) -> bool:
        """Sleep until frame time ``t`` is due; False when a seek interrupts."""
        while True:
            if self._seek_to is not None:
                return False
            if self.paused:
                await self._wait_change(None)
                continue
            if self.speed is None or self.source.live:
                return True
            now = time.monotonic()
            if self._base is None:
                self._base = (now, t)
                return True
            due = self._base[0] + (t - self._base[1]) / self.speed
            delay = due - now
            if delay <= 0:
                if -delay > _MAX_LATE:
                    self._base = (now, t)
                return True
            await self._wait_change(delay)

    def _iterate(self, start: int) -> AsyncGenerator[tuple[PoseFrame, DecodedImage | None], None]:
        if isinstance(self.source, SeekableSource):
            frames = without_images(self.source.frames_from(start))
        else:
            frames = self.source.frames_with_images()
        return frames  # type: ignore[return-value]  # sources are async generators (closed on seek/stop)

    async def run(self) -> int:
        """Play until the source ends (without ``loop``) or :meth:`stop`; returns frames published."""
        start = 0
        while True:
            self._seek_to = None
            self._base = None
            interrupted = False
            async with contextlib.aclosing(self._iterate(start)) as frames:
                async for frame, image in frames:
                    showing, self._show_next = self._show_next, False
                    if not showing and not await self._pace(frame.t):
                        interrupted = True
                        break
                    self._publish(frame, image)
                    if self.speed is None and not self.source.live:
                        await self.hub.wait_ready(self.stall_timeout)
                        for ready in self._sink_waits:
                            await ready()
                    if self._seek_to is not None:
                        interrupted = True
                        break
            if interrupted and self._seek_to is not None:
                start = self._seek_to
                continue
            if self.loop:
                start = 0
                continue
            return self.published

    @property
    def _sink_waits(self) -> list[Callable[[], Awaitable[None]]]:
        return [w for w in (getattr(sink, "wait_ready", None) for sink in self.sinks) if w is not None]

    def _publish(self, frame: PoseFrame, image: DecodedImage | None = None) -> None:
        if self.replayable:  # stamped when due: after the pacing sleep and any pause
            frame = frame.replace(captured_ns=time.time_ns())
        for transform in self.transforms:
            frame = transform(frame)
        for sink in self.sinks:  # recorders first: a frame any client saw is in the recording
            sink.write(frame)
        for image_sink in self.image_sinks:
            image_sink.write(frame, image)
        self.hub.publish(frame)
        self.published += 1
        self.position = frame.seq + 1

    def close_sinks(self) -> None:
        closers: list[Callable[[], None]] = [s.close for s in self.sinks] + [s.close for s in self.image_sinks]
        for close in closers:
            try:
                close()
            except Exception:  # one failing sink must not keep the others open
                log.exception("closing %r failed", getattr(close, "__self__", close))
