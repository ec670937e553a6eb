"""Soak benchmark of `pose-bridge serve` with hostile and slow clients, and what keeps slow readers' frames fresh.

    python benchmarks/soak.py            # 5-minute soak + freshness comparison + latency/fan-out (about 10 minutes)
    python benchmarks/soak.py --quick    # 30 s soak and shorter runs (a smoke test; does not update the docs)

1. Soak: the real CLI (`serve demo`, 30 fps) with 100 clients for 5 minutes: 80 that keep up (websockets
   clients, msgpack and JSON), 8 slow readers (10 messages/s), 4 stalled (connected, never read), 4 flooding
   (pings, unknown and malformed messages, replay controls, as fast as TCP takes them, never reading) and 4
   reconnecting (a new connection every second). Targets: server RSS drift < 20 MB, 0 frames lost by the
   clients that keep up, slow readers' frame age bounded (about one read interval plus two frame periods)
   and not growing.
2. Freshness: a slow reader (10 messages/s, 30 fps stream) against the server with each way of keeping the
   queue short: none (default kernel buffers), SO_SNDBUF 64 KiB (before issue 9), SO_SNDBUF plus
   TCP_NOTSENT_LOWAT, and the ping-paced frame window (issue 9). Frame age over 12 s.
3. Latency and fan-out, re-measured with `benchmarks/serve.py`'s own functions on this code.

The server runs in its own process; clients run in this one (threads for the raw clients).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
from websockets.asyncio.client import connect  # noqa: E402

from benchmarks._report import machine, write_section  # noqa: E402
from benchmarks.serve import fanout, latency, latency_raw  # noqa: E402
from bridge import protocol as P  # noqa: E402
from tests.cli_process import ServeProcess  # noqa: E402
from tests.rawws import OP_BINARY, OP_TEXT, RawClient, frame  # noqa: E402

FPS = 30.0


def rss_mib(pid: int) -> float:
    text = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+) kB", text).group(1)) / 1024  # type: ignore[union-attr]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# --------------------------------------------------------------------------- 1. soak


@dataclass
class Keeper:
    frames: int = 0
    lost: int = 0
    last: int | None = None
    ages: list[float] = field(default_factory=list)
    cut_off: str | None = None  # why the connection ended before the soak did


async def keep_up(url: str, fmt: P.WireFormat, stats: Keeper, stop: asyncio.Event) -> None:
    async with connect(url, subprotocols=[fmt.value], max_queue=None) as ws:  # type: ignore[list-item]
        while not stop.is_set():
            try:
                data = await asyncio.wait_for(ws.recv(), 1.0)
            except asyncio.TimeoutError:
                continue
            except Exception as exc:  # noqa: BLE001 - reported
                stats.cut_off = str(exc)[:80]
                return
            now = time.time_ns()
            msg = P.decode(data)
            if isinstance(msg, P.FrameMessage):
                seq = msg.frame.seq
                if stats.last is not None and seq > stats.last + 1:
                    stats.lost += seq - stats.last - 1
                stats.last = seq
                stats.frames += 1
                if stats.frames % 10 == 0:
                    stats.ages.append((now - msg.frame.captured_ns) / 1e6)


async def reconnect(url: str, counts: dict[str, int], stop: asyncio.Event) -> None:
    while not stop.is_set():
        try:
            async with connect(url, open_timeout=5) as ws:
                frames = 0
                while frames < 30:
                    if isinstance(P.decode(await asyncio.wait_for(ws.recv(), 5)), P.FrameMessage):
                        frames += 1
            counts["ok"] += 1
        except Exception:  # noqa: BLE001 - counted
            counts["failed"] += 1
            await asyncio.sleep(0.5)


def slow_reader(url: str, fmt: P.WireFormat, ages: list[tuple[float, float]], stop: threading.Event) -> None:
    raw = RawClient(url, subprotocol=fmt.value)
    start = time.monotonic()
    try:
        while not stop.is_set():
            data = raw.recv_data()
            if data is None:
                break
            msg = P.decode(data)
            if isinstance(msg, P.FrameMessage):
                ages.append((time.monotonic() - start, (time.time_ns() - msg.frame.captured_ns) / 1e6))
            time.sleep(0.1)
    except (OSError, ConnectionError):
        pass
    finally:
        raw.close()


def flooder(url: str, kind: int, sent: list[int], stop: threading.Event) -> None:
    raw = RawClient(url, subprotocol=P.SUBPROTOCOL_JSON, rcvbuf=4096)
    messages = [
        frame(OP_TEXT, P.encode(P.Ping(1), P.WireFormat.JSON).encode()),  # type: ignore[union-attr]
        frame(OP_TEXT, json.dumps({"type": "z" * 3000}).encode()),
        frame(OP_BINARY, b"\xc1" + b"\x91" * 2000),
        frame(OP_TEXT, P.encode(P.Pause(), P.WireFormat.JSON).encode()),  # type: ignore[union-attr]
    ]
    try:
        while not stop.is_set():
            sent[kind] += raw.flood(messages[kind], 1.0)
    except (OSError, ConnectionError):
        pass
    finally:
        raw.close()


async def soak(seconds: float, n_keepers: int = 80) -> dict[str, object]:
    serve = await ServeProcess.start("demo")
    pid = serve.proc.pid
    log_lines: list[str] = []

    async def drain_log() -> None:  # a full stderr pipe would block the server's logging, and so the server
        assert serve.proc.stderr is not None
        while line := await serve.proc.stderr.readline():
            log_lines.append(line.decode())

    drainer = asyncio.ensure_future(drain_log())
    stop = asyncio.Event()
    tstop = threading.Event()
    keepers = [Keeper() for _ in range(n_keepers)]
    slow_ages: list[list[tuple[float, float]]] = [[] for _ in range(8)]
    flood_sent = [0, 0, 0, 0]
    reconnects = {"ok": 0, "failed": 0}
    loop = asyncio.get_running_loop()
    tasks = []
    try:
        for i, k in enumerate(keepers):
            fmt = P.WireFormat.JSON if i % 4 == 3 else P.WireFormat.MSGPACK
            tasks.append(asyncio.ensure_future(keep_up(serve.url, fmt, k, stop)))
        stalled = [RawClient(serve.url, rcvbuf=4096) for _ in range(4)]
        threads = [
            threading.Thread(target=slow_reader, args=(serve.url, fmt, slow_ages[i], tstop), daemon=True)
            for i, fmt in enumerate([P.WireFormat.MSGPACK, P.WireFormat.JSON] * 4)
        ] + [threading.Thread(target=flooder, args=(serve.url, k, flood_sent, tstop), daemon=True) for k in range(4)]
        for t in threads:
            t.start()
        tasks += [asyncio.ensure_future(reconnect(serve.url, reconnects, stop)) for _ in range(4)]
        await asyncio.sleep(10.0)  # everyone connected, buffers filled: the baseline
        rss = [(0.0, rss_mib(pid))]
        cpu0, t0 = cpu_seconds(pid), time.monotonic()
        for k in keepers:  # count losses from here on
            k.lost, k.frames, k.ages = 0, 0, []
        while time.monotonic() - t0 < seconds:
            await asyncio.sleep(min(10.0, seconds - (time.monotonic() - t0)))
            rss.append((time.monotonic() - t0, rss_mib(pid)))
            print(f"  soak {rss[-1][0]:5.0f} s: server RSS {rss[-1][1]:.1f} MiB", flush=True)
        cpu = (cpu_seconds(pid) - cpu0) / (time.monotonic() - t0)
        stop.set()
        tstop.set()
        await asyncio.wait(tasks, timeout=10)
        for s in stalled:
            s.close()
        for t in threads:
            await loop.run_in_executor(None, t.join, 5)
        serve.proc.send_signal(signal.SIGINT)
        code = await asyncio.wait_for(serve.proc.wait(), 30)
        await asyncio.wait_for(drainer, 10)
        log = "".join(log_lines)
    finally:
        await serve.kill()
    slow = [a for ages in slow_ages for a in ages]
    in_window = [a for t, a in slow if t >= 10.0]
    per_minute = {}
    for t, a in slow:
        if 10.0 <= t < 10.0 + seconds // 60 * 60:  # whole minutes only
            per_minute.setdefault(int((t - 10.0) // 60), []).append(a)
    ages = [a for k in keepers for a in k.ages]
    stalled_lines = [ln for ln in log.splitlines() if "disconnected" in ln and "dropped" in ln]
    return {
        "seconds": seconds,
        "exit": code,
        "rss": rss,
        "drift": rss[-1][1] - rss[0][1],
        "rss_max": max(r for _, r in rss),
        "cpu": cpu,
        "keep_frames": sum(k.frames for k in keepers) / n_keepers,
        "keep_lost": sum(k.lost for k in keepers),
        "keep_cut_off": sum(k.cut_off is not None for k in keepers),
        "keep_p50": float(np.percentile(ages, 50)),
        "keep_p99": float(np.percentile(ages, 99)),
        "slow_frames": len(in_window) / 8,
        "slow_p50": float(np.percentile(in_window, 50)),
        "slow_p99": float(np.percentile(in_window, 99)),
        "slow_max": max(in_window),
        "slow_by_minute": {m: (float(np.percentile(v, 99)), max(v)) for m, v in sorted(per_minute.items())},
        "flood_mib": [s / 2**20 for s in flood_sent],
        "reconnects": dict(reconnects),
        "dropped_lines": len(stalled_lines),
    }


# --------------------------------------------------------------------------- 2. freshness strategies

_DRIVER = """
import asyncio, socket, sys
sys.path.insert(0, {root!r})
from bridge import protocol as P
from bridge.hub import Hub
from bridge.player import Player
from bridge.server import PoseServer
from bridge.sources.demo import DemoSource

