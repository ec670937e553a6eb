"""Finger rotations (``--avatar --hands``): forward-kinematics round trips, limits, real hands, the solver's frames."""

from __future__ import annotations

import asyncio
from pathlib import Path

import cv2
import numpy as np
import pytest

from bridge import protocol as P
from bridge.frame import Hand, PoseFrame
from bridge.humanoid import HumanoidSolver, SolverOptions, quat
from bridge.humanoid import fingers as F
from bridge.humanoid.model import BONES
from bridge.pose.engine import Estimator, EstimatorOptions
from bridge.skeleton import FINGER_BONES, FINGER_PARENTS, FINGERS


def random_fingers(rng: np.random.Generator, side: str) -> np.ndarray:
    """15 rotations inside the limits: every Proximal spread and bent, every hinge bent, no twist."""
    s = F.SIDES.index(side)
    out = []
    for bone in FINGER_BONES[s * 15 : s * 15 + 15]:
        _, spread, bend = F.LIMITS[bone].ranges
        out.append(F.from_components(bone, 0.0, rng.uniform(*spread), rng.uniform(*bend)))
    return np.array(out)


def random_rotation(rng: np.random.Generator) -> np.ndarray:
    return quat.normalize(rng.normal(size=4))


@pytest.mark.parametrize("side", F.SIDES)
def test_finger_forward_kinematics_round_trip_within_two_degrees(side: str) -> None:
    """Pose → hand landmarks (any hand orientation, any scale, MediaPipe's axes and origin) → solver → the same pose."""
    rng = np.random.default_rng(7 if side == "left" else 8)
    worst = 0.0
    for _ in range(400):
        pose = random_fingers(rng, side)
        pts = F.hand_landmarks(side, pose, random_rotation(rng)) * rng.uniform(0.7, 1.4) + rng.normal(size=3)
        block = np.zeros((21, 5), dtype=np.float32)
        block[:, :3] = pts * (1.0, -1.0, 1.0)  # to MediaPipe's axes, as a Hand carries them
        block[:, 3:] = 1.0
        solved = F.FingerSolver().solve(
            *((Hand(None, block, 1.0), None) if side == "left" else (None, Hand(None, block, 1.0))), 0.0
        )  # noqa: E501
        s = F.SIDES.index(side)
        errors = F.finger_angle_error(pose, solved[s * 15 : s * 15 + 15])
        worst = max(worst, float(errors.max()))
        other = solved[(1 - s) * 15 : (1 - s) * 15 + 15]
        np.testing.assert_allclose(other, np.tile(quat.IDENTITY, (15, 1)))  # the other hand: never seen, at rest
    assert worst <= 2.0, worst  # float32 landmarks: in practice a few hundredths of a degree


def test_rest_hand_is_the_identity_and_mirrors() -> None:
    left, right = F.rest_hand_block("left"), F.rest_hand_block("right")
    np.testing.assert_allclose(right, left * (-1.0, 1.0, 1.0), atol=1e-12)
    for side, pts in (("left", left), ("right", right)):
        rotations, clamped = F.solve_hand(side, pts)  # type: ignore[misc]
        assert not clamped
        assert F.finger_angle_error(rotations, np.tile(quat.IDENTITY, (15, 1))).max() < 1e-6
    # fingers point along the arm: −x for the left hand, +x for the right; the thumb forward (+z)
    tip, mcp = FINGERS["Index"][3], FINGERS["Index"][0]
    assert left[tip, 0] < left[mcp, 0] < 0 < right[mcp, 0] < right[tip, 0]
    assert left[FINGERS["Thumb"][3], 2] > 0.05


