"""BlazePose on real media -> ``extract`` -> read back == what the real server streamed, for every format."""

from __future__ import annotations

import asyncio
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from bridge import protocol as P
from bridge.errors import SourceError, UserError
from bridge.extract import extract_frames, extract_to_file, iter_frames
from bridge.formats import open_reader
from bridge.sources.video import VideoSource
from tests.media import scaled_timeout
from tests.streaming import client, collect, running_server

T = scaled_timeout
pytestmark = pytest.mark.blazepose


@pytest.fixture(scope="module")
def streamed(person_video: Path) -> list[P.FrameMessage]:
    """The person video streamed by the real server (real BlazePose) to a real client, every frame."""

    async def run() -> list[P.FrameMessage]:
        source = VideoSource(str(person_video))
        try:
            async with running_server(source, speed=None, wait_clients=1) as srv:
                async with client(srv.url) as ws:
                    got = await asyncio.wait_for(collect(ws), T(120))
        finally:
            await source.aclose()
        return got.frames

    frames = asyncio.run(run())
    assert len(frames) == 60
    assert sum(m.frame.world is not None for m in frames) >= 55  # a person is there
    return frames


@pytest.mark.parametrize(("ext", "coords"), [("txt", None), ("txt", "image"), ("jsonl", None), ("csv", None)])
def test_extract_reads_back_equal_to_what_was_streamed(
    person_video: Path, streamed: list[P.FrameMessage], tmp_path: Path, ext: str, coords: str | None
) -> None:
    out = tmp_path / f"person.{ext}"
    assert extract_to_file(person_video, out, coords=coords) == 60
    reader = open_reader(out, coords=coords if ext == "txt" else None)
    got = list(reader)
    assert len(got) == 60 and not reader.truncated
    for m, f in zip(streamed, got, strict=True):
        s = m.frame
        assert f.seq == s.seq
        if ext == "txt":  # x, y, z of one set, float32-exact
            name = coords or "world"
            want, have = getattr(s, name), getattr(f, name)
            assert (want is None) == (have is None)
            if want is not None:
                assert np.array_equal(have[:, :3], want[:, :3])
        else:  # every field, float32-exact (captured_ns is each run's own wall clock)
            assert f.t == s.t
            assert f.replace(captured_ns=0) == s.replace(captured_ns=0)
    if ext == "jsonl":
        info = reader.info
        assert info.fps == pytest.approx(30.0) and info.source["kind"] == "video"
        cap = cv2.VideoCapture(str(person_video))
        size = int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)), int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT))
        cap.release()
        assert (info.source["width"], info.source["height"]) == size and info.source["frames"] == 60
        assert info.source["name"] == person_video.name and info.coords == ("world", "image")


def test_a_video_without_a_person_gives_the_no_detection_lines(tmp_path: Path) -> None:
    video = tmp_path / "empty.avi"
    writer = cv2.VideoWriter(str(video), cv2.VideoWriter_fourcc(*"MJPG"), 30.0, (320, 240))
    gradient = np.tile(np.linspace(0, 255, 320, dtype=np.uint8), (240, 1))
    for i in range(5):
        writer.write(cv2.cvtColor(np.roll(gradient, i * 3, axis=1), cv2.COLOR_GRAY2BGR))
    writer.release()
    out = tmp_path / "empty.txt"
    assert extract_to_file(video, out) == 5
    expected = "".join(f"Landmark [{k},{i}]: (-1, -1, -1)\n" for k in range(5) for i in range(33))
    assert out.read_bytes() == expected.encode()
    frames = list(open_reader(out))
    assert len(frames) == 5 and all(f.world is None and f.image is None for f in frames)


def test_extract_frames_async_and_sync_give_the_same_frames(short_video: Path) -> None:
    async def run() -> tuple[P.SourceInfo, list]:
        async with extract_frames(short_video) as extraction:
            return extraction.info, [f async for f in extraction]

    info, frames = asyncio.run(run())
    assert info.frames == 10 and info.fps == pytest.approx(30.0) and info.width and info.height
    sync = list(iter_frames(short_video))
    assert [f.replace(captured_ns=0) for f in sync] == [f.replace(captured_ns=0) for f in frames]
    assert [f.seq for f in frames] == list(range(10)) and frames[3].t == pytest.approx(0.1)
    it = iter_frames(short_video)  # closing early stops the pipeline
    next(it)
    it.close()


