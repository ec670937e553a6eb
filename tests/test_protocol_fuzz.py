"""Property-based fuzzing of the decoder (hypothesis): whatever a peer sends, ``decode`` returns a message or
raises :class:`RemoteProtocolError` with a known code and a short, non-empty message — never anything else.

The server answers a client message with ``error`` exactly when ``decode`` raises RemoteProtocolError, so this
is what keeps a hostile client from ending its connection with 1011 (issue 9, case 4).
"""

from __future__ import annotations

import json
import math
from typing import Any

import msgpack
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bridge import protocol as P
from bridge.errors import RemoteProtocolError
from tests.test_vectors import VECTORS

# A message quotes at most MAX_QUOTE characters of the input, plus its own words.
MAX_ERROR_LENGTH = 300

FUZZ = settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


def check(data: bytes | str) -> P.Message | None:
    """Decode ``data``; fail the test if anything but a message or a well-formed RemoteProtocolError comes out."""
    try:
        return P.decode(data)
    except RemoteProtocolError as exc:
        assert exc.code in P.ERROR_CODES, exc.code
        text = str(exc)
        assert text.strip(), f"empty error message for {data[:60]!r}"
        assert len(text) <= MAX_ERROR_LENGTH, text
        return None


# JSON-like values: what both encodings can carry, including huge integers, non-finite floats and bytes.
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**64), max_value=2**64)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20)
)
values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=6) | st.dictionaries(st.text(max_size=8), children, max_size=6),
    max_leaves=40,
)
KNOWN_KEYS = ("type", "op", "client_ns", "frame", "speed", "seq", "t", "captured_ns", "sent_ns", "image", "world",
              "angles", "frames", "reason", "code", "message", "server_ns", "paused", "position", "source",
              "protocol", "server", "landmarks", "fields", "bones", "sides")  # fmt: skip
TYPES = ("control", "frame", "hello", "end", "error", "pong", "state", "telemetry")
OPS = ("ping", "pause", "resume", "seek", "speed", "explode")

# Maps that look like protocol messages, so the fuzzing reaches the field checks and not only the parser.
messages = st.builds(
    lambda t, op, fields: {"type": t, "op": op, **fields},
    st.sampled_from(TYPES),
    st.sampled_from(OPS),
    st.dictionaries(st.sampled_from(KNOWN_KEYS), values, max_size=8),
)


def _json(value: Any) -> str | None:
    try:
        return json.dumps(value)  # NaN/Infinity become the JSON extensions the decoder must refuse
    except (ValueError, OverflowError):
        return None


@FUZZ
@given(st.binary(max_size=2048))
def test_random_bytes(data: bytes) -> None:
    check(data)


@FUZZ
@given(st.text(max_size=2048))
def test_random_text(data: str) -> None:
    check(data)


@FUZZ
@given(messages | values)
@example({"type": "control", "op": "speed", "speed": 10**400})
@example({"type": "control", "op": "seek", "frame": 10**400})
@example({"type": "control", "op": "ping", "client_ns": -(10**400)})
@example({"type": "frame", "seq": 1, "t": 10**400, "captured_ns": 1, "sent_ns": 1, "angles": {"a": 10**400}})
@example({"type": "control", "op": "x" * 100_000})
def test_json_messages(value: Any) -> None:
    text = _json(value)
    if text is not None:
        check(text)


@FUZZ
@given(messages | values)
def test_msgpack_messages(value: Any) -> None:
    try:
        data = msgpack.packb(value, use_bin_type=True)
    except (OverflowError, ValueError, TypeError):  # integers beyond 64 bits have no msgpack form
        return
    check(data)


@FUZZ
@given(st.data())
def test_mutated_vectors(data: st.DataObject) -> None:
    """Every vector with a few bytes flipped, inserted, deleted or cut off."""
    vectors = [v for v in VECTORS if v["msgpack"] is not None or v["json"] is not None]
    vector = data.draw(st.sampled_from(vectors))
    raw = bytes.fromhex(vector["msgpack"]) if vector["msgpack"] is not None else vector["json"].encode()
    buf = bytearray(raw)
    for _ in range(data.draw(st.integers(1, 4))):
        op = data.draw(st.sampled_from(("flip", "insert", "delete", "cut")))
        i = data.draw(st.integers(0, max(0, len(buf) - 1)))
        if op == "flip" and buf:
            buf[i] ^= data.draw(st.integers(1, 255))
        elif op == "insert":
            buf.insert(i, data.draw(st.integers(0, 255)))
        elif op == "delete" and buf:
            del buf[i]
        elif op == "cut":
            del buf[i:]
    if vector["msgpack"] is not None:
        check(bytes(buf))
    else:
        check(bytes(buf).decode("utf-8", "replace"))


@pytest.mark.parametrize("depth", [100, 10_000, 1_000_000])
def test_deep_nesting(depth: int) -> None:
    """Nesting beyond the parsers' stacks is a bad_message, in both encodings and inside a valid message."""
    for text in ("[" * depth + "]" * depth, '{"type":"control","op":"ping","x":' + "[" * depth + "]" * depth + "}"):
        check(text)
    check(b"\x91" * depth + b"\xc0")
    check(b"\x81\xa4type\xa7control" + b"\x81\xa1x" * depth + b"\xc0")  # not quite a message: keys nest


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ('{"type":"control","op":"speed","speed":' + "9" * 400 + "}", "bad_value"),
        ('{"type":"control","op":"seek","frame":' + "9" * 400 + "}", "bad_value"),
        ('{"type":"control","op":"ping","client_ns":' + "9" * 5000 + "}", "bad_message"),  # over Python's limit
        ('{"type":"control","op":"speed","speed":1e999}', "bad_value"),
        ('{"type":"control","op":"speed","speed":NaN}', "bad_message"),
    ],
)
def test_huge_numbers(text: str, code: str) -> None:
    with pytest.raises(RemoteProtocolError) as err:
        P.decode(text)
    assert err.value.code == code
    assert 0 < len(str(err.value)) <= MAX_ERROR_LENGTH


@pytest.mark.parametrize(
    "data",
    [b"", b"\x81", b"\x92\x01", b"\xc1", b"\xd9\x05ab", b"\x81\xa4type"],
)
def test_invalid_msgpack_has_a_message(data: bytes) -> None:
    with pytest.raises(RemoteProtocolError) as err:
        P.decode(data)
    assert str(err.value).startswith("not valid msgpack: ") and len(str(err.value)) > len("not valid msgpack: ")


def test_a_long_string_is_quoted_short() -> None:
    with pytest.raises(RemoteProtocolError) as err:
        P.decode(json.dumps({"type": "control", "op": "speed", "speed": "x" * 60_000}))
    assert len(str(err.value)) <= MAX_ERROR_LENGTH and "xxx" in str(err.value)


def test_finite_check_is_exact() -> None:
    """The decoder's finite-number helper accepts the largest double and refuses what overflows it."""
    assert P._finite(2**1023) == float(2**1023)
    assert P._finite(10**400) is None
    assert P._finite(math.inf) is None
