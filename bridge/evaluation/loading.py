"""Reading predictions and ground truth from files, and running BlazePose on study videos.

Parsing is :mod:`bridge.formats`' job (seed txt, JSONL, CSV, and the ground-truth txt
variant with bone names); this module only turns what the readers yield into
:class:`~bridge.evaluation.metrics.Skeletons`. Videos are run through the same pipelined
extraction as ``pose-bridge extract`` (:class:`bridge.sources.video.VideoSource`: decoding
on one thread, overlapped with inference on another).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

from ..errors import SourceError
from ..frame import PoseFrame
from ..pose.engine import EstimatorOptions
from .joints import JointMap
from .metrics import Skeletons, skeletons_from_bones, skeletons_from_poses

log = logging.getLogger("bridge.evaluation.loading")


def _require(path: Path, what: str) -> None:
    if not path.exists():
        raise SourceError(f"{what} not found: {path}")
    if path.is_dir():
        raise SourceError(f"{what} is a directory, not a file: {path}")


def iter_poses(path: str | Path, what: str = "prediction") -> Iterator[PoseFrame]:
    """Stream every frame of a recording (seed txt, JSONL or CSV) as PoseFrames."""
    from ..formats import open_reader

    p = Path(path)
    _require(p, what)
    with open_reader(p) as reader:
        yield from reader


def read_poses(path: str | Path, what: str = "prediction") -> list[PoseFrame]:
    """Every frame of a recording as a list (prefer :func:`iter_poses` for long files)."""
    return list(iter_poses(path, what))


def is_bone_file(path: str | Path) -> bool:
    """True when ``path`` is a ground-truth txt: its first line names a bone (``Landmark [F, rig:Bone]: ...``)
    where a seed txt has a landmark index (``Landmark [F,0]: ...``). Only the first non-blank line is looked at."""
    p = Path(path)
    if p.suffix.lower() != ".txt":
        return False
    try:
        with p.open("r", encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.strip():
                    inside = line.partition("[")[2].partition("]")[0]
                    key = inside.partition(",")[2].strip()
                    return bool(key) and not key.lstrip("-").isdigit()
    except OSError as exc:
        raise SourceError(f"cannot read {p}: {exc.strerror or exc}") from None
    return False


def read_truth(path: str | Path, joint_map: JointMap) -> tuple[Skeletons, JointMap]:
    """The ground truth as Unity-world skeletons, and the joint map resolved against it.

    A ground-truth txt (bone names, Unity world) is used as is; any other recording is read
    as MediaPipe world landmarks and converted like a prediction (identity correspondence).
    """
    from ..formats import read_ground_truth

    p = Path(path)
    _require(p, "ground truth")
    if is_bone_file(p):
        return skeletons_from_bones(read_ground_truth(p), joint_map, str(p))
    return skeletons_from_poses(iter_poses(p, "ground truth"), joint_map.landmarks, str(p)), joint_map


def extract_video(path: str | Path, options: EstimatorOptions | None = None) -> list[PoseFrame]:
    """Run BlazePose over every frame of a video or image sequence (``frames/%04d.png``).

    Uses :func:`bridge.extract.iter_frames`, the pipelined extraction of ``pose-bridge extract``.
    Raises :class:`~bridge.errors.SourceError` for a missing or undecodable video.
    """
    from ..extract import iter_frames

    frames = list(iter_frames(str(path), options))
    log.info("%s: %d frames, %d with a detection", path, len(frames), sum(f.detected for f in frames))
    return frames
