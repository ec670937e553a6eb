"""Joint limits (:data:`bridge.humanoid.model.LIMITS`): measure a rotation against them, clamp it into them."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from . import quat
from .model import DEG, LIMITS, Limit

Array = npt.NDArray[np.float64]
_AXES = np.eye(3)
_TOLERANCE = 1e-6  # degrees


def components(limit: Limit, q: Array) -> Array:
    """The three limited components of local rotation ``q`` in degrees (see :class:`Limit`)."""
    swing, twist = quat.swing_twist(quat.normalize(q), _AXES[limit.twist_axis])
    out = quat.to_rotvec(swing) / DEG
    out[limit.twist_axis] = twist / DEG
    return out


def clamp(limit: Limit, q: Array) -> tuple[Array, bool]:
    """``q`` moved into ``limit`` (each component clamped to its range); and whether it had to move.

    A rotation outside by less than 10⁻⁶° (rounding) is returned unchanged and counts as inside.
    """
    c = components(limit, q)
    lo = np.array([r[0] for r in limit.ranges])
    hi = np.array([r[1] for r in limit.ranges])
    if bool(((c >= lo - _TOLERANCE) & (c <= hi + _TOLERANCE)).all()):
        return q, False
    clamped = np.clip(c, lo, hi)
    k = limit.twist_axis
    swing_vec = clamped * DEG
    swing_vec[k] = 0.0
    twist = quat.from_axis_angle(_AXES[k], float(clamped[k]) * DEG)
    return quat.normalize(quat.mul(quat.from_rotvec(swing_vec), twist)), True


def within(bone: str, q: Array, tolerance_deg: float = 1e-3) -> bool:
    """Whether local rotation ``q`` of ``bone`` is inside its limits (bones without limits always are)."""
    limit = LIMITS.get(bone)
    if limit is None:
        return bool(np.isfinite(q).all())
    c = components(limit, q)
    return all(lo - tolerance_deg <= v <= hi + tolerance_deg for v, (lo, hi) in zip(c, limit.ranges, strict=True))


def twist_of(q: Array, axis: Array) -> float:
    """The twist angle of ``q`` about ``axis`` in radians (convenience for tests)."""
    return quat.swing_twist(q, axis)[1]