def test_limits_bend_fingers_towards_the_palm_only() -> None:
    """A finger bent backwards at its middle joint is clamped straight; a bend towards the palm is kept."""
    for side, cap in (("left", "Left"), ("right", "Right")):
        s = F.SIDES.index(side)
        bone = f"{cap}IndexIntermediate"
        k = FINGER_BONES.index(bone) - s * 15
        for bend, clamped_to in ((-60.0, -60.0), (40.0, 0.0)):
            pose = np.tile(quat.IDENTITY, (15, 1))
            pose[k] = F.from_components(bone, 0.0, 0.0, bend)
            pts = F.hand_landmarks(side, pose, quat.IDENTITY)
            rotations, clamped = F.solve_hand(side, pts)  # type: ignore[misc]
            assert F.components(bone, rotations[k])[2] == pytest.approx(clamped_to, abs=1e-6)
            assert (bone in clamped) == (bend > 0)
            # bent towards the palm means the fingertip goes down (−y in Unity axes): the palm faces down
            tip = F.hand_landmarks(side, rotations, quat.IDENTITY)[FINGERS["Index"][3]]
            assert tip[1] < -0.01 if bend < 0 else tip[1] > -1e-9  # (the next joint takes up to 10° of it)
    assert all(F.LIMITS[b].ranges[0] == (0.0, 0.0) for b in FINGER_BONES)  # no finger bone twists
    assert FINGER_PARENTS["LeftThumbProximal"] == "LeftHand"


def test_real_hands_solve_inside_the_limits(media: Path, hand_model: Path) -> None:
    """messi5.jpg's two hands through the real hand model: rotations in range, the fingers' directions kept."""
    rgb = cv2.cvtColor(cv2.imread(str(media / "messi5.jpg")), cv2.COLOR_BGR2RGB)
    with Estimator(EstimatorOptions(static_image_mode=True, hands=True)) as est:
        [(_, _, left, right)] = est.detect(rgb)
    for side, hand in (("left", left), ("right", right)):
        assert hand is not None and hand.world is not None
        pts = F.to_unity(hand.world)
        solved = F.solve_hand(side, pts)
        assert solved is not None
        rotations, _ = solved
        s = F.SIDES.index(side)
        for k, bone in enumerate(FINGER_BONES[s * 15 : s * 15 + 15]):
            c = F.components(bone, rotations[k])
            for v, (lo, hi) in zip(c, F.LIMITS[bone].ranges, strict=True):
                assert lo - 1e-3 <= v <= hi + 1e-3, (bone, c)
        # each Proximal bone points where its segment points (unless a limit moved it)
        palm = F.palm_frame(side, pts)
        fk = F.hand_landmarks(side, rotations, palm)  # type: ignore[arg-type]
        errors = []
        for chain in FINGERS.values():
            seen, posed = pts[chain[1]] - pts[chain[0]], fk[chain[1]] - fk[chain[0]]
            cos = float(seen @ posed) / (np.linalg.norm(seen) * np.linalg.norm(posed))
            errors.append(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))))
        assert float(np.median(errors)) < 20.0, errors


def test_the_solver_appends_fingers_and_eases_an_unseen_hand_to_rest() -> None:
    rng = np.random.default_rng(3)
    from bridge.humanoid import fk

    body = fk.synthesize_world_block(np.tile(quat.IDENTITY, (len(BONES), 1)))
    pose = random_fingers(rng, "left")
    block = np.ones((21, 5), dtype=np.float32)
    block[:, :3] = F.hand_landmarks("left", pose, quat.IDENTITY) * (1.0, -1.0, 1.0)
    hand = Hand(None, block, 0.9)
    solver = HumanoidSolver(SolverOptions(fingers=True, hold=0.5, ease=1.0))
    first = solver(PoseFrame(0, 0.0, 0, None, body, left_hand=hand)).humanoid
    assert first is not None and first.rotations.shape == (len(BONES) + 30, 4)
    got = np.array([first.rotation(b) for b in FINGER_BONES[:15]])
    assert F.finger_angle_error(pose, got).max() < 0.05
    held = solver(PoseFrame(1, 0.4, 0, None, body, hands=True)).humanoid  # hand lost: held for 0.5 s
    assert held is not None and np.array_equal(held.rotations[len(BONES) :], first.rotations[len(BONES) :])
    rest = solver(PoseFrame(2, 2.0, 0, None, body, hands=True)).humanoid  # then back to rest
    assert rest is not None
    np.testing.assert_allclose(rest.rotations[len(BONES) :], np.tile(quat.IDENTITY, (30, 1)), atol=1e-6)
    # without the option, no finger bones; and the pose with fingers goes over the wire (3 + 4·51 floats)
    plain = HumanoidSolver()(PoseFrame(0, 0.0, 0, None, body, left_hand=hand)).humanoid
    assert plain is not None and plain.rotations.shape == (len(BONES), 4)
    frame = PoseFrame(0, 0.0, 0, None, body, humanoid=first, left_hand=hand)
    for fmt in P.WireFormat:
        back = P.decode(P.encode(P.FrameMessage(frame, 1), fmt))
        assert isinstance(back, P.FrameMessage) and back.frame.humanoid is not None
        np.testing.assert_allclose(back.frame.humanoid.rotations, first.rotations, atol=1e-7)


