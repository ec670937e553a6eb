"""VMC protocol output: the solved humanoid pose as OSC over UDP, for VSeeFace, Warudo, VNyan, EVMC4U, VMC4B.

The VMC protocol (protocol.vmc.info) is OSC over UDP. A *Performer* (this sender) sends a *Marionette*
(the receiver, default port 39539), per frame:

- ``/VMC/Ext/Root/Pos`` ``"root"`` p.x p.y p.z q.x q.y q.z q.w — the avatar's root transform;
- one ``/VMC/Ext/Bone/Pos`` *name* p.x p.y p.z q.x q.y q.z q.w per bone — the bone's **local** position
  and rotation relative to its parent, *name* a Unity ``HumanBodyBones`` name;
- ``/VMC/Ext/OK`` 1 — a model is loaded (0 before the first pose);
- ``/VMC/Ext/T`` *seconds* — the sender's time, which receivers show to tell that data flows.

All numbers are OSC float32 and ints int32 (receivers such as EVMC4U check the types), in Unity's axes
(left-handed, x right, y up, z forward, meters). Messages are encoded by python-osc.

**Mapping** from the stream's ``humanoid`` (protocol/SPEC.md §4a) — see :func:`vmc_pose`:

- Bone rotations are the solver's rotations, unchanged: the normalized convention (T-pose = identity,
  parent-relative) is what a VRM 0.x model's own bones use, since VRM 0.x models are normalized on export.
- Bone positions are the rest-pose offsets of the standard skeleton (:data:`bridge.humanoid.model.REST_JOINTS`,
  an adult of about 1.75 m): receivers that copy positions ("bone position synchronization") need real
  offsets — zeros collapse the model. The Hips position is its height above the root, (0, 0.89, 0).
- The facing turn of the preset goes into the Hips rotation, so receivers that ignore the root still turn
  the avatar: ``+z`` presets turn the pose half round about y, so a person facing the camera makes the
  avatar face +z, towards the receiver's camera (VRM models face +z in Unity). ``stream`` keeps the
  stream's camera space (the person facing the camera faces −z), exactly as the WebSocket ``humanoid``.
- Root motion (``serve --root-motion``) goes into the Root position (turned like the Hips); the Root
  rotation is the identity. Without root motion the root stays at the origin. A grounded pose
  (``serve --grounded``, protocol/SPEC.md §4d: the hips in floor space, their height above the floor)
  puts the root on the floor below the rest-pose hips: Root = hips − (0, 0.89, 0), so the standard
  skeleton's feet stand on the receiver's y = 0 while a foot is down, and the root rises in a jump.
- ``mirror`` swaps left and right (a mirror image): bone names Left↔Right, rotations (x, −y, −z, w),
  root x negated.

**Timing**: :class:`VmcSender` sends the newest pose at a steady ``rate`` (default 60 Hz, the rate of
the reference Performer, Virtual Motion Capture) from its own task; a slower source (a 30 fps video)
has each pose sent twice, a faster one has poses skipped (newest wins). Poses are not interpolated
(that would add a source frame of delay). ``rate=0`` sends once per published frame instead.

**Never blocking**: a non-blocking UDP socket; ``sendto`` to a receiver that is not running costs one
system call and nothing else (UDP has no connection). Send errors (a full socket buffer, a network that
is down) are counted and logged once per target, never raised into the stream.
"""

from __future__ import annotations

import asyncio
import logging
import math
import socket
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
from pythonosc.osc_bundle_builder import IMMEDIATELY, OscBundleBuilder
from pythonosc.osc_message import OscMessage
from pythonosc.osc_message_builder import OscMessageBuilder

from ..frame import PoseFrame
from ..humanoid import BONES, PARENT, HumanoidPose, quat
from ..humanoid import fingers as _fingers
from ..humanoid.model import HIPS_HEIGHT, REST_JOINTS
from ..skeleton import FINGER_BONES

__all__ = [
    "DEFAULT_PORT",
    "DEFAULT_RATE",
    "PRESETS",
    "VmcBone",
    "VmcOptions",
    "VmcPreset",
    "VmcSender",
    "VmcTarget",
    "encode_pose",
    "packets",
    "parse_target",
    "pose_for",
    "vmc_pose",
]

log = logging.getLogger("bridge.vmc")

#: The port VMC receivers (Marionettes) listen on by default.
DEFAULT_PORT: Final[int] = 39539
#: Bundles per second of :class:`VmcSender` by default (the reference Performer's rate).
DEFAULT_RATE: Final[float] = 60.0

