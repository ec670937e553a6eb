"""Wire protocol v1: messages as frozen values, and their msgpack and JSON encodings.

This module does no I/O and imports neither websockets nor MediaPipe: the
server, the examples and the tests wrap it. ``protocol/SPEC.md`` is the
normative description; ``protocol/vectors/`` pins the bytes.

Encoding is deterministic (keys in a fixed order, pinned integer and float
widths), so the same message always gives the same bytes:

- msgpack: a map with string keys; integers in their smallest form except the
  nanosecond clocks (``*_ns``), which are always uint64; other floats are
  float64; each landmark block is one ``bin`` of 33×5 little-endian float32.
- JSON: the same map as an object, landmark blocks as 33 ``[x, y, z,
  visibility, presence]`` lists, float32 values written with 9 significant digits
  (enough to read back the identical float32).

Decoding is liberal in what it accepts where the meaning is unambiguous (any
integer width, float32 or float64, unknown keys are ignored) and strict
otherwise: every violation raises :class:`~bridge.errors.RemoteProtocolError`
whose message names the message type and field. Whatever the input — deep
nesting, 400-digit numbers, random bytes — :func:`decode` raises nothing else,
and quotes at most :data:`MAX_QUOTE` characters of it in an error message.
"""

from __future__ import annotations

import enum
import json
import math
import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import msgpack
import numpy as np

from . import __version__, skeleton
from .errors import LocalProtocolError, RemoteProtocolError
from .frame import BLOCK_SHAPE, HAND_BLOCK_SHAPE, Block, Hand, Person, PoseFrame
from .humanoid.solver import HumanoidPose

PROTOCOL_VERSION = 1
SUBPROTOCOL_MSGPACK = "posebridge.v1.msgpack"
SUBPROTOCOL_JSON = "posebridge.v1.json"
SUBPROTOCOLS = (SUBPROTOCOL_MSGPACK, SUBPROTOCOL_JSON)

#: Size in bytes of one landmark block on the msgpack wire.
BLOCK_BYTES = BLOCK_SHAPE[0] * BLOCK_SHAPE[1] * 4
#: Size in bytes of one hand landmark block (21×5 float32) on the msgpack wire.
HAND_BLOCK_BYTES = HAND_BLOCK_SHAPE[0] * HAND_BLOCK_SHAPE[1] * 4
_LE_F32 = np.dtype("<f4")


class WireFormat(enum.Enum):
    """The two encodings of protocol v1."""

    MSGPACK = SUBPROTOCOL_MSGPACK
    JSON = SUBPROTOCOL_JSON

    @classmethod
    def for_subprotocol(cls, name: str | None) -> WireFormat:
        """The format of a negotiated subprotocol; ``None`` (none asked for) is msgpack."""
        return cls.JSON if name == SUBPROTOCOL_JSON else cls.MSGPACK


# --------------------------------------------------------------------------- messages


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """Metadata of the stream's source, carried in ``hello``.

    ``kind`` is one of ``video``, ``webcam``, ``demo``, ``recording`` (others may
    appear in later versions). ``fps``, ``width``, ``height`` and ``frames`` (the
    total, when known) may be ``None``. ``replay`` tells whether the source accepts
    the replay controls (pause, resume, seek, speed). ``loop`` tells whether it
    restarts at its end. ``coords`` lists the landmark sets it can carry.
    """

    kind: str
    name: str
    fps: float | None = None
    width: int | None = None
    height: int | None = None
    frames: int | None = None
    loop: bool = False
    replay: bool = False
    coords: tuple[str, ...] = ("image", "world")


@dataclass(frozen=True, slots=True)
class Hello:
    """First message from the server: versions, source and the landmark topology."""

    source: SourceInfo
    server: str = __version__
    protocol: int = PROTOCOL_VERSION
    landmarks: tuple[str, ...] = skeleton.LANDMARK_NAMES
    fields: tuple[str, ...] = skeleton.LANDMARK_FIELDS
    bones: tuple[tuple[int, int], ...] = skeleton.BONES
    sides: tuple[str, ...] = skeleton.SIDES
    #: Names of the joint angles that frames carry, or empty when none.
    angles: tuple[str, ...] = ()
    #: Bones (Unity ``HumanBodyBones`` names) of the frames' ``humanoid``, in order; empty when frames carry none.
    humanoid_bones: tuple[str, ...] = ()
    #: How many people the stream tracks (``--max-people``); above 1, frames carry ``people``. Sent only above 1.
    max_people: int = 1
    #: What the humanoid hips position means (SPEC §4d): ``"in-place"`` (not sent), ``"raw"`` or ``"grounded"``.
    root_motion: str = "in-place"
    #: Hand landmark names (``--hands``), empty when frames carry no hands; sent only when not empty.
    hand_landmarks: tuple[str, ...] = ()
    #: Hand bones as index pairs into ``hand_landmarks``; sent with ``hand_landmarks``.
    hand_bones: tuple[tuple[int, int], ...] = ()

    @classmethod
    def with_hands(cls, source: SourceInfo, **fields: Any) -> Hello:
        """A ``hello`` announcing hands: MediaPipe's 21 hand landmarks and their 21 bones."""
        return cls(source, hand_landmarks=skeleton.HAND_LANDMARK_NAMES, hand_bones=skeleton.HAND_BONES, **fields)


