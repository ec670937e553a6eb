"""The protocol v1 test vectors (``protocol/vectors/v1.json``) against the Python codec, both directions.

The C# tests (``tests/csharp``) check the same file against the Unity client's decoder.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from bridge import protocol as p
from bridge.errors import RemoteProtocolError

ROOT = Path(__file__).resolve().parent.parent
VECTORS_FILE = ROOT / "protocol" / "vectors" / "v1.json"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("generate_vectors", ROOT / "protocol" / "generate_vectors.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GEN = _generator()
VECTORS: list[dict[str, Any]] = json.loads(VECTORS_FILE.read_text(encoding="utf-8"))["vectors"]
VALID = [v for v in VECTORS if v["valid"]]
INVALID = [v for v in VECTORS if not v["valid"]]
CANONICAL = [v for v in VECTORS if v["canonical"]]


def _ids(vectors: list[dict[str, Any]]) -> list[str]:
    return [v["name"] for v in vectors]


def _encodings(vector: dict[str, Any]) -> list[bytes | str]:
    out: list[bytes | str] = []
    if vector["msgpack"] is not None:
        out.append(bytes.fromhex(vector["msgpack"]))
    if vector["json"] is not None:
        out.append(vector["json"])
    return out


def test_committed_file_is_what_the_generator_writes() -> None:
    """The vectors cannot drift from the codec: regenerate with ``python3 protocol/generate_vectors.py``."""
    assert VECTORS_FILE.read_text(encoding="utf-8") == GEN.render()


def test_file_covers_every_message_and_failure_kind() -> None:
    names = _ids(VECTORS)
    assert len(names) == len(set(names))
    decoded_types = {type(p.decode(_encodings(v)[0])).__name__ for v in VALID}
    assert decoded_types >= {"Hello", "FrameMessage", "End", "Error", "Pong", "State", "Ping", "Pause", "Resume",
                             "Seek", "SetSpeed", "Unknown"}  # fmt: skip
    assert {v["error"] for v in INVALID} == {"bad_message", "bad_value", "unknown_op"}
    for v in VECTORS:
        assert v["direction"] in ("server", "client", "any")
        assert v["msgpack"] is not None or v["json"] is not None
        assert v["valid"] or not v["canonical"]
        assert ("value" in v) == v["valid"] and ("error" in v) != v["valid"]
        if v["canonical"]:
            assert v["msgpack"] is not None and v["json"] is not None


@pytest.mark.parametrize("vector", VALID, ids=_ids(VALID))
def test_valid_vector_decodes_to_its_value(vector: dict[str, Any]) -> None:
    for data in _encodings(vector):
        assert GEN.to_value(p.decode(data)) == vector["value"]


@pytest.mark.parametrize("vector", CANONICAL, ids=_ids(CANONICAL))
def test_canonical_vector_value_encodes_to_its_bytes(vector: dict[str, Any]) -> None:
    message = GEN.from_value(vector["value"])
    assert p.encode(message, p.WireFormat.MSGPACK).hex() == vector["msgpack"]  # type: ignore[union-attr]
    assert p.encode(message, p.WireFormat.JSON) == vector["json"]


@pytest.mark.parametrize("vector", INVALID, ids=_ids(INVALID))
def test_invalid_vector_is_rejected_with_its_code(vector: dict[str, Any]) -> None:
    for data in _encodings(vector):
        with pytest.raises(RemoteProtocolError) as info:
            p.decode(data)
        assert info.value.code == vector["error"]
        assert str(info.value)  # a message that says what was wrong


def test_frame_values_are_exact_float32() -> None:
    """Landmark values in canonical frames survive float32 exactly, so every language can compare them with ==."""
    import numpy as np

    for v in CANONICAL:
        for key in ("image", "world"):
            block = v["value"].get(key)
            if block is not None:
                arr = np.array(block, dtype=np.float64)
                assert arr.shape == (33, 5)
                assert np.array_equal(arr.astype(np.float32).astype(np.float64), arr)


def test_stamp_matches_vector_bytes() -> None:
    """The server's encode-once-then-stamp path yields the vector's bytes too."""
    vector = next(v for v in CANONICAL if v["name"] == "frame/detected")
    message = GEN.from_value(vector["value"])
    assert isinstance(message, p.FrameMessage)
    for fmt, expected in (
        (p.WireFormat.MSGPACK, bytes.fromhex(vector["msgpack"])),
        (p.WireFormat.JSON, vector["json"]),
    ):
        assert p.encode_frame(message.frame, fmt).stamp(message.sent_ns) == expected
