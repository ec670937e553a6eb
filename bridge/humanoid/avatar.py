"""The avatar settings a command asks for, and the solver they make for one source.

``serve --avatar``, ``extract --format bvh`` (in one process or on a Dask worker) and a JSONL recording's
header all describe the solver with one :class:`AvatarSettings` value: the root mode, rotation smoothing,
the camera's horizontal field of view and the fingers. :meth:`AvatarSettings.solver` builds the solver
once the source's image size is known (root motion needs its aspect ratio). A frozen, picklable value:
batch settings carry it to the workers, which open the video before they build the solver.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from ..camera import DEFAULT_FOV
from .filters import RotationSmoothing
from .grounding import GroundingOptions
from .solver import HumanoidSolver, SolverOptions

log = logging.getLogger("bridge.avatar")

#: Root modes (``hello.root_motion``): hips kept at the origin, the raw camera-space estimate (``--root-motion``),
#: or grounded (``--grounded``, protocol/SPEC.md §4d).
ROOT_MODES: Final = ("in-place", "raw", "grounded")


@dataclass(frozen=True, slots=True)
class AvatarSettings:
    """What the humanoid solver of a stream is asked to do.

    ``root_motion``: one of :data:`ROOT_MODES`. ``smooth``: One Euro smoothing of the rotations
    (``--avatar-smooth``). ``camera_fov``: the camera's horizontal field of view in degrees (``--camera-fov``),
    used by root motion only. ``fingers``: solve the 30 finger bones (the frames carry hands).
    Raises ``ValueError`` for an unknown root mode or a field of view outside (0, 180).
    """

    root_motion: str = "in-place"
    smooth: bool = False
    camera_fov: float = DEFAULT_FOV
    fingers: bool = False

    def __post_init__(self) -> None:
        if self.root_motion not in ROOT_MODES:
            raise ValueError(f"root_motion must be one of {', '.join(ROOT_MODES)}, got {self.root_motion!r}")
        if not (isinstance(self.camera_fov, (int, float)) and 0 < self.camera_fov < 180):
            raise ValueError(f"camera_fov must be in (0, 180) degrees, got {self.camera_fov!r}")

    def options(self, aspect: float | None) -> SolverOptions:
        """The solver's options for an image of ``aspect`` = width / height (``None``: unknown, square).

        Raises ``ValueError`` when the field of view gives a vertical angle the solver refuses.
        """
        # camera_fov is horizontal; the solver's root motion wants the vertical angle of the same camera
        fov_x = math.radians(self.camera_fov)
        fov_y = math.degrees(2 * math.atan(math.tan(fov_x / 2) / (aspect or 1.0)))
        return SolverOptions(
            smoothing=RotationSmoothing() if self.smooth else None,
            root_motion=self.root_motion == "raw",
            fov_y_deg=fov_y,
            grounding=GroundingOptions() if self.root_motion == "grounded" else None,
            fingers=self.fingers,
        )

    def solver(self, width: int | None, height: int | None) -> HumanoidSolver:
        """A fresh solver (it keeps state: one per stream) for a source of ``width`` × ``height`` pixels.

        An unknown size (``None`` or 0) is taken as a square image, with a warning when the root moves.
        Raises ``ValueError`` like :meth:`options`.
        """
        aspect = width / height if width and height else None
        options = self.options(aspect)
        if self.root_motion != "in-place" and aspect is None:
            log.warning("root motion: the source has no image size; assuming a square image")
        log.info("avatar: solving humanoid rotations (%s)", options)
        return HumanoidSolver(options, aspect=aspect)

    def to_json(self) -> dict[str, Any]:
        """The settings as a JSON object (a JSONL recording's header ``avatar``)."""
        return {
            "root_motion": self.root_motion,
            "smooth": self.smooth,
            "camera_fov": float(self.camera_fov),
            "fingers": self.fingers,
        }

    @classmethod
    def from_json(cls, value: Mapping[str, Any]) -> AvatarSettings:
        """The reverse of :meth:`to_json`; missing keys take their defaults, unknown keys are ignored.

        Raises ``ValueError`` for a value of the wrong type or out of range.
        """
        smooth, fingers, fov = value.get("smooth", False), value.get("fingers", False), value.get("camera_fov")
        if not isinstance(smooth, bool) or not isinstance(fingers, bool):
            raise ValueError("'smooth' and 'fingers' must be true or false")
        if fov is None:
            fov = DEFAULT_FOV
        if isinstance(fov, bool) or not isinstance(fov, (int, float)):
            raise ValueError(f"camera_fov must be a number, got {fov!r}")
        return cls(str(value.get("root_motion", "in-place")), smooth, float(fov), fingers)
