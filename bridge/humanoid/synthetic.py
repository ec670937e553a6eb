"""Synthetic motion with known ground truth: walking, turning, standing, jumping, sitting down.

For the grounding tests and ``benchmarks/grounding.py``. Each sequence is made by forward kinematics of the
standard skeleton (:mod:`bridge.humanoid.model`) and is physically consistent by construction: the hips'
horizontal travel is what keeps every foot that is on the ground where it is (a planted foot never slides),
and their height is what puts the lowest sole on the floor, except in a jump's flight, where it follows a
ballistic arc. The landmarks a BlazePose-like tracker would report are then made from it:

- **world** blocks as BlazePose gives them: hip-centred, MediaPipe axes (y down), with Gaussian noise (by
  default 3 mm in x and y, 8 mm in z — BlazePose's depth is its weakest axis);
- **image** blocks: the true landmarks placed in the scene and projected through a level pinhole camera of
  known vertical field of view (``FOV_Y_DEG``) at ``CAMERA`` (floor space), with pixel noise.

Floor space: Unity axes (x right, y up, z forward, away from the camera), meters, the floor at y = 0, the
origin on the floor below the hips at the first frame. The camera looks along +z and is level.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from . import quat
from .fk import synthesize_world_block
from .grounding import sole_points
from .model import BONE_INDEX, BONES, X, Y

Array = npt.NDArray[np.float64]
F32 = npt.NDArray[np.float32]

FPS: Final[float] = 30.0
FOV_Y_DEG: Final[float] = 50.0
ASPECT: Final[float] = 16.0 / 9.0
#: Pixel size of the image the noise is given in.
IMAGE_HEIGHT: Final[int] = 720
#: The camera in floor space: 1.2 m above the floor, 4 m in front of where each sequence starts.
CAMERA: Final = np.array([0.0, 1.2, -4.0])
G: Final[float] = 9.81


@dataclass(frozen=True, slots=True)
class Sequence:
    """A synthetic sequence: the truth (``rotations``, ``hips``, ``contacts``) and what a tracker sees.

    ``hips`` (T, 3) in floor space; ``contacts`` (T, 2) left/right on the ground; ``world`` and ``image``
    (T, 33, 5) float32 landmark blocks; ``t`` (T,) seconds.
    """

    name: str
    t: Array
    rotations: Array
    hips: Array
    contacts: npt.NDArray[np.bool_]
    world: F32
    image: F32
    jump_height: float  # the flight's apex above the standing hips height (0 without a jump)


def _rx(deg: float) -> Array:
    return quat.from_axis_angle(X, math.radians(deg))


def _ry(deg: float) -> Array:
    return quat.from_axis_angle(Y, math.radians(deg))


def _pose(
    yaw: float = 0.0,
    pitch: float = 0.0,
    legs: tuple[tuple[float, float, float], tuple[float, float, float]] = ((0, 0, 0), (0, 0, 0)),
    arms: float = 70.0,
    spine: float = 0.0,
) -> Array:
    """Rotations: hips yaw (degrees about up) and forward pitch; per leg (thigh forward, knee bend, foot down)."""
    rot = np.tile(quat.IDENTITY, (len(BONES), 1))
    rot[BONE_INDEX["Hips"]] = quat.mul(_ry(yaw), _rx(pitch))
    rot[BONE_INDEX["Spine"]] = _rx(spine)
    for side, (thigh, knee, foot) in zip(("Left", "Right"), legs, strict=True):
        rot[BONE_INDEX[f"{side}UpperLeg"]] = _rx(-thigh)
        rot[BONE_INDEX[f"{side}LowerLeg"]] = _rx(knee)
        rot[BONE_INDEX[f"{side}Foot"]] = _rx(foot)
    # arms down by the sides (z rotation: the left arm down is +z)
    rot[BONE_INDEX["LeftUpperArm"]] = quat.from_axis_angle(np.array([0.0, 0.0, 1.0]), math.radians(arms))
    rot[BONE_INDEX["RightUpperArm"]] = quat.from_axis_angle(np.array([0.0, 0.0, 1.0]), math.radians(-arms))
    return rot


def _ground_truth(
    poses: list[Array], stance: list[tuple[bool, bool]], flight: Callable[[int], float | None]
) -> tuple[Array, npt.NDArray[np.bool_]]:
    """Hips positions that keep the stance feet's sole centres fixed, and the true contacts.

    ``stance[k]``: which feet carry the body in frame k (their sole centre does not move horizontally);
    ``flight(k)``: the hips height in a flight frame, ``None`` when the feet are on the ground (then the
    lowest stance sole is on the floor). Contacts are the stance feet that touch the floor (within 5 mm).
    """
    hips = np.zeros((len(poses), 3))
    contacts = np.zeros((len(poses), 2), dtype=bool)
    prev: Array | None = None
    for k, rot in enumerate(poses):
        soles = sole_points(rot)  # relative to the hips
        centre = soles.mean(axis=1)
        if k > 0 and prev is not None:
            moving = [f for f in range(2) if stance[k][f] and stance[k - 1][f]]
            if moving:
                hips[k, [0, 2]] = np.mean([(hips[k - 1] + prev[f] - centre[f])[[0, 2]] for f in moving], axis=0)
            else:
                hips[k, [0, 2]] = hips[k - 1, [0, 2]] + (hips[k - 1, [0, 2]] - hips[max(k - 2, 0), [0, 2]])
        h = flight(k)
        low = [soles[f, :, 1].min() for f in range(2) if stance[k][f]] or [soles[:, :, 1].min()]
        hips[k, 1] = -min(low) if h is None else h
        for f in range(2):
            contacts[k, f] = stance[k][f] and h is None and hips[k, 1] + soles[f, :, 1].min() < 0.005
        prev = centre
    return hips, contacts


def _observe(
    name: str, poses: list[Array], hips: Array, contacts: npt.NDArray[np.bool_], jump: float, seed: int,
    world_noise: tuple[float, float] = (0.003, 0.008), pixel_noise: float = 1.0,
) -> Sequence:  # fmt: skip
    rng = np.random.default_rng(seed)
    f = 0.5 / math.tan(math.radians(FOV_Y_DEG) / 2)
    worlds, images = [], []
    for rot, h in zip(poses, hips, strict=True):
        block = synthesize_world_block(rot).astype(np.float64)
        cam = block[:, :3] + np.array([h[0] - CAMERA[0], -(h[1] - CAMERA[1]), h[2] - CAMERA[2]])  # MediaPipe axes
        img = np.zeros_like(block)
        img[:, 0] = 0.5 + f * cam[:, 0] / cam[:, 2] / ASPECT
        img[:, 1] = 0.5 + f * cam[:, 1] / cam[:, 2]
        img[:, 2] = block[:, 2] / 2.0
        img[:, 3:] = 1.0
        img[:, :2] += rng.normal(0.0, pixel_noise / IMAGE_HEIGHT, (len(img), 2)) * [1.0 / ASPECT, 1.0]
        noisy = block.copy()
        noisy[:, :2] += rng.normal(0.0, world_noise[0], (len(block), 2))
        noisy[:, 2] += rng.normal(0.0, world_noise[1], len(block))
        noisy[:, :3] -= (noisy[23, :3] + noisy[24, :3]) / 2  # BlazePose's origin: the hip midpoint
        worlds.append(noisy)
        images.append(img)
    t = np.arange(len(poses)) / FPS
    return Sequence(
        name, t, np.array(poses), hips, contacts, np.array(worlds, dtype=np.float32),
        np.array(images, dtype=np.float32), jump,
    )  # fmt: skip


def _gait(
    phase: float, stride_deg: float = 22.0, knee_swing: float = 55.0
) -> tuple[tuple[float, float, float], tuple[float, float, float]]:
    """Both legs at a gait ``phase`` (cycles): (thigh, knee, foot) with the foot kept level."""
    legs: list[tuple[float, float, float]] = []
    for offset in (0.0, 0.5):
        a = 2 * math.pi * (phase + offset)
        thigh = stride_deg * math.sin(a)
        knee = knee_swing * max(0.0, math.cos(a)) ** 1.5  # bent while the leg swings forward
        legs.append((thigh, knee, thigh - knee))  # level foot: thigh + (−knee) + foot pitch = 0
    return legs[0], legs[1]


def _clear(rot: Array, legs: tuple[tuple[float, float, float], ...], stance: tuple[bool, bool], phase: float) -> Array:
    """Bend a swinging leg's knee (foot kept level) until its sole clears the floor by a swing-shaped margin."""
    soles = sole_points(rot)
    floor = min(soles[f, :, 1].min() for f in range(2) if stance[f])
    for f in range(2):
        if stance[f]:
            continue
        u = (phase + 0.5 * f) % 1.0  # this leg's swing runs while cos(2πu) > 0: u in (0.75, 1.25)
        u = ((u - 0.75) % 1.0) / 0.5
        margin = 0.005 + 0.06 * math.sin(math.pi * min(1.0, max(0.0, u)))
        thigh, knee, _ = legs[f]
        side = ("Left", "Right")[f]
        while soles[f, :, 1].min() - floor < margin and knee < 120.0:
            knee += 1.0
            rot[BONE_INDEX[f"{side}LowerLeg"]] = _rx(knee)
            rot[BONE_INDEX[f"{side}Foot"]] = _rx(thigh - knee)
            soles = sole_points(rot)
    return rot


