"""Real BlazePose on real photos of people, through the real server, to real websockets clients.

The reference is MediaPipe's own PoseLandmarker run directly on the same decoded
frames: what clients receive must equal it to float32 precision.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import cv2
import mediapipe as mp
import numpy as np
import pytest
from mediapipe.tasks.python.core.base_options import BaseOptions
from mediapipe.tasks.python.vision import PoseLandmarker, PoseLandmarkerOptions, RunningMode

from bridge import protocol as P
from bridge.sources.video import VideoSource
from tests.media import scaled_timeout
from tests.streaming import client, collect, running_server

pytestmark = pytest.mark.blazepose


def mediapipe_reference(video: Path, model: Path) -> list[tuple[np.ndarray | None, np.ndarray | None]]:
    """Run MediaPipe's PoseLandmarker directly (VIDEO mode, default settings) on every decoded frame,
    frame i at ``round(i / fps * 1000)`` ms, as the engine documents."""
    out: list[tuple[np.ndarray | None, np.ndarray | None]] = []
    cap = cv2.VideoCapture(str(video))
    fps = cap.get(cv2.CAP_PROP_FPS)
    options = PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(model)), running_mode=RunningMode.VIDEO
    )
    with PoseLandmarker.create_from_options(options) as landmarker:
        i = 0
        while True:
            ok, bgr = cap.read()
            if not ok:
                break
            rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
            result = landmarker.detect_for_video(
                mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb), round(i / fps * 1000)
            )
            i += 1
            if not result.pose_landmarks:
                out.append((None, None))
                continue

            def rows(lms):  # type: ignore[no-untyped-def]
                return np.array([(p.x, p.y, p.z, p.visibility, p.presence) for p in lms], dtype=np.float32)

            out.append((rows(result.pose_landmarks[0]), rows(result.pose_world_landmarks[0])))
    cap.release()
    return out


@pytest.fixture(scope="module")
def reference(person_video: Path, pose_model: Path) -> list[tuple[np.ndarray | None, np.ndarray | None]]:
    return mediapipe_reference(person_video, pose_model)


@pytest.mark.parametrize("fmt", [P.WireFormat.MSGPACK, P.WireFormat.JSON])
async def test_streamed_landmarks_equal_mediapipe(person_video: Path, reference, fmt: P.WireFormat) -> None:
    source = VideoSource(str(person_video))
    try:
        async with running_server(source, speed=None, wait_clients=1) as srv:
            async with client(srv.url, fmt) as ws:
                got = await asyncio.wait_for(collect(ws), scaled_timeout(120))
    finally:
        await source.aclose()
    assert got.hello is not None and got.hello.source.kind == "video"
    assert (got.hello.source.width, got.hello.source.height, got.hello.source.frames) == (640, 480, 60)
    assert got.end == P.End(frames=60, reason="eof")
    assert [m.frame.seq for m in got.frames] == list(range(60))
    assert len(reference) == 60
    detected = 0
    for msg, (ref_image, ref_world) in zip(got.frames, reference, strict=True):
        frame = msg.frame
        assert frame.t == pytest.approx(frame.seq / 30.0)
        if ref_image is None:
            assert frame.image is None and frame.world is None
            continue
        detected += 1
        assert frame.image is not None and frame.world is not None
        np.testing.assert_array_equal(frame.image, ref_image)  # x, y, z, visibility and presence
        np.testing.assert_array_equal(frame.world, ref_world)
    assert detected >= 55  # a person is in every frame


async def test_several_clients_get_the_same_blazepose_frames(short_video: Path) -> None:
    source = VideoSource(str(short_video))
    try:
        async with running_server(source, speed=None, wait_clients=3) as srv:
            conns = [await client(srv.url, f).__aenter__() for f in (P.WireFormat.MSGPACK, P.WireFormat.JSON, None)]
            results = await asyncio.wait_for(asyncio.gather(*(collect(c) for c in conns)), scaled_timeout(120))
    finally:
        await source.aclose()
    first = results[0].frames
    assert len(first) == 10 and all(m.frame.detected for m in first)
    for got in results[1:]:
        assert [m.frame for m in got.frames] == [m.frame for m in first]
