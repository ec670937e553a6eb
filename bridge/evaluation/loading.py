"""Reading predictions and ground truth from files, and running BlazePose on study videos.

Parsing is :mod:`bridge.formats`' job (seed txt, JSONL, CSV, and the ground-truth txt
variant with bone names); this module only turns what the readers yield into
:class:`~bridge.evaluation.metrics.Skeletons`. Videos are run through the same pipelined
extraction as ``pose-bridge extract`` (:class:`bridge.sources.video.VideoSource`: decoding
on one thread, overlapped with inference on another).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import cv2

from ..errors import SourceError
from ..formats import open_reader, read_ground_truth
from ..formats.txt import is_bone_file
from ..frame import PoseFrame
from ..pose.engine import Estimator, EstimatorOptions
from ..sources.video import VideoPipeline, open_capture
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
    p = Path(path)
    _require(p, what)
    with open_reader(p) as reader:
        yield from reader


def read_poses(path: str | Path, what: str = "prediction") -> list[PoseFrame]:
    """Every frame of a recording as a list (prefer :func:`iter_poses` for long files)."""
    return list(iter_poses(path, what))


def read_truth(path: str | Path, joint_map: JointMap) -> tuple[Skeletons, JointMap]:
    """The ground truth as Unity-world skeletons, and the joint map resolved against it.

    A ground-truth txt (bone names, Unity world) is used as is; any other recording is read
    as MediaPipe world landmarks and converted like a prediction (identity correspondence).
    """
    p = Path(path)
    _require(p, "ground truth")
    if is_bone_file(p):
        return skeletons_from_bones(read_ground_truth(p), joint_map, str(p))
    return skeletons_from_poses(iter_poses(p, "ground truth"), joint_map.landmarks, str(p)), joint_map


def extract_video(path: str | Path, options: EstimatorOptions | None = None) -> list[PoseFrame]:
    """Run BlazePose over every frame of a video or image sequence (``frames/%04d.png``).

    Uses :class:`bridge.sources.video.VideoPipeline`, the pipelined extraction of ``pose-bridge extract``
    (decoding on its own thread, BlazePose on this one).
    Raises :class:`~bridge.errors.SourceError` for a missing or undecodable video.
    """
    with VideoPipeline(str(path), options) as video:
        frames = list(video.frames())
    log.info("%s: %d frames, %d with a detection", path, len(frames), sum(f.detected for f in frames))
    return frames


def extract_video_frames(
    path: str | Path,
    frames: Sequence[int],
    estimator: Estimator,
    *,
    on_frame: Callable[[int], None] | None = None,
) -> list[PoseFrame]:
    """BlazePose on the given frames of a video only (the single-video mode, where row *i* is frame *i*).

    ``estimator`` must be in IMAGE mode (``static_image_mode``): each frame is detected on its own,
    so the landmarks are those :func:`extract_video` gives for the same frame with the same options
    (which the tests check), and an estimator can be shared by many calls. Frames are 0-based
    positions in the video; those past its end are left out (their rows have nothing to evaluate).
    An image sequence (``%`` in the name) is read by seeking straight to each frame (every image is
    its own key frame); any other video is decoded from its start up to the last frame asked for,
    converting only the frames asked for. Returned frames have ``seq`` = frame, ``t`` = frame / fps
    (30 when unknown) and ``captured_ns`` 0. ``on_frame(n)`` is called after the n-th frame is done.

    Raises :class:`~bridge.errors.SourceError` for a missing or undecodable video, and when seeking in
    an image sequence lands elsewhere than asked.
    """
    if not estimator.options.static_image_mode:
        raise ValueError("extract_video_frames needs an IMAGE-mode estimator (static_image_mode=True)")
    wanted = sorted({int(f) for f in frames if f >= 0})
    spec = str(path)
    cap, info, _ = open_capture(spec)
    fps = info.fps or 30.0
    seek = "%" in Path(spec).name
    out: list[PoseFrame] = []
    try:
        position = 0
        for n, index in enumerate(wanted, 1):
            if seek:
                if info.frames is not None and index >= info.frames:
                    break  # the sequence ends before this frame (its count is that of its files)
                if position != index:
                    cap.set(cv2.CAP_PROP_POS_FRAMES, index)
                    landed = int(cap.get(cv2.CAP_PROP_POS_FRAMES))
                    if landed != index:
                        raise SourceError(f"{spec}: cannot seek to frame {index} (landed on {landed})")
                    position = index
            else:
                while position < index and cap.grab():
                    position += 1
                if position < index:
                    break  # the video ends before this frame
            ok, bgr = cap.read()
            if not ok or bgr is None:
                break
            position += 1
            rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
            img, world = estimator.process(rgb, index / fps)
            out.append(PoseFrame(seq=index, t=index / fps, captured_ns=0, image=img, world=world))
            if on_frame is not None:
                on_frame(n)
    finally:
        cap.release()
    detected = sum(f.detected for f in out)
    log.info("%s: %d of %d frames asked for, %d with a detection", spec, len(out), len(wanted), detected)
    return out
