"""Issue 9, security and reliability: each case found against the real server, as a test against a real server
(websockets on 127.0.0.1, port 0) with real clients — websockets clients, and a raw RFC 6455 client
(tests/rawws.py) where a test needs a client that floods, stalls or reads exactly one message at a time.

The frames come from fake list sources or the demo (server logic only). CLI-level cases (the real
``pose-bridge serve`` process: memory, recordings, signals) are in test_security_cli.py; the browser's view
(a hostile page, the viewer with a token) in test_viewer_security.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from bridge import hub as hub_module
from bridge import protocol as P
from bridge.errors import UserError
from bridge.formats import open_writer
from bridge.frame import PoseFrame
from bridge.hub import BURST_WINDOW, MAX_REPLIES, Hub
from bridge.player import FrameSink, Player
from bridge.server import PoseServer, is_loopback_host, is_own_origin, normalize_origin, resolve_token
from bridge.sources.base import SeekableSource, Source
from bridge.sources.demo import DemoSource
from bridge.sources.recording import RecordingSource
from tests.media import scaled_timeout
from tests.rawws import OP_TEXT, HandshakeRefused, RawClient, frame
from tests.streaming import ListSource, PlainListSource, Running, client, collect, synthetic_frames

T = scaled_timeout
JSON = P.WireFormat.JSON
MSGPACK = P.WireFormat.MSGPACK


@contextlib.asynccontextmanager
async def serving(
    source: Source,
    *,
    speed: float | None = 1.0,
    wait_clients: int = 0,
    sinks: Sequence[FrameSink] = (),
    **options: Any,
) -> AsyncIterator[Running]:
    """A PoseServer on 127.0.0.1 port 0 with ``options`` (token, allowed_origins, max_clients...)."""
    player = Player(source, Hub(), speed=speed, sinks=sinks)
    server = PoseServer(player, P.Hello(source=source.info), port=0, wait_clients=wait_clients, **options)
    port = await server.start()
    task = asyncio.ensure_future(server.run())
    scheme = "wss" if options.get("ssl") else "ws"
    running = Running(server, task, f"{scheme}://127.0.0.1:{port}/", player)
    try:
        yield running
    finally:
        if not task.done():
            server.shutdown()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(task, T(10))


async def first_of(ws: Any, kind: type, timeout: float = 5) -> Any:
    """Read until a message of ``kind`` (decoded) arrives."""
    while True:
        msg = P.decode(await asyncio.wait_for(ws.recv(), T(timeout)))
        if isinstance(msg, kind):
            return msg


async def in_thread(fn: Any, *args: Any) -> Any:
    return await asyncio.get_running_loop().run_in_executor(None, fn, *args)


def port_of(url: str) -> int:
    return int(url.rstrip("/").rsplit(":", 1)[1])


def handshake_status(url: str, **options: Any) -> int:
    """The HTTP status of a raw client's handshake (101: switched, and its first message was ``hello``)."""
    try:
        raw = RawClient(url, **options)
    except HandshakeRefused as exc:
        return exc.status
    assert isinstance(P.decode(raw.recv_data()), P.Hello)  # type: ignore[arg-type]
    raw.close()
    return 101


def relay_of(srv: Running, local_port: int) -> hub_module.Relay:
    return next(r for r in list(srv.server.hub.relays) if r.connection.remote_address[1] == local_port)


# --------------------------------------------------------------------------- 1. cross-site WebSocket hijacking


async def test_a_page_from_another_site_is_refused_and_cannot_pause_the_replay() -> None:
    async with serving(ListSource(synthetic_frames(600)), speed=1.0) as srv:
        with pytest.raises(InvalidStatus) as err:
            async with connect(srv.url, origin="http://evil.example") as ws:  # type: ignore[arg-type]
                await ws.send(P.encode(P.Pause(), JSON))
        assert err.value.response.status_code == 403
        await asyncio.sleep(0.2)
        assert not srv.player.paused
        # clients that send no Origin (Unity, Python, C#) are served
        async with client(srv.url) as ws:
            assert isinstance(P.decode(await ws.recv()), P.Hello)


