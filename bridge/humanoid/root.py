"""Approximate root motion: where the hips are relative to the camera, from one frame's landmarks.

BlazePose's world landmarks are centred on the hips, so they never move the body through space. The
image landmarks do: this module fits the world landmarks' x–y to the image landmarks (a weak-perspective
camera — one scale and one offset), which gives the image position of the hip centre and the body's
apparent scale; with an assumed vertical field of view that is a distance from the camera.

Limits, stated plainly:

- The focal length is assumed (``fov_y_deg``, default 50°, typical of webcams and phones held upright).
  A wrong field of view scales the depth (and with it the sideways motion) by the same factor.
- Depth comes from the apparent size of the body: it is several times noisier than the sideways and
  vertical motion, and a person who bends or turns looks smaller, so they seem to step back. Smoothing
  (``SolverOptions.smoothing``) helps with the first; nothing here corrects the second.
- The fit uses the trunk and leg landmarks (shoulders, hips, knees, ankles) that are visible; with
  fewer than three of them, or a degenerate fit, there is no estimate for that frame.
- A moving camera moves the root as well.
"""

from __future__ import annotations

import math
from typing import Final

import numpy as np
import numpy.typing as npt

from ..skeleton import INDEX

Array = npt.NDArray[np.float64]

#: Landmarks used for the fit: rigid enough, and usually visible.
FIT_LANDMARKS: Final = tuple(
    INDEX[f"{side}_{part}"] for side in ("left", "right") for part in ("shoulder", "hip", "knee", "ankle")
)
DEFAULT_FOV_Y_DEG: Final[float] = 50.0


def camera_position(
    image: npt.ArrayLike,
    world: npt.ArrayLike,
    *,
    aspect: float,
    fov_y_deg: float = DEFAULT_FOV_Y_DEG,
    min_visibility: float = 0.5,
) -> Array | None:
    """The hip centre's position relative to the camera in meters, Unity axes (x right, y up, z forward).

    ``image`` and ``world`` are (33, 5) blocks of the same frame; ``aspect`` is the image's width / height.
    Returns ``None`` when fewer than 3 fit landmarks are visible in both blocks (visibility ≥
    ``min_visibility``, finite values), or when the fitted scale is not positive.
    """
    img = np.asarray(image, dtype=np.float64)
    wld = np.asarray(world, dtype=np.float64)
    idx = list(FIT_LANDMARKS)
    ok = (
        np.isfinite(img[idx, :2]).all(axis=1)
        & np.isfinite(wld[idx, :2]).all(axis=1)
        & (img[idx, 3] >= min_visibility)
        & (wld[idx, 3] >= min_visibility)
    )
    if int(ok.sum()) < 3 or not (aspect > 0 and math.isfinite(aspect)):
        return None
    sel = [i for i, good in zip(idx, ok, strict=True) if good]
    uv = np.column_stack(((img[sel, 0] - 0.5) * aspect, img[sel, 1] - 0.5))  # image heights, y down
    xy = wld[sel, :2]
    uv_mean, xy_mean = uv.mean(axis=0), xy.mean(axis=0)
    du, dx = uv - uv_mean, xy - xy_mean
    denom = float((dx * dx).sum())
    if denom < 1e-8:
        return None
    s = float((du * dx).sum()) / denom  # image heights per meter = f / depth
    if not s > 1e-6:
        return None
    centre = uv_mean - s * xy_mean  # image position of the world origin (the hip centre)
    f = 0.5 / math.tan(math.radians(fov_y_deg) / 2.0)  # focal length in image heights
    depth = f / s
    x, y = centre * depth / f
    return np.array([x, -y, depth])
