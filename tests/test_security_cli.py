"""Issue 9 against the real ``pose-bridge serve`` process: memory under floods, non-finite recordings,
``--record`` safety, signals, and the security options. Clients connect to 127.0.0.1 only.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from bridge import protocol as P
from bridge.formats import open_reader, open_writer
from bridge.recorder import Recorder
from tests.media import ROOT, scaled_timeout
from tests.rawws import OP_TEXT, RawClient, frame
from tests.streaming import client, collect, synthetic_frames
from tests.test_security import _make_certificate, in_thread

T = scaled_timeout
JSON = P.WireFormat.JSON
MSGPACK = P.WireFormat.MSGPACK
_LISTENING = re.compile(r"(wss?)://127\.0\.0\.1:(\d+)/")


@dataclass
class Serve:
    proc: asyncio.subprocess.Process
    url: str
    head: list[str]

    async def finish(self, timeout: float = 20) -> tuple[int, str]:
        """Wait for the exit; (exit code, all of stderr)."""
        assert self.proc.stderr is not None
        rest = await asyncio.wait_for(self.proc.stderr.read(), T(timeout))
        code = await asyncio.wait_for(self.proc.wait(), T(timeout))
        return code, "".join(self.head) + rest.decode()

    def rss_kib(self) -> int:
        text = Path(f"/proc/{self.proc.pid}/status").read_text()
        return int(re.search(r"VmRSS:\s+(\d+) kB", text).group(1))  # type: ignore[union-attr]


async def start_serve(*args: str, env: dict[str, str] | None = None, port: str = "0") -> Serve:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bridge", "serve", "--port", port, *args,
        cwd=ROOT, stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE, env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
    )  # fmt: skip
    assert proc.stderr is not None
    head: list[str] = []
    while True:
        raw = await asyncio.wait_for(proc.stderr.readline(), T(60))
        if not raw:
            await proc.wait()
            raise AssertionError(f"serve exited with {proc.returncode} before listening:\n" + "".join(head))
        line = raw.decode()
        head.append(line)
        m = _LISTENING.search(line)
        if m:
            # the token line, if any, follows at once
            with contextlib.suppress(asyncio.TimeoutError):
                while True:
                    more = await asyncio.wait_for(proc.stderr.readline(), 0.3)
                    if not more:
                        break
                    head.append(more.decode())
                    if b"token" not in more:
                        break
            return Serve(proc, f"{m.group(1)}://127.0.0.1:{m.group(2)}/", head)


@contextlib.asynccontextmanager
async def serving(*args: str, env: dict[str, str] | None = None) -> AsyncIterator[Serve]:
    serve = await start_serve(*args, env=env)
    try:
        yield serve
    finally:
        if serve.proc.returncode is None:
            serve.proc.kill()
            await serve.proc.wait()


def run_serve(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bridge", "serve", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=T(timeout), stdin=subprocess.DEVNULL,
    )  # fmt: skip


def one_error_line(stderr: str) -> str:
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert "Traceback" not in stderr, stderr
    errors = [ln for ln in lines if ln.startswith("pose-bridge: error:")]
    assert len(errors) == 1, stderr
    return errors[0]


def write_recording(path: Path, n: int) -> Path:
    with open_writer(path, fps=30.0) as w:
        for f in synthetic_frames(n):
            w.write(f)
    return path


# --------------------------------------------------------------------------- 2. memory under floods


MEMORY_BOUND_KIB = 12 * 1024  # before: +58 MiB (1,000 x 60 KB unknown messages), +30 MiB (300k pings)


@pytest.mark.parametrize("kind", ["unknown-type", "ping"])
async def test_a_flooding_client_that_never_reads_does_not_grow_the_server(kind: str) -> None:
    async with serving("demo") as serve:
        raw = await in_thread(lambda: RawClient(serve.url, subprotocol=JSON.value, rcvbuf=4096))
        await asyncio.sleep(1.0)
        before = serve.rss_kib()
        if kind == "ping":
            message = frame(OP_TEXT, P.encode(P.Ping(123), JSON).encode())  # type: ignore[union-attr]
            total = len(message) * 300_000
        else:
            message = frame(OP_TEXT, json.dumps({"type": "z" * 4000}).encode())
            total = len(message) * 10_000  # 40 MB
        accepted = await in_thread(raw.flood, message, 4.0, total)
        await asyncio.sleep(0.5)
        after = serve.rss_kib()
        async with client(serve.url) as other:  # the server still serves everyone else
            assert isinstance(P.decode(await other.recv()), P.Hello)
        raw.close()
        serve.proc.send_signal(signal.SIGINT)
        code, _ = await serve.finish()
    assert code == 0
    assert after - before < MEMORY_BOUND_KIB, (before, after, accepted)
    assert accepted < total / 2  # the flood was pushed back: the server reads a client at most 100 messages/s


async def test_a_pause_resume_flood_does_not_pile_up_state_for_a_stalled_client(tmp_path: Path) -> None:
    rec = write_recording(tmp_path / "rec.jsonl", 3000)
    async with serving(str(rec), "--loop") as serve:
        stalled = await in_thread(lambda: RawClient(serve.url, subprotocol=JSON.value, rcvbuf=4096))
        flooder = await in_thread(lambda: RawClient(serve.url, subprotocol=JSON.value, rcvbuf=4096))
        await asyncio.sleep(1.0)
        before = serve.rss_kib()
        pause = frame(OP_TEXT, P.encode(P.Pause(), JSON).encode())  # type: ignore[union-attr]
        resume = frame(OP_TEXT, P.encode(P.Resume(), JSON).encode())  # type: ignore[union-attr]
        await in_thread(flooder.flood, pause + resume, 5.0, len(pause + resume) * 500_000)
        after = serve.rss_kib()
        stalled.close()
        flooder.close()
        serve.proc.send_signal(signal.SIGINT)
        code, _ = await serve.finish()
    assert code == 0
    assert after - before < MEMORY_BOUND_KIB, (before, after)


# --------------------------------------------------------------------------- 5. non-finite values


async def test_cli_replays_a_recording_with_a_null_coordinate_to_its_end(tmp_path: Path) -> None:
    path = write_recording(tmp_path / "holes.jsonl", 60)
    lines = path.read_text().splitlines()
    row = json.loads(lines[21])
    row["image"][3][1] = None  # how the writers write a NaN
    lines[21] = json.dumps(row)
    path.write_text("\n".join(lines) + "\n")
    async with serving(str(path), "--speed", "max", "--wait-clients", "2") as serve:
        conns = [await client(serve.url, f).__aenter__() for f in (JSON, MSGPACK)]
        results = await asyncio.wait_for(asyncio.gather(*(collect(c) for c in conns)), T(30))
        code, stderr = await serve.finish()
    assert code == 0 and "Traceback" not in stderr, stderr
    assert "non-finite" in stderr  # said once
    for got in results:
        assert got.end == P.End(60, "eof")
        assert len(got.frames) == 60 and got.frames[20].frame.image is None and got.frames[20].frame.world is not None


# --------------------------------------------------------------------------- 6. --record


def test_record_into_an_existing_file_needs_overwrite(tmp_path: Path) -> None:
    out = tmp_path / "take1.jsonl"
    out.write_bytes(b"precious\n" * 1000)
    result = run_serve("demo", "--port", "0", "--record", str(out))
    assert result.returncode == 2
    assert "exists" in one_error_line(result.stderr) and "--overwrite" in result.stderr
    assert out.read_bytes() == b"precious\n" * 1000


async def test_record_with_the_port_taken_leaves_the_file_alone(tmp_path: Path) -> None:
    out = write_recording(tmp_path / "session.jsonl", 400)  # about 1.5 MB
    original = out.read_bytes()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        result = await in_thread(lambda: run_serve("demo", "--port", port, "--record", str(out), "--overwrite"))
    assert result.returncode == 2 and "already in use" in one_error_line(result.stderr)
    assert out.read_bytes() == original


async def test_record_with_overwrite_replaces_the_file(tmp_path: Path) -> None:
    out = tmp_path / "take.jsonl"
    out.write_text("old\n")
    async with serving("demo", "--record", str(out), "--overwrite", "--wait-clients", "1") as serve:
        async with client(serve.url) as ws:
            got = await asyncio.wait_for(collect(ws, limit=30), T(20))
        serve.proc.send_signal(signal.SIGINT)
        code, _ = await serve.finish()
    assert code == 0
    recorded = list(open_reader(out))
    assert [f.seq for f in recorded[:30]] == [m.frame.seq for m in got.frames]


async def test_a_stuck_disk_does_not_stall_the_stream(tmp_path: Path) -> None:
    """The recording goes to a pipe nobody reads (a disk that stopped taking data): clients still get
    every frame in time; at the end the recorder says so in one line and the command exits 2."""
    out = tmp_path / "stuck.jsonl"
    os.mkfifo(out)
    reader = os.open(out, os.O_RDONLY | os.O_NONBLOCK)  # opened, never read: writes block once 64 KiB wait
    try:
        async with serving("demo", "--record", str(out), "--overwrite", "--wait-clients", "1") as serve:
            async with client(serve.url) as ws:
                start = time.monotonic()
                got = await asyncio.wait_for(collect(ws, limit=120), T(20))
                elapsed = time.monotonic() - start
            serve.proc.send_signal(signal.SIGINT)
            code, stderr = await serve.finish()
    finally:
        os.close(reader)
    assert [m.frame.seq for m in got.frames] == list(range(got.frames[0].frame.seq, got.frames[0].frame.seq + 120))
    assert elapsed < 4.0 + T(1.0), elapsed  # 120 frames at 30 fps: the stuck writer delayed nobody
    assert code == 2 and "did not take the last frames" in one_error_line(stderr), stderr


async def test_a_full_disk_stops_the_recording_not_the_stream(tmp_path: Path) -> None:
    out = tmp_path / "full.jsonl"
    out.symlink_to("/dev/full")  # every write fails with ENOSPC, like a full disk
    async with serving("demo", "--record", str(out), "--overwrite", "--wait-clients", "1") as serve:
        async with client(serve.url) as ws:
            got = await asyncio.wait_for(collect(ws, limit=60), T(20))
        serve.proc.send_signal(signal.SIGINT)
        code, stderr = await serve.finish()
    assert len(got.frames) == 60
    assert code == 2, stderr
    assert "No space left on device" in one_error_line(stderr)
    logged = [ln for ln in stderr.splitlines() if "stopped after" in ln and "streaming goes on" in ln]
    assert len(logged) == 1, stderr


async def test_the_recorder_syncs_about_once_a_second(tmp_path: Path) -> None:
    out = tmp_path / "synced.jsonl"
    recorder = Recorder(out, lambda: open_writer(out, fps=30.0))
    recorder.open()
    frames = synthetic_frames(75)
    for f in frames:  # 2.5 s of a 30 fps stream
        recorder.write(f)
        await asyncio.sleep(1 / 30)
    during = recorder.syncs
    recorder.close()
    assert during >= 2 and recorder.syncs == during + 1  # and once more at close
    assert recorder.written == 75 and [f.seq for f in open_reader(out)] == list(range(75))


def test_recorder_open_refuses_a_file_that_appeared_meanwhile(tmp_path: Path) -> None:
    out = tmp_path / "late.jsonl"
    recorder = Recorder(out, lambda: open_writer(out, fps=30.0))
    out.write_text("someone else's\n")
    with pytest.raises(Exception, match="exists"):
        recorder.open()
    assert out.read_text() == "someone else's\n"


# --------------------------------------------------------------------------- 7. shutdown


async def test_ctrl_c_with_a_stalled_client_exits_within_2_seconds(tmp_path: Path) -> None:
    rec = write_recording(tmp_path / "long.jsonl", 5000)
    async with serving(str(rec), "--loop", "--speed", "max") as serve:
        stalled = await in_thread(lambda: RawClient(serve.url, rcvbuf=4096))  # never reads
        async with client(serve.url) as ws:
            reader = asyncio.ensure_future(collect(ws))
            await asyncio.sleep(1.5)
            start = time.monotonic()
            serve.proc.send_signal(signal.SIGINT)
            code = await asyncio.wait_for(serve.proc.wait(), T(10))
            elapsed = time.monotonic() - start
            got = await asyncio.wait_for(reader, T(5))
        stalled.close()
    assert code == 0
    assert elapsed < 2.0 + T(0.5), elapsed  # before: 17 s
    assert got.end is not None and got.end.reason == "shutdown" and got.close_code == 1000


async def test_a_second_ctrl_c_exits_at_once(tmp_path: Path) -> None:
    rec = write_recording(tmp_path / "long.jsonl", 5000)
    async with serving(str(rec), "--loop", "--speed", "max") as serve:
        stalled = await in_thread(lambda: RawClient(serve.url, rcvbuf=4096))  # keeps the first Ctrl-C waiting
        await asyncio.sleep(1.5)
        serve.proc.send_signal(signal.SIGINT)
        await asyncio.sleep(0.2)
        start = time.monotonic()
        serve.proc.send_signal(signal.SIGINT)
        code, stderr = await serve.finish()
        elapsed = time.monotonic() - start
        stalled.close()
    assert code == 130 and "interrupted again" in stderr, stderr
    assert elapsed < T(0.5), elapsed


# --------------------------------------------------------------------------- security options


def test_listening_beyond_loopback_needs_a_token() -> None:
    """Refused before anything is bound: no traffic leaves this machine."""
    result = run_serve("demo", "--host", "0.0.0.0", "--port", "0")
    assert result.returncode == 2
    line = one_error_line(result.stderr)
    assert "--token" in line and "--no-auth" in line
    result = run_serve("demo", "--host", "0.0.0.0", "--port", "0", "--no-auth", "--token", "x")
    assert result.returncode == 2 and "contradicts" in one_error_line(result.stderr)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--allow-origin", "example.com"], "an origin is scheme://host"),
        (["--certfile", "/nonexistent/cert.pem"], "cannot use --certfile"),
        (["--keyfile", "key.pem"], "--keyfile needs --certfile"),
        (["--token", "two words"], "printable"),
        (["--record", "out.mp4"], "cannot tell the recording format"),
    ],
)
def test_bad_security_options_are_one_line_errors(args: list[str], message: str) -> None:
    result = run_serve("demo", "--port", "0", *args)
    assert result.returncode == 2 and message in one_error_line(result.stderr)


async def test_token_auto_is_printed_and_required() -> None:
    async with serving("demo", "--token", "auto") as serve:
        printed = "".join(serve.head)
        token = re.search(r"token: (\S+)", printed).group(1)  # type: ignore[union-attr]
        assert f"?token={token}" in printed  # the viewer's URL carries it
        with pytest.raises(InvalidStatus) as err:
            async with client(serve.url):
                pass
        assert err.value.response.status_code == 401
        async with client(serve.url, additional_headers={"Authorization": f"Bearer {token}"}) as ws:
            assert isinstance(P.decode(await ws.recv()), P.Hello)
        async with client(serve.url + f"?token={token}") as ws:
            assert isinstance(P.decode(await ws.recv()), P.Hello)
        serve.proc.send_signal(signal.SIGINT)
        code, _ = await serve.finish()
    assert code == 0


async def test_token_from_the_environment_is_not_printed() -> None:
    async with serving("demo", env={"POSE_BRIDGE_TOKEN": "from-the-env"}) as serve:
        assert "from-the-env" not in "".join(serve.head)
        with pytest.raises(InvalidStatus):
            async with client(serve.url):
                pass
        async with client(serve.url + "?token=from-the-env") as ws:
            assert isinstance(P.decode(await ws.recv()), P.Hello)
        serve.proc.kill()


async def test_cli_tls(tmp_path: Path) -> None:
    cert, key = _make_certificate(tmp_path)
    async with serving("demo", "--certfile", str(cert), "--keyfile", str(key)) as serve:
        assert serve.url.startswith("wss://") and "https://127.0.0.1" in "".join(serve.head)
        async with connect(serve.url, ssl=ssl.create_default_context(cafile=str(cert))) as ws:
            assert isinstance(P.decode(await ws.recv()), P.Hello)
        serve.proc.send_signal(signal.SIGINT)
        code, _ = await serve.finish()
    assert code == 0


async def test_cli_max_clients() -> None:
    async with serving("demo", "--max-clients", "1") as serve:
        async with client(serve.url) as first:
            assert isinstance(P.decode(await first.recv()), P.Hello)
            with pytest.raises(InvalidStatus) as err:
                async with client(serve.url):
                    pass
            assert err.value.response.status_code == 503
        serve.proc.kill()


async def test_the_python_example_presents_a_token() -> None:
    async with serving("demo", "--token", "auto") as serve:
        token = re.search(r"token: (\S+)", "".join(serve.head)).group(1)  # type: ignore[union-attr]
        example = [sys.executable, str(ROOT / "examples" / "client.py"), serve.url, "--frames", "3"]
        ok = await in_thread(
            lambda: subprocess.run([*example, "--token", token], capture_output=True, text=True, timeout=T(60))
        )
        refused = await in_thread(lambda: subprocess.run(example, capture_output=True, text=True, timeout=T(60)))
        serve.proc.kill()
    assert ok.returncode == 0 and "hello: protocol 1" in ok.stdout, ok.stderr
    assert refused.returncode != 0 and "HTTP 401" in refused.stderr, refused.stderr
