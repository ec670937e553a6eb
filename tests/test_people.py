"""Several people: the tracker's ids, the shared-space root positions, and real BlazePose on real photos."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from bridge.camera import project, root_position
from bridge.frame import Person, PoseFrame
from bridge.pose.tracking import PersonTracker, footprint
from bridge.skeleton import INDEX
from bridge.sources.demo import pose_at


def _person_at(x: float, y: float, size: float = 0.1) -> np.ndarray:
    """Image landmarks of the demo's standing person, hips at (x, y), torso ``size`` tall."""
    world = pose_at(0)[1][:, :3].astype(np.float64)
    hips = (world[INDEX["left_hip"]] + world[INDEX["right_hip"]]) / 2
    shoulders = (world[INDEX["left_shoulder"]] + world[INDEX["right_shoulder"]]) / 2
    scale = size / np.linalg.norm(shoulders[:2] - hips[:2])
    block = np.ones((33, 5), np.float32)
    block[:, 0] = x + (world[:, 0] - hips[0]) * scale
    block[:, 1] = y + (world[:, 1] - hips[1]) * scale
    block[:, 2] = 0
    return block


def test_footprint_is_hip_centre_and_torso_size() -> None:
    f = footprint(_person_at(0.3, 0.6, 0.1))
    assert f is not None and f.x == pytest.approx(0.3) and f.y == pytest.approx(0.6) and f.size == pytest.approx(0.1)
    assert footprint(np.full((33, 5), np.nan, np.float32)) is None


def test_ids_follow_people_whatever_order_mediapipe_returns() -> None:
    tracker = PersonTracker()
    a, b = _person_at(0.2, 0.6), _person_at(0.7, 0.6)
    assert tracker.update(0.0, [a, b]) == [1, 2]
    for k in range(1, 10):  # they walk; MediaPipe's order flips every frame
        a, b = _person_at(0.2 + 0.01 * k, 0.6), _person_at(0.7 - 0.01 * k, 0.6)
        poses, expected = ([a, b], [1, 2]) if k % 2 else ([b, a], [2, 1])
        assert tracker.update(k / 30, poses) == expected


def test_people_passing_each_other_keep_their_ids() -> None:
    """Two people cross in 20 frames; the constant-velocity prediction carries each id through."""
    tracker = PersonTracker()
    for k in range(21):
        left_to_right = _person_at(0.2 + 0.03 * k, 0.6)
        right_to_left = _person_at(0.8 - 0.03 * k, 0.62)
        poses = [right_to_left, left_to_right] if k % 3 else [left_to_right, right_to_left]
        ids = tracker.update(k / 30, poses)
        assert dict(zip(ids, (footprint(p).x for p in poses), strict=True))[1] == pytest.approx(0.2 + 0.03 * k)  # type: ignore[union-attr]


def test_a_short_loss_keeps_the_id_and_a_newcomer_gets_a_new_one() -> None:
    tracker = PersonTracker(max_missed=1.0)
    assert tracker.update(0.0, [_person_at(0.3, 0.6)]) == [1]
    assert tracker.update(0.1, []) == []  # lost for a moment
    assert tracker.update(0.5, [_person_at(0.31, 0.6)]) == [1]  # found again near where they were
    assert tracker.update(0.6, [_person_at(0.31, 0.6), _person_at(0.8, 0.6)]) == [1, 2]  # someone enters
    assert tracker.update(2.0, [_person_at(0.8, 0.6)]) == [3]  # both were gone over a second: ids never reused
    assert tracker.update(2.1, [_person_at(0.31, 0.6), _person_at(0.8, 0.6)]) == [4, 3]


def test_a_far_jump_or_a_much_bigger_person_is_someone_else() -> None:
    tracker = PersonTracker()
    assert tracker.update(0.0, [_person_at(0.2, 0.6)]) == [1]
    assert tracker.update(0.033, [_person_at(0.8, 0.6)]) == [2]  # 0.6 away: 6 torso lengths in one frame
    tracker = PersonTracker()
    assert tracker.update(0.0, [_person_at(0.5, 0.6, 0.05)]) == [1]
    assert tracker.update(0.033, [_person_at(0.5, 0.6, 0.2)]) == [2]  # four times the size