ROOT_POS: Final[str] = "/VMC/Ext/Root/Pos"
BONE_POS: Final[str] = "/VMC/Ext/Bone/Pos"
OK: Final[str] = "/VMC/Ext/OK"
TIME: Final[str] = "/VMC/Ext/T"

_HALF_TURN_Y: Final = np.array([0.0, 1.0, 0.0, 0.0])  # 180° about y, (x, y, z, w)
_MIRROR_NAME: Final[dict[str, str]] = {
    b: b.replace("Left", "\0").replace("Right", "Left").replace("\0", "Right") for b in (*BONES, *FINGER_BONES)
}


def _rest_local(name: str, parent: int) -> tuple[float, float, float]:
    if parent < 0:
        return (0.0, HIPS_HEIGHT, 0.0)
    x, y, z = (float(a - b) for a, b in zip(REST_JOINTS[name], REST_JOINTS[BONES[parent]], strict=True))
    return (x, y, z)


#: Local rest position of every bone (relative to its parent joint; Hips: above the root), meters, Unity axes;
#: the finger bones' from :mod:`bridge.humanoid.fingers`.
REST_LOCAL: Final[dict[str, tuple[float, float, float]]] = {
    **{name: _rest_local(name, p) for name, p in zip(BONES, PARENT, strict=True)},
    **_fingers.REST_LOCAL,
}


@dataclass(frozen=True, slots=True)
class VmcPreset:
    """A receiver's conventions: ``facing`` ``"+z"`` (turn the person to face +z) or ``"stream"`` (as streamed)."""

    name: str
    facing: str
    summary: str


#: Named presets (``--vmc-preset``). VSeeFace, Warudo and VNyan share their settings today (VRM avatars
#: facing +z, rotations applied as sent); they keep separate names so a difference found later changes one
#: preset, not users' command lines.
PRESETS: Final[dict[str, VmcPreset]] = {
    p.name: p
    for p in (
        VmcPreset("vseeface", "+z", "VSeeFace (General settings: OSC/VMC receiver): the avatar faces +z, the viewer"),
        VmcPreset("warudo", "+z", "Warudo (VMC motion capture): the avatar faces +z"),
        VmcPreset("vnyan", "+z", "VNyan (VMC receiver): the avatar faces +z"),
        VmcPreset("evmc4u", "+z", "EVMC4U in Unity: the avatar faces +z (turn its root to turn it)"),
        VmcPreset("stream", "stream", "the stream's own camera space, equal to the WebSocket humanoid"),
    )
}


