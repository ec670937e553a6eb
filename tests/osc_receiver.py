"""A real VMC receiver for tests: python-osc's UDP server on 127.0.0.1 (port 0), recording every datagram."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from pythonosc.dispatcher import Dispatcher
from pythonosc.osc_bundle import OscBundle
from pythonosc.osc_message import OscMessage
from pythonosc.osc_server import BlockingOSCUDPServer

from tests.media import scaled_timeout


@dataclass
class Datagram:
    """One datagram as received: whether it was a bundle, and its messages in order (address, arguments)."""

    bundle: bool
    messages: list[tuple[str, tuple[Any, ...]]]
    received: float  # time.monotonic()
    raw: bytes = field(repr=False, default=b"")

    @property
    def addresses(self) -> list[str]:
        return [a for a, _ in self.messages]


def _flatten(content: OscBundle | OscMessage) -> list[tuple[str, tuple[Any, ...]]]:
    if isinstance(content, OscMessage):
        return [(content.address, tuple(content.params))]
    out: list[tuple[str, tuple[Any, ...]]] = []
    for item in content:
        out += _flatten(item)
    return out


class _Recording(Dispatcher):
    def __init__(self, sink: list[Datagram], lock: threading.Lock, calls: list[tuple[str, tuple[Any, ...]]]) -> None:
        super().__init__()
        self._sink, self._lock, self._calls = sink, lock, calls
        self.set_default_handler(self._handler)

    def _handler(self, address: str, *args: Any) -> None:
        with self._lock:
            self._calls.append((address, args))

    def call_handlers_for_packet(self, data: bytes, client_address: tuple[str, int]) -> Any:
        bundle = OscBundle.dgram_is_bundle(data)
        content: OscBundle | OscMessage = OscBundle(data) if bundle else OscMessage(data)
        with self._lock:
            self._sink.append(Datagram(bundle, _flatten(content), time.monotonic(), data))
        return super().call_handlers_for_packet(data, client_address)  # the server iterates its replies


class VmcReceiver:
    """``with VmcReceiver() as rx:`` — listens on ``rx.port`` until the block ends.

    ``rx.datagrams`` holds what arrived (parsed by python-osc's bundle/message classes); ``rx.calls`` what
    the server's dispatcher handed to its handler (every message, bundles flattened).
    """

    def __init__(self) -> None:
        self.datagrams: list[Datagram] = []
        self.calls: list[tuple[str, tuple[Any, ...]]] = []
        self._lock = threading.Lock()
        self._server = BlockingOSCUDPServer(("127.0.0.1", 0), _Recording(self.datagrams, self._lock, self.calls))
        self.port: int = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    def __enter__(self) -> VmcReceiver:
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._server.shutdown()
        self._thread.join()
        self._server.server_close()

    def snapshot(self) -> list[Datagram]:
        with self._lock:
            return list(self.datagrams)

    def wait_for(self, n: int, timeout: float = 20.0) -> list[Datagram]:
        """Wait until ``n`` datagrams arrived (raises ``TimeoutError``); returns a copy of all so far."""
        deadline = time.monotonic() + scaled_timeout(timeout)
        while time.monotonic() < deadline:
            got = self.snapshot()
            if len(got) >= n:
                return got
            time.sleep(0.01)
        raise TimeoutError(f"{len(self.snapshot())} datagrams arrived, expected {n}")
