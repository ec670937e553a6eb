"""Coordinate frames, alignment and camera geometry for the evaluator. Pure numpy, no I/O.

Conventions (see ``docs/evaluation.md``):

- **Unity world** is the common frame: meters, y up, left-handed (x right, z forward).
- **MediaPipe world** landmarks (meters, origin between the hips, x right, y down, z away
  from the camera, right-handed) become Unity by ``(x, y, z) -> (x, -y, z)``. Negating one
  axis is what changes the handedness; no rotation or reflection is fitted for it.
- **Root**: the midpoint of the two hips, per frame.
- **Spherical camera coordinates** use Unity's y as the up axis: ``r = |p|``; ``azimuth``
  is the angle around y from +z towards +x in degrees, in (-180, 180]; ``elevation`` is
  the angle above the horizontal x-z plane in degrees, in [-90, 90].
- **Camera frame**: a camera at ``p`` (relative to the subject root) looks at the root
  with y up, like Unity's ``Transform.LookAt(root, Vector3.up)``: its z axis points from
  the camera to the root, its x axis is ``up x z`` (right in the image), its y axis is
  ``z x x`` (up in the image). Straight above or below the root (``up`` parallel to the
  view) the image-up vector is the limit from the camera's azimuth, ``-/+ (sin az, 0, cos az)``.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]

#: Multiply MediaPipe world coordinates by this to get Unity coordinates.
MEDIAPIPE_TO_UNITY: Array = np.array([1.0, -1.0, 1.0])

_EPS = 1e-12


def mediapipe_to_unity(points: npt.ArrayLike) -> Array:
    """MediaPipe world (y down, right-handed) -> Unity (y up, left-handed): ``(x, -y, z)``.

    Works on any array whose last axis is (x, y, z); returns a new float64 array.
    """
    p = np.asarray(points, dtype=np.float64)
    if p.shape[-1] != 3:
        raise ValueError(f"last axis must hold (x, y, z), got shape {p.shape}")
    return p * MEDIAPIPE_TO_UNITY


def root_align(points: npt.ArrayLike, left_hip: int, right_hip: int) -> Array:
    """Subtract each frame's root (midpoint of the two hips) from that frame's joints.

    ``points``: (..., J, 3). The root is computed per frame — never a mean over frames.
    """
    p = np.asarray(points, dtype=np.float64)
    root = 0.5 * (p[..., left_hip, :] + p[..., right_hip, :])
    return p - root[..., None, :]


def similarity_fit(source: npt.ArrayLike, target: npt.ArrayLike) -> tuple[Array, Array, Array]:
    """Least-squares similarity transform mapping ``source`` onto ``target`` (Umeyama 1991).

    ``source``, ``target``: (..., N, 3), batched over leading axes (one fit per frame).
    Returns ``(scale, rotation, translation)`` with shapes (...), (..., 3, 3), (..., 3) such
    that ``scale * rotation @ x + translation`` best matches ``target``. The rotation is a
    proper rotation (det +1): when the best orthogonal matrix would be a reflection, the sign
    of the smallest singular direction is flipped (Umeyama's correction), so a mirrored
    skeleton is *not* explained away. If all source points coincide, the scale is 0 and
    every point maps to the target centroid.
    """
    x = np.asarray(source, dtype=np.float64)
    y = np.asarray(target, dtype=np.float64)
    if x.shape != y.shape or x.shape[-1] != 3:
        raise ValueError(f"source and target must both be (..., N, 3), got {x.shape} and {y.shape}")
    n = x.shape[-2]
    mu_x = x.mean(axis=-2)
    mu_y = y.mean(axis=-2)
    xc = x - mu_x[..., None, :]
    yc = y - mu_y[..., None, :]
    cov = np.einsum("...ni,...nj->...ij", yc, xc) / n
    u, d, vt = np.linalg.svd(cov)
    sign = np.sign(np.linalg.det(u) * np.linalg.det(vt))
    sign = np.where(sign == 0, 1.0, sign)
    s = np.ones(d.shape)
    s[..., -1] = sign
    rotation = u @ (s[..., :, None] * vt)
    var_x = (xc**2).sum(axis=(-2, -1)) / n
    scale = np.where(var_x > _EPS, (d * s).sum(axis=-1) / np.maximum(var_x, _EPS), 0.0)
    translation = mu_y - scale[..., None] * np.einsum("...ij,...j->...i", rotation, mu_x)
    return scale, rotation, translation


def apply_similarity(points: npt.ArrayLike, scale: Array, rotation: Array, translation: Array) -> Array:
    """Apply a (batched) similarity transform from :func:`similarity_fit` to (..., N, 3) points."""
    p = np.asarray(points, dtype=np.float64)
    out: Array = scale[..., None, None] * np.einsum("...ij,...nj->...ni", rotation, p) + translation[..., None, :]
    return out


def procrustes_align(source: npt.ArrayLike, target: npt.ArrayLike, fit: npt.ArrayLike | None = None) -> Array:
    """``source`` moved onto ``target`` by the best similarity transform (per leading index).

    ``fit``: optional boolean mask over the N joints: only those joints determine the
    transform, which is then applied to all joints (so a joint that is not the same point
    in both skeletons, like nose vs. head bone, does not pull the alignment).
    """
    x = np.asarray(source, dtype=np.float64)
    y = np.asarray(target, dtype=np.float64)
    if fit is None:
        scale, rot, trans = similarity_fit(x, y)
    else:
        m = np.asarray(fit, dtype=bool)
        scale, rot, trans = similarity_fit(x[..., m, :], y[..., m, :])
    return apply_similarity(x, scale, rot, trans)


# --- spherical coordinates and cameras (Unity frame, y up) -------------------------------------------------------


def to_spherical(position: npt.ArrayLike) -> tuple[float, float, float]:
    """``(r, azimuth, elevation)`` of a Unity position relative to the subject root.

    Azimuth: degrees around +y from +z towards +x, in (-180, 180]; elevation: degrees above
    the horizontal plane, in [-90, 90]. At the origin all three are 0; straight above or
    below the root the azimuth is 0.
    """
    x, y, z = (float(v) for v in np.asarray(position, dtype=np.float64).reshape(3))
    r = float(np.sqrt(x * x + y * y + z * z))
    if r < _EPS:
        return 0.0, 0.0, 0.0
    horizontal = float(np.hypot(x, z))
    azimuth = float(np.degrees(np.arctan2(x, z))) if horizontal > _EPS * r else 0.0
    if azimuth == -180.0:
        azimuth = 180.0
    elevation = float(np.degrees(np.arctan2(y, horizontal)))
    return r, azimuth + 0.0, elevation + 0.0


def from_spherical(r: float, azimuth: float, elevation: float) -> Array:
    """The Unity position ``(x, y, z)`` at radius ``r``, ``azimuth`` and ``elevation`` (degrees)."""
    a, e = np.radians(azimuth), np.radians(elevation)
    return np.array([r * np.cos(e) * np.sin(a), r * np.sin(e), r * np.cos(e) * np.cos(a)])


def camera_rotation(position: npt.ArrayLike) -> Array:
    """Rotation (3x3, columns = camera x, y, z axes in Unity world) of a camera at ``position``
    (relative to the subject root) looking at the root with y up.

    ``world_point = R @ camera_point + position``; ``camera_point = R.T @ (world_point - position)``.
    Straight above (below) the root the image-up vector is ``-(+)(sin az, 0, cos az)`` for the
    camera's azimuth — the limit of the y-up camera as the elevation approaches +-90 degrees.
    Raises ``ValueError`` for a camera at the root itself.
    """
    p = np.asarray(position, dtype=np.float64).reshape(3)
    dist = float(np.linalg.norm(p))
    if dist < 1e-9:
        raise ValueError("a camera at the subject root has no viewing direction")
    forward = -p / dist
    up_hint = np.array([0.0, 1.0, 0.0])
    right = np.cross(up_hint, forward)
    if np.linalg.norm(right) < 1e-9:
        _, azimuth, elevation = to_spherical(p)
        a = np.radians(azimuth)
        image_up = np.array([np.sin(a), 0.0, np.cos(a)]) * (-1.0 if elevation > 0 else 1.0)
        right = np.cross(image_up, forward)
    right /= np.linalg.norm(right)
    up = np.cross(forward, right)
    return np.stack([right, up, forward], axis=1)


def world_to_camera(points: npt.ArrayLike, position: npt.ArrayLike) -> Array:
    """Unity world directions/offsets (..., 3) expressed in the frame of the camera at ``position``.

    Only the rotation is applied (the inputs are root-relative offsets; translation cancels
    after root alignment). The camera frame has x right, y up, z forward (away from the camera),
    which is also MediaPipe's world frame after :func:`mediapipe_to_unity`.
    """
    rot = camera_rotation(position)
    return np.asarray(points, dtype=np.float64) @ rot
