"""The humanoid solver against forward kinematics, joint angles, limits and its edge cases.

The core proof is the round trip: a standard skeleton posed by random in-limit rotations → landmarks
synthesized by the landmark model → solver → forward kinematics. Real BlazePose footage is in
``test_humanoid_blazepose.py``.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from bridge.angles import joint_angles
from bridge.frame import PoseFrame
from bridge.humanoid import BONES, LIMITS, HumanoidPose, HumanoidSolver, RotationSmoothing, SolverOptions, fk, quat
from bridge.humanoid.limits import clamp, components, within
from bridge.humanoid.model import BONE_INDEX, DEG, PARENT, REST_DIRECTIONS
from bridge.humanoid.root import camera_position
from bridge.skeleton import HUMANOID_BONES, INDEX, MIRROR

X, Y, Z = np.eye(3)


def rv(*deg: float) -> np.ndarray:
    """A rotation from a rotation vector in degrees."""
    return quat.from_rotvec(np.array(deg, dtype=np.float64) * DEG)


def identity_pose() -> np.ndarray:
    return np.tile(quat.IDENTITY, (len(BONES), 1))


def _swing_in_disc(rng: np.random.Generator, axes: tuple[int, int], radius: float) -> np.ndarray:
    a, r = rng.uniform(0, 2 * math.pi), radius * math.sqrt(rng.uniform())
    v = np.zeros(3)
    v[axes[0]], v[axes[1]] = r * math.cos(a), r * math.sin(a)
    return rv(*v)


def random_pose(rng: np.random.Generator) -> np.ndarray:
    """Random rotations inside the limits, in the solver's model (see bridge/humanoid/model.py).

    Hips: any heading, pitch ±40°, roll ±20°. Trunk: a twist (±50°) and a sideways tilt (±40°) of the
    shoulders against the hips, half on Spine and half on Chest; a forward bend is the Hips' pitch.
    Head against chest: yaw ±70°, pitch ±50°, roll ±35°, half on Neck and half on Head. Upper arms and
    legs: any direction inside the limits, twist ±60° / ±45°. Elbows and knees: hinges bent 0–150°
    with a roll of ±60° (forearm) / ±30° (shin). Hands and feet: swings of up to 35° / 40°, no twist.
    """
    pose = identity_pose()

    def put(bone: str, q: np.ndarray) -> None:
        assert within(bone, q), bone
        pose[BONE_INDEX[bone]] = q

    pose[0] = quat.mul(rv(0, rng.uniform(-180, 180), 0), quat.mul(rv(rng.uniform(-40, 40), 0, 0), rv(0, 0, rng.uniform(-20, 20))))  # fmt: skip  # noqa: E501
    trunk = quat.mul(rv(0, 0, rng.uniform(-40, 40)), rv(0, rng.uniform(-50, 50), 0))
    put("Spine", quat.power(trunk, 0.5))
    put("Chest", quat.power(trunk, 0.5))
    head = quat.mul(rv(0, rng.uniform(-70, 70), 0), quat.mul(rv(rng.uniform(-50, 50), 0, 0), rv(0, 0, rng.uniform(-35, 35))))  # fmt: skip  # noqa: E501
    put("Neck", quat.power(head, 0.5))
    put("Head", quat.power(head, 0.5))
    for side, s in (("Left", -1.0), ("Right", 1.0)):
        while True:
            d = rng.normal(size=3)
            upper = quat.mul(quat.from_two_vectors(s * X, d), quat.from_axis_angle(X, rng.uniform(-60, 60) * DEG))
            if within(f"{side}UpperArm", upper):
                break
        put(f"{side}UpperArm", upper)
        put(f"{side}LowerArm", quat.mul(rv(0, -s * rng.uniform(0, 150), 0), rv(rng.uniform(-60, 60), 0, 0)))
        put(f"{side}Hand", _swing_in_disc(rng, (1, 2), 35))
        while True:
            d = rng.normal(size=3)
            upper = quat.mul(quat.from_two_vectors(-Y, d), quat.from_axis_angle(Y, rng.uniform(-45, 45) * DEG))
            if within(f"{side}UpperLeg", upper):
                break
        put(f"{side}UpperLeg", upper)
        put(f"{side}LowerLeg", quat.mul(rv(rng.uniform(0, 150), 0, 0), rv(0, rng.uniform(-30, 30), 0)))
        put(f"{side}Foot", _swing_in_disc(rng, (0, 2), 40))
    return pose


def _deg_between(a: np.ndarray, b: np.ndarray) -> float:
    return math.degrees(math.acos(max(-1.0, min(1.0, float(np.dot(a, b))))))


# --------------------------------------------------------------------------- quaternions


def test_quaternion_helpers_agree_with_matrices() -> None:
    rng = np.random.default_rng(0)
    for _ in range(50):
        a, b = quat.normalize(rng.normal(size=4)), quat.normalize(rng.normal(size=4))
        v = rng.normal(size=3)
        assert np.allclose(quat.rotate(quat.mul(a, b), v), quat.to_matrix(a) @ quat.to_matrix(b) @ v)
        assert np.allclose(quat.from_matrix(quat.to_matrix(a)), a)
        swing, twist = quat.swing_twist(a, Y)
        assert abs(float(np.dot(quat.to_rotvec(swing), Y))) < 1e-9  # the swing has no part about the axis
        assert np.allclose(quat.normalize(quat.mul(swing, quat.from_axis_angle(Y, twist))), a)
        assert quat.angle_between(quat.mul(quat.power(a, 0.5), quat.power(a, 0.5)), a) < 1e-9
        d = quat.rotate(quat.from_two_vectors(v, X), v)
        assert np.allclose(d / np.linalg.norm(d), X)
    # a frame: rest axes x (primary) and y (secondary) go to the observed ones
    q = quat.frame(np.array([0.0, 0.0, 2.0]), np.array([1.0, 5.0, 0.5]), X, Y)
    assert q is not None
    assert np.allclose(quat.rotate(q, X), Z) and np.allclose(
        quat.rotate(q, Y), np.array([1.0, 5.0, 0.0]) / math.sqrt(26)
    )
    assert quat.frame(np.zeros(3), Y, X, Y) is None and quat.frame(X, 3 * X, X, Y) is None
    assert np.array_equal(quat.normalize(np.array([np.nan, 0, 0, 1])), quat.IDENTITY)


# --------------------------------------------------------------------------- the round trip


def test_rest_pose_gives_identity_everywhere() -> None:
    block = fk.synthesize_world_block(identity_pose())
    pose = HumanoidSolver().solve(block, 0.0)
    assert pose is not None
    assert np.allclose(pose.rotations, quat.IDENTITY, atol=1e-6)
    assert np.array_equal(pose.hips, np.zeros(3, dtype=np.float32))


def test_a_person_facing_the_camera_is_turned_half_round() -> None:
    """Unity axes from the camera: the camera looks along +z, so a person facing it faces −z."""
    facing = identity_pose()
    facing[0] = rv(0, 180, 0)
    pose = HumanoidSolver().solve(fk.synthesize_world_block(facing), 0.0)
    assert pose is not None
    assert quat.angle_between(pose.rotation("Hips"), rv(0, 180, 0)) < 1e-5
    # and in MediaPipe's world (x right in the image, y down, z away from the camera) the nose is at −z
    block = fk.synthesize_world_block(facing)
    assert block[INDEX["nose"], 2] < block[INDEX["left_ear"], 2]
    assert block[INDEX["left_shoulder"], 0] > 0  # the person's left is the image's right


@pytest.mark.parametrize("seed", range(4))
def test_forward_kinematics_round_trip(seed: int) -> None:
    """Random in-limit poses → landmarks → solver → FK: bone directions within 1°, hands/feet/head twist within 5°."""
    rng = np.random.default_rng(seed)
    worst_direction = worst_twist = 0.0
    for _ in range(100):
        truth = random_pose(rng)
        solver = HumanoidSolver()
        pose = solver.solve(fk.synthesize_world_block(truth), 0.0)
        assert pose is not None
        assert solver.clamped == frozenset(), "an in-limit pose must not be clamped"
        solved = pose.rotations.astype(np.float64)
        expected, got = fk.bone_directions(truth), fk.bone_directions(solved)
        assert set(expected) == set(REST_DIRECTIONS) == set(BONES) - {"Hips"}
        for bone in expected:
            err = _deg_between(expected[bone], got[bone])
            worst_direction = max(worst_direction, err)
            assert err < 1.0, f"{bone}: direction off by {err:.3f}°"
        w_truth, w_solved = fk.world_rotations(truth), fk.world_rotations(solved)
        assert quat.angle_between(w_truth[0], w_solved[0]) < 1.0 * DEG  # hips: the whole rotation
        for bone in ("Head", "LeftHand", "RightHand", "LeftFoot", "RightFoot"):
            i = BONE_INDEX[bone]
            delta = quat.mul(quat.conj(w_truth[i]), w_solved[i])
            twist = abs(quat.swing_twist(delta, REST_DIRECTIONS[bone])[1]) / DEG
            worst_twist = max(worst_twist, twist)
            assert twist < 5.0, f"{bone}: twist off by {twist:.3f}°"
    # float32 landmarks are the only error source: far below the tolerances
    assert worst_direction < 0.2 and worst_twist < 0.5


def test_elbow_and_knee_flexion_equal_the_angles() -> None:
    """Flexion from the solved rotations = ``--angles`` (bridge/angles.py) on the same landmarks, within 2°."""
    rng = np.random.default_rng(42)
    for _ in range(200):
        block = fk.synthesize_world_block(random_pose(rng))
        pose = HumanoidSolver().solve(block, 0.0)
        assert pose is not None
        d = fk.bone_directions(pose.rotations)
        angles = joint_angles(block)
        for side in ("left", "right"):
            cap = side.capitalize()
            for joint, (upper, lower) in (("elbow", ("UpperArm", "LowerArm")), ("knee", ("UpperLeg", "LowerLeg"))):
                solved = 180.0 - _deg_between(d[cap + upper], d[cap + lower])
                measured = angles[f"{side}_{joint}"]
                assert measured is not None
                assert abs(solved - measured) < 2.0, (side, joint, solved, measured)


def test_a_mirrored_person_gives_mirrored_rotations() -> None:
    """Left and right are handled alike: mirror the landmarks (x → −x, sides swapped) and the pose mirrors."""
    rng = np.random.default_rng(7)
    for _ in range(50):
        block = fk.synthesize_world_block(random_pose(rng))
        mirrored = block[list(MIRROR)].copy()
        mirrored[:, 0] *= -1
        a = HumanoidSolver().solve(block, 0.0)
        b = HumanoidSolver().solve(mirrored, 0.0)
        assert a is not None and b is not None
        for bone in BONES:
            twin = bone.replace("Left", "#").replace("Right", "Left").replace("#", "Right")
            expect = quat.mirror(a.rotation(bone))
            assert quat.angle_between(expect, b.rotation(twin)) < 0.05 * DEG, bone


# --------------------------------------------------------------------------- limits


def test_limits_are_mirrored_and_lock_what_the_landmarks_cannot_see() -> None:
    for bone, limit in LIMITS.items():
        if bone.startswith("Left"):
            assert LIMITS["Right" + bone[4:]] == limit.mirrored()
    for bone in ("LeftShoulder", "RightShoulder", "LeftToes", "RightToes"):
        assert LIMITS[bone].ranges == ((0.0, 0.0),) * 3
    assert "Hips" not in LIMITS
    # clamping moves a rotation onto the boundary and leaves one inside alone
    q = rv(0, -30, 0)  # a left elbow bent backwards by 30°
    moved, changed = clamp(LIMITS["LeftLowerArm"], q)
    assert changed and within("LeftLowerArm", moved) and quat.angle(moved) < 1e-9
    inside = rv(0, 40, 10)
    assert clamp(LIMITS["LeftLowerArm"], inside) == (inside, False)


def _with(pose: np.ndarray, **bones: np.ndarray) -> np.ndarray:
    out = pose.copy()
    for name, q in bones.items():
        out[BONE_INDEX[name]] = q
    return out


@pytest.mark.parametrize("degrees", [10, 25, 60])
def test_elbows_and_knees_never_bend_backwards(degrees: float) -> None:
    """Landmarks with an elbow or a knee pushed backwards give a straight joint, not a backward or sideways bend."""
    arms_down = _with(identity_pose(), LeftUpperArm=rv(0, 0, 80), RightUpperArm=rv(0, 0, -80))
    # the rotations below are outside the limits on purpose (that is what the landmarks show)
    bad = _with(
        arms_down,
        LeftLowerArm=rv(0, -degrees, 0),
        RightLowerArm=rv(0, degrees, 0),
        LeftLowerLeg=rv(-degrees, 0, 0),
        RightLowerLeg=rv(-degrees, 0, 0),
    )
    solver = HumanoidSolver()
    pose = solver.solve(fk.synthesize_world_block(bad), 0.0)
    assert pose is not None
    d = fk.bone_directions(pose.rotations)
    for upper, lower in (("UpperArm", "LowerArm"), ("UpperLeg", "LowerLeg")):
        for side in ("Left", "Right"):
            assert within(side + lower, pose.rotation(side + lower))
            assert _deg_between(d[side + upper], d[side + lower]) < 0.5, (side, lower)  # straight
    assert {"LeftLowerLeg", "RightLowerLeg", "LeftLowerArm", "RightLowerArm"} <= solver.clamped
    # without limits the solver reproduces the landmarks exactly, backwards bends included
    free = HumanoidSolver(SolverOptions(limits=False)).solve(fk.synthesize_world_block(bad), 0.0)
    assert free is not None
    d = fk.bone_directions(free.rotations)
    assert abs(_deg_between(d["LeftUpperLeg"], d["LeftLowerLeg"]) - degrees) < 0.5


def test_noisy_landmarks_always_give_rotations_within_limits() -> None:
    rng = np.random.default_rng(3)
    solver = HumanoidSolver()
    for k in range(300):
        block = fk.synthesize_world_block(random_pose(rng)).astype(np.float64)
        block[:, :3] += rng.normal(scale=0.06, size=(33, 3))  # 6 cm: far worse than BlazePose on a clear view
        pose = solver.solve(block, k / 30)
        assert pose is not None and np.isfinite(pose.rotations).all()
        for bone, q in zip(BONES, pose.rotations, strict=True):
            assert within(bone, q.astype(np.float64), 1e-3), (bone, components(LIMITS[bone], q.astype(np.float64)))


# --------------------------------------------------------------------------- unseen bones, time, NaN


def _arm_pose() -> np.ndarray:
    return _with(identity_pose(), LeftUpperArm=rv(0, 0, 60), LeftLowerArm=rv(0, 90, 0))


def test_no_pose_before_anybody_is_seen() -> None:
    solver = HumanoidSolver()
    assert solver.solve(None, 0.0) is None
    hidden = fk.synthesize_world_block(identity_pose(), visibility=0.1)
    assert solver.solve(hidden, 0.1) is None
    assert solver.solve(fk.synthesize_world_block(identity_pose()), 0.2) is not None
    assert solver.solve(None, 0.3) is not None  # from now on there is always a pose


def test_unseen_bone_holds_its_rotation_then_eases_to_rest() -> None:
    solver = HumanoidSolver(SolverOptions(hold=0.5, ease=1.0))
    seen = fk.synthesize_world_block(_arm_pose())
    first = solver.solve(seen, 0.0)
    assert first is not None
    hidden = seen.copy()
    hidden[INDEX["left_elbow"], 3] = 0.2  # the elbow goes out of view: upper and lower arm are unseen
    at = {}
    for t in (0.1, 0.5, 1.0, 1.5, 2.0):
        pose = solver.solve(hidden, t)
        assert pose is not None
        assert "LeftUpperArm" not in solver.seen and "LeftLowerArm" not in solver.seen
        assert "RightUpperArm" in solver.seen
        at[t] = quat.angle_between(pose.rotation("LeftUpperArm"), quat.IDENTITY) / DEG
    full = quat.angle_between(first.rotation("LeftUpperArm"), quat.IDENTITY) / DEG
    assert at[0.1] == pytest.approx(full, abs=1e-3) and at[0.5] == pytest.approx(full, abs=1e-3)  # held
    assert at[1.0] == pytest.approx(full / 2, abs=0.5)  # halfway back to rest
    assert at[1.5] < 1e-3 and at[2.0] < 1e-3  # at rest
    # it comes back as soon as it is visible again
    again = solver.solve(seen, 2.1)
    assert (
        again is not None and quat.angle_between(again.rotation("LeftUpperArm"), first.rotation("LeftUpperArm")) < 1e-5
    )


def test_nobody_detected_holds_then_eases_the_whole_body() -> None:
    solver = HumanoidSolver(SolverOptions(hold=0.2, ease=0.3))
    solver.solve(fk.synthesize_world_block(_arm_pose()), 0.0)
    held = solver.solve(None, 0.1)
    rest = solver.solve(None, 1.0)
    assert held is not None and rest is not None
    assert quat.angle_between(held.rotation("LeftLowerArm"), rv(0, 90, 0)) < 1e-5
    assert np.allclose(rest.rotations, quat.IDENTITY, atol=1e-6)
    assert solver.seen == frozenset()


def test_nan_and_missing_landmarks_make_bones_unseen_not_nan() -> None:
    block = fk.synthesize_world_block(_arm_pose()).astype(np.float64)
    block[INDEX["left_wrist"], :3] = np.nan
    block[INDEX["right_knee"], 0] = np.inf
    solver = HumanoidSolver()
    pose = solver.solve(block, 0.0)
    assert pose is not None and np.isfinite(pose.rotations).all() and np.isfinite(pose.hips).all()
    assert {"LeftLowerArm", "LeftHand", "RightUpperLeg", "RightLowerLeg"}.isdisjoint(solver.seen)
    assert {"LeftUpperArm", "RightLowerArm", "Hips", "Head", "LeftLowerLeg"} <= solver.seen
    # the upper arm's twist needs the wrist: without it (and no hand) it keeps its last twist, here none
    assert within("LeftUpperArm", pose.rotation("LeftUpperArm"))
    # all landmarks coincident (degenerate): nothing can be solved, nothing is NaN
    flat = np.zeros((33, 5), dtype=np.float32)
    flat[:, 3] = 1.0
    pose = HumanoidSolver().solve(flat, 0.0)
    assert pose is not None and np.allclose(pose.rotations, quat.IDENTITY)
    with pytest.raises(ValueError, match="33, 5"):
        HumanoidSolver().solve(np.zeros((33, 4)), 0.0)


def test_time_going_backwards_starts_afresh() -> None:
    solver = HumanoidSolver()
    solver.solve(fk.synthesize_world_block(_arm_pose()), 5.0)
    assert solver.solve(None, 5.1) is not None
    assert solver.solve(None, 0.0) is None  # a loop or a seek back: nothing is held from the future


def test_frame_transform_adds_the_humanoid() -> None:
    solver = HumanoidSolver()
    frame = PoseFrame(3, 0.1, 5, None, fk.synthesize_world_block(_arm_pose()))
    out = solver(frame)
    assert out.humanoid is not None and out.world is frame.world and out.seq == 3
    assert out != frame and out == frame.replace(humanoid=out.humanoid)
    assert solver(PoseFrame(4, 0.2, 6)).humanoid is not None  # nobody: held


# --------------------------------------------------------------------------- the pose value


def test_pose_values_round_trip_and_validation() -> None:
    rng = np.random.default_rng(1)
    pose = HumanoidPose(np.array([0.5, -0.25, 3.0]), np.array([quat.normalize(rng.normal(size=4)) for _ in BONES]))
    flat = pose.values()
    assert flat.dtype == np.float32 and flat.shape == (3 + 4 * len(BONES),)
    assert HumanoidPose.from_values(flat) == pose
    assert not pose.rotations.flags.writeable and not pose.hips.flags.writeable
    with pytest.raises(ValueError):
        HumanoidPose.from_values(flat[:-1])
    with pytest.raises(ValueError, match="finite"):
        HumanoidPose(np.array([np.nan, 0, 0]), pose.rotations)
    assert tuple(BONES) == HUMANOID_BONES and PARENT[0] == -1
    assert all(PARENT[i] < i for i in range(1, len(BONES)))  # parents come first


# --------------------------------------------------------------------------- smoothing and root motion


def test_rotation_smoothing_cuts_jitter_and_follows_motion() -> None:
    rng = np.random.default_rng(5)
    base = _arm_pose()

    def jitter(options: SolverOptions) -> float:
        solver = HumanoidSolver(options)
        prev, steps = None, []
        for k in range(90):
            block = fk.synthesize_world_block(base).astype(np.float64)
            block[:, :3] += rng.normal(scale=0.005, size=(33, 3))  # 5 mm, like BlazePose on a still person
            pose = solver.solve(block, k / 30)
            assert pose is not None
            q = pose.rotation("LeftLowerArm")
            if prev is not None and k > 15:
                steps.append(quat.angle_between(prev, q) / DEG)
            prev = q
        return float(np.mean(steps))

    raw = jitter(SolverOptions())
    smooth = jitter(SolverOptions(smoothing=RotationSmoothing()))
    assert smooth < 0.5 * raw
    # a step change is followed within a few frames
    solver = HumanoidSolver(SolverOptions(smoothing=RotationSmoothing()))
    for k in range(10):
        solver.solve(fk.synthesize_world_block(identity_pose()), k / 30)
    for k in range(10, 40):
        pose = solver.solve(fk.synthesize_world_block(_arm_pose()), k / 30)
    assert pose is not None and quat.angle_between(pose.rotation("LeftLowerArm"), rv(0, 90, 0)) < 2 * DEG
    with pytest.raises(ValueError):
        RotationSmoothing(min_cutoff=0)


def _project(block: np.ndarray, position: np.ndarray, fov_y_deg: float, aspect: float) -> np.ndarray:
    """Image landmarks of a world block placed at ``position`` (MediaPipe camera axes: x right, y down, z forward)."""
    f = 0.5 / math.tan(math.radians(fov_y_deg) / 2)
    cam = block[:, :3].astype(np.float64) + position
    img = np.zeros_like(block, dtype=np.float64)
    img[:, 0] = 0.5 + f * cam[:, 0] / cam[:, 2] / aspect
    img[:, 1] = 0.5 + f * cam[:, 1] / cam[:, 2]
    img[:, 2] = block[:, 2]
    img[:, 3:] = 1.0
    return img


def test_root_motion_follows_the_person_through_the_image() -> None:
    world = fk.synthesize_world_block(identity_pose())
    aspect = 16 / 9
    at = np.array([0.4, 0.1, 3.5])  # MediaPipe axes: right, down, away
    cam = camera_position(_project(world, at, 50.0, aspect), world, aspect=aspect, fov_y_deg=50.0)
    assert cam is not None
    assert np.allclose(cam, [0.4, -0.1, 3.5], rtol=0.03, atol=0.02)  # Unity axes: y up
    solver = HumanoidSolver(SolverOptions(root_motion=True), aspect=aspect)
    first = solver.solve(world, 0.0, image=_project(world, at, 50.0, aspect))
    moved = solver.solve(world, 0.1, image=_project(world, at + [1.0, 0.0, 1.0], 50.0, aspect))
    assert first is not None and moved is not None
    assert np.allclose(first.hips, 0.0)
    assert np.allclose(moved.hips, [1.0, 0.0, 1.0], atol=0.1)
    lost = solver.solve(world, 0.2)  # no image block: the root stays where it was
    assert lost is not None and np.array_equal(lost.hips, moved.hips)
    assert HumanoidSolver().solve(world, 0.0, image=_project(world, at, 50.0, aspect)).hips.tolist() == [0, 0, 0]  # type: ignore[union-attr]
    hidden = _project(world, at, 50.0, aspect)
    hidden[:, 3] = 0.0
    assert camera_position(hidden, world, aspect=aspect) is None