@pytest.mark.parametrize(
    ("origin", "host", "status"),
    [
        ("http://127.0.0.1:{port}", None, 101),  # the server's own viewer page
        ("http://localhost:{port}", "localhost:{port}", 101),  # ... opened as localhost
        ("http://[::1]:{port}", "[::1]:{port}", 101),
        ("http://127.0.0.1:3000", None, 403),  # another local web app
        ("http://evil.example", None, 403),
        ("null", None, 403),  # sandboxed frames, file:// pages
        ("http://evil.example:{port}", "evil.example:{port}", 403),  # DNS rebinding: Origin matches Host
        ("https://127.0.0.1:{port}", None, 403),  # wrong scheme (no TLS here)
        ("http://192.0.2.5:8000", None, 101),  # added with allowed_origins (only a header: no traffic there)
    ],
)
async def test_origins(origin: str, host: str | None, status: int) -> None:
    async with serving(PlainListSource(synthetic_frames(300)), allowed_origins=["http://192.0.2.5:8000/"]) as srv:
        port = port_of(srv.url)
        headers = {"Origin": origin.format(port=port)}
        host_header = host.format(port=port) if host else None
        assert await in_thread(lambda: handshake_status(srv.url, headers=headers, host_header=host_header)) == status


# Addresses below are header and argument strings only, never connected to: 192.0.2.0/24 and 198.51.100.0/24 are
# the documentation ranges (RFC 5737), which no network routes; every connection in this file goes to 127.0.0.1.
@pytest.mark.parametrize(
    ("origin", "host", "tls", "own"),
    [
        ("http://127.0.0.1:8765", "127.0.0.1:8765", False, True),
        ("http://192.0.2.5:8765", "192.0.2.5:8765", False, True),  # the viewer opened over the LAN
        ("HTTP://192.0.2.5:8765", "192.0.2.5:8765", False, True),
        ("https://192.0.2.5:8765", "192.0.2.5:8765", True, True),
        ("http://192.0.2.5:8765", "192.0.2.5:8765", True, False),
        ("http://192.0.2.5:8765", "192.0.2.6:8765", False, False),
        ("http://rebound.example:8765", "rebound.example:8765", False, False),
        ("http://studio-pc:8765", "studio-pc:8765", False, True),  # the name given with --host
        ("http://127.0.0.1:8765", None, False, False),
    ],
)
def test_own_origin_rule(origin: str, host: str | None, tls: bool, own: bool) -> None:
    assert is_own_origin(origin, host, tls=tls, names=("studio-pc",)) is own


def test_allowed_origins_are_checked_when_given() -> None:
    assert normalize_origin("HTTP://Example.com:8000/") == "http://example.com:8000"
    for bad in ("example.com", "ftp://example.com", "http://example.com/app", "http://u@example.com"):
        with pytest.raises(ValueError):
            normalize_origin(bad)


# --------------------------------------------------------------------------- exposure needs a secret


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("", False),
        ("192.0.2.5", False),
        ("198.51.100.1", False),
        ("::ffff:127.0.0.1", True),
    ],
)
def test_which_hosts_are_loopback(host: str, loopback: bool) -> None:
    assert is_loopback_host(host) is loopback


def test_token_policy() -> None:
    env: dict[str, str] = {}
    assert resolve_token("127.0.0.1", None, no_auth=False, env=env) is None
    assert resolve_token("127.0.0.1", "s3cret", no_auth=False, env=env) == "s3cret"
    with pytest.raises(UserError, match="reachable from other machines"):
        resolve_token("0.0.0.0", None, no_auth=False, env=env)
    assert resolve_token("0.0.0.0", None, no_auth=True, env=env) is None
    assert resolve_token("0.0.0.0", "s3cret", no_auth=False, env=env) == "s3cret"
    assert resolve_token("0.0.0.0", None, no_auth=False, env={"POSE_BRIDGE_TOKEN": "from-env"}) == "from-env"
    assert resolve_token("0.0.0.0", None, no_auth=True, env={"POSE_BRIDGE_TOKEN": "from-env"}) is None
    generated = {resolve_token("0.0.0.0", "auto", no_auth=False, env=env) for _ in range(3)}
    assert len(generated) == 3 and all(t is not None and len(t) == 32 for t in generated)
    with pytest.raises(UserError, match="contradicts"):
        resolve_token("0.0.0.0", "s3cret", no_auth=True, env=env)
    with pytest.raises(UserError, match="printable"):
        resolve_token("0.0.0.0", "two words", no_auth=False, env=env)


