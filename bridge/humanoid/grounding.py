"""Grounded root motion: feet that stay planted, a body on the floor, jumps that still leave it.

BlazePose's world landmarks are centred on the hips, so they say nothing of where the body is. This
module gives the humanoid's hips a position in **floor space** — Unity axes (x right, y up, z forward,
away from the camera), meters, the floor plane at y = 0, the origin on the floor below the hips at the
first frame the person was placed — from three things per frame:

1. the solved pose (bone rotations), whose forward kinematics on the standard skeleton
   (:mod:`bridge.humanoid.fk`) place each foot's sole points (heel and toe tip,
   :data:`SOLE_POINTS`) relative to the hips — exactly where every consumer that
   applies these rotations to the standard skeleton draws the feet;
2. a camera-space estimate of the hips (:func:`bridge.camera.root_position`: the translation that
   best projects the world landmarks onto the image landmarks through a pinhole of the given field of
   view), filtered by a One Euro filter (:class:`RootFilter`);
3. the floor in camera space: a plane ``y = a + b·x + c·z`` (a camera that looks down, or is rolled, sees
   the floor rise or fall across the image and with depth) fitted by least squares to where the planted
   feet were, recent frames weighing more (``floor_rate``), the slopes held towards level until the feet
   have covered some ground.

Per frame:

- **Contact** per foot, with hysteresis: a foot touches down when its lowest sole point, placed with the
  filtered estimate, is less than ``touch_height`` above the floor and moves slower than ``touch_speed``
  (its speed against the other foot while that one is planted, over the last 0.1 s: the estimate's
  depth is too noisy to tell a foot's speed from, and frame to frame the landmarks' noise looks like
  motion; with no foot planted, the first foot to come down to the floor lands), or is at or below the
  floor; it lifts off when it is more than ``lift_height`` above the floor, or faster than
  ``lift_speed`` while also higher than the other foot. Both feet lift off at once, before they reach
  ``lift_height``, when both are seen more than ``touch_height`` up while the estimate rises faster than
  ``takeoff_speed`` (a take-off: one foot off the floor while the other is down is a step, not this). A
  foot whose landmarks are not visible keeps its state; so do both feet in a frame with no estimate.
- **Foot locking**: a foot in contact does not slide. Each planted foot holds an anchor (where its
  lowest sole point was put down, in floor space); the hips' horizontal position is the one that keeps
  the anchors where they are (their mean, with both feet down). When the foot rolls from heel to toe the
  anchor moves to the toe where the toe was the frame before, so a rolling foot does not slip either.
  The hips' height puts the lowest planted sole on the floor (y = 0): no sinking, no floating. Then
  each planted leg is bent to reach its anchor exactly (two-bone IK, ``pin_feet``), the foot holding
  its orientation unless the landmarks clearly turn it (``foot_turn``): the landmarks' noise goes into
  the knee and hip, not into a sliding or sinking foot. The rotations returned are those.
- **In the air** (no foot in contact — a jump, a fall, a person lifted): the hips move with the filtered
  estimate, up and down and sideways; a jump is not clamped to the floor. The offset between the
  estimate and where the hips were at take-off fades over ``settle`` seconds, so the hips do not jump
  sideways when the feet leave the ground. Its height is taken from before the feet began to rise (the
  highest hips-over-estimate of the last ``takeoff_lookback`` seconds on the ground): the take-off is
  seen a frame or two after the feet left, while the hips were still held on the floor, so the hips
  catch up with the jump at once (a low jump would otherwise lose a fifth of its height). Nobody stays
  in the air longer than ``max_flight`` seconds (a 1 m high jump lasts 0.9 s): after that the floor
  estimate is taken to be wrong and is put back under the lower foot, which touches down.

Stated limits: the camera is assumed still; the floor space keeps the camera's axes (its y is the
height above the fitted floor, not along the floor's normal), so a tilted camera also tilts the body
(the Hips rotation is relative to the camera). Horizontal travel while a foot is down comes
from the legs of the standard skeleton (a stride as long as the avatar's), not from the estimate, so
it does not follow the estimate's depth noise but can drift from the true path over long walks; the
height in the air comes from the estimate, whose accuracy depends on the field of view given.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import numpy.typing as npt

from . import quat
from .fk import joint_positions, world_rotations
from .model import BONE_INDEX, PARENT

Array = npt.NDArray[np.float64]

#: Sole points relative to each Foot joint in the foot's rest frame: heel and toe tip. The T-pose puts them
#: on the ground (the landmark model's heel and foot-index landmarks sit 1 cm above them).
SOLE_POINTS: Final = np.array([[0.0, -0.07, -0.05], [0.0, -0.07, 0.16]])
FEET: Final = ("LeftFoot", "RightFoot")
_FOOT_INDEX: Final = tuple(BONE_INDEX[f] for f in FEET)


def sole_points(rotations: npt.ArrayLike, hips: npt.ArrayLike = (0.0, 0.0, 0.0)) -> Array:
    """Heel and toe-tip sole points of both feet, shape (2 feet, 2 points, 3), in the pose's space.

    ``rotations``: a pose's (N, 4) rotations (:data:`bridge.humanoid.BONES` order); ``hips``: its position.
    """
    rot = np.asarray(rotations, dtype=np.float64)
    joints = joint_positions(rot, hips)
    world = world_rotations(rot)
    out = np.empty((2, 2, 3))
    for f, i in enumerate(_FOOT_INDEX):
        out[f, 0] = joints[i] + quat.rotate(world[i], SOLE_POINTS[0])
        out[f, 1] = joints[i] + quat.rotate(world[i], SOLE_POINTS[1])
    return out


@dataclass(frozen=True, slots=True)
class GroundingOptions:
    """Settings of :class:`Grounding` (defaults tuned on the synthetic sequences of ``benchmarks/grounding.py``).

    Heights in meters above the floor, speeds in meters / second, times in seconds. ``min_cutoff`` (Hz)
    and ``beta`` (Hz per m/s) are the One Euro parameters of the root estimate's filter. ``floor_rate``
    is the share by which older floor samples fade per frame with a foot down; ``floor_slope_prior`` (m²) how
    much ground the feet must cover before the floor may tilt; ``max_flight`` the longest time in the air.
    ``pivot_switch``: how much lower (m) the toe must be than the heel (or the reverse) for the anchor to
    move to it. ``pin_feet``: bend planted legs to their anchors (at most ``pin_reach`` m of correction);
    a planted foot's orientation follows the landmarks by ``foot_follow`` per frame, by half when they
    turn it more than ``foot_turn`` radians. ``max_gap``: a longer pause in time starts a new floor space.
    ``support_blend``: seconds over which the hips glide to a new support (a foot lifting or landing).
    ``takeoff_speed``: how fast (m/s) the estimate must rise for both feet leaving the floor together (each more
    than ``touch_height`` up) to be a take-off before they reach ``lift_height``; ``takeoff_lookback``: how far back
    (s) the hips' height against the estimate is taken from at a take-off (from before the feet began to rise).
    """

    touch_height: float = 0.03
    lift_height: float = 0.06
    touch_speed: float = 0.5
    lift_speed: float = 1.0
    min_cutoff: float = 1.5
    beta: float = 4.0
    d_cutoff: float = 3.0
    settle: float = 0.1
    support_blend: float = 0.15
    floor_rate: float = 0.02
    pin_feet: bool = True
    pin_reach: float = 0.1
    foot_turn: float = 0.15
    foot_follow: float = 0.1
    floor_slope_prior: float = 0.1
    max_flight: float = 1.0
    pivot_switch: float = 0.015
    max_gap: float = 1.0
    takeoff_speed: float = 0.5
    takeoff_lookback: float = 0.12

    def __post_init__(self) -> None:
        for name in ("touch_height", "lift_height", "touch_speed", "lift_speed", "min_cutoff", "d_cutoff",
                     "settle", "max_gap", "max_flight", "pin_reach", "support_blend", "takeoff_speed"):  # fmt: skip
            value = getattr(self, name)
            if not (math.isfinite(value) and value > 0):
                raise ValueError(f"{name} must be a finite number > 0, got {value}")
        for name in ("beta", "floor_rate", "pivot_switch", "floor_slope_prior", "foot_turn", "takeoff_lookback"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value >= 0):
                raise ValueError(f"{name} must be a finite number >= 0, got {value}")
        if self.lift_height < self.touch_height or self.lift_speed < self.touch_speed:
            raise ValueError("lift_height and lift_speed must be at least touch_height and touch_speed (hysteresis)")
        for name in ("floor_rate", "foot_follow"):
            value = getattr(self, name)
            if not (math.isfinite(value) and 0 <= value <= 1):
                raise ValueError(f"{name} must be in [0, 1], got {value}")


class RootFilter:
    """One Euro filter (Casiez et al. 2012) of a 3-D position; the cutoff rises with the speed.

    The first sample, a time that does not advance or a gap longer than ``max_gap`` restart it (the
    sample passes through unchanged).
    """

    def __init__(self, min_cutoff: float, beta: float, d_cutoff: float, max_gap: float = 1.0) -> None:
        self.min_cutoff, self.beta, self.d_cutoff, self.max_gap = min_cutoff, beta, d_cutoff, max_gap
        self.reset()

    def reset(self) -> None:
        """Forget the history."""
        self._x: Array | None = None
        self._dx = np.zeros(3)
        self._t = 0.0

    @property
    def velocity(self) -> Array:
        """The smoothed speed (3,) of the samples (units per second; zeros before the second sample)."""
        return np.array(self._dx, dtype=np.float64)

    @staticmethod
    def _alpha(cutoff: float, dt: float) -> float:
        r = 2.0 * math.pi * cutoff * dt
        return r / (r + 1.0)

    def __call__(self, x: Array, t: float) -> Array:
        """The filtered position for sample ``x`` (3,) at time ``t`` (seconds)."""
        dt = t - self._t
        if self._x is None or not 0.0 < dt <= self.max_gap:
            self._x, self._dx, self._t = x.copy(), np.zeros(3), t
            return np.array(x, dtype=np.float64)
        ad = self._alpha(self.d_cutoff, dt)
        self._dx = ad * (x - self._x) / dt + (1.0 - ad) * self._dx
        a = self._alpha(self.min_cutoff + self.beta * float(np.linalg.norm(self._dx)), dt)
        self._x = self._x + a * (x - self._x)
        self._t = t
        return np.array(self._x, dtype=np.float64)


@dataclass
class _State:
    t: float | None = None
    origin: Array | None = None  # camera-space point (Unity axes) of the floor-space origin's x and z
    floor: float = 0.0  # the floor's y in camera space (Unity axes) at the origin's depth
    slope: Array = field(default_factory=lambda: np.zeros(2))  # its rise per meter of x and of depth (z)
    normal: Array = field(default_factory=lambda: np.zeros((3, 3)))  # decayed normal equations of floor samples
    rhs: Array = field(default_factory=lambda: np.zeros(3))
    airborne: float = 0.0  # seconds since the last contact
    spread: deque[tuple[float, Array]] = field(default_factory=deque)  # (t, right − left sole centre), last 0.1 s
    hips: Array = field(default_factory=lambda: np.zeros(3))  # floor space
    contacts: list[bool] = field(default_factory=lambda: [False, False])
    anchors: list[Array | None] = field(default_factory=lambda: [None, None])  # floor-space x, z of the pivot
    pivots: list[int] = field(default_factory=lambda: [0, 0])  # 0 heel, 1 toe
    soles: Array | None = None  # last frame's sole points relative to the hips, as observed
    placed: Array | None = None  # last frame's sole points in floor space, as output (after the legs' IK)
    foot_hold: list[Array | None] = field(default_factory=lambda: [None, None])  # planted feet's world rotations
    out: Array | None = None  # last frame's rotations, as output
    est: Array | None = None  # last filtered estimate (camera space)
    support: tuple[int, ...] = ()  # the feet whose anchors placed the hips last frame
    shift: Array = field(default_factory=lambda: np.zeros(3))  # hips − where the support puts them (fading)
    air_offset: Array = field(default_factory=lambda: np.zeros(3))  # hips − estimate at take-off (fading)
    ground_gap: deque[tuple[float, float]] = field(default_factory=deque)  # (t, hips − estimate height), feet down


class Grounding:
    """Grounds one person's humanoid stream, frame by frame (one instance per person; frames in time order).

    Call with each frame's rotations, the camera-space estimate of the hips and which feet are visible;
    it returns the hips in floor space and the contacts. Before the first estimate there is no floor
    space: the hips stay at (0, standing height of the pose, 0) and no foot is in contact.
    """

    def __init__(self, options: GroundingOptions | None = None) -> None:
        self.options = options or GroundingOptions()
        o = self.options
        self._filter = RootFilter(o.min_cutoff, o.beta, o.d_cutoff, o.max_gap)
        self._hips_filter = RootFilter(o.min_cutoff, o.beta, o.d_cutoff, o.max_gap)  # for smoothed()
        self.reset()

    def reset(self) -> None:
        """Forget everything: the next estimate starts a new floor space."""
        self._s = _State()
        self._filter.reset()
        self._hips_filter.reset()

    def __call__(
        self,
        rotations: npt.ArrayLike,
        camera: npt.ArrayLike | None,
        t: float,
        visible: tuple[bool, bool] = (True, True),
    ) -> tuple[Array, Array, tuple[bool, bool]]:
        """The hips (3,) in floor space, the rotations (N, 4) and the (left, right) contacts for one frame.

        The rotations are ``rotations`` with the legs of planted feet bent to reach their anchors
        (``pin_feet``; a correction of the noise, at most ``pin_reach`` meters), the rest unchanged.

        ``rotations``: the pose's (N, 4) rotations; ``camera``: the hips' camera-space position in Unity
        axes (meters; x right, y up, z away from the camera), or ``None`` when it could not be estimated
        (the hips then move only with planted feet, contacts keep their state); ``t``: seconds;
        ``visible``: whether each foot's landmarks were seen (an unseen foot keeps its contact state).
        A ``t`` that goes backwards or jumps by more than ``max_gap`` restarts the floor space.
        """
        o, s = self.options, self._s
        if s.t is not None and not 0.0 <= t - s.t <= o.max_gap:
            self.reset()
            s = self._s
        dt = 0.0 if s.t is None else t - s.t
        s.t = t
        while s.ground_gap and t - s.ground_gap[0][0] > o.takeoff_lookback:
            s.ground_gap.popleft()
        soles = sole_points(rotations)
        low = soles[:, :, 1].min(axis=1)  # each foot's lowest sole point, relative to the hips

        est = None
        if camera is not None:
            cam = np.asarray(camera, dtype=np.float64)
            if cam.shape == (3,) and np.isfinite(cam).all():
                est = self._filter(cam, t)
        if est is not None and s.origin is None:
            # a new floor space: the floor under the lower foot, the origin below the hips
            s.origin = est.copy()
            s.floor = float(est[1] + low.min())
            s.slope, s.normal, s.rhs = np.zeros(2), np.zeros((3, 3)), np.zeros(3)
            s.hips = np.array([0.0, -float(low.min()), 0.0])
            s.contacts = [bool(low[f] - low.min() < o.touch_height) for f in range(2)]
            s.anchors = [None, None]

        # contacts, from the estimate
        prev_contacts = list(s.contacts)
        if est is not None:
            feet = est + soles.mean(axis=1)  # sole centres (the lowest point would hop from heel to toe)
            heights = [float(est[1] + low[f] - self._floor_at(feet[f])) for f in range(2)]
            # a take-off before the feet reach lift_height: both seen feet leave the floor together, rising fast
            leaving = (
                all(visible) and min(heights) > o.touch_height and self._filter.velocity[1] > o.takeoff_speed
            )
            for f in range(2):
                if not visible[f]:
                    continue
                height = heights[f]
                speed = 0.0
                o_ = 1 - f
                if s.contacts[o_] and len(s.spread) > 1 and t > s.spread[0][0]:
                    # the other foot is planted: this one's speed is its speed against it (no estimate noise),
                    # over the last ~0.1 s (frame to frame, the landmarks' noise looks like a fast foot)
                    t0, rel0 = s.spread[0]
                    rel = soles[1].mean(axis=0) - soles[0].mean(axis=0)
                    speed = float(np.hypot(*(rel - rel0)[[0, 2]])) / (t - t0)
                if s.contacts[f]:
                    # a planted foot slides away only when it also rises above the other one
                    higher = low[f] > low[o_] + 0.01
                    s.contacts[f] = height <= o.lift_height and (speed <= o.lift_speed or not higher) and not leaving
                else:
                    # a foot at or below the floor touches it, however fast it seems to move
                    s.contacts[f] = height <= o.touch_height and (speed <= o.touch_speed or height <= 0.0)
        s.spread.append((t, soles[1].mean(axis=0) - soles[0].mean(axis=0)))
        while len(s.spread) > 1 and t - s.spread[0][0] > 0.1:
            s.spread.popleft()
        if est is not None and s.origin is not None:
            s.airborne = 0.0 if any(s.contacts) else s.airborne + dt
            if s.airborne > o.max_flight:  # too long in the air for a jump: the floor is wrong
                lower = int(np.argmin(low))
                s.floor += float(est[1] + low[lower] - self._floor_at(est + soles[lower].mean(axis=0)))
                s.contacts[lower] = True
                s.airborne = 0.0
        if s.origin is None:  # no floor space yet: standing in place
            s.hips = np.array([0.0, -float(low.min()), 0.0])
        hips = s.hips.copy()

        # horizontal: the planted feet's anchors
        candidates = []
        for f in range(2):
            if not s.contacts[f]:
                s.anchors[f] = None
                continue
            pivot = s.pivots[f]
            other = 1 - pivot
            if soles[f, other, 1] < soles[f, pivot, 1] - o.pivot_switch:
                # the foot rolls onto its other end: that point stays where it was last frame
                if s.anchors[f] is not None and s.placed is not None:
                    s.anchors[f] = s.placed[f, other][[0, 2]]
                s.pivots[f] = pivot = other
            anchor = s.anchors[f]
            if anchor is not None:
                candidates.append(anchor - soles[f, pivot][[0, 2]])
        if candidates:
            hips[[0, 2]] = np.mean(candidates, axis=0)
        elif est is not None and s.est is not None:
            hips[[0, 2]] += (est - s.est)[[0, 2]]  # in the air, or every planted foot is new: follow the estimate
        # vertical: the lowest planted sole on the floor, or the estimate in the air
        down = [f for f in range(2) if s.contacts[f]]
        if down:
            hips[1] = -min(float(low[f]) for f in down)
        elif est is not None and s.origin is not None:
            if any(prev_contacts):  # take-off: remember where the hips were against the estimate
                s.air_offset = s.hips - self._floor_space(est)
                # the feet were seen to leave a few frames late, the hips held down meanwhile: their height
                # against the estimate is taken from before the feet began to rise (the highest of the last
                # takeoff_lookback seconds on the ground; it also holds the filter's lag, which the flight keeps)
                s.air_offset[1] = max([s.air_offset[1], *(gap for _, gap in s.ground_gap)])
            hips[1] = self._floor_space(est)[1] + s.air_offset[1]
        if not down and dt > 0:
            s.air_offset *= math.exp(-dt / o.settle)
        # a change of support (a foot lifts or lands while another is down): the two feet never agree exactly,
        # so the hips would jump to the new support's place; they glide there instead (the legs keep the feet)
        support = tuple(f for f in down if s.anchors[f] is not None)
        if support and s.support and support != s.support:
            s.shift = s.shift + (s.hips - hips)
        elif not down:
            s.shift = np.zeros(3)
        if dt > 0:
            s.shift *= math.exp(-dt / o.support_blend)
        s.support = support
        hips = hips + s.shift
        if down and est is not None and s.origin is not None:
            s.ground_gap.append((t, float(hips[1] - self._floor_space(est)[1])))
        elif not down:
            s.ground_gap.clear()
        # new anchors: feet that touched down this frame (or had none) are put down where they are now
        for f in down:
            if s.anchors[f] is None:
                s.pivots[f] = int(np.argmin(soles[f, :, 1]))
                s.anchors[f] = (hips + soles[f, s.pivots[f]])[[0, 2]]
        # the floor estimate follows the planted feet (camera space)
        if est is not None and down and s.origin is not None:
            f = min(down, key=lambda i: float(low[i]))
            self._floor_sample(est + soles[f].mean(axis=0), float(est[1] + low[f]))
        # the legs reach their anchors exactly (a planted foot does not move, whatever the noise)
        out = np.array(rotations, dtype=np.float64, copy=True)
        if self.options.pin_feet:
            world = world_rotations(out)
            for f in range(2):
                anchor = s.anchors[f]
                if f not in down or anchor is None:
                    s.foot_hold[f] = None
                    continue
                # a planted foot turns only when the landmarks clearly turn it (roll onto the toes, a pivot)
                seen = world[_LEGS[f][2]]
                held = s.foot_hold[f]
                if held is None:
                    held = seen
                else:
                    turn = quat.angle_between(held, seen)
                    held = quat.slerp(held, seen, o.foot_follow if turn < o.foot_turn else 0.5)
                s.foot_hold[f] = held
            self._pin_planted(out, hips, o.pin_reach)
        s.hips, s.soles, s.placed, s.out = hips, soles, sole_points(out, hips), out.copy()
        if est is not None:
            s.est = est
        return hips.copy(), out, (bool(s.contacts[0]), bool(s.contacts[1]))

    def smoothed(self, rotations: npt.ArrayLike, t: float) -> tuple[Array, Array]:
        """The hips (3,) and rotations (N, 4) for a pose smoothed after the last call (``--avatar-smooth``).

        The unsmoothed pose grounds the hips (its legs carry the stride: smoothed, lagging legs make
        short strides) and this smooths the result: the hips the last call returned go through a One
        Euro filter of the estimate's parameters (``min_cutoff``, ``beta``, ``d_cutoff``: still hips
        lose their jitter, walking ones lag under a frame), then both legs of ``rotations`` (the smoothed
        rotations for time ``t``) are bent to put the feet where the last call put them — a planted foot
        on its anchor with the orientation the last call held, a foot in the air where and as the last
        call's output had it (a lagging swing leg would touch down short of its anchor and slide onto
        it). Two-bone IK with no reach limit: a goal beyond the leg's length straightens the leg towards
        it. Edge cases: no call yet: the rotations unchanged; ``pin_feet`` off: only the hips are smoothed;
        a ``t`` that does not advance or a gap over ``max_gap`` restarts the hips' filter.
        """
        out = np.array(rotations, dtype=np.float64, copy=True)
        s = self._s
        hips = self._hips_filter(s.hips, t)
        if not self.options.pin_feet or s.out is None or s.placed is None:
            return hips, out
        self._pin_planted(out, hips, math.inf)
        world = world_rotations(s.out)
        for f in range(2):
            if s.anchors[f] is None or s.foot_hold[f] is None:
                _pin_leg(out, hips, f, 0, s.placed[f, 0], world[_LEGS[f][2]], math.inf)
        return hips, out

    def _pin_planted(self, out: Array, hips: Array, reach: float) -> None:
        """Bend each planted leg of ``out`` (in place) so that its pivot lands on its anchor, its foot held."""
        s = self._s
        for f in range(2):
            anchor, held = s.anchors[f], s.foot_hold[f]
            if anchor is None or held is None:
                continue
            target = np.array([anchor[0], 0.0, anchor[1]])  # a planted pivot is on the floor
            _pin_leg(out, hips, f, s.pivots[f], target, held, reach)

    def _floor_at(self, p: Array) -> float:
        """The floor's y (camera space) below the camera-space point ``p``."""
        s = self._s
        if s.origin is None:
            return s.floor
        return s.floor + float(s.slope[0] * (p[0] - s.origin[0]) + s.slope[1] * (p[2] - s.origin[2]))

    def _floor_sample(self, p: Array, y: float) -> None:
        """Add a planted foot at ``p`` (camera space; its x and z), sole height ``y``, to the floor fit."""
        s, o = self._s, self.options
        assert s.origin is not None
        v = np.array([1.0, p[0] - s.origin[0], p[2] - s.origin[2]])
        s.normal = (1.0 - o.floor_rate) * s.normal + np.outer(v, v)
        s.rhs = (1.0 - o.floor_rate) * s.rhs + v * y
        # weighted least squares of y = a + b·dx + c·dz; the slopes held towards 0 by the prior (a ridge)
        m = s.normal + np.diag([0.0, o.floor_slope_prior, o.floor_slope_prior])
        if abs(float(np.linalg.det(m))) > 1e-12:
            a, b, c = np.linalg.solve(m, s.rhs).tolist()
            s.floor, s.slope = a, np.array([b, c])

    def _floor_space(self, est: Array) -> Array:
        s = self._s
        assert s.origin is not None
        return np.array([est[0] - s.origin[0], est[1] - self._floor_at(est), est[2] - s.origin[2]])


