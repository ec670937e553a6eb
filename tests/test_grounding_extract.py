"""``extract --format bvh --grounded / --root-motion``: the solver of ``serve``, built for the video's size, on Dask.

Real BlazePose on real footage (vtest.avi's walkers), read back with bvhio (an independent BVH reader).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

from bridge.cli import main
from bridge.formats import open_reader
from bridge.formats.bvh import bvh_channels
from bridge.humanoid.avatar import AvatarSettings
from bridge.humanoid.fk import joint_positions
from bridge.humanoid.grounding import sole_points
from bridge.humanoid.model import BONE_INDEX, HIPS_HEIGHT
from tests.media import VTEST_WALKER_SIZE, make_vtest_walker

with warnings.catch_warnings():  # bvhio imports PyGLM the way PyGLM plans to deprecate
    warnings.simplefilter("ignore", PendingDeprecationWarning)
    import bvhio


@pytest.fixture(scope="module")
def walker(media: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """60 frames of vtest.avi's right half, enlarged twice (where BlazePose finds a walker)."""
    return make_vtest_walker(media, tmp_path_factory.mktemp("walker") / "walker.avi")


def _hips_channels(path: Path) -> np.ndarray:
    """The Hips position channels (cm, BVH axes) of every frame, read by bvhio."""
    bvh = bvhio.readAsBvh(str(path))
    return np.array([[k.Position.x, k.Position.y, k.Position.z] for k in bvh.Root.Keyframes])


@pytest.mark.blazepose
def test_extract_bvh_grounded_on_real_footage(walker: Path, tmp_path: Path) -> None:
    """The BVH hips are the grounded solve of the same landmarks: they travel, stay finite, the feet on y = 0."""
    out, landmarks = tmp_path / "walk.bvh", tmp_path / "walk.jsonl"
    assert main(["extract", str(walker), "-o", str(out), "--grounded", "--no-progress"]) == 0
    assert main(["extract", str(walker), "-o", str(landmarks), "--no-progress"]) == 0
    hips = _hips_channels(out)
    assert hips.shape == (60, 3) and np.isfinite(hips).all()
    assert np.ptp(hips[:, [0, 2]], axis=0).max() > 5.0  # a walker: the hips travel (cm)
    # the same solver as serve's, for the video's size: the file's hips are its grounded hips
    solver = AvatarSettings("grounded").solver(*VTEST_WALKER_SIZE)
    poses = [solver(f).humanoid for f in open_reader(landmarks)]
    assert sum(p is not None for p in poses) >= 20
    root = bvhio.readAsHierarchy(str(out))
    feet = [j for j, _, _ in root.layout() if j.Name in ("LeftFoot", "RightFoot")]
    lows = []
    for k, pose in enumerate(poses):
        if pose is None:
            continue
        assert np.allclose(hips[k], bvh_channels(pose)[:3], atol=0.01)
        assert pose.contacts is not None
        if any(pose.contacts):
            lows.append(float(sole_points(pose.rotations, pose.hips)[:, :, 1].min()))  # the lowest sole (m)
            root.loadPose(k)  # the file puts the ankles where the pose does: its feet stand on y = 0 too
            ankles = joint_positions(pose.rotations, pose.hips)[[BONE_INDEX["LeftFoot"], BONE_INDEX["RightFoot"]], 1]
            assert abs(min(f.PositionWorld.y for f in feet) - 100 * ankles.min()) < 0.05
    # a planted sole is on the floor; while the hips glide to a new support (0.15 s: 1.5 frames of this 10 fps
    # clip) it is a few cm off (measured: median 0.2 cm, worst 6.6 cm)
    assert len(lows) >= 15 and np.median(np.abs(lows)) < 0.01 and np.max(np.abs(lows)) < 0.1


@pytest.mark.blazepose
def test_extract_bvh_root_motion_and_in_place_on_dask_batch(walker: Path, tmp_path: Path) -> None:
    """A folder of inputs (the batch path, 2 workers): --root-motion moves the hips, the default keeps them."""
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.avi").symlink_to(walker)
    (src / "b.avi").symlink_to(walker)
    moving, still = tmp_path / "moving", tmp_path / "still"
    common = ["--format", "bvh", "--workers", "2", "--no-progress"]
    assert main(["extract", str(src), "-o", str(moving), "--root-motion", "--avatar-smooth", *common]) == 0
    assert main(["extract", str(src / "a.avi"), "-o", str(still) + "/", *common]) == 0
    a, b = _hips_channels(moving / "a.bvh"), _hips_channels(moving / "b.bvh")
    assert np.isfinite(a).all() and np.array_equal(a, b)  # each worker builds its solver afresh
    assert np.ptp(a, axis=0).max() > 5.0
    rest = _hips_channels(still / "a.bvh")
    assert np.allclose(rest, [0.0, 100 * HIPS_HEIGHT, 0.0], atol=1e-3)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["-o", "x.jsonl", "--grounded"], "--grounded: a jsonl recording holds landmarks, not the humanoid pose"),
        (["-o", "x.csv", "--root-motion"], "--root-motion: a csv recording holds landmarks"),
        (["-o", "x.txt", "--avatar"], "--avatar: a txt recording holds landmarks"),
        (["-o", "x.bvh", "--grounded", "--camera-fov", "179.9"], "--camera-fov"),
    ],
)
def test_extract_avatar_options_errors(
    extra: list[str], message: str, walker: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    extra = [str(tmp_path / e) if e.startswith("x.") else e for e in extra]
    assert main(["extract", str(walker), *extra, "--no-progress"]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1, err
    assert not list(tmp_path.iterdir())
