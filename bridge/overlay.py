"""The 2D skeleton drawn over a video frame with OpenCV (``annotate``, ``serve --preview``).

What is drawn, from the frame's ``image`` block (normalised coordinates):

- bones, coloured by the person's side (:data:`SIDE_COLORS`, the same colours as
  the browser viewer): solid when both ends have ``visibility >= min_visibility``,
  a thin darker line otherwise;
- joints, filled circles coloured from red (visibility 0) through yellow to green
  (visibility 1); joints below ``min_visibility`` are drawn as rings;
- with several people (``--max-people``), every person's skeleton with its id above it;
- a caption: frame number, time, the people and their ids (several people), pose confidence
  (the mean visibility of the primary person's 33 landmarks) and the number of visible
  joints, or "no person detected".

Edge cases: the image is drawn on in place (pass a copy to keep the original);
non-finite coordinates are skipped; landmarks outside the image are clipped by
OpenCV; line widths and text scale follow the image size, so a 320×240 preview
and a 4K video look alike.
"""

from __future__ import annotations

import logging
import os
import re
import socket
import sys
from collections.abc import Mapping
from typing import Final

import cv2
import numpy as np
import numpy.typing as npt

from .frame import Block, Hand, PoseFrame
from .skeleton import BONES, HAND_BONES, bone_side
from .sources.base import DecodedImage, Source

log = logging.getLogger("bridge.overlay")

#: BGR colour of a bone by side (left = orange, right = blue, centre = light grey).
SIDE_COLORS: Final[dict[str, tuple[int, int, int]]] = {
    "left": (26, 140, 255),
    "right": (255, 163, 26),
    "center": (224, 224, 224),
}

#: Visibility below which a landmark is drawn as unreliable (MediaPipe's own drawing threshold).
DEFAULT_MIN_VISIBILITY: Final[float] = 0.5

Image = npt.NDArray[np.uint8]


def visibility_color(v: float) -> tuple[int, int, int]:
    """BGR colour for a visibility in [0, 1]: red at 0, yellow at 0.5, green at 1 (clamped; NaN is red)."""
    v = 0.0 if not np.isfinite(v) else min(max(float(v), 0.0), 1.0)
    if v < 0.5:
        return (0, int(round(510 * v)), 255)
    return (0, 255, int(round(255 - 510 * (v - 0.5))))


def pose_confidence(block: Block | None) -> float | None:
    """Mean visibility of the landmarks of a block, or ``None`` for no detection."""
    if block is None:
        return None
    vis = block[:, 3]
    vis = vis[np.isfinite(vis)]
    return float(vis.mean()) if vis.size else None


def draw_pose(image: Image, frame: PoseFrame, *, min_visibility: float = DEFAULT_MIN_VISIBILITY) -> Image:
    """Draw ``frame``'s skeleton and caption on the BGR ``image`` (in place); returns ``image``.

    Raises ``ValueError`` for an image that is not H×W×3 uint8.
    """
    if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
        raise ValueError(f"expected a BGR uint8 image of shape (H, W, 3), got {image.dtype} {image.shape}")
    h, w = image.shape[:2]
    scale = max(min(h, w) / 480.0, 0.5)
    thick = max(1, int(round(3 * scale)))
    radius = max(2, int(round(4 * scale)))
    if frame.people:  # several people: each skeleton, labelled with its id
        for person in frame.people:
            if person.image is not None:
                _draw_skeleton(image, person.image, thick, radius, min_visibility)
                _label(image, person.image, f"id {person.id}", scale)
            _draw_hands(image, person.left_hand, person.right_hand, thick, radius)
    else:
        if frame.image is not None:
            _draw_skeleton(image, frame.image, thick, radius, min_visibility)
        _draw_hands(image, frame.left_hand, frame.right_hand, thick, radius)
    _caption(image, frame, scale, min_visibility)
    return image


def _draw_skeleton(image: Image, block: Block, thick: int, radius: int, min_visibility: float) -> None:
    h, w = image.shape[:2]
    pts = block[:, :2] * np.array([w, h], dtype=np.float32)
    vis = block[:, 3]
    finite = np.all(np.isfinite(pts), axis=1).tolist()
    ipts = [(int(round(x)), int(round(y))) if ok else None for (x, y), ok in zip(pts, finite, strict=True)]
    for a, b in BONES:
        pa, pb = ipts[a], ipts[b]
        if pa is None or pb is None:
            continue
        color = SIDE_COLORS[bone_side((a, b))]
        if min(vis[a], vis[b]) >= min_visibility:
            cv2.line(image, pa, pb, color, thick, cv2.LINE_AA)
        else:
            dim = tuple(int(c * 0.5) for c in color)
            cv2.line(image, pa, pb, dim, 1, cv2.LINE_AA)
    for i, p in enumerate(ipts):
        if p is None:
            continue
        color = visibility_color(float(vis[i]))
        if vis[i] >= min_visibility:
            cv2.circle(image, p, radius, color, -1, cv2.LINE_AA)
            cv2.circle(image, p, radius, (0, 0, 0), 1, cv2.LINE_AA)
        else:
            cv2.circle(image, p, radius, color, 1, cv2.LINE_AA)


