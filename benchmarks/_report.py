"""Shared by the benchmark scripts: the machine's description and docs/benchmarks.md sections."""

from __future__ import annotations

import os
import platform
import re
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
_HEADER = """# Benchmarks

Each section is written by the script named in it (`python benchmarks/NAME.py`), measured in one run on the
machine it describes. Targets are ratios or bounds measured in the same run, never timed unit tests.
"""


def machine() -> str:
    """One line describing this machine and the versions that matter."""
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))  # type: ignore[union-attr]
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, AttributeError):
        pass
    versions = ", ".join(f"{p} {metadata.version(p)}" for p in ("mediapipe", "websockets", "msgpack", "numpy"))
    return f"{cpu}, {os.cpu_count()} cores{mem}, no GPU; {platform.system()} {platform.release()}; " \
        f"Python {platform.python_version()}; {versions}"


def write_section(name: str, markdown: str) -> Path:
    """Replace (or append) the section ``name`` of docs/benchmarks.md."""
    DOC.parent.mkdir(parents=True, exist_ok=True)
    text = DOC.read_text() if DOC.exists() else _HEADER
    begin, end = f"<!-- BEGIN {name} -->", f"<!-- END {name} -->"
    block = f"{begin}\n{markdown.strip()}\n{end}"
    if begin in text and end in text:
        text = text[: text.index(begin)] + block + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    DOC.write_text(text)
    return DOC