def test_root_position_inverts_the_projection() -> None:
    world = pose_at(21)[1]
    for root in [(0.0, 0.0, 3.0), (-1.2, 0.3, 4.5), (0.8, -0.2, 2.2)]:
        image = project(world, root, 1280, 720, fov=70)
        got = root_position(image, world, 1280, 720, fov=70)
        assert got is not None
        np.testing.assert_allclose(got, root, atol=1e-4)


def test_root_position_needs_landmarks_seen_well() -> None:
    world = np.array(pose_at(0)[1], copy=True)
    world[:, 3] = 0.1  # nothing seen well
    image = project(world, (0, 0, 3), 640, 480)
    assert root_position(image, world, 640, 480) is None


def test_frames_order_people_by_id() -> None:
    block = pose_at(0)[1]
    frame = PoseFrame(0, 0.0, 0, block, block, people=[Person(1, block, block, (0, 0, 3)), Person(4, block, block)])
    assert [p.id for p in frame.people] == [1, 4] and frame.people[0].root == (0.0, 0.0, 3.0)
    with pytest.raises(ValueError, match="ordered by id"):
        PoseFrame(0, 0.0, 0, people=[Person(2), Person(1)])


@pytest.mark.blazepose
def test_two_people_in_basketball2_are_found_and_placed_side_by_side(media: Path) -> None:
    from bridge.pose import Estimator, EstimatorOptions
    from bridge.pose.tracking import PeopleTracker

    bgr = cv2.imread(str(media / "basketball2.png"))
    h, w = bgr.shape[:2]
    rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
    with Estimator(EstimatorOptions(num_poses=4)) as est:
        people = PeopleTracker(w, h)
        for k in range(5):  # the same picture five times: tracked, same ids
            image, world, found = people.update(k / 30, est.process_all(rgb, k / 30))
            assert [p.id for p in found] == [1, 2]
    assert image is not None and world is not None
    np.testing.assert_array_equal(image, found[0].image)  # the primary person is the lowest id
    roots = [p.root for p in found]
    assert all(r is not None and 1.0 < r[2] < 15.0 for r in roots), roots
    xs = [float(np.nanmean(p.image[:, 0])) for p in found]  # type: ignore[index]
    # placed in the shared space in the order they stand in the picture
    assert (roots[0][0] < roots[1][0]) == (xs[0] < xs[1])  # type: ignore[index]


def test_jsonl_keeps_everyone(tmp_path: Path) -> None:
    from bridge.formats import open_reader, open_writer

    img, world = pose_at(3)
    frames = [
        PoseFrame(0, 0.0, 5, img, world, people=[Person(1, img, world, (0.5, 0.1, 3.25)), Person(2, img, world)]),
        PoseFrame(1, 1 / 30, 6, None, None),  # nobody: no people key
        PoseFrame(2, 2 / 30, 7, img, world, people=[Person(2, img, world, (-1.0, 0.0, 4.0))]),
    ]
    path = tmp_path / "people.jsonl"
    with open_writer(path) as writer:
        for f in frames:
            writer.write(f)
    lines = path.read_text().splitlines()
    assert '"people":[{"id":1,' in lines[1] and '"root":[0.5,0.1,3.25]' in lines[1] and "people" not in lines[2]
    with open_reader(path) as reader:
        assert list(reader) == frames


@pytest.mark.parametrize(
    ("people", "message"),
    [
        ('"people":{}', "'people' must be a list"),
        ('"people":[{"world":null}]', "each person needs an integer 'id'"),
        ('"people":[{"id":1,"root":[1,2]}]', "person 1: 'root' must be 3 numbers or null"),
        ('"people":[{"id":1},{"id":1}]', "two people with the same 'id'"),
    ],
)
def test_jsonl_bad_people_are_named(tmp_path: Path, people: str, message: str) -> None:
    from bridge.errors import FormatError
    from bridge.formats import open_reader

    header = '{"format":"pose-bridge-recording","version":1,"fps":30,"coords":["world"]}'
    path = tmp_path / "bad.jsonl"
    path.write_text(header + "\n" + '{"seq":0,"t":0,"captured_ns":0,"world":null,' + people + "}\n")
    with pytest.raises(FormatError, match=message), open_reader(path) as reader:
        list(reader)


