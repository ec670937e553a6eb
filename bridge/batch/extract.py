"""Many videos → one recording each, on a Dask cluster (what ``pose-bridge extract`` runs).

::

    from bridge.batch import ExtractSettings, Job, extract_batch, open_client

    with open_client(workers=4) as client:                      # or open_client(scheduler="tcp://...")
        report = extract_batch(client, jobs, settings, resume=True, progress=True)
    report.failed        # [(job, "message")], in input order

``settings.options.model`` must be a resolved model file (:func:`bridge.pose.models.resolve_model`,
called once by the client), never a name: workers do not download.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import PoseBridgeError, UserError
from .cluster import workers_of
from .inputs import is_complete, remove_temp_files
from .runner import Outcome, Progress, Submission, error_message, run_tasks
from .worker import ExtractSettings, FileResult, ModelPlugin, extract_task

if TYPE_CHECKING:
    from distributed import Client


@dataclass(frozen=True)
class Job:
    """One input and the file it is extracted to."""

    input: str
    output: Path


@dataclass
class ExtractReport:
    """What a batch did, per job, in input order."""

    jobs: list[Job]
    #: Output path → result, for the jobs extracted in this run.
    results: dict[Path, FileResult] = field(default_factory=dict)
    #: Jobs skipped by ``resume`` (their output was complete).
    skipped: list[Job] = field(default_factory=list)
    #: Jobs that failed, with their one-line error.
    failed: list[tuple[Job, str]] = field(default_factory=list)
    #: Wall-clock seconds of the run (from submitting to the last result).
    seconds: float = 0.0
    #: Tasks the cluster ran at once.
    workers: int = 0

    @property
    def frames(self) -> int:
        return sum(r.frames for r in self.results.values())


def register_model(client: Client, model_path: str) -> None:
    """Register :class:`~bridge.batch.worker.ModelPlugin` on every worker (and on those joining later).

    Raises :class:`UserError` with the first worker's reason when a worker cannot load the model or
    cannot import pose-bridge (a cluster whose workers run another environment).
    """
    plugin = ModelPlugin(model_path)
    try:
        client.register_plugin(plugin, name=plugin.name)
    except PoseBridgeError as exc:
        raise UserError(f"a Dask worker cannot run BlazePose: {exc}") from None
    except (ImportError, AttributeError) as exc:  # unpickling the plugin on a worker without (this) pose-bridge
        raise UserError(
            f"the Dask workers cannot load pose-bridge ({exc}): install the same pose-bridge in their environment"
        ) from None


def extract_batch(
    client: Client,
    jobs: Sequence[Job],
    settings: ExtractSettings,
    *,
    resume: bool = False,
    progress: bool = False,
    on_event: Callable[[dict[str, Any]], None] | None = None,
) -> ExtractReport:
    """Extract every job's input into its output on ``client``'s cluster, one task per video.

    - Outputs are written atomically: an output that exists is complete; temporary files left by an
      earlier run that was killed, and by tasks whose worker died in this one, are removed.
    - ``resume``: a job whose output is complete (:func:`~bridge.batch.inputs.is_complete`) is skipped.
    - A job whose input cannot be read or decoded, or whose worker died more often than the scheduler
      allows, is in ``failed``; the others go on.
    - ``progress``: one bar on stderr (files, frames, rate, ETA). ``on_event`` sees every progress event.
    - ``KeyboardInterrupt`` stops the workers' tasks (see :func:`~bridge.batch.runner.run_tasks`), removes
      every temporary file and propagates: the outputs present are the complete ones.
    """
    report = ExtractReport(list(jobs), workers=workers_of(client))
    outputs = [j.output for j in jobs]
    remove_temp_files(outputs)
    todo = []
    for job in jobs:
        if resume and is_complete(job.output, settings.fmt):
            report.skipped.append(job)
        else:
            todo.append(job)
    if not todo:
        return report
    register_model(client, settings.options.model)
    submissions = [
        Submission(
            key=f"extract-{settings.run_id}-{i}",
            label=job.input,
            fn=extract_task,
            # Absolute paths: a cluster's workers do not share the client's working directory.
            args=(settings, os.path.abspath(job.input), os.path.abspath(job.output), f"extract-{settings.run_id}-{i}"),
        )
        for i, job in enumerate(todo)
    ]
    by_key = {s.key: job for s, job in zip(submissions, todo, strict=True)}
    bar = Progress("extract", len(todo), "files", enabled=progress)
    started = time.perf_counter()
    try:
        outcomes = run_tasks(
            client,
            submissions,
            settings.run_id,
            progress=bar,
            on_event=on_event,
            frames_of=lambda r: r.frames if isinstance(r, FileResult) else 0,
        )
    finally:
        bar.close()
        remove_temp_files(outputs)
    report.seconds = time.perf_counter() - started
    for outcome in outcomes:
        _collect(report, by_key[outcome.submission.key], outcome)
    return report


def _collect(report: ExtractReport, job: Job, outcome: Outcome) -> None:
    if outcome.ok:
        report.results[job.output] = outcome.result
    else:
        assert outcome.error is not None
        report.failed.append((job, error_message(outcome.error)))
