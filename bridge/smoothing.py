"""Landmark smoothing with the One Euro filter (Casiez, Roussel, Vogel, CHI 2012).

The One Euro filter is a first-order low-pass filter whose cutoff frequency
rises with speed: at rest a low cutoff (``min_cutoff`` Hz) removes jitter; when
a landmark moves fast the cutoff grows by ``beta`` × speed so that it follows
with little lag. Speed is the derivative of the signal, itself low-passed at
``d_cutoff`` Hz. For each sample, with ``dt`` the time since the last sample::

    alpha(fc) = 1 / (1 + 1 / (2π·fc·dt))
    dx̂  = alpha(d_cutoff)·(x − x̂_prev)/dt + (1 − alpha(d_cutoff))·dx̂_prev
    fc  = min_cutoff + beta·|dx̂|
    x̂   = alpha(fc)·x + (1 − alpha(fc))·x̂_prev

Here it runs vectorised with numpy on all coordinates of a pose at once.
:class:`PoseSmoother` is a frame transform that smooths x, y, z of both the
``image`` and the ``world`` block of each :class:`~bridge.frame.PoseFrame`,
with ``dt`` taken from the frames' own timestamps ``t`` (so replays at any
speed smooth the same).

One adaptation of the paper, for poses: the speed that raises a landmark's
cutoff is the magnitude of its velocity in the x–y plane, shared by its x, y
and z (the paper filters each scalar on its own speed). BlazePose's z (depth)
is several times noisier than x and y; with per-axis speeds that noise opens
z's filter and lets most of the depth jitter through, while real movement
almost always shows in x–y as well. :class:`OneEuroFilter` itself keeps the
paper's per-element form unless asked for shared speeds (``speed_axes``).

Decisions and edge cases:

- ``visibility`` and ``presence`` are passed through untouched: they are
  confidences, not positions, MediaPipe already smooths them over time, and
  delaying them would keep a vanished joint "visible" for a while.
- Units: ``beta`` multiplies a speed in coordinate units per second. Image
  coordinates are normalised (1 = frame width/height) and world coordinates
  are meters; a body moves at roughly the same order of magnitude in both, so
  one ``beta`` serves both blocks.
- The filter resets (the next frame passes through unchanged and starts a new
  history) on a gap — a frame with no detection, or without that block — and
  whenever time does not advance normally: ``t`` going backwards or standing
  still (a loop restart or a seek back in a replay), or jumping forward by more
  than ``max_gap`` seconds (a seek forward, a stalled webcam).
- Non-finite input values are passed through and reset that block's history.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from .frame import Block, PoseFrame

#: Defaults tuned with ``benchmarks/smoothing.py`` (results and the trade-off in
#: docs/benchmarks.md): on real BlazePose output they cut the frame-to-frame
#: jitter of a still person by about 60 % while adding at most about one frame
#: of lag at 30 fps on a moving one. The cutoff at rest is in practice set by
#: ``beta`` × the residual speed noise (0.2–1 Hz), not by the small ``min_cutoff``.
DEFAULT_MIN_CUTOFF: Final[float] = 0.05
DEFAULT_BETA: Final[float] = 10.0
DEFAULT_D_CUTOFF: Final[float] = 4.0
DEFAULT_MAX_GAP: Final[float] = 1.0

Array = npt.NDArray[np.float64]


def _alpha(cutoff: Array | float, dt: float) -> Array | float:
    r = 2.0 * math.pi * cutoff * dt
    return r / (r + 1.0)


class OneEuroFilter:
    """A One Euro filter over an array of any fixed shape (every element is filtered independently).

    ``min_cutoff`` (Hz, > 0): cutoff at rest — lower removes more jitter and adds
    more lag on slow motion. ``beta`` (>= 0): how fast the cutoff rises with speed —
    higher cuts lag on fast motion, and lets more jitter through while moving.
    ``d_cutoff`` (Hz, > 0): cutoff of the speed estimate. ``speed_axes``: ``None``
    (default) — each element's cutoff follows its own speed, as in the paper; an
    integer k — the input is 2-D (rows × columns) and each row's cutoff follows
    the magnitude of the speed of its first k columns (e.g. a landmark's x–y
    speed, shared by its x, y and z). Raises ``ValueError`` for values out of range.
    """

    def __init__(
        self,
        min_cutoff: float = DEFAULT_MIN_CUTOFF,
        beta: float = DEFAULT_BETA,
        d_cutoff: float = DEFAULT_D_CUTOFF,
        *,
        speed_axes: int | None = None,
    ) -> None:
        check_parameters(min_cutoff, beta, d_cutoff)
        if speed_axes is not None and speed_axes < 1:
            raise ValueError(f"speed_axes must be >= 1 or None, got {speed_axes}")
        self.min_cutoff = float(min_cutoff)
        self.beta = float(beta)
        self.d_cutoff = float(d_cutoff)
        self.speed_axes = speed_axes
        self._x: Array | None = None
        self._dx: Array | None = None
        self._t: float | None = None

    def reset(self) -> None:
        """Forget the history: the next sample passes through unchanged."""
        self._x = self._dx = None
        self._t = None

    def __call__(self, x: npt.ArrayLike, t: float) -> Array:
        """Filter sample ``x`` taken at time ``t`` (seconds); returns the filtered float64 array.

        The first sample after construction or :meth:`reset` is returned as is.
        ``t`` must be greater than the previous sample's (callers reset otherwise);
        a change of shape also restarts the history.
        """
        xs = np.array(x, dtype=np.float64)
        if self._x is None or self._t is None or self._x.shape != xs.shape or not t > self._t:
            self._x, self._dx, self._t = xs, np.zeros_like(xs), float(t)
            result: Array = xs.copy()
            return result
        dt = float(t) - self._t
        assert self._dx is not None
        dx = _alpha(self.d_cutoff, dt) * ((xs - self._x) / dt) + (1.0 - _alpha(self.d_cutoff, dt)) * self._dx
        if self.speed_axes is None:
            speed = np.abs(dx)
        else:
            speed = np.linalg.norm(dx[:, : self.speed_axes], axis=1, keepdims=True)
        a = _alpha(self.min_cutoff + self.beta * speed, dt)
        out = a * xs + (1.0 - a) * self._x
        self._x, self._dx, self._t = out, dx, float(t)
        smoothed: Array = out.copy()
        return smoothed


def check_parameters(min_cutoff: float, beta: float, d_cutoff: float) -> None:
    """Raise ``ValueError`` naming the parameter when a One Euro parameter is out of range."""
    for name, value, positive in (
        ("min_cutoff", min_cutoff, True),
        ("beta", beta, False),
        ("d_cutoff", d_cutoff, True),
    ):
        if not math.isfinite(value) or value < 0 or (positive and value == 0):
            need = "> 0" if positive else ">= 0"
            raise ValueError(f"{name} must be a finite number {need}, got {value}")


@dataclass
class _BlockState:
    filter: OneEuroFilter

    def apply(self, block: Block | None, t: float) -> Block | None:
        if block is None:
            self.filter.reset()
            return None
        if not np.isfinite(block[:, :3]).all():
            self.filter.reset()
            return block
        out = np.array(block, dtype=np.float32)
        out[:, :3] = self.filter(block[:, :3], t)
        return out


class PoseSmoother:
    """Frame transform: One Euro smoothing of x, y, z in the ``image`` and ``world`` blocks.

    Use one instance per stream (it keeps history) and call it on every frame
    in order, including frames with no detection (they reset it). With several
    people, each person id has its own history (and the top-level blocks are the
    primary person's smoothed ones); a person missing from a frame starts afresh. See the module
    docstring for what resets the history. ``angles`` already on a frame are kept
    as they are: apply smoothing before computing angles.
    """

    def __init__(
        self,
        min_cutoff: float = DEFAULT_MIN_CUTOFF,
        beta: float = DEFAULT_BETA,
        d_cutoff: float = DEFAULT_D_CUTOFF,
        *,
        max_gap: float = DEFAULT_MAX_GAP,
    ) -> None:
        check_parameters(min_cutoff, beta, d_cutoff)
        if not max_gap > 0:
            raise ValueError(f"max_gap must be > 0 seconds, got {max_gap}")
        self.min_cutoff, self.beta, self.d_cutoff, self.max_gap = min_cutoff, beta, d_cutoff, max_gap
        self._image = _BlockState(OneEuroFilter(min_cutoff, beta, d_cutoff, speed_axes=2))
        self._world = _BlockState(OneEuroFilter(min_cutoff, beta, d_cutoff, speed_axes=2))
        self._people: dict[int, tuple[_BlockState, _BlockState]] = {}  # per person id (--max-people)
        self._t: float | None = None
        self.resets = 0  #: how many times the history was dropped because time jumped (for logs and tests)

    def _states(self) -> tuple[_BlockState, _BlockState]:
        m, b, d = self.min_cutoff, self.beta, self.d_cutoff
        return _BlockState(OneEuroFilter(m, b, d, speed_axes=2)), _BlockState(OneEuroFilter(m, b, d, speed_axes=2))

    def reset(self) -> None:
        """Forget the history of both blocks (and of every person)."""
        self._image.filter.reset()
        self._world.filter.reset()
        self._people.clear()
        self._t = None

    def __call__(self, frame: PoseFrame) -> PoseFrame:
        """The frame with smoothed landmark positions (a new frame; the input is not changed)."""
        t = float(frame.t)
        if self._t is not None and not (0.0 < t - self._t <= self.max_gap):
            self.reset()
            self.resets += 1
        self._t = t
        if frame.people:  # each person has their own history, by id; the top level is the primary person
            states = {p.id: self._people.get(p.id) or self._states() for p in frame.people}
            self._people = states  # a person not in this frame starts afresh when seen again
            people = tuple(
                p.replace(image=states[p.id][0].apply(p.image, t), world=states[p.id][1].apply(p.world, t))
                for p in frame.people
            )
            return frame.replace(image=people[0].image, world=people[0].world, people=people)
        self._people.clear()
        if not frame.detected:
            self._image.filter.reset()
            self._world.filter.reset()
            return frame
        return frame.replace(image=self._image.apply(frame.image, t), world=self._world.apply(frame.world, t))

    def __repr__(self) -> str:
        return f"PoseSmoother(min_cutoff={self.min_cutoff}, beta={self.beta}, d_cutoff={self.d_cutoff})"
