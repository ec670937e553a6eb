"""The pose engine: MediaPipe's Tasks ``PoseLandmarker`` and the models it runs.

- :mod:`bridge.pose.engine`: :class:`Estimator` (one landmarker, VIDEO or IMAGE mode) and
  its :class:`EstimatorOptions`;
- :mod:`bridge.pose.models`: model bundles by name (``lite``, ``full``, ``heavy``) or path,
  cached per user, downloaded online or built offline from the mediapipe 0.10.21 wheel.

Nothing here knows about sockets or clients.
"""

from .engine import Estimator, EstimatorOptions, frame_timestamp_ms, landmarks_to_block
from .models import (
    DEFAULT_MODEL,
    MODEL_NAMES,
    build_full_model,
    build_hand_model,
    fetch_model,
    resolve_hand_model,
    resolve_model,
)

__all__ = [
    "DEFAULT_MODEL",
    "MODEL_NAMES",
    "Estimator",
    "EstimatorOptions",
    "build_full_model",
    "build_hand_model",
    "fetch_model",
    "frame_timestamp_ms",
    "landmarks_to_block",
    "resolve_hand_model",
    "resolve_model",
]