def _stance(phase: float) -> tuple[bool, bool]:
    """Which feet carry the body: the one moving backwards (its thigh's angle falling), both at the switch."""
    out = []
    for offset in (0.0, 0.5):
        c = math.cos(2 * math.pi * (phase + offset))
        out.append(c <= 0.02)
    return out[0], out[1]


def walk(seconds: float = 4.0, heading: float = 60.0, turn: float = 0.0, seed: int = 1) -> Sequence:
    """Walking at about 1 m/s, one gait cycle per second; ``turn`` degrees per second walks a circle."""
    n = int(seconds * FPS)
    poses, stance = [], []
    for k in range(n):
        phase = k / FPS
        legs, st = _gait(phase), _stance(phase)
        poses.append(_clear(_pose(yaw=heading + turn * k / FPS, legs=legs), legs, st, phase))
        stance.append(st)
    hips, contacts = _ground_truth(poses, stance, lambda k: None)
    return _observe("walk in a circle" if turn else "walk straight", poses, hips, contacts, 0.0, seed)


def stand(seconds: float = 5.0, seed: int = 2) -> Sequence:
    """Standing still, swaying a little (hips turn ±5°, arms move)."""
    n = int(seconds * FPS)
    poses = [
        _pose(yaw=20.0 + 5.0 * math.sin(k / FPS * 1.3), arms=70.0 + 10.0 * math.sin(k / FPS * 2.0)) for k in range(n)
    ]
    hips, contacts = _ground_truth(poses, [(True, True)] * n, lambda k: None)
    return _observe("stand still", poses, hips, contacts, 0.0, seed)


