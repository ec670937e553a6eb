"""Replaying recordings through the real server to real websockets clients: every frame, timing, loop, controls."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from bridge import protocol as P
from bridge.errors import FormatError, SourceError
from bridge.formats import open_reader, open_writer
from bridge.frame import PoseFrame
from bridge.sources.recording import RecordingSource
from tests.media import scaled_timeout
from tests.streaming import client, collect, running_server
from tests.test_formats import make_frames

T = scaled_timeout


def write(path: Path, frames: list[PoseFrame], **kwargs: object) -> Path:
    with open_writer(path, **kwargs) as w:  # type: ignore[arg-type]
        for f in frames:
            w.write(f)
    return path


def same_as_file(got: list[P.FrameMessage], path: Path, ext: str, **reader_kwargs: object) -> None:
    """Every frame of the file arrived, in order, equal to what the reader returns (to the format's precision)."""
    expected = list(open_reader(path, **reader_kwargs))  # type: ignore[arg-type]
    assert [m.frame.seq for m in got] == [f.seq for f in expected]
    for m, f in zip(got, expected, strict=True):
        # captured_ns is when the replay took the frame from the file: now, before it was sent
        assert m.frame.captured_ns <= m.sent_ns and m.sent_ns - m.frame.captured_ns < 5 * 10**9
        if ext == "txt":
            assert m.frame.t == f.t and m.frame.image is None
            assert (m.frame.world is None) == (f.world is None)
            if f.world is not None:
                assert np.array_equal(m.frame.world, f.world)  # type: ignore[arg-type]
        else:  # every other field as recorded
            assert m.frame.replace(captured_ns=0) == f.replace(captured_ns=0)


@pytest.mark.parametrize("ext", ["txt", "jsonl", "csv"])
@pytest.mark.parametrize("fmt", [P.WireFormat.MSGPACK, P.WireFormat.JSON])
async def test_a_client_that_keeps_up_gets_every_frame_at_speed_max(
    tmp_path: Path, ext: str, fmt: P.WireFormat
) -> None:
    path = write(tmp_path / f"rec.{ext}", make_frames(1500, angles=ext != "txt"), fps=30.0)
    source = RecordingSource(path)
    assert source.info.frames == 1500 and source.info.replay and source.info.kind == "recording"
    async with running_server(source, speed=None, wait_clients=1) as srv:
        async with client(srv.url, fmt) as ws:
            got = await asyncio.wait_for(collect(ws), T(60))
    assert got.hello is not None and got.hello.source.frames == 1500
    assert got.end == P.End(frames=1500, reason="eof")
    same_as_file(got.frames, path, ext)


async def test_two_clients_both_get_every_frame_at_speed_max(tmp_path: Path) -> None:
    path = write(tmp_path / "rec.txt", make_frames(800))
    async with running_server(RecordingSource(path), speed=None, wait_clients=2) as srv:
        async with client(srv.url) as a, client(srv.url, P.WireFormat.JSON) as b:
            got_a, got_b = await asyncio.wait_for(asyncio.gather(collect(a), collect(b)), T(60))
    same_as_file(got_a.frames, path, "txt")
    same_as_file(got_b.frames, path, "txt")


@pytest.mark.parametrize(("fps", "speed"), [(30.0, 1.0), (30.0, 3.0), (60.0, 1.0)])
async def test_txt_replays_at_its_fps_times_speed(tmp_path: Path, fps: float, speed: float) -> None:
    path = write(tmp_path / "rec.txt", make_frames(31))
    async with running_server(RecordingSource(path, fps=fps), speed=speed, wait_clients=1) as srv:
        async with client(srv.url) as ws:
            got = await asyncio.wait_for(collect(ws), T(10))
    assert len(got.frames) == 31
    span = (got.recv_ns[-1] - got.recv_ns[0]) / 1e9
    expected = 30 / fps / speed
    assert expected * 0.9 <= span <= expected + T(0.3), (span, expected)
    assert got.hello is not None and got.hello.source.fps == fps


async def test_jsonl_replays_with_its_recorded_timestamps(tmp_path: Path) -> None:
    # a live recording: irregular frame times (0, 0.1, 0.5, 0.6 s), seq not starting at 0
    times = [0.0, 0.1, 0.5, 0.6]
    frames = [f.replace(seq=500 + i, t=t) for i, (f, t) in enumerate(zip(make_frames(4), times, strict=True))]
    path = write(tmp_path / "live.jsonl", frames, fps=None)
    async with running_server(RecordingSource(path), speed=1.0, wait_clients=1) as srv:
        async with client(srv.url) as ws:
            got = await asyncio.wait_for(collect(ws), T(10))
    assert [m.frame.seq for m in got.frames] == [0, 1, 2, 3]  # positions, so seeks agree with state.position
    gaps = np.diff(np.array(got.recv_ns)) / 1e9
    assert gaps[1] > 0.3 and gaps[0] < 0.3 and gaps[2] < 0.3, gaps


async def test_loop_replays_the_file_again(tmp_path: Path) -> None:
    path = write(tmp_path / "rec.csv", make_frames(20))
    async with running_server(RecordingSource(path, loop=True), speed=None, loop=True, wait_clients=1) as srv:
        async with client(srv.url) as ws:
            got = await asyncio.wait_for(collect(ws, limit=50), T(10))
    assert [m.frame.seq for m in got.frames] == [i % 20 for i in range(50)]
    assert got.hello is not None and got.hello.source.loop


@pytest.mark.parametrize("ext", ["txt", "jsonl"])
async def test_pause_seek_resume_speed_from_a_client_seen_by_all(tmp_path: Path, ext: str) -> None:
    path = write(tmp_path / f"rec.{ext}", make_frames(600), fps=30.0)
    async with running_server(RecordingSource(path), speed=1.0, wait_clients=2) as srv:
        async with client(srv.url, P.WireFormat.JSON) as ws, client(srv.url) as other:
            seen: list[int] = []

            async def next_of(conn, kind, log=None):  # type: ignore[no-untyped-def]
                while True:
                    msg = P.decode(await asyncio.wait_for(conn.recv(), T(5)))
                    if log is not None and isinstance(msg, P.FrameMessage):
                        log.append(msg.frame.seq)
                    if isinstance(msg, kind):
                        return msg

            await next_of(ws, P.FrameMessage, seen)
            await ws.send(P.encode(P.Pause(), P.WireFormat.JSON))
            assert (await next_of(ws, P.State, seen)).paused
            while not (await next_of(other, P.State)).paused:  # every client sees the same replay
                pass
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(next_of(ws, P.FrameMessage, seen), 0.3)
            await ws.send(P.encode(P.Seek(450), P.WireFormat.JSON))
            assert (await next_of(ws, P.State, seen)).position == 450
            shown = await next_of(ws, P.FrameMessage, seen)  # paused: shows the frame sought to
            assert shown.frame.seq == 450
            await ws.send(P.encode(P.SetSpeed(None), P.WireFormat.JSON))
            assert (await next_of(ws, P.State, seen)).speed is None
            await ws.send(P.encode(P.Resume(), P.WireFormat.JSON))
            assert not (await next_of(ws, P.State, seen)).paused
            rest = await asyncio.wait_for(collect(ws), T(20))
            other_rest = await asyncio.wait_for(collect(other), T(20))
    assert [m.frame.seq for m in rest.frames] == list(range(451, 600))
    expected = {f.seq: f for f in open_reader(path).frames_from(450)}
    for m in rest.frames:
        want = expected[m.frame.seq].world
        assert (m.frame.world is None and want is None) or np.array_equal(m.frame.world, want)  # type: ignore[arg-type]
    assert other_rest.frames[-1].frame.seq == 599


async def test_seek_backwards_while_playing(tmp_path: Path) -> None:
    path = write(tmp_path / "rec.txt", make_frames(300))
    async with running_server(RecordingSource(path), speed=1.0, wait_clients=1) as srv:
        async with client(srv.url) as ws:
            while True:
                msg = P.decode(await asyncio.wait_for(ws.recv(), T(5)))
                if isinstance(msg, P.FrameMessage) and msg.frame.seq >= 5:
                    break
            await ws.send(P.encode(P.SetSpeed(None), P.WireFormat.MSGPACK))
            await ws.send(P.encode(P.Seek(2), P.WireFormat.MSGPACK))
            got = await asyncio.wait_for(collect(ws), T(20))
    seqs = [m.frame.seq for m in got.frames]
    restart = seqs.index(2)
    assert seqs[restart:] == list(range(2, 300))


def test_recording_source_errors(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"no such file: .*missing\.txt"):
        RecordingSource(tmp_path / "missing.txt")
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{}\n")
    with pytest.raises(FormatError, match=r"bad\.jsonl:1: expected the header line"):
        RecordingSource(bad)


@pytest.mark.parametrize("ext", ["txt", "jsonl"])
async def test_a_malformed_line_mid_file_is_reported_when_reached(tmp_path: Path, ext: str) -> None:
    path = write(tmp_path / f"rec.{ext}", make_frames(20))
    lines = path.read_text().splitlines()
    if ext == "txt":
        lines[400] = "Landmark [12,4]: (1, 2)"
        error = r"rec\.txt:401: expected 3 numbers inside '\( \)', got 2"
    else:
        lines[13] = lines[13][:-20]  # frame 12 (after the header line)
        error = r"rec\.jsonl:14: not valid JSON"
    path.write_text("\n".join(lines) + "\n")
    source = RecordingSource(path)
    seqs = []
    with pytest.raises(FormatError, match=error):
        async for frame in source.frames_from(0):
            seqs.append(frame.seq)
    assert seqs == list(range(12))  # every frame before the bad one is replayed


# --------------------------------------------------------------------------- through the CLI


def _reap(proc: subprocess.Popen[str], timeout: float) -> str:
    """Wait for the server to exit and return its stderr; kill it (and fail) if it does not."""
    try:
        return proc.communicate(timeout=T(timeout))[1]
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise


def _start_serve(args: list[str]) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "bridge", "serve", *args, "--port", "0"],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stderr is not None
    while True:
        line = proc.stderr.readline()
        if not line:
            proc.wait(timeout=T(10))
            raise AssertionError(f"serve exited with {proc.returncode} before listening")
        m = re.search(r"ws://127\.0\.0\.1:(\d+)/", line)
        if m:
            return proc, f"ws://127.0.0.1:{m.group(1)}/"


