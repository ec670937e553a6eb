"""Finger rotations from the 21 hand landmarks (``--hands`` with ``--avatar``): the 30 Humanoid finger bones.

Same convention as the body (:mod:`bridge.humanoid.model`): Unity axes, the T-pose is the identity,
each rotation relative to its parent (a Proximal's parent is the Hand). Bones, in
:data:`~bridge.skeleton.FINGER_BONES` order: for the left hand then the right, for Thumb, Index,
Middle, Ring, Little, the Proximal, Intermediate and Distal bones. Their joints are the landmarks
(thumb: CMC, MCP, IP; the other fingers: MCP, PIP, DIP), each bone pointing to the next landmark.

**Rest hand** (:data:`REST_HAND`, left hand, meters from the wrist): palm down, fingers straight
along the arm (−x), the thumb forward and out (+z, −x) as in a Unity T-pose rig; the right hand is its
mirror image (x → −x).

**Solving**: the palm's frame is measured from the hand's own landmarks (wrist → middle MCP forward,
pinky MCP → index MCP across), so finger rotations are relative to the hand as the hand model sees it,
whatever the body's Hand bone does. A Proximal bone swings from its rest direction to its segment's
(flexion and spread, no twist: fingers cannot twist on their own); an Intermediate or Distal bone is a
hinge: it only bends (flexion about the finger's own axis across the nail), its sideways part is
dropped. Each rotation is then clamped into :data:`LIMITS` (degrees, in the finger's frame: x along the
finger (twist, locked), y about the back-of-hand normal (spread), z across (negative bends towards the
palm)).

**Unseen hands**: as for body bones, a hand that is not found keeps its fingers' last rotations for
``hold`` seconds, then eases them to rest over ``ease`` seconds; before a hand is first seen its
fingers are at rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from ..frame import Hand
from ..skeleton import FINGER_BONES, FINGERS, HAND_LANDMARK_NAMES, NUM_HAND_LANDMARKS
from . import quat
from .model import DEG, HAND_ACROSS, HAND_FORWARD, Limit, Y, Z

Array = npt.NDArray[np.float64]

SIDES: Final = ("left", "right")
SEGMENTS: Final = ("Proximal", "Intermediate", "Distal")
_AXES: Final = np.eye(3)
_H: Final = {n: i for i, n in enumerate(HAND_LANDMARK_NAMES)}

#: The rest hand (left), meters from the wrist, Unity axes: palm down, fingers along −x, thumb forward.
REST_HAND: Final[dict[str, tuple[float, float, float]]] = {
    "wrist": (0.0, 0.0, 0.0),
    "thumb_cmc": (-0.025, -0.012, 0.022),
    "index_finger_mcp": (-0.090, 0.0, 0.022),
    "middle_finger_mcp": (-0.095, 0.0, 0.0),
    "ring_finger_mcp": (-0.090, 0.0, -0.020),
    "pinky_mcp": (-0.080, 0.0, -0.038),
}
#: Segment lengths (Proximal, Intermediate, Distal) and rest direction of each finger (left hand).
_LENGTHS: Final = {
    "Thumb": (0.040, 0.032, 0.028),
    "Index": (0.042, 0.025, 0.020),
    "Middle": (0.046, 0.029, 0.021),
    "Ring": (0.042, 0.027, 0.021),
    "Little": (0.033, 0.020, 0.018),
}
_THUMB_DIRECTION: Final = np.array([-0.6, -0.15, 0.78]) / np.linalg.norm([-0.6, -0.15, 0.78])
#: The way the thumb curls (into the palm, towards the little finger): its frame's −y.
_THUMB_CURL: Final = np.array([0.0, -0.5, -1.0])


def _finger_frame(side: str, finger: str) -> tuple[Array, Array]:
    """(rest direction, rest frame rotation: x along the finger, y its back, z = x × y) of one finger."""
    mirror = np.array([-1.0 if side == "right" else 1.0, 1.0, 1.0])
    if finger == "Thumb":
        d = _THUMB_DIRECTION * mirror
        back = -_THUMB_CURL
    else:
        d = np.array([-1.0, 0.0, 0.0]) * mirror
        back = Y.copy()
    back = back - float(back @ d) * d
    back = back / np.linalg.norm(back)
    m = np.column_stack((d, back, np.cross(d, back)))
    return d, quat.from_matrix(m)


#: Per side and finger: (rest direction, rest frame) — see :func:`_finger_frame`.
FRAMES: Final[dict[tuple[str, str], tuple[Array, Array]]] = {
    (side, finger): _finger_frame(side, finger) for side in SIDES for finger in FINGERS
}


def _rest_local() -> tuple[dict[str, tuple[float, float, float]], dict[str, tuple[float, float, float]]]:
    local: dict[str, tuple[float, float, float]] = {}
    tips: dict[str, tuple[float, float, float]] = {}
    for side in SIDES:
        mirror = np.array([-1.0 if side == "right" else 1.0, 1.0, 1.0])
        for finger, chain in FINGERS.items():
            d, _ = FRAMES[(side, finger)]
            base = "thumb_cmc" if finger == "Thumb" else HAND_LANDMARK_NAMES[chain[0]]
            lengths = _LENGTHS[finger]
            offsets = [np.asarray(REST_HAND[base]) * mirror, d * lengths[0], d * lengths[1]]
            for seg, offset in zip(SEGMENTS, offsets, strict=True):
                local[f"{side.capitalize()}{finger}{seg}"] = (float(offset[0]), float(offset[1]), float(offset[2]))
            tip = d * lengths[2]
            tips[f"{side.capitalize()}{finger}Distal"] = (float(tip[0]), float(tip[1]), float(tip[2]))
    return local, tips


#: Rest position of each finger bone's joint relative to its parent's joint (a Proximal's: from the Hand joint),
#: meters, Unity axes, and where each Distal bone ends (from its joint): for VMC and BVH skeletons.
REST_LOCAL, REST_TIPS = _rest_local()


def rest_hand_block(side: str) -> Array:
    """The (21, 3) rest hand of ``side`` in Unity axes, meters from the wrist (what :func:`hand_landmarks` poses)."""
    return hand_landmarks(side, np.tile(quat.IDENTITY, (15, 1)), quat.IDENTITY)


# Limits in the finger's frame (degrees): x twist (locked), y spread (+: towards the thumb on the left hand),
# z bend (−: towards the palm). Hinges (Intermediate, Distal) do not spread.
_FINGER_LIMITS: Final = {
    "Proximal": Limit(0, ((0.0, 0.0), (-25.0, 25.0), (-95.0, 30.0))),
    "Intermediate": Limit(0, ((0.0, 0.0), (0.0, 0.0), (-115.0, 0.0))),
    "Distal": Limit(0, ((0.0, 0.0), (0.0, 0.0), (-90.0, 10.0))),
}
_THUMB_LIMITS: Final = {
    "Proximal": Limit(0, ((0.0, 0.0), (-35.0, 45.0), (-55.0, 40.0))),
    "Intermediate": Limit(0, ((0.0, 0.0), (0.0, 0.0), (-75.0, 15.0))),
    "Distal": Limit(0, ((0.0, 0.0), (0.0, 0.0), (-90.0, 20.0))),
}


def _mirror_spread(limit: Limit) -> Limit:
    x, y, z = limit.ranges
    return Limit(limit.twist_axis, (x, (-y[1], -y[0]), z))


#: Limits per finger bone name (in the finger's frame, see the module docstring).
LIMITS: Final[dict[str, Limit]] = {}
for _side in SIDES:
    for _finger in FINGERS:
        for _seg in SEGMENTS:
            _limit = (_THUMB_LIMITS if _finger == "Thumb" else _FINGER_LIMITS)[_seg]
            LIMITS[f"{_side.capitalize()}{_finger}{_seg}"] = _mirror_spread(_limit) if _side == "right" else _limit


def components(bone: str, q: Array) -> Array:
    """The (twist, spread, bend) of finger bone ``bone``'s local rotation ``q`` in degrees, in its finger's frame."""
    side, finger = _side_finger(bone)
    frame = FRAMES[(side, finger)][1]
    local = quat.mul(quat.conj(frame), quat.mul(quat.normalize(q), frame))
    swing, twist = quat.swing_twist(local, _AXES[0])
    out = quat.to_rotvec(swing) / DEG
    out[0] = twist / DEG
    return out


def from_components(bone: str, twist: float, spread: float, bend: float) -> Array:
    """The local rotation of ``bone`` with these components (degrees): the inverse of :func:`components`."""
    side, finger = _side_finger(bone)
    frame = FRAMES[(side, finger)][1]
    local = quat.mul(quat.from_rotvec(np.array([0.0, spread, bend]) * DEG), quat.from_axis_angle(_AXES[0], twist * DEG))
    return quat.normalize(quat.mul(frame, quat.mul(local, quat.conj(frame))))


def clamp(bone: str, q: Array) -> tuple[Array, bool]:
    """``q`` clamped into ``bone``'s limits (in its finger's frame); and whether it moved (beyond 10⁻⁶°)."""
    limit = LIMITS[bone]
    c = components(bone, q)
    lo = np.array([r[0] for r in limit.ranges])
    hi = np.array([r[1] for r in limit.ranges])
    if bool(((c >= lo - 1e-6) & (c <= hi + 1e-6)).all()):
        return q, False
    c = np.clip(c, lo, hi)
    return from_components(bone, float(c[0]), float(c[1]), float(c[2])), True


def _side_finger(bone: str) -> tuple[str, str]:
    side = "left" if bone.startswith("Left") else "right"
    rest = bone[4:] if side == "left" else bone[5:]
    for finger in FINGERS:
        if rest.startswith(finger):
            return side, finger
    raise ValueError(f"not a finger bone: {bone!r}")


def palm_frame(side: str, points: Array) -> Array | None:
    """The hand's world rotation from its landmarks (Unity axes, (21, 3)), or ``None`` when degenerate.

    The palm is the plane through the wrist, the index MCP and the pinky MCP; the hand points from the
    wrist to the middle MCP, taken in that plane (the knuckles' arch lifts the middle MCP off it a
    little); across is pinky MCP → index MCP. The rest hand (:data:`REST_HAND`) gives the identity. The
    fingers are solved relative to this frame, and the body's Hand bone takes it when the frame carries
    the hand (:class:`~bridge.humanoid.HumanoidSolver`), so both agree. When the three palm points are
    (nearly) collinear the plane is dropped and the middle MCP's direction is used as it is.
    """
    wrist = points[_H["wrist"]]
    forward = points[_H["middle_finger_mcp"]] - wrist
    across = points[_H["index_finger_mcp"]] - points[_H["pinky_mcp"]]
    normal = np.cross(points[_H["index_finger_mcp"]] - wrist, points[_H["pinky_mcp"]] - wrist)
    n = float(np.linalg.norm(normal))
    if np.isfinite(n) and n > 1e-6 * max(float(np.linalg.norm(forward)) * float(np.linalg.norm(across)), 1e-12):
        normal = normal / n
        forward = forward - float(forward @ normal) * normal
    return quat.frame(forward, across, HAND_FORWARD[side], HAND_ACROSS)


def solve_hand(side: str, points: Array, limits: bool = True) -> tuple[Array, set[str]] | None:
    """The 15 finger rotations (Thumb … Little × Proximal, Intermediate, Distal) of one hand, and the bones clamped.

    ``points``: the (21, 3) hand landmarks in Unity axes (any origin and scale: only directions count).
    Returns ``None`` when the palm's frame cannot be measured (collinear or non-finite landmarks).
    """
    if points.shape != (NUM_HAND_LANDMARKS, 3) or not np.isfinite(points).all():
        return None
    palm = palm_frame(side, points)
    if palm is None:
        return None
    cap = side.capitalize()
    out = np.tile(quat.IDENTITY, (15, 1))
    clamped: set[str] = set()
    for f, (finger, chain) in enumerate(FINGERS.items()):
        d, frame = FRAMES[(side, finger)]
        bend_axis = quat.rotate(frame, Z)  # the finger's z: hinges bend about it
        parent = palm
        for k, seg in enumerate(SEGMENTS):
            bone = f"{cap}{finger}{seg}"
            u = points[chain[k + 1]] - points[chain[k]]
            if quat.norm(u) < 1e-9:
                q = quat.IDENTITY.copy()
            else:
                v = quat.rotate(quat.conj(parent), u)
                if seg == "Proximal":
                    q = quat.from_two_vectors(d, v)
                else:
                    flat = v - float(v @ bend_axis) * bend_axis
                    angle = quat.signed_angle(d, flat, bend_axis) if quat.norm(flat) > 1e-9 else 0.0
                    q = quat.from_axis_angle(bend_axis, angle)
            if limits:
                q, moved = clamp(bone, q)
                if moved:
                    clamped.add(bone)
            out[f * 3 + k] = q
            parent = quat.mul(parent, q)
    return out, clamped


def hand_landmarks(side: str, rotations: npt.ArrayLike, palm: npt.ArrayLike) -> Array:
    """Forward kinematics: the (21, 3) hand landmarks (Unity axes, meters from the wrist) of a hand whose
    world rotation is ``palm`` and whose 15 finger rotations are ``rotations`` (the order of :func:`solve_hand`)."""
    rot = np.asarray(rotations, dtype=np.float64)
    hand_q = np.asarray(palm, dtype=np.float64)
    mirror = np.array([-1.0 if side == "right" else 1.0, 1.0, 1.0])
    pts = np.zeros((NUM_HAND_LANDMARKS, 3))
    for f, (finger, chain) in enumerate(FINGERS.items()):
        d, _ = FRAMES[(side, finger)]
        base = "thumb_cmc" if finger == "Thumb" else HAND_LANDMARK_NAMES[chain[0]]
        pts[chain[0]] = quat.rotate(hand_q, np.asarray(REST_HAND[base]) * mirror)
        world = hand_q
        for k, length in enumerate(_LENGTHS[finger]):
            world = quat.mul(world, rot[f * 3 + k])
            pts[chain[k + 1]] = pts[chain[k]] + quat.rotate(world, d * length)
    return pts


def to_unity(block: npt.ArrayLike) -> Array:
    """A hand block's (21, ≥3) MediaPipe world x, y, z → Unity axes (x, −y, z)."""
    b = np.asarray(block, dtype=np.float64)
    out: Array = b[:, :3] * np.array([1.0, -1.0, 1.0])
    return out