def jump(height: float = 0.30, seed: int = 3) -> Sequence:
    """A standing vertical jump of ``height`` meters (hips apex above standing), with crouch and landing."""
    crouch, push, land, rest = 0.5, 0.15, 0.35, 0.8
    v0 = math.sqrt(2 * G * height)
    flight = 2 * v0 / G
    total = 0.6 + crouch + push + flight + land + rest
    n = int(total * FPS)
    poses, stance = [], []
    heights: list[float | None] = []
    t0 = 0.6
    t_off = t0 + crouch + push
    for k in range(n):
        t = k / FPS
        if t < t0:
            bend = 0.0
        elif t < t0 + crouch:
            bend = 60.0 * math.sin(0.5 * math.pi * (t - t0) / crouch)
        elif t < t_off:
            bend = 60.0 * math.cos(0.5 * math.pi * (t - t0 - crouch) / push)
        elif t < t_off + flight:
            bend = 0.0
        elif t < t_off + flight + land:
            bend = 45.0 * math.sin(math.pi * (t - t_off - flight) / land)
        else:
            bend = 0.0
        in_air = t_off <= t < t_off + flight
        poses.append(_squat(bend, pitch=0.4 * bend, yaw=15.0, arms=70.0 - bend))
        stance.append((not in_air, not in_air))
        heights.append(None if not in_air else (t - t_off) * v0 - 0.5 * G * (t - t_off) ** 2)
    base = float(-sole_points(poses[0])[:, :, 1].min())

    def flight_height(k: int) -> float | None:
        h = heights[k]
        return None if h is None else base + h

    hips, contacts = _ground_truth(poses, stance, flight_height)
    return _observe("jump", poses, hips, contacts, height, seed)


