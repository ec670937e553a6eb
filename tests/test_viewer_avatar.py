"""The viewer's avatar view in real headless Chromium against ``pose-bridge serve --avatar`` (demo source).

The page's forward kinematics (bridge/viewer/avatar.js) must put every joint where the Python one
(bridge/humanoid/fk.py) puts it for the same frame, and the boxes must be drawn (and hidden on request).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from bridge.humanoid import BONES, fk
from bridge.humanoid.model import REST_JOINTS
from tests import test_viewer
from tests.browser import Browser
from tests.media import scaled_timeout
from tests.test_viewer import _probe, _serve, _stop, needs_chromium

pytestmark = pytest.mark.browser
browser = test_viewer.browser  # the headless Chromium fixture


@needs_chromium
async def test_avatar_view_follows_the_solvers_pose(browser: Browser, tmp_path: Path) -> None:
    proc, url = await _serve("demo", "--avatar")
    try:
        await browser.open(url)
        await browser.wait_for(
            "window.poseViewer && poseViewer.avatar && poseViewer.avatar.posed", scaled_timeout(20), "pose"
        )
        await browser.wait_for("poseViewer.avatar.draws >= 5", scaled_timeout(10), "avatar drawn")
        assert await browser.eval("document.getElementById('avatar-toggle').hidden") is False
        assert await browser.eval("poseViewer.hello.humanoid_bones") == list(BONES)
        # the page's standard skeleton is bridge/humanoid/model.py's
        rest = await browser.eval("Object.fromEntries(Object.entries(PoseAvatar.REST).map(([k, v]) => [k, v[1]]))")
        assert rest.keys() == REST_JOINTS.keys()
        for bone, joint in REST_JOINTS.items():
            assert rest[bone] == pytest.approx(list(joint), abs=1e-12), bone
        # forward kinematics of the same frames, in JavaScript and in Python
        for _ in range(5):
            got = await browser.eval(
                "({h: poseViewer.frame.humanoid, j: poseViewer.avatar.unityJoints, seq: poseViewer.frame.seq})"
            )
            h = got["h"]
            python = fk.joint_positions(np.array(h[1:]), h[0])
            for i, bone in enumerate(BONES):
                assert got["j"][bone] == pytest.approx(python[i].tolist(), abs=1e-6), bone
            await browser.wait_for(f"poseViewer.frame.seq !== {got['seq']}", scaled_timeout(5), "the next frame")
        # the boxes are on the canvas: hiding them removes many coloured pixels, showing them brings them back
        shown = await _probe(browser)
        await browser.eval(
            "(() => { const c = document.getElementById('show-avatar'); c.checked = false;"
            " c.dispatchEvent(new Event('change')); })()"
        )
        await browser.wait_for(f"poseViewer.draws > {shown['draws'] + 2}", scaled_timeout(5), "redraw")
        hidden = await _probe(browser)
        assert shown["colored"] > hidden["colored"] + 3000, (shown["colored"], hidden["colored"])
        await browser.eval(
            "(() => { const c = document.getElementById('show-avatar'); c.checked = true;"
            " c.dispatchEvent(new Event('change')); })()"
        )
        await browser.wait_for(f"poseViewer.draws > {hidden['draws'] + 2}", scaled_timeout(5), "redraw")
        assert (await _probe(browser))["colored"] > hidden["colored"] + 3000
        out = os.environ.get("POSE_BRIDGE_SCREENSHOTS")
        shots = Path(out) if out else tmp_path
        shots.mkdir(parents=True, exist_ok=True)
        await browser.screenshot(shots / "viewer_avatar.png")
        assert browser.console_errors == []
    finally:
        await _stop(proc)


@needs_chromium
async def test_no_avatar_without_the_option(browser: Browser) -> None:
    proc, url = await _serve("demo")
    try:
        await browser.open(url)
        await browser.wait_for("window.poseViewer && poseViewer.framesReceived >= 3", scaled_timeout(20), "frames")
        assert await browser.eval("poseViewer.avatar") is None
        assert await browser.eval("document.getElementById('avatar-toggle').hidden") is True
        assert browser.console_errors == []
    finally:
        await _stop(proc)
