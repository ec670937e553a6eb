"""Fan-out of pose frames to WebSocket clients: newest frame wins, nobody waits for the slowest.

Each connected client has a :class:`Relay`. The :class:`Hub` encodes a frame
once per wire format in use and offers it to every relay:

- when the client's connection can take it now (no send in progress and its
  write buffer below the high-water mark), the frame is written at once,
  synchronously, stamped with its own ``sent_ns`` — the common, low-latency path;
- otherwise it goes into the relay's single frame slot, replacing (and counting
  as dropped) a frame still waiting there; the relay's sender task writes the
  slot when the connection drains. A stalled client therefore holds at most one
  pending frame and costs the source and the other clients nothing.

Control replies (``pong``, ``error``, ``state``, ``end``) are queued in order
with the frame slot and are never dropped.

The hub does no pacing. For sources replayed as fast as possible, the player
calls :meth:`Hub.wait_ready` after each frame so clients that keep up receive
every frame, while clients that stall for longer than ``stall_timeout`` are left
behind (they get the newest frame when they come back).
"""

from __future__ import annotations

import asyncio
import collections
import logging
import struct
import time
from typing import Any

from websockets.asyncio.server import ServerConnection, broadcast
from websockets.exceptions import ConnectionClosed
from websockets.protocol import State

from .frame import PoseFrame
from .protocol import EncodedFrame, Message, WireFormat, encode, encode_frame

log = logging.getLogger("bridge.server")

_FRAME = object()
_HEADER16 = struct.Struct(">BBH")
_HEADER64 = struct.Struct(">BBQ")  # marks the frame slot's place in a relay's send queue


class Relay:
    """One client's outgoing stream: an ordered queue of messages plus a newest-frame slot."""

    def __init__(self, connection: ServerConnection, fmt: WireFormat) -> None:
        self.connection = connection
        self.format = fmt
        self.sent = 0
        self.dropped = 0
        self._queue: collections.deque[Any] = collections.deque()
        self._slot: EncodedFrame | None = None
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._busy = False
        self._closed = False
        #: Set by :meth:`Hub.wait_ready` when the client did not keep up; cleared when it catches up.
        self.stalled = False

    @property
    def idle(self) -> bool:
        """True when nothing is queued or being sent."""
        return self._idle.is_set()

    def _can_write_now(self) -> bool:
        transport = self.connection.transport
        return (
            not self._busy
            and not self._queue
            and not transport.is_closing()
            and transport.get_write_buffer_size() < self.connection.write_limit_high
        )

    def _write(self, data: bytes | str) -> None:
        if isinstance(data, bytes) and self.connection.protocol.state is State.OPEN:
            # A binary message as one unmasked, uncompressed WebSocket frame (RFC 6455 5.2), written
            # straight to the transport: the bytes websockets would write, at half the cost per client.
            # Server frames are never masked and compression is off, so nothing else could differ.
            n = len(data)
            if n < 126:
                header = bytes((0x82, n))
            elif n < 65536:
                header = _HEADER16.pack(0x82, 126, n)
            else:
                header = _HEADER64.pack(0x82, 127, n)
            self.connection.transport.write(header + data)
            return
        broadcast([self.connection], data)

    def offer(self, frame: EncodedFrame) -> None:
        """Send ``frame`` now if the connection can take it, else keep it as the newest pending frame."""
        if self._closed:
            return
        if self._can_write_now():
            self._write(frame.stamp(time.time_ns()))
            self.sent += 1
            return
        if self._slot is not None:
            self.dropped += 1
        else:
            self._queue.append(_FRAME)
        self._slot = frame
        self._kick()

    def send(self, message: Message | bytes | str) -> None:
        """Queue a control message (never dropped, kept in order with frames)."""
        if self._closed:
            return
        data = message if isinstance(message, (bytes, str)) else encode(message, self.format)
        if self._can_write_now():
            self._write(data)
            return
        self._queue.append(data)
        self._kick()

    def _kick(self) -> None:
        self._idle.clear()
        self._wake.set()

    async def run(self) -> None:
        """Send what :meth:`offer`/:meth:`send` queued, waiting for the connection to drain."""
        try:
            while True:
                await self._wake.wait()
                self._wake.clear()
                while self._queue:
                    self._busy = True
                    item = self._queue.popleft()
                    if item is _FRAME:
                        frame, self._slot = self._slot, None
                        assert frame is not None
                        await self.connection.send(frame.stamp(time.time_ns()))
                        self.sent += 1
                    else:
                        await self.connection.send(item)
                self._busy = False
                self.stalled = False
                self._idle.set()
        except ConnectionClosed:
            pass
        finally:
            self._closed = True
            self._busy = False
            self._idle.set()

    async def wait_idle(self) -> None:
        await self._idle.wait()

    def close(self) -> None:
        self._closed = True
        self._idle.set()


def _peer(relay: Relay) -> str:
    addr = relay.connection.remote_address
    return f"{addr[0]}:{addr[1]}" if addr else "?"


class Hub:
    """The set of connected relays and the frame fan-out."""

    def __init__(self) -> None:
        self.relays: set[Relay] = set()
        self.frames_published = 0

    def add(self, relay: Relay) -> None:
        self.relays.add(relay)

    def remove(self, relay: Relay) -> None:
        self.relays.discard(relay)
        relay.close()

    def publish(self, frame: PoseFrame) -> None:
        """Offer ``frame`` to every client; encodes once per wire format in use. Never blocks."""
        self.frames_published += 1
        encoded: dict[WireFormat, EncodedFrame] = {}
        for relay in tuple(self.relays):
            data = encoded.get(relay.format)
            if data is None:
                data = encoded[relay.format] = encode_frame(frame, relay.format)
            relay.offer(data)

    def send_all(self, message: Message) -> None:
        """Queue a control message (``state``, ``end``) for every client."""
        cache: dict[WireFormat, bytes | str] = {}
        for relay in tuple(self.relays):
            data = cache.get(relay.format)
            if data is None:
                data = cache[relay.format] = encode(message, relay.format)
            relay.send(data)

    async def wait_ready(self, stall_timeout: float) -> None:
        """Wait until every client has taken the frames offered so far, or ``stall_timeout`` passes.

        Used when nothing paces the source (``--speed max``): clients that keep up
        get every frame; a client slower than ``stall_timeout`` is not waited for.
        """
        waiting = [r for r in self.relays if not r.idle and not r.stalled]
        if not waiting:
            return
        tasks = {asyncio.ensure_future(r.wait_idle()): r for r in waiting}
        try:
            _, late = await asyncio.wait(tasks, timeout=stall_timeout)
        finally:
            for task in tasks:
                task.cancel()
        for task in late:
            relay = tasks[task]
            relay.stalled = True
            log.info("client %s stalled: not waiting for it until it catches up", _peer(relay))
