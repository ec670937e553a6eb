"""Benchmark of replaying recordings: `--speed max` throughput per format, and peak memory vs file size.

    python benchmarks/replay.py            # full run (minutes; ~1 GB of temporary files), updates docs/benchmarks.md
    python benchmarks/replay.py --quick    # smaller files, for a smoke test (does not touch the docs)

1. Throughput: frames/s that `pose-bridge serve FILE --speed max` parses, encodes (msgpack) and sends to one
   WebSocket client that keeps up (and so receives every frame), from the first frame to `end`. The server is
   the real CLI in its own process; the client runs in this process and only counts messages (it checks the
   total). Also shown: the reader alone (parse only, in this process). Target: >= 20,000 frames/s for txt.
2. Memory: peak resident memory (VmHWM) of the server process replaying a 1,000-frame file and a
   100,000-frame file of each format at `--speed max`. Target: flat (ratio close to 1).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
from websockets.asyncio.client import connect  # noqa: E402

from benchmarks._report import ROOT, machine, write_section  # noqa: E402
from bridge import protocol as P  # noqa: E402
from bridge.formats import open_reader, open_writer  # noqa: E402
from bridge.frame import PoseFrame  # noqa: E402
from tests.cli_process import ServeProcess  # noqa: E402

FORMATS = ("txt", "jsonl", "csv")
#: Throughput runs per format: the best one is reported (others' load on a shared machine only slows a run down).
RUNS = 5


def make_file(path: Path, n: int) -> Path:
    """``n`` frames of random float32 landmarks (every 10th with nobody detected), written by the real writer."""
    rng = np.random.default_rng(0)
    blocks = [rng.normal(0, 0.5, (33, 5)).astype(np.float32) for _ in range(64)]
    images = [rng.random((33, 5)).astype(np.float32) for _ in range(64)]
    now = time.time_ns()
    with open_writer(path, fps=30.0) as w:
        for i in range(n):
            detected = i % 10 != 9
            image, world = (images[i % 64], blocks[i % 64]) if detected else (None, None)
            w.write(PoseFrame(i, i / 30.0, now + i, image, world))
    return path


def json_parser() -> str:
    from bridge.formats.base import json_loads

    if json_loads.__module__ == "orjson":
        from importlib import metadata

        return f"orjson {metadata.version('orjson')}"
    return "the standard library's json (orjson not installed)"


class WithoutOrjson:
    """Within this block, new Python processes cannot import orjson (the standard library's json is used)."""

    def __init__(self, tmp: Path) -> None:
        self.dir = tmp / "no-orjson"
        self.dir.mkdir(exist_ok=True)
        (self.dir / "orjson.py").write_text('raise ImportError("orjson disabled for the benchmark")\n')

    def __enter__(self) -> None:
        self._old = os.environ.get("PYTHONPATH")
        os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(self.dir), self._old) if p)

    def __exit__(self, *exc: object) -> None:
        if self._old is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = self._old


def parse_only_subprocess(path: Path) -> float:
    """:func:`parse_only` in a new process (which sees the current PYTHONPATH)."""
    code = f"from benchmarks.replay import parse_only; print(parse_only(__import__('pathlib').Path({str(path)!r})))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    return float(out.stdout.strip().splitlines()[-1])


def open_and_seek(path: Path) -> tuple[float, float, float]:
    """(ms to open the file as a replay source, median and max ms of 20 seeks to random positions)."""
    from bridge.sources.recording import RecordingSource

    start = time.perf_counter()
    source = RecordingSource(path)
    opened = (time.perf_counter() - start) * 1000
    total = source.info.frames or 0
    rng = np.random.default_rng(1)
    times = []
    for position in rng.integers(0, total, 20).tolist():
        start = time.perf_counter()
        frame = next(iter(source.reader.frames_from(position)))
        times.append((time.perf_counter() - start) * 1000)
        assert frame.seq == position
    return opened, statistics.median(times), max(times)


def parse_only(path: Path) -> float:
    reader = open_reader(path)
    start = time.perf_counter()
    n = sum(1 for _ in reader)
    return n / (time.perf_counter() - start)


