"""The examples run for real against the real server."""

from __future__ import annotations

import asyncio
import sys

from tests.cli_process import ServeProcess
from tests.media import ROOT, test_timeout


async def test_python_client_example_prints_hello_frames_and_latency() -> None:
    serve = await ServeProcess.start()  # the demo
    try:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, str(ROOT / "examples" / "client.py"), serve.url, "--frames", "4",
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, cwd=ROOT,
        )  # fmt: skip
        out, err = await asyncio.wait_for(proc.communicate(), test_timeout(30))
    finally:
        await serve.kill()
    text = out.decode()
    assert proc.returncode == 0, err.decode()
    assert "hello: protocol 1" in text and "33 landmarks, 35 bones" in text
    assert text.count("left wrist world") == 4
    assert "round trip" in text and "end-to-end latency over 4 frames" in text
