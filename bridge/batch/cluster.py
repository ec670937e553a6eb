"""Where a batch runs: a local cluster of worker processes, or an existing Dask cluster.

One code path from a laptop to a cluster (``Client(LocalCluster(...))`` or ``Client(address)``);
everything after :func:`open_client` is the same.

The local cluster: ``workers`` processes with one thread each (one BlazePose process keeps about
one core busy: decoding runs beside inference on a helper thread), scheduler and workers listening
on 127.0.0.1 only, on ports the system picks, no dashboard (its HTTP endpoint, needed by nothing
here, is also bound to 127.0.0.1 on a free port). The processes are the scheduler's: closing the
client closes them.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator

import dask
from distributed import Client, LocalCluster

from ..errors import UserError
from .worker import LocalWorkerPlugin

log = logging.getLogger("bridge.batch")


def default_workers() -> int:
    """The cores this process may use (its CPU affinity where the system has one), at least 1."""
    count = getattr(os, "process_cpu_count", None)  # Python >= 3.13
    if count is not None:
        n = count()
    elif hasattr(os, "sched_getaffinity"):
        n = len(os.sched_getaffinity(0))
    else:  # pragma: no cover - macOS, Windows
        n = os.cpu_count()
    return max(1, n or 1)


def workers_of(client: Client) -> int:
    """How many tasks the cluster runs at once (the sum of its workers' threads), at least 1."""
    threads: dict[str, int] = client.nthreads()
    return max(1, sum(threads.values()))


def _drop_sync_cancel_race(record: logging.LogRecord) -> bool:
    """False (drop) for distributed's ``sync`` cancel callback failing with NameError after a Ctrl-C."""
    exc = record.exc_info[1] if record.exc_info else None
    return not (isinstance(exc, NameError) and "future" in str(exc))


@contextlib.contextmanager
def open_client(*, workers: int | None = None, scheduler: str | None = None) -> Iterator[Client]:
    """A Dask client: of a new local cluster of ``workers`` processes, or of the scheduler at ``scheduler``.

    ``workers`` (default: :func:`default_workers`) only applies to the local cluster. Raises
    :class:`UserError` when the scheduler cannot be reached or its address is not one. The local
    cluster and its processes are closed on exit, whatever happens (Ctrl-C included).
    """
    if not log.isEnabledFor(logging.DEBUG):
        # The scheduler of a local cluster runs in this process: its INFO lines (every worker, every
        # connection) would bury the progress bar. Warnings (a worker restarted) stay.
        logging.getLogger("distributed").setLevel(logging.WARNING)
        # Ctrl-C can interrupt distributed's sync() between creating and assigning its future; its cancel callback
        # then raises a NameError that tornado logs with a traceback (a race inside distributed, seen once in CI).
        # Nothing of ours is lost by it: the run stops as intended, so keep that library traceback off the terminal.
        logging.getLogger("tornado.application").addFilter(_drop_sync_cancel_race)
    if scheduler is not None:
        try:
            # Waits up to Dask's distributed.comm.timeouts.connect (30 s by default) for the scheduler.
            client = Client(scheduler, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            reason = " ".join(str(exc).split()) or type(exc).__name__
            raise UserError(f"cannot reach the Dask scheduler at {scheduler}: {reason}") from None
        try:
            yield client
        finally:
            client.close()
        return
    n = workers or default_workers()
    # One task per worker thread at a time (Dask's default sends a second one ahead): a task lasts seconds, so
    # nothing is lost waiting, and when a worker dies only the task it was running counts it (Dask gives up on a
    # task after distributed.scheduler.allowed-failures deaths), not a video that was merely queued there.
    with dask.config.set({"distributed.scheduler.worker-saturation": 1.0}):
        cluster = _local_cluster(n)
    try:
        client = Client(cluster, set_as_default=False)
        try:
            client.register_plugin(LocalWorkerPlugin(), name=LocalWorkerPlugin.name)
            yield client
        finally:
            client.close()
    finally:
        cluster.close()


def _local_cluster(n: int) -> LocalCluster:
    return LocalCluster(
        n_workers=n,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        scheduler_port=0,
        dashboard_address="127.0.0.1:0",
        scheduler_kwargs={"dashboard": False},
        silence_logs=logging.WARNING,
    )
