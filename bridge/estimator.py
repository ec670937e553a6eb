"""BlazePose through MediaPipe's legacy Pose solution, kept off the event loop.

The estimator runs MediaPipe Pose in video mode (``static_image_mode=False``):
the detector runs on the first frame and whenever tracking is lost, the
landmark model tracks in between. With the defaults (``model_complexity=1``,
``smooth_landmarks=True``, confidences 0.5) the landmarks are exactly what
MediaPipe returns; pose-bridge adds nothing on top.

``presence``: MediaPipe's legacy Pose solution does not fill the landmarks'
``presence`` field. For a detected pose we report 1.0 (the landmark is part of
a detected pose); if a future MediaPipe fills the field, its value is passed on.

Model files: only ``model_complexity=1`` (``pose_landmark_full.tflite``) ships
inside the mediapipe 0.10.21 wheel. Complexities 0 and 2 are downloaded by
MediaPipe from the internet on first use; :func:`check_model` turns their
absence into a :class:`~bridge.errors.ModelMissingError` that says what to do,
instead of a network traceback from deep inside MediaPipe.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .errors import ModelMissingError, UserError
from .frame import BLOCK_SHAPE, Block

MODEL_FILES = {
    0: "pose_landmark_lite.tflite",
    1: "pose_landmark_full.tflite",
    2: "pose_landmark_heavy.tflite",
}
DETECTOR_FILE = "pose_detection.tflite"


@dataclass(frozen=True, slots=True)
class EstimatorOptions:
    """MediaPipe Pose settings. The defaults are MediaPipe's own."""

    model_complexity: int = 1
    smooth_landmarks: bool = True
    #: Run the detector on every frame instead of tracking (frames that are unrelated
    #: images, e.g. one frame per camera position). MediaPipe ignores smoothing then.
    static_image_mode: bool = False
    min_detection_confidence: float = 0.5
    min_tracking_confidence: float = 0.5

    def validate(self) -> None:
        """Raise :class:`UserError` naming the first bad value."""
        if self.model_complexity not in MODEL_FILES:
            raise UserError(f"model complexity must be 0, 1 or 2, got {self.model_complexity}")
        for name in ("min_detection_confidence", "min_tracking_confidence"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise UserError(f"{name.replace('_', ' ')} must be between 0 and 1, got {value}")


def _mediapipe_dir() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("mediapipe")
    if spec is None or not spec.submodule_search_locations:
        raise ModelMissingError("mediapipe is not installed: pip install 'mediapipe==0.10.21'")
    return Path(next(iter(spec.submodule_search_locations)))


def model_path(model_complexity: int) -> Path:
    """Where MediaPipe looks for the landmark model of ``model_complexity``."""
    return _mediapipe_dir() / "modules" / "pose_landmark" / MODEL_FILES[model_complexity]


def check_model(model_complexity: int) -> Path:
    """Return the landmark model's path, or raise :class:`ModelMissingError` saying how to get it."""
    path = model_path(model_complexity)
    detector = _mediapipe_dir() / "modules" / "pose_detection" / DETECTOR_FILE
    if not detector.is_file():
        raise ModelMissingError(f"the BlazePose detector model is missing ({detector}); reinstall mediapipe==0.10.21")
    if not path.is_file():
        raise ModelMissingError(
            f"BlazePose model_complexity={model_complexity} needs {path.name}, which is not installed "
            f"(expected at {path}). MediaPipe downloads it from the internet on first use; on a machine with "
            'internet access run: python -c "import mediapipe as mp; '
            f'mp.solutions.pose.Pose(model_complexity={model_complexity}).close()" '
            "or copy the file there. model_complexity=1 (the default) is bundled and works offline."
        )
    return path


def landmarks_to_block(landmarks: Any, *, detected_presence: float = 1.0) -> Block:
    """Convert a MediaPipe ``LandmarkList``/``NormalizedLandmarkList`` to a read-only (33, 5) float32 block.

    ``presence`` is taken from the landmark when MediaPipe set it, else ``detected_presence``.
    """
    rows = [
        (lm.x, lm.y, lm.z, lm.visibility, lm.presence if lm.HasField("presence") else detected_presence)
        for lm in landmarks.landmark
    ]
    block = np.array(rows, dtype=np.float32)
    if block.shape != BLOCK_SHAPE:
        raise RuntimeError(f"MediaPipe returned {block.shape[0]} landmarks, expected {BLOCK_SHAPE[0]}")
    block.flags.writeable = False
    return block


class Estimator:
    """A MediaPipe Pose instance (video mode unless ``static_image_mode``). Not thread-safe: use it from one thread.

    ``process`` takes an RGB ``uint8`` image (H, W, 3) and returns ``(image,
    world)`` landmark blocks, both ``None`` when nobody is detected.
    """

    def __init__(self, options: EstimatorOptions | None = None) -> None:
        self.options = options or EstimatorOptions()
        self.options.validate()
        check_model(self.options.model_complexity)
        os.environ.setdefault("GLOG_minloglevel", "2")
        from mediapipe.python.solutions import pose as mp_pose

        self._pose = mp_pose.Pose(
            static_image_mode=self.options.static_image_mode,
            model_complexity=self.options.model_complexity,
            smooth_landmarks=self.options.smooth_landmarks,
            enable_segmentation=False,
            min_detection_confidence=self.options.min_detection_confidence,
            min_tracking_confidence=self.options.min_tracking_confidence,
        )

    def process(self, rgb: np.ndarray) -> tuple[Block | None, Block | None]:
        """Run BlazePose on one RGB frame (frames must come in time order)."""
        result = self._pose.process(rgb)
        if result.pose_landmarks is None:
            return None, None
        image = landmarks_to_block(result.pose_landmarks)
        world = landmarks_to_block(result.pose_world_landmarks) if result.pose_world_landmarks else None
        return image, world

    def close(self) -> None:
        """Release the MediaPipe graph. Idempotent."""
        pose, self._pose = getattr(self, "_pose", None), None
        if pose is not None:
            pose.close()

    def __enter__(self) -> Estimator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