def test_serve_announces_finger_bones_with_avatar_and_hands(short_video: Path) -> None:
    """``serve VIDEO --avatar --hands``: hello lists the hand topology and the 21 + 30 bones; the solver makes them."""
    from bridge.cli import build_parser
    from bridge.commands.serve import build_transforms, hello_for
    from bridge.skeleton import HAND_LANDMARK_NAMES, HUMANOID_BONES
    from bridge.sources.video import VideoSource

    parser = build_parser()
    for flags, hands, bones in (
        (["--avatar", "--hands"], True, (*HUMANOID_BONES, *FINGER_BONES)),
        (["--hands"], True, ()),
        (["--avatar"], False, HUMANOID_BONES),
    ):
        args = parser.parse_args(["serve", str(short_video), *flags])
        source = VideoSource(str(short_video))
        try:
            hello = hello_for(args, source)
            assert (hello.hand_landmarks == HAND_LANDMARK_NAMES) == hands and hello.humanoid_bones == bones
            solvers = [t for t in build_transforms(args, source) if isinstance(t, HumanoidSolver)]
            assert [s.options.fingers for s in solvers] == ([hands] if "--avatar" in flags else [])
        finally:
            asyncio.run(source.aclose())


def test_vmc_and_bvh_carry_the_finger_bones(tmp_path: Path) -> None:
    """A pose with fingers: VMC sends 51 bones (fingers named as HumanBodyBones), BVH has 30 more joints."""
    import bvhio

    from bridge.formats.bvh import FINGER_JOINT_NAMES, BvhWriter, bvh_channels, euler_zxy
    from bridge.outputs.vmc import vmc_pose

    rng = np.random.default_rng(5)
    rotations = np.tile(quat.IDENTITY, (len(BONES) + 30, 1))
    rotations[len(BONES) : len(BONES) + 15] = random_fingers(rng, "left")
    rotations[len(BONES) + 15 :] = random_fingers(rng, "right")
    rotations[len(BONES) + 4] = F.from_components("LeftIndexIntermediate", 0.0, 0.0, -50.0)
    from bridge.humanoid import HumanoidPose

    pose = HumanoidPose(np.zeros(3), rotations)
    bones = vmc_pose(pose, "stream")
    assert [b.name for b in bones[1:]] == [*BONES, *FINGER_BONES]
    np.testing.assert_allclose(bones[-1].rotation, rotations[-1], atol=1e-6)
    np.testing.assert_allclose(bones[-1].position, F.REST_LOCAL["RightLittleDistal"], atol=1e-9)
    mirrored = vmc_pose(pose, "stream", mirror=True)
    assert mirrored[len(BONES) + 1].name == "RightThumbProximal"
    # BVH: the hierarchy with fingers, 3 + 3 * 51 channels; the rotation of a finger joint reads back
    path = tmp_path / "fingers.bvh"
    writer = BvhWriter(path, fps=30.0, fingers=True)
    writer.write(PoseFrame(0, 0.0, 0, humanoid=pose))
    writer.close()
    channels = bvh_channels(pose, fingers=True)
    assert channels.shape == (3 + 3 * (len(BONES) + 30),)
    assert len(bvh_channels(pose)) == 3 + 3 * len(BONES)  # a writer without fingers leaves them out
    root = bvhio.readAsHierarchy(str(path))
    names = [joint.Name for joint, _, _ in root.layout()]
    assert all(name in names for name in FINGER_JOINT_NAMES.values())
    assert names.index("LeftHandThumb1") > names.index("LeftHand")
    from bridge.formats.bvh import ORDER_WITH_FINGERS

    bone = len(BONES) + 4  # LeftIndexIntermediate
    q = rotations[bone] * np.array([1.0, -1.0, -1.0, 1.0])  # mirrored to BVH axes
    k = ORDER_WITH_FINGERS.index(bone)
    values = np.array(path.read_text().splitlines()[-1].split(), dtype=float)
    assert names[k] == "LeftHandIndex2"  # the motion values follow the hierarchy
    np.testing.assert_allclose(values[3 + 3 * k : 6 + 3 * k], euler_zxy(q[None, :])[0], atol=1e-5)
    assert abs(values[3 + 3 * k]) + abs(values[4 + 3 * k]) + abs(values[5 + 3 * k]) > 1.0  # a bent finger


