"""The browser viewer in real headless Chromium against the real server (DevTools protocol, no node).

Skipped only when no Chromium is installed (CI installs Debian's ``chromium``).
Screenshots go to the test's tmp dir, or to ``$POSE_BRIDGE_SCREENSHOTS`` when set.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bridge.formats import open_writer
from bridge.frame import PoseFrame
from bridge.hub import Hub
from bridge.player import Player
from bridge.protocol import Hello
from bridge.server import PoseServer
from bridge.sources.demo import pose_at
from bridge.sources.recording import RecordingSource
from tests.browser import Browser, find_chromium
from tests.media import scaled_timeout

pytestmark = pytest.mark.browser

CHROMIUM = find_chromium()
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="no chromium/chrome executable found (apt install chromium)"
)

# Pixels of the canvas that are strongly coloured (the orange/blue bones; background and grid are grey),
# and a hash of all pixels, to tell "drawn" and "changed".
CANVAS_PROBE = """(() => {
  const c = document.getElementById('view');
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let colored = 0, h = 0;
  for (let i = 0; i < d.length; i += 4) {
    const r = d[i], g = d[i + 1], b = d[i + 2];
    if (Math.max(r, g, b) - Math.min(r, g, b) > 80) colored++;
    h = (Math.imul(h, 31) + r + 7 * g + 13 * b) >>> 0;
  }
  return {colored, hash: h, width: c.width, height: c.height, draws: poseViewer.draws,
          frames: poseViewer.framesReceived};
})()"""


def _shot_dir(tmp_path: Path) -> Path:
    out = os.environ.get("POSE_BRIDGE_SCREENSHOTS")
    if out:
        Path(out).mkdir(parents=True, exist_ok=True)
        return Path(out)
    return tmp_path


async def _serve(*args: str) -> tuple[asyncio.subprocess.Process, str]:
    """Start ``pose-bridge serve ARGS --port 0``; returns the process and the http:// URL it logged."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bridge", "serve", *args, "--port", "0",
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert proc.stderr is not None
    seen = []
    while True:
        line = (await asyncio.wait_for(proc.stderr.readline(), scaled_timeout(60))).decode()
        if not line:
            raise RuntimeError("serve exited before listening: " + "".join(seen))
        seen.append(line)
        m = re.search(r"ws://127\.0\.0\.1:(\d+)/", line)
        if m:
            break

    async def drain() -> None:
        while await proc.stderr.readline():  # type: ignore[union-attr]
            pass

    asyncio.ensure_future(drain())
    return proc, f"http://127.0.0.1:{m.group(1)}/"


