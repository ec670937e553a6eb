"""The examples run for real against the real server."""

from __future__ import annotations

import asyncio
import sys

from tests.cli_process import ServeProcess
from tests.media import ROOT, scaled_timeout


async def test_python_client_example_prints_hello_frames_and_latency() -> None:
    serve = await ServeProcess.start()  # the demo
    try:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, str(ROOT / "examples" / "client.py"), serve.url, "--frames", "4",
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, cwd=ROOT,
        )  # fmt: skip
        out, err = await asyncio.wait_for(proc.communicate(), scaled_timeout(30))
    finally:
        await serve.kill()
    text = out.decode()
    assert proc.returncode == 0, err.decode()
    assert "hello: protocol 1" in text and "33 landmarks, 35 bones" in text
    assert text.count("left wrist world") == 4
    assert "round trip" in text and "end-to-end latency over 4 frames" in text


async def test_replay_control_example_pauses_seeks_and_resumes(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from bridge.formats import open_writer
    from tests.streaming import synthetic_frames

    recording = tmp_path / "walk.jsonl"
    with open_writer(recording, fps=30.0) as out:
        for frame in synthetic_frames(120):
            out.write(frame)
    serve = await ServeProcess.start(str(recording), "--loop")
    try:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, str(ROOT / "examples" / "replay_control.py"), serve.url,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, cwd=ROOT,
        )  # fmt: skip
        out, err = await asyncio.wait_for(proc.communicate(), scaled_timeout(30))
    finally:
        await serve.kill()
    lines = out.decode().splitlines()
    assert proc.returncode == 0, err.decode()
    assert "sent Pause: state: paused" in lines[2]
    assert lines[3] == "sent Seek: state: paused at frame 60 of 120, 1x"
    # seeking while paused shows frame 60: the next one to be sent is 61
    assert lines[4] == "sent SetSpeed: state: paused at frame 61 of 120, 2x"
    assert lines[5].startswith("sent Resume: state: playing at frame 6")
    seq = int(lines[6].rsplit(" ", 1)[1])
    assert 60 <= seq < 75
