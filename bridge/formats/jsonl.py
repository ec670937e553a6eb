"""JSONL recordings: a header line, then one JSON object per frame with every field of the stream.

Line 1, the header::

    {"format": "pose-bridge-recording", "version": 1, "fps": 30.0,
     "source": {"kind": "video", "name": "walk.mp4", "width": 1280, "height": 720, "frames": 300},
     "coords": ["world", "image"], "landmarks": [...33 names...],
     "fields": ["x", "y", "z", "visibility", "presence"], "angles": []}

(one line in the file). Every further line is a frame::

    {"seq": 0, "t": 0.0, "captured_ns": 1700000000000000000,
     "world": [[x, y, z, visibility, presence], ... 33 rows], "image": [...] or null,
     "angles": {"left_elbow": 92.5, "right_knee": null},
     "people": [{"id": 1, "world": [...], "image": [...], "root": [x, y, z] or null}, ...]}

- ``world``/``image`` is ``null`` when nobody was detected; a set not listed in
  the header's ``coords`` is left out. Values are float32 written with 9
  significant digits, which read back as the identical float32; a non-finite
  value is written as ``null`` and read back as NaN.
- ``angles`` (degrees, ``null`` where a joint could not be measured) is present
  only when the stream carries angles.
- ``people`` (ordered by id) is present only when the stream tracks several people
  (``--max-people``); each person has the header's coordinate sets and ``root`` (meters, the
  estimated hip position in the camera space shared by everyone, or ``null``). The
  top-level ``world``/``image`` then hold the primary person.
- With hands (``--hands``; the header says ``"hands": true`` and lists ``hand_landmarks``), every
  frame and every person has ``left_hand`` and ``right_hand`` after its landmark sets: ``null``
  when not found in that frame, else ``{"world": [21 rows], "image": [21 rows], "score": s}``
  (the header's coordinate sets; see ``protocol/SPEC.md`` §4c for the coordinates).
- ``avatar`` (header, only when the recorded stream solved the humanoid pose, ``serve --avatar``):
  the solver's settings, ``{"root_motion": "grounded", "smooth": false, "camera_fov": 60.0, "fingers": false}``
  (:class:`bridge.humanoid.avatar.AvatarSettings`). Frames keep the landmarks, not the solved pose: a replay
  solves it again with these settings, which gives the same pose (the landmarks and ``t`` read back exactly).
- ``fps`` may be ``null`` (unknown); ``t`` of each frame is authoritative for timing.
- Readers ignore unknown keys. A ``version`` newer than this reader's is refused.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping, Sequence
from typing import IO, Any

import numpy as np

from ..errors import FormatError
from ..frame import BLOCK_SHAPE, HAND_BLOCK_SHAPE, Hand, Person, PoseFrame
from ..humanoid.avatar import AvatarSettings
from ..skeleton import HAND_LANDMARK_NAMES, LANDMARK_FIELDS, LANDMARK_NAMES
from .base import (
    COORD_SETS,
    LineRecordReader,
    RecordingInfo,
    RecordingWriter,
    format_error,
    iter_lines,
    normalize_coords,
)
from .base import json_loads as _loads

__all__ = ["FORMAT_NAME", "VERSION", "JsonlReader", "JsonlWriter"]

FORMAT_NAME = "pose-bridge-recording"
VERSION = 1

_ROW = "[" + ",".join(["%.9g"] * BLOCK_SHAPE[1]) + "]"
_BLOCK = "[" + ",".join([_ROW] * BLOCK_SHAPE[0]) + "]"


_HAND_BLOCK = "[" + ",".join([_ROW] * HAND_BLOCK_SHAPE[0]) + "]"


def _block_text(block: np.ndarray | None) -> str:
    if block is None:
        return "null"
    values = block.ravel().tolist()
    if np.isfinite(block).all():
        return (_BLOCK if block.shape == BLOCK_SHAPE else _HAND_BLOCK) % tuple(values)
    rows = (
        "[" + ",".join(f"{v:.9g}" if math.isfinite(v) else "null" for v in values[r * 5 : r * 5 + 5]) + "]"
        for r in range(block.shape[0])
    )
    return "[" + ",".join(rows) + "]"


def _hands_text(coords: Sequence[str], left: Hand | None, right: Hand | None) -> str:
    out = ""
    for key, hand in (("left_hand", left), ("right_hand", right)):
        if hand is None:
            out += f',"{key}":null'
            continue
        sets = ",".join(f'"{c}":' + _block_text(hand.world if c == "world" else hand.image) for c in coords)
        out += f',"{key}":{{{sets},"score":{float(hand.score)!r}}}'
    return out


def _angles_text(angles: Mapping[str, float | None]) -> str:
    clean = {k: (None if v is None or not math.isfinite(v) else float(v)) for k, v in angles.items()}
    return json.dumps(clean, separators=(",", ":"), ensure_ascii=False)


class JsonlWriter(RecordingWriter):
    """Writes JSONL: the header before the first frame, then one line per frame, flushed each time.

    ``coords``: the sets written (default both). ``fps`` and ``source`` (a
    mapping such as ``{"kind": "video", "name": ...}``) go into the header;
    ``angles`` names the joint angles (default: the first frame's, if any).
    """

    format = "jsonl"

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        coords: str | Sequence[str] | None = None,
        fps: float | None = None,
        source: Mapping[str, Any] | None = None,
        angles: Sequence[str] = (),
        max_people: int = 1,
        hands: bool = False,
        avatar: Mapping[str, Any] | None = None,
    ) -> None:
        self.coords = normalize_coords(coords, COORD_SETS)
        super().__init__(path)
        self.fps = None if fps is None else float(fps)
        self.source = dict(source or {})
        self.angles = tuple(angles)
        self.max_people = int(max_people)
        #: Write hands (default: when the first frame has them).
        self.hands = bool(hands)
        #: The header's ``avatar``: the solver settings of the stream (``None``: no ``--avatar``).
        self.avatar = None if avatar is None else dict(avatar)

    def _prologue(self, frame: PoseFrame | None) -> str:
        angles = self.angles or (tuple(frame.angles) if frame is not None and frame.angles is not None else ())
        header = {
            "format": FORMAT_NAME,
            "version": VERSION,
            "fps": self.fps,
            "source": self.source,
            "coords": list(self.coords),
            "landmarks": list(LANDMARK_NAMES),
            "fields": list(LANDMARK_FIELDS),
            "angles": list(angles),
        }
        if self.max_people != 1:
            header["max_people"] = self.max_people
        if self.hands or (frame is not None and frame.hands):
            self.hands = True
            header["hands"] = True
            header["hand_landmarks"] = list(HAND_LANDMARK_NAMES)
        if self.avatar is not None:
            header["avatar"] = self.avatar
        return json.dumps(header, separators=(",", ":"), ensure_ascii=False) + "\n"

    def _encode(self, frame: PoseFrame) -> str:
        parts = [f'{{"seq":{int(frame.seq)},"t":{float(frame.t)!r},"captured_ns":{int(frame.captured_ns)}']
        for name in self.coords:
            parts.append(f',"{name}":' + _block_text(frame.world if name == "world" else frame.image))
        if self.hands:
            parts.append(_hands_text(self.coords, frame.left_hand, frame.right_hand))
        if frame.angles is not None:
            parts.append(',"angles":' + _angles_text(frame.angles))
        if frame.people:
            people = []
            for person in frame.people:
                text = f'{{"id":{int(person.id)}'
                for name in self.coords:
                    text += f',"{name}":' + _block_text(person.world if name == "world" else person.image)
                if self.hands:
                    text += _hands_text(self.coords, person.left_hand, person.right_hand)
                root = person.root
                ok = root is not None and all(math.isfinite(v) for v in root)
                text += ',"root":' + (f"[{root[0]!r},{root[1]!r},{root[2]!r}]" if ok and root else "null")
                if person.angles is not None:
                    text += ',"angles":' + _angles_text(person.angles)
                text += "}"
                people.append(text)
            parts.append(',"people":[' + ",".join(people) + "]")
        parts.append("}\n")
        return "".join(parts)


def _block(value: Any, shape: tuple[int, int] = BLOCK_SHAPE) -> np.ndarray | None:
    if value is None:
        return None
    arr = np.array(value, dtype=np.float32)  # null -> NaN
    if arr.shape != shape:
        raise ValueError(f"must be {shape[0]} rows of 5 numbers, got shape {arr.shape}")
    arr.flags.writeable = False
    return arr


def _nonneg_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


class JsonlReader(LineRecordReader):
    """Streaming reader of JSONL recordings (see the module docstring for the format).

    ``coords`` restricts the sets returned (default: all in the file); ``fps``
    overrides the header's in :attr:`info` (timing still follows each frame's ``t``).
    """

    format = "jsonl"

    def __init__(
        self, path: str | os.PathLike[str], *, coords: str | Sequence[str] | None = None, fps: float | None = None
    ) -> None:
        self._want = coords
        self._fps_override = fps
        self._header: dict[str, Any] = {}
        super().__init__(path)

    def _read_header(self, f: IO[bytes]) -> tuple[int, int]:
        lineno = offset = 0
        for raw in iter_lines(f, self.path):
            lineno += 1
            offset += len(raw)
            if not raw.strip():
                continue
            text = raw.decode("utf-8", "replace")
            try:
                header = _loads(raw)
            except ValueError:
                raise format_error(self.path, lineno, "not valid JSON", text) from None
            if not isinstance(header, dict) or header.get("format") != FORMAT_NAME:
                reason = f'expected the header line {{"format": "{FORMAT_NAME}", ...}}'
                raise format_error(self.path, lineno, reason, text)
            version: Any = header.get("version")
            if not _nonneg_int(version) or version > VERSION:
                raise format_error(
                    self.path, lineno, f"format version {version!r} is not supported (this reader: {VERSION})", text
                )
            coords = header.get("coords")
            if not isinstance(coords, list) or not coords or any(c not in COORD_SETS for c in coords):
                raise format_error(self.path, lineno, "header field 'coords' must list 'world' and/or 'image'", text)
            fps = header.get("fps")
            if fps is not None and not (isinstance(fps, (int, float)) and fps > 0):
                reason = f"header field 'fps' must be a number > 0 or null, got {fps!r}"
                raise format_error(self.path, lineno, reason, text)
            avatar = header.get("avatar")
            if avatar is not None:
                try:
                    if not isinstance(avatar, dict):
                        raise ValueError(f"must be an object, got {avatar!r}")
                    AvatarSettings.from_json(avatar)
                except ValueError as exc:
                    raise format_error(self.path, lineno, f"header field 'avatar': {exc}", text) from None
            self._header = header
            try:
                self._coords = normalize_coords(self._want, tuple(c for c in COORD_SETS if c in coords))
            except ValueError as exc:
                raise FormatError(str(exc)) from None
            if any(c not in coords for c in self._coords):
                raise FormatError(f"{self.path}: holds {'+'.join(coords)} coordinates, not {'+'.join(self._coords)}")
            return offset, lineno + 1
        raise FormatError(f"{self.path}: empty file: expected the JSONL header line")

    @property
    def info(self) -> RecordingInfo:
        h = self._header
        fps = self._fps_override if self._fps_override is not None else h.get("fps")
        source: dict[str, Any] = h["source"] if isinstance(h.get("source"), dict) else {}
        angles: list[Any] = h["angles"] if isinstance(h.get("angles"), list) else []
        max_people: Any = h.get("max_people")
        people = int(max_people) if _nonneg_int(max_people) and max_people >= 1 else 1
        return RecordingInfo(
            "jsonl",
            None if fps is None else float(fps),
            self._coords,
            source,
            tuple(map(str, angles)),
            h["version"],
            people,
            h.get("hands") is True,
            h.get("avatar"),
        )

    def _parse_frame(self, text: str, lineno: int) -> PoseFrame:
        try:
            obj = _loads(text)
        except ValueError:
            raise format_error(self.path, lineno, "not valid JSON", text) from None
        if not isinstance(obj, dict):
            raise format_error(self.path, lineno, "a frame must be a JSON object", text)
        for key in ("seq", "captured_ns"):
            if not _nonneg_int(obj.get(key)):
                raise format_error(self.path, lineno, f"field {key!r} must be an integer >= 0", text)
        t = obj.get("t")
        if not isinstance(t, (int, float)) or isinstance(t, bool) or not math.isfinite(t):
            raise format_error(self.path, lineno, "field 't' must be a finite number", text)
        blocks = self._blocks(obj, lineno, text, "")
        angles = self._angles(obj.get("angles"), lineno, text, "field 'angles'")
        people = self._people(obj.get("people"), lineno, text)
        if self._header.get("hands") is not True:
            return PoseFrame(obj["seq"], float(t), obj["captured_ns"], blocks["image"], blocks["world"], angles, people)
        left, right = self._hands(obj, lineno, text, "")
        return PoseFrame(
            obj["seq"], float(t), obj["captured_ns"], blocks["image"], blocks["world"], angles, people,
            left_hand=left, right_hand=right, hands=True,
        )  # fmt: skip

    def _hands(self, obj: dict[str, Any], lineno: int, text: str, who: str) -> tuple[Hand | None, Hand | None]:
        """The ``left_hand`` and ``right_hand`` of a frame or a person (``null`` or absent: not found)."""
        hands: list[Hand | None] = []
        for key in ("left_hand", "right_hand"):
            value = obj.get(key)
            if value is None:
                hands.append(None)
                continue
            score = value.get("score") if isinstance(value, dict) else None
            if not isinstance(score, (int, float)) or isinstance(score, bool) or not 0 <= score <= 1:
                raise format_error(self.path, lineno, f"{who}field {key!r} must be null or a hand with a score", text)
            sets: dict[str, np.ndarray | None] = {"world": None, "image": None}
            for name in self._coords:
                try:
                    sets[name] = _block(value.get(name), HAND_BLOCK_SHAPE)
                except (ValueError, TypeError) as exc:
                    raise format_error(self.path, lineno, f"{who}field {key}.{name} {exc}", text) from None
            hands.append(Hand(sets["image"], sets["world"], float(score)))
        return hands[0], hands[1]

    def _blocks(self, obj: dict[str, Any], lineno: int, text: str, who: str) -> dict[str, np.ndarray | None]:
        """The coordinate sets of a frame (``who`` empty) or of a person (``who`` "person N: ")."""
        blocks: dict[str, np.ndarray | None] = {"world": None, "image": None}
        for name in self._coords:
            try:
                blocks[name] = _block(obj.get(name))
            except (ValueError, TypeError) as exc:
                raise format_error(self.path, lineno, f"{who}field {name!r} {exc}", text) from None
        return blocks

    def _angles(self, angles: Any, lineno: int, text: str, what: str) -> dict[str, float | None] | None:
        if angles is None:
            return None
        ok = isinstance(angles, dict) and all(
            v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)) for v in angles.values()
        )
        if not ok:
            raise format_error(self.path, lineno, f"{what} must map names to numbers or null", text)
        return {str(k): (None if v is None else float(v)) for k, v in angles.items()}

    def _people(self, value: Any, lineno: int, text: str) -> tuple[Person, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            raise format_error(self.path, lineno, "field 'people' must be a list", text)
        people = []
        for item in value:
            if not isinstance(item, dict) or not _nonneg_int(item.get("id")):
                raise format_error(self.path, lineno, "each person needs an integer 'id' >= 0", text)
            blocks = self._blocks(item, lineno, text, f"person {item['id']}: ")
            root = item.get("root")
            if root is not None and not (
                isinstance(root, list)
                and len(root) == 3
                and all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in root)
            ):
                raise format_error(self.path, lineno, f"person {item['id']}: 'root' must be 3 numbers or null", text)
            angles = self._angles(item.get("angles"), lineno, text, f"person {item['id']}: 'angles'")
            root3 = None if root is None else (float(root[0]), float(root[1]), float(root[2]))
            left, right = self._hands(item, lineno, text, f"person {item['id']}: ")
            people.append(Person(item["id"], blocks["image"], blocks["world"], root3, angles, None, left, right))
        if len({p.id for p in people}) != len(people):
            raise format_error(self.path, lineno, "two people with the same 'id'", text)
        return tuple(sorted(people, key=lambda p: p.id))
