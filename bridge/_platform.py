"""The little that differs between Linux, macOS and Windows, in one place.

Only what the standard library does not already hide: paths and caches go through
``pathlib`` and platformdirs (via pooch), sockets and threads are portable.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import Callable


def stop_signals() -> tuple[signal.Signals, ...]:
    """The signals that mean "stop": SIGINT (Ctrl-C) and SIGTERM; on Windows Ctrl-C and Ctrl-Break."""
    if sys.platform == "win32":
        return (signal.SIGINT, signal.SIGBREAK)  # type: ignore[attr-defined,unused-ignore]
    return (signal.SIGINT, signal.SIGTERM)


def on_stop_signal(loop: asyncio.AbstractEventLoop, callback: Callable[[], None]) -> None:
    """Call ``callback`` on the event loop when the process is asked to stop (Ctrl-C, SIGTERM).

    ``loop.add_signal_handler`` is Unix-only (Windows' event loops raise NotImplementedError);
    there a plain ``signal.signal`` handler, which Python runs on the main thread between
    bytecodes, hands the call to the loop with ``call_soon_threadsafe``. Either way the
    callback runs as a normal loop callback, never inside the signal handler.
    """
    for sig in stop_signals():
        try:
            loop.add_signal_handler(sig, callback)
        except (NotImplementedError, RuntimeError):
            signal.signal(sig, lambda _signum, _frame: loop.call_soon_threadsafe(callback))