class PeakMemory:
    """Polls /proc/PID/status for VmHWM (peak resident set) until stopped; keeps the last value read."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        try:
            for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    self.peak_kib = max(self.peak_kib, int(line.split()[1]))
        except (OSError, ValueError):
            pass

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self._read()

    def stop(self) -> float:
        self._read()
        self._stop.set()
        self._thread.join()
        return self.peak_kib / 1024


async def replay(path: Path, expected: int) -> tuple[float, float]:
    """(frames/s first frame -> end, peak server MiB) of `serve PATH --speed max` to one counting client."""
    server = await ServeProcess.start(str(path), "--speed", "max", "--wait-clients", "1")
    memory = PeakMemory(server.proc.pid)
    frames = 0
    first = last = 0.0
    try:
        async with connect(server.url, max_size=None) as ws:
            async for data in ws:
                if isinstance(data, bytes) and data[6:12] == b"\xa5frame":  # {"type": "frame", ...}
                    frames += 1
                    if frames == 1:
                        first = time.perf_counter()
                    continue
                msg = P.decode(data)
                if isinstance(msg, P.End):
                    last = time.perf_counter()
                    break
        peak = memory.stop()
        code, err = await server.wait(60)
    finally:
        await server.kill()
    if code != 0 or frames != expected:
        raise RuntimeError(f"{path.name}: exit {code}, {frames} of {expected} frames received\n{err[-2000:]}")
    return (frames - 1) / (last - first), peak


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small files; do not update docs/benchmarks.md")
    args = parser.parse_args(argv)
    n_speed = 3_000 if args.quick else 20_000
    small, big = (1_000, 10_000) if args.quick else (1_000, 100_000)

    rows_speed = []
    rows_mem = []
    seeks: list[tuple[str, int, float, float, float]] = []
    with tempfile.TemporaryDirectory(prefix="pose-bridge-replay-") as tmp:
        for fmt in FORMATS:
            path = make_file(Path(tmp) / f"speed.{fmt}", n_speed)
            mib = path.stat().st_size / 2**20
            parsed = max(parse_only(path) for _ in range(RUNS))
            runs = [asyncio.run(replay(path, n_speed))[0] for _ in range(RUNS)]
            sent, median = max(runs), statistics.median(runs)
            rows_speed.append((fmt, n_speed, mib, parsed, sent, median))
            print(f"{fmt:6} {n_speed} frames ({mib:.0f} MiB): parse {parsed:,.0f}/s, served {sent:,.0f}/s", end="")
            print(f" (median {median:,.0f}/s)")
            if fmt == "txt":
                with WithoutOrjson(Path(tmp)):
                    parsed = max(parse_only_subprocess(path) for _ in range(RUNS))
                    runs = [asyncio.run(replay(path, n_speed))[0] for _ in range(RUNS)]
                sent, median = max(runs), statistics.median(runs)
                rows_speed.append(("txt, without orjson", n_speed, mib, parsed, sent, median))
                print(f"txt without orjson: parse {parsed:,.0f}/s, served {sent:,.0f}/s (median {median:,.0f}/s)")
            path.unlink()
        for fmt in FORMATS:
            peaks = []
            for n in (small, big):
                path = make_file(Path(tmp) / f"mem{n}.{fmt}", n)
                _, peak = asyncio.run(replay(path, n))
                peaks.append((n, path.stat().st_size / 2**20, peak))
                if n == big:
                    seeks.append((fmt, n, *open_and_seek(path)))
                    print(f"{fmt:6} {n:>7} frames: open {seeks[-1][2]:.0f} ms, seek median {seeks[-1][3]:.1f} ms")
                print(f"{fmt:6} {n:>7} frames ({peaks[-1][1]:.0f} MiB file): peak server RSS {peak:.1f} MiB")
                path.unlink()
            rows_mem.append((fmt, peaks))

    txt_rate = next(r[4] for r in rows_speed if r[0] == "txt")
    txt_median = next(r[5] for r in rows_speed if r[0] == "txt")
    lines = [
        "## Replay (`benchmarks/replay.py`)",
        "",
        f"Machine: {machine()}.",
        "",
        "`pose-bridge serve FILE --speed max` (the real CLI in its own process) to one WebSocket client that keeps up",
        "(msgpack; it receives every frame and counts them). *Served* = frames/s parsed, encoded and sent, first",
        "frame to `end`; *parse only* = the format's reader alone in one process. Files hold random float32",
        "landmarks, both coordinate sets for JSONL/CSV (world only for txt), every 10th frame without a detection.",
        f"Best and median of {RUNS} runs each (the machine is shared: other work only slows a run down, so the best",
        f"run is the machine's capability). JSON/number parser: {json_parser()}; the row *without orjson* shows",
        "the standard library's json instead (the readers' fallback when orjson, a dependency, is missing).",
        "",
        "| format | frames | file MiB | parse only (frames/s) | served, best (frames/s) | served, median |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for fmt, n, mib, parsed, sent, median in rows_speed:
        lines.append(f"| {fmt} | {n:,} | {mib:.0f} | {parsed:,.0f} | {sent:,.0f} | {median:,.0f} |")
    verdict = "met" if txt_rate >= 20_000 else "NOT met"
    lines += [
        "",
        f"Target >= 20,000 frames/s for txt: **{verdict}** with {json_parser()} (best {txt_rate:,.0f} frames/s, median "
        f"{txt_median:,.0f}); not met with the standard library's json alone (see the row without orjson).",
        "",
        "Peak resident memory of the server process (VmHWM) replaying a small and a large file at `--speed max`:",
        "",
        f"| format | {small:,} frames | {big:,} frames | ratio |",
        "|---|---:|---:|---:|",
    ]
    for fmt, ((_, smib, speak), (_, bmib, bpeak)) in rows_mem:
        lines.append(
            f"| {fmt} | {speak:.1f} MiB ({smib:.1f} MiB file) | {bpeak:.1f} MiB ({bmib:.0f} MiB file) | "
            f"{bpeak / speak:.2f} |"
        )
    lines += [
        "",
        f"Opening a {big:,}-frame file as a replay source (txt: reads the file's tail; JSONL/CSV: one pass that",
        "counts the frames and builds the seek index), and seeking to 20 random positions (time to the first frame):",
        "",
        "| format | open (ms) | seek, median (ms) | seek, max (ms) |",
        "|---|---:|---:|---:|",
    ]
    for fmt, _, opened, med, worst in seeks:
        lines.append(f"| {fmt} | {opened:.0f} | {med:.1f} | {worst:.1f} |")
    lines += [
        "",
        "Memory is flat: readers stream a chunk (txt: 128 KiB) or a batch of 32 lines at a time; seeking uses",
        "bisection on frame numbers (txt) or one checkpoint per 256 frames (JSONL/CSV).",
    ]
    text = "\n".join(lines)
    print()
    print(text)
    if not args.quick:
        print(f"\nwrote {write_section('replay', text)}")


if __name__ == "__main__":
    main()
