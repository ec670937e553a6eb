"""The WebSocket server: handshake, per-client relays, client messages, the viewer over HTTP.

One port serves both:

- ``ws://HOST:PORT/`` — protocol v1 (subprotocol ``posebridge.v1.msgpack``, the
  default, or ``posebridge.v1.json``): ``hello`` (and ``state`` for replays), then
  ``frame`` messages, then ``end`` and a normal close (1000);
- ``http://HOST:PORT/`` — the browser viewer's static files from ``bridge/viewer/``.

Bad client messages are answered with an ``error`` message; the connection and
the server stay up. Connects and disconnects are logged (with the number of
frames sent to and dropped for the client), frames are not.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import mimetypes
import socket
import time
from collections.abc import Sequence
from http import HTTPStatus
from pathlib import Path

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed, NegotiationError
from websockets.http11 import Request, Response
from websockets.typing import Subprotocol

from .errors import RemoteProtocolError, UserError
from .hub import Relay
from .player import ControlError, Player
from .protocol import (
    SUBPROTOCOLS,
    End,
    Error,
    FrameMessage,
    Hello,
    Pause,
    Ping,
    Pong,
    Resume,
    Seek,
    SetSpeed,
    State,
    Unknown,
    WireFormat,
    decode,
)

log = logging.getLogger("bridge.server")

VIEWER_DIR = Path(__file__).resolve().parent / "viewer"
#: Largest client message accepted (clients only send small control messages).
MAX_CLIENT_MESSAGE = 64 * 1024
#: Kernel send buffer per client: about 45 msgpack frames, 1.5 s at 30 fps.
SEND_BUFFER = 64 * 1024


_SERVER_TYPES = {Hello: "hello", FrameMessage: "frame", End: "end", Error: "error", Pong: "pong", State: "state"}


def _peer(connection: ServerConnection) -> str:
    addr = connection.remote_address
    return f"{addr[0]}:{addr[1]}" if addr else "?"


def _select_subprotocol(connection: ServerConnection, offered: Sequence[Subprotocol]) -> Subprotocol | None:
    """The client's first offered v1 subprotocol; none offered means msgpack (``None``)."""
    if not offered:
        return None
    for name in offered:
        if name in SUBPROTOCOLS:
            return name
    raise NegotiationError("unsupported subprotocol; expected one of " + ", ".join(SUBPROTOCOLS))


