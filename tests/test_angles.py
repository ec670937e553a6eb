"""Joint angles on constructed poses with known angles (world coordinates, y down)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from bridge.angles import ANGLE_NAMES, TRIPLETS, joint_angles, with_angles
from bridge.frame import PoseFrame
from bridge.skeleton import INDEX, LANDMARK_NAMES


def _pose(points: dict[str, tuple[float, float, float]], visibility: float = 1.0) -> np.ndarray:
    block = np.zeros((33, 5), dtype=np.float32)
    block[:, 3:] = visibility
    for name, xyz in points.items():
        block[INDEX[name], :3] = xyz
    return block


def standing(arm_deg: float = 0.0, elbow_deg: float = 180.0, knee_deg: float = 180.0) -> np.ndarray:
    """Upright person facing the camera: arms raised sideways by ``arm_deg`` in the frontal plane,
    elbows bent forward to ``elbow_deg``, knees bent backward to ``knee_deg``."""
    pts: dict[str, tuple[float, float, float]] = {}
    for side, sx in (("left", 1.0), ("right", -1.0)):
        sh = np.array([0.2 * sx, -0.5, 0.0])
        hip = np.array([0.1 * sx, 0.0, 0.0])
        a = math.radians(arm_deg)
        upper = np.array([math.sin(a) * sx, math.cos(a), 0.0])  # arm_deg=0: straight down (+y)
        elbow = sh + 0.3 * upper
        # forearm: rotate away from the upper arm by (180 - elbow_deg) towards -z (towards the camera)
        b = math.radians(180.0 - elbow_deg)
        fore = math.cos(b) * upper + math.sin(b) * np.array([0.0, 0.0, -1.0])
        wrist = elbow + 0.25 * fore
        knee = hip + np.array([0.0, 0.45, 0.0])
        k = math.radians(180.0 - knee_deg)
        ankle = knee + 0.45 * np.array([0.0, math.cos(k), math.sin(k)])  # shin bends backwards (+z)
        for n, p in (
            ("shoulder", sh),
            ("hip", hip),
            ("elbow", elbow),
            ("wrist", wrist),
            ("knee", knee),
            ("ankle", ankle),
        ):
            pts[f"{side}_{n}"] = tuple(float(v) for v in p)  # type: ignore[assignment]
    return _pose(pts)


def test_names_and_triplets_are_consistent() -> None:
    assert set(TRIPLETS) | {"trunk_lean"} == set(ANGLE_NAMES)
    assert len(set(ANGLE_NAMES)) == len(ANGLE_NAMES)
    for a, b, c in TRIPLETS.values():
        assert len({a, b, c}) == 3
        assert all(0 <= i < len(LANDMARK_NAMES) for i in (a, b, c))


def test_standing_straight() -> None:
    got = joint_angles(standing())
    assert list(got) == list(ANGLE_NAMES)
    for side in ("left", "right"):
        assert got[f"{side}_elbow"] == pytest.approx(180.0, abs=1e-3)
        assert got[f"{side}_knee"] == pytest.approx(180.0, abs=1e-3)
        # arm hanging: shoulder angle is the small angle between trunk and upper arm (hip is inward of shoulder)
        assert got[f"{side}_shoulder"] == pytest.approx(math.degrees(math.atan2(0.1, 0.5)), abs=1e-3)
        assert got[f"{side}_hip"] == pytest.approx(180.0 - math.degrees(math.atan2(0.1, 0.5)), abs=1e-3)
    assert got["trunk_lean"] == pytest.approx(0.0, abs=1e-3)


@pytest.mark.parametrize("elbow", [30.0, 60.0, 90.0, 135.0, 179.0])
@pytest.mark.parametrize("knee", [45.0, 90.0, 120.0])
def test_known_elbow_and_knee_angles(elbow: float, knee: float) -> None:
    got = joint_angles(standing(elbow_deg=elbow, knee_deg=knee))
    for side in ("left", "right"):
        assert got[f"{side}_elbow"] == pytest.approx(elbow, abs=1e-3)
        assert got[f"{side}_knee"] == pytest.approx(knee, abs=1e-3)


def test_t_pose_shoulder_is_about_90() -> None:
    got = joint_angles(standing(arm_deg=90.0))
    trunk_tilt = math.degrees(math.atan2(0.1, 0.5))  # the shoulder->hip line is not vertical
    for side in ("left", "right"):
        assert got[f"{side}_shoulder"] == pytest.approx(90.0 + trunk_tilt, abs=1e-3)


def test_trunk_lean_forward_and_rotation_invariance() -> None:
    base = standing(elbow_deg=70.0, knee_deg=100.0).astype(np.float64)
    ref = joint_angles(base)
    # lean the whole body 30° forward (towards the camera, -z) about the hip axis (x)
    a = math.radians(30.0)
    rot = np.array([[1, 0, 0], [0, math.cos(a), -math.sin(a)], [0, math.sin(a), math.cos(a)]])
    leaned = base.copy()
    leaned[:, :3] = base[:, :3] @ rot.T
    got = joint_angles(leaned)
    assert got["trunk_lean"] == pytest.approx(30.0, abs=1e-3)
    for name in ANGLE_NAMES:
        if name != "trunk_lean":
            assert got[name] == pytest.approx(ref[name], abs=1e-3), name  # type: ignore[arg-type]
    # sideways lean (about z) is a lean too: unsigned
    rot_z = np.array([[math.cos(a), -math.sin(a), 0], [math.sin(a), math.cos(a), 0], [0, 0, 1]])
    side = base.copy()
    side[:, :3] = base[:, :3] @ rot_z.T
    assert joint_angles(side)["trunk_lean"] == pytest.approx(30.0, abs=1e-3)


def test_upside_down_is_180() -> None:
    block = standing()
    block[:, 1] *= -1  # mirror y: shoulders below the hips
    assert joint_angles(block)["trunk_lean"] == pytest.approx(180.0, abs=1e-3)


def test_none_for_no_detection_low_visibility_and_degenerate() -> None:
    assert joint_angles(None) == dict.fromkeys(ANGLE_NAMES)
    block = standing()
    block[INDEX["left_wrist"], 3] = 0.2
    got = joint_angles(block)
    assert got["left_elbow"] is None
    assert got["right_elbow"] is not None
    assert joint_angles(block, min_visibility=0.0)["left_elbow"] == pytest.approx(180.0, abs=1e-3)
    block = standing()
    block[INDEX["right_knee"], :3] = block[INDEX["right_hip"], :3]  # zero-length thigh
    got = joint_angles(block)
    assert got["right_knee"] is None and got["right_hip"] is None and got["left_knee"] is not None
    block = standing()
    block[INDEX["left_shoulder"], 0] = np.nan
    got = joint_angles(block)
    assert got["trunk_lean"] is None and got["left_elbow"] is None and got["right_elbow"] is not None


def test_bad_shape_raises() -> None:
    with pytest.raises(ValueError, match="33, 5"):
        joint_angles(np.zeros((33, 4)))


def test_with_angles_transform() -> None:
    frame = PoseFrame(seq=3, t=0.1, captured_ns=1, image=standing(), world=standing(elbow_deg=90.0))
    out = with_angles(frame)
    assert out.seq == 3 and out.world is frame.world
    assert out.angles is not None and out.angles["left_elbow"] == pytest.approx(90.0, abs=1e-3)
    empty = with_angles(PoseFrame(seq=4, t=0.2, captured_ns=2))
    assert empty.angles == dict.fromkeys(ANGLE_NAMES)


@pytest.mark.blazepose
def test_plausible_angles_on_real_photos(media: Path) -> None:
    """Real BlazePose on real people: a standing player (basketball1) and a footballer mid-stride (messi5)."""
    import cv2

    from bridge.pose import Estimator

    results = {}
    for name in ("basketball1.png", "messi5.jpg"):
        rgb = cv2.cvtColor(cv2.imread(str(media / name)), cv2.COLOR_BGR2RGB)
        with Estimator() as est:
            _, world = est.process(rgb)
        assert world is not None, name
        results[name] = joint_angles(world)
    for angles in results.values():
        for name, value in angles.items():
            if value is not None:
                assert 0.0 <= value <= 180.0, name
    standing = results["basketball1.png"]
    assert standing["trunk_lean"] is not None and standing["trunk_lean"] < 20
    assert all(standing[k] is not None and standing[k] > 140 for k in ("left_knee", "right_knee"))  # type: ignore[operator]
    assert all(standing[k] is not None and standing[k] > 150 for k in ("left_hip", "right_hip"))  # type: ignore[operator]
    stride = results["messi5.jpg"]  # running with the right leg bent back and the right arm swung up
    assert stride["right_knee"] is not None and stride["right_knee"] < 110
    assert stride["right_shoulder"] is not None and stride["right_shoulder"] > 90


async def test_serve_with_angles_and_smoothing_streams_them() -> None:
    """``pose-bridge serve demo --angles --smooth``: hello lists the names, every frame carries plausible angles."""
    import asyncio
    import re
    import signal
    import sys

    from websockets.asyncio.client import connect

    from bridge import protocol as P
    from tests.media import scaled_timeout

    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bridge", "serve", "demo", "--angles", "--smooth", "--port", "0",
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert proc.stderr is not None
    try:
        while True:
            line = (await asyncio.wait_for(proc.stderr.readline(), scaled_timeout(30))).decode()
            assert line, "serve exited before listening"
            m = re.search(r"ws://127\.0\.0\.1:(\d+)/", line)
            if m:
                break
        frames: list[P.FrameMessage] = []
        async with connect(f"ws://127.0.0.1:{m.group(1)}/", subprotocols=[P.SUBPROTOCOL_MSGPACK]) as ws:  # type: ignore[list-item]
            hello = P.decode(await asyncio.wait_for(ws.recv(), scaled_timeout(10)))
            assert isinstance(hello, P.Hello)
            assert hello.angles == ANGLE_NAMES
            while len(frames) < 30:
                msg = P.decode(await asyncio.wait_for(ws.recv(), scaled_timeout(10)))
                if isinstance(msg, P.FrameMessage):
                    frames.append(msg)
    finally:
        proc.send_signal(signal.SIGINT)
        await asyncio.wait_for(proc.wait(), scaled_timeout(10))
    for fm in frames:
        angles = fm.frame.angles
        assert angles is not None and tuple(angles) == ANGLE_NAMES
        assert all(v is not None and 0.0 <= v <= 180.0 for v in angles.values())
        assert angles["trunk_lean"] is not None and angles["trunk_lean"] < 20  # the demo walks upright
    knees = [fm.frame.angles["left_knee"] for fm in frames]  # type: ignore[index]
    assert max(knees) - min(knees) > 10  # stepping: the knee bends and straightens within a second
