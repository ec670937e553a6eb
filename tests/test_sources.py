"""Sources: the demo's motion and format, and the video decoder's file/live behaviour."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from bridge.errors import SourceError
from bridge.skeleton import BONES, INDEX
from bridge.sources.demo import PERIOD, DemoSource, pose_at
from bridge.sources.video import _Decoder, open_capture, parse_webcam


def test_demo_is_deterministic_periodic_and_well_formed() -> None:
    fps = 30.0
    period_frames = int(PERIOD * fps)
    for seq in (0, 7, 31):
        image, world = pose_at(seq, fps)
        again_image, again_world = pose_at(seq + period_frames, fps)
        np.testing.assert_allclose(image, again_image, atol=1e-6)
        np.testing.assert_allclose(world, again_world, atol=1e-6)
        assert image.shape == world.shape == (33, 5) and image.dtype == np.float32
        assert ((image[:, :2] > 0) & (image[:, :2] < 1)).all()  # the whole body is in the picture
        hips = (world[INDEX["left_hip"], :3] + world[INDEX["right_hip"], :3]) / 2
        np.testing.assert_allclose(hips, 0.0, atol=1e-6)  # MediaPipe world: origin between the hips
        assert world[INDEX["nose"], 1] < world[INDEX["left_ankle"], 1]  # y down: head above feet
        assert world[INDEX["left_shoulder"], 0] > world[INDEX["right_shoulder"], 0]  # facing the camera
        assert ((image[:, 3] > 0.4) & (image[:, 3] <= 1)).all() and (image[:, 4] == 1).all()


def test_demo_moves_rigid_limbs() -> None:
    """Walking and waving: joints move, but bones keep their length (a body, not noise).

    Only the trunk's sides (shoulder-hip) may change: the spine bends as the upper body sways.
    """
    poses = [pose_at(seq)[1][:, :3] for seq in range(60)]
    lengths = np.array([[np.linalg.norm(p[a] - p[b]) for a, b in BONES] for p in poses])
    spine = {(11, 23), (12, 24)}
    rigid = [i for i, bone in enumerate(BONES) if bone not in spine]
    assert np.ptp(lengths[:, rigid], axis=0).max() < 1e-5
    wrist = np.array([p[INDEX["right_wrist"]] for p in poses])
    knee = np.array([p[INDEX["left_knee"]] for p in poses])
    assert np.ptp(wrist[:, 0]) > 0.05 and np.ptp(knee[:, 2]) > 0.1


async def test_demo_runs_in_real_time_with_fresh_capture_times() -> None:
    source = DemoSource(fps=50.0, frames=10)
    assert source.live
    start = time.monotonic()
    frames = [f async for f in source.frames()]
    elapsed = time.monotonic() - start
    assert [f.seq for f in frames] == list(range(10))
    assert 9 / 50 * 0.9 <= elapsed < 9 / 50 + 0.5
    now = time.time_ns()
    assert all(now - f.captured_ns < 1e9 for f in frames)


def test_parse_webcam() -> None:
    assert parse_webcam("webcam") == 0 and parse_webcam("webcam:3") == 3
    assert parse_webcam("webcam.mp4") is None and parse_webcam("webcam:x") is None


def test_image_sequence_and_single_image_open(media: Path, tmp_path: Path) -> None:
    img = cv2.imread(str(media / "messi5.jpg"))
    for i in range(3):
        cv2.imwrite(str(tmp_path / f"f{i:04d}.png"), img)
    cap, info, live = open_capture(str(tmp_path / "f%04d.png"))
    assert not live and (info.width, info.height) == (img.shape[1], img.shape[0])
    n = 0
    while cap.read()[0]:
        n += 1
    assert n == 3
    cap.release()
    cap, info, _ = open_capture(str(media / "messi5.jpg"))
    assert cap.read()[0]
    cap.release()


def test_pattern_with_no_files_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="not a video OpenCV can read"):
        open_capture(str(tmp_path / "missing_%04d.png"))


def test_decoder_files_keep_every_frame_live_keeps_the_newest(short_video: Path) -> None:
    cap = cv2.VideoCapture(str(short_video))
    dec = _Decoder(cap, 30.0, live=False)
    time.sleep(0.3)  # the consumer is slow: a file decoder waits for it
    got = []
    while (item := dec.get()) is not None:
        got.append(item.index)
    assert got == list(range(10))
    dec.stop()
    cap.release()

    cap = cv2.VideoCapture(str(short_video))
    dec = _Decoder(cap, 30.0, live=True)
    time.sleep(0.3)  # a camera does not wait: older frames are skipped
    got = []
    while (item := dec.get()) is not None:
        got.append(item.index)
    dec.stop()
    cap.release()
    assert got[-1] == 9 and len(got) < 10


async def test_decoder_stop_unblocks_a_waiting_consumer(short_video: Path) -> None:
    cap = cv2.VideoCapture(str(short_video))
    dec = _Decoder(cap, 30.0, live=False)
    loop = asyncio.get_running_loop()
    for _ in range(10):
        assert await loop.run_in_executor(None, dec.get) is not None
    dec.stop()
    assert await asyncio.wait_for(loop.run_in_executor(None, dec.get), 5) is None
    cap.release()


@pytest.mark.blazepose
async def test_video_source_closes_while_inference_runs_ahead(short_video: Path) -> None:
    """A consumer that stops reading (inference has a result waiting and the next one done) still closes at once."""
    from bridge.sources.video import VideoSource

    source = VideoSource(str(short_video))
    frames = source.frames()
    first = await asyncio.wait_for(frames.__anext__(), 60)
    assert first.seq == 0 and first.detected
    await asyncio.sleep(0.5)  # the inference thread fills its slot and blocks handing over the next frame
    await asyncio.wait_for(source.aclose(), 10)
    await frames.aclose()


@pytest.mark.blazepose
async def test_video_source_loops_with_the_same_landmarks(short_video: Path) -> None:
    """A second pass (--loop) starts the engine's timeline and tracking again: the same frames, the same landmarks."""
    from bridge.sources.video import VideoSource

    source = VideoSource(str(short_video))
    try:
        passes = []
        for _ in range(2):  # Python 3.10 has no async comprehension inside a comprehension
            passes.append([frame async for frame in source.frames()])
    finally:
        await source.aclose()
    assert [f.seq for f in passes[0]] == [f.seq for f in passes[1]] == list(range(10))
    for a, b in zip(*passes, strict=True):
        assert a.world is not None and b.world is not None
        np.testing.assert_array_equal(a.world, b.world)
