"""``pose-bridge serve``: stream a source's pose frames over WebSocket."""

from __future__ import annotations

import argparse
import asyncio
import functools
import gc
import logging
import os
import ssl
import sys
from pathlib import Path

from .._platform import on_stop_signal
from ..angles import ANGLE_NAMES
from ..errors import UserError
from ..formats import detect_format, is_recording
from ..formats.writers import writer_for
from ..hub import Hub
from ..overlay import preview_for_source
from ..player import FrameSink, ImageSink, Player
from ..protocol import Hello
from ..recorder import Recorder, check_target
from ..server import MAX_CLIENTS, TOKEN_ENV, PoseServer, normalize_origin, resolve_token
from ..skeleton import FINGER_BONES, HAND_BONES, HAND_LANDMARK_NAMES, HUMANOID_BONES
from ..sources.base import Source
from ..sources.demo import DemoSource
from ..sources.recording import RecordingSource
from ..sources.video import VideoSource
from ..transforms import Transform
from . import _avatar, _options, _vmc

HELP = "stream BlazePose landmarks over WebSocket (default source: the built-in demo)"
DESCRIPTION = """\
Stream every frame's 33 BlazePose landmarks over WebSocket at ws://HOST:PORT/
(and the browser viewer at http://HOST:PORT/).

SOURCE is one of:
  demo            built-in walking-and-waving motion, no camera or model needed (default)
  webcam[:N]      webcam N (default 0), live
  VIDEO           a video file, image sequence (frames/%04d.png) or image OpenCV can read
  RECORDING       a recording (.txt, .jsonl, .csv) replayed with its timing; clients can
                  pause, resume, seek and change the speed (see docs/recordings.md)

--record OUT writes every streamed frame to OUT (.txt, .jsonl or .csv), flushed per frame;
a .bvh file holds the humanoid pose. --vmc HOST:PORT sends it to VMC receivers (VSeeFace,
Warudo, VNyan, EVMC4U). See docs/outputs.md.

Listening beyond this machine (--host 0.0.0.0, a LAN address) needs a token that clients present
(--token TOKEN, --token auto, or the POSE_BRIDGE_TOKEN variable), or --no-auth. See docs/security.md.
"""

log = logging.getLogger("bridge.serve")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "source", nargs="?", default="demo", metavar="SOURCE", help="demo | webcam[:N] | VIDEO | RECORDING"
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=_options.port, default=8765, help="port (default 8765; 0 picks a free one)")
    parser.add_argument("--loop", action="store_true", help="restart the source at its end instead of ending")
    parser.add_argument(
        "--speed",
        type=_options.speed,
        default=1.0,
        help="playback speed of files and recordings: a factor (1 = native fps, 2 = twice as fast) or 'max' "
        "(default 1); live sources (demo, webcam) run in real time",
    )
    parser.add_argument(
        "--wait-clients",
        type=_options.non_negative_int,
        default=0,
        metavar="N",
        help="start the source only once N clients are connected (default 0: at once)",
    )
    _options.add_estimator_arguments(parser)
    # joint angles, smoothing, preview
    parser.add_argument("--angles", action="store_true", help="add joint angles in degrees to every frame")
    parser.add_argument(
        "--preview", action="store_true", help="show the video with the skeleton drawn over it in an OpenCV window"
    )
    _options.add_smoothing_arguments(parser)
    _avatar.add_arguments(parser)  # humanoid rotations
    _vmc.add_arguments(parser)  # VMC protocol output
    # recordings
    group = parser.add_argument_group("recordings")
    group.add_argument(
        "--fps",
        type=float,
        metavar="FPS",
        help="frame rate of a txt RECORDING (default 30); for CSV, the rate announced in hello (default: from t)",
    )
    group.add_argument(
        "--coords",
        choices=("world", "image"),
        help="coordinate set of a txt recording replayed or written by --record (default world); "
        "for a JSONL/CSV RECORDING: stream only this set",
    )
    group.add_argument(
        "--record",
        metavar="OUT",
        help="write every streamed frame to OUT (.txt, .jsonl, .csv; or .bvh: the humanoid pose, implies --avatar), "
        "flushed per frame",
    )
    group.add_argument("--overwrite", action="store_true", help="let --record replace an existing file")
    # security: docs/security.md
    sec = parser.add_argument_group("security (docs/security.md)")
    sec.add_argument(
        "--token",
        metavar="TOKEN",
        help=f"clients must present TOKEN ('Authorization: Bearer TOKEN' or ?token=TOKEN); 'auto' generates one "
        f"and prints it (default: ${TOKEN_ENV}; required with a --host beyond this machine)",
    )
    sec.add_argument(
        "--no-auth", action="store_true", help="allow clients without a token on a --host beyond this machine"
    )
    sec.add_argument(
        "--allow-origin",
        action="append",
        default=[],
        metavar="URL",
        help="also accept browser pages from origin URL (e.g. http://192.168.1.5:8000); repeatable",
    )
    sec.add_argument(
        "--max-clients",
        type=_options.non_negative_int,
        default=MAX_CLIENTS,
        metavar="N",
        help=f"refuse (HTTP 503) connections beyond N clients (default {MAX_CLIENTS})",
    )
    sec.add_argument("--certfile", metavar="PEM", help="TLS certificate chain: serve wss:// and https://")
    sec.add_argument("--keyfile", metavar="PEM", help="TLS private key (default: in --certfile)")


