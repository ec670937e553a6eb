"""Fan-out of pose frames to WebSocket clients: newest frame wins, nobody waits for the slowest, and what a
client can make the server hold is bounded whatever it does.

Each connected client has a :class:`Relay`: an ordered outbox of what it has not been sent yet.

- **Replies** (``hello``, ``pong``, ``error``, ``end``) are never dropped. At most ``max_replies`` of them wait;
  beyond that :attr:`Relay.congested` tells the server to stop reading that client until they drain, so the
  client's own TCP connection pushes back instead of the server's memory growing.
- **State** (``state``) is coalesced: a newer one replaces one still waiting.
- **Frames**: newest wins. A newer frame replaces one still waiting (counted in :attr:`Relay.dropped`).

A replaced message moves to the end of the outbox, behind everything made before its replacement, so what a
client receives is always a subsequence of what was made, in the order it was made: a frame never overtakes a
message made before it, and a message never overtakes a frame made before it.

The :class:`Hub` encodes a frame once per wire format in use, stamps ``sent_ns`` once per fan-out, and writes it
at once to every client that can take it now (nothing waiting, its write buffer below the high-water mark), with
:func:`websockets.asyncio.server.broadcast` or, when paced, with its ping (:meth:`Relay.write_paced`):
synchronously, no task wake-up per client. The others keep it in their frame slot; their relay's sender task
sends it with the connection's ``send()`` when they drain.

**Fresh frames for slow readers.** Buffers between the server and a client's application — the kernel's send
and receive buffers, the client library's own queue — can hold hundreds of frames: a client that reads slower
than the stream would read frames seconds old, and ever older. So when :attr:`Hub.window` is set (paced and live
streams), every frame sent is followed by a WebSocket ping, and a relay sends a new frame only while fewer than
its window of frames are unacknowledged by a pong. A client answers a ping when its WebSocket library reads it
(RFC 6455 requires the pong), that is after the frames before it: in flight there are never more frames than
the window, whatever the buffers, and the frame sent when a pong arrives is the newest.

The window is :data:`FRAME_WINDOW` (2) frames: a slow reader then reads frames at most about one read interval
plus two frame periods old. A client that keeps up (each frame answered before the next one, :data:`GROW_AFTER`
times, a late answer counting one back) gets :data:`BURST_WINDOW` (40) instead, and a ping only every
:data:`PING_STRIDE` (8) frames: a hitch of its own (a garbage collection, a busy frame in a game engine, a machine
short of CPU) of up to 32 frame periods, a second at 30 fps, loses nothing. As soon as its window is full
:data:`SHRINK_AFTER` times in a row it is back to 2 (so a client that turns slow reads frames up to 40 read
intervals old for a moment, then fresh ones again). A client that keeps up answers within a round trip,
long before the next frame, and sees no difference. ``--speed max`` replays run without a window (every frame
matters there, not its age; see :meth:`Hub.wait_ready`). A client farther away than two frame periods (round
trip over 66 ms at 30 fps) that has not earned the larger window receives fewer frames, never older ones.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import struct
import time
from typing import Any

import numpy as np
from websockets.asyncio.server import ServerConnection, broadcast
from websockets.exceptions import ConnectionClosed
from websockets.frames import Frame, Opcode
from websockets.protocol import State

from .frame import Person, PoseFrame
from .protocol import EncodedFrame, Message, WireFormat, encode, encode_frame
from .protocol import State as StateMessage

log = logging.getLogger("bridge.hub")

#: Replies (pong, error...) that may wait for a client before the server stops reading it.
MAX_REPLIES = 16
#: Frames a paced relay sends ahead of the client's pongs (see the module docstring) ...
FRAME_WINDOW = 2
#: ... and for a client that has kept up: a hitch of at least BURST_WINDOW - PING_STRIDE frame periods (32, a
#: second at 30 fps) loses nothing (the frames after the last ping cannot be answered before the next one).
BURST_WINDOW = 40
#: Frames in a row answered before the next one for the larger window; full windows in a row to lose it.
GROW_AFTER = 30
SHRINK_AFTER = 3
#: With the burst window a ping follows every this many frames (a pong answers all frames before its ping).
PING_STRIDE = 8

_FRAME = object()  # the frame slot's place in a relay's outbox
_STATE = object()  # the state slot's place
_PING = struct.Struct(">2sQ")  # payload of a pacing ping: b"pb" + frame counter
_PING_TAG = b"pb"


def _finite_changes(pose: PoseFrame | Person) -> dict[str, Any]:
    """What must change in a frame's or a person's blocks and angles so that only finite numbers remain."""
    image, world, angles = pose.image, pose.world, pose.angles
    changes: dict[str, Any] = {}
    if image is not None and not bool(np.isfinite(image).all()):
        changes["image"] = None
    if world is not None and not bool(np.isfinite(world).all()):
        changes["world"] = None
    if angles is not None and any(v is not None and not np.isfinite(v) for v in angles.values()):
        changes["angles"] = {k: (v if v is None or np.isfinite(v) else None) for k, v in angles.items()}
    return changes


def finite_frame(frame: PoseFrame) -> tuple[PoseFrame, bool]:
    """``frame`` with every landmark block holding a non-finite value set to ``None`` (missing) and non-finite
    angles set to ``None`` (could not be measured), the same for every person of ``people``; and whether
    anything had to change.

    Protocol v1 carries only finite numbers (JSON has no NaN); a recording written with a ``null`` coordinate
    reads back as NaN. Returns ``frame`` itself when everything is finite.
    """
    changes = _finite_changes(frame)
    people = [(p, _finite_changes(p)) for p in frame.people]
    if any(c for _, c in people):
        changes["people"] = tuple(p.replace(**c) if c else p for p, c in people)
    if not changes:
        return frame, False
    return frame.replace(**changes), True


class Relay:
    """One client's outgoing stream: an ordered outbox of replies, a coalesced state and a newest-frame slot.

    Never raises when the connection is gone: everything sent to a closed relay is discarded.
    """

    def __init__(self, connection: ServerConnection, fmt: WireFormat, *, max_replies: int = MAX_REPLIES) -> None:
        self.connection = connection
        self.format = fmt
        self.max_replies = max_replies
        #: Frames sent to this client, and frames replaced before they could be sent.
        self.sent = 0
        self.dropped = 0
        self._window: int | None = None
        self._limit = FRAME_WINDOW  # the window now: FRAME_WINDOW, or BURST_WINDOW for a client that keeps up
        self._caught_up = 0  # publishes in a row with nothing in flight
        self._full = 0  # publishes in a row with a full window
        self._outbox: collections.deque[Any] = collections.deque()
        self._frame: EncodedFrame | None = None
        self._state: bytes | str | None = None
        self._replies = 0
        self._paced_sent = 0  # frames sent while paced (the counter pings carry)
        self._last_ping = 0  # the counter of the last ping
        self._acked = 0  # highest pacing ping answered
        self._wake = asyncio.Event()
        self._ack = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._drained = asyncio.Event()
        self._drained.set()
        self._busy = False
        self._closed = False
        #: Set by :meth:`Hub.wait_ready` when the client did not keep up; cleared when it catches up.
        self.stalled = False

    # ------------------------------------------------------------------ state

    @property
    def window(self) -> int | None:
        """Frames in flight allowed ahead of the client's pongs; ``None``: not paced."""
        return self._window

    @window.setter
    def window(self, value: int | None) -> None:
        self._window = value
        self._limit = value or FRAME_WINDOW
        self._caught_up = self._full = 0
        if value is not None:
            self._ping_tail()
        self._ack.set()  # a sender waiting for a pong re-checks

    def observe(self) -> None:
        """At each frame published (paced): widen the window of a client that keeps up, narrow a slow one's."""
        in_flight = self._paced_sent - self._acked
        if in_flight == 0:
            self._full = 0
            self._caught_up += 1
            if self._caught_up >= GROW_AFTER and self._window is not None:
                self._limit = max(self._window, BURST_WINDOW)
        elif in_flight < self._limit:  # a pong a little late (a busy client): not yet a slow one
            self._full = 0
            self._caught_up = max(0, self._caught_up - 1)
        else:
            self._caught_up = 0
            self._full += 1
            if self._full >= SHRINK_AFTER and self._window is not None and self._limit > self._window:
                self._limit = self._window
                self._ping_tail()  # frames sent since the last ping must be answerable, or the window never opens

    @property
    def idle(self) -> bool:
        """True when nothing is waiting or being sent."""
        return self._idle.is_set()

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def congested(self) -> bool:
        """True while ``max_replies`` or more replies wait: the server stops reading this client."""
        return self._replies >= self.max_replies and not self._closed

    @property
    def in_flight(self) -> int:
        """Frames sent but not yet acknowledged by a pong (paced relays)."""
        return self._paced_sent - self._acked

    def _writable(self) -> bool:
        """Whether a message can be written now without overtaking anything or growing a full write buffer."""
        connection = self.connection
        return (
            not self._busy
            and not self._outbox
            and connection.protocol.state is State.OPEN
            and connection.transport.get_write_buffer_size() < connection.write_limit_high
        )

    def ready_for_frame(self) -> bool:
        """Whether a frame can be written now (also within the pacing window)."""
        return self._writable() and (self._window is None or self._paced_sent - self._acked < self._limit)

    # ------------------------------------------------------------------ sending

    def _write(self, data: bytes | str) -> None:
        # broadcast() is websockets' synchronous send path (the frame goes through its protocol object, as
        # send() would write it); connection.send() is a coroutine and would cost a task per message.
        broadcast([self.connection], data)

    def wrote_frame(self) -> None:
        """Account for a frame just written by the sender task; ping it when paced."""
        self.sent += 1
        if self._window is None:
            return
        self._paced_sent += 1
        protocol = self.connection.protocol
        if protocol.state is State.OPEN and self._ping_due():
            # The ping that ping() would send, without its coroutine (see _write); the pong comes back through
            # PacedConnection.process_event. Keepalive pings (random 4-byte payloads) are told apart by length.
            protocol.send_ping(_PING.pack(_PING_TAG, self._paced_sent))
            self.connection.send_data()

    def write_paced(self, payload: bytes, text: bool) -> None:
        """Write a frame (UTF-8 ``payload`` of a text message when ``text``) and its pacing ping, now.

        Both are framed by websockets' protocol object — the calls broadcast() and ping() make — and written
        with one ``write``: broadcast() and then a ping would cost two system calls per client and frame, which
        doubled the fan-out's time with 100 clients. (The connection is open, so the protocol has no
        end-of-stream marker to send, which is all send_data() adds.)
        """
        connection = self.connection
        protocol = connection.protocol
        if protocol.state is not State.OPEN:
            return
        if text:
            protocol.send_text(payload)
        else:
            protocol.send_binary(payload)
        self.sent += 1
        self._paced_sent += 1
        if self._ping_due():
            protocol.send_ping(_PING.pack(_PING_TAG, self._paced_sent))
        connection.transport.write(b"".join(protocol.data_to_send()))

    def _ping_tail(self) -> None:
        """Ping now if frames were sent since the last ping (they are acknowledged only by a later pong)."""
        protocol = self.connection.protocol
        if self._last_ping < self._paced_sent and protocol.state is State.OPEN:
            self._last_ping = self._paced_sent
            protocol.send_ping(_PING.pack(_PING_TAG, self._paced_sent))
            self.connection.send_data()

    def _ping_due(self) -> bool:
        """Ping after every frame; with the burst window, after every :data:`PING_STRIDE` th (fewer pongs)."""
        if self._limit > FRAME_WINDOW and self._paced_sent - self._last_ping < PING_STRIDE:
            return False
        self._last_ping = self._paced_sent
        return True

    def acknowledge(self, payload: bytes) -> None:
        """A pong arrived: frames up to the ping it answers were read (a pong may answer several pings)."""
        if len(payload) != _PING.size or not payload.startswith(_PING_TAG):
            return
        n = _PING.unpack(payload)[1]
        if self._acked < n <= self._paced_sent:
            self._acked = n
            self._ack.set()

    def offer(self, frame: EncodedFrame) -> None:
        """Keep ``frame`` as the newest one to send (the hub writes directly to relays that are ready)."""
        if self._closed:
            return
        if self._frame is not None:
            self.dropped += 1
            self._outbox.remove(_FRAME)  # the replacement goes behind what was made before it
        self._frame = frame
        self._outbox.append(_FRAME)
        self._kick()

    def send(self, message: Message | bytes | str) -> None:
        """Send a reply (``hello``, ``pong``, ``error``, ``end``): never dropped, kept in order with frames."""
        if self._closed:
            return
        data = message if isinstance(message, (bytes, str)) else encode(message, self.format)
        if self._writable():
            self._write(data)
            return
        self._outbox.append(data)
        self._replies += 1
        if self._replies >= self.max_replies:
            self._drained.clear()
        self._kick()

    def send_state(self, data: bytes | str) -> None:
        """Send a ``state``; a newer one replaces one still waiting."""
        if self._closed:
            return
        if self._state is not None:
            self._outbox.remove(_STATE)
        elif self._writable():
            self._write(data)
            return
        self._state = data
        self._outbox.append(_STATE)
        self._kick()

    def _kick(self) -> None:
        self._idle.clear()
        self._wake.set()
        self._ack.set()  # a sender waiting for a pong re-checks what waits

    async def run(self) -> None:
        """The sender task: send what waits in the outbox, in order, as the connection drains and pongs come."""
        try:
            while not self._closed:
                await self._wake.wait()
                self._wake.clear()
                while self._outbox and not self._closed:
                    self._busy = True
                    item = self._outbox[0]
                    if item is _FRAME and self._window is not None and self._paced_sent - self._acked >= self._limit:
                        if len(self._outbox) > 1:
                            # Replies wait behind this frame: do not hold them for a pong (the pong may not
                            # even be read while the server stops reading a client whose replies pile up).
                            # The frame is dropped instead, as a newer one would replace it.
                            self._outbox.popleft()
                            self._frame = None
                            self.dropped += 1
                            continue
                        self._ack.clear()
                        await self._ack.wait()  # or a new message: newer frames move it, replies queue behind
                        continue
                    self._outbox.popleft()
                    if item is _FRAME:
                        frame, self._frame = self._frame, None
                        assert frame is not None
                        await self.connection.send(frame.stamp(time.time_ns()))
                        self.wrote_frame()
                    elif item is _STATE:
                        data, self._state = self._state, None
                        assert data is not None
                        await self.connection.send(data)
                    else:
                        self._replies -= 1
                        if self._replies < self.max_replies:
                            self._drained.set()
                        await self.connection.send(item)
                self._busy = False
                self.stalled = False
                self._idle.set()
        except ConnectionClosed:
            pass
        finally:
            self.close()

    async def wait_idle(self) -> None:
        await self._idle.wait()

    async def wait_drained(self) -> None:
        """Return once fewer than ``max_replies`` replies wait (or the relay is closed)."""
        await self._drained.wait()

    def close(self) -> None:
        """Discard everything waiting and release every waiter. Idempotent."""
        self._closed = True
        self._busy = False
        self._outbox.clear()
        self._frame = self._state = None
        self._replies = 0
        for event in (self._idle, self._drained, self._ack, self._wake):
            event.set()


