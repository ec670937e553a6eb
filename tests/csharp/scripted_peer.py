#!/usr/bin/env python3
"""A scripted WebSocket peer for the C# client's error handling: it replays the protocol test vectors.

Usage: ``python3 tests/csharp/scripted_peer.py`` — listens on 127.0.0.1 (a free port), prints
``ws://127.0.0.1:PORT/`` on stderr, and to each client sends, in file order, every vector of
``protocol/vectors/v1.json`` meant for clients (direction ``server`` or ``any``): msgpack forms as
binary messages, JSON forms as text messages, valid and invalid alike. Then it sends the text
``done`` (itself not valid JSON: one more bad message), waits for the client to close, and
keeps listening. Not a pose-bridge server: it only exists so the C# test can check that
the client skips every malformed message, counts it, and keeps the connection.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from websockets.asyncio.server import ServerConnection, serve

ROOT = Path(__file__).resolve().parents[2]
VECTORS = json.loads((ROOT / "protocol" / "vectors" / "v1.json").read_text(encoding="utf-8"))["vectors"]


def script() -> list[bytes | str]:
    out: list[bytes | str] = []
    for v in VECTORS:
        if v["direction"] == "client":
            continue
        if v["msgpack"] is not None:
            out.append(bytes.fromhex(v["msgpack"]))
        if v["json"] is not None:
            out.append(v["json"])
    out.append("done")
    return out


async def handler(connection: ServerConnection) -> None:
    for message in script():
        await connection.send(message)
    await connection.wait_closed()


async def main() -> None:
    async with serve(handler, "127.0.0.1", 0, max_size=2**20) as server:
        port = server.sockets[0].getsockname()[1]
        print(f"scripted peer listening on ws://127.0.0.1:{port}/", file=sys.stderr, flush=True)
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