async def test_cli_serve_replays_an_image_coordinate_txt_at_fps(tmp_path: Path) -> None:
    path = write(tmp_path / "rec.txt", make_frames(20), coords="image")
    proc, url = _start_serve([str(path), "--coords", "image", "--fps", "60", "--wait-clients", "1"])
    try:
        async with client(url) as ws:
            got = await asyncio.wait_for(collect(ws), T(20))
    finally:
        _reap(proc, 10)
    assert proc.returncode == 0
    assert got.hello is not None
    assert got.hello.source.kind == "recording" and got.hello.source.fps == 60.0
    assert got.hello.source.coords == ("image",) and got.hello.source.frames == 20
    assert all(m.frame.world is None for m in got.frames)
    expected = list(open_reader(path, coords="image"))
    assert [m.frame.seq for m in got.frames] == list(range(20))
    for m, f in zip(got.frames, expected, strict=True):
        assert np.array_equal(m.frame.image, f.image)  # type: ignore[arg-type]


def test_cli_serve_rejects_fps_for_a_video_and_bad_recordings(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("x\n")
    out = subprocess.run([sys.executable, "-m", "bridge", "serve", str(bad)], capture_output=True, text=True)
    assert out.returncode == 2
    expected = f"pose-bridge: error: {bad}:1: the header must start with 'seq,t,captured_ns': 'x'"
    assert out.stderr.strip().endswith(expected)
    out = subprocess.run(
        [sys.executable, "-m", "bridge", "serve", "demo", "--fps", "10"], capture_output=True, text=True
    )
    assert out.returncode == 2 and "--fps applies to txt and CSV recordings only" in out.stderr


def test_cli_serve_refuses_to_record_over_the_recording_it_replays(tmp_path: Path) -> None:
    path = write(tmp_path / "rec.txt", make_frames(3))
    before = path.read_bytes()
    out = subprocess.run(
        [sys.executable, "-m", "bridge", "serve", str(path), "--record", str(path)], capture_output=True, text=True
    )
    assert out.returncode == 2
    assert f"pose-bridge: error: --record {path} would overwrite the recording being replayed" in out.stderr
    assert path.read_bytes() == before


@pytest.mark.parametrize("ext", ["jsonl", "csv"])
def test_asking_for_a_coordinate_set_the_file_lacks(tmp_path: Path, ext: str) -> None:
    path = write(tmp_path / f"rec.{ext}", make_frames(3), coords="world")
    with pytest.raises(FormatError, match=rf"rec\.{ext}: holds world coordinates, not image$"):
        RecordingSource(path, coords="image")


async def test_cli_replay_of_a_file_with_a_bad_line_plays_up_to_it_then_exits_2(tmp_path: Path) -> None:
    path = write(tmp_path / "rec.txt", make_frames(20))
    lines = path.read_text().splitlines()
    lines[400] = "Landmark [12,4]: (1, 2)"
    path.write_text("\n".join(lines) + "\n")
    proc, url = _start_serve([str(path), "--speed", "max", "--wait-clients", "1"])
    try:
        async with client(url) as ws:
            got = await asyncio.wait_for(collect(ws), T(20))
    finally:
        err = _reap(proc, 20)
    assert [m.frame.seq for m in got.frames] == list(range(12)) and got.end is not None
    assert proc.returncode == 2
    assert f"pose-bridge: error: {path}:401: expected 3 numbers inside '( )', got 2: 'Landmark [12,4]: (1, 2)'" in err
