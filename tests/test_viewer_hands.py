"""The viewer draws hands (``serve --hands``) in real headless Chromium, on real footage through the real server."""

from __future__ import annotations

import asyncio
from pathlib import Path

import numpy as np
import pytest

from bridge.humanoid import fingers as F
from bridge.humanoid import fk, quat
from bridge.humanoid.model import BONES
from bridge.skeleton import FINGER_BONES, FINGER_PARENTS
from tests import test_viewer
from tests.browser import Browser
from tests.media import make_video, scaled_timeout
from tests.test_viewer import _probe, _serve, _shot_dir, _stop, needs_chromium

pytestmark = pytest.mark.browser
browser = test_viewer.browser  # the headless Chromium fixture


@needs_chromium
async def test_hands_hang_from_the_wrists_and_are_drawn(
    browser: Browser, media: Path, hand_model: Path, tmp_path: Path
) -> None:
    video = make_video(media / "messi5.jpg", tmp_path / "messi.avi", frames=300)
    proc, url = await _serve(str(video), "--hands", "--wait-clients", "1", "--loop")
    try:
        await browser.open(url)
        await browser.wait_for("window.poseViewer && poseViewer.hands.length === 2", scaled_timeout(60), "two hands")
        hello = await browser.eval("[poseViewer.hello.hand_landmarks.length, poseViewer.hello.hand_bones.length]")
        assert hello == [21, 21]
        got = await browser.eval(
            "(() => { const S = poseViewer, f = S.frame;"
            " return {hands: S.hands.map(h => ({side: h.side, wrist: h.pts[0].p, n: h.pts.length})),"
            " pose: [S.pose[15].p, S.pose[16].p], seq: f.seq, found: [!!f.left_hand, !!f.right_hand]}; })()"
        )
        sides = {h["side"]: h for h in got["hands"]}
        assert sorted(sides) == ["left", "right"] and all(h["n"] == 21 for h in got["hands"])
        # world coordinates: each hand's wrist is the body's wrist (SPEC §4c), in the same view space
        for k, side in enumerate(("left", "right")):
            assert sides[side]["wrist"] == pytest.approx(got["pose"][k], abs=1e-6), side
        await browser.wait_for("poseViewer.handDraws > 2", scaled_timeout(10), "hands drawn")
        with_hands = await _probe(browser)
        await asyncio.sleep(0.2)
        await browser.screenshot(_shot_dir(tmp_path) / "viewer_hands.png")
        assert with_hands["colored"] > 1000
        assert browser.console_errors == []
    finally:
        await _stop(proc)


@needs_chromium
async def test_the_avatar_draws_fingers_posed_like_the_solver(
    browser: Browser, media: Path, hand_model: Path, tmp_path: Path
) -> None:
    """``serve --avatar --hands``: the box avatar gets a box per finger segment, with the finger model's rest offsets
    (bridge/humanoid/fingers.py), its finger joints where Python's forward kinematics puts them, and paints them."""
    video = make_video(media / "messi5.jpg", tmp_path / "messi.avi", frames=300)
    proc, url = await _serve(str(video), "--hands", "--avatar", "--wait-clients", "1", "--loop")
    try:
        await browser.open(url)
        await browser.wait_for(
            "window.poseViewer && poseViewer.avatar && poseViewer.avatar.posed && poseViewer.frame.left_hand"
            " && poseViewer.frame.right_hand",
            scaled_timeout(60),
            "a posed avatar with both hands",
        )
        assert await browser.eval("poseViewer.hello.humanoid_bones") == [*BONES, *FINGER_BONES]
        # the page's finger model is the solver's: parents, rest offsets, fingertips
        rest = await browser.eval("PoseAvatar.FINGERS")
        tips = await browser.eval("PoseAvatar.FINGER_TIPS")
        assert list(rest) == list(FINGER_BONES) and tips.keys() == F.REST_TIPS.keys()
        for bone in FINGER_BONES:
            assert rest[bone][0] == FINGER_PARENTS[bone], bone
            assert rest[bone][1] == pytest.approx(list(F.REST_LOCAL[bone]), abs=1e-9), bone
        for bone, tip in F.REST_TIPS.items():
            assert tips[bone] == pytest.approx(list(tip), abs=1e-9), bone
        # forward kinematics of the same frame in JavaScript and in Python, fingers included
        got = await browser.eval("({h: poseViewer.frame.humanoid, j: poseViewer.avatar.unityJoints})")
        h = np.array(got["h"][1:], dtype=np.float64)
        joints = {b: p for b, p in zip(BONES, fk.joint_positions(h[: len(BONES)], got["h"][0]), strict=True)}
        world = dict(zip(BONES, fk.world_rotations(h[: len(BONES)]), strict=True))
        for k, bone in enumerate(FINGER_BONES):
            parent = FINGER_PARENTS[bone]
            world[bone] = quat.mul(world[parent], quat.normalize(h[len(BONES) + k]))
            joints[bone] = joints[parent] + quat.rotate(world[parent], np.asarray(F.REST_LOCAL[bone]))
            assert got["j"][bone] == pytest.approx(joints[bone].tolist(), abs=1e-6), bone
        bent = F.finger_angle_error(h[len(BONES) :], np.tile(quat.IDENTITY, (30, 1)))
        assert float(bent.max()) > 5.0  # real hands: the fingers are not all at rest
        # and the finger boxes are painted
        draws = await browser.eval("poseViewer.avatar.draws")
        await browser.wait_for(f"poseViewer.avatar.draws > {draws + 2}", scaled_timeout(10), "avatar drawn")
        assert await browser.eval("poseViewer.avatar.fingerFaces") >= 30
        await asyncio.sleep(0.2)
        await browser.screenshot(_shot_dir(tmp_path) / "viewer_avatar_fingers.png")
        assert browser.console_errors == []
    finally:
        await _stop(proc)
