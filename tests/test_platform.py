"""Stop signals: the Unix path (add_signal_handler) and the path Windows' event loops take."""

from __future__ import annotations

import asyncio
import os
import signal

import pytest

from bridge._platform import on_stop_signal, stop_signals


class _LoopWithoutSignalHandlers(asyncio.SelectorEventLoop):
    """Behaves like Windows' ProactorEventLoop here: it has no add_signal_handler."""

    def add_signal_handler(self, sig, callback, *args):  # type: ignore[no-untyped-def]
        raise NotImplementedError


@pytest.mark.parametrize("loop_class", [asyncio.SelectorEventLoop, _LoopWithoutSignalHandlers])
def test_sigint_calls_back_on_the_loop(loop_class: type[asyncio.AbstractEventLoop]) -> None:
    saved = {sig: signal.getsignal(sig) for sig in stop_signals()}
    loop = loop_class()
    try:
        stopped = loop.create_future()

        async def main() -> str:
            on_stop_signal(loop, lambda: stopped.set_result("stopped"))
            loop.call_later(0.05, os.kill, os.getpid(), signal.SIGINT)
            return await asyncio.wait_for(stopped, 5)

        assert loop.run_until_complete(main()) == "stopped"
    finally:
        for sig in stop_signals():
            if loop_class is asyncio.SelectorEventLoop:
                loop.remove_signal_handler(sig)
            signal.signal(sig, saved[sig])
        loop.close()
