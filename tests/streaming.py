"""Helpers for tests that run the real server in-process and talk to it with real clients."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field

from websockets.asyncio.client import ClientConnection, connect

from bridge import protocol as P
from bridge.frame import PoseFrame
from bridge.hub import Hub
from bridge.player import FrameSink, Player
from bridge.protocol import SourceInfo
from bridge.server import PoseServer
from bridge.sources.base import SeekableSource, Source
from bridge.transforms import Transform
from tests.media import scaled_timeout


class PlainListSource(Source):
    """A fake, video-like source over a list of frames: for server logic only (nothing here is BlazePose)."""

    kind = "video"

    def __init__(self, frames: Sequence[PoseFrame], fps: float = 30.0) -> None:
        self._frames = list(frames)
        replay = isinstance(self, SeekableSource)
        self.info = SourceInfo(self.kind, "list", fps, 640, 480, len(self._frames), replay=replay)

    async def frames_from(self, start: int) -> AsyncIterator[PoseFrame]:
        for frame in self._frames[max(0, start) :]:
            yield frame
            await asyncio.sleep(0)

    def frames(self) -> AsyncIterator[PoseFrame]:
        return self.frames_from(0)


class ListSource(PlainListSource, SeekableSource):
    """A fake recording-like (seekable) source over a list of frames."""

    kind = "recording"


def synthetic_frames(n: int, fps: float = 30.0) -> list[PoseFrame]:
    """``n`` distinct frames (from the demo's motion); every 10th has nobody detected."""
    from bridge.sources.demo import pose_at

    out = []
    for i in range(n):
        image, world = pose_at(i, fps)
        if i % 10 == 9:
            image = world = None  # type: ignore[assignment]
        out.append(PoseFrame(i, i / fps, time.time_ns(), image, world))
    return out


@dataclass
class Running:
    server: PoseServer
    task: asyncio.Task[int]
    url: str
    player: Player

    async def stop(self) -> int:
        self.server.shutdown()
        return await asyncio.wait_for(self.task, scaled_timeout(10))


@contextlib.asynccontextmanager
async def running_server(
    source: Source,
    *,
    speed: float | None = 1.0,
    loop: bool = False,
    wait_clients: int = 0,
    transforms: Sequence[Transform] = (),
    sinks: Sequence[FrameSink] = (),
    hello: P.Hello | None = None,
) -> AsyncIterator[Running]:
    """Start a PoseServer on 127.0.0.1 port 0; shut it down on exit."""
    player = Player(source, Hub(), speed=speed, loop=loop, transforms=transforms, sinks=sinks)
    server = PoseServer(player, hello or P.Hello(source=source.info), port=0, wait_clients=wait_clients)
    port = await server.start()
    task = asyncio.ensure_future(server.run())
    running = Running(server, task, f"ws://127.0.0.1:{port}/", player)
    try:
        yield running
    finally:
        if not task.done():
            server.shutdown()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(task, scaled_timeout(10))


@dataclass
class Received:
    hello: P.Hello | None = None
    frames: list[P.FrameMessage] = field(default_factory=list)
    others: list[P.Message] = field(default_factory=list)
    end: P.End | None = None
    close_code: int | None = None
    recv_ns: list[int] = field(default_factory=list)


async def collect(ws: ClientConnection, *, limit: int | None = None) -> Received:
    """Read until ``end`` and the close (or ``limit`` frames)."""
    got = Received()
    with contextlib.suppress(Exception):
        async for data in ws:
            now = time.time_ns()
            msg = P.decode(data)
            if isinstance(msg, P.Hello):
                got.hello = msg
            elif isinstance(msg, P.FrameMessage):
                got.frames.append(msg)
                got.recv_ns.append(now)
                if limit is not None and len(got.frames) >= limit:
                    break
            elif isinstance(msg, P.End):
                got.end = msg
            else:
                got.others.append(msg)
    got.close_code = ws.close_code
    return got


def client(url: str, fmt: P.WireFormat | None = P.WireFormat.MSGPACK, **kwargs: object) -> connect:
    """A websockets client for ``url`` asking for ``fmt``'s subprotocol (``None``: ask for none)."""
    subprotocols = None if fmt is None else [fmt.value]
    return connect(url, subprotocols=subprotocols, open_timeout=scaled_timeout(10), **kwargs)  # type: ignore[arg-type]
