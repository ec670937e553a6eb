"""The humanoid solver on real BlazePose output: real photos of people made into videos, the real model.

BlazePose runs through the real CLI (``pose-bridge extract VIDEO -o OUT.jsonl``); the solver then runs
on the recorded world landmarks exactly as ``serve --avatar`` runs it on published frames.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from bridge.angles import joint_angles
from bridge.formats import open_reader
from bridge.frame import PoseFrame
from bridge.humanoid import BONES, HumanoidSolver, RotationSmoothing, SolverOptions, fk, quat
from bridge.humanoid.limits import within
from bridge.smoothing import PoseSmoother
from tests.cli_process import run_cli
from tests.media import make_video

pytestmark = pytest.mark.blazepose


def blazepose(video: Path, tmp: Path) -> list[PoseFrame]:
    out = tmp / (video.stem + ".jsonl")
    done = run_cli("extract", str(video), "-o", str(out), "--no-progress")
    assert done.returncode == 0, done.stderr
    return list(open_reader(out))


@pytest.fixture(scope="module")
def footage(person_video: Path, short_video: Path, tmp_path_factory: pytest.TempPathFactory) -> list[list[PoseFrame]]:
    tmp = tmp_path_factory.mktemp("humanoid")
    return [blazepose(person_video, tmp), blazepose(short_video, tmp)]


def test_real_footage_gives_finite_rotations_within_limits(footage: list[list[PoseFrame]]) -> None:
    for frames in footage:
        assert sum(f.world is not None for f in frames) >= 0.9 * len(frames)
        solver = HumanoidSolver()
        for f in frames:
            pose = solver.solve(f.world, f.t)
            assert pose is not None
            assert np.isfinite(pose.rotations).all() and np.isfinite(pose.hips).all()
            assert np.allclose(np.linalg.norm(pose.rotations, axis=1), 1.0, atol=1e-5)
            for bone, q in zip(BONES, pose.rotations, strict=True):
                assert within(bone, q.astype(np.float64), 1e-3), bone
            # a whole, upright person facing the camera: trunk, head and all four limbs are solved
            assert {"Hips", "Head", "LeftUpperArm", "RightLowerArm", "LeftUpperLeg", "RightLowerLeg"} <= solver.seen


def test_real_footage_flexion_equals_the_angles(footage: list[list[PoseFrame]]) -> None:
    """Elbow and knee flexion from the solved rotations = ``--angles`` within 2° wherever no limit moved them."""
    compared = clamped = 0
    for frames in footage:
        solver = HumanoidSolver()
        for f in frames:
            pose = solver.solve(f.world, f.t)
            if pose is None or f.world is None:
                continue
            d = fk.bone_directions(pose.rotations)
            angles = joint_angles(f.world)
            for side in ("left", "right"):
                cap = side.capitalize()
                for joint, (upper, lower) in (("elbow", ("UpperArm", "LowerArm")), ("knee", ("UpperLeg", "LowerLeg"))):
                    measured = angles[f"{side}_{joint}"]
                    bones = {cap + upper, cap + lower}
                    if measured is None or not bones <= solver.seen:
                        continue
                    if bones & solver.clamped:
                        clamped += 1
                        continue
                    cos = float(np.clip(np.dot(d[cap + upper], d[cap + lower]), -1, 1))
                    solved = 180.0 - math.degrees(math.acos(cos))
                    assert abs(solved - measured) < 2.0, (side, joint, solved, measured)
                    compared += 1
    assert compared >= 200 and clamped <= 0.05 * (compared + clamped)


def _jitter(frames: list[PoseFrame], options: SolverOptions, smooth_landmarks: bool = False) -> float:
    """Mean frame-to-frame change of the bones' rotations in degrees (after 15 frames of warm-up)."""
    solver = HumanoidSolver(options)
    smoother = PoseSmoother() if smooth_landmarks else None
    prev, steps = None, []
    for k, f in enumerate(frames):
        pose = solver.solve((smoother(f) if smoother else f).world, f.t)
        assert pose is not None
        rot = pose.rotations.astype(np.float64)
        if prev is not None and k > 15:
            steps += [quat.angle_between(a, b) for a, b in zip(prev, rot, strict=True)]
        prev = rot
    return math.degrees(float(np.mean(steps)))


def test_jitter_on_a_still_person_with_and_without_smoothing(media: Path, tmp_path: Path) -> None:
    """A still photo with sensor noise: every change of a rotation is jitter; smoothing must cut it."""
    video = make_video(media / "basketball1.png", tmp_path / "still.avi", frames=90, motion=0, noise=8)
    frames = blazepose(video, tmp_path)
    raw = _jitter(frames, SolverOptions())
    rotations = _jitter(frames, SolverOptions(smoothing=RotationSmoothing()))
    landmarks = _jitter(frames, SolverOptions(), smooth_landmarks=True)
    print(f"jitter per bone and frame: raw {raw:.2f}°, rotation smoothing {rotations:.2f}°, --smooth {landmarks:.2f}°")
    assert 0.0 < raw < 5.0  # BlazePose on a clear, still person: degrees, not tens of degrees
    assert rotations < 0.5 * raw and landmarks < 0.5 * raw
