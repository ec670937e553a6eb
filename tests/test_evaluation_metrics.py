"""Metrics, alignment, joint correspondence and spherical maths of bridge.evaluation."""

from __future__ import annotations

import numpy as np
import pytest

from bridge.errors import UserError
from bridge.evaluation import (
    camera_rotation,
    default_joint_map,
    evaluate,
    from_spherical,
    mediapipe_to_unity,
    parse_joint_map,
    procrustes_align,
    similarity_fit,
    skeletons_from_bones,
    skeletons_from_poses,
    to_spherical,
    world_to_camera,
)
from bridge.frame import PoseFrame
from bridge.skeleton import INDEX, LANDMARK_NAMES, NUM_LANDMARKS, SUMMARY_JOINTS
from tests.test_evaluation_synthetic import NAMES, predict, truth_frames, truth_points


def random_rotation(rng: np.random.Generator) -> np.ndarray:
    q, _ = np.linalg.qr(rng.normal(size=(3, 3)))
    if np.linalg.det(q) < 0:
        q[:, 0] *= -1
    return q


def evaluate_synthetic(pred: list[PoseFrame], pts: np.ndarray, **kw: object):  # type: ignore[no-untyped-def]
    truth, jm = skeletons_from_bones(truth_frames(pts), default_joint_map())
    return evaluate(skeletons_from_poses(pred, jm.landmarks), truth, jm, **kw)  # type: ignore[arg-type]


# --- hand-computed cases -----------------------------------------------------------------------------------------


def _pose(seq: int, points: dict[str, tuple[float, float, float]]) -> PoseFrame:
    world = np.zeros((NUM_LANDMARKS, 5), dtype=np.float32)
    for name, p in points.items():
        world[INDEX[name], :3] = p
    return PoseFrame(seq=seq, t=0.0, captured_ns=0, world=world)


def test_mpjpe_hand_computed() -> None:
    """Four joints; the prediction's left shoulder is 0.3 m off in y (Unity), the rest exact."""
    jm = parse_joint_map(
        {"joints": {"left_hip": "LH", "right_hip": "RH", "left_shoulder": "LS", "right_shoulder": "RS"}}
    )
    truth_bones = {
        "rig:LH": (1.1, 1.0, 5.0),
        "rig:RH": (0.9, 1.0, 5.0),
        "rig:LS": (1.2, 1.5, 5.0),
        "rig:RS": (0.8, 1.5, 5.0),
    }
    truth, jm = skeletons_from_bones([(7, truth_bones)], jm)
    # MediaPipe world (y down), hip-centred: the left shoulder at y = -0.8 means 0.8 m up, truth says 0.5 m up.
    pred = _pose(7, {"left_hip": (0.1, 0, 0), "right_hip": (-0.1, 0, 0), "left_shoulder": (0.2, -0.8, 0),
                     "right_shoulder": (-0.2, -0.5, 0)})  # fmt: skip
    ev = evaluate(skeletons_from_poses([pred], jm.landmarks), truth, jm)
    assert ev.count == 1
    assert ev.mpjpe == pytest.approx(0.3 / 4)
    per = ev.per_joint()
    assert per["left_shoulder"]["mpjpe"] == pytest.approx(0.3)
    assert per["right_shoulder"]["mpjpe"] == pytest.approx(0.0, abs=1e-7)
    assert per["left_hip"]["mpjpe"] == pytest.approx(0.0, abs=1e-7)
    assert 0 < ev.pa_mpjpe < ev.mpjpe


def test_root_is_per_frame_hip_midpoint_not_a_mean_over_frames() -> None:
    """The body walks 1 m per frame; the prediction is perfect: error 0 (a per-joint mean over frames would not be)."""
    pts = truth_points(6)
    pts += np.arange(6)[:, None, None] * np.array([1.0, 0.0, 0.0])
    ev = evaluate_synthetic(predict(pts), pts)
    assert ev.mpjpe == pytest.approx(0.0, abs=1e-6)


