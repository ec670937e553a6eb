"""``serve --record``: every streamed frame lands in the file, also when the server is killed with SIGKILL."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from pathlib import Path

import numpy as np
import pytest

from bridge import protocol as P
from bridge.formats import open_reader, open_writer
from bridge.recorder import FAST_PENDING
from bridge.sources.recording import RecordingSource
from tests.media import scaled_timeout
from tests.streaming import client, collect, running_server
from tests.test_formats import make_frames
from tests.test_replay import _reap, _start_serve

T = scaled_timeout


def assert_recorded(received: list[P.FrameMessage], path: Path, ext: str) -> None:
    """Every received frame is in the file, equal to the format's precision (txt: xyz of world)."""
    recorded = {f.seq: f for f in open_reader(path)}
    for m in received:
        f = recorded[m.frame.seq]
        if ext == "txt":
            assert (f.world is None) == (m.frame.world is None)
            if f.world is not None:
                assert np.array_equal(f.world[:, :3], m.frame.world[:, :3])  # type: ignore[index]
        else:
            assert f == m.frame


@pytest.mark.parametrize("ext", ["txt", "jsonl", "csv"])
async def test_recording_a_replay_converts_it_exactly(tmp_path: Path, ext: str) -> None:
    src = tmp_path / "src.jsonl"
    with open_writer(src, fps=30.0) as w:
        for frame in make_frames(400):
            w.write(frame)
    out = tmp_path / f"out.{ext}"
    writer = open_writer(out, fps=30.0)
    async with running_server(RecordingSource(src), speed=None, wait_clients=1, sinks=[writer]) as srv:
        async with client(srv.url) as ws:
            got = await asyncio.wait_for(collect(ws), T(30))
    assert len(got.frames) == 400 and writer.closed  # the server closes its sinks at the end
    assert open_reader(out).count() == 400
    assert_recorded(got.frames, out, ext)


@pytest.mark.parametrize("ext", ["txt", "jsonl", "csv"])
async def test_cli_record_live_demo_then_ctrl_c(tmp_path: Path, ext: str) -> None:
    out = tmp_path / f"live.{ext}"
    proc, url = _start_serve(["demo", "--record", str(out), "--wait-clients", "1"])
    try:
        async with client(url) as ws:
            got = await asyncio.wait_for(collect(ws, limit=45), T(20))
    finally:
        proc.send_signal(signal.SIGINT)
        _reap(proc, 20)
    assert proc.returncode == 0
    reader = open_reader(out)
    assert reader.count() >= 45 and not reader.truncated
    assert [m.frame.seq for m in got.frames] == list(range(45))
    assert_recorded(got.frames, out, ext)
    if ext == "jsonl":
        assert reader.info.fps == 30.0 and reader.info.source["kind"] == "demo"


@pytest.mark.parametrize("ext", ["txt", "jsonl", "csv"])
async def test_kill_9_during_record_loses_at_most_the_frame_being_written(
    tmp_path: Path, ext: str, caplog: pytest.LogCaptureFixture
) -> None:
    src = tmp_path / "src.txt"  # replayed at --speed max: thousands of frames a second are being written
    with open_writer(src) as w:
        for frame in make_frames(6000):
            w.write(frame)
    out = tmp_path / f"killed.{ext}"
    proc, url = _start_serve([str(src), "--record", str(out), "--wait-clients", "1", "--speed", "max"])
    try:
        async with client(url) as ws:
            got = await asyncio.wait_for(collect(ws, limit=1500), T(30))
            os.kill(proc.pid, signal.SIGKILL)  # mid-stream, while frames are being written
    finally:
        if proc.poll() is None:
            proc.kill()
        _reap(proc, 20)
    assert proc.returncode == -signal.SIGKILL
    with caplog.at_level(logging.WARNING, logger="bridge.formats"):
        recorded = list(open_reader(out))  # reads without an error; a cut-off last frame is skipped
    # The player queues each frame for the recorder's thread before the clients get it; with --speed max it
    # lets at most FAST_PENDING frames wait: those, and the one being written, are what a kill can lose.
    lost = FAST_PENDING + 1
    assert len(recorded) >= 1500 - lost
    assert [f.seq for f in recorded] == list(range(len(recorded)))
    assert_recorded(got.frames[:-lost], out, ext)  # everything else a client saw is on disk
    if open_reader(out).truncated:
        assert "ignored: the file ends there" in caplog.text