@pytest.mark.parametrize(
    ("path", "headers", "status"),
    [
        ("", {}, 401),
        ("?token=wrong", {}, 401),
        ("?token=s3cre", {}, 401),
        ("", {"Authorization": "Bearer wrong"}, 401),
        ("", {"Authorization": "Basic czNjcmV0"}, 401),
        ("?token=s3cret", {}, 101),  # browsers
        ("?other=1&token=s3cret", {}, 101),
        ("", {"Authorization": "Bearer s3cret"}, 101),  # Unity's ClientWebSocket, Python
        ("?token=s3cret", {"Origin": "http://evil.example"}, 403),  # a token does not make a foreign page ok
    ],
)
async def test_token(path: str, headers: dict[str, str], status: int) -> None:
    async with serving(PlainListSource(synthetic_frames(300)), token="s3cret") as srv:
        assert await in_thread(lambda: handshake_status(srv.url + path, headers=headers)) == status


async def test_a_python_client_presents_the_token_as_a_header() -> None:
    async with serving(PlainListSource(synthetic_frames(300)), token="s3cret") as srv:
        async with client(srv.url, additional_headers={"Authorization": "Bearer s3cret"}) as ws:
            assert isinstance(P.decode(await ws.recv()), P.Hello)
            assert isinstance(await first_of(ws, P.FrameMessage), P.FrameMessage)


def _make_certificate(tmp_path: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, generated now with the openssl command (never committed)."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
        check=True, capture_output=True, timeout=T(30),
    )  # fmt: skip
    return cert, key


async def test_tls_serves_wss_and_https(tmp_path: Path) -> None:
    cert, key = _make_certificate(tmp_path)
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert, key)
    trusting = ssl.create_default_context(cafile=str(cert))
    async with serving(PlainListSource(synthetic_frames(300)), ssl=server_context, token="s3cret") as srv:
        assert srv.url.startswith("wss://")
        async with client(srv.url + "?token=s3cret", ssl=trusting) as ws:
            assert isinstance(P.decode(await ws.recv()), P.Hello)
            assert isinstance(await first_of(ws, P.FrameMessage), P.FrameMessage)
        with pytest.raises(Exception):  # noqa: B017 - plain ws:// to a TLS port fails, whichever way
            async with client(srv.url.replace("wss://", "ws://") + "?token=s3cret", open_timeout=T(3)):
                pass
        with pytest.raises(ssl.SSLError):  # a client that does not trust the certificate
            async with client(srv.url + "?token=s3cret", ssl=ssl.create_default_context()):
                pass

        def fetch() -> tuple[int, bytes]:
            with urllib.request.urlopen(srv.url.replace("wss://", "https://"), context=trusting, timeout=5) as r:
                return r.status, r.read()

        status, body = await in_thread(fetch)
        assert status == 200 and b"<html" in body.lower()


# --------------------------------------------------------------------------- 2. bounded memory per client


async def test_a_client_that_never_reads_its_replies_is_no_longer_read() -> None:
    """300k pings and never a read: replies stop at MAX_REPLIES, then the server stops reading the client."""
    async with serving(PlainListSource(synthetic_frames(3000)), control_rate=1e9, control_burst=10**9) as srv:
        raw = await in_thread(lambda: RawClient(srv.url, subprotocol=JSON.value, rcvbuf=4096))
        ping = frame(OP_TEXT, P.encode(P.Ping(1), JSON).encode())  # type: ignore[union-attr]
        accepted = await in_thread(raw.flood, ping, 3.0, len(ping) * 300_000)
        relay = relay_of(srv, raw.sock.getsockname()[1])
        pending = len(relay._outbox)
        replies = relay._replies
        # the server is still serving everyone else
        async with client(srv.url) as other:
            assert isinstance(P.decode(await other.recv()), P.Hello)
            assert isinstance(await first_of(other, P.FrameMessage), P.FrameMessage)
        raw.close()
    assert replies <= MAX_REPLIES and pending <= MAX_REPLIES + 2, (replies, pending)
    # The flood stalled: 3 s on loopback would carry gigabytes; the kernel buffers took a few hundred kB.
    assert accepted < len(ping) * 300_000 and accepted < 8 * 1024 * 1024, accepted


