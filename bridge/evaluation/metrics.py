"""MPJPE and PA-MPJPE of a predicted skeleton sequence against a ground-truth one.

Both sequences are :class:`Skeletons`: per frame, the evaluated joints in **Unity world
coordinates** (meters, y up, left-handed). Predictions (MediaPipe world landmarks) are
converted with :func:`~bridge.evaluation.geometry.mediapipe_to_unity` when they are built
from :class:`~bridge.frame.PoseFrame` objects; a ground truth written from Unity is used as is.

Per evaluated frame, both skeletons are root-aligned (root = midpoint of the hips, *that
frame's* hips) and

- ``mpjpe``: mean Euclidean distance over the summary joints, after root alignment only;
- ``pa_mpjpe``: the same after the prediction is moved onto the truth by the similarity
  transform (rotation, uniform scale, translation; never a reflection) that best fits the
  summary joints of that frame.

Per-joint values average a joint's error over the evaluated frames; the overall values
average the per-frame values (equal to the mean over all frame-joint errors, since every
evaluated frame has every summary joint). Frames are *excluded and counted*, never filled:
frames without a detection, frames present in only one of the two sequences, and frames
where a summary joint is missing (NaN).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ..errors import UserError
from ..frame import PoseFrame
from ..skeleton import LANDMARK_NAMES
from .geometry import mediapipe_to_unity, procrustes_align, root_align, world_to_camera
from .joints import LEFT_HIP, RIGHT_HIP, JointMap

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: A prediction whose root (hips' midpoint) lies further than this from the origin in most
#: frames is not MediaPipe *world* landmarks (those have their origin between the hips).
WORLD_ROOT_TOLERANCE_M = 0.1


@dataclass(frozen=True)
class Skeletons:
    """A sequence of skeletons: ``points[i]`` holds frame ``frames[i]``'s joints.

    - ``frames``: (F,) sorted, unique frame numbers.
    - ``points``: (F, J, 3) Unity world coordinates; NaN where a joint is missing.
    - ``detected``: (F,) False for frames where nobody was detected (their points are NaN).
    - ``landmarks``: the landmark index each of the J joints corresponds to.
    """

    frames: IntArray
    points: FloatArray
    detected: npt.NDArray[np.bool_]
    landmarks: tuple[int, ...]
    source: str = "skeletons"

    def __post_init__(self) -> None:
        f = len(self.frames)
        if self.points.shape != (f, len(self.landmarks), 3) or self.detected.shape != (f,):
            raise ValueError(
                f"inconsistent shapes: frames {self.frames.shape}, points {self.points.shape}, "
                f"detected {self.detected.shape}, {len(self.landmarks)} landmarks"
            )
        if f > 1 and not np.all(np.diff(self.frames) > 0):
            raise ValueError("frames must be sorted and unique")

    def __len__(self) -> int:
        return len(self.frames)

    def select(self, frames: Iterable[int]) -> Skeletons:
        """Only the given frame numbers (those present)."""
        mask = np.isin(self.frames, np.fromiter(frames, dtype=np.int64))
        return Skeletons(self.frames[mask], self.points[mask], self.detected[mask], self.landmarks, self.source)

    def renumbered(self, frames: npt.ArrayLike) -> Skeletons:
        """The same skeletons under new frame numbers (same length, sorted)."""
        return Skeletons(np.asarray(frames, dtype=np.int64), self.points, self.detected, self.landmarks, self.source)


def _stack(rows: list[tuple[int, FloatArray | None]], landmarks: tuple[int, ...], source: str) -> Skeletons:
    rows.sort(key=lambda r: r[0])
    frames = np.array([r[0] for r in rows], dtype=np.int64)
    dup = frames[1:][np.diff(frames) == 0]
    if len(dup):
        raise UserError(f"{source}: frame {int(dup[0])} appears more than once")
    points = np.full((len(rows), len(landmarks), 3), np.nan)
    detected = np.zeros(len(rows), dtype=bool)
    for i, (_, p) in enumerate(rows):
        if p is not None:
            points[i] = p
            detected[i] = True
    return Skeletons(frames, points, detected, landmarks, source)


def skeletons_from_poses(
    poses: Iterable[PoseFrame], landmarks: Iterable[int], source: str = "prediction", *, check_world: bool = True
) -> Skeletons:
    """Skeletons from recorded/extracted :class:`PoseFrame` objects (frame number = ``seq``).

    Uses the **world** landmarks converted to Unity axes; a frame with ``world is None`` is a
    frame without a detection. Raises :class:`UserError` when the recording holds image
    coordinates only, or when its coordinates are not hip-centred world landmarks (the
    thesis notebook compared normalized image coordinates with Unity meters).
    """
    lms = tuple(landmarks)
    idx = list(lms)
    rows: list[tuple[int, FloatArray | None]] = []
    image_only = 0
    for pose in poses:
        if pose.world is None:
            image_only += pose.image is not None
            rows.append((int(pose.seq), None))
        else:
            rows.append((int(pose.seq), mediapipe_to_unity(pose.world[idx, :3])))
    seq = _stack(rows, lms, source)
    if not seq.detected.any() and image_only:
        raise UserError(
            f"{source} holds image coordinates only (normalized 0..1, not meters); "
            "evaluation needs world landmarks: extract with --coords world"
        )
    if check_world and seq.detected.any() and LEFT_HIP in lms and RIGHT_HIP in lms:
        li, ri = lms.index(LEFT_HIP), lms.index(RIGHT_HIP)
        root = 0.5 * (seq.points[seq.detected, li] + seq.points[seq.detected, ri])
        off = float(np.nanmedian(np.linalg.norm(root, axis=-1)))
        if off > WORLD_ROOT_TOLERANCE_M:
            raise UserError(
                f"{source} does not hold MediaPipe world landmarks: the hips' midpoint is {off:.3f} from the "
                "origin (world landmarks are centred between the hips); was it written with --coords image?"
            )
    return seq


def skeletons_from_bones(
    frames: Iterable[tuple[int, Mapping[str, tuple[float, float, float]]]],
    joint_map: JointMap,
    source: str = "ground truth",
) -> tuple[Skeletons, JointMap]:
    """Skeletons from a ground-truth bone file's frames (``(frame, {bone: (x, y, z)})``, Unity world).

    Bone names are resolved with :meth:`JointMap.resolve` against every bone name in the
    file. Returns the skeletons and the joint map restricted to the joints that were found
    (a non-summary joint without a bone, e.g. no head bone, is dropped). A frame that lacks a
    mapped bone has NaN there.
    """
    # One pass, constant work per frame: keep only the bones some candidate could match (a rig has ~50-60
    # bones, the map needs ~13), but remember every name for resolution and error messages.
    wanted = {c for cands in joint_map.candidates for c in cands}
    wanted |= {c.rsplit(":", 1)[-1] for c in wanted}
    names: set[str] = set()
    raw: list[tuple[int, dict[str, tuple[float, float, float]]]] = []
    for f, bones in frames:
        if not names.issuperset(bones):
            names.update(bones)
        raw.append((int(f), {b: p for b, p in bones.items() if b in wanted or b.rsplit(":", 1)[-1] in wanted}))
    if not raw:
        raise UserError(f"{source} holds no frames")
    chosen = joint_map.resolve(names, source)
    keep = [lm for lm, name in zip(joint_map.landmarks, chosen, strict=True) if name]
    bone_of = [name for name in chosen if name]
    jm = joint_map.restricted(keep)
    rows: list[tuple[int, FloatArray | None]] = []
    nan3 = (np.nan, np.nan, np.nan)
    for f, bones in raw:
        rows.append((f, np.array([bones.get(b, nan3) for b in bone_of], dtype=np.float64)))
    return _stack(rows, tuple(keep), source), jm


@dataclass(frozen=True)
class Missing:
    """Frames that were not evaluated, by reason (frame numbers in the prediction's numbering)."""

    no_detection: int = 0
    prediction_only: int = 0
    truth_only: int = 0
    incomplete: int = 0

    @property
    def total(self) -> int:
        return self.no_detection + self.prediction_only + self.truth_only + self.incomplete

    def describe(self) -> str:
        parts = [
            f"{n} {what}"
            for n, what in (
                (self.no_detection, "without a detection"),
                (self.prediction_only, "only in the prediction"),
                (self.truth_only, "only in the ground truth"),
                (self.incomplete, "with a missing joint"),
            )
            if n
        ]
        return ", ".join(parts) if parts else "none"


@dataclass(frozen=True)
class Evaluation:
    """The result of :func:`evaluate`. Errors in meters; NaN when no frame was evaluated.

    ``truth`` / ``prediction``: root-aligned (and, with a camera, camera-frame) joints of the
    evaluated frames, (F, J, 3), kept for plots; ``aligned``: the prediction after Procrustes.
    """

    frames: IntArray
    landmarks: tuple[int, ...]
    summary: tuple[int, ...]
    per_frame_mpjpe: FloatArray
    per_frame_pa_mpjpe: FloatArray
    joint_errors: FloatArray  # (F, J) root-aligned
    joint_errors_pa: FloatArray  # (F, J) after Procrustes
    missing: Missing
    truth: FloatArray
    prediction: FloatArray
    aligned: FloatArray
    camera: tuple[float, float, float] | None = None

    @property
    def count(self) -> int:
        return len(self.frames)

    @property
    def mpjpe(self) -> float:
        return float(self.per_frame_mpjpe.mean()) if self.count else float("nan")

    @property
    def pa_mpjpe(self) -> float:
        return float(self.per_frame_pa_mpjpe.mean()) if self.count else float("nan")

    @property
    def joint_names(self) -> tuple[str, ...]:
        return tuple(LANDMARK_NAMES[i] for i in self.landmarks)

    @property
    def summary_names(self) -> tuple[str, ...]:
        return tuple(LANDMARK_NAMES[i] for i in self.summary)

    def per_joint(self) -> dict[str, dict[str, float]]:
        """``{name: {"mpjpe", "pa_mpjpe"}}`` over the evaluated frames (NaN if none)."""
        out: dict[str, dict[str, float]] = {}
        for j, name in enumerate(self.joint_names):
            col, col_pa = self.joint_errors[:, j], self.joint_errors_pa[:, j]
            ok = np.isfinite(col)
            out[name] = {
                "mpjpe": float(col[ok].mean()) if ok.any() else float("nan"),
                "pa_mpjpe": float(col_pa[ok].mean()) if ok.any() else float("nan"),
            }
        return out

    def to_json(self) -> dict[str, Any]:
        """The ``evaluate --json`` object; NaN becomes ``null``."""
        return {
            "frames": self.count,
            "frames_missing": self.missing.total,
            "joints": list(self.summary_names),
            "mpjpe": _num(self.mpjpe),
            "pa_mpjpe": _num(self.pa_mpjpe),
            "per_joint": {k: {m: _num(v) for m, v in d.items()} for k, d in self.per_joint().items()},
            "per_frame": [
                {"frame": int(f), "mpjpe": _num(float(a)), "pa_mpjpe": _num(float(b))}
                for f, a, b in zip(self.frames, self.per_frame_mpjpe, self.per_frame_pa_mpjpe, strict=True)
            ],
        }


def _num(x: float) -> float | None:
    return None if not np.isfinite(x) else x


def evaluate(
    prediction: Skeletons,
    truth: Skeletons,
    joint_map: JointMap,
    *,
    offset: int = 0,
    camera: npt.ArrayLike | None = None,
) -> Evaluation:
    """Compare ``prediction`` with ``truth`` frame by frame.

    - ``offset``: prediction frame ``n`` is compared with truth frame ``n + offset``.
    - ``camera``: position of the camera (Unity, relative to the subject root). When given,
      the root-aligned truth is rotated into the camera's frame (camera looking at the root,
      y up; see :mod:`~bridge.evaluation.geometry`) before comparison — MediaPipe's world
      landmarks are oriented like the camera — so ``mpjpe`` shows view-dependent depth
      errors. Without it, the truth is compared as is, which is right for a camera looking
      along Unity's +z. ``pa_mpjpe`` does not depend on it.

    Only landmarks present in both ``joint_map`` and both sequences are evaluated.
    Frames present in only one sequence, without a detection, or missing a summary joint
    are excluded and counted in ``Evaluation.missing``.
    """
    lms = tuple(lm for lm in joint_map.landmarks if lm in truth.landmarks and lm in prediction.landmarks)
    summary = tuple(lm for lm in joint_map.summary if lm in lms)
    if len(summary) < 3 or LEFT_HIP not in lms or RIGHT_HIP not in lms:
        raise UserError("need both hips and at least 3 summary joints in the prediction and the ground truth")
    p_idx = [prediction.landmarks.index(lm) for lm in lms]
    t_idx = [truth.landmarks.index(lm) for lm in lms]
    t_frames = truth.frames - int(offset)
    common, p_pos, t_pos = np.intersect1d(prediction.frames, t_frames, assume_unique=True, return_indices=True)
    pred_only = len(prediction.frames) - len(common)
    truth_only = len(t_frames) - len(common)
    detected = prediction.detected[p_pos] & truth.detected[t_pos]
    p = prediction.points[p_pos][:, p_idx]
    t = truth.points[t_pos][:, t_idx]
    s_mask = np.array([lm in summary for lm in lms])
    hips = [lms.index(LEFT_HIP), lms.index(RIGHT_HIP)]
    s_mask_root = s_mask.copy()
    s_mask_root[hips] = True
    complete = np.isfinite(p[:, s_mask_root]).all(axis=(1, 2)) & np.isfinite(t[:, s_mask_root]).all(axis=(1, 2))
    ok = detected & complete
    missing = Missing(
        no_detection=int((~detected).sum()),
        prediction_only=pred_only,
        truth_only=truth_only,
        incomplete=int((detected & ~complete).sum()),
    )
    frames = common[ok]
    p = root_align(p[ok], hips[0], hips[1])
    t = root_align(t[ok], hips[0], hips[1])
    cam: tuple[float, float, float] | None = None
    if camera is not None:
        cam_arr = np.asarray(camera, dtype=np.float64).reshape(3)
        cam = (float(cam_arr[0]), float(cam_arr[1]), float(cam_arr[2]))
        try:
            t = world_to_camera(t, cam_arr)
        except ValueError as exc:
            raise UserError(f"camera {cam}: {exc}") from None
    err = np.linalg.norm(p - t, axis=-1)
    if len(frames):
        # Non-summary joints that are NaN in some frame: align on the summary only (always finite).
        aligned = procrustes_align(np.nan_to_num(p), t, fit=s_mask)
        aligned[~np.isfinite(p)] = np.nan
    else:
        aligned = p.copy()
    err_pa = np.linalg.norm(aligned - t, axis=-1)
    return Evaluation(
        frames=frames,
        landmarks=lms,
        summary=summary,
        per_frame_mpjpe=err[:, s_mask].mean(axis=1) if len(frames) else np.zeros(0),
        per_frame_pa_mpjpe=err_pa[:, s_mask].mean(axis=1) if len(frames) else np.zeros(0),
        joint_errors=err,
        joint_errors_pa=err_pa,
        missing=missing,
        truth=t,
        prediction=p,
        aligned=aligned,
        camera=cam,
    )