@pytest.mark.blazepose
def test_extract_and_annotate_with_several_people(media: Path, tmp_path: Path) -> None:
    """The real CLI on a video of two real people: every frame has both, with the same ids; the overlay labels them."""
    import json

    from tests.cli_process import run_cli
    from tests.media import make_video

    video = make_video(media / "basketball2.png", tmp_path / "two.avi", frames=20)
    out = tmp_path / "two.jsonl"
    result = run_cli("extract", str(video), "-o", str(out), "--max-people", "4", "--no-progress")
    assert result.returncode == 0, result.stderr
    frames = [json.loads(line) for line in out.read_text().splitlines()[1:]]
    assert len(frames) == 20
    assert all([p["id"] for p in f["people"]] == [1, 2] for f in frames)
    assert all(f["world"] == f["people"][0]["world"] for f in frames)  # the primary person at the top level
    annotated = tmp_path / "two_annotated.avi"
    result = run_cli("annotate", str(video), "-o", str(annotated), "--max-people", "4")
    assert result.returncode == 0, result.stderr
    cap = cv2.VideoCapture(str(annotated))
    ok, drawn = cap.read()
    cap.release()
    original = cv2.VideoCapture(str(video)).read()[1]
    assert ok and drawn.shape == original.shape
    changed = np.abs(drawn.astype(int) - original.astype(int)).sum(axis=2) > 60
    halves = changed[:, : drawn.shape[1] // 2].sum(), changed[:, drawn.shape[1] // 2 :].sum()
    assert min(halves) > 500  # a skeleton drawn on each side of the picture, where the two people stand


def test_smoothing_and_angles_are_per_person() -> None:
    """Each id has its own filter history and angles; the top level is the primary person's."""
    from bridge.angles import with_angles
    from bridge.smoothing import PoseSmoother

    rng = np.random.default_rng(1)
    smoother = PoseSmoother()
    alone = PoseSmoother()  # the same person's stream on its own
    for k in range(30):
        img, world = pose_at(k)
        a_world = world + np.float32(0.01) * rng.standard_normal(world.shape).astype(np.float32) * (1, 1, 1, 0, 0)
        b_world = np.array(world, copy=True)
        b_world[:, 0] += 0.5
        frame = PoseFrame(k, k / 30, 0, img, a_world, people=[Person(1, img, a_world), Person(7, img, b_world)])
        out = with_angles(smoother(frame))
        ref = alone(PoseFrame(k, k / 30, 0, img, a_world))
        np.testing.assert_array_equal(out.people[0].world, ref.world)  # person 1 unaffected by person 7
        np.testing.assert_array_equal(out.world, out.people[0].world)
        assert out.angles == out.people[0].angles and out.people[1].angles is not None
    from bridge.angles import joint_angles

    assert out.people[1].angles == joint_angles(out.people[1].world)  # each person's own


@pytest.mark.blazepose
async def test_ids_stay_with_real_people_crossing_leaving_and_entering(media: Path, tmp_path: Path) -> None:
    """A video of real people at run time: a and b pass each other (b in front), a leaves, c enters where a left."""
    from bridge.pose import EstimatorOptions
    from bridge.sources.video import VideoSource
    from tests.media import make_crossing_video

    video, truth = make_crossing_video(media, tmp_path / "crossing.avi")
    source = VideoSource(str(video), EstimatorOptions(num_poses=3))
    try:
        frames = [frame async for frame in source.frames()]
    finally:
        await source.aclose()
    assert len(frames) == len(truth) == 120
    who: dict[str, set[int]] = {"a": set(), "b": set(), "c": set()}
    apart = {"before": 0, "after": 0}
    for frame, seen in zip(frames, truth, strict=True):
        centres = {k: (x0 + x1) / 2 for k, v in seen.items() if v is not None for x0, x1 in [v]}
        for person in frame.people:
            assert person.image is not None and person.root is not None
            x = float(np.nanmedian(person.image[:, 0]))
            name = min(centres, key=lambda k: abs(centres[k] - x))
            assert abs(centres[name] - x) < 0.1, (frame.seq, x, centres)  # half-hidden people shift a little
            if len(centres) == 1 or sorted(abs(c - x) for c in centres.values())[1] > 0.2:  # unambiguous
                who[name].add(person.id)
        if len(frame.people) == 2 and "a" in centres and "b" in centres and abs(centres["a"] - centres["b"]) > 0.2:
            apart["before" if centres["a"] < centres["b"] else "after"] += 1
    assert apart["before"] >= 10 and apart["after"] >= 10  # both seen, apart, on either side of the crossing
    assert len(who["a"]) == 1 and len(who["b"]) == 1 and who["a"] != who["b"]  # one id each, through the crossing
    assert len(who["c"]) == 1 and min(who["c"]) > max(who["a"] | who["b"])  # a newcomer: a new id, never a reused one


@pytest.mark.blazepose
@pytest.mark.parametrize("fmt", ["msgpack", "json"])
async def test_serve_streams_everyone_and_a_replay_serves_them_back(media: Path, tmp_path: Path, fmt: str) -> None:
    """The real CLI server on a video of two real people: hello says max_people, every frame carries both with
    ids, landmarks and roots; recorded with --record, a replay of the JSONL serves the same people again."""
    import asyncio

    from bridge import protocol as P
    from tests.cli_process import ServeProcess
    from tests.media import make_video, scaled_timeout
    from tests.streaming import client, collect

    video = make_video(media / "basketball2.png", tmp_path / "two.avi", frames=15)
    recording = tmp_path / "two.jsonl"
    wire = P.WireFormat.JSON if fmt == "json" else P.WireFormat.MSGPACK
    serve = await ServeProcess.start(
        str(video), "--max-people", "4", "--angles", "--wait-clients", "1", "--record", str(recording)
    )
    try:
        async with client(serve.url, wire) as ws:
            live = await asyncio.wait_for(collect(ws), scaled_timeout(120))
        await serve.wait()
    finally:
        await serve.kill()
    assert live.hello is not None and live.hello.max_people == 4
    frames = [m.frame for m in live.frames]
    assert len(frames) == 15 and all([p.id for p in f.people] == [1, 2] for f in frames)
    for f in frames:
        assert f.people[0].root is not None and f.people[1].root is not None
        assert f.people[0].angles is not None and f.angles == f.people[0].angles
        np.testing.assert_array_equal(f.world, f.people[0].world)  # type: ignore[arg-type]
    serve = await ServeProcess.start(str(recording), "--speed", "max", "--wait-clients", "1")
    try:
        async with client(serve.url, wire) as ws:
            replay = await asyncio.wait_for(collect(ws), scaled_timeout(60))
        await serve.wait()
    finally:
        await serve.kill()
    assert replay.hello is not None and replay.hello.max_people == 4
    assert [m.frame.people for m in replay.frames] == [f.people for f in frames]


def test_non_finite_values_of_a_person_go_out_as_missing() -> None:
    """Protocol v1 has no NaN: a person's block with a NaN is sent as null, like the frame's own (hub.finite_frame)."""
    from bridge import protocol as P
    from bridge.hub import finite_frame

    img, world = pose_at(2)
    bad = np.array(world, copy=True)
    bad[5, 0] = np.nan
    frame = PoseFrame(0, 0.0, 0, img, world, people=[Person(1, img, world), Person(2, img, bad, None, {"x": np.nan})])
    clean, changed = finite_frame(frame)
    assert changed and clean.people[1].world is None and clean.people[1].angles == {"x": None}
    assert clean.people[0] == frame.people[0]
    for fmt in (P.WireFormat.MSGPACK, P.WireFormat.JSON):
        decoded = P.decode(P.encode(P.FrameMessage(clean, 0), fmt))
        assert isinstance(decoded, P.FrameMessage) and decoded.frame.people[1].world is None
    assert finite_frame(clean) == (clean, False)
