"""Outputs beside the WebSocket clients: frame sinks that carry the solved pose to other ecosystems.

- :mod:`.vmc` — the VMC protocol (OSC over UDP) for VSeeFace, Warudo, VNyan, EVMC4U and VMC4B
  (``serve --vmc HOST:PORT``); :class:`VmcSender` is a frame sink that never blocks the event loop.

BVH files (``extract --format bvh``, ``serve --record out.bvh``) are a recording format:
:mod:`bridge.formats.bvh`. What goes where: ``docs/outputs.md``.
"""

from __future__ import annotations

from .vmc import DEFAULT_PORT, DEFAULT_RATE, PRESETS, VmcOptions, VmcSender, VmcTarget, parse_target, vmc_pose

__all__ = [
    "DEFAULT_PORT",
    "DEFAULT_RATE",
    "PRESETS",
    "VmcOptions",
    "VmcSender",
    "VmcTarget",
    "parse_target",
    "vmc_pose",
]
