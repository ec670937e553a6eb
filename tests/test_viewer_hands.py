"""The viewer draws hands (``serve --hands``) in real headless Chromium, on real footage through the real server."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

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
