"""Hands (``--hands``): 21 landmarks per hand, found in crops around each pose's wrists.

**Why crops from the pose wrists** (measured on this machine: ``docs/benchmarks.md`` ``## Hands``,
``benchmarks/hands.py`` repeats it). Three ways were open with MediaPipe's Tasks API:

- ``HandLandmarker`` on the **whole frame**: its palm detector sees the picture at 192 × 192, so hands a
  few dozen pixels across are lost: 0.99 hands a frame on messi5 (of 2), none at all on the basketball
  clips, 11–21 ms a frame. It also knows nothing of people: its handedness label assumes a mirrored
  selfie and says nothing about *whose* hand it is.
- ``HolisticLandmarker``: one person only (``--max-people`` needs several), and its bundle carries
  face models the offline route cannot build from the 0.10.21 wheel's files; the issue's measurement
  of the legacy Holistic solution was 45 ms a frame with the face mesh on, twice the pose alone.
- **Crops from the pose wrists** (chosen): for each pose and side, a square around the wrist and the
  pose's index/pinky points (8 × the wrist-to-knuckles distance, at least half the shoulder width),
  scaled to 256 × 256 pixels, goes through ``HandLandmarker``: 2.00 hands a frame on messi5, 0.97 on
  basketball1 (its other hand is behind the ball), 0.55 on basketball2's two players; hands belong to
  a person by construction. In VIDEO mode each (pose, side) slot keeps its own tracker, so the palm
  detector runs only when a hand is (re)acquired: about 10 ms per visible hand on top of the pose
  (one person with both hands visible: 25.6 frames/s on this 2-core machine).

**Attachment** is by position, never by MediaPipe's handedness label: a hand found in a crop is
kept for the (pose, side) whose pose wrist its wrist lies near (within a quarter of the crop);
when one hand is claimed twice (two hands close together, two people's crops overlapping) the
nearest claim wins and the other side gets nothing. A slot whose tracker followed a hand that is
not its own is reset (at most every :data:`RESET_INTERVAL_MS`: recreating a landmarker costs about
20 ms, and two hands held together would otherwise cost it every frame), so that it detects afresh.

**Never stale**: a hand is reported only when the hand model finds it in *this* frame (its
presence score above ``min_presence``); otherwise that side is ``None``.

**No hand visible** (VIDEO mode): a slot whose crop held no hand is searched again only every
:data:`RETRY_MS` (about every third frame at 30 fps) rather than every frame, since each search runs
the palm detector; until then that side is ``None``. A hand coming into view is thus picked up within
about 0.1 s, and a person whose hands are hidden costs a third of the palm detector's time.

**Coordinates**: image landmarks are mapped from the crop back to the whole image (x, y
normalized by the image's width and height; z, MediaPipe's depth relative to the hand's wrist,
scaled like x). World landmarks: MediaPipe gives them in meters around the hand's own centre,
with the camera's axes (the crops are not rotated, so no rotation comes in); they are moved so
that the hand's wrist lies on the body's world wrist landmark, which puts them in the body's
world space (hip origin), usable with it directly. MediaPipe leaves the hand landmarks'
``visibility`` and ``presence`` unset: they are 1.0, as SPEC §4 says for such sources. The
``score`` is the hand model's handedness confidence (the only per-hand score the Tasks API
returns; the presence score only gates).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from ..errors import ModelMissingError
from ..frame import HAND_BLOCK_SHAPE, Block, Hand
from .engine import landmark_rows

#: Side of the crop given to the hand model, in pixels.
CROP_PIXELS = 256
#: The crop's side in units of the pose's wrist-to-knuckles distance, and its minimum in shoulder widths.
CROP_HAND_SCALE = 8.0
CROP_MIN_SHOULDERS = 0.5
#: A hand is kept for a side when its wrist lies within this fraction of the crop of the pose wrist.
MAX_WRIST_DISTANCE = 0.25
#: Pose landmark indices per side: (wrist, pinky, index), and the shoulders.
_SIDE_POINTS = {"left": (15, 17, 19), "right": (16, 18, 20)}
_SHOULDERS = (11, 12)
SIDES = ("left", "right")
#: Shortest time between two resets of one slot's tracker, in VIDEO-mode milliseconds.
RESET_INTERVAL_MS = 500
#: After a crop held no hand, the time before that slot is searched again (VIDEO mode), milliseconds.
RETRY_MS = 90

Hands = tuple[Hand | None, Hand | None]


@dataclass(frozen=True, slots=True)
class Crop:
    """A square of the image: top-left corner ``(x0, y0)`` and side ``size``, in pixels."""

    x0: float
    y0: float
    size: float


def hand_crop(image: Block, side: str, width: int, height: int) -> Crop | None:
    """The square around one pose's ``side`` hand, or ``None`` when it lies wholly outside the image.

    Centred between the wrist and the midpoint of the pose's pinky and index points, with a side of
    :data:`CROP_HAND_SCALE` × the wrist-to-knuckles distance, at least :data:`CROP_MIN_SHOULDERS`
    shoulder widths and 32 pixels (a hand seen edge-on has a short wrist-to-knuckles distance).
    """
    wrist_i, pinky_i, index_i = _SIDE_POINTS[side]
    scale = np.array([width, height], dtype=np.float64)
    wrist = image[wrist_i, :2].astype(np.float64) * scale
    knuckles = (image[pinky_i, :2].astype(np.float64) + image[index_i, :2].astype(np.float64)) / 2 * scale
    shoulders = np.linalg.norm((image[_SHOULDERS[0], :2] - image[_SHOULDERS[1], :2]).astype(np.float64) * scale)
    size = max(CROP_HAND_SCALE * float(np.linalg.norm(knuckles - wrist)), CROP_MIN_SHOULDERS * float(shoulders), 32.0)
    if not np.isfinite(size) or not np.isfinite(wrist).all() or not np.isfinite(knuckles).all():
        return None
    cx, cy = (wrist + knuckles) / 2
    x0, y0 = cx - size / 2, cy - size / 2
    if x0 >= width or y0 >= height or x0 + size <= 0 or y0 + size <= 0:
        return None
    return Crop(float(x0), float(y0), float(size))


def cut(rgb: np.ndarray, crop: Crop, pixels: int = CROP_PIXELS) -> np.ndarray:
    """The crop as a ``pixels`` × ``pixels`` RGB image (black outside the frame)."""
    k = pixels / crop.size
    m = np.array([[k, 0.0, -crop.x0 * k], [0.0, k, -crop.y0 * k]], dtype=np.float64)
    return np.ascontiguousarray(cv2.warpAffine(rgb, m, (pixels, pixels), flags=cv2.INTER_LINEAR))


def _rows(landmarks: Sequence[Any]) -> np.ndarray:
    return np.array(landmark_rows(landmarks), dtype=np.float64)


@dataclass(slots=True)
class _Candidate:
    pose: int
    side: str
    distance: float  # pixels from the pose wrist
    pixels: np.ndarray  # (21, 2) image pixels, for telling hands apart
    hand: Hand


def _candidate(
    pose_i: int, side: str, image: Block, world: Block | None, crop: Crop, lms: Any, wlms: Any, score: float,
    width: int, height: int,
) -> _Candidate | None:  # fmt: skip
    rows = _rows(lms)
    if rows.shape != HAND_BLOCK_SHAPE:
        return None
    img = rows.copy()
    img[:, 0] = (crop.x0 + rows[:, 0] * crop.size) / width
    img[:, 1] = (crop.y0 + rows[:, 1] * crop.size) / height
    img[:, 2] = rows[:, 2] * crop.size / width
    pixels = img[:, :2] * (width, height)
    wrist_i = _SIDE_POINTS[side][0]
    pose_wrist = image[wrist_i, :2].astype(np.float64) * (width, height)
    distance = float(np.linalg.norm(pixels[0] - pose_wrist))
    hand_world = None
    if world is not None and wlms is not None:
        w = _rows(wlms)
        if w.shape == HAND_BLOCK_SHAPE:
            w[:, :3] += world[wrist_i, :3].astype(np.float64) - w[0, :3]
            w[:, 3:] = 1.0
            hand_world = w
    if not (np.isfinite(img).all() and (hand_world is None or np.isfinite(hand_world).all())):
        return None
    hand = Hand(
        img.astype(np.float32), None if hand_world is None else hand_world.astype(np.float32), min(max(score, 0.0), 1.0)
    )
    return _Candidate(pose_i, side, distance, pixels, hand)


def _same_hand(a: np.ndarray, b: np.ndarray) -> bool:
    """Two detections of one hand: their landmarks lie within a fifth of the hand's size of each other."""
    extent = float(np.ptp(a, axis=0).max())
    return float(np.linalg.norm(a - b, axis=1).mean()) < 0.2 * max(extent, 1.0)