@dataclass(frozen=True, slots=True)
class FrameMessage:
    """One pose frame, stamped with the server's send time ``sent_ns``."""

    frame: PoseFrame
    sent_ns: int


@dataclass(frozen=True, slots=True)
class End:
    """The stream is over: ``frames`` frames were produced.

    ``reason``: ``eof`` (the source ended), ``shutdown`` (the server is stopping) or
    ``error`` (the source failed; an ``error`` message with code ``source_error`` came first).
    """

    frames: int
    reason: str = "eof"


@dataclass(frozen=True, slots=True)
class Error:
    """The server could not act on a client message. The connection stays open."""

    code: str
    message: str


@dataclass(frozen=True, slots=True)
class Ping:
    """Client → server: ``client_ns`` is the client's clock when it sent the ping."""

    client_ns: int


@dataclass(frozen=True, slots=True)
class Pong:
    """Server → client answer to :class:`Ping`: the client's time echoed, and the server's."""

    client_ns: int
    server_ns: int


@dataclass(frozen=True, slots=True)
class Pause:
    """Client → server: pause a replay (all clients see it paused)."""


@dataclass(frozen=True, slots=True)
class Resume:
    """Client → server: resume a paused replay."""


@dataclass(frozen=True, slots=True)
class Seek:
    """Client → server: continue a replay at 0-based frame ``frame``."""

    frame: int


@dataclass(frozen=True, slots=True)
class SetSpeed:
    """Client → server: replay speed factor; ``None`` means as fast as possible (``"max"``)."""

    speed: float | None


@dataclass(frozen=True, slots=True)
class State:
    """Server → clients: the replay state, after ``hello`` and after every change.

    ``position`` is the index of the next frame to be sent; ``speed`` ``None`` is max.
    """

    paused: bool
    speed: float | None
    position: int
    frames: int | None


@dataclass(frozen=True, slots=True)
class Unknown:
    """A message of a type this version does not know. Readers ignore it."""

    type: str
    fields: Mapping[str, Any] = field(default_factory=dict)


Control = Ping | Pause | Resume | Seek | SetSpeed
Message = Hello | FrameMessage | End | Error | Pong | State | Ping | Pause | Resume | Seek | SetSpeed | Unknown

#: Error codes used in ``error`` messages.
ERROR_CODES = ("bad_message", "unknown_type", "unknown_op", "bad_value", "not_supported", "source_error")


# --------------------------------------------------------------------------- encoding

_NS_KEYS = frozenset({"captured_ns", "sent_ns", "client_ns", "server_ns"})
_UINT64 = struct.Struct(">BQ")


def _u64(value: int) -> bytes:
    return _UINT64.pack(0xCF, value)


def _map_header(n: int) -> bytes:
    if n < 16:
        return bytes((0x80 | n,))
    return struct.pack(">BH", 0xDE, n)