def _draw_hands(image: Image, left: Hand | None, right: Hand | None, thick: int, radius: int) -> None:
    """The 21 landmarks and bones of each hand found (``--hands``), in its side's colour; thinner than the body."""
    h, w = image.shape[:2]
    line, dot = max(1, thick // 2), max(1, radius // 2)
    for side, hand in (("left", left), ("right", right)):
        if hand is None or hand.image is None:
            continue
        pts = hand.image[:, :2] * np.array([w, h], dtype=np.float32)
        ok = np.all(np.isfinite(pts), axis=1).tolist()
        ipts = [(int(round(x)), int(round(y))) if good else None for (x, y), good in zip(pts, ok, strict=True)]
        color = SIDE_COLORS[side]
        for a, b in HAND_BONES:
            pa, pb = ipts[a], ipts[b]
            if pa is not None and pb is not None:
                cv2.line(image, pa, pb, color, line, cv2.LINE_AA)
        for p in ipts:
            if p is not None:
                cv2.circle(image, p, dot, (255, 255, 255), -1, cv2.LINE_AA)


def _label(image: Image, block: Block, text: str, scale: float) -> None:
    """``text`` just above the topmost landmark of ``block`` (skipped when none is finite)."""
    h, w = image.shape[:2]
    pts = block[:, :2] * np.array([w, h], dtype=np.float32)
    pts = pts[np.all(np.isfinite(pts), axis=1)]
    if not len(pts):
        return
    top = pts[np.argmin(pts[:, 1])]
    font, fs, tt = cv2.FONT_HERSHEY_SIMPLEX, 0.6 * scale, max(1, int(round(1.5 * scale)))
    (tw, th), _ = cv2.getTextSize(text, font, fs, tt)
    x = int(np.clip(top[0] - tw / 2, 0, max(w - tw, 0)))
    y = int(np.clip(top[1] - 8 * scale, th, h - 1))
    cv2.putText(image, text, (x, y), font, fs, (0, 0, 0), tt + 2, cv2.LINE_AA)
    cv2.putText(image, text, (x, y), font, fs, (255, 255, 255), tt, cv2.LINE_AA)


def caption_text(frame: PoseFrame, min_visibility: float = DEFAULT_MIN_VISIBILITY) -> str:
    """The caption line drawn by :func:`draw_pose`."""
    head = f"frame {frame.seq}  t={frame.t:.2f}s"
    block = frame.image if frame.image is not None else frame.world
    conf = pose_confidence(block)
    if block is None or conf is None:
        return head + "  no person detected"
    visible = int((block[:, 3] >= min_visibility).sum())
    people = f"  people {len(frame.people)} (ids {', '.join(str(p.id) for p in frame.people)})" if frame.people else ""
    return head + people + f"  confidence {conf:.2f}  visible {visible}/{block.shape[0]}"


def _caption(image: Image, frame: PoseFrame, scale: float, min_visibility: float) -> None:
    text = caption_text(frame, min_visibility)
    font, fs = cv2.FONT_HERSHEY_SIMPLEX, 0.55 * scale
    tt = max(1, int(round(scale)))
    (tw, th), base = cv2.getTextSize(text, font, fs, tt)
    pad = int(6 * scale)
    x0, y0 = pad, pad
    # darken a box behind the text so it reads on any background
    y1, x1 = min(y0 + th + base + 2 * pad, image.shape[0]), min(x0 + tw + 2 * pad, image.shape[1])
    roi = image[y0:y1, x0:x1]
    roi[:] = (roi.astype(np.uint16) * 2 // 5).astype(np.uint8)
    cv2.putText(image, text, (x0 + pad, y0 + pad + th), font, fs, (255, 255, 255), tt, cv2.LINE_AA)
    if frame.angles:
        y = y1 + pad
        for label in angle_lines(frame.angles):
            (lw, lh), lb = cv2.getTextSize(label, font, fs * 0.85, tt)
            if y + lh + lb > image.shape[0]:
                break
            roi = image[y : y + lh + lb + 4, x0 : x0 + lw + 2 * pad]
            roi[:] = (roi.astype(np.uint16) * 2 // 5).astype(np.uint8)
            cv2.putText(image, label, (x0 + pad, y + lh + 2), font, fs * 0.85, (255, 255, 255), tt, cv2.LINE_AA)
            y += lh + lb + 6


def angle_lines(angles: Mapping[str, float | None]) -> list[str]:
    """Angles as compact text lines: ``left_x``/``right_x`` pairs share a line (``elbow  L 102  R 98``);
    unmeasurable angles show as ``-``."""

    def fmt(v: float | None) -> str:
        return "-" if v is None else f"{v:.0f}"

    lines: list[str] = []
    done: set[str] = set()
    for name, value in angles.items():
        if name in done:
            continue
        for side, other in (("left_", "right_"), ("right_", "left_")):
            if name.startswith(side) and other + name[len(side) :] in angles:
                joint = name[len(side) :]
                left, right = angles.get("left_" + joint), angles.get("right_" + joint)
                lines.append(f"{joint.replace('_', ' ')}  L {fmt(left)}  R {fmt(right)}")
                done.update(("left_" + joint, "right_" + joint))
                break
        else:
            lines.append(f"{name.replace('_', ' ')} {fmt(value)}")
            done.add(name)
    return lines


# --------------------------------------------------------------------------- live preview window


def display_available() -> bool:
    """Whether an OpenCV window can plausibly be opened.

    On Linux/BSD an X11 display must be set *and reachable*: the Qt backend of
    the OpenCV wheels aborts the whole process when it cannot connect, so a
    stale ``DISPLAY`` (an SSH session without forwarding, a container) must be
    caught before ``imshow``. Local displays (``:N``) are checked for their
    socket in ``/tmp/.X11-unix``, remote ones (``host:N``) with a short TCP
    connect to port 6000+N. Wayland sessions provide ``DISPLAY`` through
    XWayland. Elsewhere (Windows, macOS) the answer is yes and a failing
    ``imshow`` is caught instead.
    """
    if not sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return True
    display = os.environ.get("DISPLAY", "")
    m = re.fullmatch(r"(?P<host>[^:]*):(?P<num>\d+)(?:\.\d+)?", display)
    if not m:
        return False
    host, num = m.group("host"), int(m.group("num"))
    if host in ("", "unix"):
        return os.path.exists(f"/tmp/.X11-unix/X{num}")
    try:
        with socket.create_connection((host, 6000 + num), timeout=0.5):
            return True
    except OSError:
        return False


class PreviewWindow:
    """An image sink (``serve --preview``, :class:`~bridge.player.ImageSink`): shows each published frame
    with the overlay in an OpenCV window.

    Each frame comes with the decoded image it was estimated from, or ``None``
    (sources without images, such as the demo or a recording): the skeleton is
    then drawn on a dark background of ``size`` (width, height).

    Never stops the stream: with no display (see :func:`display_available`), or
    when ``cv2.imshow`` fails, it logs once and turns itself off. Closing the
    window, or pressing ``q``/Esc in it, closes only the preview. Runs on the
    caller's thread (the event loop), because some GUI toolkits (macOS) must be
    driven from the main thread; a frame costs a few milliseconds.
    """

    def __init__(self, size: tuple[int, int] = (640, 480), title: str = "pose-bridge preview") -> None:
        self.size = size
        self.title = title
        self.enabled = display_available()
        self.shown = 0
        self._opened = False
        if not self.enabled:
            log.warning(
                "--preview: no display (DISPLAY %r is not set or not reachable); streaming without a preview window",
                os.environ.get("DISPLAY", ""),
            )

    def canvas(self, frame: PoseFrame, image: DecodedImage | None) -> Image:
        """What the window shows for ``frame``: a copy of ``image`` (or a dark background) with the overlay."""
        if image is None:
            w, h = self.size
            canvas = np.full((h, w, 3), 32, dtype=np.uint8)
        else:
            canvas = np.array(image.bgr, dtype=np.uint8, copy=True)
        return draw_pose(canvas, frame)

    def write(self, frame: PoseFrame, image: DecodedImage | None) -> None:
        if not self.enabled:
            return
        canvas = self.canvas(frame, image)
        try:
            if self._opened and cv2.getWindowProperty(self.title, cv2.WND_PROP_VISIBLE) < 1:
                log.info("preview window closed; streaming continues")
                self.close()
                return
            cv2.imshow(self.title, canvas)
            self._opened = True
            key = cv2.waitKey(1) & 0xFF
        except cv2.error as exc:
            log.warning("--preview: cannot show a window (%s); streaming without a preview", str(exc).strip())
            self.enabled = False
            return
        self.shown += 1
        if key in (ord("q"), 27):
            log.info("preview closed (key); streaming continues")
            self.close()

    def close(self) -> None:
        """Close the window (idempotent); the sink then ignores further frames."""
        self.enabled = False
        if self._opened:
            self._opened = False
            try:
                cv2.destroyWindow(self.title)
                cv2.waitKey(1)
            except cv2.error:
                pass


def preview_for_source(source: Source) -> PreviewWindow:
    """A :class:`PreviewWindow` titled after ``source``, whose blank background (frames without an image)
    has the source's size (640×480 when it has none)."""
    info = source.info
    return PreviewWindow((info.width or 640, info.height or 480), f"pose-bridge preview: {info.name}")
