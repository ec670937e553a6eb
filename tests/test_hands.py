"""Hands (``--hands``): the real MediaPipe hand landmarker on real photos, attached to the right person and side.

Sides are checked against the pose: a hand reported as a person's left hand must have its wrist
nearer to that person's left pose wrist than to any other pose wrist in the picture.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import cv2
import numpy as np
import pytest

from bridge import protocol as P
from bridge.formats import open_reader, open_writer
from bridge.frame import Hand, Person, PoseFrame
from bridge.overlay import draw_pose
from bridge.pose.engine import Estimator, EstimatorOptions
from bridge.skeleton import HAND_BONES, HAND_LANDMARK_NAMES, INDEX
from bridge.sources.video import VideoSource
from tests.cli_process import run_cli
from tests.media import make_video, scaled_timeout
from tests.streaming import client, collect, running_server

pytestmark = pytest.mark.blazepose

WRIST = {"left": INDEX["left_wrist"], "right": INDEX["right_wrist"]}


def _rgb(path: Path) -> np.ndarray:
    bgr = cv2.imread(str(path))
    assert bgr is not None, path
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


def _pixels(xy: np.ndarray, rgb: np.ndarray) -> np.ndarray:
    h, w = rgb.shape[:2]
    return xy.astype(np.float64) * (w, h)


def _check_attachment(rgb: np.ndarray, found: list) -> int:
    """Every hand's wrist is nearest to its own person's same-side pose wrist; returns the number of hands."""
    wrists = [(k, side, _pixels(image[WRIST[side], :2], rgb)) for k, (image, *_) in enumerate(found) for side in WRIST]
    count = 0
    for k, (_image, world, left, right) in enumerate(found):
        for side, hand in (("left", left), ("right", right)):
            if hand is None:
                continue
            count += 1
            assert isinstance(hand, Hand) and 0.0 <= hand.score <= 1.0
            assert hand.image is not None and hand.image.shape == (21, 5) and np.isfinite(hand.image).all()
            wrist = _pixels(hand.image[0, :2], rgb)
            nearest = min(wrists, key=lambda item: float(np.linalg.norm(item[2] - wrist)))
            assert nearest[:2] == (k, side), f"person {k}'s {side} hand lies nearest to {nearest[:2]}"
            # world: meters, re-anchored at the body's world wrist, a hand-sized extent
            assert hand.world is not None and world is not None
            np.testing.assert_allclose(hand.world[0, :3], world[WRIST[side], :3], atol=1e-6)
            span = float(np.linalg.norm(hand.world[:, :3] - hand.world[0, :3], axis=1).max())
            assert 0.05 < span < 0.35, span
    return count


@pytest.mark.parametrize("static", [True, False], ids=["image-mode", "video-mode"])
def test_hands_on_photos_belong_to_the_right_person_and_side(media: Path, hand_model: Path, static: bool) -> None:
    options = EstimatorOptions(static_image_mode=static, hands=True, num_poses=2)
    counts = {}
    with Estimator(options) as est:
        assert est.hand_model_path == hand_model
        for k, name in enumerate(("messi5.jpg", "basketball1.png", "basketball2.png")):
            rgb = _rgb(media / name)
            if not static:
                est.reset()
            found = est.detect(rgb, 0.0 if static else k * 10.0)
            assert found, name
            counts[name] = (_check_attachment(rgb, found), found)
    # messi5: both of the player's hands (the one by the ball and the raised right one)
    _, messi = counts["messi5.jpg"]
    assert messi[0][2] is not None and messi[0][3] is not None
    assert counts["basketball1.png"][0] >= 1
    assert counts["basketball2.png"][0] >= 2


def test_a_hand_that_disappears_is_null_never_stale(media: Path, hand_model: Path) -> None:
    """VIDEO mode tracks hands between frames: when the hands are painted over, both sides become None at once."""
    rgb = _rgb(media / "messi5.jpg")
    with Estimator(EstimatorOptions(hands=True)) as est:
        [(_, _, left, right)] = est.detect(rgb, 0.0)
        assert left is not None and right is not None
        hidden = rgb.copy()
        h, w = rgb.shape[:2]
        for hand in (left, right):
            assert hand.image is not None
            x0, y0 = (hand.image[:, :2].min(axis=0) * (w, h)).astype(int) - 12
            x1, y1 = (hand.image[:, :2].max(axis=0) * (w, h)).astype(int) + 12
            hidden[max(y0, 0) : y1, max(x0, 0) : x1] = (128, 128, 128)
        sequence = [rgb] * 3 + [hidden] * 4 + [rgb] * 5 + [np.zeros_like(rgb)] * 2
        seen = [est.detect(image, i / 30 + 0.1) for i, image in enumerate(sequence)]
    for i, found in enumerate(seen):
        if i < 3 or 10 <= i < 12:  # found again at the latest 3 frames after they reappear (hands.RETRY_MS)
            assert found and found[0][2] is not None and found[0][3] is not None, i
        elif i < 7:
            assert found and found[0][0] is not None, i  # the body is still there...
            assert found[0][2] is None and found[0][3] is None, i  # ...its hands are not
        elif i >= 12:
            assert found == [], i  # nobody at all


async def test_served_frames_carry_hands(media: Path, hand_model: Path, tmp_path: Path) -> None:
    video = make_video(media / "messi5.jpg", tmp_path / "messi.avi", frames=12)
    source = VideoSource(str(video), EstimatorOptions(hands=True))
    hello = P.Hello.with_hands(source.info)
    try:
        async with running_server(source, speed=None, wait_clients=1, hello=hello) as srv:
            async with client(srv.url, P.WireFormat.JSON) as ws:
                got = await asyncio.wait_for(collect(ws), scaled_timeout(120))
    finally:
        await source.aclose()
    assert got.hello is not None and got.hello.hand_landmarks == HAND_LANDMARK_NAMES
    assert got.hello.hand_bones == HAND_BONES
    frames = [m.frame for m in got.frames]
    assert len(frames) == 12 and all(f.hands for f in frames)
    both = [f for f in frames if f.left_hand is not None and f.right_hand is not None]
    assert len(both) >= 10
    for f in both:
        assert f.image is not None and f.left_hand is not None and f.left_hand.image is not None
        d_own = np.linalg.norm(f.left_hand.image[0, :2] - f.image[WRIST["left"], :2])
        d_other = np.linalg.norm(f.left_hand.image[0, :2] - f.image[WRIST["right"], :2])
        assert d_own < d_other


def _hand(seed: int) -> Hand:
    rng = np.random.default_rng(seed)
    return Hand(rng.random((21, 5)).astype(np.float32), rng.random((21, 5)).astype(np.float32), 0.75)


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_recordings_carry_hands(tmp_path: Path, suffix: str) -> None:
    rng = np.random.default_rng(0)
    body = rng.random((33, 5)).astype(np.float32)
    frames = [
        PoseFrame(0, 0.0, 10, body, body, left_hand=_hand(1), right_hand=_hand(2)),
        PoseFrame(1, 1 / 30, 11, body, body, right_hand=_hand(3)),
        PoseFrame(2, 2 / 30, 12, body, body, hands=True),  # no hand found: both null, not the previous ones
        PoseFrame(3, 3 / 30, 13, hands=True),
    ]
    if suffix == ".jsonl":  # people too
        frames.append(
            PoseFrame(
                4, 4 / 30, 14, body, body, left_hand=_hand(4),
                people=(Person(1, body, body, (0.0, 0.0, 2.0), left_hand=_hand(4)), Person(2, body, body, None)),
            )
        )  # fmt: skip
    path = tmp_path / f"take{suffix}"
    writer = open_writer(path)
    for f in frames:
        writer.write(f)
    writer.close()
    reader = open_reader(path)
    try:
        assert reader.info.hands
        back = list(reader)
    finally:
        reader.close()
    assert back == frames


def test_extract_cli_writes_hands_and_txt_stays_as_it_is(short_video: Path, hand_model: Path, tmp_path: Path) -> None:
    out = tmp_path / "messi.jsonl"
    done = run_cli("extract", str(short_video), "-o", str(out), "--hands", "--no-progress", timeout=300)
    assert done.returncode == 0, done.stderr
    reader = open_reader(out)
    try:
        frames = list(reader)
    finally:
        reader.close()
    assert len(frames) == 10 and all(f.hands for f in frames)
    assert sum(f.left_hand is not None and f.right_hand is not None for f in frames) >= 8
    txt = tmp_path / "messi.txt"
    done = run_cli("extract", str(short_video), "-o", str(txt), "--hands", "--no-progress", timeout=300)
    assert done.returncode == 0, done.stderr
    assert "hand" not in txt.read_text(encoding="utf-8")


def test_overlay_draws_hands() -> None:
    hand_image = np.zeros((21, 5), dtype=np.float32)
    hand_image[:, 0] = np.linspace(0.2, 0.4, 21)
    hand_image[:, 1] = 0.5
    hand_image[:, 3:] = 1.0
    image = np.zeros((200, 200, 3), dtype=np.uint8)
    draw_pose(image, PoseFrame(0, 0.0, 0, hands=True))
    before = image.copy()
    draw_pose(image, PoseFrame(0, 0.0, 0, left_hand=Hand(hand_image, None, 0.9)))
    changed = np.argwhere((image != before).any(axis=2))
    changed = changed[changed[:, 0] > 60]  # below the caption
    assert len(changed) > 0
    assert 35 <= changed[:, 1].min() and changed[:, 1].max() <= 85  # x from 0.2 to 0.4 of 200 pixels
    assert 90 <= changed[:, 0].min() and changed[:, 0].max() <= 110
