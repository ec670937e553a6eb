"""``serve --record``: a recording written on its own thread, never on the event loop.

The event loop hands every published frame to :meth:`Recorder.write`, which only puts it into a bounded
queue; a thread encodes and writes it (one ``write`` and a flush per frame, as every recording writer does),
and ``fsync``\\ s the file about once a second and at the end. A slow disk therefore delays nobody: when the
queue is full (:data:`MAX_PENDING` frames, seconds of a live stream) frames are left out of the recording,
counted and logged, while the clients keep streaming. With ``--speed max`` (nothing is live) the player waits
for the recorder instead (:meth:`Recorder.wait_ready`), so a replay is recorded completely.

The file is created only by :meth:`Recorder.open` — the server calls it once its port is bound and its source
opened, so a failure to start never touches an existing file — and an existing file is refused unless
``overwrite``. A recorder that fails (disk full, file system gone) stops recording with one logged line and
sets :attr:`Recorder.failed`; the stream goes on (the CLI exits with code 2 at the end).

After ``kill -9`` the file holds every frame written so far, each flushed to the OS: at most the frames still in
the queue are lost (in practice none or a few; with ``--speed max`` at most :data:`FAST_PENDING`).
"""

from __future__ import annotations

import asyncio
import logging
import os
import queue
import threading
import time
from collections.abc import Callable
from pathlib import Path

from .errors import FormatError, UserError
from .formats import RecordingWriter
from .frame import PoseFrame

log = logging.getLogger("bridge.recorder")

#: Frames that may wait for the recorder thread before frames are left out (about 8 s at 30 fps).
MAX_PENDING = 256
#: With ``--speed max`` the player lets at most this many frames wait (see :meth:`Recorder.wait_ready`).
FAST_PENDING = 8
#: Seconds between two ``fsync`` calls while recording.
SYNC_EVERY = 1.0
#: Seconds :meth:`Recorder.close` waits for the thread to write what is queued.
CLOSE_TIMEOUT = 3.0

_STOP = object()


def check_target(path: str | os.PathLike[str], *, overwrite: bool) -> Path:
    """Refuse (``UserError``) to record over an existing file unless ``overwrite``; returns the path.

    Call it before doing anything slow: the user learns at once, and nothing has been created yet.
    """
    target = Path(path)
    if target.is_dir():
        raise UserError(f"--record {path}: is a directory")
    if (target.exists() or target.is_symlink()) and not overwrite:
        raise UserError(f"--record {path}: the file exists (add --overwrite to replace it)")
    if not target.parent.is_dir():
        raise UserError(f"--record {path}: no such directory: {target.parent}")
    return target


class Recorder:
    """A :class:`~bridge.player.FrameSink` that records on a thread through a bounded queue.

    ``open_writer`` creates the format's writer for the path (it truncates the file); the recorder calls it in
    :meth:`open`, after creating the file exclusively unless ``overwrite``. Frames written before :meth:`open`
    or after a failure are ignored.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        open_writer: Callable[[], RecordingWriter],
        *,
        overwrite: bool = False,
        max_pending: int = MAX_PENDING,
        sync_every: float = SYNC_EVERY,
    ) -> None:
        self.path = Path(path)
        self._open_writer = open_writer
        self.overwrite = overwrite
        self.sync_every = sync_every
        self._queue: queue.Queue[PoseFrame | object] = queue.Queue(maxsize=max_pending)
        self._thread: threading.Thread | None = None
        self._writer: RecordingWriter | None = None
        self._closed = False
        #: Why recording stopped early (one line), or ``None``.
        self.failed: str | None = None
        #: Frames written to the file, frames left out because the queue was full, fsync calls made.
        self.written = 0
        self.left_out = 0
        self.syncs = 0

    @property
    def recording(self) -> bool:
        return self._thread is not None and self.failed is None and not self._closed

    def open(self) -> None:
        """Create the file and start the writer thread. Raises :class:`UserError` when the file cannot be created.

        Without ``overwrite`` the file is created exclusively: a file that appeared since
        :func:`check_target` is refused, never truncated.
        """
        if not self.overwrite:
            try:
                os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
            except FileExistsError:
                raise UserError(f"--record {self.path}: the file exists (add --overwrite to replace it)") from None
            except OSError as exc:
                raise UserError(f"--record {self.path}: cannot create: {exc.strerror or exc}") from None
        try:
            self._writer = self._open_writer()
        except FormatError as exc:
            raise UserError(str(exc)) from None
        self._thread = threading.Thread(target=self._run, name=f"recorder {self.path.name}", daemon=True)
        self._thread.start()
        log.info("recording to %s", self.path)

    def write(self, frame: PoseFrame) -> None:
        """Queue ``frame`` for the thread; never blocks. A full queue leaves the frame out (counted, logged once)."""
        if not self.recording:
            return
        try:
            self._queue.put_nowait(frame)
        except queue.Full:
            self.left_out += 1
            if self.left_out == 1:
                log.warning(
                    "recording to %s falls behind (a slow disk?): frames are left out until it catches up", self.path
                )

    async def wait_ready(self) -> None:
        """Return once at most :data:`FAST_PENDING` frames wait (for ``--speed max``: record every frame)."""
        while self.recording and self._queue.qsize() > FAST_PENDING:
            await asyncio.sleep(0.002)

    def _run(self) -> None:
        writer = self._writer
        assert writer is not None
        last_sync = time.monotonic()
        try:
            while True:
                item = self._queue.get()
                if item is _STOP:
                    break
                assert isinstance(item, PoseFrame)
                writer.write(item)
                self.written += 1
                if time.monotonic() - last_sync >= self.sync_every:
                    writer.sync()
                    self.syncs += 1
                    last_sync = time.monotonic()
            writer.sync()
            self.syncs += 1
            writer.close()
        except Exception as exc:  # disk full, file system gone: stop recording, the stream goes on
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc) or type(exc).__name__
            self.failed = f"recording to {self.path} stopped after {self.written} frames: {reason}"
            log.error("%s; streaming goes on", self.failed)
            try:
                writer.close()
            except Exception:  # noqa: BLE001 - the file is already broken; its first error was reported
                pass
            while True:  # release what waits (write() no longer queues: self.failed is set)
                try:
                    if self._queue.get_nowait() is _STOP:
                        break
                except queue.Empty:
                    break

    def close(self) -> None:
        """Write what is queued, fsync and close the file; join the thread (at most :data:`CLOSE_TIMEOUT`).

        Idempotent. Logs how many frames were left out, if any.
        """
        if self._closed:
            return
        self._closed = True
        thread = self._thread
        if thread is None:
            return
        deadline = time.monotonic() + CLOSE_TIMEOUT
        try:
            if self.failed is None:
                self._queue.put(_STOP, timeout=CLOSE_TIMEOUT)
        except queue.Full:
            pass
        thread.join(max(0.0, deadline - time.monotonic()))
        if thread.is_alive():
            self.failed = f"recording to {self.path}: the disk did not take the last frames within {CLOSE_TIMEOUT:g} s"
            log.error("%s", self.failed)
        if self.left_out:
            log.warning("recording to %s: %d frames were left out (the disk was too slow)", self.path, self.left_out)
        if self.failed is None:
            log.info("recorded %d frames to %s", self.written, self.path)
