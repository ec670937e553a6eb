"""The server's logic with a real WebSocket server and real websockets clients on 127.0.0.1.

The frames come from a fake list source (server logic only); BlazePose end to end
is in test_blazepose_stream.py.
"""

from __future__ import annotations

import asyncio
import socket
import time

import numpy as np
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from bridge import __version__, skeleton
from bridge import protocol as P
from bridge.errors import FormatError
from tests.media import scaled_timeout
from tests.streaming import (
    ListSource,
    PlainListSource,
    client,
    collect,
    running_server,
    synthetic_frames,
)

T = scaled_timeout


def assert_same_frames(got: list[P.FrameMessage], expected: list) -> None:
    assert [m.frame.seq for m in got] == [f.seq for f in expected]
    for m, f in zip(got, expected, strict=True):
        assert m.frame == f


async def test_hello_frames_end_and_normal_close() -> None:
    frames = synthetic_frames(40)
    async with running_server(PlainListSource(frames), speed=None, wait_clients=1) as srv:
        async with client(srv.url) as ws:
            got = await asyncio.wait_for(collect(ws), T(10))
    hello = got.hello
    assert hello is not None
    assert hello.protocol == 1 and hello.server == __version__
    assert hello.source.kind == "video" and hello.source.fps == 30.0 and hello.source.frames == 40
    assert hello.landmarks == skeleton.LANDMARK_NAMES and len(hello.landmarks) == 33
    assert hello.bones == skeleton.BONES and hello.fields == ("x", "y", "z", "visibility", "presence")
    assert hello.sides == skeleton.SIDES
    assert_same_frames(got.frames, frames)
    assert got.frames[9].frame.image is None and got.frames[9].frame.world is None  # undetected frames are sent
    assert got.end == P.End(frames=40, reason="eof")
    assert got.close_code == 1000
    for m, recv in zip(got.frames, got.recv_ns, strict=True):
        assert m.frame.captured_ns <= m.sent_ns <= recv


@pytest.mark.parametrize("fmt", [P.WireFormat.MSGPACK, P.WireFormat.JSON, None])
async def test_both_subprotocols_carry_the_same_frames(fmt: P.WireFormat | None) -> None:
    frames = synthetic_frames(25)
    async with running_server(PlainListSource(frames), speed=None, wait_clients=1) as srv:
        async with client(srv.url, fmt) as ws:
            assert ws.subprotocol == (fmt.value if fmt else None)
            first = await ws.recv()
            assert isinstance(first, str if fmt is P.WireFormat.JSON else bytes)
            got = await asyncio.wait_for(collect(ws), T(10))
    # JSON carries float32 values with 9 significant digits: they read back exactly.
    assert_same_frames(got.frames, frames[: len(got.frames)])
    assert len(got.frames) == 25


async def test_unknown_subprotocol_is_rejected_and_server_stays_up() -> None:
    async with running_server(PlainListSource(synthetic_frames(5)), speed=None, wait_clients=1) as srv:
        with pytest.raises(InvalidStatus) as err:
            async with connect(srv.url, subprotocols=["posebridge.v9.xml"]):  # type: ignore[list-item]
                pass
        assert err.value.response.status_code == 400
        async with client(srv.url) as ws:
            got = await asyncio.wait_for(collect(ws), T(10))
        assert len(got.frames) == 5


async def test_twelve_clients_at_once_get_every_frame() -> None:
    frames = synthetic_frames(150)
    async with running_server(PlainListSource(frames), speed=None, wait_clients=12) as srv:
        fmts = [P.WireFormat.MSGPACK, P.WireFormat.JSON] * 6
        conns = [await client(srv.url, f).__aenter__() for f in fmts]
        results = await asyncio.wait_for(asyncio.gather(*(collect(c) for c in conns)), T(20))
        for c in conns:
            await c.close()
    for got in results:
        assert_same_frames(got.frames, frames)
        assert got.end == P.End(150, "eof")


def _stalled_socket(url: str) -> socket.socket:
    """A TCP socket with a tiny receive buffer, for a client that never reads."""
    host, port = url.removeprefix("ws://").rstrip("/").split(":")
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect((host, int(port)))
    return sock


