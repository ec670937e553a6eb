"""The 33-landmark BlazePose topology: the single source of truth.

Everything that needs landmark names, bone connections, left/right sides or the
mapping to animation rigs (Mixamo bone names, Unity ``HumanBodyBones``) reads it
from here: the wire protocol's ``hello`` message, the recorders, the evaluator,
the viewer and — through ``hello`` — the Unity client.

This module imports nothing heavy (no numpy, no MediaPipe).
"""

from __future__ import annotations

from typing import Final

#: Landmark names in MediaPipe Pose order (index 0..32).
LANDMARK_NAMES: Final[tuple[str, ...]] = (
    "nose",
    "left_eye_inner",
    "left_eye",
    "left_eye_outer",
    "right_eye_inner",
    "right_eye",
    "right_eye_outer",
    "left_ear",
    "right_ear",
    "mouth_left",
    "mouth_right",
    "left_shoulder",
    "right_shoulder",
    "left_elbow",
    "right_elbow",
    "left_wrist",
    "right_wrist",
    "left_pinky",
    "right_pinky",
    "left_index",
    "right_index",
    "left_thumb",
    "right_thumb",
    "left_hip",
    "right_hip",
    "left_knee",
    "right_knee",
    "left_ankle",
    "right_ankle",
    "left_heel",
    "right_heel",
    "left_foot_index",
    "right_foot_index",
)

NUM_LANDMARKS: Final[int] = len(LANDMARK_NAMES)

#: Field order of one landmark row, on the wire and in memory.
LANDMARK_FIELDS: Final[tuple[str, ...]] = ("x", "y", "z", "visibility", "presence")

#: Index of a landmark by name.
INDEX: Final[dict[str, int]] = {name: i for i, name in enumerate(LANDMARK_NAMES)}

#: Bone connections as (from, to) index pairs; the same 35 edges as
#: ``mediapipe.solutions.pose.POSE_CONNECTIONS``, in a fixed order.
BONES: Final[tuple[tuple[int, int], ...]] = (
    (0, 1), (1, 2), (2, 3), (3, 7), (0, 4), (4, 5), (5, 6), (6, 8), (9, 10),
    (11, 12), (11, 13), (13, 15), (15, 17), (15, 19), (15, 21), (17, 19),
    (12, 14), (14, 16), (16, 18), (16, 20), (16, 22), (18, 20),
    (11, 23), (12, 24), (23, 24), (23, 25), (24, 26), (25, 27), (26, 28),
    (27, 29), (28, 30), (29, 31), (30, 32), (27, 31), (28, 32),
)  # fmt: skip


def _side(name: str) -> str:
    if name.startswith("left_") or name.endswith("_left"):
        return "left"
    if name.startswith("right_") or name.endswith("_right"):
        return "right"
    return "center"


#: ``"left"``, ``"right"`` or ``"center"`` for each landmark (the person's own side).
SIDES: Final[tuple[str, ...]] = tuple(_side(n) for n in LANDMARK_NAMES)


def _mirror_name(name: str) -> str:
    for a, b in (("left", "right"), ("right", "left")):
        if name.startswith(a + "_"):
            return b + name[len(a) :]
        if name.endswith("_" + a):
            return name[: -len(a)] + b
    return name


#: For each landmark, the index of its left/right counterpart (itself when centred).
MIRROR: Final[tuple[int, ...]] = tuple(INDEX[_mirror_name(n)] for n in LANDMARK_NAMES)


def bone_side(bone: tuple[int, int]) -> str:
    """Side of a bone: ``left``/``right`` when both ends agree or one end is centred, else ``center``."""
    a, b = SIDES[bone[0]], SIDES[bone[1]]
    if a == b:
        return a
    if "center" in (a, b):
        return a if b == "center" else b
    return "center"


#: Correspondence between BlazePose landmarks and animation rigs, used by the
#: evaluator. Each entry: landmark index -> (Mixamo bone names, Unity
#: HumanBodyBones names), each list in order of preference (the first one
#: present in a ground-truth file wins). Mixamo names are given without the rig
#: prefix (``mixamorig:``, ``mixamorig2:`` ...), which is matched separately.
RIG_JOINTS: Final[dict[int, tuple[tuple[str, ...], tuple[str, ...]]]] = {
    INDEX["nose"]: (("Head", "HeadTop_End"), ("Head",)),
    INDEX["left_shoulder"]: (("LeftArm", "LeftShoulder"), ("LeftUpperArm", "LeftShoulder")),
    INDEX["right_shoulder"]: (("RightArm", "RightShoulder"), ("RightUpperArm", "RightShoulder")),
    INDEX["left_elbow"]: (("LeftForeArm",), ("LeftLowerArm",)),
    INDEX["right_elbow"]: (("RightForeArm",), ("RightLowerArm",)),
    INDEX["left_wrist"]: (("LeftHand",), ("LeftHand",)),
    INDEX["right_wrist"]: (("RightHand",), ("RightHand",)),
    INDEX["left_hip"]: (("LeftUpLeg",), ("LeftUpperLeg",)),
    INDEX["right_hip"]: (("RightUpLeg",), ("RightUpperLeg",)),
    INDEX["left_knee"]: (("LeftLeg",), ("LeftLowerLeg",)),
    INDEX["right_knee"]: (("RightLeg",), ("RightLowerLeg",)),
    INDEX["left_ankle"]: (("LeftFoot",), ("LeftFoot",)),
    INDEX["right_ankle"]: (("RightFoot",), ("RightFoot",)),
}

