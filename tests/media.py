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


def test_timeout(seconds: float) -> float:
    """A timeout scaled by ``POSE_BRIDGE_TEST_TIMEOUT_SCALE`` (slow CI machines)."""
    return seconds * float(os.environ.get("POSE_BRIDGE_TEST_TIMEOUT_SCALE", "1"))


test_timeout.__test__ = False  # type: ignore[attr-defined]  # not a test for pytest
