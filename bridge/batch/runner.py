"""The client side of a batch: submit tasks, follow their progress, collect results, stop on Ctrl-C.

Everything here uses Dask's own mechanisms: ``Client.submit`` (one future per task, ``retries=0``:
an input that fails fails the same way again), ``as_completed`` (results in the order they finish),
the scheduler's rescheduling of tasks whose worker died (up to ``distributed.scheduler.allowed-failures``
times, then the task is reported as ``KilledWorker``), worker events for progress
(``Worker.log_event`` → ``Client.subscribe_topic``) and ``Client.run`` for the stop flag.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from distributed import KilledWorker, as_completed
from tqdm import tqdm

from ..errors import PoseBridgeError
from .worker import PROGRESS_TOPIC, InputFailed, Stopped, stop_run

if TYPE_CHECKING:
    from distributed import Client, Future

log = logging.getLogger("bridge.batch")

#: Seconds a stopped run waits for its tasks to notice (they check at every frame) before cancelling them.
STOP_GRACE = 10.0


def new_run_id() -> str:
    """A fresh identifier for one run (task keys, progress events and the stop flag carry it)."""
    return uuid.uuid4().hex[:12]


@dataclass(frozen=True)
class Submission:
    """One task to run: ``fn(*args)`` under the Dask key ``key``; ``label`` names it for people."""

    key: str
    label: str
    fn: Callable[..., Any]
    args: tuple[Any, ...]


@dataclass
class Outcome:
    """How a task ended: its ``result``, or the ``error`` it raised (or that the scheduler gave it)."""

    submission: Submission
    result: Any = None
    error: BaseException | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def error_message(error: BaseException) -> str:
    """One line for a failed task: the message of our errors; the type too for anything else."""
    text = " ".join(str(error).split())
    if isinstance(error, KilledWorker):
        times = getattr(error, "allowed_failures", None)
        count = f" {times + 1} times" if isinstance(times, int) else ""
        return f"the worker process running it died{count} (out of memory? a crash in MediaPipe?)"
    if isinstance(error, PoseBridgeError):
        return text or type(error).__name__
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


class Progress:
    """One overall bar in frames (rate, ETA) whose label counts finished tasks (``extract 3/8 files``).

    Fed by worker events (:meth:`event`, from the client's event-loop thread) and finished tasks
    (:meth:`finished`, from the main thread). A task that runs again after its worker died restarts
    its count (the bar may step back). The total is what started tasks announced plus, for tasks not
    started yet, the average of those announcements; it is exact once every task has started.
    """

    def __init__(self, label: str, tasks: int, noun: str, *, enabled: bool, items: int | None = None) -> None:
        self.label, self.tasks, self.noun = label, tasks, noun
        #: What the label counts (files, configurations): ``tasks`` unless a task holds several.
        self.items = tasks if items is None else items
        self._lock = threading.Lock()
        self._attempts: dict[str, tuple[float, str]] = {}  # key -> (started, attempt)
        self._frames: dict[str, int] = {}
        self._totals: dict[str, int] = {}
        self._finished = 0
        self._shown = 0
        self.bar = tqdm(
            total=None, unit="frame", desc=self._desc(), dynamic_ncols=True, disable=not enabled, file=sys.stderr
        )

    def _desc(self) -> str:
        return f"{self.label} {self._finished}/{self.items} {self.noun}"

    def _estimated_total(self) -> int | None:
        if not self._totals:
            return None
        known = sum(self._totals.values())
        waiting = max(0, self.tasks - len(self._totals))
        return known + round(known / len(self._totals) * waiting)

    @property
    def done(self) -> int:
        """Frames done so far (in the current attempt of each task)."""
        return sum(self._frames.values())

    @property
    def total(self) -> int | None:
        """The estimated total of frames (``None`` until a task announced its own)."""
        total = self._estimated_total()
        return None if total is None else max(total, self.done)

    def _redraw(self) -> None:
        done, total = self.done, self.total
        if total != self.bar.total:
            self.bar.total = total
        delta, self._shown = done - self._shown, done
        if delta:
            self.bar.update(delta)
        else:
            self.bar.refresh()

    def event(self, message: dict[str, Any]) -> None:
        """A progress event of one task attempt (see :class:`~bridge.batch.worker.Reporter`)."""
        key, attempt, started = message["key"], message["attempt"], float(message["started"])
        with self._lock:
            current = self._attempts.get(key)
            if current is not None and current[1] != attempt and current[0] > started:
                return  # a late event of an attempt that was superseded
            self._attempts[key] = (started, attempt)
            self._frames[key] = int(message["frames"])
            if message.get("total"):
                self._totals[key] = int(message["total"])
            self._redraw()

    def finished(self, key: str, frames: int, items: int = 1) -> None:
        """A task is done (``frames``: what it ran, 0 for a failed one; ``items``: what it counts for)."""
        with self._lock:
            self._finished += items
            self._frames[key] = frames
            self._totals[key] = frames
            self.bar.set_description_str(self._desc(), refresh=False)
            self._redraw()

    def close(self) -> None:
        with self._lock:
            self.bar.close()


def run_tasks(
    client: Client,
    submissions: Sequence[Submission],
    run_id: str,
    *,
    progress: Progress | None = None,
    on_event: Callable[[dict[str, Any]], None] | None = None,
    frames_of: Callable[[Any], int] = lambda result: 0,
    items_of: Callable[[Submission], int] = lambda submission: 1,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Run every submission (all of one function) on the cluster; the outcomes in the order of ``submissions``.

    A task that raises, or whose worker died more often than the scheduler allows, is an outcome with
    ``error`` set; the others go on. ``on_event`` sees every progress event of this run (from the
    client's event-loop thread); ``on_outcome`` every outcome as it arrives (from this thread; an
    exception it raises stops the run like Ctrl-C does, and propagates).

    On ``KeyboardInterrupt`` (or an exception from ``on_outcome``) the run is stopped: every worker is
    told (``Client.run``), the tasks give up at their next frame and remove their temporary files, what
    is left is cancelled, and the exception propagates. Outputs already renamed stay: they are complete.
    """

    def handle(event: tuple[float, dict[str, Any]]) -> None:
        message = event[1]
        if not isinstance(message, dict) or message.get("run") != run_id:
            return  # another run's (several clients on one cluster)
        if progress is not None:
            progress.event(message)
        if on_event is not None:
            on_event(message)

    client.subscribe_topic(PROGRESS_TOPIC, handle)
    futures: list[Future[Any]] = []
    outcomes: dict[str, Outcome] = {}
    try:
        if submissions:
            # One graph for all (Client.map, not a submit per task): the scheduler sees the whole group at once,
            # so it queues the tasks itself and hands each worker thread one at a time (worker-saturation).
            fn = submissions[0].fn
            if any(s.fn is not fn for s in submissions):
                raise ValueError("run_tasks runs one function over many arguments")
            columns = [list(c) for c in zip(*(s.args for s in submissions), strict=True)]
            futures = client.map(fn, *columns, key=[s.key for s in submissions], pure=False, retries=0)
        by_key = {s.key: s for s in submissions}
        for future in as_completed(futures, loop=client.loop):
            s = by_key[future.key]
            if future.status == "finished":
                result = future.result()
                if isinstance(result, (InputFailed, Stopped)):  # returned, not raised (see InputFailed)
                    outcome, frames = Outcome(s, error=result), 0
                else:
                    outcome, frames = Outcome(s, result=result), frames_of(result)
            else:
                error = future.exception()
                outcome = Outcome(s, error=error if isinstance(error, BaseException) else RuntimeError(str(error)))
                frames = 0
            future.release()
            outcomes[s.key] = outcome
            if progress is not None:
                progress.finished(s.key, frames, items_of(s))
            if on_outcome is not None:
                on_outcome(outcome)
    except BaseException:
        stop(client, run_id, futures)
        raise
    finally:
        client.unsubscribe_topic(PROGRESS_TOPIC)
    return [outcomes[s.key] for s in submissions]


def stop(client: Client, run_id: str, futures: Sequence[Future[Any]], grace: float = STOP_GRACE) -> None:
    """Stop run ``run_id``: set its stop flag on every worker, give tasks ``grace`` seconds, cancel the rest.

    Never raises (it runs while another exception propagates); a second Ctrl-C ends the wait.
    """
    pending = [f for f in futures if not f.done()]
    if not pending:
        return
    started = time.monotonic()
    try:
        client.run(stop_run, run_id, on_error="ignore")
        for _ in as_completed(pending, loop=client.loop, timeout=grace):
            pass
    except KeyboardInterrupt:
        pass
    except Exception as exc:  # the cluster may be gone already
        log.debug("stopping run %s: %s", run_id, exc)
    try:
        client.cancel(pending)
    except Exception as exc:
        log.debug("cancelling run %s: %s", run_id, exc)
    log.debug("run %s stopped in %.1f s", run_id, time.monotonic() - started)


def is_stopped(error: BaseException | None) -> bool:
    return isinstance(error, Stopped)
