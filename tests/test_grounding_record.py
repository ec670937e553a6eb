"""A JSONL recording of a grounded stream replays as the same grounded stream (the header's ``avatar``).

``serve demo --avatar --grounded --record x.jsonl`` → ``serve x.jsonl``: real servers in subprocesses, real
WebSocket clients; the replay announces ``root_motion: grounded`` and streams the same humanoid and contacts.
"""

from __future__ import annotations

import asyncio
import json
import signal
from pathlib import Path

import numpy as np
import pytest
from websockets.asyncio.client import connect

from bridge import protocol as P
from bridge.cli import main
from bridge.formats import open_reader
from bridge.humanoid.avatar import AvatarSettings
from tests.cli_process import ServeProcess
from tests.media import scaled_timeout
from tests.test_avatar_stream import _collect


async def _replay(url: str) -> tuple[P.Hello, list[P.FrameMessage]]:
    """Every frame of a replay (``--speed max`` waits for a client that keeps up), up to ``end``."""
    async with connect(url, subprotocols=[P.WireFormat.MSGPACK.value]) as ws:  # type: ignore[list-item]
        hello = P.decode(await asyncio.wait_for(ws.recv(), scaled_timeout(20)))
        assert isinstance(hello, P.Hello)
        frames: list[P.FrameMessage] = []
        while True:
            msg = P.decode(await asyncio.wait_for(ws.recv(), scaled_timeout(20)))
            if isinstance(msg, P.FrameMessage):
                frames.append(msg)
            elif isinstance(msg, P.End):
                return hello, frames


async def test_grounded_recording_replays_the_same_grounded_motion(tmp_path: Path) -> None:
    rec = tmp_path / "x.jsonl"
    live = await ServeProcess.start("demo", "--avatar", "--grounded", "--camera-fov", "70", "--record", str(rec))
    try:
        hello, streamed = await _collect(live.url, P.WireFormat.MSGPACK, 45)
    finally:
        live.proc.send_signal(signal.SIGINT)
        code, err = await live.wait()
    assert code == 0, err
    assert hello.root_motion == "grounded"
    header = json.loads(rec.read_text().splitlines()[0])
    assert header["avatar"] == AvatarSettings("grounded", camera_fov=70.0).to_json()

    replay = await ServeProcess.start(str(rec), "--speed", "max", "--wait-clients", "1")
    try:
        again, replayed = await _replay(replay.url)
    finally:
        replay.proc.send_signal(signal.SIGINT)
        code, err = await replay.wait()
    assert code == 0, err
    assert again.root_motion == "grounded" and again.humanoid_bones == hello.humanoid_bones
    assert len(replayed) == len(list(open_reader(rec))) >= 45
    by_t = {m.frame.t: m.frame.humanoid for m in replayed}
    compared = 0
    for msg in streamed:  # the live client may have skipped frames (newest wins): compare those it got
        live_pose, replay_pose = msg.frame.humanoid, by_t[msg.frame.t]
        assert live_pose is not None and replay_pose is not None
        assert live_pose.contacts is not None and replay_pose.contacts == live_pose.contacts
        assert np.array_equal(live_pose.hips, replay_pose.hips)
        assert np.array_equal(live_pose.rotations, replay_pose.rotations)
        compared += 1
    assert compared == 45
    contacts = [p.contacts for p in by_t.values() if p is not None]
    assert any(c is not None and any(c) for c in contacts)


async def test_an_explicit_avatar_option_overrides_the_recording(tmp_path: Path) -> None:
    rec = tmp_path / "x.jsonl"
    live = await ServeProcess.start("demo", "--avatar", "--grounded", "--record", str(rec))
    try:
        await _collect(live.url, P.WireFormat.MSGPACK, 5)
    finally:
        live.proc.send_signal(signal.SIGINT)
        await live.wait()
    replay = await ServeProcess.start(str(rec), "--avatar", "--root-motion")
    try:
        hello, frames = await _collect(replay.url, P.WireFormat.MSGPACK, 2)
    finally:
        await replay.kill()
    assert hello.root_motion == "raw" and all(m.frame.humanoid.contacts is None for m in frames)  # type: ignore[union-attr]
    plain = tmp_path / "plain.jsonl"
    rec_lines = rec.read_text().splitlines()
    header = json.loads(rec_lines[0])
    del header["avatar"]
    plain.write_text("\n".join([json.dumps(header), *rec_lines[1:]]) + "\n")
    replay = await ServeProcess.start(str(plain))
    try:
        hello, frames = await _collect(replay.url, P.WireFormat.MSGPACK, 2)
    finally:
        await replay.kill()
    assert hello.humanoid_bones == () and frames[0].frame.humanoid is None  # no avatar recorded, none asked for


@pytest.mark.parametrize(
    ("avatar", "message"),
    [
        ('"grounded"', "header field 'avatar': must be an object"),
        ('{"root_motion": "flying"}', "header field 'avatar': root_motion must be one of"),
        ('{"camera_fov": 0}', "header field 'avatar': camera_fov must be in (0, 180)"),
    ],
)
def test_a_bad_avatar_header_is_one_line(
    avatar: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rec = tmp_path / "bad.jsonl"
    rec.write_text('{"format": "pose-bridge-recording", "version": 1, "coords": ["world"], "avatar": ' + avatar + "}\n")
    assert main(["serve", str(rec), "--port", "0"]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1, err
