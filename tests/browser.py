"""Headless Chromium driven over the Chrome DevTools Protocol, with the ``websockets`` client.

Only what the viewer tests need: open a page, evaluate JavaScript, collect
console errors and uncaught exceptions, click, take screenshots. No node, no
Playwright: Debian's ``chromium`` package and the ``websockets`` dependency.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--disable-extensions",
    "--mute-audio",
    "--window-size=1280,800",
)


def find_chromium() -> str | None:
    """Path of a Chromium/Chrome executable (``POSE_BRIDGE_CHROMIUM`` overrides), or ``None``."""
    env = os.environ.get("POSE_BRIDGE_CHROMIUM")
    if env:
        return env
    for name in CHROMIUM_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


class CDPError(RuntimeError):
    """A DevTools command failed, or a page's JavaScript threw."""


class Browser:
    """One headless Chromium process with a fresh profile, and one page (tab) attached in flat mode."""

    def __init__(self, proc: subprocess.Popen[bytes], ws: ClientConnection, profile: str) -> None:
        self.proc = proc
        self.ws = ws
        self.profile = profile
        self.session: str | None = None
        self.console_errors: list[str] = []
        self.console_messages: list[str] = []
        self._next_id = 0
        self._pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._reader = asyncio.ensure_future(self._read())

    @classmethod
    async def launch(cls, executable: str, timeout: float = 30.0) -> Browser:
        profile = tempfile.mkdtemp(prefix="pose-bridge-chromium-")
        proc = subprocess.Popen(
            [executable, *FLAGS, f"--user-data-dir={profile}", "--remote-debugging-port=0", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        assert proc.stderr is not None
        loop = asyncio.get_running_loop()
        url = None
        deadline = loop.time() + timeout
        while url is None:
            if loop.time() > deadline:
                proc.kill()
                raise CDPError("chromium did not print its DevTools address")
            line = await loop.run_in_executor(None, proc.stderr.readline)
            if not line and proc.poll() is not None:
                raise CDPError(f"chromium exited with code {proc.returncode} before DevTools was ready")
            m = re.search(rb"DevTools listening on (ws://\S+)", line)
            if m:
                url = m.group(1).decode()
        # keep draining stderr so chromium never blocks on a full pipe
        loop.run_in_executor(None, proc.stderr.read)
        ws = await connect(url, max_size=64 * 1024 * 1024, open_timeout=timeout)
        return cls(proc, ws, profile)

    async def _read(self) -> None:
        async for raw in self.ws:
            msg = json.loads(raw)
            if "id" in msg:
                fut = self._pending.pop(msg["id"], None)
                if fut is not None and not fut.done():
                    fut.set_result(msg)
            else:
                self._on_event(msg.get("method", ""), msg.get("params", {}))

    def _on_event(self, method: str, params: dict[str, Any]) -> None:
        if method == "Runtime.consoleAPICalled":
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", []))
            self.console_messages.append(f"{params.get('type')}: {text}")
            if params.get("type") in ("error", "assert"):
                self.console_errors.append(text)
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            desc = details.get("exception", {}).get("description") or details.get("text", "exception")
            self.console_errors.append(f"uncaught: {desc}")
        elif method == "Log.entryAdded":
            entry = params.get("entry", {})
            if entry.get("level") == "error":
                self.console_errors.append(f"{entry.get('source')}: {entry.get('text')} {entry.get('url', '')}")

    async def send(self, method: str, params: dict[str, Any] | None = None, *, page: bool = True) -> dict[str, Any]:
        """Send a DevTools command (to the page's session unless ``page=False``); returns its ``result``."""
        self._next_id += 1
        msg: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if page and self.session:
            msg["sessionId"] = self.session
        fut: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[self._next_id] = fut
        await self.ws.send(json.dumps(msg))
        reply = await asyncio.wait_for(fut, 30)
        if "error" in reply:
            raise CDPError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    async def open(self, url: str) -> None:
        """Open ``url`` in a new tab and attach to it (console and log collection on)."""
        target = await self.send("Target.createTarget", {"url": "about:blank"}, page=False)
        att = await self.send("Target.attachToTarget", {"targetId": target["targetId"], "flatten": True}, page=False)
        self.session = att["sessionId"]
        for domain in ("Runtime", "Log", "Page"):
            await self.send(f"{domain}.enable")
        await self.send("Page.navigate", {"url": url})

    async def eval(self, expression: str) -> Any:
        """Evaluate JavaScript in the page and return its value (JSON-serialisable); awaits promises."""
        result = await self.send(
            "Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True}
        )
        if "exceptionDetails" in result:
            raise CDPError(f"{expression!r} threw: {result['exceptionDetails']}")
        return result.get("result", {}).get("value")

    async def wait_for(self, expression: str, timeout: float, what: str = "") -> Any:
        """Poll ``expression`` until it is truthy; returns its value. Raises ``TimeoutError`` naming ``what``."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            try:
                value = await self.eval(expression)
            except CDPError:
                value = None
            if value:
                return value
            if loop.time() > deadline:
                raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what or expression}")
            await asyncio.sleep(0.1)

    async def screenshot(self, path: Path) -> Path:
        """Save a PNG of the page's viewport."""
        data = await self.send("Page.captureScreenshot", {"format": "png"})
        path.write_bytes(base64.b64decode(data["data"]))
        return path

    async def close(self) -> None:
        try:
            await asyncio.wait_for(self.send("Browser.close", page=False), 5)
        except Exception:  # noqa: BLE001 - the process is killed below anyway
            pass
        await self.ws.close()
        self._reader.cancel()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.profile, ignore_errors=True)
