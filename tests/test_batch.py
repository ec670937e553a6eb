"""Batch extraction on a real Dask cluster: a ``distributed.LocalCluster`` of worker processes over TCP on 127.0.0.1,
real BlazePose on short clips of real photos.

- two workers write the same bytes as one, and the same landmarks as the one-process pipeline;
- a worker process killed (SIGKILL) in the middle of a file: the file runs again elsewhere, the run completes;
- a corrupt input fails alone and is listed; the CLI exits 1;
- Ctrl-C (SIGINT to the whole process group, as a terminal sends it) leaves complete outputs only;
- ``--resume`` skips complete outputs and redoes a cut one; ``--scheduler`` runs on an existing cluster.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bridge.batch import ExtractSettings, Job, extract_batch, new_run_id, open_client
from bridge.extract import iter_frames
from bridge.formats import open_reader
from bridge.pose.engine import EstimatorOptions
from tests.media import make_video, scaled_timeout

T = scaled_timeout
pytestmark = pytest.mark.blazepose

#: (photo, frames) of the clips: short, so that the suite stays fast on 2 cores.
CLIPS = (("messi5.jpg", 12), ("basketball1.png", 16), ("basketball2.png", 10), ("messi5.jpg", 14))
CORRUPT = b"RIFF\x00\x00\x00\x00AVI garbage" + bytes(range(256)) * 8


@pytest.fixture(scope="module")
def clips(media: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("clips")
    return [
        make_video(media / photo, folder / f"clip{i}.avi", frames=n, seed=i, motion=3.0 + i)
        for i, (photo, n) in enumerate(CLIPS)
    ]


@pytest.fixture(scope="module")
def corrupt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("corrupt") / "corrupt.avi"
    path.write_bytes(CORRUPT)
    return path


def settings(pose_model: Path, **kw: Any) -> ExtractSettings:
    return ExtractSettings(
        run_id=new_run_id(), fmt="jsonl", coords=None, options=EstimatorOptions(model=str(pose_model)), **kw
    )


def jobs_for(videos: list[Path], out: Path, fmt: str = "jsonl") -> list[Job]:
    return [Job(str(v), out / f"{v.stem}.{fmt}") for v in videos]


def _loopback_only(client: Any) -> None:
    info = client.scheduler_info()
    addresses = [info["address"], *info["workers"]]
    assert all(a.startswith("tcp://127.0.0.1:") for a in addresses), addresses


@pytest.fixture(scope="module")
def client2() -> Iterator[Any]:
    """A local cluster of 2 worker processes (the default kind: what the CLI starts)."""
    with open_client(workers=2) as client:
        _loopback_only(client)
        assert len(client.nthreads()) == 2 and set(client.nthreads().values()) == {1}
        yield client


@pytest.fixture(scope="module")
def reference(clips: list[Path], pose_model: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """Each clip's JSONL from a one-worker cluster (file name -> bytes)."""
    out = tmp_path_factory.mktemp("one-worker")
    with open_client(workers=1) as client:
        _loopback_only(client)
        report = extract_batch(client, jobs_for(clips, out), settings(pose_model))
    assert not report.failed and len(report.results) == len(clips)
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def _outputs(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_one_worker_writes_what_the_one_process_pipeline_gives(clips: list[Path], reference: dict[str, bytes]) -> None:
    """The batch path is the extraction pipeline: same frames, every field, captured_ns 0 (no wall clock)."""
    assert sorted(reference) == [f"clip{i}.jsonl" for i in range(len(CLIPS))]
    for clip, (_, n) in zip(clips, CLIPS, strict=True):
        path = clip.parent / "_check.jsonl"
        path.write_bytes(reference[f"{clip.stem}.jsonl"])
        got = list(open_reader(path))
        want = [f.replace(captured_ns=0) for f in iter_frames(clip)]
        assert len(got) == n and got == want
        assert sum(f.detected for f in got) >= n - 1  # a real person in every clip


def test_two_workers_write_the_same_bytes_as_one(
    client2: Any, clips: list[Path], pose_model: Path, reference: dict[str, bytes], tmp_path: Path
) -> None:
    report = extract_batch(client2, jobs_for(clips, tmp_path), settings(pose_model))
    assert not report.failed and report.workers == 2
    assert _outputs(tmp_path) == reference
    assert len({r.pid for r in report.results.values()}) == 2  # both worker processes took files
    assert report.frames == sum(n for _, n in CLIPS)


def test_a_worker_killed_mid_file_has_its_file_run_again(
    client2: Any, clips: list[Path], pose_model: Path, reference: dict[str, bytes], tmp_path: Path
) -> None:
    killed: dict[str, Any] = {}

    def on_event(message: dict[str, Any]) -> None:  # the client's event-loop thread, as the worker reports
        if not killed and message["total"] and 2 <= message["frames"] < message["total"]:
            killed.update(message)
            os.kill(message["pid"], signal.SIGKILL)

    before = set(client2.run(os.getpid).values())
    jobs = jobs_for(clips, tmp_path)
    report = extract_batch(client2, jobs, settings(pose_model, progress_interval=0.0), on_event=on_event)
    assert killed, "no worker was killed"
    assert killed["pid"] in before
    assert not report.failed and _outputs(tmp_path) == reference
    # The file the killed worker was on was done again, from its first frame, by another process.
    victim = jobs[int(killed["key"].rsplit("-", 1)[1])]
    assert report.results[victim.output].pid != killed["pid"]
    assert all(r.pid != killed["pid"] for r in report.results.values())
    assert not list(tmp_path.glob(".*.part"))  # the dead attempt's temporary file was removed
    deadline = time.monotonic() + T(30)
    while time.monotonic() < deadline:  # the nanny started a new worker process in its place
        pids = set(client2.run(os.getpid).values())
        if len(pids) == 2 and killed["pid"] not in pids:
            break
        time.sleep(0.2)
    assert len(pids) == 2 and killed["pid"] not in pids


def test_a_corrupt_input_fails_alone(
    client2: Any, clips: list[Path], corrupt: Path, pose_model: Path, reference: dict[str, bytes], tmp_path: Path
) -> None:
    jobs = jobs_for([clips[0], corrupt, *clips[1:]], tmp_path)
    report = extract_batch(client2, jobs, settings(pose_model))
    assert [(job.input, message) for job, message in report.failed] == [
        (str(corrupt), f"{corrupt} is not a video OpenCV can read (no frame could be decoded)")
    ]
    assert len(report.results) == len(clips)
    assert _outputs(tmp_path) == reference  # no corrupt.jsonl, no temporary file


# --- the command ---------------------------------------------------------------------------------------------------


def _cli(*args: str, **kw: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bridge", *args], capture_output=True, text=True, timeout=T(300), **kw)


def test_cli_folder_of_inputs_with_a_corrupt_one(
    clips: list[Path], corrupt: Path, reference: dict[str, bytes], tmp_path: Path
) -> None:
    data = tmp_path / "data"
    shutil.copytree(clips[0].parent, data)
    (data / "_check.jsonl").unlink(missing_ok=True)
    shutil.copy(corrupt, data / "zz_corrupt.avi")
    out = tmp_path / "out"
    done = _cli("extract", str(data), "-o", str(out), "--workers", "2")
    assert done.returncode == 1, done.stderr
    assert _outputs(out) == reference
    # One overall bar: files done, frames, rate and ETA.
    assert re.search(r"extract 5/5 files: 100%\|[^|]*\| 52/52 \[[^\]<]+<[^\]]+frame/s\]", done.stderr), done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["input", "frames", "detected", "seconds", "frames/s", "result"]
    rows = {line.split()[0].rsplit("/", 1)[-1]: line for line in lines[1:-1]}
    for i, (_, n) in enumerate(CLIPS):
        cells = rows[f"clip{i}.avi"].split()
        assert cells[1] == str(n) and cells[-1] == str(out / f"clip{i}.jsonl")
    assert "FAILED: " in rows["zz_corrupt.avi"] and "is not a video OpenCV can read" in rows["zz_corrupt.avi"]
    assert re.fullmatch(
        r"5 inputs: 4 extracted, 1 failed; 52 frames in [\d.]+ s \([\d.]+ frames/s\) on 2 workers", lines[-1]
    )
    assert (
        done.stderr.strip()
        .splitlines()[-1]
        .startswith(f"pose-bridge: 1 of 5 inputs failed: {data / 'zz_corrupt.avi'} (")
    )


def test_cli_resume_skips_complete_outputs_and_redoes_a_cut_one(
    clips: list[Path], reference: dict[str, bytes], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "clip0.jsonl").write_bytes(reference["clip0.jsonl"])
    os.utime(out / "clip0.jsonl", (1_000_000_000, 1_000_000_000))
    cut = reference["clip1.jsonl"]
    (out / "clip1.jsonl").write_bytes(cut[: len(cut) // 2])  # e.g. from an older, non-atomic writer
    (out / ".clip3.jsonl.0123456789ab.part").write_bytes(b"left by a killed run")
    done = _cli("extract", *map(str, clips), "-o", str(out), "--resume", "--workers", "2", "--no-progress")
    assert done.returncode == 0, done.stderr
    assert _outputs(out) == reference and not list(out.glob(".*"))
    assert (out / "clip0.jsonl").stat().st_mtime == 1_000_000_000  # not touched
    assert re.search(r"clip0\.avi .* skipped: .*clip0\.jsonl is complete", done.stdout)
    assert done.stdout.splitlines()[-1].startswith("4 inputs: 3 extracted, 1 skipped; 40 frames in")

    again = _cli("extract", *map(str, clips), "-o", str(out), "--resume", "--no-progress")
    assert again.returncode == 0 and again.stdout.splitlines()[-1] == "4 inputs: 0 extracted, 4 skipped"


def test_cli_on_an_existing_scheduler(
    client2: Any, clips: list[Path], reference: dict[str, bytes], tmp_path: Path
) -> None:
    """Relative paths from another working directory than the workers' (they get absolute ones)."""
    address = client2.scheduler.address
    (tmp_path / "in").mkdir()
    for i in (0, 2):
        shutil.copy(clips[i], tmp_path / "in" / clips[i].name)
    args = ("extract", "in/clip0.avi", "in/clip2.avi", "-o", "out", "--scheduler", address, "--no-progress")
    done = _cli(*args, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert _outputs(tmp_path / "out") == {k: reference[k] for k in ("clip0.jsonl", "clip2.jsonl")}
    assert done.stdout.splitlines()[1].split()[-1] == "out/clip0.jsonl"
    assert done.stdout.splitlines()[-1].endswith("on 2 workers")


def interrupt_group(args: list[str], ready: Callable[[], bool], what: str) -> tuple[int, str]:
    """Run ``python -m bridge ARGS`` in its own session, wait for ``ready()``, then SIGINT the whole process group
    (as a terminal's Ctrl-C does: the local workers get it too); its exit status and stderr."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "bridge", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + T(180)
        while not ready():
            if time.monotonic() > deadline or proc.poll() is not None:
                pytest.fail(f"{what} never happened")
            time.sleep(0.05)
        os.killpg(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=T(60))
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
    return proc.returncode, err


def test_ctrl_c_stops_the_workers_and_leaves_complete_outputs_only(
    media: Path, clips: list[Path], reference: dict[str, bytes], tmp_path: Path
) -> None:
    """Ctrl-C while a long video is half done and some clips are complete."""
    out = tmp_path / "out"
    long_video = media / "vtest.avi"  # 795 frames: still running when the clips are done

    def ready() -> bool:
        names = [p.name for p in out.iterdir()] if out.is_dir() else []
        return any(n.startswith(".vtest.jsonl.") for n in names) and sum(n.startswith("clip") for n in names) >= 2

    args = ["extract", str(long_video), *map(str, clips), "-o", str(out), "--workers", "2"]
    returncode, err = interrupt_group(args, ready, "the long video running beside 2 finished clips")
    assert returncode == 130, err
    assert "Traceback" not in err, err
    left = _outputs(out)
    assert 2 <= len(left) < 5 and "vtest.jsonl" not in left and not list(out.glob(".*"))
    assert all(left[name] == reference[name] for name in left)  # what is there is complete
    assert re.search(rf"interrupted; {re.escape(str(out))} holds {len(left)} complete outputs of 5 \(no partial", err)


def test_workers_that_cannot_load_the_model_are_reported_before_any_work(clips: list[Path], tmp_path: Path) -> None:
    """The model plugin loads the model on every worker when it is registered; a worker that cannot is a user error."""
    from bridge.errors import UserError

    bogus = tmp_path / "elsewhere" / "pose_landmarker_full.task"  # what a worker without the shared cache sees
    with open_client(workers=1) as client:
        s = ExtractSettings(run_id=new_run_id(), fmt="jsonl", coords=None, options=EstimatorOptions(model=str(bogus)))
        with pytest.raises(
            UserError, match=r"a Dask worker cannot run BlazePose: the model .* does not exist on worker"
        ):
            extract_batch(client, jobs_for(clips[:1], tmp_path / "out"), s)
    assert not (tmp_path / "out").exists()


def test_a_video_whose_worker_keeps_dying_fails_alone(
    clips: list[Path], pose_model: Path, reference: dict[str, bytes], tmp_path: Path
) -> None:
    """After ``allowed-failures`` deaths (0 here: the first) the scheduler gives up on a task: that input fails with
    its own message; the videos waiting (on the scheduler: one task per worker thread at a time) are not blamed and
    are extracted by the restarted worker."""
    import dask

    killed: list[int] = []

    def on_event(message: dict[str, Any]) -> None:
        if not killed and message["frames"] >= 2:
            killed.append(message["pid"])
            os.kill(message["pid"], signal.SIGKILL)

    with dask.config.set({"distributed.scheduler.allowed-failures": 0}), open_client(workers=1) as client:
        jobs = jobs_for(clips, tmp_path)  # more tasks than 2 x threads: Dask queues them on the scheduler
        report = extract_batch(client, jobs, settings(pose_model, progress_interval=0.0), on_event=on_event)
    assert killed and len(report.failed) == 1
    job, message = report.failed[0]
    assert message == "the worker process running it died 1 times (out of memory? a crash in MediaPipe?)"
    assert _outputs(tmp_path) == {j.output.name: reference[j.output.name] for j in jobs if j != job}
