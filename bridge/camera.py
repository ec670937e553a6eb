"""Where each person stands: a root position in one space shared by everyone in the frame.

MediaPipe's world landmarks are metric but centred on each person's own hips, so two people
drawn in world coordinates land on top of each other. Their image landmarks, though, are a
perspective projection of the same body. With a pinhole camera of known field of view
(principal point at the image centre, square pixels) and the world landmarks' axes parallel
to the camera's (as MediaPipe gives them: x right, y down, z away from the camera), the hip
midpoint's camera-space position ``T`` is the translation that best projects ``world + T``
onto the image landmarks. Each landmark gives two equations linear in ``T``::

    f·Tx − (u − cx)·Tz = (u − cx)·Z − f·X
    f·Ty − (v − cy)·Tz = (v − cy)·Z − f·Y

solved by least squares over the landmarks seen well (visibility ≥ 0.5), each weighted by
its visibility.

Limits, stated plainly: it is an estimate. The field of view is assumed (``fov`` degrees,
horizontal; 60 by default, a typical webcam) unless the user gives it; a wrong field of view
scales every distance from the camera alike (people keep their relative placement); errors
in MediaPipe's world landmarks (their z especially) feed through; a person seen mostly edge-on
or badly cropped is placed less well. The result is ``None`` when fewer than 4 landmarks
are seen well or the solution lies behind the camera.
"""

from __future__ import annotations

import math

import numpy as np

from .frame import Block

DEFAULT_FOV = 60.0


def focal_length(width: int, fov: float = DEFAULT_FOV) -> float:
    """The focal length in pixels of an image ``width`` pixels wide with horizontal field of view ``fov`` degrees."""
    if not 0 < fov < 180:
        raise ValueError(f"the field of view must be between 0 and 180 degrees, got {fov}")
    return (width / 2.0) / math.tan(math.radians(fov) / 2.0)


def root_position(
    image: Block, world: Block, width: int, height: int, fov: float = DEFAULT_FOV
) -> tuple[float, float, float] | None:
    """The hip midpoint in camera space (meters; MediaPipe's axes), or ``None`` (see the module docstring).

    ``image``: normalized image landmarks of the person; ``world``: their world landmarks;
    ``width``, ``height``: the image size in pixels.
    """
    f = focal_length(width, fov)
    cx, cy = width / 2.0, height / 2.0
    u = image[:, 0].astype(np.float64) * width - cx
    v = image[:, 1].astype(np.float64) * height - cy
    x, y, z = (world[:, k].astype(np.float64) for k in range(3))
    w = np.minimum(image[:, 3], world[:, 3]).astype(np.float64)
    good = (w >= 0.5) & np.isfinite(u) & np.isfinite(v) & np.isfinite(x) & np.isfinite(y) & np.isfinite(z)
    if int(good.sum()) < 4:
        return None
    u, v, x, y, z, w = u[good], v[good], x[good], y[good], z[good], w[good]
    n = len(u)
    a = np.zeros((2 * n, 3))
    b = np.empty(2 * n)
    a[:n, 0] = f
    a[:n, 2] = -u
    b[:n] = u * z - f * x
    a[n:, 1] = f
    a[n:, 2] = -v
    b[n:] = v * z - f * y
    sw = np.sqrt(np.concatenate([w, w]))
    t, *_ = np.linalg.lstsq(a * sw[:, None], b * sw, rcond=None)
    if not np.isfinite(t).all() or t[2] <= 0:
        return None
    return float(t[0]), float(t[1]), float(t[2])


def project(world: Block, root: tuple[float, float, float], width: int, height: int, fov: float = DEFAULT_FOV) -> Block:
    """Image landmarks of ``world`` placed at ``root`` (the inverse of :func:`root_position`; for tests and tools).

    Visibility and presence are copied from ``world``; ``z`` is left as the world z (MediaPipe's
    image z is a relative depth we do not model).
    """
    f = focal_length(width, fov)
    p = world[:, :3].astype(np.float64) + np.asarray(root, dtype=np.float64)
    out = np.array(world, dtype=np.float32, copy=True)
    out[:, 0] = (f * p[:, 0] / p[:, 2] + width / 2.0) / width
    out[:, 1] = (f * p[:, 1] / p[:, 2] + height / 2.0) / height
    out.flags.writeable = False
    return out
