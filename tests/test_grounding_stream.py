"""``serve --avatar --grounded``: contacts and the grounded root on the wire; real footage with real BlazePose."""

from __future__ import annotations

import signal
from pathlib import Path

import cv2
import numpy as np
import pytest

from bridge import protocol as P
from bridge.cli import main
from bridge.formats import open_reader
from bridge.frame import Person, PoseFrame
from bridge.humanoid import HumanoidPose, HumanoidSolver, SolverOptions
from bridge.humanoid.grounding import GroundingOptions
from bridge.sources.demo import pose_at
from tests.cli_process import ServeProcess, run_cli
from tests.media import make_vtest_walker
from tests.test_avatar_stream import _collect


def _grounded_frame(seq: int, people: bool) -> PoseFrame:
    image, world = pose_at(seq, 30.0)
    frame = PoseFrame(seq, seq / 30, 1_700_000_000_000_000_000 + seq, image, world)
    if people:
        frame = frame.replace(people=(Person(1, image, world, (0.0, 0.0, 3.0)), Person(2, image, world, None)))
    return HumanoidSolver(SolverOptions(grounding=GroundingOptions()), aspect=4 / 3)(frame)


@pytest.mark.parametrize("people", [False, True])
def test_contacts_follow_the_humanoid_and_decode_back(people: bool) -> None:
    frame = _grounded_frame(3, people)
    assert frame.humanoid is not None and frame.humanoid.contacts is not None
    raw = P.encode(P.FrameMessage(frame, 9), P.WireFormat.MSGPACK)
    text = P.encode(P.FrameMessage(frame, 9), P.WireFormat.JSON)
    assert isinstance(raw, bytes) and isinstance(text, str)
    if not people:  # the hot path writes what the generic writer writes
        items = [("type", "frame"), ("seq", 3), ("t", frame.t), ("captured_ns", frame.captured_ns)]
        items += [("image", P._block_bytes(frame.image)), ("world", P._block_bytes(frame.world))]
        items += [("humanoid", frame.humanoid.values().astype("<f4").tobytes())]
        items += [("contacts", list(frame.humanoid.contacts)), ("sent_ns", 9)]
        assert raw == P._pack_items(items)
    assert '"contacts":[' in text and text.index('"humanoid"') < text.index('"contacts"')
    for data in (raw, text):
        back = P.decode(data)
        assert isinstance(back, P.FrameMessage) and back.frame == frame
        assert all(p.humanoid is not None and p.humanoid.contacts is not None for p in back.frame.people)
    # a pose without contacts writes no key: in-place and raw streams are unchanged
    plain = frame.replace(humanoid=HumanoidPose(frame.humanoid.hips, frame.humanoid.rotations), people=())
    assert b"contacts" not in P.encode(P.FrameMessage(plain, 9), P.WireFormat.MSGPACK)  # type: ignore[operator]


@pytest.mark.parametrize("fmt", list(P.WireFormat))
async def test_serve_demo_grounded_announces_it_and_streams_contacts(fmt: P.WireFormat) -> None:
    server = await ServeProcess.start("demo", "--avatar", "--grounded")
    try:
        hello, frames = await _collect(server.url, fmt, 30)
    finally:
        server.proc.send_signal(signal.SIGINT)
        code, _ = await server.wait()
    assert code == 0
    assert hello.root_motion == "grounded"
    poses = [m.frame.humanoid for m in frames]
    assert all(p is not None and p.contacts is not None for p in poses)
    hips = np.array([p.hips for p in poses if p is not None])
    assert np.isfinite(hips).all() and (hips[:, 1] > 0.5).all() and (hips[:, 1] < 1.2).all()


async def test_serve_with_root_motion_announces_raw() -> None:
    server = await ServeProcess.start("demo", "--avatar", "--root-motion")
    try:
        hello, frames = await _collect(server.url, P.WireFormat.MSGPACK, 2)
    finally:
        await server.kill()
    assert hello.root_motion == "raw" and all(m.frame.humanoid.contacts is None for m in frames)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("args", "message"),
    [(["serve", "--grounded"], "--grounded needs --avatar"), (["serve", "--root-motion"], "--root-motion needs")],
)
def test_grounded_needs_the_avatar(args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*args, "--port", "0"]) == 2
    assert message in capsys.readouterr().err


# ---------------------------------------------------------------- real footage, real BlazePose


def _extract(video: Path, tmp: Path) -> tuple[list[PoseFrame], float]:
    out = tmp / (video.stem + ".jsonl")
    done = run_cli("extract", str(video), "-o", str(out), "--no-progress")
    assert done.returncode == 0, done.stderr
    cap = cv2.VideoCapture(str(video))
    aspect = cap.get(cv2.CAP_PROP_FRAME_WIDTH) / cap.get(cv2.CAP_PROP_FRAME_HEIGHT)
    cap.release()
    return list(open_reader(out)), aspect


def _ground(frames: list[PoseFrame], aspect: float) -> list[HumanoidPose]:
    solver = HumanoidSolver(SolverOptions(grounding=GroundingOptions()), aspect=aspect)
    poses = [solver.solve(f.world, f.t, image=f.image) for f in frames]
    return [p for p in poses if p is not None]


@pytest.mark.blazepose
def test_a_person_standing_still_stays_put_on_real_footage(person_video: Path, tmp_path: Path) -> None:
    """basketball1.png filmed by a slightly moving camera: a person who does not move."""
    frames, aspect = _extract(person_video, tmp_path)
    poses = _ground(frames, aspect)
    assert len(poses) >= 0.9 * len(frames)
    hips = np.array([p.hips for p in poses])
    assert np.isfinite(hips).all()
    assert all(p.contacts is not None for p in poses)
    contacts = np.array([p.contacts for p in poses])
    assert contacts.any(axis=1).mean() > 0.8  # standing: a foot is on the ground almost all the time
    assert contacts.all(axis=1).mean() > 0.8  # standing on both feet
    # no drift while standing still (BlazePose's first frame, before it tracks, may place the feet differently)
    drift = np.linalg.norm(hips[5:, [0, 2]] - hips[5, [0, 2]], axis=1)
    assert drift.max() < 0.05, drift.max()
    assert np.linalg.norm(hips[-1, [0, 2]] - hips[0, [0, 2]]) < 0.15
    assert 0.4 < hips[:, 1].min() and hips[:, 1].max() < 1.3


@pytest.mark.blazepose
def test_walkers_on_vtest_stay_plausible(media: Path, tmp_path: Path) -> None:
    """vtest.avi (people walking, a high camera; its right half enlarged twice, where BlazePose finds a walker)."""
    clip = make_vtest_walker(media, tmp_path / "vtest_right.avi")
    frames, aspect = _extract(clip, tmp_path)
    poses = _ground(frames, aspect)
    assert len(poses) > 30
    hips = np.array([p.hips for p in poses])
    assert np.isfinite(hips).all() and np.isfinite(np.array([p.rotations for p in poses])).all()
    assert (hips[:, 1] > 0.2).all() and (hips[:, 1] < 2.0).all()
    contacts = np.array([p.contacts for p in poses])
    assert contacts.any(axis=1).mean() > 0.5
