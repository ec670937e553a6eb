"""BlazePose through MediaPipe's maintained Tasks API (``PoseLandmarker``), kept off the event loop.

Running modes, chosen by what the frames are:

- **VIDEO** for video files, image sequences *and webcams* (the default). Frames come in
  time order; the detector runs on the first frame and whenever tracking is lost, the
  landmark model tracks in between from the previous frame's pose. For a
  webcam, VIDEO rather than LIVE_STREAM: our decoder already keeps only the newest
  camera frame (inference slower than the camera skips frames instead of queueing
  them), and VIDEO returns each result synchronously with the frame it belongs to, on
  the inference thread, so there is no second dropping policy, no callback thread to hand
  results back from, and the stream equals what ``detect_for_video`` returns on the same
  frames (which the tests check).
- **IMAGE** when ``static_image_mode`` is set: every frame is an unrelated picture
  (one per camera position in a study); the detector runs every time, nothing carries over.

Timestamps: VIDEO mode needs strictly increasing integer milliseconds. A frame at ``t``
seconds on its source's timeline gets ``round(t * 1000)``, raised to one more than the
previous frame's when two frames would share a millisecond (sources above 1000 fps).

``presence`` and ``visibility`` are MediaPipe's own values per landmark.

The model (``lite``, ``full``, ``heavy`` or a ``.task`` file) is resolved by
:mod:`bridge.pose.models`: a named model missing from the cache is downloaded, or for
``full`` built offline, the first time.

With ``hands`` on, :meth:`Estimator.detect` also finds each pose's hands (:mod:`bridge.pose.hands`:
``HandLandmarker`` on crops around the pose's wrists, same running mode, same timestamps).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ModelMissingError, UserError, missing_library_message
from ..frame import BLOCK_SHAPE, Block, Hand
from .models import DEFAULT_MODEL, MODEL_NAMES, resolve_hand_model, resolve_model

# MediaPipe's native code logs through glog/absl: keep its INFO lines off the user's terminal.
os.environ.setdefault("GLOG_minloglevel", "2")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


@dataclass(frozen=True, slots=True)
class EstimatorOptions:
    """BlazePose settings. The thresholds' defaults are MediaPipe's own (0.5)."""

    #: ``lite``, ``full`` or ``heavy`` (cached by name), or a path to a ``.task`` bundle.
    model: str = DEFAULT_MODEL
    #: Detect anew in every frame (IMAGE mode) instead of tracking (VIDEO mode): for
    #: frames that are unrelated images, e.g. one frame per camera position.
    static_image_mode: bool = False
    min_detection_confidence: float = 0.5
    #: Below this pose presence score a tracked pose counts as lost.
    min_presence_confidence: float = 0.5
    min_tracking_confidence: float = 0.5
    #: How many people the engine looks for (``--max-people``); above 1 the sources track them.
    num_poses: int = 1
    #: The camera's horizontal field of view in degrees, for placing several people in one space.
    camera_fov: float = 60.0
    #: Find each person's hands too (``--hands``): 21 landmarks per hand (:mod:`bridge.pose.hands`).
    hands: bool = False
    #: The hand landmarker bundle (a ``.task`` path); ``None``: the cached one, fetched or built when missing.
    hand_model: str | None = None

    def validate(self) -> None:
        """Raise :class:`UserError` naming the first bad value (the model file is checked on load)."""
        if not self.model:
            raise UserError(f"--model must be one of {', '.join(MODEL_NAMES)} or a .task file")
        for name in ("min_detection_confidence", "min_presence_confidence", "min_tracking_confidence"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise UserError(f"{name.replace('_', ' ')} must be between 0 and 1, got {value}")
        if self.num_poses < 1:
            raise UserError(f"the number of poses must be at least 1, got {self.num_poses}")
        if not 0 < self.camera_fov < 180:
            raise UserError(f"the camera's field of view must be between 0 and 180 degrees, got {self.camera_fov}")


def frame_timestamp_ms(t: float) -> int:
    """The VIDEO-mode timestamp of a frame at ``t`` seconds (before the strictly-increasing fix-up)."""
    return round(t * 1000.0)


def landmark_rows(landmarks: Sequence[Any]) -> list[tuple[float, float, float, float, float]]:
    """MediaPipe landmarks as ``(x, y, z, visibility, presence)`` rows; an unset visibility or presence is 1.0
    (the pose landmarker sets both; the hand landmarker neither)."""
    return [
        (
            lm.x,
            lm.y,
            lm.z,
            1.0 if lm.visibility is None else lm.visibility,
            1.0 if lm.presence is None else lm.presence,
        )
        for lm in landmarks
    ]


def landmarks_to_block(landmarks: Sequence[Any]) -> Block:
    """MediaPipe landmarks (``x, y, z, visibility, presence``) → a read-only (33, 5) float32 block.

    A ``visibility`` or ``presence`` MediaPipe left unset (the Tasks engine sets both) is 1.0.
    """
    block = np.array(landmark_rows(landmarks), dtype=np.float32)
    if block.shape != BLOCK_SHAPE:
        raise RuntimeError(f"MediaPipe returned {block.shape[0]} landmarks, expected {BLOCK_SHAPE[0]}")
    block.flags.writeable = False
    return block


#: One pose found by :meth:`Estimator.detect`: image and world landmarks, left and right hand.
Detection = tuple[Block, Block | None, Hand | None, Hand | None]


class Estimator:
    """One ``PoseLandmarker`` (with ``hands``, a hand finder too). Not thread-safe: create and use it on one thread.

    Creating it resolves the model (which may download or build it once: see
    :mod:`bridge.pose.models`) and raises :class:`~bridge.errors.ModelMissingError` when
    the model cannot be had, :class:`~bridge.errors.UserError` for bad options.
    ``model_path`` overrides the model named in the options (an already resolved file).
    """

    def __init__(self, options: EstimatorOptions | None = None, *, model_path: Path | None = None) -> None:
        self.options = options or EstimatorOptions()
        self.options.validate()
        self.model_path = model_path if model_path is not None else resolve_model(self.options.model)
        self.hand_model_path = resolve_hand_model(self.options.hand_model) if self.options.hands else None
        self._landmarker: Any = None
        self._hands: Any = None
        self._last_ms = -1
        self._open()

    def _open(self) -> None:
        from mediapipe.tasks.python.core.base_options import BaseOptions
        from mediapipe.tasks.python.vision import PoseLandmarker, PoseLandmarkerOptions, RunningMode

        o = self.options
        options = PoseLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(self.model_path)),
            running_mode=RunningMode.IMAGE if o.static_image_mode else RunningMode.VIDEO,
            num_poses=o.num_poses,
            min_pose_detection_confidence=o.min_detection_confidence,
            min_pose_presence_confidence=o.min_presence_confidence,
            min_tracking_confidence=o.min_tracking_confidence,
            output_segmentation_masks=False,
        )
        try:
            self._landmarker = PoseLandmarker.create_from_options(options)
        except OSError as exc:  # libmediapipe.so could not be loaded
            raise UserError(missing_library_message(exc) or f"MediaPipe cannot start: {exc}") from None
        except (RuntimeError, ValueError) as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ModelMissingError(f"MediaPipe cannot load the model {self.model_path}: {first}") from None
        if self.hand_model_path is not None:
            from .hands import HandFinder

            try:
                self._hands = HandFinder(
                    self.hand_model_path,
                    static_image_mode=o.static_image_mode,
                    min_detection=o.min_detection_confidence,
                    min_presence=o.min_presence_confidence,
                    min_tracking=o.min_tracking_confidence,
                )
            except BaseException:
                self.close()
                raise
        self._last_ms = -1

    def reset(self) -> None:
        """Start over: forget the tracked person and the timeline (a looping file restarts at t = 0)."""
        self.close()
        self._open()

    def process(self, rgb: np.ndarray, t: float | None = None) -> tuple[Block | None, Block | None]:
        """Run BlazePose on one RGB ``uint8`` (H, W, 3) frame; ``(image, world)`` or ``(None, None)``.

        ``t``: the frame's time in seconds on its source's timeline (VIDEO mode; frames must
        come in time order); ``None`` puts it 1/30 s after the previous one. Ignored in
        IMAGE mode. With several poses found, the first one MediaPipe returns is given.
        """
        poses = self.process_all(rgb, t)
        return poses[0] if poses else (None, None)

    def process_all(self, rgb: np.ndarray, t: float | None = None) -> list[tuple[Block, Block | None]]:
        """Like :meth:`process`, every pose found (up to ``num_poses``), in MediaPipe's order (no identity)."""
        return [(image, world) for image, world, _, _ in self.detect(rgb, t)]

    def detect(self, rgb: np.ndarray, t: float | None = None) -> list[Detection]:
        """Like :meth:`process_all`, with each pose's ``(left, right)`` hands (``None`` without ``hands``,
        or when that hand is not found in this frame)."""
        import mediapipe as mp

        if self._landmarker is None:
            raise RuntimeError("the estimator is closed")
        image = mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb))
        if self.options.static_image_mode:
            result = self._landmarker.detect(image)
        else:
            ms = self._last_ms + 33 if t is None else frame_timestamp_ms(t)
            ms = max(ms, self._last_ms + 1)
            self._last_ms = ms
            result = self._landmarker.detect_for_video(image, ms)
        worlds = result.pose_world_landmarks or []
        poses = [
            (landmarks_to_block(lms), landmarks_to_block(worlds[i]) if i < len(worlds) else None)
            for i, lms in enumerate(result.pose_landmarks or [])
        ]
        if self._hands is None or not poses:
            return [(image, world, None, None) for image, world in poses]
        hands = self._hands.find(rgb, poses, self._last_ms)
        return [(image, world, left, right) for (image, world), (left, right) in zip(poses, hands, strict=True)]

    def close(self) -> None:
        """Release the MediaPipe graph. Idempotent."""
        landmarker, self._landmarker = self._landmarker, None
        if landmarker is not None:
            landmarker.close()
        hands, self._hands = self._hands, None
        if hands is not None:
            hands.close()

    def __enter__(self) -> Estimator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