async def main():
    source = DemoSource()
    player = Player(source, Hub())
    if {unpaced!r}:
        player._update_window = lambda: None
        player.hub.window = None
    server = PoseServer(player, P.Hello(source=source.info), port=0, send_buffer={sndbuf!r})
    port = await server.start()
    for sock in server._server.sockets:
        if {lowat!r}:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NOTSENT_LOWAT, {lowat!r})
    print(f"ws://127.0.0.1:{{port}}/", flush=True)
    await server.run()

asyncio.run(main())
"""

STRATEGIES = [
    ("none: default kernel buffers, no pacing", dict(unpaced=True, sndbuf=0, lowat=0)),
    ("SO_SNDBUF 64 KiB (before issue 9)", dict(unpaced=True, sndbuf=64 * 1024, lowat=0)),
    ("SO_SNDBUF 64 KiB + TCP_NOTSENT_LOWAT 16 KiB", dict(unpaced=True, sndbuf=64 * 1024, lowat=16 * 1024)),
    ("ping-paced window of 2 frames (issue 9)", dict(unpaced=False, sndbuf=64 * 1024, lowat=0)),
]


def slow_ages(url: str, seconds: float, client: str) -> list[tuple[float, float]]:
    """A reader of 10 messages/s: a raw client (reads exactly one message per read) or a websockets client."""
    if client == "raw":
        ages: list[tuple[float, float]] = []
        stop = threading.Event()
        threading.Timer(seconds, stop.set).start()
        slow_reader(url, P.WireFormat.MSGPACK, ages, stop)
        return ages

    async def run() -> list[tuple[float, float]]:
        out = []
        max_queue = 16 if client == "websockets" else 1
        async with connect(url, max_queue=max_queue) as ws:
            start = time.monotonic()
            while time.monotonic() - start < seconds:
                msg = P.decode(await ws.recv())
                if isinstance(msg, P.FrameMessage):
                    out.append((time.monotonic() - start, (time.time_ns() - msg.frame.captured_ns) / 1e6))
                await asyncio.sleep(0.1)
        return out

    return asyncio.run(run())


def freshness(seconds: float) -> list[tuple[str, str, list[tuple[float, float]]]]:
    root = str(Path(__file__).resolve().parent.parent)
    rows = []
    cases = [(name, opts, "raw") for name, opts in STRATEGIES]
    cases += [(STRATEGIES[-1][0], STRATEGIES[-1][1], c) for c in ("websockets", "websockets-q1")]
    for name, opts, client in cases:
        proc = subprocess.Popen(
            [sys.executable, "-c", _DRIVER.format(root=root, **opts)], stdout=subprocess.PIPE, text=True
        )
        try:
            assert proc.stdout is not None
            url = proc.stdout.readline().strip()
            ages = slow_ages(url, seconds, client)
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        rows.append((name, client, ages))
        print(f"  freshness {name} / {client}: max age {max(a for _, a in ages):.0f} ms", flush=True)
    return rows


def _age_at(ages: list[tuple[float, float]], lo: float, hi: float) -> str:
    sel = [a for t, a in ages if lo <= t < hi]
    return f"{max(sel):,.0f}" if sel else "–"


# --------------------------------------------------------------------------- main


async def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="30 s soak, shorter runs; does not update the docs")
    ap.add_argument("--minutes", type=float, default=5.0, help="soak duration (default 5)")
    args = ap.parse_args()
    soak_seconds = 30.0 if args.quick else args.minutes * 60
    fresh_seconds = 6.0 if args.quick else 12.0
    lat_seconds = 3.0 if args.quick else 6.0
    repeats = 1 if args.quick else 3

    print(f"soak: 100 clients for {soak_seconds:.0f} s", flush=True)
    s = await soak(soak_seconds)
    print({k: v for k, v in s.items() if k != "rss"})
    print("freshness:", flush=True)
    rows = await asyncio.get_running_loop().run_in_executor(None, freshness, fresh_seconds)
    lat, raw = {}, {}
    for n in (1, 10, 100):
        runs = [await latency_raw(n, lat_seconds) for _ in range(repeats)]
        raw[n] = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        raw[n]["worst_p99"] = max(r["p99"] for r in runs)
        lat[n] = await latency(n, lat_seconds)
        print(f"latency {n:>3} clients: raw p50 {raw[n]['p50']:.2f} ms, p99 {raw[n]['p99']:.2f} ms "
              f"(worst {raw[n]['worst_p99']:.2f}); websockets p50 {lat[n]['p50']:.2f}, p99 {lat[n]['p99']:.2f}",
              flush=True)  # fmt: skip
    fan = await fanout(200, 5.0 if args.quick else 20.0)
    print(f"fan-out: {fan}")
    load = os.getloadavg()

    minutes = "\n".join(
        f"| {m + 1} | {p99:.0f} | {mx:.0f} |"
        for m, (p99, mx) in s["slow_by_minute"].items()  # type: ignore[union-attr]
    )
    fresh = "\n".join(
        f"| {name} | {client} | {_age_at(ages, 0, 2)} | {_age_at(ages, 5, 7)} | "
        f"{_age_at(ages, fresh_seconds - 2, fresh_seconds)} |"
        for name, client, ages in rows
    )
    rss0, rss1 = s["rss"][0][1], s["rss"][-1][1]  # type: ignore[index]
    rows_soak = [
        ("server RSS drift (end − start)",
         f"**{s['drift']:+.1f} MiB** ({rss0:.1f} → {rss1:.1f}, max {s['rss_max']:.1f})", "< 20 MB"),
        ("frames lost by the 80 clients that keep up",
         f"**{s['keep_lost']}** ({s['keep_frames']:.0f} frames each; {s['keep_cut_off']} disconnected)", "0"),
        ("their latency, capture → receipt, p50 / p99", f"{s['keep_p50']:.1f} / {s['keep_p99']:.1f} ms", ""),
        ("slow readers' frame age, p50 / p99 / max",
         f"{s['slow_p50']:.0f} / {s['slow_p99']:.0f} / **{s['slow_max']:.0f} ms** ({s['slow_frames']:.0f} frames each)",
         "≈ 100 + 2 × 33 ms, not growing"),
        ("flood accepted by TCP (ping, unknown, malformed, controls)",
         ", ".join(f"{m:.1f}" for m in s["flood_mib"]) + " MiB", "pushed back"),  # type: ignore[attr-defined]
        ("reconnections (ok / failed)", f"{s['reconnects']['ok']} / {s['reconnects']['failed']}", "no failure"),
        ("server CPU", f"{s['cpu'] * 100:.0f} % of one core", ""),
        ("exit code after Ctrl-C", f"{s['exit']}", "0"),
    ]  # fmt: skip
    table = "\n".join(f"| {a} | {b} | {c} |" for a, b, c in rows_soak)
    verdict = (
        f"**met** in this run ({raw[100]['p99']:.2f} ms)"
        if raw[100]["p99"] <= 5.0
        else f"**not met** in this run ({raw[100]['p99']:.2f} ms, load average {load[0]:.1f})"
    )
    rss_series = ", ".join(f"{r:.1f}" for t, r in s["rss"][:: max(1, len(s["rss"]) // 10)])  # type: ignore[index]
    md = (
        f"""## Soak, hostile clients, fresh frames (`benchmarks/soak.py`)