def test_pa_mpjpe_hand_computed_two_frames() -> None:
    pts = truth_points(2)
    pred = predict(pts, scale=2.0)
    ev = evaluate_synthetic(pred, pts)
    # Twice as large: root-aligned error = |p| for each joint (mean over summary joints), PA removes it.
    li, ri = NAMES.index("left_hip"), NAMES.index("right_hip")
    rel = pts - 0.5 * (pts[:, [li]] + pts[:, [ri]])
    summary = [NAMES.index(LANDMARK_NAMES[i]) for i in SUMMARY_JOINTS]
    expected = np.linalg.norm(rel[:, summary], axis=-1).mean(axis=1)
    np.testing.assert_allclose(ev.per_frame_mpjpe, expected, rtol=1e-5)
    np.testing.assert_allclose(ev.per_frame_pa_mpjpe, 0.0, atol=1e-6)


# --- invariants --------------------------------------------------------------------------------------------------


def test_similarity_fit_recovers_transform() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(size=(4, 12, 3))
    rots = np.stack([random_rotation(rng) for _ in range(4)])
    y = 1.7 * np.einsum("fij,fnj->fni", rots, x) + np.array([0.5, -2.0, 3.0])
    scale, rot, trans = similarity_fit(x, y)
    np.testing.assert_allclose(scale, 1.7)
    np.testing.assert_allclose(rot, rots, atol=1e-12)
    np.testing.assert_allclose(trans, np.broadcast_to([0.5, -2.0, 3.0], (4, 3)), atol=1e-12)


def test_pa_mpjpe_zero_for_rotated_scaled_translated_truth() -> None:
    rng = np.random.default_rng(2)
    pts = truth_points(10)
    rot = random_rotation(rng)
    pred = predict(pts)
    moved = []
    for p in pred:
        assert p.world is not None
        w = p.world.copy()
        w[:, :3] = 0.6 * w[:, :3] @ rot.T + np.array([0.02, 0.01, -0.03])  # small shift keeps it hip-centred-ish
        moved.append(p.replace(world=w))
    ev = evaluate_synthetic(moved, pts)
    assert ev.pa_mpjpe == pytest.approx(0.0, abs=1e-6)
    assert ev.mpjpe > 0.05
    for v in ev.per_joint().values():
        assert v["pa_mpjpe"] == pytest.approx(0.0, abs=2e-6)


def test_known_noise_gives_expected_error() -> None:
    """Isotropic Gaussian noise sigma per axis: E|e| = sigma * sqrt(8/pi) for 3 axes (chi with 3 d.o.f.).

    Root alignment subtracts the noisy hip midpoint, which adds variance sigma^2/2 per axis for non-hip joints;
    so the expected mpjpe is a mix, and PA-MPJPE is lower. We check mpjpe against a Monte-Carlo-free bound:
    it lies between sigma*sqrt(8/pi) (no root noise) and sigma*sqrt(1.5)*sqrt(8/pi) (full root noise).
    """
    sigma = 0.02
    pts = truth_points(400)
    ev = evaluate_synthetic(predict(pts, noise=sigma, seed=3), pts)
    chi3 = sigma * np.sqrt(8 / np.pi)
    # Exactly: hips get var sigma^2/2 (difference halves), others 1.5 sigma^2: 2 hips of 12 summary joints.
    expected = (2 * chi3 * np.sqrt(0.5) + 10 * chi3 * np.sqrt(1.5)) / 12
    assert ev.mpjpe == pytest.approx(expected, rel=0.03)
    assert ev.pa_mpjpe < ev.mpjpe


def test_y_flip_is_undone_by_axis_conversion_not_reflection() -> None:
    """MediaPipe's y points down: a prediction in MediaPipe axes of a perfect pose evaluates to 0 only because
    (x, -y, z) is applied. Fed in already-Unity axes (a y-flip too many), PA cannot fix it: no reflections."""
    pts = truth_points(5)
    good = predict(pts)
    assert evaluate_synthetic(good, pts).mpjpe == pytest.approx(0.0, abs=1e-6)
    flipped = []
    for p in good:
        assert p.world is not None
        w = p.world.copy()
        w[:, 1] *= -1
        flipped.append(p.replace(world=w))
    ev = evaluate_synthetic(flipped, pts)
    assert ev.mpjpe > 0.3
    assert ev.pa_mpjpe > 0.05  # a mirror image: a rotation cannot undo it, and reflections are not allowed