@dataclass
class FingerSolver:
    """The 30 finger rotations of one person, frame by frame (hold, then ease to rest, when a hand is unseen).

    ``hold``, ``ease``: seconds, as :class:`~bridge.humanoid.SolverOptions`; ``limits``: clamp into :data:`LIMITS`.
    """

    hold: float = 0.5
    ease: float = 1.0
    limits: bool = True

    def __post_init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Forget held fingers."""
        self._last: dict[str, tuple[Array, float]] = {}
        #: After a call, the sides whose hand was solved from this frame's landmarks, and the bones clamped.
        self.seen: frozenset[str] = frozenset()
        self.clamped: frozenset[str] = frozenset()

    def solve(self, left: Hand | None, right: Hand | None, t: float) -> Array:
        """The (30, 4) finger rotations in :data:`~bridge.skeleton.FINGER_BONES` order for this frame."""
        out = np.tile(quat.IDENTITY, (len(FINGER_BONES), 1))
        seen, clamped = set(), set()
        for s, (side, hand) in enumerate(zip(SIDES, (left, right), strict=True)):
            solved = None
            if hand is not None and hand.world is not None:
                solved = solve_hand(side, to_unity(hand.world), self.limits)
            if solved is not None:
                rotations, moved = solved
                self._last[side] = (rotations, t)
                seen.add(side)
                clamped |= moved
            else:
                rotations = self._held(side, t)
            out[s * 15 : s * 15 + 15] = rotations
        self.seen, self.clamped = frozenset(seen), frozenset(clamped)
        return out

    def _held(self, side: str, t: float) -> Array:
        rest = np.tile(quat.IDENTITY, (15, 1))
        last = self._last.get(side)
        if last is None:
            return rest
        rotations, since = last
        age = t - since
        if age < 0:  # time went backwards (a loop or a seek)
            self._last.pop(side)
            return rest
        if age <= self.hold:
            return rotations
        k = min(1.0, (age - self.hold) / self.ease) if self.ease > 0 else 1.0
        return np.array([quat.slerp(q, quat.IDENTITY, k) for q in rotations])


def finger_angle_error(a: npt.ArrayLike, b: npt.ArrayLike) -> Array:
    """Per-bone angle (degrees) between two (N, 4) rotation sets (for tests and benchmarks)."""
    qa, qb = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return np.array([quat.angle(quat.mul(quat.conj(x), y)) / DEG for x, y in zip(qa, qb, strict=True)])


__all__ = [
    "FRAMES",
    "LIMITS",
    "REST_HAND",
    "REST_LOCAL",
    "REST_TIPS",
    "FingerSolver",
    "clamp",
    "components",
    "finger_angle_error",
    "from_components",
    "hand_landmarks",
    "palm_frame",
    "rest_hand_block",
    "solve_hand",
]
