"""Synthetic ground truth and predictions for the evaluation and study tests (plus checks of the generator).

The ground truth is a small animated skeleton in Unity world coordinates (meters, y up), named
with Mixamo bones behind the ``mixamorig2:`` prefix, as the Unity recorder of the thesis wrote
them. Predictions are derived from it the way BlazePose's world landmarks relate to it: rotated
into the camera's frame, centred on the hips, converted to MediaPipe axes — plus known errors.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from bridge.evaluation.geometry import mediapipe_to_unity, world_to_camera
from bridge.frame import PoseFrame
from bridge.skeleton import INDEX, NUM_LANDMARKS

#: Landmark name -> (Mixamo bone, rest position in Unity meters). The person faces -z (a camera at -z sees
#: their front), so their left side is at +x.
REST: dict[str, tuple[str, tuple[float, float, float]]] = {
    "nose": ("Head", (0.0, 1.62, -0.06)),
    "left_shoulder": ("LeftArm", (0.19, 1.42, 0.0)),
    "right_shoulder": ("RightArm", (-0.19, 1.42, 0.0)),
    "left_elbow": ("LeftForeArm", (0.24, 1.15, 0.03)),
    "right_elbow": ("RightForeArm", (-0.24, 1.15, 0.03)),
    "left_wrist": ("LeftHand", (0.27, 0.9, -0.02)),
    "right_wrist": ("RightHand", (-0.27, 0.9, -0.02)),
    "left_hip": ("LeftUpLeg", (0.1, 0.93, 0.0)),
    "right_hip": ("RightUpLeg", (-0.1, 0.93, 0.0)),
    "left_knee": ("LeftLeg", (0.11, 0.5, -0.03)),
    "right_knee": ("RightLeg", (-0.11, 0.5, -0.03)),
    "left_ankle": ("LeftFoot", (0.12, 0.08, 0.02)),
    "right_ankle": ("RightFoot", (-0.12, 0.08, 0.02)),
}
NAMES = tuple(REST)
PREFIX = "mixamorig2:"


def truth_points(frames: int = 20, *, root: tuple[float, float, float] = (1.0, 0.0, 2.0)) -> np.ndarray:
    """(frames, 13, 3) Unity positions: arms and legs swing, the body walks slowly along +x."""
    rest = np.array([REST[n][1] for n in NAMES])
    out = np.empty((frames, len(NAMES), 3))
    for f in range(frames):
        p = rest.copy()
        phase = 2 * np.pi * f / max(frames, 1)
        for name, sign in (("left_elbow", 1), ("left_wrist", 2), ("right_elbow", -1), ("right_wrist", -2)):
            p[NAMES.index(name), 2] += 0.08 * sign * np.sin(phase)
        for name, sign in (("left_knee", -1), ("left_ankle", -2), ("right_knee", 1), ("right_ankle", 2)):
            p[NAMES.index(name), 2] += 0.06 * sign * np.sin(phase)
        out[f] = p + np.array(root) + np.array([0.01 * f, 0.0, 0.0])
    return out


def truth_lines(points: np.ndarray, *, first: int = 0, skip: tuple[int, ...] = ()) -> list[str]:
    """Ground-truth txt lines ``Landmark [FRAME, mixamorig2:Bone]: (x, y, z)`` (Unity's Vector3 style)."""
    lines = []
    for f in range(len(points)):
        if f in skip:
            continue
        for j, name in enumerate(NAMES):
            x, y, z = (float(v) for v in points[f, j])
            lines.append(f"Landmark [{first + f}, {PREFIX}{REST[name][0]}]: ({x!r}, {y!r}, {z!r})")
    return lines


def write_truth(path: Path, points: np.ndarray, **kw: object) -> Path:
    path.write_text("\n".join(truth_lines(points, **kw)) + "\n", encoding="utf-8")  # type: ignore[arg-type]
    return path


def truth_frames(points: np.ndarray, *, first: int = 0) -> list[tuple[int, dict[str, tuple[float, float, float]]]]:
    """The same ground truth as a ground-truth reader yields it: ``(frame, {bone: (x, y, z)})``."""
    return [
        (first + f, {PREFIX + REST[n][0]: tuple(map(float, points[f, j])) for j, n in enumerate(NAMES)})
        for f in range(len(points))
    ]


def predict(
    points: np.ndarray,
    camera: tuple[float, float, float] | None = None,
    *,
    noise: float = 0.0,
    depth_error: float = 0.0,
    scale: float = 1.0,
    seed: int = 0,
    undetected: tuple[int, ...] = (),
) -> list[PoseFrame]:
    """PoseFrames whose world landmarks are ``points`` as BlazePose would report them from ``camera``.

    Hip-centred, in the camera's frame (no camera: Unity axes as they are), MediaPipe axes (y down), times
    ``scale``, plus Gaussian ``noise`` (std per axis, meters) and ``depth_error`` (std along the camera's
    viewing axis only). Frames in ``undetected`` have no landmarks. Landmarks without a ground-truth joint
    sit at the hips' midpoint.
    """
    rng = np.random.default_rng(seed)
    li, ri = NAMES.index("left_hip"), NAMES.index("right_hip")
    out = []
    for f in range(len(points)):
        if f in undetected:
            out.append(PoseFrame(seq=f, t=f / 30, captured_ns=0))
            continue
        p = points[f] - 0.5 * (points[f, li] + points[f, ri])
        if camera is not None:
            p = world_to_camera(p, camera)
        p = scale * p + rng.normal(0.0, noise, p.shape) if noise else scale * p
        if depth_error:
            p[:, 2] += rng.normal(0.0, depth_error, len(p))
        world = np.zeros((NUM_LANDMARKS, 5), dtype=np.float32)
        world[:, 3:] = 1.0
        for j, name in enumerate(NAMES):
            world[INDEX[name], :3] = mediapipe_to_unity(p[j])  # the conversion is its own inverse
        out.append(PoseFrame(seq=f, t=f / 30, captured_ns=0, world=world))
    return out


def test_generator_is_hip_centred_in_mediapipe_axes() -> None:
    pts = truth_points(4)
    frames = predict(pts)
    w = frames[0].world
    assert w is not None
    hips = 0.5 * (w[INDEX["left_hip"], :3] + w[INDEX["right_hip"], :3])
    np.testing.assert_allclose(hips, 0.0, atol=1e-6)
    assert w[INDEX["nose"], 1] < 0 < w[INDEX["left_ankle"], 1]  # y down: the head is above, so negative


def test_truth_lines_format() -> None:
    line = truth_lines(truth_points(1))[0]
    assert line.startswith("Landmark [0, mixamorig2:Head]: (") and line.endswith(")")
