"""Issue 9 in a real browser (headless Chromium): a hostile page can neither read the pose nor frame the
viewer, and the viewer works with a token (``?token=`` in its URL). Skipped only without Chromium."""

from __future__ import annotations

import asyncio
import contextlib
import http.server
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bridge import protocol as P
from bridge.hub import Hub
from bridge.player import Player
from bridge.server import PoseServer
from bridge.sources.demo import DemoSource
from tests.browser import Browser, find_chromium
from tests.media import scaled_timeout

pytestmark = pytest.mark.browser

CHROMIUM = find_chromium()
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="no chromium/chrome found (apt install chromium)")
T = scaled_timeout

HOSTILE_PAGE = """<!doctype html><html><body>
<iframe id="framed" src="{viewer}" width="400" height="300"></iframe>
<script>
window.report = {{opened: false, messages: 0, closed: null}};
const ws = new WebSocket("{ws}", "posebridge.v1.json");
ws.onopen = () => {{ report.opened = true; ws.send(JSON.stringify({{type: "control", op: "pause"}})); }};
ws.onmessage = () => {{ report.messages++; }};
ws.onclose = (e) => {{ report.closed = e.code; }};
</script></body></html>
"""


@contextlib.contextmanager
def other_site(page: str) -> Iterator[str]:
    """Another web site on this machine (127.0.0.1, another port) serving ``page``: a different origin."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            body = page.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/page.html"
    finally:
        httpd.shutdown()
        httpd.server_close()


@contextlib.asynccontextmanager
async def demo_server(**options: object) -> AsyncIterator[tuple[PoseServer, int]]:
    source = DemoSource()
    player = Player(source, Hub())
    server = PoseServer(player, P.Hello(source=source.info), port=0, **options)  # type: ignore[arg-type]
    port = await server.start()
    task = asyncio.ensure_future(server.run())
    try:
        yield server, port
    finally:
        server.shutdown()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(task, T(10))


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    assert CHROMIUM is not None
    b = await Browser.launch(CHROMIUM, timeout=T(30))
    try:
        yield b
    finally:
        await b.close()


@needs_chromium
async def test_a_page_from_another_site_cannot_read_the_pose_or_frame_the_viewer(
    browser: Browser, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("WARNING", logger="bridge.server")
    async with demo_server() as (server, port):
        page = HOSTILE_PAGE.format(ws=f"ws://127.0.0.1:{port}/", viewer=f"http://127.0.0.1:{port}/")
        with other_site(page) as url:
            await browser.open(url)
            await browser.wait_for("window.report && report.closed !== null", T(15), "the refused connection")
            report = await browser.eval("report")
            await asyncio.sleep(0.5)  # the iframe's load attempt
            framed_errors = [e for e in browser.console_errors if "frame-ancestors" in e]
        assert not server.player.paused
    assert report == {"opened": False, "messages": 0, "closed": 1006}, report
    assert any("refused" in r.getMessage() and "origin" in r.getMessage() for r in caplog.records)
    assert framed_errors, browser.console_errors  # Chromium refused to show the viewer inside the page


@needs_chromium
async def test_the_viewer_with_a_token(browser: Browser, tmp_path: Path) -> None:
    async with demo_server(token="t0ken-for-the-viewer") as (_, port):
        await browser.open(f"http://127.0.0.1:{port}/?token=t0ken-for-the-viewer")
        await browser.wait_for("window.poseViewer && poseViewer.framesReceived >= 10", T(20), "10 frames")
        shown = await browser.eval("document.body.innerText")
        assert "t0ken-for-the-viewer" not in shown  # the page never shows the token
        # the same page without the token: refused, and it says why it might be
        await browser.open(f"http://127.0.0.1:{port}/")
        await browser.wait_for("window.poseViewer && poseViewer.conn === 'closed'", T(20), "the refusal")
        status = await browser.eval("document.getElementById('conn').textContent")
        assert await browser.eval("poseViewer.framesReceived") == 0
        assert "--token" in status, status