_LEGS: Final = tuple(
    (BONE_INDEX[f"{s}UpperLeg"], BONE_INDEX[f"{s}LowerLeg"], BONE_INDEX[f"{s}Foot"]) for s in ("Left", "Right")
)


def _pin_leg(
    rotations: Array, hips: Array, foot: int, pivot: int, target: Array, foot_world: Array, reach: float
) -> None:
    """Bend leg ``foot`` (0 left, 1 right) in place so that its sole point ``pivot`` lands on ``target``.

    Two-bone IK: the knee bends about its own hinge (the lower leg's x axis) until the hip–ankle distance
    is right, then the whole leg turns about the hip to point the ankle at its target; the foot takes the
    world orientation ``foot_world``. Nothing changes when the target is more than ``reach`` meters away (a wrong
    anchor is not worth a broken leg); a goal out of the leg's reach straightens the leg towards it.
    """
    upper, lower, end = _LEGS[foot]
    world = world_rotations(rotations)
    joints = joint_positions(rotations, hips)
    hip, knee, ankle = joints[upper], joints[lower], joints[end]
    goal = target - quat.rotate(foot_world, SOLE_POINTS[pivot])  # where the ankle must go
    if not float(np.linalg.norm(goal - ankle)) <= reach:
        return
    l1, l2 = float(np.linalg.norm(knee - hip)), float(np.linalg.norm(ankle - knee))
    d0, d = float(np.linalg.norm(ankle - hip)), float(np.linalg.norm(goal - hip))
    lo, hi = abs(l1 - l2) + 1e-4, l1 + l2 - 1e-4
    if l1 < 1e-6 or l2 < 1e-6:
        return
    d, d0 = min(max(d, lo), hi), min(max(d0, lo), hi)  # out of reach: the leg straightens towards the goal

    def interior(x: float) -> float:
        return math.acos(max(-1.0, min(1.0, (l1 * l1 + l2 * l2 - x * x) / (2 * l1 * l2))))

    # more bend (a smaller interior angle) brings the ankle closer: the knee bends about +x (limits: x > 0)
    bend = quat.from_axis_angle(quat.rotate(world[upper], np.array([1.0, 0.0, 0.0])), interior(d0) - interior(d))
    lower_world = quat.mul(bend, world[lower])
    new_ankle = knee + quat.rotate(bend, ankle - knee)
    swing = quat.from_two_vectors(new_ankle - hip, goal - hip)
    upper_world = quat.mul(swing, world[upper])
    lower_world = quat.mul(swing, lower_world)
    parent = world[PARENT[upper]]
    rotations[upper] = quat.normalize(quat.mul(quat.conj(parent), upper_world))
    rotations[lower] = quat.normalize(quat.mul(quat.conj(upper_world), lower_world))
    rotations[end] = quat.normalize(quat.mul(quat.conj(lower_world), foot_world))
