"""Video files and webcams through OpenCV, with BlazePose on every frame.

Two layers, like a protocol core and its I/O wrapper:

- :class:`VideoPipeline`, the synchronous core: a plain iterator of frames with their decoded
  images. Decoding runs on its own thread, a few frames ahead of inference, which runs on the
  caller's thread: while BlazePose works on frame N, frame N+1 is being decoded and converted to
  RGB. Synchronous code (the study, batch workers, :func:`bridge.extract.iter_frames`) uses it as is.
- :class:`VideoSource`, the :class:`~bridge.sources.base.Source` the server plays: it runs the
  pipeline's iterator on a thread of its own (the estimator's); the event loop only awaits results.

``SOURCE`` strings: a path to anything OpenCV opens (video files, image
sequences such as ``frames/%04d.png``, a single image), ``webcam`` (device 0) or
``webcam:N``.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import os
import queue
import re
import threading
import time
from collections.abc import AsyncIterator, Generator
from pathlib import Path
from types import TracebackType

import cv2

from ..errors import SourceError, UserError
from ..frame import PoseFrame
from ..pose.engine import Estimator, EstimatorOptions
from ..pose.tracking import PeopleTracker
from ..protocol import SourceInfo
from .base import DecodedImage, Source

log = logging.getLogger("bridge.sources.video")

_WEBCAM = re.compile(r"^webcam(?::(\d+))?$")
_DECODE_AHEAD = 4


def parse_webcam(spec: str) -> int | None:
    """The device index of ``webcam``/``webcam:N``, or ``None`` when ``spec`` is not a webcam."""
    m = _WEBCAM.match(spec)
    if not m:
        return None
    return int(m.group(1) or 0)


def _is_sequence_pattern(spec: str) -> bool:
    return "%" in os.path.basename(spec)


def open_capture(spec: str) -> tuple[cv2.VideoCapture, SourceInfo, bool]:
    """Open ``spec`` with OpenCV and check that it yields frames.

    Returns the capture (positioned at frame 0), its metadata and whether it is live.
    Raises :class:`SourceError` for a missing or unreadable file, a file OpenCV
    cannot decode, or a webcam that does not open.
    """
    device = parse_webcam(spec)
    if device is not None:
        cap = cv2.VideoCapture(device)
        if not cap.isOpened():
            cap.release()
            raise SourceError(f"no such webcam: webcam:{device} (OpenCV could not open video device {device})")
        fps = cap.get(cv2.CAP_PROP_FPS) or None
        info = SourceInfo(
            kind="webcam",
            name=f"webcam:{device}",
            fps=fps,
            width=int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)) or None,
            height=int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT)) or None,
            coords=("image", "world"),
        )
        return cap, info, True
    if not _is_sequence_pattern(spec):
        path = Path(spec)
        if not path.exists():
            raise SourceError(f"no such file: {spec}")
        if path.is_dir():
            raise SourceError(f"{spec} is a directory, not a video")
        if not os.access(path, os.R_OK):
            raise SourceError(f"cannot read {spec}: permission denied")
    cap = cv2.VideoCapture(spec)
    ok, first = cap.read() if cap.isOpened() else (False, None)
    if not ok or first is None:
        cap.release()
        raise SourceError(f"{spec} is not a video OpenCV can read (no frame could be decoded)")
    height, width = first.shape[:2]
    fps = cap.get(cv2.CAP_PROP_FPS)
    frames = int(cap.get(cv2.CAP_PROP_FRAME_COUNT))
    cap.release()  # reopen rather than seek back: seeking is unreliable for image sequences
    cap = cv2.VideoCapture(spec)
    info = SourceInfo(
        kind="video",
        name=os.path.basename(spec),
        fps=fps if fps and 0 < fps < 1000 else None,
        width=width,
        height=height,
        frames=frames if frames > 0 else None,
        coords=("image", "world"),
    )
    return cap, info, False


class _Decoder:
    """Reads frames on a daemon thread into a small bounded queue, until EOF or stop.

    Files: up to a few frames ahead of inference, never skipping one. Live
    sources: only the newest frame is kept (older ones are skipped).
    """

    _EOF = object()

    def __init__(self, cap: cv2.VideoCapture, fps: float | None, live: bool) -> None:
        self._cap = cap
        self._fps = fps or 30.0
        self._live = live
        self._queue: queue.Queue[object] = queue.Queue(maxsize=1 if live else _DECODE_AHEAD)
        self._stop = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="pose-bridge-decode", daemon=True)
        self._thread.start()

    def _put(self, item: object) -> bool:
        if self._live and item is not self._EOF:
            # A camera does not wait: keep only the newest frame, so inference slower than
            # the camera adds no queueing latency (stale frames are skipped, not queued).
            while True:
                try:
                    self._queue.put_nowait(item)
                    return True
                except queue.Full:
                    with contextlib.suppress(queue.Empty):
                        self._queue.get_nowait()
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _run(self) -> None:
        start = time.monotonic()
        index = 0
        try:
            while not self._stop.is_set():
                ok, bgr = self._cap.read()
                captured_ns = time.time_ns()
                if not ok or bgr is None:
                    break
                t = time.monotonic() - start if self._live else index / self._fps
                rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
                if not self._put(DecodedImage(index, t, captured_ns, bgr, rgb)):
                    return
                index += 1
        except BaseException as exc:  # surfaced to the consumer
            self._error = exc
        self._put(self._EOF)

    def get(self) -> DecodedImage | None:
        """Next decoded frame (blocking), or ``None`` at the end. Re-raises a decode error."""
        item = self._queue.get()
        if item is self._EOF:
            if self._error is not None:
                raise SourceError(f"decoding failed: {self._error}")
            return None
        assert isinstance(item, DecodedImage)
        return item

    def stop(self) -> None:
        """Stop decoding; a consumer blocked in :meth:`get` then sees the end."""
        self._stop.set()
        self._thread.join(timeout=5)
        while True:
            try:
                self._queue.get_nowait()
            except queue.Empty:
                break
        self._queue.put_nowait(self._EOF)


class VideoPipeline:
    """A video file, image sequence or webcam with BlazePose run on every frame, synchronously.

    :meth:`frames_with_images` (and :meth:`frames`) is a plain iterator; each call starts a pass,
    which for a file restarts at its first frame (the engine's timeline and person ids too). The
    estimator is created on first use on the thread that iterates, or up front with
    :meth:`prepare` (which raises :class:`~bridge.errors.ModelMissingError`). A webcam is ``live``:
    timestamps are seconds since it started and ``seq`` counts frames since then.

    Use as a context manager (or call :meth:`close`). :meth:`stop` may be called from another thread:
    the pass in progress then ends after its current frame.
    """

    def __init__(self, spec: str, options: EstimatorOptions | None = None) -> None:
        self.spec = spec
        self.options = options or EstimatorOptions()
        self.options.validate()
        self._cap, self.info, self.live = open_capture(spec)
        self._estimator: Estimator | None = None
        self._decoder: _Decoder | None = None
        self._people: PeopleTracker | None = None  # ids of several people (num_poses > 1)
        self._closed = False
        self._seq = 0  # live sources: running counter across restarts

    def prepare(self) -> Estimator:
        """Create the estimator now (loads the model; raises ModelMissingError); returns it."""
        if self._estimator is None:
            self._estimator = Estimator(self.options)
        return self._estimator

    def _infer(self, image: DecodedImage) -> PoseFrame:
        # A camera frame is "captured" when the camera delivered it. A file frame decoded ahead
        # of time is "captured" when it enters inference: the time it waited in the decode-ahead
        # queue is an artefact of reading a file, not latency a user should see.
        captured_ns = image.captured_ns if self.live else time.time_ns()
        est = self.prepare()
        seq = self._seq if self.live else image.index
        self._seq += 1
        found = est.detect(image.rgb, image.t)
        if self.options.num_poses == 1:  # one person: exactly what the engine returns, no tracking
            img, world, left, right = found[0] if found else (None, None, None, None)
            return PoseFrame(
                seq=seq,
                t=image.t,
                captured_ns=captured_ns,
                image=img,
                world=world,
                left_hand=left,
                right_hand=right,
                hands=self.options.hands,
            )
        if self._people is None:
            height, width = image.rgb.shape[:2]
            self._people = PeopleTracker(width, height, self.options.camera_fov)
        img, world, people = self._people.update(
            image.t, [(i, w) for i, w, _, _ in found], [(left, right) for _, _, left, right in found]
        )
        primary = people[0] if people else None
        return PoseFrame(
            seq=seq, t=image.t, captured_ns=captured_ns, image=img, world=world, people=people,
            left_hand=primary.left_hand if primary else None, right_hand=primary.right_hand if primary else None,
            hands=self.options.hands,
        )  # fmt: skip

    def _restart(self) -> None:
        """A file plays again from frame 0: a new capture, and t restarts at 0 for the engine and tracking."""
        if self.live:
            return
        self._cap.release()
        self._cap = cv2.VideoCapture(self.spec)
        if self._estimator is not None:
            self._estimator.reset()
        if self._people is not None:  # people found again get new ids (ids never repeat)
            self._people.reset()

    def frames_with_images(self) -> Generator[tuple[PoseFrame, DecodedImage], None, None]:
        """Every frame with the decoded image it was estimated from (for overlays), in order.

        Raises :class:`~bridge.errors.UserError` once closed, and a decoding error as
        :class:`~bridge.errors.SourceError`. Closing the iterator early stops decoding.
        """
        if self._closed:
            raise UserError(f"source {self.spec} is closed")
        if self._decoder is not None:  # a previous pass: restart from frame 0
            self._decoder.stop()
            self._restart()
        decoder = self._decoder = _Decoder(self._cap, self.info.fps, self.live)
        try:
            while True:
                image = decoder.get()
                if image is None:
                    return
                yield self._infer(image), image
        finally:
            decoder.stop()

    def frames(self) -> Generator[PoseFrame, None, None]:
        """Every frame, in order (see :meth:`frames_with_images`)."""
        for frame, _ in self.frames_with_images():
            yield frame

    def stop(self) -> None:
        """End the pass in progress after its current frame; safe from any thread."""
        if self._decoder is not None:
            self._decoder.stop()

    def close(self) -> None:
        """Stop decoding, release the model and the capture. Idempotent; call it on the iterating thread."""
        if self._closed:
            return
        self._closed = True
        self.stop()
        if self._estimator is not None:
            self._estimator.close()
        self._cap.release()

    def __enter__(self) -> VideoPipeline:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class VideoSource(Source):
    """A video file, image sequence or webcam, with BlazePose run on every frame: a
    :class:`VideoPipeline` iterated on a thread of its own (the estimator's).

    The estimator is created lazily on that thread when frames are first
    requested (creating it validates the model, raising
    :class:`~bridge.errors.ModelMissingError`); :meth:`prepare` does it up front.
    Calling :meth:`frames` again restarts a file from its first frame (``--loop``).
    A webcam is ``live``: timestamps are seconds since it started and ``seq``
    counts frames since then.
    """

    def __init__(self, spec: str, options: EstimatorOptions | None = None) -> None:
        self.pipeline = VideoPipeline(spec, options)
        self.spec = spec
        self.options = self.pipeline.options
        self.info = self.pipeline.info
        self.live = self.pipeline.live
        self._executor = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="pose-bridge-blazepose")
        self._worker_stop: threading.Event | None = None  # stops the inference loop of the current pass
        self._closed = False

    async def prepare(self) -> None:
        """Create the estimator now (loads the model; raises ModelMissingError)."""
        await asyncio.get_running_loop().run_in_executor(self._executor, self.pipeline.prepare)

    async def frames_with_images(self) -> AsyncIterator[tuple[PoseFrame, DecodedImage]]:
        """Like :meth:`frames`, with each frame's decoded image (for overlays)."""
        if self._closed:
            raise UserError(f"source {self.spec} is closed")
        # The pipeline's iterator runs in a loop on the estimator's thread and hands each result over
        # through a one-slot queue: the next frame's inference starts as soon as a result is handed over,
        # not after the event loop has come round to ask for it (a thread hop per frame, and under load a
        # wait for the loop, on the critical path). One slot keeps the run-ahead to a single frame.
        results: queue.Queue[tuple[PoseFrame, DecodedImage] | BaseException | None] = queue.Queue(maxsize=1)
        ready = asyncio.Event()
        stop = self._worker_stop = threading.Event()
        loop = asyncio.get_running_loop()

        def hand_over(item: tuple[PoseFrame, DecodedImage] | BaseException | None) -> bool:
            while not stop.is_set():
                try:
                    results.put(item, timeout=0.1)
                except queue.Full:
                    continue
                with contextlib.suppress(RuntimeError):  # the loop is closed: nobody is waiting
                    loop.call_soon_threadsafe(ready.set)
                return True
            return False

        def run() -> None:
            try:
                with contextlib.closing(self.pipeline.frames_with_images()) as pairs:
                    for item in pairs:
                        if stop.is_set() or not hand_over(item):
                            return
            except BaseException as exc:  # surfaced to the consumer
                hand_over(exc)
                return
            hand_over(None)

        worker = loop.run_in_executor(self._executor, run)
        try:
            while True:
                try:
                    item = results.get_nowait()
                except queue.Empty:
                    await ready.wait()
                    ready.clear()
                    continue
                if isinstance(item, BaseException):
                    raise item
                if item is None:
                    return
                yield item
        finally:
            stop.set()
            self.pipeline.stop()
            with contextlib.suppress(queue.Empty):
                results.get_nowait()  # unblock a hand-over in progress
            await asyncio.shield(worker)

    async def frames(self) -> AsyncIterator[PoseFrame]:
        async for frame, _ in self.frames_with_images():
            yield frame

    async def aclose(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._worker_stop is not None:
            self._worker_stop.set()
        self.pipeline.stop()
        await asyncio.get_running_loop().run_in_executor(self._executor, self.pipeline.close)
        self._executor.shutdown(wait=True)
