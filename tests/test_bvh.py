"""BVH export, read back by an independent reader (bvhio): forward kinematics, frame count and time, kill -9."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from bridge.cli import main
from bridge.errors import UserError
from bridge.formats import open_reader, open_writer
from bridge.formats.bvh import JOINT_NAMES, BvhWriter, euler_zxy, repair
from bridge.frame import PoseFrame
from bridge.humanoid import BONES, HumanoidPose, HumanoidSolver, fk
from bridge.humanoid.model import REST_DIRECTIONS
from bridge.sources.demo import pose_at
from tests.media import ROOT, scaled_timeout
from tests.test_humanoid import random_pose

with warnings.catch_warnings():  # bvhio imports PyGLM the way PyGLM plans to deprecate
    warnings.simplefilter("ignore", PendingDeprecationWarning)
    import bvhio
    import glm

#: Each bone's main child joint (its direction is joint → child), or None: an End Site gives it.
CHILD = {
    "Spine": "Chest", "Chest": "Neck", "Neck": "Head", "Head": None,
    "LeftShoulder": "LeftUpperArm", "LeftUpperArm": "LeftLowerArm", "LeftLowerArm": "LeftHand", "LeftHand": None,
    "RightShoulder": "RightUpperArm", "RightUpperArm": "RightLowerArm", "RightLowerArm": "RightHand",
    "RightHand": None,
    "LeftUpperLeg": "LeftLowerLeg", "LeftLowerLeg": "LeftFoot", "LeftFoot": "LeftToes", "LeftToes": None,
    "RightUpperLeg": "RightLowerLeg", "RightLowerLeg": "RightFoot", "RightFoot": "RightToes", "RightToes": None,
}  # fmt: skip


def expected_direction(d: np.ndarray) -> np.ndarray:
    """A solver bone direction (Unity axes, camera space) as the BVH shows it: turned to face +z, x mirrored."""
    return np.array([d[0], d[1], -d[2]])  # half turn about y: (−x, y, −z); then x ↦ −x


def bvh_directions(path: Path, frames: int) -> list[dict[str, np.ndarray]]:
    """Every bone's direction on every frame as bvhio reads the file.

    Bones with a child joint: bvhio's own forward kinematics (its joints' world positions). Bones that end
    in an End Site (Head, hands, toes): the End Site offset turned by the joint's world rotation, composed
    from the local rotations bvhio parsed from the channels.
    """
    root = bvhio.readAsHierarchy(str(path))
    joints = {j.Name: j for j, _, _ in root.layout()}
    parsed = bvhio.readAsBvh(str(path))
    raw: dict[str, tuple[bvhio.BvhJoint, str | None]] = {}

    def walk(j: bvhio.BvhJoint, parent: str | None) -> None:
        raw[j.Name] = (j, parent)
        for c in j.Children:
            walk(c, j.Name)

    walk(parsed.Root, None)

    def world(name: str, k: int) -> glm.quat:
        j, parent = raw[name]
        local = j.Keyframes[k].Rotation
        return local if parent is None else world(parent, k) * local

    out = []
    for k in range(frames):
        root.loadPose(k)
        dirs = {}
        for bone, child in CHILD.items():
            name = JOINT_NAMES[bone]
            if child is not None:
                v = np.array(joints[JOINT_NAMES[child]].PositionWorld) - np.array(joints[name].PositionWorld)
            else:
                v = np.array(world(name, k) * raw[name][0].EndSite)
            dirs[bone] = v / np.linalg.norm(v)
        out.append(dirs)
    return out


def assert_within_one_degree(poses: list[HumanoidPose | None], path: Path) -> float:
    """bvhio's forward kinematics of ``path`` reproduce every pose's bone directions within 1° (returns the worst)."""
    worst = 0.0
    for pose, got in zip(poses, bvh_directions(path, len(poses)), strict=True):
        rot = np.tile([0.0, 0.0, 0.0, 1.0], (len(BONES), 1)) if pose is None else pose.rotations
        want = fk.bone_directions(rot)
        for bone in REST_DIRECTIONS:
            e = expected_direction(want[bone])
            angle = float(np.degrees(np.arccos(np.clip(e @ got[bone], -1.0, 1.0))))
            worst = max(worst, angle)
            assert angle < 1.0, (bone, angle)
    return worst


def _poses(n: int, seed: int = 0) -> list[HumanoidPose]:
    rng = np.random.default_rng(seed)
    return [
        HumanoidPose(rng.normal(0, 0.2, 3).astype(np.float32), random_pose(rng).astype(np.float32)) for _ in range(n)
    ]


def test_euler_angles_agree_with_scipy_and_survive_gimbal_lock() -> None:
    q = Rotation.random(200, random_state=1).as_quat()
    ours = euler_zxy(q)
    assert np.allclose(Rotation.from_euler("ZXY", ours, degrees=True).as_matrix(), Rotation.from_quat(q).as_matrix())
    assert np.allclose(ours, Rotation.from_quat(q).as_euler("ZXY", degrees=True), atol=1e-6)
    locked = Rotation.from_euler("ZXY", [[30, 90, 20], [-50, -90, 10]], degrees=True).as_quat()
    back = Rotation.from_euler("ZXY", euler_zxy(locked), degrees=True)
    assert np.allclose(back.as_matrix(), Rotation.from_quat(locked).as_matrix(), atol=1e-6)


@pytest.mark.parametrize("fps", [30.0, 24.0])
def test_random_poses_read_back_by_bvhio_within_one_degree(tmp_path: Path, fps: float) -> None:
    poses = _poses(40)
    out = tmp_path / "random.bvh"
    with open_writer(out, fps=fps) as w:
        assert isinstance(w, BvhWriter)
        for i, pose in enumerate(poses):
            w.write(PoseFrame(i, i / fps, 0, humanoid=pose))
    bvh = bvhio.readAsBvh(str(out))
    assert bvh.FrameCount == 40 and abs(bvh.FrameTime - 1 / fps) < 1e-8
    worst = assert_within_one_degree(poses, out)  # type: ignore[arg-type]
    assert worst < 0.1  # in fact: six decimals of degrees and float32 rotations
    # the hips: rest height 89 cm plus the root motion, turned half round (−x, y, −z), then x mirrored
    root = bvhio.readAsHierarchy(str(out))
    for k in (0, 17):
        root.loadPose(k)
        h = poses[k].hips.astype(np.float64)
        assert np.allclose(np.array(root.PositionWorld), np.array([h[0], h[1] + 0.89, -h[2]]) * 100, atol=1e-3)


def test_frames_before_anybody_and_an_irregular_clock(tmp_path: Path) -> None:
    """Rest pose before the first person; slots follow t: a late frame holds the previous pose, a loop continues."""
    poses = _poses(3, seed=4)
    out = tmp_path / "clock.bvh"
    w = BvhWriter(out, fps=10.0)
    w.write(PoseFrame(0, 5.0, 0))  # nobody yet: the rest pose (the first t is the file's zero)
    w.write(PoseFrame(1, 5.1, 0, humanoid=poses[0]))
    w.write(PoseFrame(2, 5.13, 0, humanoid=poses[1]))  # same slot as the previous: dropped
    w.write(PoseFrame(3, 5.4, 0, humanoid=poses[2]))  # slot 4: slots 2 and 3 hold the previous pose
    w.write(PoseFrame(0, 0.0, 0, humanoid=poses[1]))  # a loop: continues at slot 5
    w.close()
    assert w.frames_written == 6 and w.dropped == 1
    assert_within_one_degree([None, poses[0], poses[0], poses[0], poses[2], poses[1]], out)


def test_extract_format_bvh_from_the_demo_recording_matches_the_solver(tmp_path: Path) -> None:
    """``serve REC --record out.bvh`` (replay at full speed) holds the solver's pose of every frame."""
    rec = tmp_path / "demo.jsonl"
    frames = []
    with open_writer(rec, fps=30.0) as w:
        for i in range(45):
            frame = PoseFrame(i, i / 30, 1_700_000_000_000_000_000 + i, *pose_at(i))
            frames.append(frame)
            w.write(frame)
    out = tmp_path / "demo.bvh"
    done = subprocess.run(
        [sys.executable, "-m", "bridge", "serve", str(rec), "--port", "0", "--speed", "max", "--record", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=scaled_timeout(60),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    solver = HumanoidSolver()
    poses = [solver(f).humanoid for f in frames]
    bvh = bvhio.readAsBvh(str(out))
    assert bvh.FrameCount == 45 and abs(bvh.FrameTime - 1 / 30) < 1e-8
    assert_within_one_degree(poses, out)


def _complete_lines(path: Path) -> int:
    text = path.read_bytes()
    motion = text[text.index(b"Frame Time:") :].split(b"\n")[1:]
    return sum(1 for line in motion[:-1] if len(line.split()) == 66)


async def test_a_live_recording_killed_with_sigkill_is_read_back(tmp_path: Path) -> None:
    """``serve demo --record x.bvh`` killed with SIGKILL: the header counts every complete frame; bvhio reads them."""
    out = tmp_path / "live.bvh"
    proc = subprocess.Popen(
        [sys.executable, "-m", "bridge", "serve", "demo", "--port", "0", "--record", str(out)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + scaled_timeout(30)
        while time.monotonic() < deadline and (not out.exists() or _complete_lines(out) < 40):
            await asyncio.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=scaled_timeout(10))
    finally:
        if proc.poll() is None:
            proc.kill()
    n = _complete_lines(out)
    assert n >= 40
    bvh = bvhio.readAsBvh(str(out))
    assert bvh.FrameCount == n and abs(bvh.FrameTime - 1 / 30) < 1e-8
    assert repair(out) == n  # nothing to repair
    # the demo's pose of frame k (BVH frame k is demo frame k: a live 30 fps source, sampled at 30 fps)
    solver = HumanoidSolver()
    poses = [solver(PoseFrame(i, i / 30, 0, *pose_at(i))).humanoid for i in range(n)]
    directions = bvh_directions(out, n)
    misses = 0
    for pose, got in zip(poses, directions, strict=True):
        assert pose is not None
        want = fk.bone_directions(pose.rotations)
        misses += any(float(expected_direction(want[b]) @ got[b]) < np.cos(np.radians(1.0)) for b in REST_DIRECTIONS)
    assert misses <= n // 10  # a live clock may shift a frame into its neighbour's slot now and then


def test_repair_cuts_a_torn_line_and_recounts(tmp_path: Path) -> None:
    poses = _poses(12, seed=2)
    out = tmp_path / "torn.bvh"
    with BvhWriter(out, fps=30.0) as w:
        for i, pose in enumerate(poses):
            w.write(PoseFrame(i, i / 30, 0, humanoid=pose))
    data = out.read_bytes()
    torn = data[: len(data) - 200].replace(b"Frames: 12        ", b"Frames: 99        ")  # power loss, stale count
    out.write_bytes(torn)
    assert repair(out) == 11
    bvh = bvhio.readAsBvh(str(out))
    assert bvh.FrameCount == 11
    assert_within_one_degree(poses[:11], out)  # type: ignore[arg-type]
    assert repair(out) == 11  # idempotent


def test_bvh_is_written_not_replayed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "x.bvh"
    BvhWriter(out).close()
    assert bvhio.readAsBvh(str(out)).FrameCount == 0  # an empty file is a valid BVH
    with pytest.raises(UserError, match="does not replay"):
        open_reader(out)
    assert main(["serve", str(out), "--port", "0"]) == 2
    assert "does not replay" in capsys.readouterr().err


@pytest.mark.blazepose
def test_extract_format_bvh_on_real_footage(tmp_path: Path) -> None:
    """``extract VIDEO -o out.bvh``: one BVH frame per video frame at the video's rate, the solver's pose of each."""
    from bridge.extract import iter_frames
    from tests.media import make_video, media_dir

    video = make_video(media_dir() / "messi5.jpg", tmp_path / "messi.avi", frames=24, fps=24.0)
    out = tmp_path / "messi.bvh"
    assert main(["extract", str(video), "-o", str(out), "--no-progress"]) == 0
    bvh = bvhio.readAsBvh(str(out))
    assert bvh.FrameCount == 24 and abs(bvh.FrameTime - 1 / 24) < 1e-8
    solver = HumanoidSolver()
    poses = [solver(f).humanoid for f in iter_frames(video)]  # the same video through BlazePose again
    assert all(p is not None for p in poses)
    assert_within_one_degree(poses, out)
