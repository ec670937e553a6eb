#!/usr/bin/env python3
"""Generate ``protocol/vectors/v1.json``: the protocol v1 test vectors, from the Python codec.

Run from the repository root::

    python3 protocol/generate_vectors.py            # rewrite the file
    python3 protocol/generate_vectors.py --check    # exit 1 if the committed file differs

Every vector is checked against :mod:`bridge.protocol` while it is generated: a
vector marked valid must decode, one marked invalid must raise
:class:`~bridge.errors.RemoteProtocolError` with the stated code, and a canonical
one must re-encode to exactly its bytes and text. So the file can only say what the
codec does. Landmark values are multiples of 1/1024 (exact in float32 and in
decimal), so readers in any language can compare decoded values exactly.

Entry fields (see ``protocol/SPEC.md``, "Test vectors"):

- ``name``: unique, ``<message>/<case>``.
- ``direction``: ``server`` (server → client), ``client`` (client → server) or ``any``.
- ``valid``: whether a v1 reader accepts it.
- ``canonical``: valid, and a v1 writer produces exactly ``msgpack``/``json`` from ``value``.
- ``msgpack``: lowercase hex of the binary message, or ``null`` when the case is JSON-only.
- ``json``: the text message, or ``null`` when the case is msgpack-only.
- ``value``: (valid only) the decoded message in a JSON-friendly normal form: a map with
  ``type`` first and every field of the message with defaults filled in, landmark blocks as
  33 lists of 5 numbers, ``speed`` ``"max"`` as on the wire; for unknown types, the map as read.
- ``error``: (invalid only) the error code a v1 reader reports (``bad_message``, ``bad_value``,
  ``unknown_op``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import msgpack
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bridge import protocol as p  # noqa: E402
from bridge.errors import RemoteProtocolError  # noqa: E402
from bridge.frame import Hand, Person, PoseFrame  # noqa: E402
from bridge.humanoid import HumanoidPose  # noqa: E402
from bridge.skeleton import FINGER_BONES, HUMANOID_BONES  # noqa: E402

OUT = ROOT / "protocol" / "vectors" / "v1.json"
SERVER = "0.1.0"  # pinned so the vectors do not change with every release


# --------------------------------------------------------------------------- helpers


def block(seed: int, *, visibility: float | None = None) -> np.ndarray:
    """A deterministic (33, 5) block of values exactly representable in float32 and decimal."""
    i = np.arange(33, dtype=np.float64)[:, None]
    j = np.arange(5, dtype=np.float64)[None, :]
    values = ((i * 37 + j * 11 + seed * 101) % 2048 - 1024) / 1024.0  # in [-1, 1), step 1/1024
    values[:, 3] = np.abs(values[:, 3]) if visibility is None else visibility
    values[:, 4] = 1.0
    return values.astype(np.float32)


def humanoid(seed: int) -> HumanoidPose:
    """A deterministic humanoid pose: unit quaternions whose components are exact in float32 and decimal."""
    choices = [(0.0, 0.0, 0.0, 1.0), (0.5, 0.5, 0.5, 0.5), (0.0, 1.0, 0.0, 0.0), (-0.5, 0.5, -0.5, 0.5),
               (1.0, 0.0, 0.0, 0.0), (0.5, -0.5, 0.5, 0.5), (0.0, 0.0, -1.0, 0.0)]  # fmt: skip
    rotations = [choices[(i * 3 + seed) % len(choices)] for i in range(len(HUMANOID_BONES))]
    return HumanoidPose(np.array([0.25, -0.5, 1.0 + seed / 8]), np.array(rotations))


def grounded(seed: int, contacts: tuple[bool, bool]) -> HumanoidPose:
    """:func:`humanoid` with foot contacts (a grounded pose)."""
    pose = humanoid(seed)
    return HumanoidPose(pose.hips, pose.rotations, contacts)


def hand(seed: int, *, world: bool = True, score: float = 0.875) -> Hand:
    """A deterministic hand: 21 rows of a :func:`block`, exact in float32 and decimal."""
    return Hand(block(seed)[:21], block(seed + 1)[:21] if world else None, score)


def _hand_value(h: Hand | None) -> dict[str, Any] | None:
    if h is None:
        return None
    return {
        "image": None if h.image is None else h.image.astype(np.float64).tolist(),
        "world": None if h.world is None else h.world.astype(np.float64).tolist(),
        "score": h.score,
    }


def _humanoid_value(pose: HumanoidPose) -> list[list[float]]:
    return [pose.hips.astype(np.float64).tolist(), *pose.rotations.astype(np.float64).tolist()]


def to_value(message: p.Message) -> dict[str, Any]:
    """The JSON-friendly normal form of a decoded message (see the module docstring)."""
    if isinstance(message, p.FrameMessage):
        f = message.frame
        value: dict[str, Any] = {
            "type": "frame",
            "seq": f.seq,
            "t": f.t,
            "captured_ns": f.captured_ns,
            "image": None if f.image is None else f.image.astype(np.float64).tolist(),
            "world": None if f.world is None else f.world.astype(np.float64).tolist(),
        }
        if f.hands:
            value["left_hand"] = _hand_value(f.left_hand)
            value["right_hand"] = _hand_value(f.right_hand)
        if f.angles is not None:
            value["angles"] = dict(f.angles)
        if f.humanoid is not None:
            value["humanoid"] = _humanoid_value(f.humanoid)
            if f.humanoid.contacts is not None:
                value["contacts"] = list(f.humanoid.contacts)
        if f.people:
            value["people"] = []
            for person in f.people:
                item: dict[str, Any] = {
                    "id": person.id,
                    "image": None if person.image is None else person.image.astype(np.float64).tolist(),
                    "world": None if person.world is None else person.world.astype(np.float64).tolist(),
                }
                if f.hands:
                    item["left_hand"] = _hand_value(person.left_hand)
                    item["right_hand"] = _hand_value(person.right_hand)
                item["root"] = None if person.root is None else list(person.root)
                if person.angles is not None:
                    item["angles"] = dict(person.angles)
                if person.humanoid is not None:
                    item["humanoid"] = _humanoid_value(person.humanoid)
                    if person.humanoid.contacts is not None:
                        item["contacts"] = list(person.humanoid.contacts)
                value["people"].append(item)
        value["sent_ns"] = message.sent_ns
        return value
    if isinstance(message, p.Unknown):
        return {"type": message.type, **dict(message.fields)}
    return dict(p.message_items(message))


def from_value(value: dict[str, Any]) -> p.Message:
    """The message a normal-form value stands for (it is a valid JSON-form message)."""
    return p.decode_object(json.loads(json.dumps(value)))


class Builder:
    def __init__(self) -> None:
        self.vectors: list[dict[str, Any]] = []

    def _check_name(self, name: str) -> None:
        if any(v["name"] == name for v in self.vectors):
            raise ValueError(f"duplicate vector name {name}")

    def canonical(self, name: str, direction: str, message: p.Message, note: str = "") -> None:
        """A message in both encodings, exactly as the codec writes it."""
        self._check_name(name)
        raw = p.encode(message, p.WireFormat.MSGPACK)
        text = p.encode(message, p.WireFormat.JSON)
        assert isinstance(raw, bytes) and isinstance(text, str)
        value = to_value(p.decode(raw))
        assert value == to_value(p.decode(text)) == to_value(message), name
        assert p.encode(from_value(value), p.WireFormat.MSGPACK) == raw, name
        assert p.encode(from_value(value), p.WireFormat.JSON) == text, name
        entry = {"name": name, "direction": direction, "valid": True, "canonical": True}
        entry |= {"msgpack": raw.hex(), "json": text, "value": value}
        if note:
            entry["note"] = note
        self.vectors.append(entry)

    def accepted(
        self, name: str, direction: str, *, raw: bytes | None = None, text: str | None = None, note: str = ""
    ) -> None:
        """A valid message that is not in canonical form (other widths, key order, extra keys...)."""
        self._check_name(name)
        values = [to_value(p.decode(x)) for x in (raw, text) if x is not None]
        assert values and all(v == values[0] for v in values), name
        value = values[0]
        if raw is not None:
            assert not _encodes_to(value, p.WireFormat.MSGPACK, raw), f"{name} is canonical msgpack"
        if text is not None:
            assert not _encodes_to(value, p.WireFormat.JSON, text), f"{name} is canonical JSON"
        entry = {"name": name, "direction": direction, "valid": True, "canonical": False}
        entry |= {"msgpack": None if raw is None else raw.hex(), "json": text, "value": value}
        if note:
            entry["note"] = note
        self.vectors.append(entry)

    def rejected(
        self,
        name: str,
        direction: str,
        error: str,
        *,
        raw: bytes | None = None,
        text: str | None = None,
        note: str = "",
    ) -> None:
        """A message a v1 reader must reject with ``error``."""
        self._check_name(name)
        assert raw is not None or text is not None
        for data in (raw, text):
            if data is None:
                continue
            try:
                p.decode(data)
            except RemoteProtocolError as exc:
                assert exc.code == error, f"{name}: {exc.code} != {error} ({exc})"
            else:
                raise AssertionError(f"{name}: {data!r:.80} decoded")
        entry = {"name": name, "direction": direction, "valid": False, "canonical": False}
        entry |= {"msgpack": None if raw is None else raw.hex(), "json": text, "error": error}
        if note:
            entry["note"] = note
        self.vectors.append(entry)


def _encodes_to(value: dict[str, Any], fmt: p.WireFormat, data: bytes | str) -> bool:
    message = from_value(value)
    if isinstance(message, p.Unknown):
        return False
    return p.encode(message, fmt) == data


def pack(obj: Any, **kwargs: Any) -> bytes:
    return msgpack.packb(obj, use_bin_type=True, **kwargs)


def hexbytes(text: str) -> bytes:
    return bytes.fromhex(text.replace(" ", ""))


# --------------------------------------------------------------------------- the vectors


def build() -> list[dict[str, Any]]:
    b = Builder()
    image, world = block(1), block(2)
    world_low = block(3, visibility=0.125)

    # ---- hello
    b.canonical(
        "hello/demo",
        "server",
        p.Hello(p.SourceInfo("demo", "demo", fps=30.0, loop=True), server=SERVER),
        "the built-in demo source: no size, no frame count",
    )
    b.canonical(
        "hello/video",
        "server",
        p.Hello(p.SourceInfo("video", "dance.mp4", fps=29.97, width=1920, height=1080, frames=900), server=SERVER),
    )
    b.canonical(
        "hello/recording-angles",
        "server",
        p.Hello(
            p.SourceInfo("recording", "take1.jsonl", fps=30.0, frames=120, loop=True, replay=True, coords=("world",)),
            server=SERVER,
            angles=("left_elbow", "right_elbow", "trunk_lean"),
        ),
        "a replayable recording, world coordinates only, with joint angles in every frame",
    )

    b.canonical(
        "hello/humanoid",
        "server",
        p.Hello(p.SourceInfo("webcam", "0", fps=30.0), server=SERVER, humanoid_bones=HUMANOID_BONES),
        "served with --avatar: frames carry 'humanoid' for these bones, in this order",
    )

    b.canonical(
        "hello/max-people",
        "server",
        p.Hello(p.SourceInfo("video", "dance.mp4", fps=30.0, width=1280, height=720, frames=300), server=SERVER,
                max_people=4),  # fmt: skip
        "served with --max-people 4: frames carry 'people' (max_people is sent only above 1)",
    )
    b.canonical(
        "hello/grounded",
        "server",
        p.Hello(p.SourceInfo("webcam", "0", fps=30.0), server=SERVER, humanoid_bones=HUMANOID_BONES,
                root_motion="grounded"),  # fmt: skip
        "served with --avatar --grounded: the humanoid hips are in floor space and frames carry "
        "'contacts' (root_motion is sent only when not in-place)",
    )
    b.canonical(
        "hello/hands",
        "server",
        p.Hello.with_hands(p.SourceInfo("webcam", "0", fps=30.0), server=SERVER),
        "served with --hands: the 21 hand landmark names and the 21 hand bones (index pairs into hand_landmarks); "
        "frames carry left_hand and right_hand",
    )
    b.canonical(
        "hello/humanoid-fingers",
        "server",
        p.Hello.with_hands(
            p.SourceInfo("webcam", "0", fps=30.0), server=SERVER, humanoid_bones=(*HUMANOID_BONES, *FINGER_BONES)
        ),
        "served with --avatar --hands: the 30 finger bones follow the 21 body bones in humanoid_bones",
    )

    # ---- frame
    b.canonical(
        "frame/detected",
        "server",
        p.FrameMessage(PoseFrame(7, 0.25, 1_700_000_000_123_456_789, image, world), 1_700_000_000_133_456_789),
    )
    b.canonical(
        "frame/not-detected",
        "server",
        p.FrameMessage(PoseFrame(8, 0.28125, 1_700_000_000_156_789_012), 1_700_000_000_160_000_000),
        "nobody detected: both blocks null",
    )
    b.canonical(
        "frame/image-only",
        "server",
        p.FrameMessage(PoseFrame(0, 0.0, 0, image, None), 0),
        "only image landmarks; the clocks are 0 (still uint64 in msgpack)",
    )
    b.canonical(
        "frame/low-visibility",
        "server",
        p.FrameMessage(PoseFrame(9, 0.3125, 1_700_000_000_190_000_000, None, world_low), 1_700_000_000_190_500_000),
    )
    b.canonical(
        "frame/angles",
        "server",
        p.FrameMessage(
            PoseFrame(
                10,
                0.34375,
                1_700_000_000_200_000_000,
                image,
                world,
                angles={"left_elbow": 90.5, "right_elbow": None, "trunk_lean": 4.25},
            ),
            1_700_000_000_201_000_000,
        ),
        "frame.angles (served with --angles): older clients ignore the key",
    )
    b.canonical(
        "frame/humanoid",
        "server",
        p.FrameMessage(
            PoseFrame(11, 0.375, 1_700_000_000_210_000_000, image, world, humanoid=humanoid(0)),
            1_700_000_000_211_000_000,
        ),
        "frame.humanoid (served with --avatar): hips position, then x, y, z, w per bone of hello.humanoid_bones; "
        "one bin of (3 + 4*21) float32 in msgpack",
    )
    b.canonical(
        "frame/humanoid-angles",
        "server",
        p.FrameMessage(
            PoseFrame(
                12, 0.40625, 1_700_000_000_220_000_000, None, world, angles={"left_knee": 175.5}, humanoid=humanoid(1)
            ),
            1_700_000_000_221_000_000,
        ),
        "humanoid comes after angles",
    )
    b.canonical(
        "frame/people",
        "server",
        p.FrameMessage(
            PoseFrame(
                13,
                0.4375,
                1_700_000_000_230_000_000,
                image,
                world,
                people=[Person(1, image, world, (-0.75, 0.125, 3.5)), Person(4, None, world_low, None)],
            ),
            1_700_000_000_231_000_000,
        ),
        "frame.people (served with --max-people above 1): everyone tracked, ordered by id, each with its landmark "
        "blocks and root (hip position in the shared camera space, meters; null when not estimated); the top-level "
        "blocks are the primary person's (the lowest id)",
    )
    b.canonical(
        "frame/people-angles-humanoid",
        "server",
        p.FrameMessage(
            PoseFrame(
                14,
                0.46875,
                1_700_000_000_240_000_000,
                None,
                world,
                angles={"left_knee": 170.5},
                humanoid=humanoid(2),
                people=[
                    Person(2, None, world, (0.5, 0.0, 2.25), angles={"left_knee": 170.5}, humanoid=humanoid(2)),
                    Person(3, None, world_low, (1.5, 0.0, 4.0), angles={"left_knee": None}, humanoid=humanoid(3)),
                ],
            ),
            1_700_000_000_241_000_000,
        ),
        "with --angles and --avatar each person has their own angles and humanoid; people is the last key "
        "before sent_ns",
    )
    b.canonical(
        "frame/grounded",
        "server",
        p.FrameMessage(
            PoseFrame(
                15,
                0.5,
                1_700_000_000_250_000_000,
                None,
                world,
                humanoid=grounded(4, (True, False)),
                people=[
                    Person(1, None, world, (0.5, 0.0, 2.25), humanoid=grounded(4, (True, False))),
                    Person(5, None, world_low, (1.5, 0.0, 4.0), humanoid=grounded(5, (False, False))),
                ],
            ),
            1_700_000_000_251_000_000,
        ),
        "grounded humanoid (hello.root_motion 'grounded'): 'contacts' [left, right] follows 'humanoid', in the "
        "frame (primary person) and in every person",
    )
    b.canonical(
        "frame/hands",
        "server",
        p.FrameMessage(
            PoseFrame(15, 0.5, 1_700_000_000_250_000_000, image, world, left_hand=hand(4), right_hand=None),
            1_700_000_000_251_000_000,
        ),
        "served with --hands: left_hand and right_hand right after world, each null (not found in this frame) or a "
        "map of image and world hand blocks (21x5 float32 bins of 420 bytes) and score (float64)",
    )
    b.canonical(
        "frame/hands-none-found",
        "server",
        p.FrameMessage(
            PoseFrame(16, 0.53125, 1_700_000_000_260_000_000, image, world, hands=True), 1_700_000_000_261_000_000
        ),
        "served with --hands, no hand found in this frame: both null (never a stale hand)",
    )
    b.canonical(
        "frame/hands-world-null",
        "server",
        p.FrameMessage(
            PoseFrame(17, 0.5625, 1_700_000_000_270_000_000, image, None, right_hand=hand(6, world=False, score=0.5)),
            1_700_000_000_271_000_000,
        ),
        "a hand's world block is null when the body has no world landmarks",
    )
    b.canonical(
        "frame/people-hands",
        "server",
        p.FrameMessage(
            PoseFrame(
                18,
                0.59375,
                1_700_000_000_280_000_000,
                image,
                world,
                left_hand=hand(8),
                right_hand=hand(10, score=1.0),
                people=[
                    Person(1, image, world, (0.5, 0.0, 2.25), left_hand=hand(8), right_hand=hand(10, score=1.0)),
                    Person(2, image, world_low, None, right_hand=hand(12, score=0.25)),
                ],
            ),
            1_700_000_000_281_000_000,
        ),
        "--hands with --max-people: each person has left_hand and right_hand after world (before root); the frame's "
        "are the primary person's",
    )
    b.canonical(
        "frame/big-clocks",
        "server",
        p.FrameMessage(PoseFrame(2**32, 86400.5, 2**64 - 2, None, None), 2**64 - 1),
        "clocks above 2**63 must survive (uint64); seq above 2**32",
    )

    # ---- end, error, pong, state
    b.canonical("end/eof", "server", p.End(900, "eof"))
    b.canonical("end/shutdown", "server", p.End(0, "shutdown"))
    b.canonical(
        "error/unknown-op",
        "server",
        p.Error("unknown_op", "control: unknown op 'rewind' (known: ping, pause, resume, seek, speed)"),
    )
    b.canonical("error/unicode", "server", p.Error("bad_value", "Größe: «ungültig» ✓"), "non-ASCII text")
    b.canonical("pong/basic", "server", p.Pong(1_700_000_000_000_000_000, 1_700_000_000_000_250_000))
    b.canonical("state/playing", "server", p.State(False, 1.0, 42, 120))
    b.canonical("state/paused-max-live", "server", p.State(True, None, 0, None), "speed max; frame count unknown")

    # ---- client control messages (C# writes these byte-exactly)
    b.canonical("control/ping", "client", p.Ping(1_700_000_000_000_000_000))
    b.canonical("control/ping-zero", "client", p.Ping(0))
    b.canonical("control/pause", "client", p.Pause())
    b.canonical("control/resume", "client", p.Resume())
    b.canonical("control/seek", "client", p.Seek(300))
    b.canonical("control/seek-zero", "client", p.Seek(0))
    b.canonical("control/seek-large", "client", p.Seek(70000), "uint32 width")
    b.canonical("control/speed-2", "client", p.SetSpeed(2.0))
    b.canonical("control/speed-half", "client", p.SetSpeed(0.5))
    b.canonical("control/speed-max", "client", p.SetSpeed(None))

    # ---- valid but not canonical: readers must accept these
    full = {
        "type": "frame",
        "seq": 7,
        "t": 0.25,
        "captured_ns": 5,
        "image": image.astype("<f4").tobytes(),
        "world": None,
        "sent_ns": 6,
    }
    b.accepted(
        "frame/reordered-keys",
        "server",
        raw=pack(dict(reversed(list(full.items())))),
        text=json.dumps({k: (image.tolist() if k == "image" else v) for k, v in reversed(list(full.items()))}),
        note="keys in another order; clocks in their smallest integer form",
    )
    b.accepted(
        "frame/float32-and-wide-ints",
        "server",
        raw=p._map_header(7)
        + pack("type") + pack("frame")
        + pack("seq") + hexbytes("cf 00 00 00 00 00 00 00 07")
        + pack("t") + hexbytes("ca 3e 80 00 00")
        + pack("captured_ns") + hexbytes("ce 00 00 00 05")
        + pack("image") + pack(image.astype("<f4").tobytes())
        + pack("world") + hexbytes("c0")
        + pack("sent_ns") + hexbytes("d3 00 00 00 00 00 00 00 06"),
        note="t as float32, seq as uint64, captured_ns as uint32, sent_ns as int64",
    )  # fmt: skip
    b.accepted(
        "frame/unknown-keys",
        "server",
        raw=pack({**full, "future": {"a": [1, 2]}, "zz": "x"}),
        text=json.dumps(
            {**{k: (image.tolist() if k == "image" else v) for k, v in full.items()}, "future": {"a": [1, 2]}}
        ),
        note="unknown keys are ignored",
    )
    b.accepted(
        "frame/array-block-in-msgpack",
        "server",
        raw=pack({**full, "image": image.astype(np.float64).tolist()}),
        note="a block as 33 arrays of 5 floats is also accepted in msgpack",
    )
    b.accepted(
        "frame/json-integers-and-whitespace",
        "server",
        text='{ "type" : "frame", "seq" : 1, "t" : 2, "captured_ns" : 3,\n  "image" : null, "world" : '
        + json.dumps([[0, 0, -1, 1, 1]] * 33)
        + ', "sent_ns" : 4 }',
        note="t and landmark values written as integers; whitespace between tokens",
    )
    b.accepted(
        "frame/json-exponents",
        "server",
        text='{"type":"frame","seq":1,"t":2.5e-1,"captured_ns":3,"image":'
        + json.dumps([[1e-3, -2.5e2, 0.0, 1.0, 1.0]] * 33).replace("0.001", "1E-3")
        + ',"world":null,"sent_ns":4}',
        note="numbers with exponents (1E-3, 2.5e-1); 1e-3 is not exact in float32: compare as float32",
    )
    hum = humanoid(2)
    hum_lists = [hum.hips.astype(np.float64).tolist(), *hum.rotations.astype(np.float64).tolist()]
    b.accepted(
        "frame/humanoid-lists-in-msgpack",
        "server",
        raw=pack({**full, "humanoid": hum_lists}),
        text=json.dumps(
            {**{k: (image.tolist() if k == "image" else v) for k, v in full.items()}, "humanoid": hum_lists}
        ),
        note="a humanoid as lists is also accepted in msgpack",
    )
    b.accepted(
        "frame/contacts-without-humanoid",
        "server",
        raw=pack({**full, "contacts": [True, True]}),
        note="contacts belong to a humanoid: without one, readers ignore them",
    )
    b.accepted(
        "hello/minimal",
        "server",
        raw=pack(
            {
                "type": "hello",
                "protocol": 1,
                "server": "other-server 2.0",
                "source": {"kind": "webcam", "name": "0"},
                "landmarks": ["a", "b", "c"],
                "fields": ["x", "y", "z", "visibility", "presence"],
                "bones": [[0, 1], [1, 2]],
                "extension": True,
            }
        ),
        note="optional source fields, sides and angles omitted; an unknown key",
    )
    b.accepted("end/no-reason", "server", raw=pack({"type": "end", "frames": 3}), text='{"type":"end","frames":3}')
    b.accepted(
        "control/speed-integer",
        "client",
        raw=pack({"type": "control", "op": "speed", "speed": 3}),
        text='{"type":"control","op":"speed","speed":3}',
        note="an integer speed is a number",
    )
    b.accepted(
        "unknown-type/telemetry",
        "any",
        raw=pack({"type": "telemetry", "cpu": 0.5, "tags": ["a", "b"], "n": -3}),
        text='{"type":"telemetry","cpu":0.5,"tags":["a","b"],"n":-3}',
        note="a message type from a later version: readers ignore it",
    )
    b.accepted(
        "json/escapes",
        "server",
        text='{"type":"error","code":"bad_value","message":"tab\\t quote\\" slash\\/ \\u00e9 \\ud83d\\ude00"}',
        note="JSON string escapes incl. a surrogate pair",
    )

    # ---- malformed: readers must reject these with the code given
    ping = p.encode(p.Ping(5), p.WireFormat.MSGPACK)
    frame_raw = p.encode(p.FrameMessage(PoseFrame(7, 0.25, 5, image, world), 6), p.WireFormat.MSGPACK)
    assert isinstance(ping, bytes) and isinstance(frame_raw, bytes)
    b.rejected("msgpack/empty", "any", "bad_message", raw=b"")
    b.rejected("msgpack/truncated-frame", "server", "bad_message", raw=frame_raw[:700], note="cut inside a block")
    b.rejected("msgpack/truncated-header", "any", "bad_message", raw=ping[:1] + ping[1:5])
    b.rejected("msgpack/trailing-bytes", "client", "bad_message", raw=ping + b"\x00", note="one byte after the map")
    b.rejected("msgpack/reserved-byte", "any", "bad_message", raw=b"\xc1")
    b.rejected("msgpack/invalid-utf8", "any", "bad_message", raw=p._map_header(1) + pack("type") + b"\xa2\xff\xfe")
    b.rejected("msgpack/integer-key", "any", "bad_message", raw=pack({"type": "end", 1: 2}))
    b.rejected("msgpack/nested-integer-key", "any", "bad_message", raw=pack({"type": "telemetry", "m": {1: 2}}))
    b.rejected("message/not-a-map", "any", "bad_message", raw=pack(["type", "end"]), text='["type","end"]')
    b.rejected("message/a-string", "any", "bad_message", raw=pack("frame"), text='"frame"')
    b.rejected("message/missing-type", "any", "bad_message", raw=pack({"frames": 1}), text='{"frames":1}')
    b.rejected("message/type-not-string", "any", "bad_message", raw=pack({"type": 1}), text='{"type":1}')
    b.rejected(
        "frame/block-wrong-length",
        "server",
        "bad_message",
        raw=pack({**full, "image": image.astype("<f4").tobytes()[:-4]}),
        note="656 bytes instead of 660",
    )
    b.rejected(
        "frame/block-32-rows",
        "server",
        "bad_message",
        text='{"type":"frame","seq":1,"t":0,"captured_ns":0,"image":'
        + json.dumps([[0, 0, 0, 1, 1]] * 32)
        + ',"world":null,"sent_ns":0}',
    )
    b.rejected(
        "frame/block-row-of-4",
        "server",
        "bad_message",
        text='{"type":"frame","seq":1,"t":0,"captured_ns":0,"image":'
        + json.dumps([[0, 0, 0, 1, 1]] * 32 + [[0, 0, 0, 1]])
        + ',"world":null,"sent_ns":0}',
    )
    b.rejected(
        "frame/block-boolean",
        "server",
        "bad_message",
        text='{"type":"frame","seq":1,"t":0,"captured_ns":0,"image":'
        + json.dumps([[0, 0, 0, 1, 1]] * 32 + [[0, 0, 0, True, 1]])
        + ',"world":null,"sent_ns":0}',
    )
    b.rejected(
        "frame/block-null-value",
        "server",
        "bad_message",
        raw=pack({**full, "image": [[0.0, 0.0, 0.0, 1.0, 1.0]] * 32 + [[0.0, None, 0.0, 1.0, 1.0]]}),
        note="null is not a number (NaN is not allowed either)",
    )
    b.rejected(
        "frame/block-numeric-string",
        "server",
        "bad_message",
        text='{"type":"frame","seq":1,"t":0,"captured_ns":0,"image":'
        + json.dumps([[0, 0, 0, 1, 1]] * 32 + [[0, "0.5", 0, 1, 1]])
        + ',"world":null,"sent_ns":0}',
    )
    b.rejected("frame/block-string", "server", "bad_value", raw=pack({**full, "image": "none"}))
    b.rejected("frame/missing-seq", "server", "bad_message", raw=pack({k: v for k, v in full.items() if k != "seq"}))
    b.rejected("frame/seq-string", "server", "bad_value", raw=pack({**full, "seq": "7"}))
    b.rejected("frame/seq-negative", "server", "bad_value", raw=pack({**full, "seq": -1}))
    b.rejected("frame/seq-float", "server", "bad_value", text='{"type":"frame","seq":1.0,"t":0,"captured_ns":0,'
               '"image":null,"world":null,"sent_ns":0}')  # fmt: skip
    b.rejected("frame/seq-null", "server", "bad_value", raw=pack({**full, "seq": None}))
    b.rejected("frame/t-string", "server", "bad_value", raw=pack({**full, "t": "0.25"}))
    b.rejected("frame/t-boolean", "server", "bad_value", raw=pack({**full, "t": True}))
    b.rejected("frame/captured-ns-negative", "server", "bad_value", raw=pack({**full, "captured_ns": -5}))
    b.rejected(
        "frame/sent-ns-too-big",
        "server",
        "bad_value",
        text='{"type":"frame","seq":1,"t":0,"captured_ns":0,"image":null,"world":null,"sent_ns":18446744073709551616}',
        note="2**64 does not fit a uint64",
    )
    b.rejected(
        "frame/humanoid-wrong-length",
        "server",
        "bad_message",
        raw=pack({**full, "humanoid": hum.values().astype("<f4").tobytes()[:-4]}),
        note="not 3 + 4*N float32",
    )
    b.rejected(
        "frame/humanoid-row-of-3",
        "server",
        "bad_message",
        text='{"type":"frame","seq":1,"t":0,"captured_ns":0,"image":null,"world":null,'
        '"humanoid":[[0,0,0],[0,0,0,1],[0,0,1]],"sent_ns":0}',
    )
    b.rejected(
        "frame/humanoid-null-value",
        "server",
        "bad_message",
        raw=pack({**full, "humanoid": [[0.0, 0.0, 0.0], [0.0, None, 0.0, 1.0]]}),
    )
    b.rejected("frame/humanoid-string", "server", "bad_value", raw=pack({**full, "humanoid": "T-pose"}))
    b.rejected(
        "frame/humanoid-nan",
        "server",
        "bad_value",
        raw=pack({**full, "humanoid": np.array([0, 0, 0, 0, 0, 0, np.nan], dtype="<f4").tobytes()}),
        note="humanoid values must be finite (unlike landmark blocks, readers check)",
    )
    b.rejected(
        "frame/contacts-one-foot",
        "server",
        "bad_value",
        raw=pack({**full, "humanoid": hum.values().astype("<f4").tobytes(), "contacts": [True]}),
        note="contacts are [left, right]",
    )
    b.rejected(
        "frame/contacts-numbers",
        "server",
        "bad_value",
        raw=pack({**full, "humanoid": hum.values().astype("<f4").tobytes(), "contacts": [1, 0]}),
        note="contacts are booleans, not numbers",
    )
    hand_map = {"image": hand(4).image.astype("<f4").tobytes(), "world": None, "score": 0.5}  # type: ignore[union-attr]
    b.accepted(
        "frame/hand-lists-in-msgpack",
        "server",
        raw=pack({**full, "left_hand": {**hand_map, "image": block(4)[:21].astype(np.float64).tolist()}}),
        note="a hand block as 21 arrays of 5 floats is also accepted in msgpack; a frame with only left_hand has hands",
    )
    b.accepted(
        "frame/hand-score-integer",
        "server",
        text=json.dumps(
            {
                **{k: (image.tolist() if k == "image" else v) for k, v in full.items()},
                "right_hand": {"score": 1, "world": None, "image": None},
            }
        ),
        note="score as an integer, keys in another order, image and world both null",
    )
    b.rejected(
        "frame/hand-block-body-size",
        "server",
        "bad_message",
        raw=pack({**full, "left_hand": {**hand_map, "image": image.astype("<f4").tobytes()}}),
        note="a hand block is 420 bytes (21x5 float32), not a body block",
    )
    b.rejected("frame/hand-not-map", "server", "bad_value", raw=pack({**full, "left_hand": [1, 2]}))
    b.rejected(
        "frame/hand-missing-score",
        "server",
        "bad_message",
        raw=pack({**full, "left_hand": {"image": None, "world": None}}),
    )
    b.rejected(
        "frame/hand-score-above-one",
        "server",
        "bad_value",
        raw=pack({**full, "right_hand": {**hand_map, "score": 1.5}}),
    )
    b.rejected(
        "frame/people-hand-bad-block",
        "server",
        "bad_message",
        raw=pack(
            {
                **full,
                "people": [
                    {"id": 1, "image": None, "world": None, "left_hand": {**hand_map, "world": b"x"}, "root": None}
                ],
            }
        ),
    )
    b.rejected(
        "hello/hand-bone-out-of-range",
        "server",
        "bad_value",
        raw=pack(
            {
                "type": "hello",
                "protocol": 1,
                "server": "x",
                "source": {"kind": "demo", "name": "demo"},
                "landmarks": ["a"],
                "fields": ["x"],
                "bones": [],
                "hand_landmarks": ["wrist", "thumb_cmc"],
                "hand_bones": [[0, 1], [1, 2]],
            }
        ),
    )
    person = {"id": 1, "image": None, "world": None, "root": None}
    b.rejected("frame/people-not-list", "server", "bad_value", raw=pack({**full, "people": person}))
    b.rejected("frame/people-person-not-map", "server", "bad_value", raw=pack({**full, "people": [1]}))
    b.rejected(
        "frame/people-unordered",
        "server",
        "bad_value",
        raw=pack({**full, "people": [{**person, "id": 2}, person]}),
        note="people are ordered by id",
    )
    b.rejected("frame/people-duplicate-id", "server", "bad_value", raw=pack({**full, "people": [person, person]}))
    b.rejected("frame/people-no-id", "server", "bad_message", raw=pack({**full, "people": [{"world": None}]}))
    b.rejected(
        "frame/people-root-two-numbers",
        "server",
        "bad_value",
        raw=pack({**full, "people": [{**person, "root": [1, 2]}]}),
    )
    b.rejected(
        "frame/people-root-nan",
        "server",
        "bad_value",
        raw=pack({**full, "people": [{**person, "root": [0.0, float("nan"), 2.0]}]}),
    )
    b.rejected("frame/angles-not-map", "server", "bad_value", raw=pack({**full, "angles": [1, 2]}))
    b.rejected("frame/angles-string-value", "server", "bad_value", raw=pack({**full, "angles": {"knee": "90"}}))
    b.rejected("json/invalid", "any", "bad_message", text='{"type":"end","frames":1')
    b.rejected("json/trailing-text", "any", "bad_message", text='{"type":"end","frames":1} x')
    b.rejected("json/nan", "server", "bad_message", text='{"type":"state","paused":false,"speed":NaN,"position":0}')
    b.rejected("json/single-quotes", "any", "bad_message", text="{'type':'end','frames':1}")
    b.rejected("json/empty", "any", "bad_message", text="")
    b.rejected(
        "hello/bone-out-of-range",
        "server",
        "bad_value",
        raw=pack(
            {
                "type": "hello",
                "protocol": 1,
                "server": "x",
                "source": {"kind": "demo", "name": "demo"},
                "landmarks": ["a", "b"],
                "fields": ["x"],
                "bones": [[0, 2]],
            }
        ),
    )
    b.rejected(
        "hello/source-not-map",
        "server",
        "bad_value",
        text='{"type":"hello","protocol":1,"server":"x","source":"demo","landmarks":[],"fields":[],"bones":[]}',
    )
    b.rejected(
        "state/paused-not-bool", "server", "bad_value", text='{"type":"state","paused":0,"speed":1,"position":0}'
    )
    b.rejected("pong/missing-server-ns", "server", "bad_message", raw=pack({"type": "pong", "client_ns": 1}))
    b.rejected("end/frames-string", "server", "bad_value", text='{"type":"end","frames":"3"}')
    b.rejected("error/missing-message", "server", "bad_message", text='{"type":"error","code":"bad_value"}')
    b.rejected("control/unknown-op", "client", "unknown_op", raw=pack({"type": "control", "op": "rewind"}),
               text='{"type":"control","op":"rewind"}')  # fmt: skip
    b.rejected("control/missing-op", "client", "bad_message", text='{"type":"control"}')
    b.rejected("control/seek-negative", "client", "bad_value", raw=pack({"type": "control", "op": "seek", "frame": -1}))
    b.rejected("control/seek-missing-frame", "client", "bad_message", text='{"type":"control","op":"seek"}')
    b.rejected("control/speed-zero", "client", "bad_value", text='{"type":"control","op":"speed","speed":0}')
    b.rejected("control/speed-negative", "client", "bad_value", text='{"type":"control","op":"speed","speed":-1.5}')
    b.rejected("control/speed-word", "client", "bad_value", text='{"type":"control","op":"speed","speed":"fast"}')
    b.rejected(
        "control/ping-float", "client", "bad_value", raw=pack({"type": "control", "op": "ping", "client_ns": 1.5})
    )
    return b.vectors


def render() -> str:
    """The complete file text."""
    doc = {
        "protocol": p.PROTOCOL_VERSION,
        "generated_by": "protocol/generate_vectors.py (from bridge/protocol.py); do not edit by hand",
        "spec": "protocol/SPEC.md",
        "vectors": build(),
    }
    return json.dumps(doc, indent=1, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="only compare with the committed file")
    parser.add_argument("-o", "--output", type=Path, default=OUT, help=f"output file (default {OUT.relative_to(ROOT)})")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            print(f"{args.output} is out of date: run python3 protocol/generate_vectors.py", file=sys.stderr)
            return 1
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {len(json.loads(text)['vectors'])} vectors to {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
