"""The BlazePose estimator wrapper: real MediaPipe on real photos."""

from __future__ import annotations

from pathlib import Path

import cv2
import mediapipe as mp
import numpy as np
import pytest

from bridge.errors import ModelMissingError, UserError
from bridge.estimator import Estimator, EstimatorOptions, check_model, model_path

pytestmark = pytest.mark.blazepose


def _rgb(path: Path) -> np.ndarray:
    return cv2.cvtColor(cv2.imread(str(path)), cv2.COLOR_BGR2RGB)


@pytest.mark.parametrize("static", [False, True])
def test_estimator_returns_what_mediapipe_returns(media: Path, static: bool) -> None:
    images = [_rgb(media / name) for name in ("basketball1.png", "basketball2.png", "messi5.jpg")]
    with mp.solutions.pose.Pose(static_image_mode=static, model_complexity=1) as pose:
        expected = []
        for img in images:
            lms = pose.process(img).pose_world_landmarks
            expected.append(None if lms is None else np.array([(p.x, p.y, p.z, p.visibility) for p in lms.landmark]))
    assert sum(e is not None for e in expected) >= 2
    with Estimator(EstimatorOptions(static_image_mode=static)) as est:
        for img, ref in zip(images, expected, strict=True):
            image, world = est.process(img)
            if ref is None:  # video mode: tracking may lose the person across unrelated photos, like MediaPipe
                assert image is None and world is None
                continue
            assert image is not None and world is not None
            assert not world.flags.writeable and world.dtype == np.float32
            np.testing.assert_array_equal(world[:, :4], ref.astype(np.float32))


def test_nobody_in_the_picture(media: Path) -> None:
    blank = np.full((480, 640, 3), 128, np.uint8)
    with Estimator() as est:
        assert est.process(blank) == (None, None)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (EstimatorOptions(model_complexity=3), "model complexity must be 0, 1 or 2"),
        (EstimatorOptions(min_detection_confidence=1.5), "min detection confidence must be between 0 and 1"),
        (EstimatorOptions(min_tracking_confidence=-0.1), "min tracking confidence must be between 0 and 1"),
    ],
)
def test_bad_options(options: EstimatorOptions, message: str) -> None:
    with pytest.raises(UserError, match=message):
        Estimator(options)


def test_bundled_model_is_found_and_missing_ones_are_explained() -> None:
    assert check_model(1).name == "pose_landmark_full.tflite"
    for complexity in (0, 2):
        if model_path(complexity).exists():
            continue
        with pytest.raises(ModelMissingError, match=f"model_complexity={complexity} needs"):
            Estimator(EstimatorOptions(model_complexity=complexity))