async def test_state_for_a_stalled_client_is_coalesced() -> None:
    """One client floods pause/resume; another never reads: it holds one state, not one per change."""
    async with serving(ListSource(synthetic_frames(3000)), control_rate=1e9, control_burst=10**9) as srv:
        stalled = await in_thread(lambda: RawClient(srv.url, subprotocol=JSON.value, rcvbuf=4096))
        flooder = await in_thread(lambda: RawClient(srv.url, subprotocol=JSON.value))
        pause = frame(OP_TEXT, P.encode(P.Pause(), JSON).encode())  # type: ignore[union-attr]
        resume = frame(OP_TEXT, P.encode(P.Resume(), JSON).encode())  # type: ignore[union-attr]
        drain = asyncio.ensure_future(in_thread(_drain_until_closed, flooder))
        for _ in range(20):
            await in_thread(flooder.sock.sendall, (pause + resume) * 250)
            await asyncio.sleep(0)
        await asyncio.sleep(0.5)
        relay = relay_of(srv, stalled.sock.getsockname()[1])
        states = sum(1 for item in relay._outbox if item is hub_module._STATE)
        outbox = len(relay._outbox)
        flooder.close()
        stalled.close()
        await drain
    assert states <= 1 and outbox <= MAX_REPLIES + 2, (states, outbox)


def _drain_until_closed(raw: RawClient) -> None:
    with contextlib.suppress(OSError, ConnectionError, ValueError):
        while raw.recv() is not None:
            pass


async def test_error_replies_quote_little_of_the_input() -> None:
    async with serving(PlainListSource(synthetic_frames(600))) as srv:
        async with client(srv.url, JSON) as ws:
            await ws.send(json.dumps({"type": "x" * 3900}))
            error = await first_of(ws, P.Error)
            await ws.send(json.dumps({"type": "control", "op": "speed", "speed": "y" * 3900}))
            error2 = await first_of(ws, P.Error)
    assert error.code == "unknown_type" and len(error.message) <= 200
    assert error2.code == "bad_value" and len(error2.message) <= 200


async def test_messages_over_4_kib_close_that_connection() -> None:
    async with serving(PlainListSource(synthetic_frames(600))) as srv:
        async with client(srv.url) as ws:
            await ws.send(b"\x81\xa4type\xda\x13\x88" + b"x" * 5000)
            with pytest.raises(ConnectionClosed):
                for _ in range(1000):
                    await asyncio.wait_for(ws.recv(), T(5))
            assert ws.close_code == 1009


async def test_max_clients_then_503() -> None:
    async with serving(PlainListSource(synthetic_frames(600)), max_clients=3) as srv:
        conns = [await client(srv.url).__aenter__() for _ in range(3)]
        with pytest.raises(InvalidStatus) as err:
            async with client(srv.url):
                pass
        assert err.value.response.status_code == 503
        await conns[0].close()
        await asyncio.sleep(0.2)
        async with client(srv.url) as ws:  # a place became free
            assert isinstance(P.decode(await ws.recv()), P.Hello)
        for c in conns[1:]:
            await c.close()


async def test_control_rate_is_limited() -> None:
    """A client is read at most control_rate messages a second after its burst: 60 pings at 50/s, burst 10."""
    async with serving(PlainListSource(synthetic_frames(900)), control_rate=50.0, control_burst=10) as srv:
        async with client(srv.url) as ws:
            start = time.monotonic()
            for i in range(60):
                await ws.send(P.encode(P.Ping(i), MSGPACK))
            for _ in range(60):
                await first_of(ws, P.Pong, 10)
            elapsed = time.monotonic() - start
    assert elapsed >= 0.9 * (60 - 10) / 50.0, elapsed


# --------------------------------------------------------------------------- 3. fresh frames for slow readers


def _read_slowly(raw: RawClient, interval: float, seconds: float) -> list[tuple[float, float]]:
    """Read one message every ``interval`` for ``seconds``: [(time since start, frame age in s)]."""
    ages = []
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        data = raw.recv_data()
        if data is None:
            break
        msg = P.decode(data)
        if isinstance(msg, P.FrameMessage):
            ages.append((time.monotonic() - start, (time.time_ns() - msg.frame.captured_ns) / 1e9))
        time.sleep(interval)
    return ages