#: Landmarks in the default accuracy summary (the head is reported but left out:
#: the nose and a rig's head bone are not the same point).
SUMMARY_JOINTS: Final[tuple[int, ...]] = tuple(i for i in RIG_JOINTS if i != INDEX["nose"])


def topology() -> dict[str, object]:
    """The topology as plain data, as carried by the protocol's ``hello`` message."""
    return {
        "landmarks": list(LANDMARK_NAMES),
        "fields": list(LANDMARK_FIELDS),
        "bones": [list(b) for b in BONES],
        "sides": list(SIDES),
    }


#: The humanoid bones the solver (``bridge.humanoid``) poses, named as Unity's ``HumanBodyBones``,
#: parents before children. This is the order of ``hello.humanoid_bones`` and of the rotations in a
#: frame's ``humanoid`` (protocol/SPEC.md). Shoulders, Chest, Neck and Toes are optional in Unity
#: rigs; a client maps what its rig has.
HUMANOID_BONES: Final[tuple[str, ...]] = (
    "Hips", "Spine", "Chest", "Neck", "Head",
    "LeftShoulder", "LeftUpperArm", "LeftLowerArm", "LeftHand",
    "RightShoulder", "RightUpperArm", "RightLowerArm", "RightHand",
    "LeftUpperLeg", "LeftLowerLeg", "LeftFoot", "LeftToes",
    "RightUpperLeg", "RightLowerLeg", "RightFoot", "RightToes",
)  # fmt: skip

#: Parent of each humanoid bone in the normalized hierarchy (``None`` for Hips).
HUMANOID_PARENTS: Final[dict[str, str | None]] = {
    "Hips": None, "Spine": "Hips", "Chest": "Spine", "Neck": "Chest", "Head": "Neck",
    "LeftShoulder": "Chest", "LeftUpperArm": "LeftShoulder", "LeftLowerArm": "LeftUpperArm", "LeftHand": "LeftLowerArm",
    "RightShoulder": "Chest", "RightUpperArm": "RightShoulder", "RightLowerArm": "RightUpperArm",
    "RightHand": "RightLowerArm",
    "LeftUpperLeg": "Hips", "LeftLowerLeg": "LeftUpperLeg", "LeftFoot": "LeftLowerLeg", "LeftToes": "LeftFoot",
    "RightUpperLeg": "Hips", "RightLowerLeg": "RightUpperLeg", "RightFoot": "RightLowerLeg", "RightToes": "RightFoot",
}  # fmt: skip

#: The 21 hand landmarks in MediaPipe Hands order (``hello.hand_landmarks``, ``--hands``): the wrist, then
#: four per finger from the palm outwards (thumb: CMC, MCP, IP, tip; fingers: MCP, PIP, DIP, tip).
HAND_LANDMARK_NAMES: Final[tuple[str, ...]] = (
    "wrist",
    "thumb_cmc", "thumb_mcp", "thumb_ip", "thumb_tip",
    "index_finger_mcp", "index_finger_pip", "index_finger_dip", "index_finger_tip",
    "middle_finger_mcp", "middle_finger_pip", "middle_finger_dip", "middle_finger_tip",
    "ring_finger_mcp", "ring_finger_pip", "ring_finger_dip", "ring_finger_tip",
    "pinky_mcp", "pinky_pip", "pinky_dip", "pinky_tip",
)  # fmt: skip

NUM_HAND_LANDMARKS: Final[int] = len(HAND_LANDMARK_NAMES)

#: Hand bones as (from, to) index pairs: the 21 edges of ``mediapipe.solutions.hands.HAND_CONNECTIONS``
#: (palm first, then each finger from the palm outwards), in a fixed order (``hello.hand_bones``).
HAND_BONES: Final[tuple[tuple[int, int], ...]] = (
    (0, 1), (0, 5), (5, 9), (9, 13), (13, 17), (0, 17),
    (1, 2), (2, 3), (3, 4),
    (5, 6), (6, 7), (7, 8),
    (9, 10), (10, 11), (11, 12),
    (13, 14), (14, 15), (15, 16),
    (17, 18), (18, 19), (19, 20),
)  # fmt: skip

#: The five fingers and their four landmark indices each, from the palm outwards.
FINGERS: Final[dict[str, tuple[int, int, int, int]]] = {
    "Thumb": (1, 2, 3, 4),
    "Index": (5, 6, 7, 8),
    "Middle": (9, 10, 11, 12),
    "Ring": (13, 14, 15, 16),
    "Little": (17, 18, 19, 20),
}

#: The Humanoid finger bones (Unity ``HumanBodyBones`` names), left hand then right, each finger's
#: Proximal, Intermediate, Distal: appended after :data:`HUMANOID_BONES` when the solver has hands.
FINGER_BONES: Final[tuple[str, ...]] = tuple(
    f"{side}{finger}{segment}"
    for side in ("Left", "Right")
    for finger in FINGERS
    for segment in ("Proximal", "Intermediate", "Distal")
)

#: Parent of each finger bone: the Proximal's is the Hand, then each segment's is the previous one.
FINGER_PARENTS: Final[dict[str, str]] = {
    f"{side}{finger}{segment}": (f"{side}Hand" if segment == "Proximal" else f"{side}{finger}{previous}")
    for side in ("Left", "Right")
    for finger in FINGERS
    for segment, previous in (("Proximal", ""), ("Intermediate", "Proximal"), ("Distal", "Intermediate"))
}