class HandFinder:
    """MediaPipe's ``HandLandmarker`` on crops around each pose's wrists. Not thread-safe (one thread).

    ``model_path``: a hand landmarker bundle (:func:`bridge.pose.models.resolve_hand_model`).
    ``static_image_mode``: IMAGE mode (every frame detects afresh, one shared landmarker) instead of
    VIDEO mode (one tracking landmarker per pose slot and side, created as poses appear).
    Raises :class:`~bridge.errors.ModelMissingError` when MediaPipe cannot load the model.
    """

    def __init__(
        self,
        model_path: Path,
        *,
        static_image_mode: bool = False,
        min_detection: float = 0.5,
        min_presence: float = 0.5,
        min_tracking: float = 0.5,
    ) -> None:
        self.model_path = model_path
        self.static_image_mode = static_image_mode
        self._thresholds = (min_detection, min_presence, min_tracking)
        self._image: Any = None
        self._slots: dict[tuple[int, str], Any] = {}
        self._resets: dict[tuple[int, str], int] = {}  # slot → ms of its last reset
        self._empty: dict[tuple[int, str], int] = {}  # slot → ms of its last search that found no hand
        if static_image_mode:
            self._image = self._create(num_hands=2)
        else:
            self._create(num_hands=1).close()  # load the model now: a bad bundle fails here, not mid-stream

    def _create(self, num_hands: int) -> Any:
        from mediapipe.tasks.python.core.base_options import BaseOptions
        from mediapipe.tasks.python.vision import HandLandmarker, HandLandmarkerOptions, RunningMode

        detection, presence, tracking = self._thresholds
        options = HandLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(self.model_path)),
            running_mode=RunningMode.IMAGE if self.static_image_mode else RunningMode.VIDEO,
            num_hands=num_hands,
            min_hand_detection_confidence=detection,
            min_hand_presence_confidence=presence,
            min_tracking_confidence=tracking,
        )
        try:
            return HandLandmarker.create_from_options(options)
        except (RuntimeError, ValueError) as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ModelMissingError(f"MediaPipe cannot load the hand model {self.model_path}: {first}") from None

    def find(self, rgb: np.ndarray, poses: Sequence[tuple[Block, Block | None]], ms: int = 0) -> list[Hands]:
        """The ``(left, right)`` hands of each pose, in the order of ``poses``.

        ``rgb``: the frame the poses were found in; ``ms``: its VIDEO-mode timestamp (strictly
        increasing; ignored in IMAGE mode). A side is ``None`` when its hand is not found in this
        frame, its crop lies outside the image, or the hand found there belongs to another side.
        """
        import mediapipe as mp

        height, width = rgb.shape[:2]
        candidates: list[_Candidate] = []
        used: set[tuple[int, str]] = set()
        for i, (image, world) in enumerate(poses):
            for side in SIDES:
                crop = hand_crop(image, side, width, height)
                if crop is None:
                    continue
                key = (i, side)
                if not self.static_image_mode and key in self._empty and 0 <= ms - self._empty[key] < RETRY_MS:
                    continue  # nothing there a moment ago: look again a little later
                picture = mp.Image(image_format=mp.ImageFormat.SRGB, data=cut(rgb, crop))
                if self.static_image_mode:
                    result = self._image.detect(picture)
                else:
                    slot = self._slots.get((i, side))
                    if slot is None:
                        slot = self._slots[(i, side)] = self._create(num_hands=1)
                    used.add((i, side))
                    result = slot.detect_for_video(picture, ms)
                if not self.static_image_mode:
                    if result.hand_landmarks:
                        self._empty.pop(key, None)
                    else:
                        self._empty[key] = ms
                worlds = result.hand_world_landmarks or []
                for k, lms in enumerate(result.hand_landmarks or []):
                    score = (
                        result.handedness[k][0].score if k < len(result.handedness) and result.handedness[k] else 1.0
                    )
                    c = _candidate(
                        i, side, image, world, crop, lms, worlds[k] if k < len(worlds) else None, score, width, height
                    )
                    if c is not None and c.distance <= MAX_WRIST_DISTANCE * crop.size:
                        candidates.append(c)
                    elif not self.static_image_mode:
                        self._reject((i, side), ms)  # it tracks somebody else's hand: detect afresh
        found: list[list[Hand | None]] = [[None, None] for _ in poses]
        kept: list[_Candidate] = []
        for c in sorted(candidates, key=lambda c: c.distance):
            if found[c.pose][SIDES.index(c.side)] is not None or any(_same_hand(c.pixels, k.pixels) for k in kept):
                if not self.static_image_mode:
                    self._reject((c.pose, c.side), ms)
                continue
            found[c.pose][SIDES.index(c.side)] = c.hand
            kept.append(c)
        return [(left, right) for left, right in found]

    def _reject(self, key: tuple[int, str], ms: int) -> None:
        if ms - self._resets.get(key, -RESET_INTERVAL_MS) >= RESET_INTERVAL_MS:
            self._resets[key] = ms
            self._reset_slot(key)

    def _reset_slot(self, key: tuple[int, str]) -> None:
        slot = self._slots.pop(key, None)
        if slot is not None:
            slot.close()

    def reset(self) -> None:
        """Forget every tracked hand (a looping file restarts its timeline)."""
        for key in list(self._slots):
            self._reset_slot(key)
        self._resets.clear()
        self._empty.clear()

    def close(self) -> None:
        """Release every landmarker. Idempotent."""
        self.reset()
        image, self._image = self._image, None
        if image is not None:
            image.close()