@pytest.mark.parametrize("fmt", [MSGPACK, JSON])
async def test_a_slow_reader_gets_fresh_frames(fmt: P.WireFormat) -> None:
    """10 reads/s from a 30 fps stream: every frame at most one read interval plus two frame periods old
    (plus scheduling slack), from the first second to the last; without pacing the age grew 5 -> 25 s."""
    async with serving(DemoSource()) as srv:
        raw = await in_thread(lambda: RawClient(srv.url, subprotocol=fmt.value))
        ages = await in_thread(_read_slowly, raw, 0.1, 6.0)
        raw.close()
    assert len(ages) >= 40
    bound = 0.1 + 2 / 30 + T(0.15)
    worst = max(age for _, age in ages)
    assert worst <= bound, [round(a, 3) for _, a in ages]
    early = max(a for t, a in ages if t < 2.0)
    late = max(a for t, a in ages if t >= 4.0)
    assert late <= early + T(0.1), (early, late)  # not growing


async def test_a_websockets_client_with_a_short_queue_stays_fresh() -> None:
    """A websockets client reads ahead into its own queue: with max_queue=1 that is a few frames, bounded."""
    async with serving(DemoSource()) as srv:
        async with client(srv.url, max_queue=1) as ws:
            ages = []
            start = time.monotonic()
            while time.monotonic() - start < 5.0:
                msg = P.decode(await asyncio.wait_for(ws.recv(), T(5)))
                if isinstance(msg, P.FrameMessage):
                    ages.append((time.monotonic() - start, (time.time_ns() - msg.frame.captured_ns) / 1e9))
                await asyncio.sleep(0.1)
    assert max(a for _, a in ages) <= 0.6 + T(0.2), ages
    assert max(a for t, a in ages if t >= 3.0) <= max(a for t, a in ages if t < 2.0) + T(0.1)


def _read_phases(raw: RawClient, phases: list[tuple[float, float]]) -> list[tuple[float, int, float]]:
    """Read through ``phases`` of (seconds, pause after each read; a negative pause: one pause of that length).

    Returns [(time since start, seq, age in s)] of every frame.
    """
    out = []
    start = time.monotonic()
    for seconds, pause in phases:
        if pause < 0:
            time.sleep(-pause)
            continue
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            msg = P.decode(raw.recv_data())  # type: ignore[arg-type]
            if isinstance(msg, P.FrameMessage):
                now = time.monotonic() - start
                out.append((now, msg.frame.seq, (time.time_ns() - msg.frame.captured_ns) / 1e9))
            if pause:
                time.sleep(pause)
    return out


async def test_a_client_that_keeps_up_loses_nothing_in_a_hitch() -> None:
    """After keeping up for a second, a client gets a window of a second: a 0.6 s hitch costs no frame."""
    async with serving(DemoSource()) as srv:
        raw = await in_thread(lambda: RawClient(srv.url))
        got = await in_thread(_read_phases, raw, [(2.0, 0.0), (0, -0.6), (1.5, 0.0)])
        raw.close()
    seqs = [seq for _, seq, _ in got]
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs))), [
        b - a for a, b in zip(seqs, seqs[1:], strict=False) if b - a != 1
    ]
    assert len(seqs) >= 90


async def test_a_client_that_turns_slow_gets_fresh_frames_again() -> None:
    """Fast for 2 s (the larger window), then 10 reads/s: after the frames in flight, fresh frames again."""
    async with serving(DemoSource()) as srv:
        raw = await in_thread(lambda: RawClient(srv.url))
        got = await in_thread(_read_phases, raw, [(2.0, 0.0), (10.0, 0.1)])
        raw.close()
    slow = [(t, age) for t, _, age in got if t >= 2.0]
    assert max(age for _, age in slow) <= BURST_WINDOW * 0.1 + T(0.5)  # at most the burst window in flight
    settled = [age for t, age in slow if t >= 9.0]
    assert settled and max(settled) <= 0.1 + 2 / 30 + T(0.15), settled


async def test_fast_readers_still_get_every_frame_of_a_paced_stream() -> None:
    frames = synthetic_frames(90)
    async with serving(PlainListSource(frames), speed=3.0, wait_clients=2) as srv:
        conns = [await client(srv.url, f).__aenter__() for f in (MSGPACK, JSON)]
        results = await asyncio.wait_for(asyncio.gather(*(collect(c) for c in conns)), T(20))
    for got in results:
        assert [m.frame.seq for m in got.frames] == list(range(90))
        assert got.end == P.End(90, "eof")


