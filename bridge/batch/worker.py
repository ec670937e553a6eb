"""What runs on a Dask worker: the tasks, the per-worker model plugin, progress events and the stop flag.

Tasks are plain functions of (settings, input) → a small result value; they write their output file
themselves (atomically: :func:`bridge.batch.inputs.temp_path`, then ``os.replace``) and never touch
the client's state, so the scheduler may run one again on another worker when its worker dies.

- :func:`extract_task`: one video → one recording file (``pose-bridge extract``).
- :func:`study_task`: a group of manifest rows sharing one video or recording → their
  :class:`~bridge.evaluation.study.StudyRow` values (``pose-bridge study``).

The model: the client resolves it once (download, offline build or cache look-up) and hands every
task the resolved *path*, so a worker never downloads anything; on a cluster the path must be on a
filesystem the workers share (or give ``--model PATH.task`` on one). :class:`ModelPlugin`, a Dask
``WorkerPlugin``, checks on every worker, when it joins, that MediaPipe starts and the model loads
(a worker that cannot fails the registration, which the client reports before any work), and keeps
the worker's loaded estimators for the tasks that can share one:

- IMAGE mode (``--static-image-mode``; the study's single-video mode) keeps no state from frame to
  frame, so one loaded ``PoseLandmarker`` per worker thread serves every task of the run.
- VIDEO mode (tracking, the default of ``extract``) carries the tracked person and a timeline from
  one frame to the next: a landmarker reused for a second video would start it from the first
  video's last pose and give different landmarks for its first frames than a fresh one, i.e. results
  that depend on which files a worker happened to run before (on the number of workers). So each
  video gets a fresh landmarker, which costs about 0.1 s (measured: 70 ms to create, 50 ms for the
  first frame, against 17 ms per frame after), against seconds of inference for a real video.

Progress: a task publishes ``{"run", "key", "attempt", "frames", "total", ...}`` under the topic
:data:`PROGRESS_TOPIC` with ``Worker.log_event`` at most every ``interval`` seconds; the client
subscribes to it (``Client.subscribe_topic``). A task also checks, at every frame, whether its run was
stopped (:func:`stop_run`, which the client sends to every worker with ``Client.run`` on Ctrl-C) and
then raises :class:`Stopped` after removing its temporary file.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
import signal
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import cv2
from distributed import get_worker
from distributed.diagnostics.plugin import WorkerPlugin

from ..angles import ANGLE_NAMES
from ..errors import PoseBridgeError, UserError
from ..evaluation.joints import JointMap
from ..evaluation.loading import extract_video_frames, iter_poses, read_truth
from ..evaluation.study import Configuration, StudyRow, run_study
from ..extract import extract_to_file
from ..frame import PoseFrame
from ..humanoid.avatar import AvatarSettings
from ..pose.engine import Estimator, EstimatorOptions
from ..smoothing import PoseSmoother
from ..sources.video import VideoPipeline
from ..transforms import Transform, frame_transforms
from .inputs import temp_path

if TYPE_CHECKING:
    from distributed import Worker

log = logging.getLogger("bridge.batch.worker")

#: The event topic of progress messages.
PROGRESS_TOPIC = "pose-bridge-progress"

#: Runs stopped in this worker process (see :func:`stop_run`).
_STOPPED: set[str] = set()


class Stopped(PoseBridgeError):
    """The run was stopped (Ctrl-C on the client): the task gave up and removed its temporary file."""


class InputFailed(PoseBridgeError):
    """An input that failed in its task for a reason of its own (unreadable, undecodable, malformed).

    Returned by the task rather than raised, as an expected outcome: Dask logs every exception a task
    raises as an error with its traceback on the worker, and a bad file among thousands is no error of
    the cluster. The client turns it back into a failed outcome with this message.
    """


def stop_run(run_id: str) -> int:
    """Ask every task of run ``run_id`` in this worker process to stop at its next frame; returns the pid.

    Sent to all workers by the client with ``Client.run`` (which runs it on the worker's event loop, not
    a task thread, so it arrives while tasks are busy).
    """
    _STOPPED.add(run_id)
    return os.getpid()


def check_stopped(run_id: str) -> None:
    """Raise :class:`Stopped` when run ``run_id`` was stopped."""
    if run_id in _STOPPED:
        raise Stopped(f"run {run_id} stopped")


def _current_worker() -> Worker | None:
    try:
        return get_worker()
    except ValueError:  # not inside a Dask task (a direct call, as in some tests)
        return None


class ModelPlugin(WorkerPlugin):
    """Per-worker BlazePose set-up: checks the model on each worker as it joins, caches loaded estimators.

    ``model_path`` is the bundle the client resolved. Registered under :meth:`name_for` that path, so
    two runs with different models on one cluster do not replace each other's plugin.
    """

    idempotent = True  # registering it again (a second run with the same model) keeps the loaded one

    def __init__(self, model_path: str) -> None:
        self.model_path = model_path
        self.name = self.name_for(model_path)
        self._local = threading.local()

    @staticmethod
    def name_for(model_path: str) -> str:
        return "pose-bridge-model-" + hashlib.sha256(model_path.encode()).hexdigest()[:12]

    def __getstate__(self) -> dict[str, Any]:
        return {"model_path": self.model_path, "name": self.name}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.model_path, self.name = state["model_path"], state["name"]
        self._local = threading.local()

    def setup(self, worker: Worker | None = None) -> None:
        """Load the model once to prove this worker can (raises ModelMissingError or UserError otherwise).

        MediaPipe's native libraries and the model file stay loaded (in memory and the page cache) for
        the tasks; OpenCV is kept to one thread per process, as the processes already use every core.
        """
        cv2.setNumThreads(1)
        path = Path(self.model_path)
        if not path.is_file():
            where = f" on worker {worker.address}" if worker is not None else ""
            raise PoseBridgeError(
                f"the model {path} does not exist{where}: on a cluster, put the model cache on a shared "
                "filesystem or pass --model PATH.task on one"
            )
        Estimator(EstimatorOptions(model=self.model_path, static_image_mode=True), model_path=path).close()

    def estimator(self, options: EstimatorOptions) -> Estimator:
        """This thread's loaded estimator for IMAGE-mode ``options`` (created on first use, then reused).

        Only for ``static_image_mode``: a VIDEO-mode estimator carries tracking state (see the module).
        """
        if not options.static_image_mode:
            raise ValueError("only IMAGE-mode (static_image_mode) estimators can be shared between tasks")
        cache: dict[EstimatorOptions, Estimator] | None = getattr(self._local, "estimators", None)
        if cache is None:
            cache = self._local.estimators = {}
        est = cache.get(options)
        if est is None:
            est = cache[options] = Estimator(options, model_path=Path(self.model_path))
        return est


class LocalWorkerPlugin(WorkerPlugin):
    """For the workers of our own local cluster only: ignore SIGINT.

    Ctrl-C in a terminal reaches every process of the foreground group, the local workers included; the
    client stops their tasks itself (:func:`stop_run`) and then closes them, so a worker interrupted on
    its own would only print a traceback. Never registered on a cluster the user runs (``--scheduler``),
    whose workers keep their own Ctrl-C.
    """

    idempotent = True
    name = "pose-bridge-local-worker"

    def setup(self, worker: Worker | None = None) -> None:
        if threading.current_thread() is threading.main_thread():  # the worker's event loop runs there
            signal.signal(signal.SIGINT, signal.SIG_IGN)


_FALLBACK: dict[str, ModelPlugin] = {}


def model_plugin(model_path: str) -> ModelPlugin:
    """The plugin of this worker for ``model_path`` (outside a worker: one per process)."""
    name = ModelPlugin.name_for(model_path)
    worker = _current_worker()
    if worker is not None:
        plugin = worker.plugins.get(name)
        if isinstance(plugin, ModelPlugin):
            return plugin
    if name not in _FALLBACK:
        _FALLBACK[name] = ModelPlugin(model_path)
    return _FALLBACK[name]


class Reporter:
    """Publishes one task attempt's progress (frames done of ``total``) and checks the stop flag.

    Call it after every frame; it sends an event at most every ``interval`` seconds (and always when
    ``force``). Outside a Dask worker it only checks the stop flag.
    """

    def __init__(self, run_id: str, key: str, interval: float) -> None:
        self.run_id, self.key, self.interval = run_id, key, interval
        self.attempt = uuid.uuid4().hex[:12]
        self.started = time.time()
        self.worker = _current_worker()
        self.frames = 0
        self.total: int | None = None
        self._sent = 0.0

    def __call__(self, frames: int, total: int | None = None, *, force: bool = False) -> None:
        check_stopped(self.run_id)
        self.frames = frames
        if total is not None:
            self.total = total
        now = time.monotonic()
        if self.worker is not None and (force or now - self._sent >= self.interval):
            self._sent = now
            self.worker.log_event(
                PROGRESS_TOPIC,
                {
                    "run": self.run_id,
                    "key": self.key,
                    "attempt": self.attempt,
                    "started": self.started,
                    "frames": self.frames,
                    "total": self.total,
                    "pid": os.getpid(),
                },
            )


def _where() -> tuple[str, int]:
    worker = _current_worker()
    return (worker.address if worker is not None else "local", os.getpid())


# --------------------------------------------------------------------------------------------- extract


@dataclass(frozen=True)
class ExtractSettings:
    """What every extraction task of a run shares (everything but the input and output)."""

    run_id: str
    #: ``txt``, ``jsonl``, ``csv`` or ``bvh`` (resolved by the client).
    fmt: str
    #: ``world``, ``image``, ``both`` or ``None`` (see :func:`bridge.formats.writers.writer_for`).
    coords: str | None
    #: BlazePose settings, ``model`` = the resolved bundle path.
    options: EstimatorOptions
    #: One Euro parameters ``(min_cutoff, beta, d_cutoff)``, or ``None`` without ``--smooth``.
    smoothing: tuple[float, float, float] | None = None
    angles: bool = False
    #: The humanoid solver's settings (``--grounded``, ``--root-motion``, ``--avatar-smooth``), or ``None``: a BVH
    #: file is then solved in place. Each task builds its solver once its video's image size is known.
    avatar: AvatarSettings | None = None
    #: Seconds between two progress events of a task.
    progress_interval: float = 0.5

    def transforms(self) -> list[Transform]:
        """Fresh frame transforms for one video (a smoother keeps history: one per video)."""
        smoother = None if self.smoothing is None else PoseSmoother(*self.smoothing)
        return frame_transforms(smoother, angles=self.angles)  # the solver comes last, from ``avatar``


@dataclass(frozen=True)
class FileResult:
    """What one extraction task did."""

    input: str
    output: str
    frames: int
    #: Frames with a person detected.
    detected: int
    #: Seconds inside the task (model load, decoding, inference, writing).
    seconds: float
    worker: str
    pid: int


def extract_task(settings: ExtractSettings, video: str, output: str, key: str) -> FileResult | InputFailed | Stopped:
    """Extract ``video`` into ``output`` (atomically); the Dask task of ``pose-bridge extract``.

    Frames are written with ``captured_ns`` 0 (no wall clock), so the same video and settings always give
    the same bytes, whichever worker runs it and however many there are. The parent folder is created.
    Returns :class:`InputFailed` for a missing or undecodable video or an unwritable output (any
    :class:`~bridge.errors.UserError`: the temporary file is removed, no output appears), and
    :class:`Stopped` when the run was stopped.
    """
    started = time.perf_counter()
    out = Path(output)
    try:
        check_stopped(settings.run_id)
        out.parent.mkdir(parents=True, exist_ok=True)
        return _extract(settings, video, out, key, started)
    except Stopped as exc:
        return exc  # returned, not raised: an abandoned run is no error of the worker's to log
    except UserError as exc:
        return InputFailed(" ".join(str(exc).split()) or type(exc).__name__)
    except OSError as exc:  # the output folder or file cannot be written
        return InputFailed(f"cannot write {out}: {exc.strerror or exc}")


def _extract(settings: ExtractSettings, video: str, out: Path, key: str, started: float) -> FileResult:
    report = Reporter(settings.run_id, key, settings.progress_interval)
    tmp = temp_path(out)
    detected = 0

    def on_frame(frame: PoseFrame, total: int | None) -> None:
        nonlocal detected
        detected += frame.detected
        report(report.frames + 1, total)

    try:
        frames = extract_to_file(
            video,
            tmp,
            settings.fmt,
            settings.coords,
            settings.options,
            transforms=settings.transforms(),
            angles=ANGLE_NAMES if settings.angles else (),
            avatar=settings.avatar,
            wall_clock=False,
            on_frame=on_frame,
        )
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    report(frames, frames, force=True)
    worker, pid = _where()
    return FileResult(video, str(out), frames, detected, time.perf_counter() - started, worker, pid)


# ----------------------------------------------------------------------------------------------- study


@dataclass(frozen=True)
class StudySettings:
    """What every study task of a run shares."""

    run_id: str
    joint_map: JointMap
    #: BlazePose settings for whole videos (VIDEO mode), ``model`` = the resolved bundle path (or the
    #: name when no configuration has a video: then no model is loaded).
    options: EstimatorOptions
    progress_interval: float = 0.5


@dataclass(frozen=True)
class StudyUnit:
    """Manifest rows evaluated by one task: they share one prediction source.

    ``kind``: ``video`` (a whole video in VIDEO mode, tracking), ``frames`` (the single-video mode:
    only the rows' frames, each detected anew in IMAGE mode), ``recording`` (a prediction file).
    """

    key: str
    kind: str
    configs: tuple[Configuration, ...]

    @property
    def source(self) -> str:
        c = self.configs[0]
        return str(c.video if c.video is not None else c.prediction)

    @property
    def frames_needed(self) -> list[int]:
        """The frames a ``frames`` unit runs BlazePose on, sorted."""
        return sorted({c.frame for c in self.configs if c.frame is not None})


@dataclass
class UnitResult:
    """What a study task returns: the rows (in the unit's order) and what the figures need."""

    key: str
    rows: list[StudyRow]
    joints: tuple[str, ...] = ()
    summary: tuple[str, ...] = ()
    landmarks: tuple[int, ...] = ()
    skeleton: Any = None
    #: BlazePose frames run (0 for recordings).
    frames: int = 0
    seconds: float = 0.0
    worker: str = ""
    pid: int = 0
    #: Rows that failed, as (manifest line, message), for the client's warnings.
    failures: list[tuple[int, str]] = field(default_factory=list)


def study_task(settings: StudySettings, unit: StudyUnit) -> UnitResult | Stopped:
    """Evaluate ``unit``'s rows: :func:`~bridge.evaluation.study.run_study` on the worker, over one source.

    A row whose files cannot be loaded is a failed row (as in a one-process study); any other
    :class:`~bridge.errors.UserError` propagates (it would fail every row: the client stops the study).
    Returns :class:`Stopped` when the run was stopped.
    """
    try:
        return _study(settings, unit)
    except Stopped as exc:
        return exc  # returned, not raised (see extract_task)


def _study(settings: StudySettings, unit: StudyUnit) -> UnitResult:
    check_stopped(settings.run_id)
    started = time.perf_counter()
    report = Reporter(settings.run_id, unit.key, settings.progress_interval)
    ran = 0

    def load(config: Configuration) -> Sequence[PoseFrame]:
        nonlocal ran
        if unit.kind == "recording":
            assert config.prediction is not None
            return list(iter_poses(config.prediction))
        assert config.video is not None
        if unit.kind == "frames":
            options = dataclasses.replace(settings.options, static_image_mode=True)
            estimator = model_plugin(settings.options.model).estimator(options)
            needed = unit.frames_needed
            report(0, len(needed), force=True)

            def counted(i: int) -> None:
                report(i, len(needed))

            frames = extract_video_frames(config.video, needed, estimator, on_frame=counted)
            ran += len(needed)
            return frames
        frames = []
        with VideoPipeline(str(config.video), settings.options) as video:
            total = video.info.frames  # the count the container announces (progress only), None when unknown
            for frame in video.frames():
                frames.append(frame)
                report(len(frames), total)
        ran += len(frames)
        return frames

    study = run_study(list(unit.configs), settings.joint_map, load, read_truth, progress=False, log_failures=False)
    worker, pid = _where()
    failures = [(c.line, r.error) for c, r in zip(unit.configs, study.rows, strict=True) if r.error]
    return UnitResult(
        key=unit.key,
        rows=study.rows,
        joints=study.joints,
        summary=study.summary,
        landmarks=study.landmarks,
        skeleton=study.skeleton,
        frames=ran,
        seconds=time.perf_counter() - started,
        worker=worker,
        pid=pid,
        failures=failures,
    )
