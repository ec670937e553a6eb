"""The viewer's avatar view of a grounded stream (``serve --avatar --grounded``) in real headless Chromium."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from bridge.humanoid import BONES, fk
from tests import test_viewer
from tests.browser import Browser
from tests.media import scaled_timeout
from tests.test_viewer import _serve, _stop, needs_chromium

pytestmark = pytest.mark.browser
browser = test_viewer.browser  # the headless Chromium fixture


@needs_chromium
async def test_grounded_avatar_stands_on_the_floor_and_marks_planted_feet(browser: Browser, tmp_path: Path) -> None:
    proc, url = await _serve("demo", "--avatar", "--grounded")
    try:
        await browser.open(url)
        await browser.wait_for(
            "window.poseViewer && poseViewer.avatar && poseViewer.avatar.posed", scaled_timeout(20), "pose"
        )
        assert await browser.eval("poseViewer.hello.root_motion") == "grounded"
        assert await browser.eval("poseViewer.avatar.grounded") is True
        await browser.wait_for("poseViewer.avatar.marks >= 1", scaled_timeout(10), "a planted foot's mark")
        for _ in range(3):
            got = await browser.eval(
                "({h: poseViewer.frame.humanoid, c: poseViewer.frame.contacts, a: poseViewer.avatar.contacts,"
                " j: poseViewer.avatar.unityJoints, seq: poseViewer.frame.seq})"
            )
            assert got["c"] == got["a"] and len(got["c"]) == 2
            h = got["h"]
            python = fk.joint_positions(np.array(h[1:]), h[0])
            for i, bone in enumerate(BONES):
                assert got["j"][bone] == pytest.approx(python[i].tolist(), abs=1e-6), bone
            # grounded: the hips' y is their height above the floor, the ankles are near it (not 0.89 m below it)
            assert 0.5 < h[0][1] < 1.2
            assert min(got["j"]["LeftFoot"][1], got["j"]["RightFoot"][1]) == pytest.approx(0.07, abs=0.05)
            await browser.wait_for(f"poseViewer.frame.seq !== {got['seq']}", scaled_timeout(5), "the next frame")
        out = os.environ.get("POSE_BRIDGE_SCREENSHOTS")
        shots = Path(out) if out else tmp_path
        shots.mkdir(parents=True, exist_ok=True)
        await browser.screenshot(shots / "viewer_grounded.png")
        assert browser.console_errors == []
    finally:
        await _stop(proc)
