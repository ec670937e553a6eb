"""The WebSocket server: handshake checks, per-client relays, client messages, the viewer over HTTP.

One port serves both:

- ``ws://HOST:PORT/`` — protocol v1 (subprotocol ``posebridge.v1.msgpack``, the
  default, or ``posebridge.v1.json``): ``hello`` (and ``state`` for replays), then
  ``frame`` messages, then ``end`` and a normal close (1000);
- ``http://HOST:PORT/`` — the browser viewer's static files from ``bridge/viewer/``.

With ``ssl`` both become ``wss://`` and ``https://``.

Who may connect (checked in the opening handshake, before anything is sent; docs/security.md):

- **Origin.** Browsers send ``Origin`` with every WebSocket handshake; other clients (Unity, Python, C#) send
  none. A handshake without ``Origin`` is accepted; one from the server's own viewer page (see
  :func:`is_own_origin`) or from an origin added with ``allowed_origins`` too; any other gets 403. This keeps
  the web pages a user happens to visit from reading the webcam's pose or controlling a replay.
- **Token.** With ``token`` set, a client presents it as ``Authorization: Bearer TOKEN`` (Unity's
  ``ClientWebSocket``, Python) or as the query parameter ``?token=TOKEN`` (browsers cannot set headers);
  compared in constant time; otherwise 401.
- **Capacity.** Beyond ``max_clients`` open connections, 503.

What a client can make the server hold is bounded: messages up to ``max_message`` bytes (larger ones close
the connection with 1009), at most ``control_rate`` messages a second per client (a faster client is read more
slowly: its TCP connection pushes back), replies bounded per client (:class:`~bridge.hub.Relay`), error
replies quoting at most a few dozen characters of the input.

Bad client messages are answered with an ``error`` message; the connection and the server stay up. Connects
and disconnects are logged (with the number of frames sent to and dropped for the client), frames are not.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import hmac
import ipaddress
import logging
import mimetypes
import os
import secrets
import socket
import time
import urllib.parse
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from pathlib import Path
from ssl import SSLContext

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed, NegotiationError
from websockets.http11 import Request, Response
from websockets.protocol import State as ConnectionState
from websockets.typing import Subprotocol

from .errors import ControlError, RemoteProtocolError, UserError
from .hub import PacedConnection, Relay, peer_name
from .player import Player
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
    encode,
)

log = logging.getLogger("bridge.server")

VIEWER_DIR = Path(__file__).resolve().parent / "viewer"
#: Largest client message accepted: clients send control messages of well under 100 bytes.
MAX_CLIENT_MESSAGE = 4096
#: Client messages websockets buffers before it stops reading the socket (TCP then pushes back).
MAX_CLIENT_QUEUE = 4
#: Kernel receive buffer per client: bounds what one read takes in (and parses) from a flooding client.
RECEIVE_BUFFER = 16 * 1024
#: Kernel send buffer per client (unpaced streams, ``--speed max``): about 45 msgpack frames.
SEND_BUFFER = 64 * 1024
#: Client messages per second (sustained) and in a burst before the server reads a client more slowly.
CONTROL_RATE = 100.0
CONTROL_BURST = 200
#: Open WebSocket connections before the server answers 503.
MAX_CLIENTS = 256
#: Longest ``error`` text sent to a client.
MAX_ERROR_TEXT = 200
#: Environment variable holding the token (``--token`` overrides it).
TOKEN_ENV = "POSE_BRIDGE_TOKEN"

_SERVER_TYPES = {Hello: "hello", FrameMessage: "frame", End: "end", Error: "error", Pong: "pong", State: "state"}
_SECURITY_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    # The viewer needs only its own files, and WebSockets (to this server or to one named with ?ws=);
    # frame-ancestors 'none': no other site can frame it (clickjacking of the replay controls).
    (
        "Content-Security-Policy",
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self' ws: wss:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    ),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "no-referrer"),  # a ?token= in the page's URL never leaves in a Referer
    ("Cache-Control", "no-cache"),
)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _select_subprotocol(connection: ServerConnection, offered: Sequence[Subprotocol]) -> Subprotocol | None:
    """The client's first offered v1 subprotocol; none offered means msgpack (``None``)."""
    if not offered:
        return None
    for name in offered:
        if name in SUBPROTOCOLS:
            return name
    raise NegotiationError("unsupported subprotocol; expected one of " + ", ".join(SUBPROTOCOLS))


