"""The BlazePose engine wrapper: real MediaPipe Tasks PoseLandmarker on real photos."""

from __future__ import annotations

from pathlib import Path

import cv2
import mediapipe as mp
import numpy as np
import pytest
from mediapipe.tasks.python.core.base_options import BaseOptions
from mediapipe.tasks.python.vision import PoseLandmarker, PoseLandmarkerOptions, RunningMode

from bridge.errors import ModelMissingError, UserError
from bridge.pose import Estimator, EstimatorOptions, frame_timestamp_ms

pytestmark = pytest.mark.blazepose

PHOTOS = ("basketball1.png", "basketball2.png", "messi5.jpg")


def _rgb(path: Path) -> np.ndarray:
    return cv2.cvtColor(cv2.imread(str(path)), cv2.COLOR_BGR2RGB)


def _direct(model: Path, images: list[np.ndarray], static: bool) -> list[tuple[np.ndarray, np.ndarray] | None]:
    """MediaPipe's PoseLandmarker run directly: (image, world) as (33, 5) float32, or None."""
    options = PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(model)),
        running_mode=RunningMode.IMAGE if static else RunningMode.VIDEO,
    )
    out: list[tuple[np.ndarray, np.ndarray] | None] = []
    with PoseLandmarker.create_from_options(options) as landmarker:
        for i, img in enumerate(images):
            mp_image = mp.Image(image_format=mp.ImageFormat.SRGB, data=img)
            result = (
                landmarker.detect(mp_image)
                if static
                else landmarker.detect_for_video(mp_image, frame_timestamp_ms(i / 30))
            )
            if not result.pose_landmarks:
                out.append(None)
                continue

            def rows(lms):  # type: ignore[no-untyped-def]
                return np.array([(p.x, p.y, p.z, p.visibility, p.presence) for p in lms], dtype=np.float32)

            out.append((rows(result.pose_landmarks[0]), rows(result.pose_world_landmarks[0])))
    return out


@pytest.mark.parametrize("static", [False, True])
def test_estimator_returns_what_mediapipe_returns(media: Path, pose_model: Path, static: bool) -> None:
    images = [_rgb(media / name) for name in PHOTOS] * 2
    expected = _direct(pose_model, images, static)
    assert sum(e is not None for e in expected) >= 3
    with Estimator(EstimatorOptions(static_image_mode=static)) as est:
        assert est.model_path == pose_model
        for i, (img, ref) in enumerate(zip(images, expected, strict=True)):
            image, world = est.process(img, i / 30)
            if ref is None:  # video mode: tracking may lose the person across unrelated photos, like MediaPipe
                assert image is None and world is None
                continue
            assert image is not None and world is not None
            assert not world.flags.writeable and world.dtype == np.float32 and world.shape == (33, 5)
            np.testing.assert_array_equal(image, ref[0])
            np.testing.assert_array_equal(world, ref[1])
            assert (image[:, 4] > 0).all() and (image[:, 4] <= 1).all()  # presence is MediaPipe's own now


def test_static_mode_finds_every_person_photo(media: Path) -> None:
    with Estimator(EstimatorOptions(static_image_mode=True)) as est:
        for name in PHOTOS:
            image, world = est.process(_rgb(media / name))
            assert image is not None and world is not None, name
            # world landmarks: meters, origin between the hips
            hips = (world[23, :3] + world[24, :3]) / 2
            assert np.linalg.norm(hips) < 0.05 and 0.2 < np.ptp(world[:, 1]) < 2.5


def test_reset_starts_the_timeline_again(media: Path) -> None:
    """A looping file restarts at t = 0: after reset() the same frames give the same landmarks."""
    img = _rgb(media / "messi5.jpg")
    with Estimator() as est:
        first = [est.process(img, i / 30) for i in range(3)]
        est.reset()
        again = [est.process(img, i / 30) for i in range(3)]
    for (a_img, a_world), (b_img, b_world) in zip(first, again, strict=True):
        assert a_img is not None and b_img is not None and a_world is not None and b_world is not None
        np.testing.assert_array_equal(a_img, b_img)
        np.testing.assert_array_equal(a_world, b_world)


def test_timestamps_only_increase(media: Path) -> None:
    """Two frames in the same millisecond, or a clock going back, never reach MediaPipe as such."""
    img = _rgb(media / "messi5.jpg")
    with Estimator() as est:
        for t in (0.0, 0.0001, 0.0002, 0.5, 0.2, None):
            image, _ = est.process(img, t)
            assert image is not None


def test_nobody_in_the_picture() -> None:
    blank = np.full((480, 640, 3), 128, np.uint8)
    with Estimator() as est:
        assert est.process(blank, 0.0) == (None, None)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (EstimatorOptions(min_detection_confidence=1.5), "min detection confidence must be between 0 and 1"),
        (EstimatorOptions(min_presence_confidence=2), "min presence confidence must be between 0 and 1"),
        (EstimatorOptions(min_tracking_confidence=-0.1), "min tracking confidence must be between 0 and 1"),
        (EstimatorOptions(num_poses=0), "number of poses must be at least 1"),
        (EstimatorOptions(model="nonsense"), "--model must be lite, full, heavy or a .task file"),
    ],
)
def test_bad_options(options: EstimatorOptions, message: str) -> None:
    with pytest.raises(UserError, match=message):
        Estimator(options)


def test_a_file_that_is_not_a_bundle_is_refused(tmp_path: Path) -> None:
    bogus = tmp_path / "model.task"
    bogus.write_bytes(b"<html>404 Not Found</html>")
    with pytest.raises(ModelMissingError, match="not a MediaPipe pose landmarker bundle"):
        Estimator(EstimatorOptions(model=str(bogus)))


def test_a_bundle_mediapipe_cannot_load_is_one_clear_error(tmp_path: Path) -> None:
    import zipfile

    broken = tmp_path / "broken.task"
    with zipfile.ZipFile(broken, "w") as zf:
        zf.writestr("pose_detector.tflite", b"not a model")
        zf.writestr("pose_landmarks_detector.tflite", b"not a model either")
    with pytest.raises(ModelMissingError, match="MediaPipe cannot load the model"):
        Estimator(EstimatorOptions(model=str(broken)))