@pytest.mark.parametrize("speed", [None, 10.0])
async def test_stalled_client_costs_the_others_nothing(speed: float | None) -> None:
    """A client that stops reading is left behind; clients that keep up get every frame, in time."""
    n = 1500 if speed is None else 60
    frames = synthetic_frames(n, fps=30.0)
    async with running_server(PlainListSource(frames), speed=speed, wait_clients=4) as srv:
        stalled = await client(srv.url, max_queue=1, sock=_stalled_socket(srv.url)).__aenter__()
        stalled_hello = P.decode(await stalled.recv())
        assert isinstance(stalled_hello, P.Hello)
        readers = [await client(srv.url, f).__aenter__() for f in (P.WireFormat.MSGPACK, P.WireFormat.JSON) * 1]
        # a third reader that asks for no subprotocol
        readers.append(await client(srv.url, None).__aenter__())
        started = time.monotonic()
        results = await asyncio.wait_for(asyncio.gather(*(collect(r) for r in readers)), T(60))
        elapsed = time.monotonic() - started
        port = stalled.local_address[1]
        stalled_relay = next(r for r in list(srv.server.hub.relays) if r.connection.remote_address[1] == port)
        for r in readers:
            await r.close()
        await stalled.close()
    for got in results:
        assert_same_frames(got.frames, frames)
        assert got.end is not None and got.end.frames == n
    if speed is not None:
        # 60 frames at 10x speed = 0.2 s of media: the stalled client must not slow the stream down.
        assert elapsed < 0.2 + T(2.0)
    if speed is None:
        # 1500 frames (2 MB) cannot fit the stalled client's buffers: it was sent part, the rest dropped and counted
        assert stalled_relay.dropped > 0 and stalled_relay.sent < n, (stalled_relay.sent, stalled_relay.dropped)


async def test_stalled_client_drops_are_counted_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("INFO", logger="bridge.server")
    frames = synthetic_frames(2000)
    async with running_server(PlainListSource(frames), speed=None, wait_clients=2) as srv:
        stalled = await client(srv.url, max_queue=1, sock=_stalled_socket(srv.url)).__aenter__()
        reader = await client(srv.url).__aenter__()
        got = await asyncio.wait_for(collect(reader), T(60))
        port = stalled.local_address[1]
        relay = next(r for r in list(srv.server.hub.relays) if r.connection.remote_address[1] == port)
        sent, dropped = relay.sent, relay.dropped
        stalled.transport.abort()
        await asyncio.sleep(0.2)
    assert len(got.frames) == 2000
    assert dropped > 0 and sent < 2000, (sent, dropped)
    assert any("dropped" in r.getMessage() and "disconnected" in r.getMessage() for r in caplog.records)


async def test_join_mid_stream_gets_hello_then_live_frames() -> None:
    frames = synthetic_frames(60)
    async with running_server(PlainListSource(frames), speed=2.0, wait_clients=1) as srv:
        async with client(srv.url) as first:
            early = asyncio.ensure_future(collect(first))
            await asyncio.sleep(0.4)
            async with client(srv.url, P.WireFormat.JSON) as late:
                hello = P.decode(await late.recv())
                assert isinstance(hello, P.Hello)
                got_late = await asyncio.wait_for(collect(late), T(10))
            got_early = await asyncio.wait_for(early, T(10))
    assert len(got_early.frames) == 60
    assert 0 < len(got_late.frames) < 60
    first_seq = got_late.frames[0].frame.seq
    assert first_seq > 5
    assert_same_frames(got_late.frames, frames[first_seq:])
    assert got_late.end == P.End(60, "eof")


async def test_ping_pong_carries_both_clocks() -> None:
    async with running_server(PlainListSource(synthetic_frames(300)), speed=1.0) as srv:
        async with client(srv.url, P.WireFormat.JSON) as ws:
            sent = time.time_ns()
            await ws.send(P.encode(P.Ping(sent), P.WireFormat.JSON))
            while True:
                msg = P.decode(await asyncio.wait_for(ws.recv(), T(5)))
                if isinstance(msg, P.Pong):
                    break
            received = time.time_ns()
    assert msg.client_ns == sent
    assert sent <= msg.server_ns <= received


@pytest.mark.parametrize(
    ("data", "code", "text"),
    [
        (b"\xc1", "bad_message", "not valid msgpack"),
        (b"\x93\x01\x02\x03", "bad_message", "must be a map"),
        ("{not json", "bad_message", "not valid JSON"),
        ('{"op":"ping"}', "bad_message", "no string field 'type'"),
        ('{"type":"teleport"}', "unknown_type", "unknown message type 'teleport'"),
        ('{"type":"control","op":"explode"}', "unknown_op", "unknown op 'explode'"),
        ('{"type":"control","op":"ping","client_ns":"soon"}', "bad_value", "'client_ns' must be int"),
        ('{"type":"control","op":"ping"}', "bad_message", "missing field 'client_ns'"),
        ('{"type":"control","op":"pause"}', "not_supported", "needs a replay source"),
        ('{"type":"end","frames":3}', "bad_message", "clients may not send 'end'"),
    ],
)
async def test_bad_client_messages_get_an_error_and_the_connection_stays_up(data, code: str, text: str) -> None:
    async with running_server(PlainListSource(synthetic_frames(600)), speed=1.0) as srv:
        async with client(srv.url) as ws:
            await ws.send(data)
            errors = []
            while not errors:
                msg = P.decode(await asyncio.wait_for(ws.recv(), T(5)))
                if isinstance(msg, P.Error):
                    errors.append(msg)
            assert errors[0].code == code
            assert text in errors[0].message
            # still connected and served: a ping gets its pong
            await ws.send(P.encode(P.Ping(1), P.WireFormat.MSGPACK))
            while not isinstance(msg := P.decode(await asyncio.wait_for(ws.recv(), T(5))), P.Pong):
                pass