def test_reflection_is_not_fitted() -> None:
    rng = np.random.default_rng(4)
    x = rng.normal(size=(20, 3))
    mirrored = x * np.array([1.0, 1.0, -1.0])
    _, rot, _ = similarity_fit(mirrored, x)
    assert np.linalg.det(rot) == pytest.approx(1.0)
    assert np.abs(procrustes_align(mirrored, x) - x).max() > 0.1


def test_mediapipe_to_unity() -> None:
    np.testing.assert_array_equal(mediapipe_to_unity([[1.0, 2.0, 3.0]]), [[1.0, -2.0, 3.0]])
    with pytest.raises(ValueError):
        mediapipe_to_unity([1.0, 2.0])


# --- missing frames ----------------------------------------------------------------------------------------------


def test_missing_frames_excluded_and_counted() -> None:
    pts = truth_points(10)
    pred = predict(pts, undetected=(2, 3))[:9]  # frame 9 only in the truth
    extra = predict(truth_points(12), noise=0.5)[10:]  # frames 10, 11 only in the prediction (wildly wrong)
    frames = truth_frames(pts)
    del frames[5]  # frame 5 only in the prediction
    truth, jm = skeletons_from_bones(frames, default_joint_map())
    ev = evaluate(skeletons_from_poses(pred + extra, jm.landmarks), truth, jm)
    assert list(ev.frames) == [0, 1, 4, 6, 7, 8]
    assert ev.missing.no_detection == 2
    assert ev.missing.truth_only == 1
    assert ev.missing.prediction_only == 3
    assert ev.missing.total == 6
    assert ev.mpjpe == pytest.approx(0.0, abs=1e-6)  # nothing was filled with zeros
    js = ev.to_json()
    assert js["frames"] == 6 and js["frames_missing"] == 6
    assert [r["frame"] for r in js["per_frame"]] == [0, 1, 4, 6, 7, 8]


def test_offset_pairs_prediction_n_with_truth_n_plus_offset() -> None:
    pts = truth_points(8)
    truth, jm = skeletons_from_bones(truth_frames(pts, first=100), default_joint_map())
    pred = skeletons_from_poses(predict(pts), jm.landmarks)
    assert evaluate(pred, truth, jm).count == 0
    ev = evaluate(pred, truth, jm, offset=100)
    assert ev.count == 8 and ev.mpjpe == pytest.approx(0.0, abs=1e-6)


def test_missing_joint_in_a_frame_is_incomplete() -> None:
    pts = truth_points(3)
    frames = truth_frames(pts)
    del frames[1][1]["mixamorig2:LeftForeArm"]
    truth, jm = skeletons_from_bones(frames, default_joint_map())
    ev = evaluate(skeletons_from_poses(predict(pts), jm.landmarks), truth, jm)
    assert ev.count == 2 and ev.missing.incomplete == 1


def test_image_coordinates_are_refused() -> None:
    pts = truth_points(3)
    img = [PoseFrame(seq=i, t=0.0, captured_ns=0, image=np.full((33, 5), 0.5)) for i in range(3)]
    with pytest.raises(UserError, match="image coordinates only"):
        skeletons_from_poses(img, default_joint_map().landmarks)
    shifted = []
    for p in predict(pts):
        assert p.world is not None
        w = p.world.copy()
        w[:, :2] = np.clip(w[:, :2] + 0.5, 0, 1)  # normalized-looking values, hips far from the origin
        shifted.append(p.replace(world=w))
    with pytest.raises(UserError, match="world landmarks"):
        skeletons_from_poses(shifted, default_joint_map().landmarks)


# --- joint correspondence ----------------------------------------------------------------------------------------


def test_default_map_uses_skeleton_tables() -> None:
    jm = default_joint_map()
    assert set(jm.summary) == set(SUMMARY_JOINTS)
    assert INDEX["nose"] in jm.landmarks and INDEX["nose"] not in jm.summary