@dataclass(frozen=True, slots=True)
class VmcTarget:
    """Where to send: ``host`` and ``port`` as given, ``address`` resolved (IPv4 or IPv6 socket address)."""

    host: str
    port: int
    family: int
    address: tuple[object, ...]

    def __str__(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"


def parse_target(text: str) -> VmcTarget:
    """``HOST:PORT`` (``[V6ADDR]:PORT`` for IPv6; ``HOST`` alone means port 39539) → a resolved target.

    The host name is resolved once, here (at startup, not per frame). Raises ``ValueError`` with a
    one-line reason for an empty host, a port outside 1-65535 or a name that does not resolve.
    """
    text = text.strip()
    host, port_text = text, ""
    if text.startswith("["):
        end = text.find("]")
        if end < 0:
            raise ValueError(f"expected HOST:PORT, got {text!r} (no closing ']')")
        host, rest = text[1:end], text[end + 1 :]
        if rest and not rest.startswith(":"):
            raise ValueError(f"expected [V6ADDR]:PORT, got {text!r}")
        port_text = rest[1:]
    elif text.count(":") == 1:
        host, port_text = text.split(":")
    elif text.count(":") > 1:
        raise ValueError(f"write an IPv6 address in brackets, [ADDR]:PORT, got {text!r}")
    if not host:
        raise ValueError(f"expected HOST:PORT, got {text!r} (no host)")
    if port_text == "":
        port = DEFAULT_PORT
    else:
        try:
            port = int(port_text)
        except ValueError:
            port = -1
        if not 1 <= port <= 65535:
            raise ValueError(f"port must be a number 1-65535, got {port_text!r} in {text!r}")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_DGRAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise ValueError(f"cannot resolve host {host!r} in {text!r}: {getattr(exc, 'strerror', None) or exc}") from None
    family, _, _, _, address = infos[0]
    return VmcTarget(host, port, int(family), tuple(address))


@dataclass(frozen=True, slots=True)
class VmcOptions:
    """Settings of :class:`VmcSender`.

    - ``preset``: a :data:`PRESETS` name (default ``vseeface``).
    - ``bundle``: one OSC bundle per frame (default); ``False`` sends every message as its own datagram,
      for receivers that cannot read bundles.
    - ``rate``: bundles per second (default 60); ``0`` sends once per published frame.
    - ``person``: the person id to send with several people (``--max-people``); 0 = the primary person.
    - ``mirror``: swap left and right.

    Raises ``ValueError`` for an unknown preset, a negative or non-finite rate, or a negative person id.
    """

    preset: str = "vseeface"
    bundle: bool = True
    rate: float = DEFAULT_RATE
    person: int = 0
    mirror: bool = False

    def __post_init__(self) -> None:
        if self.preset not in PRESETS:
            raise ValueError(f"unknown VMC preset {self.preset!r} (choose from {', '.join(PRESETS)})")
        if not (math.isfinite(self.rate) and 0 <= self.rate <= 1000):
            raise ValueError(f"rate must be 0 (per frame) or up to 1000 Hz, got {self.rate}")
        if self.person < 0:
            raise ValueError(f"person id must be >= 0, got {self.person}")


@dataclass(frozen=True, slots=True)
class VmcBone:
    """One ``/VMC/Ext/Bone/Pos`` (or Root, name ``"root"``): local position (3,) and rotation (x, y, z, w)."""

    name: str
    position: tuple[float, float, float]
    rotation: tuple[float, float, float, float]


def _floats(v: npt.ArrayLike) -> tuple[float, ...]:
    return tuple(float(x) for x in np.asarray(v, dtype=np.float64).reshape(-1))


def vmc_pose(pose: HumanoidPose, preset: str = "vseeface", *, mirror: bool = False) -> list[VmcBone]:
    """The root and every bone of ``pose`` as VMC sends them (see the module docstring for the mapping).

    Returns ``root`` first, then the bones in :data:`bridge.humanoid.BONES` order, then the finger bones
    when the pose has them (``--hands``; :data:`~bridge.skeleton.FINGER_BONES` order), named after the
    mirror when ``mirror``. Pure: no I/O. Raises ``KeyError`` for an unknown preset.
    """
    facing = PRESETS[preset].facing
    rot = pose.rotations.astype(np.float64)
    root = pose.hips.astype(np.float64)
    if pose.contacts is not None:  # grounded: the hips' height above the floor; the Hips bone adds 0.89 itself
        root = root - np.array([0.0, HIPS_HEIGHT, 0.0])
    names = [*BONES, *FINGER_BONES][: len(rot)]
    if mirror:
        rot = rot * np.array([1.0, -1.0, -1.0, 1.0])
        root = root * np.array([-1.0, 1.0, 1.0])
        names = [_MIRROR_NAME[b] for b in names]
    hips = rot[0]
    if facing == "+z":
        hips = quat.mul(_HALF_TURN_Y, hips)
        root = root * np.array([-1.0, 1.0, -1.0])  # the half turn about y
    out = [VmcBone("root", _floats(root), (0.0, 0.0, 0.0, 1.0))]  # type: ignore[arg-type]
    for i, name in enumerate(names):
        q = hips if i == 0 else rot[i]
        out.append(VmcBone(name, REST_LOCAL[name], _floats(q)))  # type: ignore[arg-type]
    return out


def _message(address: str, *args: object) -> OscMessage:
    builder = OscMessageBuilder(address)
    for a in args:
        if isinstance(a, str):
            builder.add_arg(a, OscMessageBuilder.ARG_TYPE_STRING)
        elif isinstance(a, int):
            builder.add_arg(a, OscMessageBuilder.ARG_TYPE_INT)
        else:
            builder.add_arg(float(a), OscMessageBuilder.ARG_TYPE_FLOAT)  # type: ignore[arg-type]
    return builder.build()


def encode_pose(bones: Sequence[VmcBone]) -> list[OscMessage]:
    """The Root/Pos and Bone/Pos messages of a pose from :func:`vmc_pose` (``root`` first), float32 arguments."""
    out = []
    for b in bones:
        out.append(_message(ROOT_POS if b.name == "root" else BONE_POS, b.name, *b.position, *b.rotation))
    return out


def packets(pose: Sequence[OscMessage], t: float, *, bundle: bool = True) -> list[bytes]:
    """The datagrams of one frame: the pose messages, then ``/VMC/Ext/OK`` and ``/VMC/Ext/T``.

    ``pose`` empty (nobody seen yet) sends ``OK 0`` and the time only. ``bundle``: one OSC bundle
    (time tag "immediately"); otherwise one datagram per message.
    """
    messages = [*pose, _message(OK, 1 if pose else 0), _message(TIME, float(t))]
    if not bundle:
        return [m.dgram for m in messages]
    builder = OscBundleBuilder(IMMEDIATELY)
    for m in messages:
        builder.add_content(m)
    return [builder.build().dgram]


def pose_for(frame: PoseFrame, person: int = 0) -> HumanoidPose | None:
    """The humanoid of ``person`` in ``frame`` (0: the primary person, the frame's own), or ``None`` when absent."""
    if person == 0:
        return frame.humanoid
    for p in frame.people:
        if p.id == person:
            return p.humanoid
    return None


class VmcSender:
    """A frame sink that sends the chosen person's humanoid pose to one or more VMC receivers.

    Create it while an event loop runs (``serve`` does); the steady-rate task starts with the first
    frame. :meth:`write` only stores the newest pose (and, with ``rate=0``, sends it); frames without
    the chosen person keep the last pose (a receiver holds it anyway). Before the first pose the
    receivers get ``OK 0`` and the time, so they can show that data flows. :meth:`close` stops sending
    and closes the socket(s); idempotent. Counts: :attr:`poses` (frames with a pose), :attr:`sent`
    (datagrams handed to the OS per target), :attr:`errors` (failed sends per target).
    """

    def __init__(self, targets: Sequence[VmcTarget], options: VmcOptions | None = None) -> None:
        if not targets:
            raise ValueError("a VMC sender needs at least one target")
        self.targets = list(targets)
        self.options = options or VmcOptions()
        self._sockets: dict[int, socket.socket] = {}
        for target in self.targets:
            if target.family not in self._sockets:
                sock = socket.socket(target.family, socket.SOCK_DGRAM)
                sock.setblocking(False)
                self._sockets[target.family] = sock
        self._messages: list[OscMessage] = []
        self._start = time.monotonic()
        self._task: asyncio.Task[None] | None = None
        self._closed = False
        self.poses = 0
        self.sent = [0] * len(self.targets)
        self.errors = [0] * len(self.targets)
        o = self.options
        rate = f"{o.rate:g} Hz" if o.rate else "once per frame"
        for target in self.targets:
            log.info(
                "vmc: sending to %s (preset %s, %s, %s%s%s)",
                target,
                o.preset,
                "bundles" if o.bundle else "one datagram per message",
                rate,
                f", person {o.person}" if o.person else "",
                ", mirrored" if o.mirror else "",
            )

    # ------------------------------------------------------------------ FrameSink

    def write(self, frame: PoseFrame) -> None:
        """Take the chosen person's pose from ``frame`` (newest wins); never blocks."""
        if self._closed:
            return
        pose = pose_for(frame, self.options.person)
        if pose is not None:
            self._messages = encode_pose(vmc_pose(pose, self.options.preset, mirror=self.options.mirror))
            self.poses += 1
        if self.options.rate == 0:
            self.send_now()
        elif self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="pose-bridge-vmc")

    def close(self) -> None:
        """Stop the steady-rate task, log what was sent, close the sockets. Idempotent."""
        if self._closed:
            return
        self._closed = True
        if self._task is not None:
            self._task.cancel()
        for i, target in enumerate(self.targets):
            sent, errors = self.sent[i], self.errors[i]
            log.info("vmc: %s: %d datagrams sent (%d poses), %d send errors", target, sent, self.poses, errors)
        for sock in self._sockets.values():
            sock.close()

    # ------------------------------------------------------------------ sending

    def send_now(self) -> None:
        """Send the current pose (or ``OK 0`` before the first) to every target, at once."""
        datagrams = packets(self._messages, time.monotonic() - self._start, bundle=self.options.bundle)
        for i, target in enumerate(self.targets):
            sock = self._sockets[target.family]
            for d in datagrams:
                try:
                    sock.sendto(d, target.address)
                except OSError as exc:  # BlockingIOError (buffer full), unreachable network...: never raised
                    self.errors[i] += 1
                    if self.errors[i] == 1:
                        log.warning("vmc: sending to %s failed: %s (counted from now on, not logged)", target, exc)
                else:
                    self.sent[i] += 1

    async def _run(self) -> None:
        """Send at :attr:`VmcOptions.rate` on a fixed timeline (re-based when more than a period late)."""
        period = 1.0 / self.options.rate
        due = time.monotonic()
        while not self._closed:
            self.send_now()
            due += period
            delay = due - time.monotonic()
            if delay < -period:
                due, delay = time.monotonic(), 0.0
            await asyncio.sleep(max(delay, 0.0))  # close() cancels the task here
