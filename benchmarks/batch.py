"""Benchmark of batch extraction on Dask: 8 clips on 1 and on 2 worker processes, and what each file costs.

    python benchmarks/batch.py              # full run (a few minutes), updates docs/benchmarks.md
    python benchmarks/batch.py --quick      # shorter clips, one round, for a smoke test
    python benchmarks/batch.py --no-write   # print only

1. Speed-up: `extract_batch` (what `pose-bridge extract CLIPS -o DIR` runs) over 8 clips of real people
   (30 fps MJPG made from Debian's opencv-doc photos, 548×342 and 640×480, slight camera motion) on a
   local cluster of 1 and of 2 worker processes (one thread each, TCP on 127.0.0.1), alternating,
   best of N rounds each. Target on a 2-core machine: >= 1.7. Outputs of both are compared byte for byte.
2. Costs per file, from the same runs: the time inside the tasks (open, fresh landmarker, decode +
   inference + write, rename) against the wall time, i.e. what scheduling adds per file; the fixed
   cost of a task (a 1-frame clip); Dask's own round trip for an empty task; the cluster start-up.

Everything stays on this machine (scheduler and workers on 127.0.0.1, no dashboard, no downloads).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# Network rule: no download may leave the machine (the model is already in the cache, or built offline).
os.environ["POSE_BRIDGE_MODEL_URL"] = "http://127.0.0.1:9/{name}.task"

from benchmarks._report import machine, write_section  # noqa: E402
from bridge.batch import ExtractReport, ExtractSettings, Job, extract_batch, new_run_id, open_client  # noqa: E402
from bridge.pose.engine import EstimatorOptions  # noqa: E402
from bridge.pose.models import resolve_model  # noqa: E402
from tests.media import make_video, media_dir  # noqa: E402

PHOTOS = ("basketball1.png", "messi5.jpg", "basketball2.png")


def _noop(i: int) -> int:
    return i


def _process_cpu() -> float:
    """CPU seconds (user + system, all threads) this process has used."""
    import resource

    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _max_rss_mb() -> float:
    """Peak resident memory of this process, MB (Linux reports ru_maxrss in kB)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def machine_busy() -> float:
    """CPU seconds the whole machine has been busy (all processes, all cores), from /proc/stat."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """CPU used during a run: by this run (workers + this process: client and scheduler) and by everything else."""

    def __init__(self, client: object) -> None:
        self.client = client
        self.ours = self.machine = 0.0

    def _ours(self) -> float:
        return sum(self.client.run(_process_cpu).values()) + _process_cpu()  # type: ignore[attr-defined]

    def __enter__(self) -> CpuMeter:
        self._start = (self._ours(), machine_busy())
        return self

    def __exit__(self, *exc: object) -> None:
        ours, machine = self._ours(), machine_busy()
        self.ours, self.machine = ours - self._start[0], machine - self._start[1]

    @property
    def others(self) -> float:
        return max(0.0, self.machine - self.ours)


def make_clips(work: Path, frames: int, count: int = 8) -> list[Path]:
    media = media_dir()
    return [
        make_video(media / PHOTOS[i % 3], work / "clips" / f"clip{i}.avi", frames=frames, seed=i, motion=3.0 + i % 4)
        for i in range(count)
    ]


def run(client: object, clips: list[Path], out: Path, model: str) -> tuple[float, ExtractReport]:
    settings = ExtractSettings(run_id=new_run_id(), fmt="jsonl", coords=None, options=EstimatorOptions(model=model))
    jobs = [Job(str(c), out / f"{c.stem}.jsonl") for c in clips]
    started = time.perf_counter()
    report = extract_batch(client, jobs, settings)  # type: ignore[arg-type]
    wall = time.perf_counter() - started
    if report.failed:
        raise RuntimeError(f"failed: {report.failed}")
    return wall, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="30-frame clips, one round")
    parser.add_argument("--no-write", action="store_true", help="print only; do not update docs/benchmarks.md")
    args = parser.parse_args()
    frames = 30 if args.quick else 120
    rounds = 1 if args.quick else 3
    model = str(resolve_model("full", download=False))
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        clips = make_clips(work, frames)
        one_frame = make_clips(work / "one", 1, count=2)
        results: dict[int, list[tuple[float, ExtractReport, CpuMeter]]] = {1: [], 2: []}
        startup: dict[int, list[float]] = {1: [], 2: []}
        fixed: list[float] = []
        noop_ms: list[float] = []
        rss: list[float] = []
        outputs: dict[int, dict[str, bytes]] = {}
        for r in range(rounds):
            for workers in (1, 2):
                started = time.perf_counter()
                with open_client(workers=workers) as client:
                    startup[workers].append(time.perf_counter() - started)
                    # Warm-up: the model plugin loads MediaPipe and the model on every worker once, and the
                    # first task imports what extraction needs.
                    run(client, one_frame[:workers], work / "warm", model)
                    if workers == 1:
                        for _ in range(3):
                            _, one = run(client, one_frame[:1], work / "fixed", model)
                            fixed.append(next(iter(one.results.values())).seconds)
                        futures = [client.submit(_noop, i, pure=False) for i in range(200)]
                        t0 = time.perf_counter()
                        client.gather(futures)
                        noop_ms.append((time.perf_counter() - t0) / 200 * 1000)
                    out = work / f"out{workers}-{r}"
                    with CpuMeter(client) as cpu:
                        wall, report = run(client, clips, out, model)
                    results[workers].append((wall, report, cpu))
                    rss.extend(client.run(_max_rss_mb).values())
                    outputs[workers] = {p.name: p.read_bytes() for p in sorted(out.iterdir())}
                print(
                    f"round {r + 1}: {workers} worker(s): {wall:.2f} s, ours {cpu.ours:.1f} CPU s, "
                    f"others {cpu.others:.1f} CPU s",
                    flush=True,
                )
    identical = outputs[1] == outputs[2]
    best = {w: min(results[w], key=lambda t: t[0]) for w in (1, 2)}
    n_frames = best[1][1].frames
    speedup = best[1][0] / best[2][0]
    lines = [
        "## Batch extraction on Dask (`benchmarks/batch.py`)",
        "",
        f"Machine: {machine()}. Shared with three other engineers' builds and tests while it ran: wall times are "
        "noisy, the best of each is kept.",
        "",
        f"`python benchmarks/batch.py` — `extract_batch` (what `pose-bridge extract CLIPS -o DIR` runs) over 8 clips "
        f"of {frames} frames ({n_frames} frames; real people, 548×342 and 640×480, BlazePose full, VIDEO mode, "
        "JSONL) on a local Dask cluster of worker processes (one thread each, TCP on 127.0.0.1); 1 and 2 workers "
        f"alternate, best of {rounds} rounds each, after a warm-up task (model loaded on every worker).",
        "",
        "| workers | wall s (best) | all rounds s | frames/s | speed-up | our CPU s | our CPU ms/frame | "
        "other programs' CPU s during the run |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for w in (1, 2):
        walls = ", ".join(f"{t[0]:.2f}" for t in results[w])
        fps = n_frames / best[w][0]
        ratio = "1.00" if w == 1 else f"**{speedup:.2f}**"
        cpu = best[w][2]
        lines.append(
            f"| {w} | {best[w][0]:.2f} | {walls} | {fps:.1f} | {ratio} | {cpu.ours:.1f} | "
            f"{cpu.ours / n_frames * 1000:.1f} | {cpu.others:.1f} |"
        )
    in_tasks = {w: sum(r.seconds for r in best[w][1].results.values()) for w in (1, 2)}
    per_file = {w: (best[w][0] * w - in_tasks[w]) / len(best[w][1].results) for w in (1, 2)}
    per_frame_ms = in_tasks[1] / n_frames * 1000
    cores = os.cpu_count() or 1
    free2 = cores * best[2][0] - best[2][2].others  # CPU seconds the 2-worker run could have had
    lines += [
        "",
        f"Target: speed-up >= 1.7 on 2 cores. Outputs of 1 and 2 workers byte-identical: **{identical}**.",
        f"CPU: the run uses {best[1][2].ours / best[1][0]:.2f} cores with 1 worker (a BlazePose process decodes on a "
        f"second thread) and {best[2][2].ours / best[2][0]:.2f} with 2; during the best 2-worker run other programs "
        f"used {best[2][2].others:.1f} CPU s, leaving {free2:.1f} of the {cores * best[2][0]:.1f} CPU s the "
        "machine had (CPU seconds from /proc/stat and getrusage of every worker and of this process).",
        f"Projection, not a measurement: with both cores free for the 2 workers, frames/s would be "
        f"{cores} / {best[2][2].ours / n_frames * 1000:.1f} ms of CPU per frame = "
        f"{cores / (best[2][2].ours / n_frames):.1f}, a speed-up of "
        f"**{cores / (best[2][2].ours / n_frames) / (n_frames / best[1][0]):.2f}** over the 1-worker run measured.",
        "",
        "**What a file costs** (from the best runs above):",
        "",
        "| cost | measured |",
        "|---|---:|",
        f"| time inside the tasks, 1 worker (sum over the 8 files) | {in_tasks[1]:.2f} s "
        f"({per_frame_ms:.1f} ms per frame, all included) |",
        f"| scheduling overhead per file, 1 worker: (wall − time in tasks) / files | {per_file[1] * 1000:.0f} ms |",
        f"| the same with 2 workers: (2 × wall − time in tasks) / files (includes the tail: one worker idle "
        f"while the other finishes) | {per_file[2] * 1000:.0f} ms |",
        f"| fixed cost of a task: a 1-frame clip (open, fresh landmarker, first frame, write, rename) | "
        f"{statistics.median(fixed) * 1000:.0f} ms |",
        f"| Dask's round trip for an empty task (200 tasks, 1 worker) | {statistics.median(noop_ms):.1f} ms |",
        f"| local cluster start-up, 1 / 2 workers (processes, before the model loads) | "
        f"{statistics.median(startup[1]):.1f} / {statistics.median(startup[2]):.1f} s |",
    ]
    c0 = statistics.median(fixed)
    cp = (in_tasks[1] - len(clips) * c0) / n_frames  # seconds per frame once a task runs
    per_task = statistics.median(noop_ms) / 1000
    video = c0 + 300 * cp  # a 10 s clip at 30 fps
    lines += [
        f"| peak memory of a worker process (BlazePose full, 640×480) | {max(rss):.0f} MB |",
        "",
        "**Scaling beyond this machine** (argued from the costs above, not measured: this machine has 2 cores and no "
        "cluster). A file costs a worker about c0 + n·cp: c0 = "
        f"{c0:.2f} s to start (open, fresh landmarker, first frame) and cp = {cp * 1000:.1f} ms per frame; Dask adds "
        f"about {per_task * 1000:.0f} ms per task, and its scheduler handles thousands of tasks per second. With W "
        "workers and F files the wall time is about F·(c0 + n·cp)/W, plus a tail of at most one file (the last files "
        "finish while other workers idle) and the start-up (local cluster: under a second; dask-jobqueue: the batch "
        f"queue). The thesis' 750 configurations as 10 s clips (300 frames) cost {video:.1f} s each, "
        f"{750 * video / 3600:.1f} CPU hours in all: on a 16-core machine about "
        f"{750 * video / 16 / 60:.0f} min, on 80 cluster workers about {750 * video / 80 / 60:.1f} min + one clip's "
        f"{video:.0f} s tail. The scheduler is never the limit at this size ({per_task * 1000:.0f} ms of "
        f"scheduling per {video:.0f} s task, < 0.1 %); what limits first on a cluster is the shared filesystem "
        "(each worker reads one video at about the speed it is decoded: a few MB/s for compressed 640×480 to "
        "tens of MB/s for image sequences) and memory (one BlazePose process per core, at the peak above). Cores "
        "scale as they did here only while each worker really has its core: on a shared machine, other programs' "
        "CPU comes off the speed-up (measured above).",
    ]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        print(f"written to {write_section('batch', text)}")


if __name__ == "__main__":
    main()