def _check_ns(name: str, value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 2**64:
        raise LocalProtocolError(f"{name} must be an integer in [0, 2**64), got {value!r}")
    return value


def _pack_items(items: Sequence[tuple[str, Any]]) -> bytes:
    out = [_map_header(len(items))]
    for key, value in items:
        out.append(msgpack.packb(key))
        if key in _NS_KEYS:
            out.append(_u64(_check_ns(key, value)))
        else:
            out.append(msgpack.packb(value, use_bin_type=True, use_single_float=False))
    return b"".join(out)


def _block_bytes(block: Block | None) -> bytes | None:
    if block is None:
        return None
    return block.astype(_LE_F32, copy=False).tobytes()


def _block_json(block: Block | None) -> str:
    if block is None:
        return "null"
    if not np.isfinite(block).all():
        raise LocalProtocolError("landmark values must be finite to be encoded")
    rows = ("[" + ",".join(f"{v:.9g}" for v in row) + "]" for row in block.tolist())
    return "[" + ",".join(rows) + "]"


def _json_value(value: Any) -> str:
    try:
        return json.dumps(value, separators=(",", ":"), allow_nan=False, ensure_ascii=False)
    except ValueError as exc:
        raise LocalProtocolError(f"cannot encode {value!r} as JSON: {exc}") from None


def _json_items(items: Sequence[tuple[str, Any]]) -> str:
    return "{" + ",".join(_json_value(k) + ":" + _json_value(v) for k, v in items) + "}"


def _speed_wire(speed: float | None) -> float | str:
    return "max" if speed is None else float(speed)


def _angles_items(frame: PoseFrame) -> list[tuple[str, Any]]:
    if frame.angles is None:
        return []
    return [("angles", {k: (None if v is None else float(v)) for k, v in frame.angles.items()})]


def _humanoid_bytes(pose: HumanoidPose) -> bytes:
    return pose.values().astype(_LE_F32, copy=False).tobytes()


def _humanoid_json(pose: HumanoidPose) -> str:
    rows = [pose.hips.tolist(), *pose.rotations.tolist()]
    return "[" + ",".join("[" + ",".join(f"{v:.9g}" for v in row) + "]" for row in rows) + "]"


def _contacts_wire(pose: HumanoidPose | None) -> list[tuple[str, Any]]:
    """``contacts`` (SPEC §4d) as items: present with a grounded humanoid only."""
    if pose is None or pose.contacts is None:
        return []
    return [("contacts", [bool(pose.contacts[0]), bool(pose.contacts[1])])]


def _hand_msgpack(hand: Hand | None) -> dict[str, Any] | None:
    if hand is None:
        return None
    return {"image": _block_bytes(hand.image), "world": _block_bytes(hand.world), "score": float(hand.score)}


def _hand_json(hand: Hand | None) -> str:
    if hand is None:
        return "null"
    return (
        '{"image":' + _block_json(hand.image) + ',"world":' + _block_json(hand.world)
        + ',"score":' + _json_value(float(hand.score)) + "}"
    )  # fmt: skip


def _root_wire(person: Person) -> list[float] | None:
    root = person.root
    if root is None or not all(math.isfinite(v) for v in root):
        return None
    return [float(v) for v in root]


def _people_msgpack(frame: PoseFrame) -> list[dict[str, Any]]:
    out = []
    for person in frame.people:
        item: dict[str, Any] = {
            "id": person.id,
            "image": _block_bytes(person.image),
            "world": _block_bytes(person.world),
        }
        if frame.hands:
            item["left_hand"] = _hand_msgpack(person.left_hand)
            item["right_hand"] = _hand_msgpack(person.right_hand)
        item["root"] = _root_wire(person)
        if person.angles is not None:
            item["angles"] = {k: (None if v is None else float(v)) for k, v in person.angles.items()}
        if person.humanoid is not None:
            item["humanoid"] = _humanoid_bytes(person.humanoid)
            item.update(_contacts_wire(person.humanoid))
        out.append(item)
    return out


def _people_json(frame: PoseFrame) -> str:
    items = []
    for person in frame.people:
        parts = [
            f'"id":{int(person.id)}',
            '"image":' + _block_json(person.image),
            '"world":' + _block_json(person.world),
            *(
                ['"left_hand":' + _hand_json(person.left_hand), '"right_hand":' + _hand_json(person.right_hand)]
                if frame.hands
                else []
            ),
            '"root":' + _json_value(_root_wire(person)),
        ]
        if person.angles is not None:
            parts.append(
                '"angles":' + _json_value({k: (None if v is None else float(v)) for k, v in person.angles.items()})
            )
        if person.humanoid is not None:
            parts.append('"humanoid":' + _humanoid_json(person.humanoid))
            parts += [_json_value(k) + ":" + _json_value(v) for k, v in _contacts_wire(person.humanoid)]
        items.append("{" + ",".join(parts) + "}")
    return "[" + ",".join(items) + "]"


def message_items(message: Message) -> list[tuple[str, Any]]:
    """The message as ordered (key, value) pairs, landmark blocks excluded.

    Raises :class:`LocalProtocolError` for :class:`FrameMessage` (use
    :func:`encode_frame`) and :class:`Unknown`.
    """
    if isinstance(message, Hello):
        s = message.source
        return [
            ("type", "hello"),
            ("protocol", message.protocol),
            ("server", message.server),
            (
                "source",
                {
                    "kind": s.kind,
                    "name": s.name,
                    "fps": None if s.fps is None else float(s.fps),
                    "width": s.width,
                    "height": s.height,
                    "frames": s.frames,
                    "loop": s.loop,
                    "replay": s.replay,
                    "coords": list(s.coords),
                },
            ),
            ("landmarks", list(message.landmarks)),
            ("fields", list(message.fields)),
            ("bones", [list(b) for b in message.bones]),
            ("sides", list(message.sides)),
            ("angles", list(message.angles)),
            *([("humanoid_bones", list(message.humanoid_bones))] if message.humanoid_bones else []),
            *([("max_people", message.max_people)] if message.max_people != 1 else []),
            *([("root_motion", message.root_motion)] if message.root_motion != "in-place" else []),
            *([("hand_landmarks", list(message.hand_landmarks))] if message.hand_landmarks else []),
            *([("hand_bones", [list(b) for b in message.hand_bones])] if message.hand_landmarks else []),
        ]
    if isinstance(message, End):
        return [("type", "end"), ("frames", message.frames), ("reason", message.reason)]
    if isinstance(message, Error):
        return [("type", "error"), ("code", message.code), ("message", message.message)]
    if isinstance(message, Pong):
        return [("type", "pong"), ("client_ns", message.client_ns), ("server_ns", message.server_ns)]
    if isinstance(message, State):
        return [
            ("type", "state"),
            ("paused", message.paused),
            ("speed", _speed_wire(message.speed)),
            ("position", message.position),
            ("frames", message.frames),
        ]
    if isinstance(message, Ping):
        return [("type", "control"), ("op", "ping"), ("client_ns", message.client_ns)]
    if isinstance(message, Pause):
        return [("type", "control"), ("op", "pause")]
    if isinstance(message, Resume):
        return [("type", "control"), ("op", "resume")]
    if isinstance(message, Seek):
        return [("type", "control"), ("op", "seek"), ("frame", message.frame)]
    if isinstance(message, SetSpeed):
        return [("type", "control"), ("op", "speed"), ("speed", _speed_wire(message.speed))]
    raise LocalProtocolError(f"cannot encode {type(message).__name__} with message_items()")


@dataclass(frozen=True, slots=True)
class EncodedFrame:
    """A frame encoded once for any number of clients, all but its ``sent_ns``.

    ``sent_ns`` is the last key of a frame in both encodings, so stamping it per
    client is a concatenation: see :meth:`stamp`.
    """

    prefix: bytes | str
    format: WireFormat

    def stamp(self, sent_ns: int) -> bytes | str:
        """The complete message with ``sent_ns`` filled in."""
        if self.format is WireFormat.MSGPACK:
            assert isinstance(self.prefix, bytes)
            return self.prefix + _u64(_check_ns("sent_ns", sent_ns))
        assert isinstance(self.prefix, str)
        return self.prefix + str(_check_ns("sent_ns", sent_ns)) + "}"


_KEY = {
    k: msgpack.packb(k)
    for k in ("type", "seq", "t", "captured_ns", "image", "world", "humanoid", "contacts", "sent_ns")
}
# "type": "frame", "seq": <int>, after a map header of 7 entries (8 with humanoid, 9 with its contacts)
_FRAME_HEAD = _KEY["type"] + msgpack.packb("frame") + _KEY["seq"]
_T = _KEY["t"] + b"\xcb"
_CAPTURED = _KEY["captured_ns"]
_BLOCK_BIN16 = struct.pack(">BH", 0xC5, BLOCK_BYTES)
_IMAGE_NIL = _KEY["image"] + b"\xc0"
_WORLD_NIL = _KEY["world"] + b"\xc0"
_SENT = _KEY["sent_ns"]
_F64 = struct.Struct(">d")


def _msgpack_frame_prefix(frame: PoseFrame) -> bytes:
    """The msgpack bytes of a frame without angles, up to ``sent_ns``'s value (the hot path).

    Byte-identical to the generic :func:`_pack_items` encoding (the vectors check it).
    """
    if not isinstance(frame.seq, int) or frame.seq < 0:
        raise LocalProtocolError(f"seq must be an integer >= 0, got {frame.seq!r}")
    contacts = _contacts_wire(frame.humanoid)
    parts = [
        bytes((0x87 + (frame.humanoid is not None) + len(contacts),)),
        _FRAME_HEAD,
        msgpack.packb(frame.seq),
        _T,
        _F64.pack(float(frame.t)),
        _CAPTURED,
        _u64(_check_ns("captured_ns", frame.captured_ns)),
    ]
    for nil, key, block in ((_IMAGE_NIL, _KEY["image"], frame.image), (_WORLD_NIL, _KEY["world"], frame.world)):
        if block is None:
            parts.append(nil)
        else:
            parts += (key, _BLOCK_BIN16, block.astype(_LE_F32, copy=False).tobytes())
    if frame.humanoid is not None:
        parts += (_KEY["humanoid"], msgpack.packb(_humanoid_bytes(frame.humanoid), use_bin_type=True))
    for _, value in contacts:
        parts += (_KEY["contacts"], msgpack.packb(value))
    parts.append(_SENT)
    return b"".join(parts)


_JSON_SPECIAL = ("image", "world", "left_hand", "right_hand")


def encode_frame(frame: PoseFrame, fmt: WireFormat) -> EncodedFrame:
    """Encode a frame for ``fmt``, leaving ``sent_ns`` to :meth:`EncodedFrame.stamp`.

    Raises :class:`LocalProtocolError` when a value cannot be encoded (a negative
    ``captured_ns``, non-finite landmarks in JSON).
    """
    if fmt is WireFormat.MSGPACK and frame.angles is None and not frame.people and not frame.hands:
        return EncodedFrame(_msgpack_frame_prefix(frame), fmt)
    items: list[tuple[str, Any]] = [
        ("type", "frame"),
        ("seq", frame.seq),
        ("t", float(frame.t)),
        ("captured_ns", frame.captured_ns),
        ("image", None),
        ("world", None),
        *_angles_items(frame),
    ]
    if frame.hands:
        items[6:6] = [("left_hand", frame.left_hand), ("right_hand", frame.right_hand)]
    if fmt is WireFormat.MSGPACK:
        items[4] = ("image", _block_bytes(frame.image))
        items[5] = ("world", _block_bytes(frame.world))
        if frame.hands:
            items[6] = ("left_hand", _hand_msgpack(frame.left_hand))
            items[7] = ("right_hand", _hand_msgpack(frame.right_hand))
        if frame.humanoid is not None:
            items.append(("humanoid", _humanoid_bytes(frame.humanoid)))
            items += _contacts_wire(frame.humanoid)
        if frame.people:
            items.append(("people", _people_msgpack(frame)))
        body = _pack_items([*items, ("sent_ns", 0)])
        return EncodedFrame(body[:-9], fmt)  # drop the placeholder uint64 (0xcf + 8 bytes)
    parts = [_json_value(k) + ":" + _json_value(v) for k, v in items if k not in _JSON_SPECIAL]
    parts.insert(4, '"image":' + _block_json(frame.image))
    parts.insert(5, '"world":' + _block_json(frame.world))
    if frame.hands:
        parts.insert(6, '"left_hand":' + _hand_json(frame.left_hand))
        parts.insert(7, '"right_hand":' + _hand_json(frame.right_hand))
    if frame.humanoid is not None:
        parts.append('"humanoid":' + _humanoid_json(frame.humanoid))
        parts += [_json_value(k) + ":" + _json_value(v) for k, v in _contacts_wire(frame.humanoid)]
    if frame.people:
        parts.append('"people":' + _people_json(frame))
    return EncodedFrame("{" + ",".join(parts) + ',"sent_ns":', fmt)


def encode(message: Message, fmt: WireFormat) -> bytes | str:
    """Encode any message: ``bytes`` for msgpack, ``str`` for JSON."""
    if isinstance(message, FrameMessage):
        return encode_frame(message.frame, fmt).stamp(message.sent_ns)
    items = message_items(message)
    if fmt is WireFormat.MSGPACK:
        return _pack_items(items)
    return _json_items(items)


# --------------------------------------------------------------------------- decoding


#: Most characters of a client's value quoted in an error message (error replies must stay small).
MAX_QUOTE = 40


def _bad(msg: str, code: str = "bad_message") -> RemoteProtocolError:
    return RemoteProtocolError(msg, code)


def _quote(value: Any) -> str:
    """A short description of a peer's value for an error message: at most about :data:`MAX_QUOTE` characters.

    Strings are cut, containers are named rather than shown (their ``repr`` could be megabytes, or
    recurse too deeply), integers too long to print are described by their size.
    """
    if isinstance(value, str):
        return repr(value) if len(value) <= MAX_QUOTE else repr(value[:MAX_QUOTE]) + "..."
    if isinstance(value, bool) or value is None or isinstance(value, float):
        return repr(value)
    if isinstance(value, int):
        return repr(value) if value.bit_length() <= 128 else f"an integer of {value.bit_length()} bits"
    return f"a {type(value).__name__}"


def _finite(value: int | float) -> float | None:
    """``float(value)`` when finite (an integer too large for a double is not), else ``None``."""
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def _get(obj: Mapping[str, Any], where: str, key: str, kinds: tuple[type, ...], *, optional: bool = False) -> Any:
    if key not in obj:
        if optional:
            return None
        raise _bad(f"{where}: missing field {key!r}")
    value = obj[key]
    if value is None and optional:
        return None
    ok = isinstance(value, kinds) and not (isinstance(value, bool) and bool not in kinds)
    if not ok:
        names = " or ".join(k.__name__ for k in kinds)
        raise _bad(f"{where}: field {key!r} must be {names}, got {type(value).__name__}", "bad_value")
    return value


def _int(obj: Mapping[str, Any], where: str, key: str, *, optional: bool = False, minimum: int = 0) -> Any:
    value = _get(obj, where, key, (int,), optional=optional)
    if value is not None and value < minimum:
        raise _bad(f"{where}: field {key!r} must be >= {minimum}, got {_quote(value)}", "bad_value")
    if value is not None and value >= 2**64:  # JSON integers are unbounded; the wire's are uint64
        raise _bad(f"{where}: field {key!r} must be < 2**64, got {_quote(value)}", "bad_value")
    return value


def _float(obj: Mapping[str, Any], where: str, key: str, *, optional: bool = False) -> float | None:
    value = _get(obj, where, key, (int, float), optional=optional)
    if value is None:
        return None
    number = _finite(value)
    if number is None:
        raise _bad(f"{where}: field {key!r} must be a finite number, got {_quote(value)}", "bad_value")
    return number


def _speed(obj: Mapping[str, Any], where: str) -> float | None:
    value = obj.get("speed")
    if value == "max":
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = _finite(value)
        if number is not None and number > 0:
            return number
    raise _bad(f"{where}: field 'speed' must be a finite number > 0 or \"max\", got {_quote(value)}", "bad_value")


def _block(obj: Mapping[str, Any], where: str, key: str, shape: tuple[int, int] = BLOCK_SHAPE) -> Block | None:
    value = obj.get(key)
    if value is None:
        return None
    rows = shape[0]
    if isinstance(value, (bytes, bytearray, memoryview)):
        size = shape[0] * shape[1] * 4
        if len(value) != size:
            raise _bad(f"{where}: field {key!r} must be {size} bytes ({rows}x5 float32), got {len(value)}")
        arr = np.frombuffer(bytes(value), dtype=_LE_F32).reshape(shape)
        return arr.astype(np.float32, copy=False)
    if isinstance(value, list):
        try:
            arr = np.array(value, dtype=np.float32)
        except (TypeError, ValueError, OverflowError, RecursionError):
            raise _bad(f"{where}: field {key!r} must be {rows} rows of 5 numbers") from None
        if np.shape(arr) != tuple(shape) or any(
            isinstance(v, bool) or not isinstance(v, (int, float)) for row in value for v in row
        ):  # numpy would turn null into NaN and "1.5" into 1.5
            raise _bad(f"{where}: field {key!r} must be {rows} rows of 5 numbers, got shape {arr.shape}")
        arr.flags.writeable = False
        return arr
    raise _bad(f"{where}: field {key!r} must be a landmark block or null, got {type(value).__name__}", "bad_value")


def _hand(obj: Mapping[str, Any], where: str, key: str) -> Hand | None:
    """``left_hand``/``right_hand``: null, or a map of ``image`` and ``world`` hand blocks (21×5) and a ``score``."""
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise _bad(f"{where}: field {key!r} must be a hand map or null, got {type(value).__name__}", "bad_value")
    wh = f"{where}.{key}"
    score = _float(value, wh, "score")
    if score is None or not 0.0 <= score <= 1.0:
        raise _bad(f"{wh}: field 'score' must be in [0, 1], got {_quote(score)}", "bad_value")
    return Hand(
        image=_block(value, wh, "image", HAND_BLOCK_SHAPE),
        world=_block(value, wh, "world", HAND_BLOCK_SHAPE),
        score=score,
    )


def _has_hands(obj: Mapping[str, Any]) -> bool:
    return "left_hand" in obj or "right_hand" in obj


def _humanoid(obj: Mapping[str, Any], where: str) -> HumanoidPose | None:
    """``frame.humanoid``: a bin of (3 + 4·N) little-endian float32, or [[x, y, z], [x, y, z, w] × N]."""
    value = obj.get("humanoid")
    if value is None:
        return None
    shape = f"{where}: field 'humanoid' must be the hips [x, y, z] and N rotations [x, y, z, w]"
    if isinstance(value, (bytes, bytearray, memoryview)):
        n = len(value)
        if n < 12 or n % 4 or (n // 4 - 3) % 4:
            raise _bad(f"{shape}: (3 + 4·N) float32, got {n} bytes")
        values = np.frombuffer(bytes(value), dtype=_LE_F32)
    elif isinstance(value, list):
        if not value or not all(isinstance(row, list) for row in value):
            raise _bad(shape)
        if len(value[0]) != 3 or any(len(row) != 4 for row in value[1:]):
            raise _bad(f"{shape}: rows of 3, then 4 numbers")
        if any(isinstance(v, bool) or not isinstance(v, (int, float)) for row in value for v in row):
            raise _bad(f"{shape}: rows of numbers")
        values = np.array([v for row in value for v in row], dtype=np.float32)
    else:
        raise _bad(f"{where}: field 'humanoid' must be a bin or a list, got {type(value).__name__}", "bad_value")
    if not np.isfinite(values).all():
        raise _bad(f"{where}: field 'humanoid' must be finite", "bad_value")
    pose = HumanoidPose.from_values(values)
    contacts = obj.get("contacts")
    if contacts is None:
        return pose
    if not (isinstance(contacts, list) and len(contacts) == 2 and all(isinstance(c, bool) for c in contacts)):
        raise _bad(f"{where}: field 'contacts' must be [left, right] booleans", "bad_value")
    return HumanoidPose(pose.hips, pose.rotations, (contacts[0], contacts[1]))


def _angles(obj: Mapping[str, Any], where: str) -> dict[str, float | None] | None:
    raw = _get(obj, where, "angles", (dict,), optional=True)
    if raw is None:
        return None
    angles: dict[str, float | None] = {}
    for k, v in raw.items():
        number = None if v is None or isinstance(v, bool) or not isinstance(v, (int, float)) else _finite(v)
        if not isinstance(k, str) or (v is not None and number is None):
            raise _bad(f"{where}: field 'angles' must map names to finite numbers or null", "bad_value")
        angles[k] = number
    return angles


def _people(obj: Mapping[str, Any], where: str) -> tuple[Person, ...]:
    """``frame.people``: a list of persons ordered by id (each id once), or absent."""
    raw = _get(obj, where, "people", (list,), optional=True)
    if raw is None:
        return ()
    people = []
    for i, item in enumerate(raw):
        wp = f"{where}.people[{i}]"
        if not isinstance(item, dict):
            raise _bad(f"{wp}: a person must be a map, got {type(item).__name__}", "bad_value")
        root = item.get("root")
        if root is not None and not (
            isinstance(root, list)
            and len(root) == 3
            and all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in root)
        ):
            raise _bad(f"{wp}: field 'root' must be 3 finite numbers or null", "bad_value")
        people.append(
            Person(
                id=_int(item, wp, "id"),
                image=_block(item, wp, "image"),
                world=_block(item, wp, "world"),
                root=None if root is None else (float(root[0]), float(root[1]), float(root[2])),
                angles=_angles(item, wp),
                humanoid=_humanoid(item, wp),
                left_hand=_hand(item, wp, "left_hand"),
                right_hand=_hand(item, wp, "right_hand"),
            )
        )
    ids = [p.id for p in people]
    if ids != sorted(set(ids)):
        raise _bad(f"{where}: 'people' must be ordered by id, each id once, got ids {ids}", "bad_value")
    return tuple(people)


def _str_list(obj: Mapping[str, Any], where: str, key: str) -> tuple[str, ...]:
    value = _get(obj, where, key, (list,))
    if not all(isinstance(v, str) for v in value):
        raise _bad(f"{where}: field {key!r} must be a list of strings", "bad_value")
    return tuple(value)


def _decode_hello(obj: Mapping[str, Any]) -> Hello:
    w = "hello"
    src = _get(obj, w, "source", (dict,))
    ws = "hello.source"
    coords = _str_list(src, ws, "coords") if "coords" in src else ("image", "world")
    source = SourceInfo(
        kind=_get(src, ws, "kind", (str,)),
        name=_get(src, ws, "name", (str,)),
        fps=_float(src, ws, "fps", optional=True),
        width=_int(src, ws, "width", optional=True),
        height=_int(src, ws, "height", optional=True),
        frames=_int(src, ws, "frames", optional=True),
        loop=bool(_get(src, ws, "loop", (bool,), optional=True)),
        replay=bool(_get(src, ws, "replay", (bool,), optional=True)),
        coords=coords,
    )
    bones_raw = _get(obj, w, "bones", (list,))
    bones: list[tuple[int, int]] = []
    for b in bones_raw:
        if not (isinstance(b, list) and len(b) == 2 and all(isinstance(i, int) and not isinstance(i, bool) for i in b)):
            raise _bad("hello: field 'bones' must be a list of [from, to] index pairs", "bad_value")
        bones.append((b[0], b[1]))
    landmarks = _str_list(obj, w, "landmarks")
    if any(not 0 <= i < len(landmarks) for b in bones for i in b):
        raise _bad("hello: a bone refers to a landmark index out of range", "bad_value")
    hand_landmarks = _str_list(obj, w, "hand_landmarks") if "hand_landmarks" in obj else ()
    hand_bones = _index_pairs(obj, "hand_bones", len(hand_landmarks)) if "hand_bones" in obj else ()
    return Hello(
        source=source,
        server=_get(obj, w, "server", (str,)),
        protocol=_int(obj, w, "protocol", minimum=1),
        landmarks=landmarks,
        fields=_str_list(obj, w, "fields"),
        bones=tuple(bones),
        sides=_str_list(obj, w, "sides") if "sides" in obj else (),
        angles=_str_list(obj, w, "angles") if "angles" in obj else (),
        humanoid_bones=_str_list(obj, w, "humanoid_bones") if "humanoid_bones" in obj else (),
        max_people=_int(obj, w, "max_people", minimum=1) if "max_people" in obj else 1,
        root_motion=_get(obj, w, "root_motion", (str,)) if "root_motion" in obj else "in-place",
        hand_landmarks=hand_landmarks,
        hand_bones=hand_bones,
    )


def _index_pairs(obj: Mapping[str, Any], key: str, n: int) -> tuple[tuple[int, int], ...]:
    """``hello.hand_bones``: [from, to] pairs, each index < ``n``."""
    raw = _get(obj, "hello", key, (list,))
    pairs: list[tuple[int, int]] = []
    for b in raw:
        if not (isinstance(b, list) and len(b) == 2 and all(isinstance(i, int) and not isinstance(i, bool) for i in b)):
            raise _bad(f"hello: field {key!r} must be a list of [from, to] index pairs", "bad_value")
        if not all(0 <= i < n for i in b):
            raise _bad(f"hello: a bone of {key!r} refers to a landmark index out of range", "bad_value")
        pairs.append((b[0], b[1]))
    return tuple(pairs)


def _decode_frame(obj: Mapping[str, Any]) -> FrameMessage:
    w = "frame"
    angles = _angles(obj, w)
    people = _people(obj, w)
    raw_people = [p for p in obj.get("people") or () if isinstance(p, dict)]
    frame = PoseFrame(
        seq=_int(obj, w, "seq"),
        t=_float(obj, w, "t"),  # type: ignore[arg-type]
        captured_ns=_int(obj, w, "captured_ns"),
        image=_block(obj, w, "image"),
        world=_block(obj, w, "world"),
        angles=angles,
        humanoid=_humanoid(obj, w),
        people=people,
        left_hand=_hand(obj, w, "left_hand"),
        right_hand=_hand(obj, w, "right_hand"),
        hands=_has_hands(obj) or any(_has_hands(p) for p in raw_people),
    )
    return FrameMessage(frame, _int(obj, w, "sent_ns"))


def _decode_control(obj: Mapping[str, Any]) -> Control:
    op = _get(obj, "control", "op", (str,))
    w = f"control {op!r}"
    if op == "ping":
        return Ping(_int(obj, w, "client_ns"))
    if op == "pause":
        return Pause()
    if op == "resume":
        return Resume()
    if op == "seek":
        return Seek(_int(obj, w, "frame"))
    if op == "speed":
        return SetSpeed(_speed(obj, w))
    raise _bad(f"control: unknown op {_quote(op)} (known: ping, pause, resume, seek, speed)", "unknown_op")


def _decode_state(obj: Mapping[str, Any]) -> State:
    w = "state"
    return State(
        paused=_get(obj, w, "paused", (bool,)),
        speed=_speed(obj, w),
        position=_int(obj, w, "position"),
        frames=_int(obj, w, "frames", optional=True),
    )


def decode_object(obj: Any) -> Message:
    """Decode an already parsed message (a dict with string keys)."""
    if not isinstance(obj, dict):
        raise _bad(f"a message must be a map/object, got {type(obj).__name__}")
    if not all(isinstance(k, str) for k in obj):
        raise _bad("message keys must be strings")
    kind = obj.get("type")
    if not isinstance(kind, str):
        raise _bad("message has no string field 'type'")
    if kind == "frame":
        return _decode_frame(obj)
    if kind == "control":
        return _decode_control(obj)
    if kind == "hello":
        return _decode_hello(obj)
    if kind == "end":
        w = "end"
        return End(_int(obj, w, "frames"), _get(obj, w, "reason", (str,), optional=True) or "eof")
    if kind == "error":
        return Error(_get(obj, "error", "code", (str,)), _get(obj, "error", "message", (str,)))
    if kind == "pong":
        return Pong(_int(obj, "pong", "client_ns"), _int(obj, "pong", "server_ns"))
    if kind == "state":
        return _decode_state(obj)
    return Unknown(kind, {k: v for k, v in obj.items() if k != "type"})


def decode(data: bytes | bytearray | memoryview | str) -> Message:
    """Decode one wire message: ``bytes`` are msgpack, ``str`` is JSON.

    Unknown message types decode to :class:`Unknown`; unknown keys are ignored.
    Raises :class:`RemoteProtocolError` (with ``code`` and a non-empty message)
    for anything else that is not valid protocol v1: undecodable bytes, trailing
    data, a non-map, missing or mistyped fields, an unknown control ``op``,
    nesting too deep for the parser, numbers too large for their field. It raises
    nothing else, whatever ``data`` holds.
    """
    if isinstance(data, str):
        try:
            obj = json.loads(data, parse_constant=_reject_constant)
        except RecursionError:
            raise _bad("not valid JSON: nested too deeply") from None
        except ValueError as exc:  # includes integers of more than 4300 digits
            raise _bad(f"not valid JSON: {_clip(str(exc))}") from None
    elif isinstance(data, (bytes, bytearray, memoryview)):
        try:
            obj = msgpack.unpackb(data, raw=False, strict_map_key=True, use_list=True)
        except msgpack.ExtraData:
            raise _bad("not valid msgpack: trailing bytes after the message") from None
        except msgpack.StackError:
            raise _bad("not valid msgpack: nested too deeply") from None
        except (ValueError, msgpack.UnpackException, TypeError, RecursionError) as exc:
            raise _bad(f"not valid msgpack: {_clip(str(exc)) or type(exc).__name__}") from None
    else:
        raise _bad(f"a message must be bytes or text, got {type(data).__name__}")
    try:
        return decode_object(obj)
    except RemoteProtocolError:
        raise
    except (RecursionError, OverflowError, TypeError, ValueError) as exc:
        # The checks above name the field; this net catches what a hostile peer finds that they do not
        # anticipate, so that a client message can never end its connection (the server answers `error`).
        raise _bad(f"cannot decode the message ({type(exc).__name__})") from None


def _clip(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed")
