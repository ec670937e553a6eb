"""Evaluation figures are written, are PNGs, and are not blank."""

from __future__ import annotations

from pathlib import Path

import matplotlib.image
import numpy as np

from bridge.evaluation import default_joint_map, evaluate, skeletons_from_bones, skeletons_from_poses
from bridge.evaluation.plots import evaluation_plots
from tests.test_evaluation_synthetic import predict, truth_frames, truth_points


def assert_not_blank(path: Path, min_std: float = 0.03) -> None:
    """``path`` is a PNG whose pixels vary (a plot, not an empty canvas)."""
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", path
    pixels = matplotlib.image.imread(str(path))[..., :3]
    assert pixels.shape[0] > 100 and pixels.shape[1] > 100, path
    assert float(pixels.std()) > min_std, f"{path} looks blank (pixel std {pixels.std():.4f})"
    # More than two colours: bars/circles on a green->red scale, not just black lines on white.
    colours = np.unique((pixels.reshape(-1, 3) * 255).astype(np.uint8), axis=0)
    assert len(colours) > 50, path


def test_evaluation_plots(tmp_path: Path) -> None:
    pts = truth_points(30)
    truth, jm = skeletons_from_bones(truth_frames(pts), default_joint_map())
    pred = skeletons_from_poses(predict(pts, noise=0.02, undetected=(5, 6, 7)), jm.landmarks)
    ev = evaluate(pred, truth, jm)
    paths = evaluation_plots(ev, tmp_path)
    assert [p.name for p in paths] == ["per_joint.png", "skeleton.png", "error_over_time.png"]
    for p in paths:
        assert_not_blank(p)


def test_blank_image_is_detected(tmp_path: Path) -> None:
    blank = tmp_path / "blank.png"
    matplotlib.image.imsave(str(blank), np.ones((200, 200, 3)))
    try:
        assert_not_blank(blank)
    except AssertionError:
        return
    raise AssertionError("a white image passed the not-blank check")
