"""``serve --avatar``: the humanoid on the wire (both encodings), live and replayed, through the real CLI."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

import numpy as np
import pytest
from websockets.asyncio.client import connect

from bridge import protocol as P
from bridge.cli import main
from bridge.formats import open_writer
from bridge.frame import PoseFrame
from bridge.humanoid import HumanoidSolver
from bridge.skeleton import HUMANOID_BONES
from bridge.sources.demo import pose_at
from tests.cli_process import ServeProcess
from tests.media import scaled_timeout


def _frame_with_humanoid(seq: int, angles: bool) -> PoseFrame:
    image, world = pose_at(seq, 30.0)
    frame = PoseFrame(seq, seq / 30, 1_700_000_000_000_000_000 + seq, image, world)
    if angles:
        frame = frame.replace(angles={"left_elbow": 90.0})
    return HumanoidSolver()(frame)


@pytest.mark.parametrize("angles", [False, True])
def test_humanoid_encodes_like_the_generic_writer_and_decodes_back(angles: bool) -> None:
    """The hot msgpack path (no angles) writes the same bytes as the generic one, and both decode exactly."""
    frame = _frame_with_humanoid(5, angles)
    assert frame.humanoid is not None
    raw = P.encode(P.FrameMessage(frame, 9), P.WireFormat.MSGPACK)
    items = [("type", "frame"), ("seq", 5), ("t", frame.t), ("captured_ns", frame.captured_ns)]
    items += [("image", P._block_bytes(frame.image)), ("world", P._block_bytes(frame.world))]
    items += [("angles", dict(frame.angles))] if angles else []  # type: ignore[arg-type]
    items += [("humanoid", frame.humanoid.values().astype("<f4").tobytes()), ("sent_ns", 9)]
    assert raw == P._pack_items(items)
    for fmt in P.WireFormat:
        back = P.decode(P.encode(P.FrameMessage(frame, 9), fmt))
        assert isinstance(back, P.FrameMessage) and back.frame == frame
    # 87 float32 in one bin: 348 bytes + the key and the bin header
    no_humanoid = P.encode(P.FrameMessage(frame.replace(humanoid=None), 9), P.WireFormat.MSGPACK)
    assert len(raw) - len(no_humanoid) == len("humanoid") + 1 + 3 + 4 * (3 + 4 * len(HUMANOID_BONES))


async def _collect(url: str, fmt: P.WireFormat, n: int) -> tuple[P.Hello, list[P.FrameMessage]]:
    async with connect(url, subprotocols=[fmt.value]) as ws:  # type: ignore[list-item]
        hello = P.decode(await asyncio.wait_for(ws.recv(), scaled_timeout(20)))
        assert isinstance(hello, P.Hello)
        frames: list[P.FrameMessage] = []
        while len(frames) < n:
            msg = P.decode(await asyncio.wait_for(ws.recv(), scaled_timeout(20)))
            if isinstance(msg, P.FrameMessage):
                frames.append(msg)
        return hello, frames


async def _stop(server: ServeProcess) -> None:
    server.proc.send_signal(signal.SIGINT)
    code, _ = await server.wait()
    assert code == 0


@pytest.mark.parametrize("fmt", list(P.WireFormat))
async def test_serve_demo_with_avatar_streams_the_solvers_pose(fmt: P.WireFormat) -> None:
    server = await ServeProcess.start("demo", "--avatar")
    try:
        hello, frames = await _collect(server.url, fmt, 20)
    finally:
        await _stop(server)
    assert hello.humanoid_bones == HUMANOID_BONES
    solver = HumanoidSolver()
    for msg in frames:
        f = msg.frame
        assert f.humanoid is not None and f.humanoid.rotations.shape == (len(HUMANOID_BONES), 4)
        # the demo shows every landmark in every frame, so a fresh solver on the frame's landmarks agrees
        expected = solver.solve(f.world, f.t)
        assert expected is not None
        assert np.allclose(f.humanoid.rotations, expected.rotations, atol=1e-6)
        assert np.array_equal(f.humanoid.hips, np.zeros(3, dtype=np.float32))  # in place by default
        assert np.allclose(np.linalg.norm(f.humanoid.rotations, axis=1), 1.0, atol=1e-5)


async def test_serve_without_avatar_sends_no_humanoid() -> None:
    server = await ServeProcess.start("demo")
    try:
        hello, frames = await _collect(server.url, P.WireFormat.MSGPACK, 3)
    finally:
        await _stop(server)
    assert hello.humanoid_bones == ()
    assert all(m.frame.humanoid is None for m in frames)


async def test_a_replayed_recording_gets_the_avatar_and_moves_the_root(tmp_path: Path) -> None:
    """Recordings keep landmarks only; ``serve REC --avatar`` solves them on replay (root motion from image)."""
    rec = tmp_path / "walk.jsonl"
    writer = open_writer(rec, fps=30.0, source={"kind": "demo", "width": 640, "height": 480})
    for i in range(60):
        image, world = pose_at(i, 30.0)
        writer.write(PoseFrame(i, i / 30.0, 1_700_000_000_000_000_000 + i, image, world))
    writer.close()
    server = await ServeProcess.start(str(rec), "--avatar", "--avatar-smooth", "--root-motion", "--speed", "4")
    try:
        hello, frames = await _collect(server.url, P.WireFormat.JSON, 40)
    finally:
        await server.kill()
    assert hello.humanoid_bones == HUMANOID_BONES and hello.source.replay
    poses = [m.frame.humanoid for m in frames]
    assert all(p is not None for p in poses)
    # the demo walks in place while its image landmarks sway a little: the root moves, but not far
    travel = max(float(np.linalg.norm(p.hips)) for p in poses if p is not None)
    assert 0.0 < travel < 0.5


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["serve", "--root-motion"], "--root-motion needs --avatar"),
        (["serve", "--avatar-smooth"], "--avatar-smooth needs --avatar"),
        (["serve", "--avatar", "--root-motion", "--camera-fov", "0"], "--camera-fov"),
    ],
)
def test_bad_avatar_options_are_user_errors(args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    try:
        code = main([*args, "--port", "0"])
    except SystemExit as exc:  # argparse rejects a bad value itself (exit 2)
        code = exc.code  # type: ignore[assignment]
    assert code == 2
    assert message in capsys.readouterr().err


async def test_avatar_example_prints_the_pose() -> None:
    import sys

    from tests.media import ROOT

    server = await ServeProcess.start("demo", "--avatar")
    try:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, str(ROOT / "examples" / "avatar.py"), server.url, "--frames", "3",
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, cwd=ROOT,
        )  # fmt: skip
        out, err = await asyncio.wait_for(proc.communicate(), scaled_timeout(30))
    finally:
        await server.kill()
    lines = out.decode().splitlines()
    assert proc.returncode == 0, err.decode()
    assert lines[0].startswith("hello: 21 humanoid bones: Hips, Spine, Chest")
    assert len(lines) == 4 and all("heading 180°" in line or "heading -180°" in line for line in lines[1:]), lines
    assert all("left elbow" in line and "right knee" in line for line in lines[1:])