async def test_oversized_client_message_closes_only_that_connection() -> None:
    async with running_server(PlainListSource(synthetic_frames(600)), speed=1.0) as srv:
        async with client(srv.url) as bad:
            await bad.send(b"\x00" * (128 * 1024))
            with pytest.raises(ConnectionClosed):
                for _ in range(1000):
                    await asyncio.wait_for(bad.recv(), T(5))
            assert bad.close_code == 1009
        async with client(srv.url) as good:
            assert isinstance(P.decode(await good.recv()), P.Hello)
            assert isinstance(P.decode(await good.recv()), P.FrameMessage)


async def test_replay_controls_pause_seek_resume_speed() -> None:
    frames = synthetic_frames(300)
    async with running_server(ListSource(frames), speed=1.0, wait_clients=1) as srv:
        async with client(srv.url, P.WireFormat.JSON) as ws:
            assert isinstance(P.decode(await ws.recv()), P.Hello)
            state = P.decode(await ws.recv())
            assert state == P.State(paused=False, speed=1.0, position=0, frames=300)

            seen = []

            async def next_of(kind):  # type: ignore[no-untyped-def]
                while True:
                    msg = P.decode(await asyncio.wait_for(ws.recv(), T(5)))
                    if isinstance(msg, P.FrameMessage):
                        seen.append(msg.frame.seq)
                    if isinstance(msg, kind):
                        return msg

            await next_of(P.FrameMessage)
            await ws.send(P.encode(P.Pause(), P.WireFormat.JSON))
            paused = await next_of(P.State)
            assert paused.paused
            await ws.send(P.encode(P.Seek(200), P.WireFormat.JSON))
            sought = await next_of(P.State)
            assert sought.position == 200 and sought.paused
            shown = await next_of(P.FrameMessage)  # seeking while paused shows the frame sought to
            assert shown.frame.seq == 200
            with pytest.raises(asyncio.TimeoutError):  # ... and stays paused
                await asyncio.wait_for(next_of(P.FrameMessage), 0.3)
            await ws.send(P.encode(P.SetSpeed(None), P.WireFormat.JSON))
            assert (await next_of(P.State)).speed is None
            await ws.send(P.encode(P.Resume(), P.WireFormat.JSON))
            assert not (await next_of(P.State)).paused
            rest = await asyncio.wait_for(collect(ws), T(10))
    assert seen[-1] == 200 and seen[:-1] == list(range(len(seen) - 1))  # the start, then the frame sought to
    assert [m.frame.seq for m in rest.frames] == list(range(201, 300))
    assert rest.end == P.End(frames=len(seen) + 99, reason="eof")


async def test_seek_beyond_the_end_is_an_error() -> None:
    async with running_server(ListSource(synthetic_frames(50)), speed=1.0) as srv:
        async with client(srv.url) as ws:
            await ws.send(P.encode(P.Seek(50), P.WireFormat.MSGPACK))
            while not isinstance(msg := P.decode(await asyncio.wait_for(ws.recv(), T(5))), P.Error):
                pass
    assert msg.code == "bad_value" and "has 50 frames" in msg.message


async def test_native_pacing_and_speed_factor() -> None:
    frames = synthetic_frames(30, fps=30.0)  # one second of media
    timings = {}
    for speed in (1.0, 3.0):
        async with running_server(PlainListSource(frames), speed=speed, wait_clients=1) as srv:
            async with client(srv.url) as ws:
                got = await asyncio.wait_for(collect(ws), T(10))
        span = (got.recv_ns[-1] - got.recv_ns[0]) / 1e9
        timings[speed] = span
        assert len(got.frames) == 30
    assert 29 / 30 * 0.9 <= timings[1.0] <= 29 / 30 + T(0.3)
    assert 29 / 90 * 0.9 <= timings[3.0] <= 29 / 90 + T(0.3)


