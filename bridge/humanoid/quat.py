"""Quaternions and rotations as numpy arrays: ``(x, y, z, w)``, the order Unity and the wire use.

Conventions (the same as Unity's ``Quaternion`` and ``System.Numerics.Quaternion`` on the same numbers):
``mul(a, b)`` is the Hamilton product, the rotation ``b`` followed by ``a``; ``rotate(q, v)`` rotates
the vector ``v``. Unity's axes are left-handed, but rotations act on coordinates with the same formulas,
so nothing here depends on handedness.

Functions take single quaternions (shape ``(4,)``) or stacks (``(..., 4)``) where it is cheap to do so.
Inputs are expected to be unit quaternions; :func:`normalize` maps a zero or non-finite quaternion to the
identity instead of producing NaN.
"""

from __future__ import annotations

import math
from typing import Final

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]

IDENTITY: Final = np.array([0.0, 0.0, 0.0, 1.0])
_EPS: Final = 1e-12


def mul(a: Array, b: Array) -> Array:
    """The Hamilton product ``a · b``: rotate by ``b``, then by ``a``."""
    if a.ndim == 1 and b.ndim == 1:  # the solver's case: plain floats are several times faster than ufuncs
        ax, ay, az, aw = a.tolist()
        bx, by, bz, bw = b.tolist()
        return np.array(
            (
                aw * bx + ax * bw + ay * bz - az * by,
                aw * by - ax * bz + ay * bw + az * bx,
                aw * bz + ax * by - ay * bx + az * bw,
                aw * bw - ax * bx - ay * by - az * bz,
            )
        )
    ax, ay, az, aw = a[..., 0], a[..., 1], a[..., 2], a[..., 3]
    bx, by, bz, bw = b[..., 0], b[..., 1], b[..., 2], b[..., 3]
    return np.stack(
        (
            aw * bx + ax * bw + ay * bz - az * by,
            aw * by - ax * bz + ay * bw + az * bx,
            aw * bz + ax * by - ay * bx + az * bw,
            aw * bw - ax * bx - ay * by - az * bz,
        ),
        axis=-1,
    )


def cross(a: Array, b: Array) -> Array:
    """Cross product of two 3-vectors (numpy's ``cross`` is slow for single vectors)."""
    ax, ay, az = a.tolist()
    bx, by, bz = b.tolist()
    return np.array((ay * bz - az * by, az * bx - ax * bz, ax * by - ay * bx))


def norm(v: Array) -> float:
    """Euclidean length of a vector."""
    return math.sqrt(float(v @ v))


def conj(q: Array) -> Array:
    """The conjugate, which is the inverse of a unit quaternion."""
    out: Array = q * np.array([-1.0, -1.0, -1.0, 1.0])
    return out


def rotate(q: Array, v: Array) -> Array:
    """``v`` (shape ``(..., 3)``) rotated by ``q``."""
    if q.ndim == 1 and v.ndim == 1:
        x, y, z, w = q.tolist()
        vx, vy, vz = v.tolist()
        tx, ty, tz = 2.0 * (y * vz - z * vy), 2.0 * (z * vx - x * vz), 2.0 * (x * vy - y * vx)
        return np.array((vx + w * tx + y * tz - z * ty, vy + w * ty + z * tx - x * tz, vz + w * tz + x * ty - y * tx))
    u = q[..., :3]
    w = q[..., 3:4]
    t = 2.0 * np.cross(u, v)
    return v + w * t + np.cross(u, t)


def normalize(q: Array) -> Array:
    """``q`` scaled to unit length with ``w >= 0``; zero or non-finite input gives the identity."""
    n = math.sqrt(float(q @ q))
    if not math.isfinite(n) or n < _EPS:
        result: Array = IDENTITY.copy()
        return result
    out = q / n
    return -out if out[3] < 0 else out


def from_axis_angle(axis: Array, angle: float) -> Array:
    """Rotation by ``angle`` radians about the unit vector ``axis``."""
    s = math.sin(angle / 2.0)
    return np.array([axis[0] * s, axis[1] * s, axis[2] * s, math.cos(angle / 2.0)])


def from_rotvec(r: Array) -> Array:
    """Rotation from a rotation vector (axis × angle in radians)."""
    angle = norm(r)
    if angle < 1e-12:
        return normalize(np.array([r[0] / 2.0, r[1] / 2.0, r[2] / 2.0, 1.0]))
    return from_axis_angle(r / angle, angle)


def to_rotvec(q: Array) -> Array:
    """Rotation vector (axis × angle, angle in [0, π]) of ``q``."""
    q = normalize(q)
    s = norm(q[:3])
    if s < 1e-12:
        return 2.0 * q[:3]
    angle = 2.0 * math.atan2(s, q[3])
    return q[:3] / s * angle


def angle(q: Array) -> float:
    """Rotation angle of ``q`` in radians, in [0, π]."""
    return 2.0 * math.atan2(norm(q[:3]), abs(float(q[3])))


def angle_between(a: Array, b: Array) -> float:
    """Angle in radians of the rotation that takes ``a`` to ``b``, in [0, π] (accurate near 0, unlike acos)."""
    return angle(mul(conj(a), b))