@pytest.mark.parametrize("prefix", ["mixamorig:", "mixamorig2:", "Armature|mixamorig7:", ""])
def test_mixamo_names_with_any_prefix(prefix: str) -> None:
    bones = [prefix + b for b in ("Hips", "LeftArm", "RightArm", "LeftForeArm", "RightForeArm", "LeftHand",
                                   "RightHand", "LeftUpLeg", "RightUpLeg", "LeftLeg", "RightLeg", "LeftFoot",
                                   "RightFoot", "HeadTop_End")]  # fmt: skip
    chosen = default_joint_map().resolve(bones)
    jm = default_joint_map()
    assert chosen[jm.landmarks.index(INDEX["left_elbow"])] == prefix + "LeftForeArm"
    assert chosen[jm.landmarks.index(INDEX["nose"])] == prefix + "HeadTop_End"


def test_humanoid_names_and_shoulder_fallback() -> None:
    bones = ["humanoid:" + b for b in ("LeftShoulder", "RightShoulder", "LeftLowerArm", "RightLowerArm", "LeftHand",
                                        "RightHand", "LeftUpperLeg", "RightUpperLeg", "LeftLowerLeg",
                                        "RightLowerLeg", "LeftFoot", "RightFoot")]  # fmt: skip
    jm = default_joint_map()
    chosen = jm.resolve(bones)
    assert chosen[jm.landmarks.index(INDEX["left_shoulder"])] == "humanoid:LeftShoulder"
    assert chosen[jm.landmarks.index(INDEX["nose"])] == ""  # no head bone: reported joint dropped, not an error


def test_missing_summary_bone_is_a_clear_error() -> None:
    with pytest.raises(UserError, match="no bone for left_elbow"):
        default_joint_map().resolve(["a:LeftArm", "a:RightArm", "a:LeftUpLeg", "a:RightUpLeg"])


def test_ambiguous_bone_is_a_clear_error() -> None:
    pts = truth_points(1)
    frames = truth_frames(pts)
    frames[0][1]["other:LeftForeArm"] = (0.0, 0.0, 0.0)
    with pytest.raises(UserError, match="ambiguous"):
        skeletons_from_bones(frames, default_joint_map())


def test_joint_map_file_format() -> None:
    jm = parse_joint_map({"left_hip": "A", "right_hip": ["x:B", "B2"], "left_knee": "C"})
    assert jm.names == ("left_hip", "right_hip", "left_knee") and jm.summary == jm.landmarks
    assert jm.resolve(["r:A", "x:B", "y:B", "C"]) == ("r:A", "x:B", "C")  # a prefixed name matches exactly
    with pytest.raises(UserError, match="unknown landmark name 'left_hand'"):
        parse_joint_map({"left_hand": "LeftHand", "left_hip": "a", "right_hip": "b"})
    with pytest.raises(UserError, match="left_hip"):
        parse_joint_map({"joints": {"right_hip": "b", "left_knee": "c", "right_knee": "d"}})
    with pytest.raises(UserError, match="summary"):
        parse_joint_map({"joints": {"left_hip": "a", "right_hip": "b", "left_knee": "c"}, "summary": ["nose"]})
    with pytest.raises(UserError, match="unknown keys"):
        parse_joint_map({"joints": {"left_hip": "a"}, "sumary": []})


# --- spherical coordinates and cameras ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("position", "expected"),
    [
        ((0.0, 0.0, 2.0), (2.0, 0.0, 0.0)),
        ((2.0, 0.0, 0.0), (2.0, 90.0, 0.0)),
        ((0.0, 0.0, -2.0), (2.0, 180.0, 0.0)),
        ((-2.0, 0.0, 0.0), (2.0, -90.0, 0.0)),
        ((0.0, 3.0, 0.0), (3.0, 0.0, 90.0)),  # y is up: straight above is elevation 90, not azimuth
        ((0.0, -3.0, 0.0), (3.0, 0.0, -90.0)),
        ((1.0, 1.0, 0.0), (np.sqrt(2), 90.0, 45.0)),
        ((1.0, np.sqrt(2.0), 1.0), (2.0, 45.0, 45.0)),
        ((0.0, 0.0, 0.0), (0.0, 0.0, 0.0)),
    ],
)
def test_to_spherical(position: tuple[float, float, float], expected: tuple[float, float, float]) -> None:
    assert to_spherical(position) == pytest.approx(expected)