# ---------------------------------------------------------------------- policy (pure functions)


def is_loopback_host(host: str | None) -> bool:
    """Whether listening on ``host`` reaches this machine only.

    ``127.0.0.0/8``, ``::1`` and names that resolve only to them (``localhost``) are loopback; every other
    address, ``0.0.0.0``, ``::``, an empty host (all interfaces) and a name that does not resolve are not.
    """
    if not host:
        return False
    name = host.strip("[]")
    try:
        return _is_loopback_ip(name)
    except ValueError:
        pass
    if name.lower() == "localhost":
        return True
    try:
        infos = socket.getaddrinfo(name, None)
    except OSError:
        return False
    try:
        return bool(infos) and all(_is_loopback_ip(str(info[4][0])) for info in infos)
    except ValueError:
        return False


def _is_loopback_ip(text: str) -> bool:
    address = ipaddress.ip_address(text.split("%", 1)[0])
    mapped = getattr(address, "ipv4_mapped", None)
    return bool((mapped or address).is_loopback)


def resolve_token(
    host: str | None, token: str | None, *, no_auth: bool, env: Mapping[str, str] | None = None
) -> str | None:
    """The token clients must present, or ``None`` for none; the policy of ``serve --host/--token/--no-auth``.

    ``token`` ``"auto"`` generates one (32 URL-safe characters); ``None`` falls back to the
    ``POSE_BRIDGE_TOKEN`` variable of ``env`` (default: ``os.environ``). Listening beyond loopback (see
    :func:`is_loopback_host`) without a token raises :class:`UserError` unless ``no_auth``; ``no_auth`` with a
    ``token`` is a contradiction and raises too (with only the variable set, ``no_auth`` wins). On loopback a
    token is optional (and enforced when given).
    """
    if no_auth:
        if token is not None:
            raise UserError("--no-auth contradicts --token: choose one")
        return None  # (an inherited POSE_BRIDGE_TOKEN is overruled by the explicit --no-auth)
    if token is None:
        token = (os.environ if env is None else env).get(TOKEN_ENV) or None
    if token == "auto":
        return secrets.token_urlsafe(24)
    if token is not None:
        if not token.strip() or any(c.isspace() for c in token) or not token.isprintable():
            raise UserError("the token must be printable and without spaces")
        return token
    if not is_loopback_host(host):
        raise UserError(
            f"--host {host or '(all interfaces)'} makes the stream reachable from other machines: give a token "
            f"(--token TOKEN, --token auto to generate one, or {TOKEN_ENV}), or --no-auth to allow anyone"
        )
    return None


def is_own_origin(origin: str, host_header: str | None, *, tls: bool, names: Sequence[str] = ()) -> bool:
    """Whether a handshake's ``Origin`` is the server's own viewer page.

    The viewer is served from this host and port, so its origin is ``http://`` (``https://`` with TLS) plus the
    ``Host`` the browser connects to. That is trusted only when the host part is an IP address, ``localhost``
    or one of ``names`` (the ``--host`` name): with any other name the page could come from a hostile site whose
    DNS name was pointed at this machine (DNS rebinding), where Origin and Host match too.
    """
    if not host_header:
        return False
    scheme = "https" if tls else "http"
    if origin.lower() != f"{scheme}://{host_header.lower()}":
        return False
    hostname = urllib.parse.urlsplit(f"//{host_header}").hostname or ""
    try:
        ipaddress.ip_address(hostname)
        return True
    except ValueError:
        return hostname == "localhost" or hostname in {n.lower() for n in names}