def open_source(args: argparse.Namespace) -> Source:
    """The source named by ``args.source``. Raises UserError/SourceError for bad input."""
    spec: str = args.source
    if is_recording(spec):
        if args.fps is not None and not args.fps > 0:
            raise UserError(f"--fps must be > 0, got {args.fps}")
        return RecordingSource(spec, fps=args.fps, coords=args.coords, loop=args.loop)
    if args.fps is not None:
        raise UserError("--fps applies to txt and CSV recordings only (a video has its own frame rate)")
    if spec == "demo":
        return DemoSource()
    return VideoSource(spec, _options.estimator_options(args))


def build_transforms(args: argparse.Namespace, source: Source | None = None) -> list[Transform]:
    """Frame transforms applied before publishing, in order (smoothing, then angles, then the avatar)."""
    transforms = _options.transforms_from_args(args)
    solver = (  # with hands, the fingers too
        _avatar.solver_from_args(args, source.info, hands=bool(hello_for(args, source).hand_landmarks))
        if source is not None
        else None
    )
    return transforms if solver is None else [*transforms, solver]


def build_image_sinks(args: argparse.Namespace, source: Source) -> list[ImageSink]:
    """Consumers of every published frame with its decoded image: the ``--preview`` window."""
    return [preview_for_source(source)] if args.preview else []


def build_sinks(args: argparse.Namespace, source: Source) -> list[FrameSink]:
    """Consumers of every published frame besides the clients."""
    sinks: list[FrameSink] = []
    if args.record:  # every published frame, after transforms, on the recorder's thread
        if isinstance(source, RecordingSource) and Path(args.record).resolve() == source.path.resolve():
            raise UserError(f"--record {args.record} would overwrite the recording being replayed")
        hello = hello_for(args, source)
        sinks.append(
            Recorder(
                args.record,
                lambda: writer_for(
                    args.record,
                    source.info,
                    coords=args.coords,
                    angles=hello.angles,
                    max_people=hello.max_people,
                    hands=bool(hello.hand_landmarks),
                    avatar=_avatar.settings_from_args(args, hands=bool(hello.hand_landmarks)),
                ),  # fmt: skip
                overwrite=args.overwrite,
            )
        )
    if _vmc.wanted(args):  # VMC protocol output, beside the clients
        sender = _vmc.sender_from_args(args, hello_for(args, source).max_people)
        if sender is not None:
            sinks.append(sender)
    return sinks


def _outputs_need_avatar(args: argparse.Namespace) -> None:
    """``--vmc`` and ``--record OUT.bvh`` carry the humanoid pose: they turn ``--avatar`` on."""
    bvh = bool(args.record) and Path(args.record).suffix.lower() == ".bvh"
    if (_vmc.wanted(args) or bvh) and not args.avatar:
        log.info("%s needs the humanoid pose: solving it (--avatar)", "--vmc" if _vmc.wanted(args) else "--record .bvh")
        args.avatar = True
        args.avatar_implied = True


def adopt_recorded_avatar(args: argparse.Namespace, source: Source) -> None:
    """A replayed recording whose stream had ``--avatar`` (a JSONL header's ``avatar``) is solved again with the
    same settings — root mode, ``--avatar-smooth``, ``--camera-fov`` — so it announces and streams the same pose.

    Only when the command line says nothing of its own about the avatar: an explicit ``--avatar`` (with or without
    ``--root-motion``, ``--grounded``, ``--avatar-smooth``) solves as the command line says. ``--vmc`` and
    ``--record OUT.bvh``, which only imply ``--avatar``, take the recording's settings.
    """
    recorded = source.avatar if isinstance(source, RecordingSource) else None
    if recorded is None:
        return
    explicit = (args.avatar and not getattr(args, "avatar_implied", False)) or any(
        getattr(args, flag, False) for flag in ("avatar_smooth", "root_motion", "grounded")
    )
    if explicit:
        log.info("%s: solving as the command line says, not as recorded (%s)", source.info.name, recorded.root_motion)
        return
    args.avatar = True
    args.root_motion = recorded.root_motion == "raw"
    args.grounded = recorded.root_motion == "grounded"
    args.avatar_smooth = recorded.smooth
    args.camera_fov = recorded.camera_fov
    name, mode = source.info.name, recorded.root_motion
    log.info("%s: recorded with --avatar (%s): solving it again with the same settings", name, mode)


