"""The OpenCV overlay: bone colours by side, joint colours by visibility, caption."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import numpy as np
import pytest

from bridge.frame import PoseFrame
from bridge.overlay import (
    SIDE_COLORS,
    angle_lines,
    caption_text,
    draw_pose,
    pose_confidence,
    preview_for_source,
    visibility_color,
)
from bridge.skeleton import INDEX


def _frame(vis: float = 1.0, angles: dict[str, float | None] | None = None) -> PoseFrame:
    block = np.zeros((33, 5), dtype=np.float32)
    block[:, 3:] = vis
    # put every landmark on a neutral spot, then lay out the two upper arms far apart
    block[:, :2] = (0.5, 0.9)
    block[INDEX["left_shoulder"], :2] = (0.75, 0.2)
    block[INDEX["left_elbow"], :2] = (0.75, 0.6)
    block[INDEX["right_shoulder"], :2] = (0.25, 0.2)
    block[INDEX["right_elbow"], :2] = (0.25, 0.6)
    return PoseFrame(seq=42, t=1.4, captured_ns=0, image=block, world=block, angles=angles)


def test_visibility_colors() -> None:
    assert visibility_color(0.0) == (0, 0, 255)  # red (BGR)
    assert visibility_color(0.5) == (0, 255, 255)  # yellow
    assert visibility_color(1.0) == (0, 255, 0)  # green
    assert visibility_color(float("nan")) == (0, 0, 255)
    assert visibility_color(7.0) == (0, 255, 0)


def test_bones_are_coloured_by_side() -> None:
    img = np.zeros((400, 400, 3), dtype=np.uint8)
    out = draw_pose(img, _frame())
    assert out is img
    # midpoints of the upper arms: left arm at x=300, right arm at x=100, y=160
    assert tuple(int(c) for c in img[160, 300]) == SIDE_COLORS["left"]
    assert tuple(int(c) for c in img[160, 100]) == SIDE_COLORS["right"]


def test_low_visibility_bones_are_dimmed_and_caption_drawn() -> None:
    img = np.zeros((400, 400, 3), dtype=np.uint8)
    draw_pose(img, _frame(vis=0.2))
    px = img[160, 300].astype(int)
    assert px.max() > 0 and tuple(px) != SIDE_COLORS["left"]
    assert img[:30, :200].max() == 255  # white caption text top left


def test_no_detection_draws_only_the_caption() -> None:
    img = np.zeros((240, 320, 3), dtype=np.uint8)
    frame = PoseFrame(seq=7, t=0.5, captured_ns=0)
    draw_pose(img, frame)
    assert "no person detected" in caption_text(frame)
    assert img[60:, :].max() == 0 and img[:30].max() > 0


def test_caption_and_confidence() -> None:
    f = _frame(vis=0.8)
    assert pose_confidence(f.image) == pytest.approx(0.8)
    assert pose_confidence(None) is None
    text = caption_text(f)
    assert "frame 42" in text and "confidence 0.80" in text and "visible 33/33" in text


def test_angles_are_listed_and_bad_images_rejected() -> None:
    img = np.zeros((400, 400, 3), dtype=np.uint8)
    draw_pose(img, _frame(angles={"left_elbow": 90.0, "right_elbow": None}))
    plain = draw_pose(np.zeros_like(img), _frame())
    assert img[40:70, :150].max() > 200 and plain[40:70, :150].max() == 0  # one angle line under the caption
    with pytest.raises(ValueError, match="BGR"):
        draw_pose(np.zeros((10, 10), dtype=np.uint8), _frame())


def test_non_finite_and_off_image_landmarks_do_not_crash() -> None:
    f = _frame()
    block = np.array(f.image)
    block[INDEX["left_elbow"], 0] = np.nan
    block[INDEX["right_elbow"], :2] = (5.0, -3.0)
    draw_pose(np.zeros((100, 100, 3), dtype=np.uint8), f.replace(image=block))


def test_angle_lines_pair_left_and_right() -> None:
    lines = angle_lines(
        {"left_elbow": 90.4, "right_elbow": None, "left_knee": 170.0, "right_knee": 171.0, "trunk_lean": 4.2}
    )
    assert lines == ["elbow  L 90  R -", "knee  L 170  R 171", "trunk lean 4"]


@pytest.mark.blazepose
async def test_preview_draws_on_the_decoded_image_of_the_frame(short_video: Path) -> None:
    """The player hands the preview, with each published frame, the video source's decoded image of that
    same frame, and the preview draws the skeleton on a copy of it."""
    from bridge.hub import Hub
    from bridge.player import Player
    from bridge.sources.base import DecodedImage
    from bridge.sources.video import VideoSource

    source = VideoSource(str(short_video))
    preview = preview_for_source(source)
    seen: list[tuple[int, int, bool]] = []

    class Shown:  # what the preview window would show, kept for the test (the window itself needs a display)
        def write(self, frame: PoseFrame, image: DecodedImage | None) -> None:
            assert image is not None and image.bgr.shape == (source.info.height, source.info.width, 3)
            canvas = preview.canvas(frame, image)
            assert canvas.shape == image.bgr.shape and canvas is not image.bgr
            drawn = not np.array_equal(canvas, image.bgr)  # the skeleton and caption were drawn on the copy
            seen.append((frame.seq, image.index, drawn))

        def close(self) -> None:
            pass

    async with source:
        await Player(source, Hub(), speed=None, image_sinks=[Shown()]).run()
    assert seen == [(i, i, True) for i in range(10)]


def test_preview_without_display_says_so_once_and_serve_keeps_streaming(person_video: Path) -> None:
    """``serve VIDEO --preview`` with no display: one warning, every frame still streamed."""
    import os
    import re
    import subprocess
    import sys

    from websockets.sync.client import connect

    from bridge import protocol as P
    from tests.media import scaled_timeout

    # a stale DISPLAY (no X server behind it) would make OpenCV's Qt abort the process if it were used
    env = {**os.environ, "DISPLAY": ":97"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "bridge", "serve", str(person_video), "--preview", "--speed", "max",
         "--wait-clients", "1", "--port", "0"],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL, text=True, env=env,
    )  # fmt: skip
    assert proc.stderr is not None
    lines = []
    try:
        for line in proc.stderr:
            lines.append(line)
            m = re.search(r"ws://127\.0\.0\.1:(\d+)/", line)
            if m:
                break
        assert m, "".join(lines)
        frames = 0
        with connect(f"ws://127.0.0.1:{m.group(1)}/", subprotocols=[P.SUBPROTOCOL_MSGPACK]) as ws:  # type: ignore[list-item]
            while True:
                msg = P.decode(ws.recv(timeout=scaled_timeout(60)))
                if isinstance(msg, P.FrameMessage):
                    frames += 1
                elif isinstance(msg, P.End):
                    break
        assert frames == 60
        _, rest = proc.communicate(timeout=scaled_timeout(30))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    log = "".join(lines) + rest
    assert log.count("no display") == 1, log
    assert proc.returncode == 0


def test_display_detection(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from bridge.overlay import display_available

    if not sys.platform.startswith("linux"):
        pytest.skip("the DISPLAY check applies to X11 platforms")
    monkeypatch.delenv("DISPLAY", raising=False)
    assert display_available() is False
    for stale in (":97", ":97.0", "unix:97", "127.0.0.1:97", "not a display"):
        monkeypatch.setenv("DISPLAY", stale)
        assert display_available() is False, stale


@pytest.mark.blazepose
async def test_preview_window_on_a_real_x_server(
    short_video: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The preview really opens an OpenCV window and shows every frame (on Xvfb, a real X server)."""
    import shutil
    import subprocess

    from bridge.sources.video import VideoSource

    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        pytest.skip("Xvfb is not installed (apt install xvfb) — needed to open a window headless")
    num = 60 + (os.getpid() % 200)
    server = subprocess.Popen([xvfb, f":{num}", "-screen", "0", "800x600x24", "-nolisten", "tcp"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        for _ in range(100):
            if os.path.exists(f"/tmp/.X11-unix/X{num}"):
                break
            await asyncio.sleep(0.05)
        monkeypatch.setenv("DISPLAY", f":{num}")
        source = VideoSource(str(short_video))
        preview = preview_for_source(source)
        assert preview.enabled
        async with source:
            async for frame, image in source.frames_with_images():
                preview.write(frame, image)
        assert preview.shown == 10 and preview.enabled
        preview.close()
        assert not preview.enabled
    finally:
        server.terminate()
        server.wait(timeout=10)