# --------------------------------------------------------------------------- 4. malformed input


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ("[" * 2000 + "]" * 2000, "bad_message"),  # 4 KB: deeper than the JSON parser's recursion limit
        ('{"type":"control","op":"speed","speed":' + "9" * 400 + "}", "bad_value"),
        ('{"type":"control","op":"seek","frame":' + "9" * 400 + "}", "bad_value"),
        (b"\x91" * 3000 + b"\xc0", "bad_message"),
        (b"\xc1", "bad_message"),
        (b"\x92\x01", "bad_message"),
        (b"", "bad_message"),
    ],
)
async def test_malformed_input_gets_an_error_and_the_connection_stays(data: bytes | str, code: str) -> None:
    async with serving(ListSource(synthetic_frames(600))) as srv:
        async with client(srv.url) as ws:
            await ws.send(data)
            error = await first_of(ws, P.Error)
            assert error.code == code and error.message.strip() and len(error.message) <= 200
            await ws.send(P.encode(P.Ping(7), MSGPACK))
            assert (await first_of(ws, P.Pong)).client_ns == 7
            assert ws.close_code is None


# --------------------------------------------------------------------------- 5. non-finite values


async def test_a_recording_with_a_null_coordinate_plays_to_the_end(tmp_path: Path) -> None:
    frames = synthetic_frames(30)
    path = tmp_path / "holes.jsonl"
    with open_writer(path, fps=30.0) as w:
        for f in frames:
            w.write(f)
    lines = path.read_text().splitlines()
    row = json.loads(lines[1 + 12])  # frame 12: one null coordinate in world, as the writers write NaN
    row["world"][15][0] = None
    lines[1 + 12] = json.dumps(row)
    path.write_text("\n".join(lines) + "\n")
    async with serving(RecordingSource(path), speed=None, wait_clients=2) as srv:
        conns = [await client(srv.url, f).__aenter__() for f in (JSON, MSGPACK)]
        results = await asyncio.wait_for(asyncio.gather(*(collect(c) for c in conns)), T(20))
        published = await srv.task
    assert published == 30 and srv.server.hub.nonfinite_frames == 1
    for got in results:
        assert got.end == P.End(30, "eof") and not [m for m in got.others if isinstance(m, P.Error)]
        assert [m.frame.seq for m in got.frames] == list(range(30))
        hole = got.frames[12].frame
        assert hole.world is None and hole.image is not None  # the set with the hole is missing, the other kept
        assert np.array_equal(hole.image, frames[12].image)
        for m in got.frames:
            for block in (m.frame.image, m.frame.world):
                assert block is None or np.isfinite(block).all()


# --------------------------------------------------------------------------- 7. shutdown, joining after the end


async def test_shutdown_with_a_stalled_client_takes_at_most_the_shutdown_timeout() -> None:
    async with serving(PlainListSource(synthetic_frames(100_000)), speed=None) as srv:
        stalled = await in_thread(lambda: RawClient(srv.url, rcvbuf=4096))  # never reads
        async with client(srv.url) as ws:
            reader = asyncio.ensure_future(collect(ws))
            await asyncio.sleep(1.0)  # the stalled client's buffers fill up
            start = time.monotonic()
            published = await srv.stop()
            elapsed = time.monotonic() - start
            got = await asyncio.wait_for(reader, T(5))
        stalled.close()
    assert elapsed <= 1.5 + T(0.5), elapsed
    assert got.end == P.End(published, "shutdown") and got.close_code == 1000


async def test_a_client_joining_after_the_end_gets_hello_end_and_1000() -> None:
    async with serving(PlainListSource(synthetic_frames(5)), speed=None, wait_clients=2) as srv:
        stalled = await in_thread(lambda: RawClient(srv.url, rcvbuf=4096))
        async with client(srv.url) as ws:
            got = await asyncio.wait_for(collect(ws), T(10))
        assert got.end == P.End(5, "eof")
        # the server now waits (up to its shutdown timeout) for the stalled client: join in that window
        start = time.monotonic()
        async with client(srv.url) as late:
            late_got = await asyncio.wait_for(collect(late), T(5))
        elapsed = time.monotonic() - start
        stalled.close()
    assert late_got.hello is not None and late_got.end == P.End(5, "eof") and not late_got.frames
    assert late_got.close_code == 1000 and elapsed < 1.0, (late_got.close_code, elapsed)