def tls_context(args: argparse.Namespace) -> ssl.SSLContext | None:
    """A server TLS context from --certfile/--keyfile, or ``None``. Raises UserError for unusable files."""
    if args.keyfile and not args.certfile:
        raise UserError("--keyfile needs --certfile")
    if not args.certfile:
        return None
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    try:
        context.load_cert_chain(args.certfile, args.keyfile)
    except (OSError, ssl.SSLError) as exc:
        raise UserError(f"cannot use --certfile/--keyfile: {getattr(exc, 'strerror', None) or exc}") from None
    return context


def hello_for(args: argparse.Namespace, source: Source) -> Hello:
    recorded = source.angles if isinstance(source, RecordingSource) else ()
    bones = HUMANOID_BONES if getattr(args, "avatar", False) else ()
    people = (
        source.max_people
        if isinstance(source, RecordingSource)
        else args.max_people
        if source.info.kind in ("video", "webcam")
        else 1
    )
    hands = (
        source.hands
        if isinstance(source, RecordingSource)
        else bool(getattr(args, "hands", False)) and source.info.kind in ("video", "webcam")
    )
    if bones and hands:  # the finger bones follow the body's
        bones = (*bones, *FINGER_BONES)
    return Hello(
        source=source.info,
        angles=ANGLE_NAMES if args.angles else recorded,
        humanoid_bones=bones,
        max_people=people,
        root_motion=_avatar.root_mode(args) if bones else "in-place",
        hand_landmarks=HAND_LANDMARK_NAMES if hands else (),
        hand_bones=HAND_BONES if hands else (),
    )


async def _serve(args: argparse.Namespace) -> int:
    _outputs_need_avatar(args)
    # Everything the user can get wrong is checked before the source is opened and the port bound.
    token = resolve_token(args.host, args.token, no_auth=args.no_auth)
    try:
        origins = [normalize_origin(o) for o in args.allow_origin]
    except ValueError as exc:
        raise UserError(f"--allow-origin: {exc}") from None
    context = tls_context(args)
    if args.record:
        detect_format(args.record)
        if is_recording(args.source) and Path(args.record).resolve() == Path(args.source).resolve():
            raise UserError(f"--record {args.record} would overwrite the recording being replayed")
        check_target(args.record, overwrite=args.overwrite)
    source = open_source(args)
    try:
        adopt_recorded_avatar(args, source)
        if isinstance(source, VideoSource):
            await source.prepare()  # load the model now: a missing model is reported before listening
        player = Player(
            source,
            Hub(),
            speed=args.speed,
            loop=args.loop,
            transforms=build_transforms(args, source),
            sinks=build_sinks(args, source),
            image_sinks=build_image_sinks(args, source),
        )
        server = PoseServer(
            player,
            hello_for(args, source),
            host=args.host,
            port=args.port,
            wait_clients=args.wait_clients,
            token=token,
            allowed_origins=origins,
            max_clients=args.max_clients,
            ssl=context,
        )
        port = await server.start()
        recorders = [s for s in player.sinks if isinstance(s, Recorder)]
        try:
            for recorder in recorders:  # only now: a port in use or a bad source never touches the file
                recorder.open()
        except UserError:
            await server.close()
            raise
        # Everything loaded so far (MediaPipe, numpy, the model's Python objects) lives for the whole run:
        # keep it out of the garbage collector's full scans, which would otherwise pause the stream.
        gc.freeze()
        loop = asyncio.get_running_loop()
        on_stop_signal(loop, functools.partial(_on_signal, server))  # Ctrl-C, SIGTERM; Windows too
        host = f"[{args.host}]" if ":" in args.host else args.host
        ws, http = ("wss", "https") if context else ("ws", "http")
        generated = token is not None and args.token == "auto"
        viewer = f"{http}://{host}:{port}/" + (f"?token={token}" if generated else "")
        print(
            f"pose-bridge: serving {source.info.kind} '{source.info.name}' on {ws}://{host}:{port}/ "
            f"(viewer: {viewer}); Ctrl-C to stop",
            file=sys.stderr,
            flush=True,
        )
        if generated:
            print(f"pose-bridge: token: {token} (clients: 'Authorization: Bearer TOKEN' or ?token=TOKEN)",
                  file=sys.stderr, flush=True)  # fmt: skip
        elif token is not None:
            print("pose-bridge: clients must present the token", file=sys.stderr, flush=True)
        frames = await server.run()
        log.info("stream ended after %d frames", frames)
        failed = [r.failed for r in recorders if r.failed]
        if failed:
            raise UserError(failed[0])
        return 0
    finally:
        await source.aclose()


def _on_signal(server: PoseServer) -> None:
    """First Ctrl-C/SIGTERM: end the stream for everyone (within 2 s). A second one: exit at once (130)."""
    if server.shutdown_requested:
        print("pose-bridge: interrupted again: exiting now", file=sys.stderr, flush=True)
        os._exit(130)
    server.shutdown()


def run(args: argparse.Namespace) -> int:
    try:
        return asyncio.run(_serve(args))
    except KeyboardInterrupt:  # a second Ctrl-C during shutdown
        return 0
