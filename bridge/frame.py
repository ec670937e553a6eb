"""`PoseFrame`: one source frame's pose, an immutable value.

A frame always exists, whether or not a person was detected: ``image`` and
``world`` are both ``None`` when nobody was found, so consumers see gaps instead
of silently skipped frames.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from .skeleton import LANDMARK_FIELDS, NUM_HAND_LANDMARKS, NUM_LANDMARKS

if TYPE_CHECKING:
    from .humanoid import HumanoidPose

#: Shape of one landmark block: 33 landmarks × (x, y, z, visibility, presence).
BLOCK_SHAPE = (NUM_LANDMARKS, len(LANDMARK_FIELDS))

#: Shape of one hand block: 21 hand landmarks × (x, y, z, visibility, presence).
HAND_BLOCK_SHAPE = (NUM_HAND_LANDMARKS, len(LANDMARK_FIELDS))

Block = npt.NDArray[np.float32]


def as_block(value: Any, what: str = "landmarks", shape: tuple[int, int] = BLOCK_SHAPE) -> Block:
    """Return ``value`` as a read-only, C-contiguous float32 array of shape ``shape`` (33, 5).

    Accepts anything numpy converts (nested lists, arrays of other dtypes).
    Raises ``ValueError`` naming ``what`` when the shape is wrong. The input is
    copied unless it already is a read-only float32 (33, 5) C-contiguous array
    (such as one decoded from wire bytes with ``np.frombuffer``), which is kept
    as is without a copy.
    """
    arr = np.asarray(value, dtype=np.float32)
    if arr.shape != shape:
        raise ValueError(f"{what} must have shape {shape}, got {arr.shape}")
    if arr.flags.writeable or not arr.flags.c_contiguous:
        arr = np.array(arr, dtype=np.float32, order="C", copy=True)
        arr.flags.writeable = False
    return arr


@dataclass(frozen=True, slots=True)
class Hand:
    """One hand of a person (``--hands``): 21 landmarks in MediaPipe Hands order (``HAND_LANDMARK_NAMES``).

    - ``image``: (21, 5) float32, normalized image coordinates like a body's ``image`` block (z: depth
      relative to the hand's wrist, in roughly the scale of x), or ``None``.
    - ``world``: (21, 5) float32 in meters, in the **body's** world space: MediaPipe's hand world
      landmarks (centred on the hand) moved so that the hand's wrist lies on the body's wrist
      landmark; ``None`` when the body has no world landmarks.
    - ``score``: the hand model's confidence in [0, 1].

    A person's hand is ``None`` when it was not found in this frame: never a stale copy of an earlier one.
    """

    image: Block | None = None
    world: Block | None = None
    score: float = 1.0

    def __post_init__(self) -> None:
        if self.image is not None:
            object.__setattr__(self, "image", as_block(self.image, "hand image", HAND_BLOCK_SHAPE))
        if self.world is not None:
            object.__setattr__(self, "world", as_block(self.world, "hand world", HAND_BLOCK_SHAPE))
        score = float(self.score)
        if not 0.0 <= score <= 1.0:
            raise ValueError(f"a hand's score must be in [0, 1], got {score}")
        object.__setattr__(self, "score", score)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Hand):
            return NotImplemented
        return _block_eq(self.image, other.image) and _block_eq(self.world, other.world) and self.score == other.score

    __hash__ = None  # type: ignore[assignment]


def _freeze_pose(pose: Person | PoseFrame) -> None:
    """Make a frozen pose's ``image``/``world`` read-only float32 blocks and its ``angles`` a read-only mapping."""
    if pose.image is not None:
        object.__setattr__(pose, "image", as_block(pose.image, "image"))
    if pose.world is not None:
        object.__setattr__(pose, "world", as_block(pose.world, "world"))
    if pose.angles is not None and not isinstance(pose.angles, MappingProxyType):
        object.__setattr__(pose, "angles", MappingProxyType(dict(pose.angles)))