def test_spherical_round_trip() -> None:
    rng = np.random.default_rng(5)
    for p in rng.normal(size=(50, 3)):
        np.testing.assert_allclose(from_spherical(*to_spherical(p)), p, atol=1e-12)


@pytest.mark.parametrize("position", [(0, 1.5, -3), (3, 0, 0), (2, 2, 2), (0, 4, 0), (0, -4, 0), (1e-3, 5, 0)])
def test_camera_looks_at_root_with_y_up(position: tuple[float, float, float]) -> None:
    rot = camera_rotation(position)
    np.testing.assert_allclose(rot.T @ rot, np.eye(3), atol=1e-12)
    assert np.linalg.det(rot) == pytest.approx(1.0)
    p = np.array(position, dtype=float)
    np.testing.assert_allclose(rot[:, 2], -p / np.linalg.norm(p), atol=1e-12)  # z looks at the root
    assert rot[1, 0] == pytest.approx(0.0, abs=1e-12)  # no roll: the image x axis is horizontal
    assert rot[1, 1] >= -1e-12  # image up never points down
    # The root is straight ahead: in camera coordinates it sits on +z at the camera's distance.
    np.testing.assert_allclose(world_to_camera(-p, p), [0, 0, np.linalg.norm(p)], atol=1e-12)


def test_default_unity_camera_is_identity() -> None:
    np.testing.assert_allclose(camera_rotation((0.0, 0.0, -5.0)), np.eye(3), atol=1e-12)


def test_camera_frame_mpjpe_shows_depth_error_per_view() -> None:
    """Depth error along each camera's viewing axis: with the camera known, the truth is rotated into the
    camera's frame and mpjpe measures that error; without rotation the comparison is meaningless."""
    pts = truth_points(30)
    cam = (3.0, 0.5, 0.0)  # from the side
    ev = evaluate_synthetic(predict(pts, cam), pts, camera=cam)
    assert ev.mpjpe == pytest.approx(0.0, abs=1e-6)
    assert evaluate_synthetic(predict(pts, cam), pts).mpjpe > 0.1  # unrotated: wrong frame
    noisy = evaluate_synthetic(predict(pts, cam, depth_error=0.05, seed=6), pts, camera=cam)
    assert 0.02 < noisy.mpjpe < 0.06


def test_humanoid_file_with_clavicles_maps_shoulders_to_upper_arms() -> None:
    """GroundTruthRecorder writes every HumanBodyBones bone: LeftShoulder is the clavicle, LeftUpperArm the joint."""
    names = ("Hips", "LeftShoulder", "RightShoulder", "LeftUpperArm", "RightUpperArm", "LeftLowerArm",
             "RightLowerArm", "LeftHand", "RightHand", "LeftUpperLeg", "RightUpperLeg", "LeftLowerLeg",
             "RightLowerLeg", "LeftFoot", "RightFoot", "Head")  # fmt: skip
    jm = default_joint_map()
    chosen = dict(zip(jm.names, jm.resolve(["humanoid:" + n for n in names]), strict=True))
    assert chosen["left_shoulder"] == "humanoid:LeftUpperArm"
    assert chosen["right_shoulder"] == "humanoid:RightUpperArm"
    assert chosen["nose"] == "humanoid:Head"
    mixamo = default_joint_map().resolve(["LeftShoulder", "RightShoulder", "LeftForeArm", "RightForeArm", "LeftHand",
                                          "RightHand", "LeftUpLeg", "RightUpLeg", "LeftLeg", "RightLeg", "LeftFoot",
                                          "RightFoot"])  # fmt: skip
    assert mixamo[jm.landmarks.index(INDEX["left_shoulder"])] == "LeftShoulder"  # the fallback when LeftArm is absent