def normalize_origin(text: str) -> str:
    """``scheme://host[:port]`` in lower case, as browsers send it; raises ``ValueError`` for anything else."""
    parts = urllib.parse.urlsplit(text.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
        raise ValueError(f"an origin is scheme://host[:port] (e.g. http://192.168.1.5:8000), got {text!r}")
    if parts.query or parts.fragment or "@" in parts.netloc:
        raise ValueError(f"an origin has no path, query, fragment or user, got {text!r}")
    return f"{parts.scheme}://{parts.netloc}".lower()


def presented_token(request: Request) -> str | None:
    """The token a handshake presents: ``Authorization: Bearer TOKEN``, else the ``token`` query parameter."""
    auth = request.headers.get_all("Authorization")
    if len(auth) == 1 and auth[0][:7].lower() == "bearer ":
        return auth[0][7:].strip()
    query = urllib.parse.urlsplit(request.path).query
    values = urllib.parse.parse_qs(query, keep_blank_values=True).get("token", [])
    return values[0] if len(values) == 1 else None


def token_matches(given: str | None, expected: str) -> bool:
    """Constant-time comparison (for equal lengths; the length itself is not secret)."""
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


class _Refusals:
    """Logs refused handshakes without letting a hostile page flood the log: one line per reason per 10 s."""

    def __init__(self, every: float = 10.0) -> None:
        self.every = every
        self._last: dict[str, float] = {}
        self._quiet: dict[str, int] = {}

    def log(self, reason: str, peer: str, detail: str) -> None:
        now = time.monotonic()
        if now - self._last.get(reason, -1e9) < self.every:
            self._quiet[reason] = self._quiet.get(reason, 0) + 1
            return
        more = self._quiet.pop(reason, 0)
        self._last[reason] = now
        log.warning("refused %s: %s%s", peer, detail, f" ({more} more refused since)" if more else "")


class PoseServer:
    """Serves one :class:`~bridge.player.Player` to any number of WebSocket clients.

    - ``wait_clients``: the player starts once that many clients are connected (0: at once).
    - ``token``: the secret clients must present (``None``: none); see :func:`resolve_token`.
    - ``allowed_origins``: origins besides the server's own viewer whose pages may connect.
    - ``max_clients``, ``max_message``, ``control_rate``/``control_burst``: the limits in the module docstring.
    - ``ssl``: a server-side TLS context: ``wss://`` and ``https://``.
    - ``shutdown_timeout``: the most the closing ``end`` waits for clients (slow ones are then cut off):
      :meth:`run` returns within about this long after :meth:`shutdown` whatever the clients do.
    - ``send_buffer``: the kernel send buffer per client in bytes (0: the system's default).
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
        token: str | None = None,
        allowed_origins: Sequence[str] = (),
        max_clients: int = MAX_CLIENTS,
        max_message: int = MAX_CLIENT_MESSAGE,
        control_rate: float = CONTROL_RATE,
        control_burst: int = CONTROL_BURST,
        ssl: SSLContext | None = None,
        shutdown_timeout: float = 1.5,
        send_buffer: int = SEND_BUFFER,
    ) -> None:
        self.player = player
        self.hub = player.hub
        self.hello = hello
        self.host = host
        self.port = port
        self.wait_clients = wait_clients
        self.viewer_dir = viewer_dir
        self.token = token
        self.allowed_origins = frozenset(normalize_origin(o) for o in allowed_origins)
        self.max_clients = max_clients
        self.max_message = max_message
        self.control_rate = control_rate
        self.control_burst = control_burst
        self.ssl = ssl
        self.shutdown_timeout = shutdown_timeout
        self.send_buffer = send_buffer
        self._server: Server | None = None
        self._end: End | None = None
        self._enough_clients = asyncio.Event()
        self._player_task: asyncio.Task[int] | None = None
        self._shutdown_requested = False
        self._admitted: set[ServerConnection] = set()
        self._refusals = _Refusals()
        self._files = self._viewer_files()

    @property
    def shutdown_requested(self) -> bool:
        return self._shutdown_requested

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
                create_connection=PacedConnection,
                max_size=self.max_message,
                max_queue=MAX_CLIENT_QUEUE,
                compression=None,
                server_header="pose-bridge",
                close_timeout=self.shutdown_timeout,
                ssl=self.ssl,
            )
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise UserError(
                    f"port {self.port} on {self.host} is already in use (choose another with --port)"
                ) from None
            raise UserError(f"cannot listen on {self.host}:{self.port}: {exc.strerror or exc}") from None
        sockets = list(self._server.sockets)
        for sock in sockets:  # inherited by every accepted connection
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER)
                if self.send_buffer:
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, self.send_buffer)
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
        Sinks (recorders) are closed after the clients.
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
            self.hub.send_all(Error("source_error", _clip(f"the source failed: {exc}", MAX_ERROR_TEXT)))
            raise
        finally:
            try:
                await self._finish(End(self.player.published, end_reason))
            finally:
                self.player.close_sinks()
        return self.player.published

    async def close(self) -> None:
        """Stop listening without running (a started server whose setup failed afterwards). Idempotent."""
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._server.wait_closed(), self.shutdown_timeout)

    def shutdown(self) -> None:
        """Stop streaming: clients get ``end`` (reason ``shutdown``) and a normal close."""
        self._shutdown_requested = True
        self._enough_clients.set()
        if self._player_task is not None:
            self._player_task.cancel()

    async def _finish(self, end: End) -> None:
        """Send ``end`` to everyone, close them normally (1000), cut off whoever is still there at the deadline."""
        assert self._server is not None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.shutdown_timeout
        self._end = end
        self.hub.send_all(end)
        closing = [asyncio.ensure_future(self._close_when_sent(r, deadline)) for r in list(self.hub.relays)]
        if closing:
            await asyncio.wait(closing, timeout=max(0.0, deadline - loop.time()) + 0.1)
            for task in closing:
                task.cancel()
        self._server.close(close_connections=False)
        for connection in list(self._server.connections) + list(self._admitted):
            connection.transport.abort()  # still open at the deadline (idempotent for closed ones)
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._server.wait_closed(), max(0.1, deadline - loop.time()) + 0.2)

    async def _close_when_sent(self, relay: Relay, deadline: float) -> None:
        """Close a client normally once it has taken everything up to ``end``; abort it at ``deadline``."""
        loop = asyncio.get_running_loop()
        try:
            await asyncio.wait_for(relay.wait_idle(), max(0.0, deadline - loop.time() - 0.25))
        except asyncio.TimeoutError:
            log.info(
                "client %s did not take the end of the stream in time: closing it anyway", peer_name(relay.connection)
            )
        with contextlib.suppress(Exception):
            # close() waits for the client's close frame, and for a full write buffer to drain: bounded here.
            await asyncio.wait_for(relay.connection.close(1000, "end of stream"), max(0.05, deadline - loop.time()))
        relay.connection.transport.abort()

    # ------------------------------------------------------------------ handshake and HTTP

    def _viewer_files(self) -> dict[str, Path]:
        """URL path -> file for every file of the viewer: nothing else is ever looked up on disk."""
        files: dict[str, Path] = {}
        root = self.viewer_dir
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                if path.is_file():
                    files["/" + path.relative_to(root).as_posix()] = path
        if "/index.html" in files:
            files["/"] = files["/index.html"]
        return files

    def _process_request(self, connection: ServerConnection, request: Request) -> Response | None:
        """The viewer's files for HTTP requests; for WebSocket handshakes, the origin, token and capacity checks.

        Returns ``None`` to let websockets go on with the handshake (it then checks the subprotocol: 400).
        """
        path = urllib.parse.urlsplit(request.path).path
        upgrade = request.headers.get_all("Upgrade")
        if not (len(upgrade) == 1 and upgrade[0].lower() == "websocket"):
            return self._file_response(connection, path)
        peer = peer_name(connection)
        if path != "/":
            return self._plain(connection, HTTPStatus.NOT_FOUND, "not found\n")
        # origins= of serve() takes a fixed list; the viewer's own origin depends on the address the browser
        # used (any interface when listening on 0.0.0.0), so the check is done here (see is_own_origin).
        origins = request.headers.get_all("Origin")
        if origins:
            origin = origins[0]
            own = len(origins) == 1 and is_own_origin(
                origin, _single(request.headers, "Host"), tls=self.ssl is not None, names=(self.host,)
            )
            if not own and not (len(origins) == 1 and origin.lower() in self.allowed_origins):
                self._refusals.log(
                    "origin", peer, f"a page from origin {_clip(repr(origin), 80)} (allow it with --allow-origin)"
                )
                return self._plain(connection, HTTPStatus.FORBIDDEN, "origin not allowed\n")
        if self.token is not None and not token_matches(presented_token(request), self.token):
            self._refusals.log("token", peer, "missing or wrong token")
            return self._plain(connection, HTTPStatus.UNAUTHORIZED, "a token is required\n")
        self._admitted = {c for c in self._admitted if c.state is not ConnectionState.CLOSED}
        if len(self._admitted) >= self.max_clients:
            self._refusals.log("capacity", peer, f"{self.max_clients} clients are connected (--max-clients)")
            return self._plain(connection, HTTPStatus.SERVICE_UNAVAILABLE, "too many clients\n")
        self._admitted.add(connection)
        return None

    def _file_response(self, connection: ServerConnection, path: str) -> Response:
        target = self._files.get(path)
        try:
            body = target.read_bytes() if target is not None else None
        except OSError:
            body = None
        if target is None or body is None:
            return self._plain(connection, HTTPStatus.NOT_FOUND, "not found\n")
        ctype = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if ctype.startswith("text/") or ctype in ("application/javascript", "application/json"):
            ctype += "; charset=utf-8"
        headers = Headers([("Content-Type", ctype), ("Content-Length", str(len(body))), ("Connection", "close")])
        headers.update(_SECURITY_HEADERS)
        return Response(HTTPStatus.OK.value, HTTPStatus.OK.phrase, headers, body)

    @staticmethod
    def _plain(connection: ServerConnection, status: HTTPStatus, text: str) -> Response:
        response = connection.respond(status, text)
        response.headers.update(_SECURITY_HEADERS)
        return response

    # ------------------------------------------------------------------ WebSocket

    async def _handle(self, connection: ServerConnection) -> None:
        try:
            if self._end is not None:  # joined after the end: hello, end, and a normal close at once
                await self._hello_end_close(connection)
                return
            await self._serve_client(connection)
        finally:
            self._admitted.discard(connection)

    async def _hello_end_close(self, connection: ServerConnection) -> None:
        end = self._end
        assert end is not None
        fmt = WireFormat.for_subprotocol(connection.subprotocol)

        async def say_goodbye() -> None:
            for message in (self.hello, end):
                await connection.send(encode(message, fmt))
            await connection.close(1000, "end of stream")

        with contextlib.suppress(Exception):
            await asyncio.wait_for(say_goodbye(), self.shutdown_timeout)
        connection.transport.abort()

    async def _serve_client(self, connection: ServerConnection) -> None:
        fmt = WireFormat.for_subprotocol(connection.subprotocol)
        relay = Relay(connection, fmt)
        if isinstance(connection, PacedConnection):
            connection.relay = relay
        relay.send(self.hello)
        if self.player.replayable:
            relay.send_state(encode(self.player.state(), fmt))
        sender = asyncio.ensure_future(relay.run())
        self.hub.add(relay)
        peer = peer_name(connection)
        log.info("client %s connected (%s), %d connected", peer, fmt.value, len(self.hub.relays))
        if len(self.hub.relays) >= self.wait_clients:
            self._enough_clients.set()
        loop = asyncio.get_running_loop()
        allowance, last, throttled = float(self.control_burst), loop.time(), False
        try:
            async for data in connection:
                # Token bucket: a client sending faster than control_rate is read more slowly (not cut off);
                # websockets stops reading its socket after MAX_CLIENT_QUEUE messages, so its TCP pushes back.
                now = loop.time()
                allowance = min(float(self.control_burst), allowance + (now - last) * self.control_rate)
                last = now
                if allowance < 1.0:
                    if not throttled:
                        throttled = True
                        log.info(
                            "client %s sends more than %g messages/s: reading it more slowly", peer, self.control_rate
                        )
                    await asyncio.sleep((1.0 - allowance) / self.control_rate)
                    allowance, last = 1.0, loop.time()
                allowance -= 1.0
                self._on_message(relay, data)
                if relay.congested:  # it does not read its replies: stop reading it until it does
                    await relay.wait_drained()
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
            log.debug("bad message from %s: %s", peer_name(relay.connection), exc)
            relay.send(Error(exc.code, _clip(str(exc), MAX_ERROR_TEXT)))
            return
        if isinstance(message, Ping):
            relay.send(Pong(client_ns=message.client_ns, server_ns=time.time_ns()))
        elif isinstance(message, (Pause, Resume, Seek, SetSpeed)):
            try:
                self.player.control(message)
            except ControlError as exc:
                relay.send(Error(exc.code, _clip(str(exc), MAX_ERROR_TEXT)))
        elif isinstance(message, Unknown):
            relay.send(Error("unknown_type", f"unknown message type {_clip(repr(message.type), 60)}"))
        else:
            kind = _SERVER_TYPES.get(type(message), type(message).__name__)
            relay.send(Error("bad_message", f"clients may not send {kind!r} messages, only 'control'"))


def _single(headers: Headers, name: str) -> str | None:
    values = headers.get_all(name)
    return values[0] if len(values) == 1 else None