def from_matrix(m: Array) -> Array:
    """Quaternion of a 3×3 rotation matrix whose columns are the rotated x, y and z axes."""
    tr = m[0, 0] + m[1, 1] + m[2, 2]
    if tr > 0.0:
        s = math.sqrt(tr + 1.0) * 2.0
        q = [(m[2, 1] - m[1, 2]) / s, (m[0, 2] - m[2, 0]) / s, (m[1, 0] - m[0, 1]) / s, 0.25 * s]
    elif m[0, 0] > m[1, 1] and m[0, 0] > m[2, 2]:
        s = math.sqrt(1.0 + m[0, 0] - m[1, 1] - m[2, 2]) * 2.0
        q = [0.25 * s, (m[0, 1] + m[1, 0]) / s, (m[0, 2] + m[2, 0]) / s, (m[2, 1] - m[1, 2]) / s]
    elif m[1, 1] > m[2, 2]:
        s = math.sqrt(1.0 + m[1, 1] - m[0, 0] - m[2, 2]) * 2.0
        q = [(m[0, 1] + m[1, 0]) / s, 0.25 * s, (m[1, 2] + m[2, 1]) / s, (m[0, 2] - m[2, 0]) / s]
    else:
        s = math.sqrt(1.0 + m[2, 2] - m[0, 0] - m[1, 1]) * 2.0
        q = [(m[0, 2] + m[2, 0]) / s, (m[1, 2] + m[2, 1]) / s, 0.25 * s, (m[1, 0] - m[0, 1]) / s]
    return normalize(np.array(q))


def to_matrix(q: Array) -> Array:
    """3×3 rotation matrix of ``q`` (columns: the rotated x, y and z axes)."""
    x, y, z, w = (float(c) for c in q)
    return np.array(
        [
            [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
            [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
            [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)],
        ]
    )


def from_two_vectors(a: Array, b: Array) -> Array:
    """The shortest rotation taking the direction of ``a`` to the direction of ``b`` (a swing).

    Opposite vectors have no unique shortest rotation: the result is a half turn about an axis
    perpendicular to ``a``. Zero-length input gives the identity.
    """
    na, nb = norm(a), norm(b)
    if na < _EPS or nb < _EPS:
        result: Array = IDENTITY.copy()
        return result
    a, b = a / na, b / nb
    d = float(np.dot(a, b))
    if d < -1.0 + 1e-9:
        axis = cross(a, np.array([1.0, 0.0, 0.0]) if abs(a[0]) < 0.9 else np.array([0.0, 1.0, 0.0]))
        return from_axis_angle(axis / norm(axis), math.pi)
    c = cross(a, b)
    return normalize(np.array([c[0], c[1], c[2], 1.0 + d]))


def frame(primary: Array, secondary: Array, rest_primary: Array, rest_secondary: Array) -> Array | None:
    """The rotation taking the rest frame to the observed one.

    A frame is given by a primary direction and a secondary direction (only its part perpendicular
    to the primary counts). Returns ``None`` when either observed vector is degenerate (zero, non-finite,
    or the two are parallel), so callers can treat the bone as not seen.
    """
    obs = _basis(primary, secondary)
    rest = _basis(rest_primary, rest_secondary)
    if obs is None or rest is None:
        return None
    return from_matrix(obs @ rest.T)


def _basis(p: Array, s: Array) -> Array | None:
    n = norm(p)
    if not math.isfinite(n) or n < 1e-9:
        return None
    e1 = p / n
    s0 = norm(s)
    s = s - float(s @ e1) * e1
    m = norm(s)
    if not math.isfinite(m) or m < 1e-6 * max(1.0, s0):
        return None
    e2 = s / m
    e3 = cross(e1, e2)
    return np.column_stack((e1, e2, e3))


def swing_twist(q: Array, axis: Array) -> tuple[Array, float]:
    """Split ``q = swing · twist``: ``twist`` turns about the unit ``axis``, ``swing`` about an axis ⟂ to it.

    Returns ``(swing, twist_angle)`` with the twist angle in radians in (−π, π]. When ``q`` turns
    ``axis`` by exactly π the twist is undefined and taken as 0.
    """
    p = float(q[:3] @ axis)
    w = float(q[3])
    n = math.hypot(p, w)
    if n < 1e-9:
        return q.copy(), 0.0
    twist_angle = 2.0 * math.atan2(p, w)
    if twist_angle > math.pi:
        twist_angle -= 2.0 * math.pi
    elif twist_angle <= -math.pi:
        twist_angle += 2.0 * math.pi
    twist = from_axis_angle(axis, twist_angle)
    return normalize(mul(q, conj(twist))), twist_angle


def slerp(a: Array, b: Array, t: float) -> Array:
    """Spherical interpolation from ``a`` (t = 0) to ``b`` (t = 1) along the shorter arc."""
    d = float(np.dot(a, b))
    if d < 0.0:
        b, d = -b, -d
    if d > 0.9995:
        return normalize(a + t * (b - a))
    theta = math.acos(min(1.0, d))
    s = math.sin(theta)
    return normalize((math.sin((1.0 - t) * theta) * a + math.sin(t * theta) * b) / s)


def power(q: Array, t: float) -> Array:
    """``q`` raised to ``t``: the same axis, ``t`` times the angle (``power(q, 0.5)`` twice is ``q``)."""
    return slerp(IDENTITY, normalize(q), t)


def signed_angle(a: Array, b: Array, axis: Array) -> float:
    """Angle in radians about ``axis`` from ``a`` to ``b`` (both taken perpendicular to ``axis``)."""
    return math.atan2(float(axis @ cross(a, b)), float(a @ b))


def mirror(q: Array) -> Array:
    """The rotation seen in a mirror across the y–z plane (x ↦ −x): ``(x, −y, −z, w)``."""
    out: Array = q * np.array([1.0, -1.0, -1.0, 1.0])
    return out