@dataclass(frozen=True, slots=True)
class Person:
    """One tracked person in a frame (streams with ``--max-people`` above 1).

    - ``id``: stable while the person stays in view, never reused within a stream (from 1).
    - ``image``, ``world``: as :class:`PoseFrame`'s, for this person (``world`` is centred on
      this person's own hips, as MediaPipe gives it).
    - ``root``: the estimated position of this person's hip midpoint in one space shared by
      everyone in the frame: meters, camera at the origin, MediaPipe's axes (x right, y down,
      z away from the camera); ``None`` when it cannot be estimated. An estimate from image
      position, torso size and the camera's field of view (:func:`bridge.camera.root_position`).
    - ``angles``: this person's joint angles (as :class:`PoseFrame`'s), or ``None``.
    - ``humanoid``: this person's solved humanoid pose (``--avatar``), or ``None``.
    - ``left_hand``, ``right_hand``: this person's own left and right hand (``--hands``), attached
      by position (the hand's wrist near this person's pose wrist), or ``None`` when not found.
    """

    id: int
    image: Block | None = None
    world: Block | None = None
    root: tuple[float, float, float] | None = None
    angles: Mapping[str, float | None] | None = field(default=None)
    humanoid: HumanoidPose | None = None
    left_hand: Hand | None = None
    right_hand: Hand | None = None

    def __post_init__(self) -> None:
        _freeze_pose(self)
        if self.root is not None:
            object.__setattr__(self, "root", tuple(float(v) for v in self.root))

    def replace(self, **changes: Any) -> Person:
        """A copy with some fields changed (arrays are shared: they are read-only)."""
        return dataclasses.replace(self, **changes)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Person):
            return NotImplemented
        return (
            self.id == other.id
            and _block_eq(self.image, other.image)
            and _block_eq(self.world, other.world)
            and self.root == other.root
            and _angles_eq(self.angles, other.angles)
            and bool(self.humanoid == other.humanoid)
            and self.left_hand == other.left_hand
            and self.right_hand == other.right_hand
        )

    __hash__ = None  # type: ignore[assignment]


@dataclass(frozen=True, slots=True)
class PoseFrame:
    """The pose in one source frame.

    - ``seq``: for files the 0-based source frame index; for live sources a running counter.
    - ``t``: source timestamp in seconds (file position; for live sources, since the start).
    - ``captured_ns``: wall clock (``time.time_ns()``) when the frame was grabbed.
    - ``image``: (33, 5) float32 MediaPipe normalized image landmarks, or ``None``.
    - ``world``: (33, 5) float32 MediaPipe world landmarks in meters (hip origin), or ``None``.
    - ``angles``: optional joint angles in degrees by name (``None`` values where a
      joint could not be measured); ``None`` when angles are not computed.
    - ``people``: every tracked person, ordered by id, when the stream tracks several
      people (``--max-people`` above 1); empty otherwise. ``image``/``world`` then hold the
      *primary* person: the one with the lowest id among those in the frame (the one
      tracked longest), so a v1 client keeps following one person.
    - ``humanoid``: the solved humanoid pose (:class:`bridge.humanoid.HumanoidPose`), or ``None`` when
      not computed (no ``--avatar``) or before the solver has seen anybody.
    - ``left_hand``, ``right_hand``: the (primary) person's hands (:class:`Hand`, ``--hands``), or ``None``
      when not found in this frame.
    - ``hands``: the stream carries hands (``--hands``): the frame and each person have ``left_hand`` and
      ``right_hand`` on the wire, ``null`` when not found. Set by itself when any hand is given.

    Arrays are converted to read-only float32 on construction.
    """

    seq: int
    t: float
    captured_ns: int
    image: Block | None = None
    world: Block | None = None
    angles: Mapping[str, float | None] | None = field(default=None)
    people: tuple[Person, ...] = ()
    humanoid: HumanoidPose | None = None
    left_hand: Hand | None = None
    right_hand: Hand | None = None
    hands: bool = False

    def __post_init__(self) -> None:
        _freeze_pose(self)
        if not isinstance(self.people, tuple):
            object.__setattr__(self, "people", tuple(self.people))
        if not self.hands and (
            self.left_hand is not None
            or self.right_hand is not None
            or any(p.left_hand is not None or p.right_hand is not None for p in self.people)
        ):
            object.__setattr__(self, "hands", True)
        ids = [p.id for p in self.people]
        if ids != sorted(set(ids)):
            raise ValueError(f"people must be ordered by id, without repeats, got ids {ids}")

    @property
    def detected(self) -> bool:
        """True when a person was detected (at least one landmark set is present)."""
        return self.image is not None or self.world is not None

    def replace(self, **changes: Any) -> PoseFrame:
        """A copy with some fields changed (arrays are shared: they are read-only)."""
        return dataclasses.replace(self, **changes)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PoseFrame):
            return NotImplemented
        return (
            self.seq == other.seq
            and self.t == other.t
            and self.captured_ns == other.captured_ns
            and _block_eq(self.image, other.image)
            and _block_eq(self.world, other.world)
            and _angles_eq(self.angles, other.angles)
            and self.people == other.people
            and bool(self.humanoid == other.humanoid)
            and self.left_hand == other.left_hand
            and self.right_hand == other.right_hand
            and self.hands == other.hands
        )

    __hash__ = None  # type: ignore[assignment]


def _block_eq(a: Block | None, b: Block | None) -> bool:
    if a is None or b is None:
        return a is b
    return bool(np.array_equal(a, b, equal_nan=True))


def _angles_eq(a: Mapping[str, float | None] | None, b: Mapping[str, float | None] | None) -> bool:
    if a is None or b is None:
        return a is b
    return dict(a) == dict(b)