async def _stop(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is None:
        proc.send_signal(signal.SIGINT)
        try:
            await asyncio.wait_for(proc.wait(), scaled_timeout(10))
        except asyncio.TimeoutError:
            proc.kill()
            await proc.wait()


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    assert CHROMIUM is not None
    b = await Browser.launch(CHROMIUM, timeout=scaled_timeout(30))
    try:
        yield b
    finally:
        await b.close()


async def _probe(b: Browser) -> dict[str, Any]:
    value = await b.eval(CANVAS_PROBE)
    assert isinstance(value, dict)
    return value


@needs_chromium
async def test_live_demo_in_the_browser(browser: Browser, tmp_path: Path) -> None:
    proc, url = await _serve("demo", "--angles", "--smooth")
    try:
        await browser.open(url)
        await browser.wait_for("window.poseViewer && poseViewer.hello !== null", scaled_timeout(20), "hello")
        await browser.wait_for("poseViewer.framesReceived >= 15", scaled_timeout(20), "15 frames")
        first = await _probe(browser)
        assert first["width"] > 0 and first["height"] > 0
        assert first["colored"] > 500, "no skeleton drawn on the canvas"
        await browser.wait_for(
            f"poseViewer.framesReceived >= {first['frames'] + 10}", scaled_timeout(10), "more frames"
        )
        second = await _probe(browser)
        assert second["hash"] != first["hash"], "the canvas did not change between frames"
        assert second["colored"] > 500
        # the panel: connected, the source, fps near the demo's 30, a latency measured from ping/pong, angles
        await browser.wait_for("poseViewer.offsetMs !== null", scaled_timeout(10), "a pong")
        await asyncio.sleep(0.5)
        panel = await browser.eval(
            "({conn: poseViewer.conn, source: document.getElementById('source').textContent,"
            " fps: document.getElementById('fps').textContent, latency: document.getElementById('latency').textContent,"
            " detected: document.getElementById('detected').textContent,"
            " replayHidden: document.getElementById('replay').hidden,"
            " angleRows: [...document.querySelectorAll('#angle-rows tr')].map(r => r.textContent),"
            " anglesHidden: document.getElementById('angles').hidden,"
            " bones: poseViewer.hello.bones.length, sides: poseViewer.hello.sides.length})"
        )
        assert panel["conn"] == "connected"
        assert panel["source"].startswith("demo:")
        assert 20 <= float(panel["fps"]) <= 40, panel["fps"]
        assert re.match(r"^-?\d+ ms \(-?\d+(\.\d)? ms\)$", panel["latency"]), panel["latency"]
        assert panel["detected"] == "detected"
        assert panel["replayHidden"] is True  # a live demo has no replay controls
        assert panel["anglesHidden"] is False and len(panel["angleRows"]) == 5
        assert panel["angleRows"][0].startswith("elbow")
        assert panel["bones"] == 35 and panel["sides"] == 33
        # orbit with the mouse: the drawing changes while frames keep coming
        await browser.send(
            "Input.dispatchMouseEvent", {"type": "mousePressed", "x": 700, "y": 400, "button": "left", "clickCount": 1}
        )  # noqa: E501
        await browser.send(
            "Input.dispatchMouseEvent", {"type": "mouseMoved", "x": 900, "y": 380, "button": "left", "buttons": 1}
        )  # noqa: E501
        await browser.send(
            "Input.dispatchMouseEvent", {"type": "mouseReleased", "x": 900, "y": 380, "button": "left", "clickCount": 1}
        )  # noqa: E501
        yaw = await browser.eval("poseViewer.cam.yaw")
        assert yaw != pytest.approx(0.45), "dragging did not orbit the camera"
        # pinch with two fingers: zoom in
        await browser.send("Emulation.setTouchEmulationEnabled", {"enabled": True, "maxTouchPoints": 2})
        dist = await browser.eval("poseViewer.cam.dist")
        fingers = [{"x": 600.0, "y": 400.0, "id": 1}, {"x": 700.0, "y": 400.0, "id": 2}]
        await browser.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": fingers})
        for k in range(1, 6):
            apart = [{**fingers[0], "x": 600.0 - 20 * k}, {**fingers[1], "x": 700.0 + 20 * k}]
            await browser.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": apart})
        await browser.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
        assert await browser.eval("poseViewer.cam.dist") == pytest.approx(dist / 3, rel=0.05)
        await browser.eval("document.getElementById('reset-view').click()")
        await browser.screenshot(_shot_dir(tmp_path) / "viewer_demo.png")
        # the image landmarks as the 3D source instead of the world ones: still a skeleton on the canvas
        await browser.eval(
            "(() => { const s = document.getElementById('coords'); s.value = 'image';"
            " s.dispatchEvent(new Event('change')); })()"
        )
        await asyncio.sleep(0.3)
        assert await browser.eval("poseViewer.coords") == "image"
        assert (await _probe(browser))["colored"] > 500
        assert browser.console_errors == []
    finally:
        await _stop(proc)
    # the server ended the stream: the page says so and does not spin on reconnects
    await browser.wait_for("poseViewer.conn === 'ended' || poseViewer.conn === 'closed'", scaled_timeout(10), "close")
    assert browser.console_errors == []


@needs_chromium
async def test_replay_pause_resume_seek_speed_from_the_page(browser: Browser, tmp_path: Path) -> None:

    recording = tmp_path / "walk.jsonl"
    writer = open_writer(recording, fps=30.0, source={"kind": "demo", "width": 640, "height": 480})
    for i in range(300):
        image, world = pose_at(i, 30.0)
        writer.write(PoseFrame(i, i / 30.0, 1_700_000_000_000_000_000 + i * 33_333_333, image, world))
    writer.close()
    source = RecordingSource(recording)
    player = Player(source, Hub(), speed=1.0, loop=True)
    server = PoseServer(player, Hello(source=source.info), port=0)
    port = await server.start()
    task = asyncio.ensure_future(server.run())
    url = f"http://127.0.0.1:{port}/"
    try:
        await browser.open(url)
        await browser.wait_for("poseViewer.framesReceived >= 10 && poseViewer.state", scaled_timeout(20), "frames")
        assert await browser.eval("document.getElementById('replay').hidden") is False
        latency = await browser.eval("document.getElementById('latency').textContent")
        # a replay stamps captured_ns when a frame is due (the 2023 times stay in the file): the latency shown is
        # the replay's own, about zero give or take the ping/pong clock offset's error (a few ms on loopback)
        if latency != "measuring…":
            assert latency.endswith(")") and -5 <= float(latency.split(" ms", 1)[0]) < 500, latency

        await browser.eval("document.getElementById('playpause').click()")
        await browser.wait_for("poseViewer.state.paused === true", scaled_timeout(5), "paused state")
        assert await browser.eval("document.getElementById('playpause').textContent") == "resume"
        await asyncio.sleep(0.3)
        paused_at = await browser.eval("poseViewer.framesReceived")
        before = await _probe(browser)
        await asyncio.sleep(1.0)
        assert await browser.eval("poseViewer.framesReceived") == paused_at, "frames kept coming while paused"
        assert (await _probe(browser))["hash"] == before["hash"]

        await browser.eval("document.getElementById('playpause').click()")
        await browser.wait_for("poseViewer.state.paused === false", scaled_timeout(5), "resumed state")
        await browser.wait_for(f"poseViewer.framesReceived >= {paused_at + 10}", scaled_timeout(5), "frames again")
        assert (await _probe(browser))["hash"] != before["hash"]

        # seek with the slider and change speed with the select, as a user would
        await browser.eval(
            "(() => { const s = document.getElementById('seek'); s.value = '200';"
            " s.dispatchEvent(new Event('input')); s.dispatchEvent(new Event('change')); })()"
        )
        await browser.wait_for("poseViewer.frame && poseViewer.frame.seq >= 200", scaled_timeout(5), "frame 200")
        await browser.eval(
            "(() => { const s = document.getElementById('speed'); s.value = '2';"
            " s.dispatchEvent(new Event('change')); })()"
        )
        await browser.wait_for("poseViewer.state.speed === 2", scaled_timeout(5), "speed 2")
        await browser.screenshot(_shot_dir(tmp_path) / "viewer_replay.png")
        assert browser.console_errors == []
    finally:
        server.shutdown()
        await asyncio.wait_for(task, scaled_timeout(10))
        await source.aclose()


@needs_chromium
async def test_several_people_each_with_their_id(browser: Browser, media: Path, tmp_path: Path) -> None:
    """serve --max-people on a video of two real people: the page draws both, the second in its id's colour,
    with the ids as labels; in world coordinates they stand apart, where their roots put them."""
    from tests.media import make_video

    video = make_video(media / "basketball2.png", tmp_path / "two.avi", frames=150)
    proc, url = await _serve(str(video), "--max-people", "4", "--wait-clients", "1")
    try:
        await browser.open(url)
        await browser.wait_for("window.poseViewer && poseViewer.people.length === 2", scaled_timeout(60), "two people")
        people = await browser.eval(
            "poseViewer.people.map(p => ({id: p.id, x: p.pts[23].p[0] / 2 + p.pts[24].p[0] / 2, label: p.labelAt}))"
        )
        assert [p["id"] for p in people] == [1, 2]
        assert abs(people[1]["x"] - people[0]["x"]) > 0.5  # placed apart in the shared space (meters)
        assert all(p["label"] is not None for p in people)
        await browser.wait_for(  # the panel is refreshed on its own timer, not on every frame
            "document.getElementById('detected').textContent === '2 people (id 1, 2)'", scaled_timeout(10), "the panel"
        )
        await asyncio.sleep(0.3)
        shot = _shot_dir(tmp_path) / "viewer_people.png"
        await browser.screenshot(shot)
        assert (await _probe(browser))["colored"] > 1000
        assert browser.console_errors == []
    finally:
        await _stop(proc)