def _hand_block(side: str, fingers: np.ndarray, palm: np.ndarray, wrist: np.ndarray) -> np.ndarray:
    """A hand's world block (MediaPipe axes) posed by FK, its wrist on the body's wrist landmark (SPEC §4c)."""
    block = np.ones((21, 5), dtype=np.float32)
    block[:, :3] = F.hand_landmarks(side, fingers, palm) * (1.0, -1.0, 1.0) + wrist
    return block


def test_the_body_hand_bone_follows_the_hand_landmarks_round_trip() -> None:
    """Body + Hand + finger rotations → BlazePose block and hand blocks → solver → the same Hand and fingers.

    BlazePose's own hand points (wrist, index, pinky) are made to disagree (another hand rotation): with
    the hands in the frame the Hand bones follow the hands' palms, within 2°, and the fingers stay
    relative to them; without them the solver falls back to BlazePose's points.
    """
    from bridge.humanoid import fk
    from bridge.humanoid.model import BONE_INDEX
    from tests.test_humanoid import _swing_in_disc, random_pose

    rng = np.random.default_rng(11)
    worst = {"hand": 0.0, "world": 0.0, "fingers": 0.0}
    fallback_off = []
    for _ in range(100):
        truth = random_pose(rng)
        decoy = truth.copy()
        for side in ("Left", "Right"):
            decoy[BONE_INDEX[f"{side}Hand"]] = _swing_in_disc(rng, (1, 2), 35)
        body = fk.synthesize_world_block(decoy)
        w_truth = fk.world_rotations(truth)
        fingers = {side: random_fingers(rng, side) for side in F.SIDES}
        palms = [w_truth[BONE_INDEX[f"{side.capitalize()}Hand"]] for side in F.SIDES]
        hands = [
            Hand(None, _hand_block(side, fingers[side], palms[k], body[15 + k, :3]), 1.0)
            for k, side in enumerate(F.SIDES)
        ]
        solver = HumanoidSolver(SolverOptions(fingers=True))
        pose = solver(PoseFrame(0, 0.0, 0, None, body, left_hand=hands[0], right_hand=hands[1])).humanoid
        plain = HumanoidSolver(SolverOptions(fingers=True))(PoseFrame(0, 0.0, 0, None, body, hands=True)).humanoid
        assert pose is not None and plain is not None
        w_solved = fk.world_rotations(pose.rotations[: len(BONES)].astype(np.float64))
        for s, side in enumerate(F.SIDES):
            bone = f"{side.capitalize()}Hand"
            i = BONE_INDEX[bone]
            worst["hand"] = max(worst["hand"], quat.angle_between(pose.rotation(bone), truth[i]) / F.DEG)
            worst["world"] = max(worst["world"], quat.angle_between(w_solved[i], w_truth[i]) / F.DEG)
            got = pose.rotations[len(BONES) + 15 * s : len(BONES) + 15 * s + 15]
            worst["fingers"] = max(worst["fingers"], float(F.finger_angle_error(fingers[side], got).max()))
            # without the hand: today's solve from BlazePose's hand points (the decoy)
            assert quat.angle_between(plain.rotation(bone), decoy[i]) < 0.5 * F.DEG
            fallback_off.append(quat.angle_between(decoy[i], truth[i]) / F.DEG)
    assert worst["hand"] < 2.0 and worst["world"] < 2.0 and worst["fingers"] < 2.0, worst
    assert float(np.median(fallback_off)) > 10.0  # the decoy really differs: the test could fail


