"""A minimal Python client: print the hello and a few frames, and measure latency with ping/pong.

    pose-bridge serve &                 # the demo source on ws://127.0.0.1:8765/
    python examples/client.py           # or: python examples/client.py ws://HOST:PORT/ --frames 10
    python examples/client.py ws://HOST:PORT/ --token TOKEN      # a server started with --token

Latency: ping/pong gives the round trip and the offset between the server's clock and ours
(offset = server_ns - (client_send_ns + client_recv_ns) / 2), so each frame's end-to-end latency
(landmarks ready on the server -> received here) is recv_ns - (captured_ns - offset), valid
even when the server runs on another machine.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time

from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from bridge import protocol as P


async def clock_offset(ws, pings: int = 5) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Median (offset_ns, round_trip_ns) over a few pings; frames arriving meanwhile are skipped."""
    samples = []
    for _ in range(pings):
        sent = time.time_ns()
        await ws.send(P.encode(P.Ping(sent), P.WireFormat.MSGPACK))
        while not isinstance(msg := P.decode(await ws.recv()), P.Pong):
            pass
        received = time.time_ns()
        samples.append((msg.server_ns - (sent + received) / 2, received - sent))
    offsets, rtts = zip(*samples, strict=True)
    return statistics.median(offsets), statistics.median(rtts)


async def main(url: str, frames: int, token: str | None = None) -> None:
    headers = {"Authorization": f"Bearer {token}"} if token else None  # how a server's --token is presented
    async with connect(url, subprotocols=[P.SUBPROTOCOL_MSGPACK], additional_headers=headers) as ws:  # type: ignore[list-item]
        hello = P.decode(await ws.recv())
        assert isinstance(hello, P.Hello)
        s = hello.source
        print(f"hello: protocol {hello.protocol}, server {hello.server}, source {s.kind} '{s.name}' "
              f"{s.width}x{s.height} @ {s.fps} fps, {len(hello.landmarks)} landmarks, {len(hello.bones)} bones")
        offset, rtt = await clock_offset(ws)
        print(f"clock offset {offset / 1e6:+.3f} ms, round trip {rtt / 1e6:.3f} ms")
        latencies = []
        shown = 0
        async for data in ws:
            recv = time.time_ns()
            msg = P.decode(data)
            if isinstance(msg, P.End):
                print(f"end after {msg.frames} frames ({msg.reason})")
                break
            if not isinstance(msg, P.FrameMessage):
                continue
            f = msg.frame
            latencies.append((recv - (f.captured_ns - offset)) / 1e6)
            if f.world is None:
                print(f"frame {f.seq} t={f.t:.3f}s: nobody detected")
            else:
                nose = hello.landmarks.index("nose")
                wrist = hello.landmarks.index("left_wrist")
                x, y, z, vis, _ = f.world[wrist]
                print(f"frame {f.seq} t={f.t:.3f}s: nose image {f.image[nose][:2].round(3)}, "  # type: ignore[index]
                      f"left wrist world ({x:+.3f}, {y:+.3f}, {z:+.3f}) m, visibility {vis:.2f}")
            shown += 1
            if shown >= frames:
                break
        if latencies:
            print(f"end-to-end latency over {len(latencies)} frames: median {statistics.median(latencies):.2f} ms, "
                  f"max {max(latencies):.2f} ms")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("url", nargs="?", default="ws://127.0.0.1:8765/")
    ap.add_argument("--frames", type=int, default=5, help="how many frames to print (default 5)")
    ap.add_argument("--token", default=os.environ.get("POSE_BRIDGE_TOKEN"), help="the server's --token")
    a = ap.parse_args()
    try:
        asyncio.run(main(a.url, a.frames, a.token))
    except InvalidStatus as exc:
        status = exc.response.status_code
        why = {401: "a missing or wrong token (--token)", 403: "this origin is not allowed"}.get(status, "")
        raise SystemExit(f"{a.url} refused the connection: HTTP {status} {why}".rstrip()) from None
    except OSError as exc:
        reason = exc.strerror or exc
        raise SystemExit(f"cannot connect to {a.url}: {reason} (is `pose-bridge serve` running?)") from None
    except KeyboardInterrupt:
        pass