# --------------------------------------------------------------------------- 8. ordering


class CountingReplay(SeekableSource):
    """A fake replay of ``n`` frames made on the fly (for streams too long to hold as a list)."""

    def __init__(self, n: int) -> None:
        self.n = n
        self._poses = synthetic_frames(30)
        self.info = P.SourceInfo("recording", "counting", 30.0, 640, 480, n, replay=True)

    async def frames_from(self, start: int) -> AsyncIterator[PoseFrame]:
        for i in range(max(0, start), self.n):
            pose = self._poses[i % 30]
            yield PoseFrame(i, i / 30, time.time_ns(), pose.image, pose.world)
            if i % 32 == 0:
                await asyncio.sleep(0)


class Silent(Source):
    """A live source that never produces a frame (the test drives the relay itself)."""

    live = True
    info = P.SourceInfo("webcam", "silent", 30.0)

    async def frames(self) -> AsyncIterator[PoseFrame]:
        await asyncio.Event().wait()
        yield synthetic_frames(1)[0]  # pragma: no cover - never reached


async def test_a_newer_frame_goes_behind_a_state_made_before_it() -> None:
    """The relay of a client whose connection is full holds frame 1, then a state, then frame 2 replaces
    frame 1: frame 2 must come after the state (the slot used to keep frame 1's place in the queue)."""
    async with serving(Silent()) as srv:
        raw = await in_thread(lambda: RawClient(srv.url, rcvbuf=4096))
        assert isinstance(P.decode(raw.recv_data()), P.Hello)  # type: ignore[arg-type]
        relay = relay_of(srv, raw.sock.getsockname()[1])
        for i in range(2000):  # about 450 kB of replies: more than the kernel and the write buffer take
            relay.send(P.Error("bad_message", f"{i:05d} " + "x" * 200))
        await asyncio.sleep(0.2)
        assert relay._busy  # the sender waits for the connection to drain
        one, two = synthetic_frames(3)[1:]
        relay.offer(P.encode_frame(one, MSGPACK))
        relay.send_state(P.encode(P.State(paused=True, speed=1.0, position=2, frames=None), MSGPACK))
        relay.offer(P.encode_frame(two, MSGPACK))
        tail = []

        def read_all() -> None:
            while True:
                msg = P.decode(raw.recv_data())  # type: ignore[arg-type]
                if not isinstance(msg, P.Error):
                    tail.append(msg)
                if isinstance(msg, P.FrameMessage):
                    return

        await asyncio.wait_for(in_thread(read_all), T(20))
        raw.close()
    assert [type(m).__name__ for m in tail] == ["State", "FrameMessage"], tail
    assert tail[1].frame.seq == two.seq and relay.dropped == 1  # type: ignore[attr-defined]


@pytest.mark.parametrize("speed", [1.0, None])
async def test_frames_never_overtake_a_state_sent_before_them(speed: float | None) -> None:
    """A slow reader's frame slot is busy when it seeks: the frames made after the seek come after its state.

    Paced (speed 1), the slot waits for the client's pong; at ``--speed max`` for its TCP connection to drain.
    """
    async with serving(CountingReplay(200_000), speed=speed, wait_clients=1) as srv:
        raw = await in_thread(lambda: RawClient(srv.url, subprotocol=JSON.value, rcvbuf=4096))
        seen: list[P.Message] = []

        # paced: 20 reads/s from a 30 fps stream; max: 100 reads/s, through ~45 frames queued in TCP buffers
        count, interval, seeks = (45, 0.05, (10, 25)) if speed else (200, 0.01, (60, 130))

        def run() -> None:
            for i in range(count):
                data = raw.recv_data()
                assert data is not None
                seen.append(P.decode(data))
                if i in seeks:
                    raw.send(P.encode(P.Seek(150_000 if i == seeks[0] else 0), JSON))
                time.sleep(interval)

        await in_thread(run)
        raw.close()
    states = [i for i, m in enumerate(seen) if isinstance(m, P.State) and i > 1]  # (1: the state after hello)
    assert len(states) == 2, [type(m).__name__ for m in seen]
    first, second = states
    assert seen[first].position == 150_000 and seen[second].position == 0  # type: ignore[attr-defined]

    def seqs(messages: list[P.Message]) -> list[int]:
        return [m.frame.seq for m in messages if isinstance(m, P.FrameMessage)]

    before, between, after = seqs(seen[:first]), seqs(seen[first + 1 : second]), seqs(seen[second + 1 :])
    assert before and all(seq < 150_000 for seq in before), before  # nothing from after the first seek
    assert between and all(seq >= 150_000 for seq in between), between  # ... nor from after the second
    assert after and all(seq < 150_000 for seq in after), after