Machine: {machine()}. Load average at the end: {load[0]:.1f} (the machine is shared: other work ran
alongside, which shows most in the p99 columns).

**Soak**: the real CLI (`serve demo`, 30 fps) for {s["seconds"] / 60:.0f} minutes with 100 clients at once:
80 that keep up (websockets clients, one in four JSON), 8 slow readers (one message every 100 ms, raw clients
that read exactly one message per read), 4 stalled (connected, never read, 4 KiB receive buffer), 4 flooding
(never read; pings, 3 KB unknown messages, malformed msgpack, replay controls, as fast as TCP takes them) and
4 reconnecting (a new connection every second, 30 frames each). Measured after 10 s of warm-up.

| measure | result | target |
|---|---|---|
{table}

Server RSS every ~{s["seconds"] / 10:.0f} s (MiB): {rss_series}.

Slow readers' frame age per minute (ms):

| minute | p99 | max |
|---|---|---|
{minutes}

**Fresh frames for slow readers**: one client reading 10 messages/s from the 30 fps demo for
{fresh_seconds:.0f} s; the maximum frame age (ms, capture → read) in three windows. *raw*: a client that reads
exactly one message per read; *websockets*: a Python websockets client, which reads ahead into its own queue
(`max_queue` 16 by default, or 1).