def test_a_degenerate_or_absent_hand_falls_back_to_blazepose() -> None:
    """A hand whose palm points coincide, or without a world block, leaves the Hand bone to BlazePose's points."""
    from bridge.humanoid import fk

    body = fk.synthesize_world_block(np.tile(quat.IDENTITY, (len(BONES), 1)))
    flat = np.ones((21, 5), dtype=np.float32)
    flat[:, :3] = body[15, :3]  # every landmark on the wrist
    for hand in (Hand(None, flat, 1.0), Hand(np.full((21, 5), 0.5, dtype=np.float32), None, 1.0)):
        pose = HumanoidSolver(SolverOptions(fingers=True))(PoseFrame(0, 0.0, 0, None, body, left_hand=hand)).humanoid
        assert pose is not None
        np.testing.assert_allclose(pose.rotations, np.tile(quat.IDENTITY, (len(BONES) + 30, 1)), atol=1e-6)


def test_avatar_smoothing_cuts_finger_jitter_and_lost_hands_still_return_to_rest() -> None:
    """``--avatar-smooth`` filters the finger bones like the body's: less jitter on a noisy still hand, the
    pose kept; a hand that disappears is held, then its fingers settle at rest."""
    from bridge.humanoid import RotationSmoothing, fk

    rng = np.random.default_rng(21)
    body = fk.synthesize_world_block(np.tile(quat.IDENTITY, (len(BONES), 1)))
    truth = random_fingers(rng, "left")
    clean = _hand_block("left", truth, quat.IDENTITY, body[15, :3])

    def run(options: SolverOptions) -> tuple[float, float, HumanoidSolver]:
        solver = HumanoidSolver(options)
        prev, steps, errors = None, [], []
        for k in range(90):
            block = clean.copy()
            block[:, :3] += rng.normal(scale=0.002, size=(21, 3))  # 2 mm of landmark noise on a still hand
            pose = solver(PoseFrame(k, k / 30, 0, None, body, left_hand=Hand(None, block, 1.0))).humanoid
            assert pose is not None
            q = pose.rotations[len(BONES) : len(BONES) + 15].astype(np.float64)
            if prev is not None and k > 15:
                steps.append(float(F.finger_angle_error(prev, q).mean()))
                errors.append(float(np.median(F.finger_angle_error(truth, q))))
            prev = q
        return float(np.mean(steps)), float(np.mean(errors)), solver

    raw, raw_err, _ = run(SolverOptions(fingers=True))
    smooth, err, solver = run(SolverOptions(fingers=True, smoothing=RotationSmoothing(), hold=0.5, ease=1.0))
    assert smooth < 0.5 * raw, (smooth, raw)
    assert err < raw_err < 10.0  # still the hand's pose, nearer to it than the raw one
    # the hand disappears: held for 0.5 s, eased to rest over 1 s, and (filtered) at rest soon after
    rest = np.tile(quat.IDENTITY, (30, 1))
    fingers, t = None, 3.0
    for k in range(90, 180):
        pose = solver(PoseFrame(k, k / 30, 0, None, body, hands=True)).humanoid
        assert pose is not None
        fingers = pose.rotations[len(BONES) :].astype(np.float64)
        if k / 30 < t + 0.4:  # held
            # (the last noisy sample is what is held: the filter moves to it from the smoothed pose)
            assert np.median(F.finger_angle_error(truth, fingers[:15])) < raw_err + 3.0
    assert fingers is not None and F.finger_angle_error(rest, fingers).max() < 0.1


