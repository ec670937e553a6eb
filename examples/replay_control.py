"""Control a replay from a client: pause, seek, change speed, resume — every client sees the same replay.

    pose-bridge extract dance.mp4 -o dance.jsonl      # or any recording: .txt, .jsonl, .csv
    pose-bridge serve dance.jsonl --loop &
    python examples/replay_control.py                 # or: python examples/replay_control.py ws://HOST:PORT/

The server answers every control with a `state` message (paused, speed, position, frames) sent to all
clients; a control the source cannot take (e.g. `pause` while streaming a webcam) gets an `error`.
"""

from __future__ import annotations

import argparse
import asyncio

from websockets.asyncio.client import ClientConnection, connect

from bridge import protocol as P


async def until(ws: ClientConnection, kind: type) -> P.Message:
    """The next message of type ``kind`` (frames and other messages in between are skipped)."""
    while True:
        msg = P.decode(await ws.recv())
        if isinstance(msg, P.Error):
            raise SystemExit(f"server error {msg.code}: {msg.message}")
        if isinstance(msg, kind):
            return msg


def show(state: P.State) -> None:
    speed = "max" if state.speed is None else f"{state.speed:g}x"
    print(f"state: {'paused' if state.paused else 'playing'} at frame {state.position} of {state.frames}, {speed}")


async def main(url: str) -> None:
    async with connect(url, subprotocols=[P.SUBPROTOCOL_JSON]) as ws:  # type: ignore[list-item]
        hello = await until(ws, P.Hello)
        assert isinstance(hello, P.Hello)
        if not hello.source.replay:
            what = f"{hello.source.kind} '{hello.source.name}'"
            raise SystemExit(f"{what} is not a replay: start the server on a recording")
        show(await until(ws, P.State))  # type: ignore[arg-type]
        frame = await until(ws, P.FrameMessage)
        print(f"playing: frame {frame.frame.seq}")  # type: ignore[union-attr]

        total = hello.source.frames or 1
        for control in (P.Pause(), P.Seek(total // 2), P.SetSpeed(2.0), P.Resume()):
            await ws.send(P.encode(control, P.WireFormat.JSON))
            print(f"sent {type(control).__name__}", end=": ")
            show(await until(ws, P.State))  # type: ignore[arg-type]
        frame = await until(ws, P.FrameMessage)
        print(f"playing again from frame {frame.frame.seq}")  # type: ignore[union-attr]


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("url", nargs="?", default="ws://127.0.0.1:8765/")
    a = ap.parse_args()
    try:
        asyncio.run(main(a.url))
    except OSError as exc:
        reason = exc.strerror or exc
        raise SystemExit(f"cannot connect to {a.url}: {reason} (is `pose-bridge serve` running?)") from None
