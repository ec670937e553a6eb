"""Joint correspondence between BlazePose landmarks and a ground-truth skeleton, as data.

The default table is :data:`bridge.skeleton.RIG_JOINTS` (landmark -> Mixamo bone names and
Unity ``HumanBodyBones`` names, each in order of preference) with
:data:`bridge.skeleton.SUMMARY_JOINTS` as the joints averaged into the summary metrics.
The head (nose vs. a head bone) is evaluated and reported per joint, but is not part of
the default summary: the two are not the same point.

Bone names in a ground-truth file carry a rig prefix (``mixamorig:``, ``mixamorig2:``,
``humanoid:`` ...), which :func:`bridge.formats.read_ground_truth` drops. A candidate
matches a bone when it equals the bone's name, or its name without the prefix; a
prefixed candidate (``mixamorig2:LeftArm``) also matches the bare bone name. A bare name
that matches two differently prefixed bones (when bones are given with prefixes) is
ambiguous and must be given with its prefix via ``--joints``.

``--joints MAP.json`` replaces the default table::

    {
      "joints": {                          # landmark name -> bone name or list (first present wins)
        "left_hip": "LeftUpLeg",
        "right_hip": ["mixamorig2:RightUpLeg", "RightUpperLeg"],
        "left_wrist": "LeftHand"
      },
      "summary": ["left_hip", "right_hip", "left_wrist"]   # optional; default: every joint in "joints"
    }

A flat object (``{"left_hip": "LeftUpLeg", ...}``) is read as ``"joints"``. Landmark names
are those of :data:`bridge.skeleton.LANDMARK_NAMES`. ``left_hip`` and ``right_hip`` are
required: the root is their midpoint.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ..errors import UserError
from ..skeleton import INDEX, LANDMARK_NAMES, RIG_JOINTS, SUMMARY_JOINTS

LEFT_HIP = INDEX["left_hip"]
RIGHT_HIP = INDEX["right_hip"]


@dataclass(frozen=True, slots=True)
class JointMap:
    """Which landmarks are evaluated, which bones they correspond to, which are summarised.

    - ``landmarks``: landmark indices evaluated, in report order (``left_hip``/``right_hip`` included).
    - ``candidates``: for each of them, ground-truth bone names in order of preference.
    - ``summary``: the landmarks averaged into ``mpjpe``/``pa_mpjpe`` and used for the
      Procrustes fit (a subset of ``landmarks``).
    """

    landmarks: tuple[int, ...]
    candidates: tuple[tuple[str, ...], ...]
    summary: tuple[int, ...]

    def __post_init__(self) -> None:
        if len(self.landmarks) != len(self.candidates):
            raise ValueError("landmarks and candidates differ in length")
        for hip in (LEFT_HIP, RIGHT_HIP):
            if hip not in self.landmarks:
                raise UserError(f"the joint map must include {LANDMARK_NAMES[hip]} (the root is the hips' midpoint)")
        missing = [LANDMARK_NAMES[i] for i in self.summary if i not in self.landmarks]
        if missing:
            raise UserError(f"summary joints not in the joint map: {', '.join(missing)}")
        if len(self.summary) < 3:
            raise UserError("the summary needs at least 3 joints (a similarity alignment needs 3 points)")

    @property
    def names(self) -> tuple[str, ...]:
        """Landmark names of ``landmarks``."""
        return tuple(LANDMARK_NAMES[i] for i in self.landmarks)

    @property
    def summary_names(self) -> tuple[str, ...]:
        return tuple(LANDMARK_NAMES[i] for i in self.summary)

    def resolve(self, bones: Iterable[str], source: str = "ground truth") -> tuple[str, ...]:
        """The file bone name for each landmark, from the bone names present in a ground-truth file.

        Raises :class:`UserError` naming the landmark and what was looked for when a summary
        joint (or a hip) has no bone, or when a name is ambiguous. A non-summary joint without a
        bone is dropped from the result: use :meth:`restricted` with the returned names
        (``""`` marks a dropped joint).
        """
        present = sorted(set(bones))
        exact = set(present)
        by_short: dict[str, list[str]] = {}
        for full in present:
            by_short.setdefault(full.rsplit(":", 1)[-1], []).append(full)
        chosen: list[str] = []
        for landmark, wanted in zip(self.landmarks, self.candidates, strict=True):
            found = ""
            for name in wanted:
                if name in exact:
                    found = name
                    break
                # A bare candidate matches any prefix; a prefixed one, when the file's names carry no
                # prefix (bridge.formats.read_ground_truth drops them), matches by its bare name.
                short = name.rsplit(":", 1)[-1]
                hits = by_short.get(name, []) if ":" not in name else [short] if short in exact else []
                if len(hits) > 1:
                    raise UserError(
                        f"{source}: bone {name!r} for {LANDMARK_NAMES[landmark]} is ambiguous "
                        f"({', '.join(hits)}); name it with its prefix in --joints"
                    )
                if hits:
                    found = hits[0]
                    break
            if not found and (landmark in self.summary or landmark in (LEFT_HIP, RIGHT_HIP)):
                shown = ", ".join(present[:40]) + (" ..." if len(present) > 40 else "")
                raise UserError(
                    f"{source} has no bone for {LANDMARK_NAMES[landmark]} (looked for {', '.join(wanted)}); "
                    f"bones present: {shown or 'none'}; map them with --joints"
                )
            chosen.append(found)
        return tuple(chosen)

    def restricted(self, keep: Iterable[int]) -> JointMap:
        """A copy limited to the landmarks in ``keep`` (order kept)."""
        k = set(keep)
        pairs = [(lm, c) for lm, c in zip(self.landmarks, self.candidates, strict=True) if lm in k]
        return JointMap(
            landmarks=tuple(lm for lm, _ in pairs),
            candidates=tuple(c for _, c in pairs),
            summary=tuple(i for i in self.summary if i in k),
        )


def default_joint_map() -> JointMap:
    """The default correspondence: :data:`~bridge.skeleton.RIG_JOINTS`, summary :data:`~bridge.skeleton.SUMMARY_JOINTS`.

    Candidates per landmark interleave the two families by rank — Mixamo's first choice, the
    ``HumanBodyBones`` first choice, then the fallbacks — so a Humanoid file that has both
    ``LeftShoulder`` (the clavicle) and ``LeftUpperArm`` maps the shoulder to ``LeftUpperArm``,
    and a Mixamo file without ``LeftArm`` falls back to ``LeftShoulder``.
    """
    landmarks = tuple(sorted(RIG_JOINTS))
    candidates = []
    for lm in landmarks:
        mixamo, humanoid = RIG_JOINTS[lm]
        names: list[str] = []
        for rank in range(max(len(mixamo), len(humanoid))):
            for family in (mixamo, humanoid):
                if rank < len(family) and family[rank] not in names:
                    names.append(family[rank])
        candidates.append(tuple(names))
    return JointMap(landmarks=landmarks, candidates=tuple(candidates), summary=tuple(SUMMARY_JOINTS))


def parse_joint_map(data: object, source: str = "joint map") -> JointMap:
    """Build a :class:`JointMap` from the JSON structure documented in this module."""
    if not isinstance(data, Mapping):
        raise UserError(f"{source}: expected a JSON object, got {type(data).__name__}")
    if "joints" in data:
        unknown_keys = sorted(set(data) - {"joints", "summary"})
        if unknown_keys:
            raise UserError(f"{source}: unknown keys {', '.join(unknown_keys)} (expected 'joints' and 'summary')")
        joints = data["joints"]
        summary_raw = data.get("summary")
    else:
        joints, summary_raw = data, None
    if not isinstance(joints, Mapping) or not joints:
        raise UserError(f"{source}: 'joints' must be a non-empty object of landmark name -> bone name(s)")
    landmarks: list[int] = []
    candidates: list[tuple[str, ...]] = []
    for name, bones in joints.items():
        if name not in INDEX:
            raise UserError(f"{source}: unknown landmark name {name!r} (expected one of {', '.join(LANDMARK_NAMES)})")
        if isinstance(bones, str):
            bones = [bones]
        if not isinstance(bones, list) or not bones or not all(isinstance(b, str) and b for b in bones):
            raise UserError(f"{source}: {name!r} must map to a bone name or a non-empty list of bone names")
        landmarks.append(INDEX[name])
        candidates.append(tuple(bones))
    if summary_raw is None:
        summary = tuple(landmarks)
    else:
        if not isinstance(summary_raw, list) or not all(isinstance(s, str) for s in summary_raw):
            raise UserError(f"{source}: 'summary' must be a list of landmark names")
        bad = [s for s in summary_raw if s not in INDEX]
        if bad:
            raise UserError(f"{source}: unknown landmark name(s) in summary: {', '.join(bad)}")
        summary = tuple(INDEX[s] for s in summary_raw)
    try:
        return JointMap(landmarks=tuple(landmarks), candidates=tuple(candidates), summary=summary)
    except UserError as exc:
        raise UserError(f"{source}: {exc}") from None


def load_joint_map(path: str | Path) -> JointMap:
    """Read a ``--joints`` file; :class:`UserError` for a missing file or bad JSON (with its position)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise UserError(f"cannot read joint map {p}: {exc.strerror or exc}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserError(f"{p}: not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    return parse_joint_map(data, str(p))