class PacedConnection(ServerConnection):
    """A server connection that tells its relay about pongs (for the pacing window, see :class:`Relay`).

    Installed with ``serve(create_connection=...)``, websockets' hook for customizing connections.
    """

    relay: Relay | None = None

    def process_event(self, event: Any) -> None:
        super().process_event(event)
        relay = self.relay
        if relay is not None and isinstance(event, Frame) and event.opcode is Opcode.PONG:
            relay.acknowledge(bytes(event.data))


def peer_name(connection: ServerConnection) -> str:
    """``host:port`` of a client for log lines, ``?`` when its address is unknown (a closed socket)."""
    addr = connection.remote_address
    return f"{addr[0]}:{addr[1]}" if addr else "?"


class Hub:
    """The set of connected relays and the frame fan-out."""

    def __init__(self) -> None:
        self.relays: set[Relay] = set()
        self.frames_published = 0
        #: Frames that held non-finite values (sent with those blocks as null).
        self.nonfinite_frames = 0
        self._window: int | None = None

    @property
    def window(self) -> int | None:
        """Frames each client may have in flight ahead of its pongs; ``None`` turns pacing off (``--speed max``)."""
        return self._window

    @window.setter
    def window(self, value: int | None) -> None:
        self._window = value
        for relay in self.relays:
            relay.window = value

    def add(self, relay: Relay) -> None:
        relay.window = self._window
        self.relays.add(relay)

    def remove(self, relay: Relay) -> None:
        self.relays.discard(relay)
        relay.close()

    def publish(self, frame: PoseFrame) -> None:
        """Offer ``frame`` to every client; encodes once per wire format in use. Never blocks.

        Blocks with non-finite values go out as ``null`` (see :func:`finite_frame`; the first such frame is
        logged). ``sent_ns`` is stamped once, when the fan-out starts.
        """
        self.frames_published += 1
        frame, changed = finite_frame(frame)
        if changed:
            self.nonfinite_frames += 1
            if self.nonfinite_frames == 1:
                log.warning(
                    "frame %d holds non-finite landmark values: sent with those landmark sets as null "
                    "(later such frames are counted, not logged)",
                    frame.seq,
                )
        encoded: dict[WireFormat, EncodedFrame] = {}
        ready: dict[WireFormat, list[Relay]] = {}
        paced = self._window is not None
        for relay in tuple(self.relays):
            if paced:
                relay.observe()
            fmt = relay.format
            data = encoded.get(fmt)
            if data is None:
                data = encoded[fmt] = encode_frame(frame, fmt)
            if relay.ready_for_frame():
                ready.setdefault(fmt, []).append(relay)
            else:
                relay.offer(data)
        if not ready:
            return
        sent_ns = time.time_ns()
        for fmt, group in ready.items():
            message = encoded[fmt].stamp(sent_ns)
            if self._window is None:
                broadcast([r.connection for r in group], message)
                for relay in group:
                    relay.sent += 1
            else:
                text = isinstance(message, str)
                payload = message.encode() if isinstance(message, str) else message
                for relay in group:
                    relay.write_paced(payload, text)

    def send_all(self, message: Message) -> None:
        """Send a message (``state``, ``end``, ``error``) to every client; ``state`` is coalesced per client."""
        cache: dict[WireFormat, bytes | str] = {}
        coalesce = isinstance(message, StateMessage)
        for relay in tuple(self.relays):
            data = cache.get(relay.format)
            if data is None:
                data = cache[relay.format] = encode(message, relay.format)
            if coalesce:
                relay.send_state(data)
            else:
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
            log.info("client %s stalled: not waiting for it until it catches up", peer_name(relay.connection))
