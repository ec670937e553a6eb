"""Batch jobs at scale: ``extract`` of many videos and the camera ``study``, on every core or a Dask cluster.

One code path from a laptop to a cluster: a :class:`distributed.Client` of a local cluster of worker
processes (:func:`open_client`, the default: one process per core) or of an existing scheduler
(``--scheduler``; on SLURM/PBS started with dask-jobqueue, see docs/recordings.md). Tasks are pure
functions of (input, settings) → an output file or a few result rows; the scheduler runs a task again
elsewhere when its worker dies, outputs are written atomically (temporary name, then rename), results
do not depend on the number of workers, and nothing here knows about WebSockets.

- :mod:`.inputs` — files/directories/globs → inputs, output names, temporary files, ``--resume``.
- :mod:`.cluster` — :func:`open_client` (local cluster on 127.0.0.1, or a scheduler address).
- :mod:`.worker` — the tasks, the per-worker model plugin, progress events, the stop flag.
- :mod:`.runner` — submit, follow (one progress bar), collect; Ctrl-C stops the workers' tasks.
- :mod:`.extract` — :func:`extract_batch`; :mod:`.study` — :func:`study_batch`.
"""

from .cluster import default_workers, open_client, workers_of
from .extract import ExtractReport, Job, extract_batch
from .inputs import Input, expand_inputs, is_complete, plan_outputs
from .runner import new_run_id
from .study import StudyReport, plan_units, study_batch
from .worker import ExtractSettings, FileResult, StudySettings

__all__ = [
    "ExtractReport",
    "ExtractSettings",
    "FileResult",
    "Input",
    "Job",
    "StudyReport",
    "StudySettings",
    "default_workers",
    "expand_inputs",
    "extract_batch",
    "is_complete",
    "new_run_id",
    "open_client",
    "plan_outputs",
    "plan_units",
    "study_batch",
    "workers_of",
]