class PoseServer:
    """Serves one :class:`~bridge.player.Player` to any number of WebSocket clients.

    ``wait_clients``: the player starts once that many clients are connected (0:
    at once). ``close_timeout``: how long the closing ``end`` may wait for slow
    clients before their connections are closed anyway. ``send_buffer``: the
    kernel send buffer per client in bytes (0: the system's default, which on
    Linux grows to megabytes and lets a slow client fall seconds behind).
    """

    def __init__(
        self,
        player: Player,
        hello: Hello,
        *,
        host: str = "127.0.0.1",
        port: int = 8765,
        wait_clients: int = 0,
        viewer_dir: Path = VIEWER_DIR,
        close_timeout: float = 5.0,
        send_buffer: int = SEND_BUFFER,
    ) -> None:
        self.player = player
        self.hub = player.hub
        self.hello = hello
        self.host = host
        self.port = port
        self.wait_clients = wait_clients
        self.viewer_dir = viewer_dir
        self.close_timeout = close_timeout
        self.send_buffer = send_buffer
        self._server: Server | None = None
        self._end: End | None = None
        self._enough_clients = asyncio.Event()
        self._player_task: asyncio.Task[int] | None = None
        self._shutdown_requested = False

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> int:
        """Bind and listen; returns the port (useful with port 0).

        Raises :class:`UserError` when the address is in use or cannot be bound.
        """
        try:
            self._server = await serve(
                self._handle,
                self.host,
                self.port,
                select_subprotocol=_select_subprotocol,
                process_request=self._process_request,
                max_size=MAX_CLIENT_MESSAGE,
                compression=None,
                server_header="pose-bridge",
            )
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise UserError(
                    f"port {self.port} on {self.host} is already in use (choose another with --port)"
                ) from None
            raise UserError(f"cannot listen on {self.host}:{self.port}: {exc.strerror or exc}") from None
        sockets = list(self._server.sockets)
        self.port = sockets[0].getsockname()[1] if sockets else self.port
        if self.wait_clients <= 0:
            self._enough_clients.set()
        return self.port

    async def run(self) -> int:
        """Play the source to the end (or until :meth:`shutdown`), then close every client.

        Returns the number of frames published. When the source fails mid-stream
        (an unreadable frame, a malformed recording line), every client gets an
        ``error`` (code ``source_error``) and ``end`` with reason ``error``, and the
        exception is re-raised for the caller (the CLI exits 2 for a UserError).
        """
        if self._server is None:
            await self.start()
        end_reason = "eof"
        try:
            await self._enough_clients.wait()
            if not self._shutdown_requested:
                self._player_task = asyncio.ensure_future(self.player.run())
                try:
                    await self._player_task
                except asyncio.CancelledError:
                    if not self._shutdown_requested:
                        raise
            if self._shutdown_requested:
                end_reason = "shutdown"
        except Exception as exc:
            end_reason = "error"
            self.hub.send_all(Error("source_error", f"the source failed: {exc}"))
            raise
        finally:
            self.player.close_sinks()
            await self._finish(End(self.player.published, end_reason))
        return self.player.published

    def shutdown(self) -> None:
        """Stop streaming: clients get ``end`` (reason ``shutdown``) and a normal close."""
        self._shutdown_requested = True
        self._enough_clients.set()
        if self._player_task is not None:
            self._player_task.cancel()

    async def _finish(self, end: End) -> None:
        self._end = end
        self.hub.send_all(end)
        relays = list(self.hub.relays)
        if relays:
            await asyncio.gather(*(self._close_when_sent(r) for r in relays))
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    async def _close_when_sent(self, relay: Relay) -> None:
        """Close a client normally once it has taken everything up to ``end`` (or after ``close_timeout``)."""
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(relay.wait_idle(), self.close_timeout)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(relay.connection.close(1000, "end of stream"), self.close_timeout)

    # ------------------------------------------------------------------ HTTP

    def _process_request(self, connection: ServerConnection, request: Request) -> Response | None:
        if request.headers.get("Upgrade", "").lower() == "websocket":
            return None
        path = request.path.split("?", 1)[0].split("#", 1)[0]
        if path in ("", "/"):
            path = "/index.html"
        target = (self.viewer_dir / path.lstrip("/")).resolve()
        viewer_root = self.viewer_dir.resolve()
        if viewer_root not in target.parents or not target.is_file():
            return self._response(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain; charset=utf-8")
        ctype = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if ctype.startswith("text/") or ctype in ("application/javascript", "application/json"):
            ctype += "; charset=utf-8"
        return self._response(HTTPStatus.OK, target.read_bytes(), ctype)

    @staticmethod
    def _response(status: HTTPStatus, body: bytes, content_type: str) -> Response:
        headers = Headers(
            [
                ("Content-Type", content_type),
                ("Content-Length", str(len(body))),
                ("Cache-Control", "no-cache"),
                ("Connection", "close"),
                ("Server", "pose-bridge"),
            ]
        )
        return Response(status.value, status.phrase, headers, body)

    # ------------------------------------------------------------------ WebSocket

    async def _handle(self, connection: ServerConnection) -> None:
        fmt = WireFormat.for_subprotocol(connection.subprotocol)
        sock = connection.transport.get_extra_info("socket")
        if sock is not None and self.send_buffer:
            # Keep the kernel's send buffer small, so a slow client falls behind by a
            # fraction of a second (then misses frames) rather than by megabytes.
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, self.send_buffer)
        relay = Relay(connection, fmt)
        relay.send(self.hello)
        if self.player.replayable:
            relay.send(self.player.state())
        if self._end is not None:  # joined after the end: hello, end, close
            relay.send(self._end)
        sender = asyncio.ensure_future(relay.run())
        self.hub.add(relay)
        peer = _peer(connection)
        log.info("client %s connected (%s), %d connected", peer, fmt.value, len(self.hub.relays))
        if len(self.hub.relays) >= self.wait_clients:
            self._enough_clients.set()
        try:
            async for data in connection:
                self._on_message(relay, data)
        except ConnectionClosed:
            pass
        finally:
            self.hub.remove(relay)
            sender.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sender
            dropped = f", dropped {relay.dropped} it could not take" if relay.dropped else ""
            log.info(
                "client %s disconnected (code %s): sent %d frames%s; %d connected",
                peer,
                connection.close_code,
                relay.sent,
                dropped,
                len(self.hub.relays),
            )

    def _on_message(self, relay: Relay, data: bytes | str) -> None:
        try:
            message = decode(data)
        except RemoteProtocolError as exc:
            log.debug("bad message from %s: %s", _peer(relay.connection), exc)
            relay.send(Error(exc.code, str(exc)))
            return
        if isinstance(message, Ping):
            relay.send(Pong(client_ns=message.client_ns, server_ns=time.time_ns()))
        elif isinstance(message, (Pause, Resume, Seek, SetSpeed)):
            try:
                self.player.control(message)
            except ControlError as exc:
                relay.send(Error(exc.code, str(exc)))
        elif isinstance(message, Unknown):
            relay.send(Error("unknown_type", f"unknown message type {message.type!r}"))
        else:
            kind = _SERVER_TYPES.get(type(message), type(message).__name__)
            relay.send(Error("bad_message", f"clients may not send {kind!r} messages, only 'control'"))
