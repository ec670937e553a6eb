"""Run the real ``pose-bridge`` CLI as a subprocess (``python -m bridge``)."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from pathlib import Path

from tests.media import ROOT, scaled_timeout

_URL = re.compile(r"ws://127\.0\.0\.1:(\d+)/")


def run_cli(*args: str, timeout: float = 120, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m bridge ARGS`` to completion (``env``: variables added to this process's)."""
    return subprocess.run(
        [sys.executable, "-m", "bridge", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=scaled_timeout(timeout),
        env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
    )


class ServeProcess:
    """``pose-bridge serve`` in a subprocess; ``url`` once it listens."""

    def __init__(self, proc: asyncio.subprocess.Process, url: str, stderr_head: list[str]) -> None:
        self.proc = proc
        self.url = url
        self.stderr_head = stderr_head

    @classmethod
    async def start(cls, *args: str, cwd: Path = ROOT) -> ServeProcess:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bridge", "serve", "--port", "0", *args,
            cwd=cwd,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        assert proc.stderr is not None
        lines: list[str] = []
        while True:
            raw = await asyncio.wait_for(proc.stderr.readline(), scaled_timeout(60))
            if not raw:
                raise RuntimeError("pose-bridge serve exited before listening:\n" + "".join(lines))
            line = raw.decode()
            lines.append(line)
            m = _URL.search(line)
            if m:
                return cls(proc, f"ws://127.0.0.1:{m.group(1)}/", lines)

    async def wait(self, timeout: float = 30) -> tuple[int, str]:
        """Wait for the exit; returns (exit code, rest of stderr)."""
        assert self.proc.stderr is not None
        rest = await asyncio.wait_for(self.proc.stderr.read(), scaled_timeout(timeout))
        code = await asyncio.wait_for(self.proc.wait(), scaled_timeout(timeout))
        return code, rest.decode()

    async def kill(self) -> None:
        if self.proc.returncode is None:
            self.proc.kill()
            await self.proc.wait()