| server | client | 0–2 s | 5–7 s | last 2 s |
|---|---|---|---|---|
{fresh}

Kernel options bound only the server's own queue: the frames already in the client's receive buffer (which
Linux grows while the client's library drains it) still wait there, so the age grows for as long as the buffers
take (seconds) and stays there. `SIOCOUTQ` would not help either: data in the receiver's buffer is
acknowledged and leaves the server's queue. Only an end-to-end acknowledgement bounds it: the pong a client's
WebSocket library sends for a ping after each frame (RFC 6455 requires it). A client library's own read-ahead
queue still adds its length (websockets' `max_queue`).

**Latency and fan-out on this code** (the functions of `benchmarks/serve.py`; demo at 30 fps; raw reader =
a minimal socket reader that timestamps each frame when its bytes arrive and answers the pings after a round
of reads; median of {repeats} runs, worst p99 in brackets):

| clients | raw p50 ms | raw p99 ms | websockets p50 ms | websockets p99 ms |
|---|---|---|---|---|
"""
        + "\n".join(
            f"| {n} | {raw[n]['p50']:.2f} | **{raw[n]['p99']:.2f}** ({raw[n]['worst_p99']:.2f}) "
            f"| {lat[n]['p50']:.2f} | {lat[n]['p99']:.2f} |"
            for n in (1, 10, 100)
        )
        + f"""

Target: p99 <= 5 ms at 100 clients (raw reader): {verdict}. The raw reader now answers the server's pings, as every
client must; on Linux loopback a connection whose client has sent anything at all (a ping, a pong) costs the
server more per frame sent to it (the fan-out to 100 clients took 1.25 → 1.9 ms, with the server before issue 9
too), so the serve section's figures, taken with a reader that never sent a byte, are not comparable one to one.
Measured once in turns (not re-run by this script), 100 raw readers that each send one ping, 6 s per run: server
before issue 9 (commit 5710154) p50 1.84–1.96 ms, p99 2.45–3.06 ms; this server p50 2.09–2.27 ms, p99
2.88–5.17 ms (4 runs each, load average 0.4). Fan-out: 200 clients at 30 fps for {5 if args.quick else 20} s
plus one stalled client: frames lost by the clients that keep up **{fan["lost"]}**; frames per client
{fan["frames_per_client"]:.1f}; the stalled client was sent {fan["stalled_sent"]:.0f} frames and
{fan["stalled_dropped"]:.0f} were dropped for it.
"""
    )
    if args.quick:
        print(md)
    else:
        print(f"wrote {write_section('soak', md)}")


if __name__ == "__main__":
    asyncio.run(main())