def test_a_flickering_hand_eases_the_wrist_between_palm_and_blazepose() -> None:
    """A hand found every other frame (30 fps) moves the Hand and forearm by less than 15° a frame, though its
    palm and BlazePose's hand points disagree by 60°; with a steady source the output is exactly the
    unblended solve, and :data:`SOURCE_BLEND` after the last switch exactly the new source's solve.

    The body turns 2° a frame, so the blend must follow motion; the references are solvers that always
    (never) get the hands. A gap longer than the blend, or a seek backwards, switches at once.
    """
    from bridge.humanoid import fk
    from bridge.humanoid.model import BONE_INDEX
    from bridge.humanoid.solver import SOURCE_BLEND
    from tests.test_humanoid import random_pose, rv

    rng = np.random.default_rng(5)
    truth = random_pose(rng)
    truth[BONE_INDEX["LeftHand"]] = truth[BONE_INDEX["RightHand"]] = rv(0, 0, 30)
    decoy = truth.copy()
    decoy[BONE_INDEX["LeftHand"]] = decoy[BONE_INDEX["RightHand"]] = rv(0, 0, -30)
    fingers = {side: random_fingers(rng, side) for side in F.SIDES}
    arm = [BONE_INDEX[f"{c}{b}"] for c in ("Left", "Right") for b in ("UpperArm", "LowerArm", "Hand")]

    def frame(k: int, t: float, with_hands: bool) -> PoseFrame:
        pose, wrong = truth.copy(), decoy.copy()
        pose[0] = wrong[0] = quat.mul(rv(0, 2 * k, 0), truth[0])
        body = fk.synthesize_world_block(wrong)
        w = fk.world_rotations(pose)
        palms = [w[BONE_INDEX[f"{side.capitalize()}Hand"]] for side in F.SIDES]
        hands = [
            Hand(None, _hand_block(side, fingers[side], palms[s], body[15 + s, :3]), 1.0)
            for s, side in enumerate(F.SIDES)
        ]
        if not with_hands:
            return PoseFrame(k, t, 0, None, body, hands=True)
        return PoseFrame(k, t, 0, None, body, left_hand=hands[0], right_hand=hands[1])

    def solve(solver: HumanoidSolver, f: PoseFrame) -> np.ndarray:
        pose = solver(f).humanoid
        assert pose is not None
        return pose.rotations[: len(BONES)].copy()

    def present(k: int) -> bool:
        return k < 10 or (k < 30 and k % 2 == 0)

    blended, palm, points = (HumanoidSolver(SolverOptions(fingers=True)) for _ in range(3))
    last_switch, prev, worst_step, worst_raw = 0.0, None, 0.0, 0.0
    for k in range(45):
        t = k / 30
        out = solve(blended, frame(k, t, present(k)))
        ref_palm, ref_points = solve(palm, frame(k, t, True)), solve(points, frame(k, t, False))
        ref = ref_palm if present(k) else ref_points
        w_out, w_palm, w_points = (fk.world_rotations(r.astype(np.float64)) for r in (out, ref_palm, ref_points))
        for side in ("Left", "Right"):
            i = BONE_INDEX[f"{side}Hand"]
            worst_raw = max(worst_raw, quat.angle_between(w_palm[i], w_points[i]) / F.DEG)
        if k and present(k) != present(k - 1):
            last_switch = (k - 1) / 30
        if k < 10 or t - last_switch > SOURCE_BLEND + 1e-9:
            assert np.array_equal(out, ref), k  # steady, or the blend is over: exactly the unblended solve
        elif t - last_switch < SOURCE_BLEND - 1e-9:
            assert not np.allclose(out[arm], ref[arm], atol=1e-3), k  # still easing
        if prev is not None:
            for i in arm:
                worst_step = max(worst_step, quat.angle_between(prev[i], w_out[i]) / F.DEG)
        prev = w_out
    assert worst_raw > 50.0, worst_raw  # without the blend the wrists would jump this far: the test could fail
    assert worst_step < 15.0, worst_step

    # a gap of the blend time or more switches at once; a seek backwards starts afresh
    for t0, t1 in ((1.0, 1.0 + SOURCE_BLEND), (1.0, 0.5)):
        solver = HumanoidSolver(SolverOptions(fingers=True))
        solve(solver, frame(0, t0, True))
        assert np.array_equal(solve(solver, frame(1, t1, False)), solve(points, frame(1, t1, False)))
