#!/usr/bin/env python3
"""Reference client for the C# end-to-end tests: receive frames with the Python codec and write them as JSON lines.

Usage: ``python3 tests/csharp/reference_client.py URL COUNT OUT [--format json|msgpack]``

Connects to ``URL`` with the given subprotocol, decodes every message with
:mod:`bridge.protocol`, and writes one line per frame to ``OUT``: ``seq``, ``t``,
``captured_ns``, ``image``, ``world`` (33 lists of 5 numbers or null; the JSON
numbers are the decoded float32 values exactly). Stops after ``COUNT`` frames or
at ``end``. The C# test then compares what its own client received with this file.
Exit status 0 on success, 1 on a connection/protocol problem (message on stderr).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from websockets.asyncio.client import connect  # noqa: E402

from bridge import protocol as p  # noqa: E402


async def run(url: str, count: int, out: Path, fmt: p.WireFormat, timeout: float) -> int:
    got = 0
    async with connect(url, subprotocols=[fmt.value], open_timeout=timeout, max_size=2**20) as ws:  # type: ignore[list-item]
        with out.open("w", encoding="utf-8") as f:
            while got < count:
                data = await asyncio.wait_for(ws.recv(), timeout)
                message = p.decode(data)
                if isinstance(message, p.End):
                    break
                if not isinstance(message, p.FrameMessage):
                    continue
                fr = message.frame
                row = {
                    "seq": fr.seq,
                    "t": fr.t,
                    "captured_ns": fr.captured_ns,
                    "image": None if fr.image is None else fr.image.astype(float).tolist(),
                    "world": None if fr.world is None else fr.world.astype(float).tolist(),
                }
                if fr.humanoid is not None:  # serve --avatar
                    h = fr.humanoid
                    row["humanoid"] = [h.hips.astype(float).tolist(), *h.rotations.astype(float).tolist()]
                if fr.people:  # serve --max-people N
                    row["people"] = [
                        {
                            "id": person.id,
                            "image": None if person.image is None else person.image.astype(float).tolist(),
                            "world": None if person.world is None else person.world.astype(float).tolist(),
                            "root": None if person.root is None else list(person.root),
                        }
                        for person in fr.people
                    ]
                f.write(json.dumps(row) + "\n")
                f.flush()
                got += 1
    return got


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("url")
    parser.add_argument("count", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--format", choices=("json", "msgpack"), default="json")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for each message")
    args = parser.parse_args(argv)
    fmt = p.WireFormat.JSON if args.format == "json" else p.WireFormat.MSGPACK
    try:
        got = asyncio.run(run(args.url, args.count, args.out, fmt, args.timeout))
    except (OSError, asyncio.TimeoutError, p.RemoteProtocolError) as exc:
        print(f"reference_client: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # websockets' ConnectionClosed etc.
        print(f"reference_client: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(f"reference_client: {got} frames", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
