"""Test media: real photos of people (Debian's opencv-doc samples), and short videos made from them.

Nothing here is committed media: ``media_dir()`` fetches the files with
``scripts/fetch_test_media.sh`` into a cache outside the repository, and
``make_video()`` builds a video at test time.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
PHOTOS = ("messi5.jpg", "basketball1.png", "basketball2.png")


def media_dir() -> Path:
    """The directory with the test media, fetched on first use (needs apt-get)."""
    out = subprocess.run(
        ["bash", str(ROOT / "scripts" / "fetch_test_media.sh")], check=True, capture_output=True, text=True
    )
    return Path(out.stdout.strip().splitlines()[-1])


def make_video(
    image: Path,
    out: Path,
    *,
    frames: int = 60,
    fps: float = 30.0,
    motion: float = 6.0,
    noise: float = 0.0,
    seed: int = 0,
) -> Path:
    """Write a short video of ``image`` with a slight, smooth camera motion.

    Each frame shifts the photo by up to ``motion`` pixels and zooms by up to 2 %
    (a hand-held camera); ``noise`` adds Gaussian sensor noise of that standard
    deviation (0-255 scale). The codec is MJPG in an ``.avi`` container, which
    every OpenCV build with video I/O can write and read back. Returns ``out``.
    """
    img = cv2.imread(str(image))
    if img is None:
        raise FileNotFoundError(image)
    h, w = img.shape[:2]
    out.parent.mkdir(parents=True, exist_ok=True)
    writer = cv2.VideoWriter(str(out), cv2.VideoWriter_fourcc(*"MJPG"), fps, (w, h))
    if not writer.isOpened():
        raise RuntimeError(f"cannot write {out}")
    rng = np.random.default_rng(seed)
    try:
        for i in range(frames):
            phase = 2 * np.pi * i / max(frames, 1)
            dx, dy = motion * np.sin(phase), motion * 0.5 * np.sin(2 * phase)
            zoom = 1.0 + 0.02 * np.sin(phase)
            m = cv2.getRotationMatrix2D((w / 2, h / 2), 0.0, zoom)
            m[:, 2] += (dx, dy)
            frame = cv2.warpAffine(img, m, (w, h), borderMode=cv2.BORDER_REFLECT)
            if noise:
                frame = np.clip(frame + rng.normal(0, noise, frame.shape), 0, 255).astype(np.uint8)
            writer.write(frame)
    finally:
        writer.release()
    return out


def scaled_timeout(seconds: float) -> float:
    """A timeout scaled by ``POSE_BRIDGE_TEST_TIMEOUT_SCALE`` (slow CI machines)."""
    return seconds * float(os.environ.get("POSE_BRIDGE_TEST_TIMEOUT_SCALE", "1"))


def person_crop(photo: Path, index: int = 0, margin: float = 0.12) -> np.ndarray:
    """The BGR crop around person ``index`` (left to right) of a real photo, found by real BlazePose."""
    from bridge.pose import Estimator, EstimatorOptions

    bgr = cv2.imread(str(photo))
    if bgr is None:
        raise FileNotFoundError(photo)
    h, w = bgr.shape[:2]
    with Estimator(EstimatorOptions(static_image_mode=True, num_poses=4)) as est:
        poses = est.process_all(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
    boxes = sorted(
        (float(np.nanmin(img[:, 0])) * w, float(np.nanmin(img[:, 1])) * h,
         float(np.nanmax(img[:, 0])) * w, float(np.nanmax(img[:, 1])) * h)
        for img, _ in poses
    )  # fmt: skip
    x0, y0, x1, y1 = boxes[index]
    mx, my = (x1 - x0) * margin, (y1 - y0) * margin
    x0, y0, x1, y1 = int(max(x0 - mx, 0)), int(max(y0 - my, 0)), int(min(x1 + mx, w)), int(min(y1 + my, h))
    return bgr[y0:y1, x0:x1].copy()


def make_crossing_video(
    media: Path, out: Path, *, frames: int = 120, size: tuple[int, int] = (640, 480), fps: float = 30.0
) -> tuple[Path, list[dict[str, tuple[float, float] | None]]]:
    """A video of real people (crops of the test photos) moving over a plain background.

    - ``a`` (basketball1's player) walks from the left edge to the right and leaves the picture;
    - ``b`` (basketball2's left player, mirrored) walks from the right to the left, passing *in
      front of* ``a`` halfway (``a`` is hidden for a moment);
    - ``c`` (basketball2's left player again: the same man as ``a``, so only where and when he
      appears can tell he is someone new) enters from the right, where ``a`` left, a moment later.

    The picture is 4:3 by default: BlazePose's detector sees a letterboxed 224×224 copy, so in a
    wide picture people this size become too small for it to find.

    Returns the video and, per frame, each person's horizontal extent in normalized image
    coordinates (which may reach past 0 or 1 while they enter or leave; ``None`` when wholly out
    of the picture), for checking who is who.
    """
    width, height = size
    crops = {
        "a": person_crop(media / "basketball1.png", 0),
        "b": cv2.flip(person_crop(media / "basketball2.png", 0), 1),
        "c": person_crop(media / "basketball2.png", 0),
    }
    target_h = int(height * 0.9)
    for k, crop in crops.items():
        crops[k] = cv2.resize(crop, (int(crop.shape[1] * target_h / crop.shape[0]), target_h))
    background = np.full((height, width, 3), 96, np.uint8)
    writer = cv2.VideoWriter(str(out), cv2.VideoWriter_fourcc(*"MJPG"), fps, (width, height))
    if not writer.isOpened():
        raise RuntimeError(f"cannot write {out}")
    truth: list[dict[str, tuple[float, float] | None]] = []
    try:
        for i in range(frames):
            s = i / (frames - 1)
            a_w, b_w, c_w = (crops[k].shape[1] for k in "abc")
            positions = {
                "a": -a_w * 0.2 + s / 0.75 * (width + a_w * 0.2) if s < 0.75 else None,  # left edge of each crop
                "b": width - b_w * 0.8 - s * (width - b_w * 0.6),
                "c": width - (s - 0.8) / 0.2 * (c_w + width * 0.15) if s >= 0.8 else None,
            }
            frame = background.copy()
            seen: dict[str, tuple[float, float] | None] = {}
            for k in ("a", "c", "b"):  # b drawn last: in front
                x = positions[k]
                crop = crops[k]
                if x is None:
                    seen[k] = None
                    continue
                x0, x1 = int(round(x)), int(round(x)) + crop.shape[1]
                vx0, vx1 = max(x0, 0), min(x1, width)
                y0 = (height - crop.shape[0]) // 2
                if vx1 <= vx0:  # out of the picture
                    seen[k] = None
                    continue
                frame[y0 : y0 + crop.shape[0], vx0:vx1] = crop[:, vx0 - x0 : vx1 - x0]
                seen[k] = (x0 / width, x1 / width)  # the whole crop, also where it sticks out of the picture
            writer.write(frame)
            truth.append(seen)
    finally:
        writer.release()
    return out, truth


#: The size of :func:`make_vtest_walker`'s clip (width, height).
VTEST_WALKER_SIZE = (768, 952)


def make_vtest_walker(media: Path, out: Path, frames: int = 60) -> Path:
    """The first ``frames`` frames of vtest.avi (people walking, a high camera), its right half enlarged twice
    (where BlazePose finds a walker), as an MJPG ``.avi`` of :data:`VTEST_WALKER_SIZE`. Returns ``out``."""
    cap = cv2.VideoCapture(str(media / "vtest.avi"))
    fps = cap.get(cv2.CAP_PROP_FPS) or 10.0
    writer = cv2.VideoWriter(str(out), cv2.VideoWriter_fourcc(*"MJPG"), fps, VTEST_WALKER_SIZE)
    try:
        for _ in range(frames):
            ok, img = cap.read()
            if not ok:
                raise RuntimeError(f"vtest.avi has fewer than {frames} frames")
            writer.write(cv2.resize(img[100:576, 384:768], None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC))
    finally:
        cap.release()
        writer.release()
    return out
