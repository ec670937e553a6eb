"""``pose-bridge annotate VIDEO -o OUT.mp4``: the video with the BlazePose skeleton drawn over it."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
from pathlib import Path

import cv2
import numpy as np
from tqdm import tqdm

from ..errors import UserError
from ..overlay import draw_pose
from ..sources.video import VideoSource
from ..transforms import Transform
from . import _options

HELP = "draw the BlazePose skeleton over a video and write it to a new video file"
DESCRIPTION = """\
Run BlazePose on every frame of VIDEO (a file, an image sequence such as
frames/%04d.png, or webcam[:N]) and write the frames with the 2D skeleton drawn
over the person: bones coloured by side (left orange, right blue), joints
coloured by visibility (red 0 .. green 1), and a caption with the frame number,
time and pose confidence (mean landmark visibility). With --angles the joint
angles are listed too.

The output keeps the input's size and frame rate. The container follows the
extension of OUT: .mp4/.m4v/.mov (MPEG-4 Part 2, 'mp4v') or .avi (Motion JPEG);
--fourcc picks another codec your OpenCV build can write.

examples:
  pose-bridge annotate dance.mp4 -o dance_pose.mp4
  pose-bridge annotate dance.mp4 -o dance_pose.mp4 --smooth --angles
  pose-bridge annotate webcam --frames 300 -o me.avi
"""

log = logging.getLogger("bridge.commands.annotate")

_FOURCC_BY_SUFFIX = {".mp4": "mp4v", ".m4v": "mp4v", ".mov": "mp4v", ".avi": "MJPG"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("video", metavar="VIDEO", help="video file, image sequence pattern, or webcam[:N]")
    parser.add_argument("-o", "--output", required=True, type=Path, metavar="OUT", help="the annotated video to write")
    parser.add_argument("--fourcc", help="four-character codec code for the output (default: from OUT's extension)")
    parser.add_argument("--frames", type=int, metavar="N", help="stop after N frames (needed to end a webcam)")
    parser.add_argument("--angles", action="store_true", help="list the joint angles under the caption")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument("--overwrite", "-y", action="store_true", help="replace OUT if it exists")
    _options.add_estimator_arguments(parser)
    _options.add_smoothing_arguments(parser)


def _fourcc(out: Path, override: str | None) -> str:
    if override:
        if len(override) != 4:
            raise UserError(f"--fourcc must be four characters, got {override!r}")
        return override
    try:
        return _FOURCC_BY_SUFFIX[out.suffix.lower()]
    except KeyError:
        known = ", ".join(sorted(_FOURCC_BY_SUFFIX))
        raise UserError(f"{out}: unknown video extension {out.suffix!r} (use {known}, or give --fourcc)") from None


def _check_output(args: argparse.Namespace) -> None:
    out: Path = args.output
    if out.exists() and not args.overwrite:
        raise UserError(f"{out} exists (use --overwrite to replace it)")
    if out.is_dir():
        raise UserError(f"{out} is a directory, not a video file name")
    if not out.parent.is_dir():
        raise UserError(f"cannot write {out}: directory {out.parent} does not exist")
    if os.path.exists(args.video) and out.exists() and os.path.samefile(args.video, out):
        raise UserError(f"{out} is the input video; choose another output name")
    if args.frames is not None and args.frames < 1:
        raise UserError(f"--frames must be >= 1, got {args.frames}")


async def annotate(
    source: VideoSource,
    out: Path,
    fourcc: str,
    transforms: list[Transform],
    *,
    max_frames: int | None = None,
    progress: bool = True,
) -> tuple[int, int]:
    """Write the annotated frames of ``source`` to ``out``; returns (frames written, frames with a person).

    Raises :class:`UserError` when the writer cannot be opened for ``fourcc``.
    """

    info = source.info
    fps = info.fps or 30.0
    writer: cv2.VideoWriter | None = None
    written = detected = 0
    total = min(info.frames, max_frames) if info.frames and max_frames else (max_frames or info.frames)
    bar = tqdm(total=total, unit="frame", desc=f"annotate {info.name}", disable=not progress, dynamic_ncols=True)
    try:
        async for frame, decoded in source.frames_with_images():
            for transform in transforms:
                frame = transform(frame)
            image = np.array(decoded.bgr, dtype=np.uint8, copy=True)
            if writer is None:
                h, w = image.shape[:2]
                writer = cv2.VideoWriter(str(out), cv2.VideoWriter.fourcc(*fourcc), fps, (w, h))
                if not writer.isOpened():
                    raise UserError(f"cannot write {out} with codec {fourcc!r} (try --fourcc MJPG and an .avi name)")
            draw_pose(image, frame)
            writer.write(image)
            written += 1
            detected += frame.detected
            bar.update(1)
            if max_frames is not None and written >= max_frames:
                break
    finally:
        bar.close()
        if writer is not None:
            writer.release()
    return written, detected


def run(args: argparse.Namespace) -> int:
    _check_output(args)
    fourcc = _fourcc(args.output, args.fourcc)
    options = _options.estimator_options(args)
    transforms = _options.transforms_from_args(args)

    async def main() -> tuple[int, int]:
        source = VideoSource(args.video, options)
        async with source:
            return await annotate(
                source,
                args.output,
                fourcc,
                transforms,
                max_frames=args.frames,
                progress=not args.no_progress and not getattr(args, "quiet", False),
            )

    written, detected = asyncio.run(main())
    if written == 0:
        raise UserError(f"{args.video}: no frames could be read")
    log.info("wrote %s: %d frames, a person in %d", args.output, written, detected)
    return 0