def sit(seconds: float = 4.0, seed: int = 4) -> Sequence:
    """Sitting down on a seat of knee height and staying seated; the feet stay planted."""
    n = int(seconds * FPS)
    poses = []
    for k in range(n):
        s = min(1.0, max(0.0, (k / FPS - 0.7) / 1.5))
        s = s * s * (3 - 2 * s)
        poses.append(_squat(90.0 * s, pitch=35.0 * math.sin(math.pi * s) + 5.0 * s, yaw=-25.0, thigh_share=1.0))
    hips, contacts = _ground_truth(poses, [(True, True)] * n, lambda k: None)
    return _observe("sit down", poses, hips, contacts, 0.0, seed)


def _squat(bend: float, pitch: float, yaw: float, arms: float = 70.0, thigh_share: float = 0.5) -> Array:
    """Both knees bent ``bend`` degrees, the thighs forward by ``thigh_share`` of it, the shins back by the rest."""
    thigh = thigh_share * bend + pitch  # relative to the pitched hips
    leg = (thigh, bend, thigh - bend - pitch)
    return _pose(yaw=yaw, pitch=pitch, legs=(leg, leg), arms=arms)


def all_sequences(seed: int = 0) -> list[Sequence]:
    """The five sequences of the tests and the benchmark, with deterministic noise."""
    return [
        walk(seed=seed + 1),
        walk(seconds=6.0, heading=0.0, turn=60.0, seed=seed + 2),
        stand(seed=seed + 3),
        jump(seed=seed + 4),
        sit(seed=seed + 5),
    ]


@dataclass(frozen=True, slots=True)
class Metrics:
    """How well a solved stream matches a :class:`Sequence`'s truth (see :func:`evaluate`)."""

    skate_mm: float  # mean horizontal slide of a truly planted foot's sole centre per frame
    penetration_mm: float  # mean depth of a truly planted foot's lowest sole below the floor
    max_penetration_mm: float
    float_mm: float  # mean height of a truly planted foot's lowest sole above the floor
    root_cm: float  # mean distance between the solved and true hips' travel since the first frame
    jump_cm: float  # solved jump height (hips apex above the first frame's hips) − true; 0 without a jump
    contact_agreement: float  # share of (frame, foot) whose solved contact equals the truth (1 without contacts)


def evaluate(seq: Sequence, hips: npt.ArrayLike, rotations: npt.ArrayLike, contacts: npt.ArrayLike | None = None,
             floor: float | None = None) -> Metrics:  # fmt: skip
    """Metrics of a solved stream (``hips`` (T, 3), ``rotations`` (T, N, 4)) against ``seq``.

    ``floor``: the floor's height in the solved stream's space; ``None`` places it for the solved stream
    as well as it can be (the solved hips' height at the first frame minus the true one) — a generous
    choice for streams that have no floor (in place, raw root motion).
    """
    h = np.asarray(hips, dtype=np.float64)
    rot = np.asarray(rotations, dtype=np.float64)
    if floor is None:
        floor = float(h[0, 1] - seq.hips[0, 1])
    soles = np.array([sole_points(r, p) for r, p in zip(rot, h, strict=True)])  # (T, 2, 2, 3)
    centre = soles.mean(axis=2)
    c = seq.contacts
    both = c[1:] & c[:-1]
    slide = np.linalg.norm((centre[1:] - centre[:-1])[..., [0, 2]], axis=-1)
    height = soles[..., 1].min(axis=2) - floor  # (T, 2)
    planted = height[c]
    travel = np.linalg.norm((h - h[0]) - (seq.hips - seq.hips[0]), axis=1)
    jump = 0.0
    if seq.jump_height > 0:
        jump = float(h[:, 1].max() - h[0, 1]) - seq.jump_height
    agree = 1.0 if contacts is None else float((np.asarray(contacts, dtype=bool) == c).mean())
    return Metrics(
        skate_mm=1000 * float(slide[both].mean()) if both.any() else 0.0,
        penetration_mm=1000 * float(np.maximum(0.0, -planted).mean()) if planted.size else 0.0,
        max_penetration_mm=1000 * float(np.maximum(0.0, -planted).max()) if planted.size else 0.0,
        float_mm=1000 * float(np.maximum(0.0, planted).mean()) if planted.size else 0.0,
        root_cm=100 * float(travel.mean()),
        jump_cm=100 * jump,
        contact_agreement=agree,
    )
