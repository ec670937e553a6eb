"""Smoothing of bone rotations: the One Euro filter (Casiez et al. 2012) on quaternions.

Each bone's rotation is low-passed with a slerp towards the new value; the cutoff rises with the
bone's angular speed, so a still pose loses its jitter while a fast one keeps up. The angular speed is
itself low-passed at ``d_cutoff``. ``min_cutoff`` and ``d_cutoff`` are in Hz, ``beta`` in Hz per
(radian / second). The hips position is filtered the same way (speed in meters / second).

Edge cases: the first sample, a time that does not advance, a gap longer than ``max_gap`` seconds or
a change in the number of bones restart the filter (the sample passes through unchanged).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class RotationSmoothing:
    """Parameters of :class:`RotationFilter` (defaults tuned in ``benchmarks/humanoid.py``)."""

    min_cutoff: float = 1.0
    beta: float = 0.5
    d_cutoff: float = 4.0
    max_gap: float = 1.0

    def __post_init__(self) -> None:
        for name in ("min_cutoff", "d_cutoff", "max_gap"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value > 0):
                raise ValueError(f"{name} must be a finite number > 0, got {value}")
        if not (math.isfinite(self.beta) and self.beta >= 0):
            raise ValueError(f"beta must be a finite number >= 0, got {self.beta}")


def _alpha(cutoff: Array | float, dt: float) -> Array | float:
    r = 2.0 * math.pi * cutoff * dt
    return r / (r + 1.0)


def slerp_many(a: Array, b: Array, t: Array) -> Array:
    """Row-wise slerp of unit quaternions (N, 4) by factors ``t`` (N,), along the shorter arc."""
    d = np.einsum("ij,ij->i", a, b)
    b = np.where(d[:, None] < 0, -b, b)
    d = np.abs(d)
    theta = np.arccos(np.clip(d, -1.0, 1.0))
    s = np.sin(theta)
    small = s < 1e-6
    safe = np.where(small, 1.0, s)
    wa = np.where(small, 1.0 - t, np.sin((1.0 - t) * theta) / safe)
    wb = np.where(small, t, np.sin(t * theta) / safe)
    out = wa[:, None] * a + wb[:, None] * b
    unit: Array = out / np.linalg.norm(out, axis=1, keepdims=True)
    return unit


class RotationFilter:
    """One Euro smoothing of N rotations and one position; call with each frame's values in time order."""

    def __init__(self, params: RotationSmoothing | None = None) -> None:
        self.params = params or RotationSmoothing()
        self.reset()

    def reset(self) -> None:
        """Forget the history: the next sample passes through unchanged."""
        self._q: Array | None = None
        self._p: Array | None = None
        self._dq: Array | None = None
        self._dp = 0.0
        self._t: float | None = None

    def __call__(self, rotations: Array, position: Array, t: float) -> tuple[Array, Array]:
        """The smoothed ``rotations`` (N, 4) and ``position`` (3,) for time ``t`` (seconds)."""
        prm = self.params
        dt = None if self._t is None else t - self._t
        if self._q is None or self._p is None or dt is None or not 0.0 < dt <= prm.max_gap \
                or self._q.shape != rotations.shape:  # fmt: skip
            self._q, self._p, self._t = rotations.copy(), position.copy(), t
            self._dq, self._dp = np.zeros(len(rotations)), 0.0
            return rotations.copy(), position.copy()
        assert self._dq is not None
        d = np.abs(np.einsum("ij,ij->i", self._q, rotations))
        speed = 2.0 * np.arccos(np.clip(d, -1.0, 1.0)) / dt
        ad = _alpha(prm.d_cutoff, dt)
        self._dq = ad * speed + (1.0 - ad) * self._dq
        a = np.asarray(_alpha(prm.min_cutoff + prm.beta * self._dq, dt), dtype=np.float64)
        self._q = slerp_many(self._q, rotations, a)
        pspeed = float(np.linalg.norm(position - self._p)) / dt
        self._dp = float(ad * pspeed + (1.0 - ad) * self._dp)
        ap = float(_alpha(prm.min_cutoff + prm.beta * self._dp, dt))
        self._p = self._p + ap * (position - self._p)
        self._t = t
        return self._q.copy(), self._p.copy()
