"""The humanoid solver: BlazePose world landmarks → hips position + one rotation per bone.

One source of truth for every consumer (the Unity ``AvatarDriver``, the browser viewer, later VMC and
BVH output): pure functions of the landmarks and a small state (held bones, filters), no I/O.

Per frame, with the landmarks in Unity axes (MediaPipe world (x, y, z) → (x, −y, z)):

- **Trunk**: the Hips frame from the hip line and the trunk's up direction (hip centre → shoulder
  centre); the shoulders' frame likewise; the turn between the two is split equally between Spine and
  Chest (see :mod:`bridge.humanoid.model` for why a forward bend belongs to the Hips).
- **Head**: its frame from the ear line and the ears → eyes direction; the turn against the chest is
  split equally between Neck and Head.
- **Arms and legs** (swing from bone directions, twist from what carries it): each upper bone swings
  from its rest direction to shoulder → elbow (hip → knee). Its twist comes from the elbow's (knee's)
  bending plane — the forearm moves forward, the shin backwards, never the other way; when the limb is
  almost straight (an elbow under 20°, fully below 8°) that plane is unreliable and the twist is blended towards
  the one the hand (foot) shows: half of it for an arm, all of it for a leg (whose bending plane is
  trusted only from 45°, below 15° not at all: BlazePose's knee depth is noisy). The lower bone swings to
  elbow → wrist (knee → ankle) and carries the roll of the hand (the turn of the foot) about it; hands
  and feet then swing only (wrist flexion and deviation; foot pitch and roll). Hand frame: when the
  frame carries that hand (``--hands``, its world block), the palm of the hand's own landmarks (the
  plane through wrist, index MCP and pinky MCP, pointing to the middle MCP:
  :func:`bridge.humanoid.fingers.palm_frame`, the frame the fingers are solved in); otherwise
  BlazePose's wrist, index and pinky. Foot frame: heel, foot index, ankle.
- **Hand source switches**: when a side's Hand frame changes source (palm ↔ BlazePose's points, e.g.
  a hand found in one frame and lost in the next), the arm's rotations that depend on it (UpperArm,
  LowerArm, Hand) ease from where they were to the new source's over :data:`SOURCE_BLEND` seconds
  (:meth:`HumanoidSolver._blend_sources`). A steady source is never touched.
- **Limits** (:data:`bridge.humanoid.model.LIMITS`): every local rotation is clamped into its range; an
  elbow or knee never bends backwards.
- **Unseen bones**: a bone whose landmarks are not all visible (visibility below ``min_visibility``,
  or not finite) keeps its last rotation for ``hold`` seconds, then eases to rest (identity) over
  ``ease`` seconds. Bones are relative to their parents, so a held forearm still follows its upper arm.
  Before the first frame with a person the solver has no pose (``None``); after it, always one.
- **Root**: in place (hips at the origin) unless ``root_motion`` is on; then the hips move by the
  approximate camera-space displacement from :mod:`bridge.humanoid.root` since the first frame seen.
  With ``grounding`` set the hips are grounded instead (:mod:`bridge.humanoid.grounding`: floor space,
  planted feet, jumps) and the pose carries the feet's contacts.
- **Smoothing** (optional): One Euro on the rotations and the hips position (:mod:`.filters`). Grounded,
  the unsmoothed pose is grounded first (its legs carry the stride) and the result smoothed:
  :meth:`bridge.humanoid.grounding.Grounding.smoothed` filters the hips and pins the smoothed legs.
- **Fingers** (``fingers``, with ``--hands``): the 30 finger bones from each hand's 21 landmarks
  (:mod:`bridge.humanoid.fingers`), appended after the body's bones; smoothed with the body when
  ``smoothing`` is on (their own One Euro filter, applied after hold and ease).

Time is the frames' ``t`` (seconds): a ``t`` that goes backwards (a loop or a seek) resets the state.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import numpy.typing as npt

from ..camera import root_position
from ..frame import Hand, PoseFrame
from ..skeleton import FINGER_BONES, INDEX
from ..transforms import Transform
from . import quat
from .filters import RotationFilter, RotationSmoothing
from .fingers import FingerSolver, palm_frame, to_unity
from .grounding import Grounding, GroundingOptions
from .limits import clamp
from .model import (
    BONE_INDEX,
    BONES,
    DEG,
    FOOT_FORWARD,
    FOOT_UP,
    HAND_ACROSS,
    HAND_FORWARD,
    HEAD_AXIS,
    HEAD_FORWARD,
    HIPS_AXIS,
    LIMITS,
    PARENT,
    TORSO_UP,
    X,
    Y,
    Z,
)
from .root import DEFAULT_FOV_Y_DEG, camera_position

Array = npt.NDArray[np.float64]
F32 = npt.NDArray[np.float32]

#: Values on the wire per frame: hips position (3) + one (x, y, z, w) per bone.
VALUES_PER_FRAME: Final[int] = 3 + 4 * len(BONES)

#: Seconds over which an arm eases to a new Hand source (palm ↔ BlazePose's points).
SOURCE_BLEND: Final[float] = 0.2


@dataclass(frozen=True, slots=True)
class HumanoidPose:
    """A solved pose: ``hips`` (3,) position in meters, ``rotations`` (N, 4) as (x, y, z, w), read-only float32.

    Rotations are in :data:`BONES` order: Hips relative to the stream's space, the others relative to
    their parents (see :mod:`bridge.humanoid.model`). ``contacts``: whether the (left, right) foot is on
    the ground, for grounded poses (:mod:`bridge.humanoid.grounding`); ``None`` otherwise. Raises
    ``ValueError`` for wrong shapes or non-finite values.
    """

    hips: F32
    rotations: F32
    contacts: tuple[bool, bool] | None = None

    def __post_init__(self) -> None:
        hips = np.array(self.hips, dtype=np.float32).reshape(-1)
        rot = np.array(self.rotations, dtype=np.float32)
        if hips.shape != (3,) or rot.ndim != 2 or rot.shape[1] != 4:
            raise ValueError(f"a humanoid pose needs hips (3,) and rotations (N, 4), got {hips.shape}, {rot.shape}")
        if not (np.isfinite(hips).all() and np.isfinite(rot).all()):
            raise ValueError("a humanoid pose must be finite")
        hips.flags.writeable = False
        rot.flags.writeable = False
        object.__setattr__(self, "hips", hips)
        object.__setattr__(self, "rotations", rot)
        if self.contacts is not None:
            if len(self.contacts) != 2:
                raise ValueError(f"contacts must be (left, right), got {self.contacts!r}")
            object.__setattr__(self, "contacts", (bool(self.contacts[0]), bool(self.contacts[1])))

    def values(self) -> F32:
        """The flat float32 array the wire carries: hips x, y, z, then x, y, z, w per bone."""
        return np.concatenate((self.hips, self.rotations.reshape(-1)))

    @classmethod
    def from_values(cls, values: npt.ArrayLike) -> HumanoidPose:
        """The inverse of :meth:`values`. Raises ``ValueError`` unless the length is 3 + 4·N."""
        v = np.asarray(values, dtype=np.float32).reshape(-1)
        if v.size < 3 or (v.size - 3) % 4:
            raise ValueError(f"humanoid values must be 3 + 4·N floats, got {v.size}")
        return cls(v[:3], v[3:].reshape(-1, 4))

    def rotation(self, bone: str) -> Array:
        """The rotation of ``bone`` (a :data:`BONES` name, or a finger bone when the pose has them) as float64."""
        i = BONE_INDEX[bone] if bone in BONE_INDEX else len(BONES) + _FINGER_INDEX[bone]
        result: Array = self.rotations[i].astype(np.float64)
        return result

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, HumanoidPose):
            return NotImplemented
        return bool(
            np.array_equal(self.hips, other.hips)
            and np.array_equal(self.rotations, other.rotations)
            and self.contacts == other.contacts
        )

    __hash__ = None  # type: ignore[assignment]


@dataclass(frozen=True, slots=True)
class SolverOptions:
    """Settings of :class:`HumanoidSolver`.

    - ``min_visibility``: a landmark below this MediaPipe visibility is not used (default 0.5, as
      ``--angles`` and MediaPipe's drawing).
    - ``hold``, ``ease``: seconds an unseen bone keeps its last rotation, then takes to return to rest.
    - ``limits``: clamp local rotations into :data:`bridge.humanoid.model.LIMITS` (default on).
    - ``smoothing``: One Euro parameters for the rotations and hips position, or ``None`` (default: off).
    - ``root_motion``: move the hips with the approximate root motion from image landmarks (default: in place).
    - ``fov_y_deg``: the camera's assumed vertical field of view, for root motion.
    - ``grounding``: ground the hips (floor space, planted feet, contacts; :mod:`.grounding`) with these
      settings, or ``None`` (default). Takes precedence over ``root_motion``.
    """

    min_visibility: float = 0.5
    hold: float = 0.5
    ease: float = 1.0
    limits: bool = True
    smoothing: RotationSmoothing | None = None
    root_motion: bool = False
    fov_y_deg: float = DEFAULT_FOV_Y_DEG
    grounding: GroundingOptions | None = None
    #: Append the 30 finger bones (``FINGER_BONES``) solved from the frames' hands (``--hands``).
    fingers: bool = False

    def __post_init__(self) -> None:
        if not 0.0 <= self.min_visibility <= 1.0:
            raise ValueError(f"min_visibility must be in [0, 1], got {self.min_visibility}")
        if not (self.hold >= 0 and self.ease > 0 and math.isfinite(self.hold) and math.isfinite(self.ease)):
            raise ValueError(f"hold must be >= 0 and ease > 0 seconds, got {self.hold}, {self.ease}")
        if not 1.0 <= self.fov_y_deg <= 170.0:
            raise ValueError(f"fov_y_deg must be in [1, 170], got {self.fov_y_deg}")


@dataclass(frozen=True, slots=True)
class _Limb:
    side: str
    upper: int
    lower: int
    end: int
    a: int  # landmark at the upper bone's joint (shoulder / hip)
    b: int  # elbow / knee
    c: int  # wrist / ankle
    rest: Array  # rest direction of the limb
    axis: Array  # twist axis (components of the limits)
    bend: Array  # where the lower bone goes when the joint bends (perpendicular to rest)
    share: float  # part of the end's turn the upper bone takes when the limb is straight
    blend: tuple[float, float]  # bend angles (radians) between which the twist moves from the end's to the plane's
    end_frame: Callable[[Array], Array | None]
    end_landmarks: tuple[int, ...]


def _smoothstep(lo: float, hi: float, x: float) -> float:
    t = min(1.0, max(0.0, (x - lo) / (hi - lo)))
    return t * t * (3.0 - 2.0 * t)


def _wrap(a: float) -> float:
    return (a + math.pi) % (2.0 * math.pi) - math.pi


# An elbow's bending plane is clear from about 20° of bend; BlazePose's knees carry more depth noise and
# a standing person's "bent" knee is often noise, so a leg trusts its foot up to 45°.
_ARM_BLEND: Final = (8.0 * DEG, 20.0 * DEG)
_LEG_BLEND: Final = (15.0 * DEG, 45.0 * DEG)


def _hinge_reading(plane: float, twist_range: tuple[float, float]) -> float:
    """The upper bone's twist that puts the joint's bend in its plane, read forwards or backwards.

    ``plane`` twists the upper bone so that the joint bends the right way. When that twist is outside
    the bone's range and the half turn from it is not, the joint is really bent the wrong way (an
    elbow or knee pushed backwards): the half turn is taken, and the lower bone's limit then straightens
    the joint instead of bending it sideways.
    """
    lo, hi = twist_range[0] * DEG, twist_range[1] * DEG

    def outside(a: float) -> float:
        return max(lo - a, a - hi, 0.0)

    flipped = _wrap(plane + math.pi)
    return flipped if outside(flipped) < outside(plane) else plane


@dataclass
class _State:
    seen: list[Array | None] = field(default_factory=lambda: [None] * len(BONES))
    seen_t: list[float] = field(default_factory=lambda: [0.0] * len(BONES))
    twist: dict[str, float] = field(default_factory=dict)  # last upper-bone / lower-bone twists per limb
    t: float | None = None
    anchor: Array | None = None  # camera-space hips at the first frame (root motion)
    root: Array = field(default_factory=lambda: np.zeros(3))
    started: bool = False
    source: dict[str, str] = field(default_factory=dict)  # side → the Hand's last source ("palm" / "points")
    blend: dict[str, tuple[Array, float]] = field(default_factory=dict)  # side → (offsets (3, 4), start time)
    last: Array | None = None  # the previous frame's local rotations (blended, before smoothing)


class HumanoidSolver:
    """Solves one stream, frame by frame (it keeps state: use one instance per stream, frames in time order).

    ``solve()`` works on landmark blocks; calling the solver on a :class:`~bridge.frame.PoseFrame` is the
    frame transform ``serve --avatar`` uses. After a call, :attr:`seen` names the bones solved from
    this frame's landmarks and :attr:`clamped` those a limit moved.
    """

    def __init__(self, options: SolverOptions | None = None, *, aspect: float | None = None) -> None:
        self.options = options or SolverOptions()
        self.aspect = aspect
        self._filter = RotationFilter(self.options.smoothing) if self.options.smoothing else None
        self._grounding = Grounding(self.options.grounding) if self.options.grounding else None
        self.seen: frozenset[str] = frozenset()
        self.clamped: frozenset[str] = frozenset()
        self._limbs = tuple(self._make_limbs())
        o = self.options
        self._fingers = FingerSolver(o.hold, o.ease, o.limits) if o.fingers else None
        self._finger_filter = RotationFilter(o.smoothing) if o.fingers and o.smoothing else None
        #: One solver per person id when frames carry several people (their own hold/ease and filters).
        self._people: dict[int, tuple[HumanoidSolver, float]] = {}
        self.reset()

    #: Seconds a person's solver is kept after they were last seen (ids are never reused, so this only bounds memory).
    PERSON_MEMORY = 5.0

    def reset(self) -> None:
        """Forget everything: the next frame starts afresh (no held bones, no filter history, new root anchor)."""
        self._s = _State()
        if self._filter is not None:
            self._filter.reset()
        if self._grounding is not None:
            self._grounding.reset()
        if self._fingers is not None:
            self._fingers.reset()
        if self._finger_filter is not None:
            self._finger_filter.reset()
        self._people = {}

    # ------------------------------------------------------------------ frame transform

    def __call__(self, frame: PoseFrame) -> PoseFrame:
        """``frame`` with ``humanoid`` set from its world (and, for root motion, image) landmarks.

        With several people, each person gets a pose from their own solver (by id) and the frame's
        ``humanoid`` is the primary person's.
        """
        if not frame.people:
            hands = (frame.left_hand, frame.right_hand)
            pose = self._with_fingers(self.solve(frame.world, frame.t, image=frame.image, hands=hands), *hands)
            return frame.replace(humanoid=pose)
        t = float(frame.t)
        people = []
        for person in frame.people:
            solver = self._people[person.id][0] if person.id in self._people else None
            if solver is None:
                solver = HumanoidSolver(self.options, aspect=self.aspect)
            self._people[person.id] = (solver, t)
            hands = (person.left_hand, person.right_hand)
            pose = solver._with_fingers(solver.solve(person.world, t, image=person.image, hands=hands), *hands)
            people.append(person.replace(humanoid=pose))
        self._people = {pid: v for pid, v in self._people.items() if 0 <= t - v[1] <= self.PERSON_MEMORY}
        return frame.replace(humanoid=people[0].humanoid, people=tuple(people))

    def _with_fingers(self, pose: HumanoidPose | None, left: Hand | None, right: Hand | None) -> HumanoidPose | None:
        """``pose`` with the finger bones appended (``fingers`` on), solved at the time of the last :meth:`solve`.

        With ``smoothing`` the finger rotations go through their own :class:`RotationFilter` (the body's
        parameters) after hold and ease, so a lost hand's fingers still settle at rest.
        """
        if pose is None or self._fingers is None:
            return pose
        t = float(self._s.t or 0.0)
        rotations = self._fingers.solve(left, right, t)
        if self._finger_filter is not None:
            rotations, _ = self._finger_filter(rotations, np.zeros(3), t)
        return HumanoidPose(pose.hips, np.concatenate((pose.rotations, rotations.astype(np.float32))))

    # ------------------------------------------------------------------ solving

    def solve(
        self,
        world: npt.ArrayLike | None,
        t: float,
        *,
        image: npt.ArrayLike | None = None,
        hands: tuple[Hand | None, Hand | None] = (None, None),
    ) -> HumanoidPose | None:
        """The pose for one frame, or ``None`` before any person was seen.

        ``world``: the (33, 5) MediaPipe world block, or ``None`` when nobody is detected (every bone is
        then unseen: held, then eased to rest). ``t``: the frame's time in seconds. ``image``: the image
        block, used only for root motion (with :attr:`aspect`, width / height; 1 when unknown).
        ``hands``: the person's (left, right) hands; a hand with a world block gives its side's Hand
        bone (and the forearm's roll) from its palm instead of BlazePose's three hand points (a hand
        without one, or whose palm is degenerate, is ignored); a hand that comes or goes eases the arm
        to its new source over :data:`SOURCE_BLEND` seconds (:meth:`_blend_sources`).
        Raises ``ValueError`` when a block does not have shape (33, 5).
        """
        s = self._s
        if s.t is not None and t < s.t:
            self.reset()
            s = self._s
        prev_t, s.t = s.t, t
        p, ok = self._points(world)
        if not ok.any() and not s.started:
            self.seen = self.clamped = frozenset()
            return None
        s.started = True
        local = np.tile(quat.IDENTITY, (len(BONES), 1))
        world_rot = np.tile(quat.IDENTITY, (len(BONES), 1))
        seen: set[str] = set()
        clamped: set[str] = set()

        def put(bone: str, value: Array | None, observed: bool = True) -> Array:
            """Store the bone's local rotation (``None``: unseen → held/eased); returns its world rotation.

            ``observed`` False: a bone the landmarks never show (Shoulders, Toes), not counted as seen.
            """
            i = BONE_INDEX[bone]
            if value is not None and self.options.limits and bone in LIMITS:
                value, moved = clamp(LIMITS[bone], value)
                if moved:
                    clamped.add(bone)
            if value is not None:
                value = quat.normalize(value)
                s.seen[i], s.seen_t[i] = value, t
                if observed:
                    seen.add(bone)
            local[i] = self._held(i, t) if value is None else value
            parent = _PARENT_OF[i]
            world_rot[i] = local[i] if parent < 0 else quat.mul(world_rot[parent], local[i])
            result: Array = world_rot[i]
            return result

        def vis(*idx: int) -> bool:
            return bool(ok[list(idx)].all())

        # trunk
        hips = chest = None
        if vis(*_TORSO):
            lsh, rsh, lhip, rhip = (p[i] for i in _TORSO)
            up = (lsh + rsh) / 2 - (lhip + rhip) / 2
            hips = quat.frame(rhip - lhip, up, HIPS_AXIS, TORSO_UP)
            chest = quat.frame(rsh - lsh, up, HIPS_AXIS, TORSO_UP)
        w_hips = put("Hips", hips)
        if hips is not None and chest is not None:
            half = quat.power(quat.mul(quat.conj(w_hips), chest), 0.5)
            put("Spine", half)
            w_chest = put("Chest", half)
        else:
            put("Spine", None)
            w_chest = put("Chest", None)

        # head
        head = None
        if vis(INDEX["left_ear"], INDEX["right_ear"], INDEX["left_eye"], INDEX["right_eye"]):
            ears = (p[INDEX["left_ear"]] + p[INDEX["right_ear"]]) / 2
            eyes = (p[INDEX["left_eye"]] + p[INDEX["right_eye"]]) / 2
            head = quat.frame(p[INDEX["right_ear"]] - p[INDEX["left_ear"]], eyes - ears, HEAD_AXIS, HEAD_FORWARD)
        if head is not None:
            half = quat.power(quat.mul(quat.conj(w_chest), head), 0.5)
            put("Neck", half)
            put("Head", half)
        else:
            put("Neck", None)
            put("Head", None)

        # limbs
        for limb in self._limbs:
            cap = limb.side.capitalize()
            top = "Shoulder" if limb.end == BONE_INDEX[f"{cap}Hand"] else None
            parent_world = put(f"{cap}Shoulder", quat.IDENTITY, False) if top else w_hips
            source = self._solve_limb(limb, p, ok, parent_world, put, _palm(hands, limb.side) if top else None)
            if top:
                self._blend_sources(limb, source, local, prev_t, t)
            else:
                put(f"{cap}Toes", quat.IDENTITY, False)
        s.last = local.copy()

        # root
        hips_pos = np.zeros(3)
        if self.options.root_motion:
            cam = None
            if world is not None and image is not None and hips is not None:
                cam = camera_position(
                    image, world, aspect=self.aspect or 1.0, fov_y_deg=self.options.fov_y_deg,
                    min_visibility=self.options.min_visibility,
                )  # fmt: skip
            if cam is not None:
                if s.anchor is None:
                    s.anchor = cam
                s.root = cam - s.anchor
            hips_pos = s.root.copy()

        contacts = None
        if self._grounding is not None:
            hips_pos, local, contacts = self._ground(local, world, image, hips is not None, ok, t)
            if self._filter is not None:
                # the unsmoothed pose grounds the hips (smoothed legs make short strides); then the rotations
                # are smoothed, the hips filtered and the legs pinned where the unsmoothed feet were
                local, _ = self._filter(local, hips_pos, t)
                hips_pos, local = self._grounding.smoothed(local, t)
        elif self._filter is not None:
            local, hips_pos = self._filter(local, hips_pos, t)
        self.seen, self.clamped = frozenset(seen), frozenset(clamped)
        return HumanoidPose(hips_pos.astype(np.float32), local.astype(np.float32), contacts)

    def _ground(
        self, local: Array, world: npt.ArrayLike | None, image: npt.ArrayLike | None, torso: bool,
        ok: npt.NDArray[np.bool_], t: float,
    ) -> tuple[Array, Array, tuple[bool, bool]]:  # fmt: skip
        """Grounded hips, rotations (planted legs pinned) and contacts (the estimate needs the torso, both blocks)."""
        assert self._grounding is not None
        cam = None
        if world is not None and image is not None and torso:
            aspect = self.aspect or 1.0
            fov_x = math.degrees(2 * math.atan(math.tan(math.radians(self.options.fov_y_deg) / 2) * aspect))
            width = int(round(1000 * aspect))
            root = root_position(np.asarray(image), np.asarray(world), width, 1000, min(fov_x, 179.0))
            if root is not None:
                cam = np.array([root[0], -root[1], root[2]])  # MediaPipe → Unity axes
        visible = (bool(ok[list(_FEET["left"])].all()), bool(ok[list(_FEET["right"])].all()))
        return self._grounding(local, cam, t, visible)

    def _blend_sources(self, limb: _Limb, source: str | None, local: Array, prev_t: float | None, t: float) -> None:
        """Ease ``limb``'s arm (upper, lower, end bones of ``local``, in place) across a change of Hand source.

        ``source``: where this frame's Hand frame came from (``"palm"``, ``"points"``, ``None`` for
        neither: the hand is held). When it differs from the side's last source, the offset from the
        solved rotations to the previous frame's output is kept and decays to none over
        :data:`SOURCE_BLEND` seconds from the previous frame's time (output = solved · offset^(1 − k)),
        so the arm follows the new source's motion from the first frame, without lag, and lands on it
        exactly. Edge cases: a steady source (or a frame without one) leaves the rotations untouched
        (byte-identical), except while an earlier blend runs; a switch during a blend starts a new one
        from the blended output (a hand flickering every frame moves at most k of the way per frame);
        a switch after a gap of :data:`SOURCE_BLEND` or more, or on the first frame (a new stream, a
        seek, :meth:`reset`), is immediate. The eased rotations are not clamped again (both ends are
        within the limits) and the held bones keep the unblended solve.
        """
        s = self._s
        side = limb.side
        rows = [limb.upper, limb.lower, limb.end]
        if source is not None:
            last = s.source.get(side)
            s.source[side] = source
            if last is not None and last != source and s.last is not None and prev_t is not None:
                if t - prev_t < SOURCE_BLEND:
                    offsets = np.array([quat.mul(quat.conj(local[i]), s.last[i]) for i in rows])
                    s.blend[side] = (offsets, prev_t)
                else:
                    s.blend.pop(side, None)
        blend = s.blend.get(side)
        if blend is None:
            return
        offsets, start = blend
        k = (t - start) / SOURCE_BLEND
        if k >= 1.0:
            del s.blend[side]
            return
        for i, offset in zip(rows, offsets, strict=True):
            local[i] = quat.normalize(quat.mul(local[i], quat.power(offset, 1.0 - k)))

    def _held(self, i: int, t: float) -> Array:
        last = self._s.seen[i]
        if last is None:
            result: Array = quat.IDENTITY.copy()
            return result
        age = t - self._s.seen_t[i]
        if age <= self.options.hold:
            return last
        k = min(1.0, (age - self.options.hold) / self.options.ease)
        return quat.slerp(last, quat.IDENTITY, k)

    def _points(self, world: npt.ArrayLike | None) -> tuple[Array, npt.NDArray[np.bool_]]:
        if world is None:
            return np.zeros((33, 3)), np.zeros(33, dtype=bool)
        block = np.asarray(world, dtype=np.float64)
        if block.shape != (33, 5):
            raise ValueError(f"world block must have shape (33, 5), got {block.shape}")
        p = block[:, :3] * np.array([1.0, -1.0, 1.0])
        ok = np.isfinite(p).all(axis=1) & (block[:, 3] >= self.options.min_visibility)
        return p, ok

    # ------------------------------------------------------------------ limbs

    def _make_limbs(self) -> list[_Limb]:
        limbs = []
        for side in ("left", "right"):
            cap = side.capitalize()
            sign = -1.0 if side == "left" else 1.0
            wrist, index, pinky = INDEX[f"{side}_wrist"], INDEX[f"{side}_index"], INDEX[f"{side}_pinky"]
            heel, toe, ankle = INDEX[f"{side}_heel"], INDEX[f"{side}_foot_index"], INDEX[f"{side}_ankle"]
            forward = HAND_FORWARD[side]

            def hand(p: Array, w: int = wrist, i: int = index, k: int = pinky, fw: Array = forward) -> Array | None:
                return quat.frame((p[i] + p[k]) / 2 - p[w], p[i] - p[k], fw, HAND_ACROSS)

            def foot(p: Array, heel: int = heel, toe: int = toe, ankle: int = ankle) -> Array | None:
                return quat.frame(p[toe] - p[heel], p[ankle] - p[heel], FOOT_FORWARD, FOOT_UP)

            arm = _Limb(
                side=side,
                upper=BONE_INDEX[f"{cap}UpperArm"],
                lower=BONE_INDEX[f"{cap}LowerArm"],
                end=BONE_INDEX[f"{cap}Hand"],
                a=INDEX[f"{side}_shoulder"],
                b=INDEX[f"{side}_elbow"],
                c=wrist,
                rest=sign * X,
                axis=X,
                bend=Z,
                share=0.5,
                blend=_ARM_BLEND,
                end_frame=hand,
                end_landmarks=(wrist, index, pinky),
            )
            leg = _Limb(
                side=side,
                upper=BONE_INDEX[f"{cap}UpperLeg"],
                lower=BONE_INDEX[f"{cap}LowerLeg"],
                end=BONE_INDEX[f"{cap}Foot"],
                a=INDEX[f"{side}_hip"],
                b=INDEX[f"{side}_knee"],
                c=ankle,
                rest=-Y,
                axis=Y,
                bend=-Z,
                share=1.0,
                blend=_LEG_BLEND,
                end_frame=foot,
                end_landmarks=(ankle, heel, toe),
            )
            limbs += [arm, leg]
        return limbs

    def _solve_limb(
        self,
        limb: _Limb,
        p: Array,
        ok: npt.NDArray[np.bool_],
        parent_world: Array,
        put: Callable[..., Array],
        palm: Array | None = None,
    ) -> str | None:
        """Solve the limb's three bones through ``put``; returns the end frame's source (``"palm"``,
        ``"points"`` for the landmarks, ``None`` when there is none and the end bone is held)."""
        s = self._s
        key = BONES[limb.upper]
        end_obs = palm
        source = None if palm is None else "palm"
        if end_obs is None and ok[list(limb.end_landmarks)].all():
            end_obs = limb.end_frame(p)
            source = None if end_obs is None else "points"
        # upper bone: swing to the limb's direction, twist from the bending plane or the end's turn
        upper = None
        if ok[limb.a] and ok[limb.b]:
            d1 = p[limb.b] - p[limb.a]
            swing = quat.from_two_vectors(limb.rest, quat.rotate(quat.conj(parent_world), d1))
            frame0 = quat.mul(parent_world, swing)
            fallback = s.twist.get(key, 0.0)
            if end_obs is not None:
                _, turn = quat.swing_twist(quat.mul(quat.conj(frame0), end_obs), limb.axis)
                fallback = limb.share * turn
            sigma = fallback
            if ok[limb.c]:
                d2 = p[limb.c] - p[limb.b]
                v = quat.rotate(quat.conj(frame0), d2)
                v_perp = v - float(v @ limb.axis) * limb.axis
                n1, n2 = quat.norm(d1), quat.norm(d2)
                if n1 > 1e-9 and n2 > 1e-9 and quat.norm(v_perp) > 1e-9 * n2:
                    bend = math.acos(max(-1.0, min(1.0, float(d1 @ d2) / (n1 * n2))))
                    w = _smoothstep(limb.blend[0], limb.blend[1], bend)
                    plane = quat.signed_angle(limb.bend, v_perp, limb.axis)
                    if self.options.limits:
                        plane = _hinge_reading(plane, LIMITS[key].ranges[int(np.argmax(limb.axis))])
                    sigma = fallback + w * _wrap(plane - fallback)
            upper = quat.mul(swing, quat.from_axis_angle(limb.axis, sigma))
        w_upper = put(key, upper)
        if upper is not None:
            s.twist[key] = quat.swing_twist(self._s.seen[limb.upper], limb.axis)[1]  # type: ignore[arg-type]
        # lower bone: swing to its direction, roll of the end about it
        lower = None
        lkey = BONES[limb.lower]
        if ok[limb.b] and ok[limb.c]:
            d2 = p[limb.c] - p[limb.b]
            swing = quat.from_two_vectors(limb.rest, quat.rotate(quat.conj(w_upper), d2))
            roll = s.twist.get(lkey, 0.0)
            if end_obs is not None:
                _, roll = quat.swing_twist(quat.mul(quat.conj(quat.mul(w_upper, swing)), end_obs), limb.axis)
            lower = quat.mul(swing, quat.from_axis_angle(limb.axis, roll))
        w_lower = put(lkey, lower)
        if lower is not None:
            s.twist[lkey] = quat.swing_twist(self._s.seen[limb.lower], limb.axis)[1]  # type: ignore[arg-type]
        # end bone (hand / foot): what is left of its observed frame; limits remove any twist
        put(BONES[limb.end], None if end_obs is None else quat.mul(quat.conj(w_lower), end_obs))
        return source


def _palm(hands: tuple[Hand | None, Hand | None], side: str) -> Array | None:
    """The world rotation of ``side``'s hand from its own landmarks (Unity axes), or ``None`` (absent, degenerate)."""
    hand = hands[0] if side == "left" else hands[1]
    if hand is None or hand.world is None:
        return None
    points = to_unity(hand.world)
    return palm_frame(side, points) if np.isfinite(points).all() else None


_PARENT_OF: Final = PARENT
_FINGER_INDEX: Final = {name: i for i, name in enumerate(FINGER_BONES)}
_TORSO: Final = tuple(INDEX[n] for n in ("left_shoulder", "right_shoulder", "left_hip", "right_hip"))
_FEET: Final = {s: tuple(INDEX[f"{s}_{n}"] for n in ("ankle", "heel", "foot_index")) for s in ("left", "right")}


def transform_for(options: SolverOptions, *, aspect: float | None = None) -> Transform:
    """A frame transform (for ``serve``/``extract``) that adds ``humanoid`` to every frame."""
    return HumanoidSolver(options, aspect=aspect)