# --------------------------------------------------------------------------- 9. replay latency


async def test_replays_stamp_captured_ns_when_the_frame_is_due(tmp_path: Path) -> None:
    path = tmp_path / "rec.jsonl"
    with open_writer(path, fps=30.0) as w:
        for f in synthetic_frames(300):
            w.write(f)
    async with serving(RecordingSource(path), speed=1.0) as srv:
        async with client(srv.url, JSON) as ws:
            ages: list[float] = []

            async def read(n: int) -> None:
                while n:
                    msg = P.decode(await asyncio.wait_for(ws.recv(), T(5)))
                    if isinstance(msg, P.FrameMessage):
                        ages.append((time.time_ns() - msg.frame.captured_ns) / 1e9)
                        n -= 1

            await read(20)
            await ws.send(P.encode(P.Pause(), JSON))
            await first_of(ws, P.State)
            await asyncio.sleep(1.5)
            await ws.send(P.encode(P.Resume(), JSON))
            await read(20)
    # before: stamped when read, before the pacing sleep (one frame period of fake latency) and the pause
    assert max(ages) < 1 / 30 + T(0.05), [round(a, 3) for a in ages]


# --------------------------------------------------------------------------- 10. HTTP


async def test_http_bad_paths_are_404_and_headers_are_safe(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("DEBUG")
    async with serving(PlainListSource(synthetic_frames(300))) as srv:
        base = srv.url.replace("ws://", "http://")

        def fetch(path: str) -> tuple[int, Any]:
            try:
                with urllib.request.urlopen(base + path, timeout=5) as r:
                    return r.status, r.headers
            except urllib.error.HTTPError as e:
                return e.code, e.headers

        for path in ("a" * 300, "%00", "../../pyproject.toml", "viewer.js/..", "no-such-file.js", "..%2fserver.py"):
            status, _ = await in_thread(fetch, path)
            assert status == 404, path
        status, headers = await in_thread(fetch, "")
        assert status == 200
        assert headers.get_all("Server") == ["pose-bridge"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        status, headers = await in_thread(fetch, "viewer.js?v=2")
        assert status == 200 and headers["Content-Type"].startswith("text/javascript")

        assert await in_thread(lambda: handshake_status(srv.url + "some/path")) == 404
    assert not [r for r in caplog.records if r.levelname in ("ERROR", "CRITICAL")], caplog.text


# --------------------------------------------------------------------------- 11. framing by websockets


def test_the_fan_out_writes_no_frame_headers_of_its_own() -> None:
    """Frames are framed by websockets (broadcast(), send(), its protocol object), never by hand: a hand-built
    header is only right while compression and fragmentation stay off."""
    source = inspect.getsource(hub_module)
    assert "0x82" not in source and 'struct.pack(">BB' not in source
    assert "transport.write(" in source and source.count("transport.write(") == 1
    assert 'transport.write(b"".join(protocol.data_to_send()))' in source


async def test_frames_after_a_pong_are_framed_like_any_other() -> None:
    """Paced frames and their pings arrive as single, unfragmented frames a strict client accepts."""
    async with serving(DemoSource()) as srv:
        raw = await in_thread(lambda: RawClient(srv.url))

        def read() -> list[P.Message]:
            return [P.decode(raw.recv_data()) for _ in range(20)]  # type: ignore[arg-type]

        messages = await in_thread(read)
        raw.close()
    assert isinstance(messages[0], P.Hello)
    assert all(isinstance(m, P.FrameMessage) for m in messages[1:])
    assert raw.pings_answered >= 18