def test_extract_errors(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no such file"):
        list(iter_frames(tmp_path / "missing.avi"))
    with pytest.raises(UserError, match="cannot extract from a webcam"):
        extract_frames("webcam:0")
    with pytest.raises(UserError, match="cannot tell the recording format"):
        extract_to_file(tmp_path / "missing.avi", tmp_path / "out.mp4")


def _run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bridge", *args], capture_output=True, text=True, timeout=T(300))


def test_cli_extract_with_progress_and_format_flag(short_video: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.data"
    done = _run_cli("extract", str(short_video), "-o", str(out), "--format", "csv", "--coords", "world")
    assert done.returncode == 0, done.stderr
    assert re.search(r"extract 1/1 files: 100%.* 10/10 \[[^\]]*frame/s\]", done.stderr), done.stderr  # frames, rate
    assert re.fullmatch(
        r"1 input: 1 extracted; 10 frames in [\d.]+ s \([\d.]+ frames/s\) on 1 worker", done.stdout.splitlines()[-1]
    )
    reader = open_reader(out, "csv")
    assert reader.info.coords == ("world",) and reader.count() == 10
    assert {f.captured_ns for f in reader} == {0}  # no wall clock: the same video gives the same file


def test_cli_extract_user_errors(short_video: Path, tmp_path: Path) -> None:
    done = _run_cli("extract", str(short_video), "-o", str(tmp_path / "out.mp4"))
    assert done.returncode == 2
    assert (
        done.stderr.strip()
        .splitlines()[-1]
        .startswith(
            f"pose-bridge: error: {tmp_path / 'out.mp4'}: cannot tell the recording format from the extension '.mp4'"
        )
    )
    done = _run_cli("extract", str(tmp_path / "nope.avi"), "-o", str(tmp_path / "out.txt"))
    assert done.returncode == 2 and f"no such file: {tmp_path / 'nope.avi'}" in done.stderr
    done = _run_cli("extract", str(short_video), "-o", str(tmp_path / "out.txt"), "--coords", "both")
    assert done.returncode == 2 and "a txt recording holds one coordinate set" in done.stderr


def test_ctrl_c_leaves_no_partial_file(media: Path, tmp_path: Path) -> None:
    """One long video to one file: Ctrl-C stops it and leaves nothing (outputs are complete or absent)."""
    out = tmp_path / "walk.jsonl"
    proc = subprocess.Popen(
        [sys.executable, "-m", "bridge", "extract", str(media / "vtest.avi"), "-o", str(out), "--no-progress"],
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + T(120)
    while time.monotonic() < deadline:  # wait until a few frames are in the temporary file
        parts = list(tmp_path.glob(".walk.jsonl.*.part"))
        if parts and parts[0].read_bytes().count(b"\n") >= 10:
            break
        time.sleep(0.05)
    else:
        pytest.fail("the extraction never started writing")
    proc.send_signal(signal.SIGINT)
    try:
        _, err = proc.communicate(timeout=T(60))
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise
    assert proc.returncode == 130, err
    assert f"interrupted; {out} holds 0 complete outputs of 1 (no partial file" in err
    assert list(tmp_path.iterdir()) == []


def test_cli_extract_with_angles_and_smoothing_keeps_the_angles(short_video: Path, tmp_path: Path) -> None:
    from bridge.angles import ANGLE_NAMES

    out = tmp_path / "out.csv"
    done = _run_cli("extract", str(short_video), "-o", str(out), "--angles", "--smooth", "--no-progress")
    assert done.returncode == 0, done.stderr
    reader = open_reader(out)
    assert reader.info.angles == ANGLE_NAMES
    frames = list(reader)
    assert len(frames) == 10 and all(f.angles is not None and tuple(f.angles) == ANGLE_NAMES for f in frames)
    assert any(v is not None for f in frames for v in f.angles.values())  # type: ignore[union-attr]
