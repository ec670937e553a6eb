"""Person ids across frames: MediaPipe finds poses, this decides who is who.

MediaPipe's ``PoseLandmarker`` returns up to ``num_poses`` poses per frame in no stable
order and with no identity. :class:`PersonTracker` gives each person an ``id`` that

- stays the same while the person stays in view (frame-to-frame assignment on image-space
  position and size, with a constant-velocity prediction, so people passing each other
  keep their ids when they move steadily);
- survives a short loss: a person missing for up to ``max_missed`` seconds and found
  again near where they were predicted to be keeps the id;
- is never reused within a stream: a person who left and someone new who entered get
  different ids (ids count up from 1).

The assignment is SciPy's ``linear_sum_assignment`` (the Hungarian method, optimal over
all pairs) rather than a hand-written greedy match: with people close together a greedy
match swaps ids where the optimal one does not, and SciPy is a well-kept dependency.

Geometry is in *pixels-like* units: x is scaled by the image aspect ratio (width /
height) so distances are isotropic; a person's size is the length of their torso
(shoulder midpoint to hip midpoint) or, when that is not visible, the extent of their
visible landmarks. A detection matches a track only when the distance between them is
below ``gate`` times the person's size.

Edge cases: landmarks with NaN coordinates are ignored; a pose with no usable landmark
is dropped (never given an id); no detections leave the ids as they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

from ..camera import root_position
from ..frame import Block, Hand, Person
from ..skeleton import INDEX

_SHOULDERS = (INDEX["left_shoulder"], INDEX["right_shoulder"])
_HIPS = (INDEX["left_hip"], INDEX["right_hip"])
_NO_MATCH = 1e6


@dataclass(frozen=True, slots=True)
class Footprint:
    """Where a pose is in the image: centre (x scaled by the aspect ratio, y) and size (same units)."""

    x: float
    y: float
    size: float


def footprint(image: Block, aspect: float = 1.0) -> Footprint | None:
    """The centre (hip midpoint, else mean of the visible landmarks) and size of a pose in image coordinates.

    ``aspect`` is width / height of the image. ``None`` when no landmark has finite coordinates.
    """
    xy = np.asarray(image[:, :2], dtype=np.float64) * (aspect, 1.0)
    finite: np.ndarray = np.all(np.isfinite(xy), axis=1)
    if not finite.any():
        return None
    hips = [i for i in _HIPS if finite[i]]
    shoulders = [i for i in _SHOULDERS if finite[i]]
    centre = xy[hips].mean(axis=0) if hips else xy[finite].mean(axis=0)
    size = 0.0
    if hips and shoulders:
        size = float(np.linalg.norm(xy[shoulders].mean(axis=0) - xy[hips].mean(axis=0)))
    if size <= 1e-6:  # no torso: the extent of what is visible, halved (a torso is about half a body)
        size = float(np.ptp(xy[finite], axis=0).max()) / 2
    return Footprint(float(centre[0]), float(centre[1]), max(size, 1e-3))


@dataclass(slots=True)
class _Track:
    id: int
    x: float
    y: float
    size: float
    vx: float = 0.0  # per second
    vy: float = 0.0
    t: float = 0.0  # when last seen

    def predicted(self, t: float) -> tuple[float, float]:
        dt = max(t - self.t, 0.0)
        return self.x + self.vx * dt, self.y + self.vy * dt


class PersonTracker:
    """Stable ids for the poses of successive frames (see the module docstring). Not thread-safe.

    ``gate``: how far (in person sizes) a person may be from where they were predicted and
    still be the same person. ``max_missed``: seconds a lost person's id is kept for them.
    ``aspect``: width / height of the images (x is scaled by it).
    """

    def __init__(self, *, aspect: float = 1.0, gate: float = 1.5, max_missed: float = 1.0) -> None:
        if not aspect > 0 or not gate > 0 or not max_missed >= 0:
            raise ValueError("aspect and gate must be > 0, max_missed >= 0")
        self.aspect = aspect
        self.gate = gate
        self.max_missed = max_missed
        self._tracks: list[_Track] = []
        self._next_id = 1

    def reset(self) -> None:
        """Forget everyone (ids still never repeat)."""
        self._tracks.clear()

    def update(self, t: float, images: Sequence[Block]) -> list[int | None]:
        """Assign ids to this frame's poses (given by their image landmarks); returns one id per pose.

        ``t``: the frame's time in seconds (increasing). A pose that cannot be placed (no
        finite landmark) gets ``None``.
        """
        feet = [footprint(img, self.aspect) for img in images]
        self._tracks = [tr for tr in self._tracks if t - tr.t <= self.max_missed]
        ids: list[int | None] = [None] * len(images)
        usable = [i for i, f in enumerate(feet) if f is not None]
        matched: set[int] = set()
        if self._tracks and usable:
            cost = np.full((len(self._tracks), len(usable)), _NO_MATCH)
            for r, tr in enumerate(self._tracks):
                px, py = tr.predicted(t)
                for c, i in enumerate(usable):
                    f = feet[i]
                    assert f is not None
                    scale = max(tr.size, f.size)
                    distance = float(np.hypot(f.x - px, f.y - py)) / scale
                    size_change = abs(float(np.log(f.size / tr.size)))
                    if distance <= self.gate and size_change <= np.log(2.0):
                        cost[r, c] = distance + size_change
            rows, cols = linear_sum_assignment(cost)
            for r, c in zip(rows, cols, strict=True):
                if cost[r, c] >= _NO_MATCH:
                    continue
                tr, i = self._tracks[r], usable[c]
                f = feet[i]
                assert f is not None
                dt = t - tr.t
                if dt > 0:
                    # velocity smoothed over frames: one noisy frame does not throw the prediction off
                    tr.vx = 0.5 * tr.vx + 0.5 * (f.x - tr.x) / dt
                    tr.vy = 0.5 * tr.vy + 0.5 * (f.y - tr.y) / dt
                tr.x, tr.y, tr.size, tr.t = f.x, f.y, f.size, t
                ids[i] = tr.id
                matched.add(i)
        for i in usable:
            if i in matched:
                continue
            f = feet[i]
            assert f is not None
            track = _Track(self._next_id, f.x, f.y, f.size, t=t)
            self._next_id += 1
            self._tracks.append(track)
            ids[i] = track.id
        return ids


class PeopleTracker:
    """From one frame's poses to ``(primary image, primary world, people)``: ids, order, root positions.

    ``width``/``height``: the image size in pixels; ``fov``: the camera's horizontal field of
    view (degrees) for :func:`~bridge.camera.root_position`. The primary person is the
    one with the lowest id in the frame (the one tracked longest), so a client reading only the
    top-level landmarks follows one person instead of jumping between people.
    """

    def __init__(self, width: int, height: int, fov: float = 60.0, **tracker_options: float) -> None:
        self.width, self.height, self.fov = width, height, fov
        self.tracker = PersonTracker(aspect=width / height if height else 1.0, **tracker_options)

    def reset(self) -> None:
        self.tracker.reset()

    def update(
        self,
        t: float,
        poses: Sequence[tuple[Block, Block | None]],
        hands: Sequence[tuple[Hand | None, Hand | None]] | None = None,
    ) -> tuple[Block | None, Block | None, tuple[Person, ...]]:
        """``hands``: each pose's ``(left, right)`` hands, in the order of ``poses`` (``None``: no hands)."""
        ids = self.tracker.update(t, [image for image, _ in poses])
        people = []
        for k, (pid, (image, world)) in enumerate(zip(ids, poses, strict=True)):
            if pid is None:
                continue
            root = root_position(image, world, self.width, self.height, self.fov) if world is not None else None
            left, right = hands[k] if hands is not None else (None, None)
            people.append(Person(pid, image, world, root, left_hand=left, right_hand=right))
        people.sort(key=lambda p: p.id)
        if not people:
            return None, None, ()
        return people[0].image, people[0].world, tuple(people)