async def test_loop_restarts_the_source() -> None:
    frames = synthetic_frames(10)
    async with running_server(PlainListSource(frames), speed=None, loop=True, wait_clients=1) as srv:
        async with client(srv.url) as ws:
            got = await asyncio.wait_for(collect(ws, limit=35), T(10))
        published = await srv.stop()
    assert [m.frame.seq for m in got.frames] == [i % 10 for i in range(35)]
    assert published >= 35


async def test_shutdown_sends_end_to_every_client() -> None:
    async with running_server(PlainListSource(synthetic_frames(10_000)), speed=1.0) as srv:
        conns = [await client(srv.url).__aenter__() for _ in range(3)]
        tasks = [asyncio.ensure_future(collect(c)) for c in conns]
        await asyncio.sleep(0.3)
        published = await srv.stop()
        results = await asyncio.wait_for(asyncio.gather(*tasks), T(10))
    for got in results:
        assert got.end is not None and got.end.reason == "shutdown" and got.end.frames == published
        assert got.close_code == 1000


async def test_viewer_is_served_over_http_on_the_same_port(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import urllib.error
    import urllib.request

    async with running_server(PlainListSource(synthetic_frames(300)), speed=1.0) as srv:
        base = srv.url.replace("ws://", "http://")
        loop = asyncio.get_running_loop()

        def fetch(path: str) -> tuple[int, str, bytes]:
            try:
                with urllib.request.urlopen(base + path, timeout=5) as r:
                    return r.status, r.headers["Content-Type"], r.read()
            except urllib.error.HTTPError as e:
                return e.code, e.headers["Content-Type"], e.read()

        status, ctype, body = await loop.run_in_executor(None, fetch, "")
        assert status == 200 and ctype.startswith("text/html") and b"<html" in body.lower()
        status, _, _ = await loop.run_in_executor(None, fetch, "../../pyproject.toml")
        assert status == 404
        status, _, _ = await loop.run_in_executor(None, fetch, "no-such-file.js")
        assert status == 404


def test_encoded_frame_is_stamped_per_client() -> None:
    frame = synthetic_frames(1)[0]
    for fmt in P.WireFormat:
        enc = P.encode_frame(frame, fmt)
        a, b = enc.stamp(1), enc.stamp(2**63)
        assert P.decode(a) == P.FrameMessage(frame, 1)
        assert P.decode(b) == P.FrameMessage(frame, 2**63)
    assert np.array_equal(P.decode(P.encode_frame(frame, P.WireFormat.MSGPACK).stamp(5)).frame.world, frame.world)


class _FailingSource(PlainListSource):
    """Yields a few frames, then fails like a recording with a malformed line."""

    async def frames_from(self, start: int):  # type: ignore[no-untyped-def,override]
        async for frame in super().frames_from(start):
            yield frame
        raise FormatError("walk.txt, line 67: expected 'Landmark [FRAME,INDEX]: (x, y, z)': 'garbage'")


async def test_a_source_failing_mid_stream_tells_every_client() -> None:
    frames = synthetic_frames(5)
    async with running_server(_FailingSource(frames), speed=None, wait_clients=2) as srv:
        conns = [await client(srv.url, f).__aenter__() for f in (P.WireFormat.MSGPACK, P.WireFormat.JSON)]
        results = await asyncio.wait_for(asyncio.gather(*(collect(c) for c in conns)), T(10))
        with pytest.raises(FormatError):
            await srv.task
    for got in results:
        assert_same_frames(got.frames, frames)
        errors = [m for m in got.others if isinstance(m, P.Error)]
        assert len(errors) == 1 and errors[0].code == "source_error" and "walk.txt, line 67" in errors[0].message
        assert got.end == P.End(frames=5, reason="error")
        assert got.close_code == 1000


async def test_recorders_get_each_frame_before_the_clients() -> None:
    order: list[str] = []

    class Sink:
        def write(self, frame) -> None:  # type: ignore[no-untyped-def]
            order.append(f"sink {frame.seq}")

        def close(self) -> None:
            order.append("closed")

    frames = synthetic_frames(3)
    async with running_server(PlainListSource(frames), speed=None, wait_clients=1, sinks=[Sink()]) as srv:
        hub = srv.server.hub
        publish = hub.publish

        def traced(frame) -> None:  # type: ignore[no-untyped-def]
            order.append(f"clients {frame.seq}")
            publish(frame)

        hub.publish = traced  # type: ignore[method-assign]
        async with client(srv.url) as ws:
            await asyncio.wait_for(collect(ws), T(10))
    assert order == ["sink 0", "clients 0", "sink 1", "clients 1", "sink 2", "clients 2", "closed"]
