"""The normalized humanoid: bone hierarchy, rest pose, the landmark model the solver inverts, joint limits.

**Convention** (the one VRM and the VMC protocol use for "normalized" bones): Unity axes — left-handed,
x right, y up, z forward — meters; the rest pose is a T-pose facing +z (the character's left hand at −x)
in which **every bone's rotation is the identity**, in world space and relative to its parent. A pose is
the hips position and one rotation per bone of :data:`BONES`: the Hips rotation is relative to the
stream's space (the camera's, in Unity axes), every other rotation is relative to the bone's parent
(:data:`PARENT`). A client maps these onto its own rig with each rig bone's rest rotation (what UniVRM
calls normalization and what the Unity ``AvatarDriver`` does).

**Standard skeleton**: :data:`REST_JOINTS` places every bone's joint in the T-pose (an adult of about
1.75 m; only directions matter to the solver, lengths only to forward kinematics and the viewer).

**Landmark model**: :data:`LANDMARK_MODEL` says where each BlazePose landmark sits relative to its bone.
It is what the solver inverts (a landmark pair gives a bone direction, a landmark triangle a bone's
twist) and what :func:`bridge.humanoid.fk.synthesize_world_block` uses to make landmarks from a pose.
Two simplifications the landmarks force, stated once:

- The trunk is seen as two lines, hips and shoulders. Its forward or backward bend is given to the
  Hips (the landmarks cannot tell pelvis tilt from spine flexion); what differs between the shoulder and
  hip lines (twist, sideways tilt) is split equally between Spine and Chest. The shoulder landmarks are
  modelled as fixed to the Chest's frame, anchored at the hip centre.
- Nothing separates a clavicle from the chest, or toes from the foot: Shoulders and Toes stay at rest.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from ..skeleton import HUMANOID_BONES, HUMANOID_PARENTS, INDEX

Array = npt.NDArray[np.float64]

#: Bone names in wire order (Unity ``HumanBodyBones`` names), parents first.
BONES: Final[tuple[str, ...]] = HUMANOID_BONES
#: Index of each bone in :data:`BONES`.
BONE_INDEX: Final[dict[str, int]] = {name: i for i, name in enumerate(BONES)}
#: Parent index of each bone (−1 for Hips).
PARENT: Final[tuple[int, ...]] = tuple(
    -1 if HUMANOID_PARENTS[b] is None else BONE_INDEX[HUMANOID_PARENTS[b]]  # type: ignore[index]
    for b in BONES
)

X: Final = np.array([1.0, 0.0, 0.0])
Y: Final = np.array([0.0, 1.0, 0.0])
Z: Final = np.array([0.0, 0.0, 1.0])

# --------------------------------------------------------------------------- standard skeleton

_HIP_HALF = 0.10  # hip joints from the centre (BlazePose's hip landmarks)
_SHOULDER_HALF = 0.18
_TORSO = 0.50  # hip centre to shoulder centre
_UPPER_ARM = 0.28
_FOREARM = 0.25
_THIGH = 0.42
_SHIN = 0.40
_ANKLE_HEIGHT = 0.07

#: Joint position of every bone in the T-pose, relative to the Hips joint (the hip centre).
REST_JOINTS: Final[dict[str, tuple[float, float, float]]] = {
    "Hips": (0.0, 0.0, 0.0),
    "Spine": (0.0, 0.10, 0.0),
    "Chest": (0.0, 0.25, 0.0),
    "Neck": (0.0, _TORSO, 0.0),
    "Head": (0.0, _TORSO + 0.10, 0.0),
    "LeftShoulder": (-0.03, _TORSO - 0.04, 0.0),
    "LeftUpperArm": (-_SHOULDER_HALF, _TORSO, 0.0),
    "LeftLowerArm": (-_SHOULDER_HALF - _UPPER_ARM, _TORSO, 0.0),
    "LeftHand": (-_SHOULDER_HALF - _UPPER_ARM - _FOREARM, _TORSO, 0.0),
    "RightShoulder": (0.03, _TORSO - 0.04, 0.0),
    "RightUpperArm": (_SHOULDER_HALF, _TORSO, 0.0),
    "RightLowerArm": (_SHOULDER_HALF + _UPPER_ARM, _TORSO, 0.0),
    "RightHand": (_SHOULDER_HALF + _UPPER_ARM + _FOREARM, _TORSO, 0.0),
    "LeftUpperLeg": (-_HIP_HALF, 0.0, 0.0),
    "LeftLowerLeg": (-_HIP_HALF, -_THIGH, 0.0),
    "LeftFoot": (-_HIP_HALF, -_THIGH - _SHIN, 0.0),
    "LeftToes": (-_HIP_HALF, -_THIGH - _SHIN - _ANKLE_HEIGHT + 0.02, 0.13),
    "RightUpperLeg": (_HIP_HALF, 0.0, 0.0),
    "RightLowerLeg": (_HIP_HALF, -_THIGH, 0.0),
    "RightFoot": (_HIP_HALF, -_THIGH - _SHIN, 0.0),
    "RightToes": (_HIP_HALF, -_THIGH - _SHIN - _ANKLE_HEIGHT + 0.02, 0.13),
}

#: Where bones without a child joint end (for drawing): relative to their own joint, T-pose.
REST_TIPS: Final[dict[str, tuple[float, float, float]]] = {
    "Head": (0.0, 0.20, 0.02),
    "LeftHand": (-0.17, 0.0, 0.0),
    "RightHand": (0.17, 0.0, 0.0),
    "LeftToes": (0.0, 0.0, 0.07),
    "RightToes": (0.0, 0.0, 0.07),
}

#: Height of the hip centre above the soles in the T-pose (meters).
HIPS_HEIGHT: Final[float] = _THIGH + _SHIN + _ANKLE_HEIGHT

#: The direction of each bone in the T-pose (to its main child joint), for forward-kinematics checks.
REST_DIRECTIONS: Final[dict[str, Array]] = {}
for _b, _child in (
    ("Spine", "Chest"), ("Chest", "Neck"), ("Neck", "Head"),
    ("LeftShoulder", "LeftUpperArm"), ("LeftUpperArm", "LeftLowerArm"), ("LeftLowerArm", "LeftHand"),
    ("RightShoulder", "RightUpperArm"), ("RightUpperArm", "RightLowerArm"), ("RightLowerArm", "RightHand"),
    ("LeftUpperLeg", "LeftLowerLeg"), ("LeftLowerLeg", "LeftFoot"), ("LeftFoot", "LeftToes"),
    ("RightUpperLeg", "RightLowerLeg"), ("RightLowerLeg", "RightFoot"), ("RightFoot", "RightToes"),
):  # fmt: skip
    _d = np.subtract(REST_JOINTS[_child], REST_JOINTS[_b])
    REST_DIRECTIONS[_b] = _d / np.linalg.norm(_d)
for _b, _tip in REST_TIPS.items():
    REST_DIRECTIONS[_b] = np.asarray(_tip) / np.linalg.norm(_tip)

# --------------------------------------------------------------------------- landmark model

#: Landmarks relative to the face's bone (Head), T-pose, from the Head joint.
_FACE: Final[dict[str, tuple[float, float, float]]] = {
    "nose": (0.0, 0.06, 0.11),
    "left_eye_inner": (-0.015, 0.09, 0.095),
    "left_eye": (-0.032, 0.092, 0.09),
    "left_eye_outer": (-0.047, 0.09, 0.08),
    "right_eye_inner": (0.015, 0.09, 0.095),
    "right_eye": (0.032, 0.092, 0.09),
    "right_eye_outer": (0.047, 0.09, 0.08),
    "left_ear": (-0.075, 0.075, 0.0),
    "right_ear": (0.075, 0.075, 0.0),
    "mouth_left": (-0.025, 0.025, 0.095),
    "mouth_right": (0.025, 0.025, 0.095),
}


@dataclass(frozen=True, slots=True)
class Attachment:
    """Landmark ``name`` = landmark ``anchor`` (or the hip centre when ``None``) + world(``bone``) · ``offset``."""

    name: str
    anchor: str | None
    bone: str
    offset: tuple[float, float, float]


def _limb_model() -> list[Attachment]:
    out: list[Attachment] = []
    for side, s in (("left", -1.0), ("right", 1.0)):
        cap = side.capitalize()
        out += [
            Attachment(f"{side}_hip", None, "Hips", (s * _HIP_HALF, 0.0, 0.0)),
            Attachment(f"{side}_shoulder", None, "Chest", (s * _SHOULDER_HALF, _TORSO, 0.0)),
            Attachment(f"{side}_elbow", f"{side}_shoulder", f"{cap}UpperArm", (s * _UPPER_ARM, 0.0, 0.0)),
            Attachment(f"{side}_wrist", f"{side}_elbow", f"{cap}LowerArm", (s * _FOREARM, 0.0, 0.0)),
            # T-pose hands: palm down, thumb forward; index and pinky knuckles either side of the hand's axis
            Attachment(f"{side}_index", f"{side}_wrist", f"{cap}Hand", (s * 0.08, 0.0, 0.025)),
            Attachment(f"{side}_pinky", f"{side}_wrist", f"{cap}Hand", (s * 0.08, 0.0, -0.025)),
            Attachment(f"{side}_thumb", f"{side}_wrist", f"{cap}Hand", (s * 0.045, -0.01, 0.045)),
            Attachment(f"{side}_knee", f"{side}_hip", f"{cap}UpperLeg", (0.0, -_THIGH, 0.0)),
            Attachment(f"{side}_ankle", f"{side}_knee", f"{cap}LowerLeg", (0.0, -_SHIN, 0.0)),
            # heel and toe tip on the ground, the ankle above them: a flat foot in the T-pose
            Attachment(f"{side}_heel", f"{side}_ankle", f"{cap}Foot", (0.0, -_ANKLE_HEIGHT + 0.01, -0.05)),
            Attachment(f"{side}_foot_index", f"{side}_ankle", f"{cap}Foot", (0.0, -_ANKLE_HEIGHT + 0.01, 0.16)),
        ]
    return out


#: Every landmark's place, in an order where anchors come first. The face hangs from the Head joint,
#: which sits on the Neck above the shoulder centre (see :func:`bridge.humanoid.fk.synthesize_world_block`).
LANDMARK_MODEL: Final[tuple[Attachment, ...]] = tuple(_limb_model()) + tuple(
    Attachment(name, None, "Head", offset) for name, offset in _FACE.items()
)

# Rest vectors the solver compares observed landmarks with (all derived from the model above).
HIPS_AXIS: Final = X  # left_hip → right_hip
TORSO_UP: Final = Y  # hip centre → shoulder centre
HAND_FORWARD: Final = {"left": -X, "right": X}  # wrist → between index and pinky
HAND_ACROSS: Final = Z  # pinky → index
FOOT_FORWARD: Final = Z  # heel → toe tip
FOOT_UP: Final = Y  # heel → ankle (its part perpendicular to the foot)
HEAD_AXIS: Final = X  # left ear → right ear
_eyes = (np.asarray(_FACE["left_eye"]) + np.asarray(_FACE["right_eye"])) / 2
_ears = (np.asarray(_FACE["left_ear"]) + np.asarray(_FACE["right_ear"])) / 2
HEAD_FORWARD: Final = (_eyes - _ears) / np.linalg.norm(_eyes - _ears)  # ears → eyes, slightly up

#: Landmark indices each group of bones needs (all visible for the bone to be solved).
TORSO_LANDMARKS: Final = tuple(INDEX[n] for n in ("left_shoulder", "right_shoulder", "left_hip", "right_hip"))

# --------------------------------------------------------------------------- joint limits


@dataclass(frozen=True, slots=True)
class Limit:
    """A bone's range of motion in its parent's frame.

    The local rotation is split into a twist about axis ``twist_axis`` (0 x, 1 y, 2 z) and a swing about
    an axis perpendicular to it (:func:`bridge.humanoid.quat.swing_twist`). ``ranges[k]`` is the allowed
    range in degrees of component ``k``: the twist angle for ``k == twist_axis``, the swing's rotation
    vector component for the other two. A range ``(0, 0)`` locks the component.
    """

    twist_axis: int
    ranges: tuple[tuple[float, float], tuple[float, float], tuple[float, float]]

    def mirrored(self) -> Limit:
        """The limit of the same bone on the other side (a mirror across the y–z plane).

        Mirroring maps a rotation vector (x, y, z) to (x, −y, −z): the y and z ranges flip.
        """
        x, y, z = self.ranges
        return Limit(self.twist_axis, (x, (-y[1], -y[0]), (-z[1], -z[0])))


_LOCKED = Limit(0, ((0.0, 0.0), (0.0, 0.0), (0.0, 0.0)))
_TRUNK = Limit(1, ((-30.0, 30.0), (-40.0, 40.0), (-30.0, 30.0)))  # half of the shoulders-against-hips turn each
_NECK = Limit(1, ((-40.0, 40.0), (-45.0, 45.0), (-30.0, 30.0)))  # half of the head-against-chest turn each

#: Left-side limits in degrees (x: twist/left-right axis, y: up, z: forward, the bone's parent frame in the
#: T-pose). Signs: LeftUpperArm y > 0 swings the arm forward, z > 0 down; LeftLowerArm y > 0 bends the elbow
#: (the forearm moves forward), never backwards; LeftUpperLeg x < 0 lifts the thigh forward, z > 0 moves
#: it inwards; LowerLeg x > 0 bends the knee (the shin moves backwards), never forwards; Foot x > 0
#: points the toes down. Hands and feet carry no twist of their own: a forearm's roll goes to the
#: LowerArm, a foot's turn about the shin to the leg.
_LEFT_LIMITS: Final[dict[str, Limit]] = {
    "Shoulder": _LOCKED,
    "UpperArm": Limit(0, ((-100.0, 100.0), (-90.0, 180.0), (-180.0, 120.0))),
    "LowerArm": Limit(0, ((-110.0, 110.0), (0.0, 155.0), (-35.0, 35.0))),
    "Hand": Limit(0, ((0.0, 0.0), (-40.0, 40.0), (-85.0, 85.0))),
    "UpperLeg": Limit(1, ((-135.0, 50.0), (-75.0, 75.0), (-90.0, 40.0))),
    "LowerLeg": Limit(1, ((0.0, 160.0), (-50.0, 50.0), (-35.0, 35.0))),
    "Foot": Limit(1, ((-50.0, 70.0), (0.0, 0.0), (-45.0, 45.0))),
    "Toes": _LOCKED,
}

#: Limits per bone name; Hips (the root) has none.
LIMITS: Final[dict[str, Limit]] = {"Spine": _TRUNK, "Chest": _TRUNK, "Neck": _NECK, "Head": _NECK}
for _part, _limit in _LEFT_LIMITS.items():
    LIMITS["Left" + _part] = _limit
    LIMITS["Right" + _part] = _limit.mirrored()

DEG: Final[float] = math.pi / 180.0
