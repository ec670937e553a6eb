"""A minimal RFC 6455 client on a plain blocking socket, for tests that need byte-level control over a client.

Real clients buffer: a websockets client reads ahead into its queue, a kernel buffer takes what the
application has not read. This one reads exactly one message per :meth:`RawClient.recv` call — answering the
pings it meets on the way, as RFC 6455 requires of every client — and can send without ever reading (a flooding
or stalled client). Only what the tests need: no fragmentation, no extensions, 127.0.0.1/::1 only.
"""

from __future__ import annotations

import base64
import os
import socket
import struct
import time
from collections.abc import Mapping

OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0x1, 0x2, 0x8, 0x9, 0xA


class HandshakeRefused(Exception):
    """The server answered the handshake with an HTTP status other than 101."""

    def __init__(self, status: int, head: str) -> None:
        super().__init__(f"HTTP {status}: {head.splitlines()[0] if head else ''}")
        self.status = status
        self.head = head


def frame(opcode: int, payload: bytes, *, mask: bool = True) -> bytes:
    """One final WebSocket frame; client frames are masked (RFC 6455 5.3)."""
    n = len(payload)
    head = bytes((0x80 | opcode,))
    bit = 0x80 if mask else 0
    if n < 126:
        head += bytes((bit | n,))
    elif n < 65536:
        head += bytes((bit | 126,)) + struct.pack(">H", n)
    else:
        head += bytes((bit | 127,)) + struct.pack(">Q", n)
    if not mask:
        return head + payload
    key = os.urandom(4)
    masked = bytes(b ^ key[i % 4] for i, b in enumerate(payload)) if n < 4096 else _mask_fast(payload, key)
    return head + key + masked


def _mask_fast(payload: bytes, key: bytes) -> bytes:
    n = len(payload)
    k = int.from_bytes((key * (n // 4 + 1))[:n], "big")
    return (int.from_bytes(payload, "big") ^ k).to_bytes(n, "big")


class RawClient:
    """One WebSocket connection to ``url`` (``ws://127.0.0.1:PORT/...``) on a blocking socket.

    ``headers`` are added to the handshake (``Origin``, ``Authorization``...); ``subprotocol`` is offered when
    given; ``rcvbuf`` sets SO_RCVBUF before connecting (a client whose kernel buffer fills fast);
    ``host_header`` replaces the ``Host`` header (what a browser sends for another name of this address). Raises
    :class:`HandshakeRefused` when the server does not switch protocols.
    """

    def __init__(
        self,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        subprotocol: str | None = None,
        rcvbuf: int | None = None,
        host_header: str | None = None,
        timeout: float = 10.0,
    ) -> None:
        rest = url.removeprefix("ws://")
        hostport, _, path = rest.partition("/")
        host, _, port = hostport.rpartition(":")
        host = host.strip("[]")
        assert host in ("127.0.0.1", "::1"), "tests talk to loopback only"
        self.sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf is not None:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.settimeout(timeout)
        self.sock.connect((host, int(port)))
        key = base64.b64encode(os.urandom(16)).decode()
        lines = [
            f"GET /{path} HTTP/1.1",
            f"Host: {host_header or hostport}",
            "Upgrade: websocket",
            "Connection: Upgrade",
            f"Sec-WebSocket-Key: {key}",
            "Sec-WebSocket-Version: 13",
        ]
        if subprotocol:
            lines.append(f"Sec-WebSocket-Protocol: {subprotocol}")
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        buf = b""
        while b"\r\n\r\n" not in buf:
            chunk = self.sock.recv(4096)
            if not chunk:
                break
            buf += chunk
        head, _, self._buf = buf.partition(b"\r\n\r\n")
        text = head.decode("latin-1")
        status = int(text.split(" ", 2)[1]) if text.startswith("HTTP/1.1 ") else 0
        self.response_head = text
        if status != 101:
            self.sock.close()
            raise HandshakeRefused(status, text)
        self.pings_answered = 0
        self.close_code: int | None = None

    # ------------------------------------------------------------------ reading

    def _read_exactly(self, n: int) -> bytes:
        while len(self._buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("the server closed the TCP connection")
            self._buf += chunk
        data, self._buf = self._buf[:n], self._buf[n:]
        return data

    def _read_frame(self) -> tuple[int, bytes]:
        b0, b1 = self._read_exactly(2)
        n = b1 & 0x7F
        if n == 126:
            n = struct.unpack(">H", self._read_exactly(2))[0]
        elif n == 127:
            n = struct.unpack(">Q", self._read_exactly(8))[0]
        return b0 & 0x0F, self._read_exactly(n)

    def recv(self) -> tuple[int, bytes] | None:
        """The next data message as (opcode, payload), answering pings on the way; ``None`` after a close frame."""
        while True:
            opcode, payload = self._read_frame()
            if opcode == OP_PING:
                self.sock.sendall(frame(OP_PONG, payload))
                self.pings_answered += 1
            elif opcode == OP_CLOSE:
                self.close_code = struct.unpack(">H", payload[:2])[0] if len(payload) >= 2 else 1005
                return None
            elif opcode in (OP_TEXT, OP_BINARY):
                return opcode, payload

    def recv_data(self) -> bytes | str | None:
        """The next message as the protocol decoder takes it: ``bytes`` (binary) or ``str`` (text)."""
        got = self.recv()
        if got is None:
            return None
        opcode, payload = got
        return payload.decode() if opcode == OP_TEXT else payload

    # ------------------------------------------------------------------ writing

    def send(self, data: bytes | str) -> None:
        """Send one message (blocking until the kernel takes it)."""
        if isinstance(data, str):
            self.sock.sendall(frame(OP_TEXT, data.encode()))
        else:
            self.sock.sendall(frame(OP_BINARY, data))

    def flood(self, message: bytes, seconds: float, max_bytes: int = 1 << 40) -> int:
        """Send ``message`` (a complete frame) again and again without reading, for ``seconds`` or until
        ``max_bytes`` were sent; returns the bytes the kernel accepted. Stops early when the server stops
        taking them (the send buffer stays full for the rest of the time)."""
        self.sock.setblocking(False)
        sent = 0
        end = time.monotonic() + seconds
        pending = b""
        try:
            while time.monotonic() < end and sent < max_bytes:
                if not pending:
                    pending = message * 64
                try:
                    n = self.sock.send(pending)
                except BlockingIOError:
                    time.sleep(0.01)
                    continue
                sent += n
                pending = pending[n:]
        finally:
            self.sock.setblocking(True)
        return sent

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass
