"""``demo``: a built-in, deterministic human motion — walking in place while waving.

It produces exactly what BlazePose produces — 33 landmarks, image and world
coordinates, visibility and presence — so a Unity scene or any client can be
tried with no camera, no video and no model. The motion is a pure function of
the frame index and loops every :data:`PERIOD` seconds; frame *k* is always the
same, which makes the demo usable in tests.

Coordinates follow MediaPipe: world in meters with the origin between the hips,
x towards the image's right (the person's left, as they face the camera), y
down, z away from the camera; image coordinates are a pinhole projection of the
world pose with the person standing about 3 m from the camera.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import AsyncIterator

import numpy as np

from ..frame import PoseFrame
from ..protocol import SourceInfo
from ..skeleton import INDEX, NUM_LANDMARKS
from .base import Source

#: Seconds per motion cycle (two steps and three waves).
PERIOD = 2.0
WIDTH, HEIGHT = 640, 480
_CAMERA_DISTANCE = 3.0  # meters from the camera to the hips
_FY = 1.2  # focal length as a fraction of the image height
_FX = _FY * HEIGHT / WIDTH
_HIP_IMAGE = (0.5, 0.55)

# Body measures (meters).
_HIP_HALF = 0.10
_SHOULDER_HALF = 0.18
_TORSO = 0.50
_UPPER_ARM = 0.28
_FOREARM = 0.25
_THIGH = 0.42
_SHIN = 0.40

# Face points relative to the neck base (x, y, z) — y up is negative.
_FACE = {
    "nose": (0.0, -0.18, -0.09),
    "left_eye_inner": (0.015, -0.21, -0.075),
    "left_eye": (0.032, -0.212, -0.072),
    "left_eye_outer": (0.047, -0.21, -0.065),
    "right_eye_inner": (-0.015, -0.21, -0.075),
    "right_eye": (-0.032, -0.212, -0.072),
    "right_eye_outer": (-0.047, -0.21, -0.065),
    "left_ear": (0.075, -0.19, 0.0),
    "right_ear": (-0.075, -0.19, 0.0),
    "mouth_left": (0.025, -0.14, -0.075),
    "mouth_right": (-0.025, -0.14, -0.075),
}


def _unit(v: np.ndarray) -> np.ndarray:
    result: np.ndarray = v / np.linalg.norm(v)
    return result


def _rot_x(a: float) -> np.ndarray:
    c, s = math.cos(a), math.sin(a)
    return np.array([[1.0, 0.0, 0.0], [0.0, c, -s], [0.0, s, c]])


def _rot_y(a: float) -> np.ndarray:
    c, s = math.cos(a), math.sin(a)
    return np.array([[c, 0.0, s], [0.0, 1.0, 0.0], [-s, 0.0, c]])


def _rot_z(a: float) -> np.ndarray:
    c, s = math.cos(a), math.sin(a)
    return np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])


def _leg(side: float, lift: float) -> dict[str, np.ndarray]:
    """Hip, knee, ankle, heel and toe of one leg; ``lift`` in radians of hip flexion."""
    name = "left" if side > 0 else "right"
    hip = np.array([side * _HIP_HALF, 0.0, 0.0])
    thigh = np.array([0.0, math.cos(lift), -math.sin(lift)])
    shin = np.array([0.0, math.cos(lift), math.sin(lift)])  # knee flexed twice the hip angle
    knee = hip + _THIGH * thigh
    ankle = knee + _SHIN * shin
    foot = _rot_x(lift)  # the foot turns with the shin
    return {
        f"{name}_hip": hip,
        f"{name}_knee": knee,
        f"{name}_ankle": ankle,
        f"{name}_heel": ankle + foot @ np.array([0.0, 0.05, 0.05]),
        f"{name}_foot_index": ankle + foot @ np.array([side * 0.02, 0.05, -0.15]),
    }


def _arm(side: float, upper: np.ndarray, fore: np.ndarray, shoulder: np.ndarray) -> dict[str, np.ndarray]:
    name = "left" if side > 0 else "right"
    elbow = shoulder + _UPPER_ARM * _unit(upper)
    d = _unit(fore)
    wrist = elbow + _FOREARM * d
    lateral = _unit(np.cross(d, np.array([0.0, 0.0, 1.0])) + 1e-9)
    return {
        f"{name}_shoulder": shoulder,
        f"{name}_elbow": elbow,
        f"{name}_wrist": wrist,
        f"{name}_pinky": wrist + 0.07 * d - side * 0.025 * lateral,
        f"{name}_index": wrist + 0.085 * d + side * 0.01 * lateral,
        f"{name}_thumb": wrist + 0.05 * d + side * 0.035 * lateral,
    }


def world_pose(t: float) -> np.ndarray:
    """The demo's world landmarks (33, 3) at time ``t`` seconds (periodic in :data:`PERIOD`)."""
    phase = 2.0 * math.pi * (t % PERIOD) / PERIOD
    step = math.sin(phase)
    points: dict[str, np.ndarray] = {}
    points.update(_leg(+1.0, math.radians(45.0) * max(0.0, step)))
    points.update(_leg(-1.0, math.radians(45.0) * max(0.0, -step)))
    torso = _rot_z(0.04 * math.sin(phase))  # the upper body sways over the hips
    neck = torso @ np.array([0.0, -_TORSO, 0.0])
    points["left_shoulder"] = neck + torso @ np.array([_SHOULDER_HALF, 0.0, 0.0])
    points["right_shoulder"] = neck - torso @ np.array([_SHOULDER_HALF, 0.0, 0.0])
    # Left arm swings against the left leg.
    swing = math.radians(25.0) * -step
    upper_l = np.array([0.15, math.cos(swing), -math.sin(swing)])
    fore_l = np.array([0.1, math.cos(swing + 0.4), -math.sin(swing + 0.4)])
    points.update(_arm(+1.0, upper_l, fore_l, points["left_shoulder"]))
    # Right arm raised to the side, forearm waving (three waves per cycle).
    wave = math.radians(25.0) * math.sin(3.0 * phase)
    upper_r = np.array([-math.sin(math.radians(110.0)), math.cos(math.radians(110.0)), -0.1])
    fore_r = np.array([-math.sin(wave), -math.cos(wave), -0.15])
    points.update(_arm(-1.0, upper_r, fore_r, points["right_shoulder"]))
    head = torso @ _rot_y(0.25 * math.sin(phase))  # and the head turns a little
    for name, offset in _FACE.items():
        points[name] = neck + head @ np.array(offset)
    out = np.zeros((NUM_LANDMARKS, 3))
    for name, p in points.items():
        out[INDEX[name]] = p
    return out


def _visibility(world: np.ndarray) -> np.ndarray:
    # Landmarks further from the camera than the hips (z > 0) are a little less visible.
    result: np.ndarray = np.clip(0.995 - 0.8 * np.maximum(world[:, 2], 0.0), 0.5, 0.995)
    return result


def pose_at(seq: int, fps: float = 30.0) -> tuple[np.ndarray, np.ndarray]:
    """Image and world landmark blocks (33, 5) of demo frame ``seq``."""
    world = world_pose(seq / fps)
    vis = _visibility(world)
    presence = np.ones(NUM_LANDMARKS)
    depth = _CAMERA_DISTANCE + world[:, 2]
    u = _HIP_IMAGE[0] + _FX * world[:, 0] / depth
    v = _HIP_IMAGE[1] + _FY * world[:, 1] / depth
    zi = world[:, 2] * _FX / _CAMERA_DISTANCE
    image = np.column_stack([u, v, zi, vis, presence])
    world5 = np.column_stack([world, vis, presence])
    return image.astype(np.float32), world5.astype(np.float32)


class DemoSource(Source):
    """The built-in demo: ``fps`` frames per second, forever (or ``frames`` frames).

    It behaves like a camera (``live``): each frame is generated when it is due on
    the real-time clock, so ``captured_ns`` is when its landmarks became ready and
    ``--speed`` does not apply. With ``realtime=False`` frames are generated as
    fast as they are taken (the player then paces them by ``t``). Each call of
    :meth:`frames` starts at ``seq`` 0.
    """

    def __init__(self, fps: float = 30.0, frames: int | None = None, *, realtime: bool = True) -> None:
        if fps <= 0:
            raise ValueError("fps must be > 0")
        self.fps = fps
        self.total = frames
        self.live = realtime
        self.info = SourceInfo(
            kind="demo",
            name="demo (walking in place while waving)",
            fps=fps,
            width=WIDTH,
            height=HEIGHT,
            frames=frames,
            coords=("image", "world"),
        )

    async def frames(self) -> AsyncIterator[PoseFrame]:
        seq = 0
        start = time.monotonic()
        while self.total is None or seq < self.total:
            if self.live:
                delay = start + seq / self.fps - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                elif delay < -1.0:  # fell far behind (suspended?): restart the clock, no burst
                    start = time.monotonic() - seq / self.fps
            elif seq % 64 == 0:
                await asyncio.sleep(0)  # stay cooperative when nothing paces us (--speed max)
            image, world = pose_at(seq, self.fps)
            yield PoseFrame(seq=seq, t=seq / self.fps, captured_ns=time.time_ns(), image=image, world=world)
            seq += 1
