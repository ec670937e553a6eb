"""VMC protocol output: the mapping, the bytes, and the real CLI against a real python-osc receiver on 127.0.0.1."""

from __future__ import annotations

import asyncio
import socket
import struct
import time
from pathlib import Path

import numpy as np
import pytest

from bridge import protocol as P
from bridge.cli import main
from bridge.formats import open_writer
from bridge.frame import Person, PoseFrame
from bridge.humanoid import BONES, HumanoidPose, HumanoidSolver, fk, quat
from bridge.humanoid.model import HIPS_HEIGHT
from bridge.outputs.vmc import (
    PRESETS,
    REST_LOCAL,
    VmcOptions,
    VmcSender,
    encode_pose,
    packets,
    parse_target,
    vmc_pose,
)
from bridge.skeleton import HUMANOID_BONES
from bridge.sources.demo import pose_at
from tests.cli_process import ServeProcess, run_cli
from tests.media import scaled_timeout
from tests.osc_receiver import Datagram, VmcReceiver
from tests.streaming import client, collect
from tests.test_humanoid import random_pose

HALF_TURN = np.array([0.0, 1.0, 0.0, 0.0])
VMC_ORDER = ["/VMC/Ext/Root/Pos"] + ["/VMC/Ext/Bone/Pos"] * len(BONES) + ["/VMC/Ext/OK", "/VMC/Ext/T"]


def _pose(seed: int) -> HumanoidPose:
    rng = np.random.default_rng(seed)
    return HumanoidPose(rng.normal(0, 0.3, 3).astype(np.float32), random_pose(rng).astype(np.float32))


def _bones(d: Datagram) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """name -> (position, rotation) of the Root and Bone messages of one frame's datagram."""
    return {
        args[0]: (np.array(args[1:4], dtype=np.float32), np.array(args[4:8], dtype=np.float32))
        for addr, args in d.messages
        if addr in ("/VMC/Ext/Root/Pos", "/VMC/Ext/Bone/Pos")
    }


def _same_rotation(a: np.ndarray, b: np.ndarray, atol: float = 1e-6) -> bool:
    return bool(np.allclose(a, b, atol=atol) or np.allclose(a, -b, atol=atol))


# ---------------------------------------------------------------- the mapping (pure)


@pytest.mark.parametrize("seed", range(5))
def test_stream_preset_sends_the_humanoid_unchanged_with_rest_positions(seed: int) -> None:
    pose = _pose(seed)
    out = vmc_pose(pose, "stream")
    assert [b.name for b in out] == ["root", *HUMANOID_BONES]
    assert out[0].rotation == (0.0, 0.0, 0.0, 1.0)
    assert np.allclose(out[0].position, pose.hips, atol=0)  # root motion goes to the root
    for i, b in enumerate(out[1:]):
        assert np.array_equal(np.float32(b.rotation), pose.rotations[i])
        assert b.position == REST_LOCAL[b.name]
    assert out[1].position == (0.0, HIPS_HEIGHT, 0.0)
    # no zeros: every bone but the Hips' children at the hip centre has a real offset (receivers need them)
    assert all(np.linalg.norm(b.position) > 0.03 for b in out[1:])


@pytest.mark.parametrize("preset", [p for p in PRESETS if PRESETS[p].facing == "+z"])
def test_plus_z_presets_turn_the_person_to_face_plus_z(preset: str) -> None:
    pose = _pose(7)
    out = vmc_pose(pose, preset)
    assert np.allclose(out[1].rotation, quat.mul(HALF_TURN, pose.rotation("Hips")), atol=1e-6)
    assert np.allclose(out[0].position, pose.hips * np.array([-1, 1, -1]), atol=1e-6)
    for i, b in enumerate(out[2:], start=1):  # every other bone: as streamed
        assert np.array_equal(np.float32(b.rotation), pose.rotations[i])
    # a person facing the camera (the solver turns them half round) faces +z: the T-pose's forward again
    rot = np.tile(quat.IDENTITY, (len(BONES), 1))
    rot[0] = quat.from_axis_angle(np.array([0.0, 1.0, 0.0]), np.pi)
    faced = vmc_pose(HumanoidPose(np.zeros(3), rot), preset)
    assert _same_rotation(np.array(faced[1].rotation), quat.IDENTITY)


def test_mirror_gives_the_mirror_image_in_forward_kinematics() -> None:
    pose = _pose(3)
    out = vmc_pose(pose, "stream", mirror=True)
    sent = {b.name: b.rotation for b in out[1:]}
    local = np.array([sent[b] for b in BONES])  # by name, as a receiver maps them: Left got the Right's motion
    joints = fk.joint_positions(local)
    original = fk.joint_positions(pose.rotations.astype(np.float64))
    for i, b in enumerate(BONES):
        other = BONES.index(b.replace("Left", "#").replace("Right", "Left").replace("#", "Right"))
        assert np.allclose(joints[i], original[other] * np.array([-1, 1, 1]), atol=1e-5), b


def test_message_bytes_are_osc_float32_with_the_types_receivers_check() -> None:
    """One Bone/Pos as bytes: padded address, ',sfffffff', padded name, 7 big-endian float32 (EVMC4U needs float)."""
    pose = _pose(1)
    msg = encode_pose(vmc_pose(pose, "stream"))[2]  # Spine
    expected = b"/VMC/Ext/Bone/Pos\0\0\0" + b",sfffffff\0\0\0" + b"Spine\0\0\0"
    values = (*REST_LOCAL["Spine"], *pose.rotations[1].tolist())
    expected += struct.pack(">7f", *values)
    assert msg.dgram == expected
    ok, t = packets([], 2.5, bundle=False)
    assert ok == b"/VMC/Ext/OK\0" + b",i\0\0" + struct.pack(">i", 0)  # nobody yet: OK 0
    assert t == b"/VMC/Ext/T\0\0" + b",f\0\0" + struct.pack(">f", 2.5)
    (bundle,) = packets(encode_pose(vmc_pose(pose)), 1.0)
    assert bundle.startswith(b"#bundle\0" + struct.pack(">Q", 1))  # time tag "immediately"
    assert len(bundle) < 2048  # 24 messages: one datagram, never fragmented on loopback


@pytest.mark.parametrize(
    ("text", "port"),
    [("127.0.0.1:39540", 39540), ("127.0.0.1", 39539), ("[::1]:5000", 5000), ("localhost:7", 7)],
)
def test_targets_parse(text: str, port: int) -> None:
    t = parse_target(text)
    assert t.port == port and t.address[1] == port


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("127.0.0.1:0", "port must be a number 1-65535"),
        ("127.0.0.1:70000", "port must be a number 1-65535"),
        ("127.0.0.1:abc", "port must be a number 1-65535"),
        (":39539", "no host"),
        ("::1:5000", "IPv6 address in brackets"),
        ("[::1", "no closing"),
    ],
)
def test_a_bad_vmc_value_is_a_one_line_error_exit_2(
    value: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["serve", "--port", "0", "--vmc", value])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--vmc-mirror"], "--vmc-mirror needs --vmc"),
        (["--vmc-unbundled"], "--vmc-unbundled needs --vmc"),
        (["--vmc", "127.0.0.1:9", "--vmc-person", "2"], "--vmc-person needs a stream of several people"),
        (["--vmc", "127.0.0.1:9", "--vmc-person", "-1"], "--vmc-person must be an id"),
    ],
)
def test_bad_vmc_options_are_user_errors(args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--port", "0", *args]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_a_receiver_that_is_not_running_costs_nothing() -> None:
    """UDP to a closed port: every send goes out at once, nothing fails, nothing waits."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    sender = VmcSender([parse_target(f"127.0.0.1:{closed}")], VmcOptions(rate=0))
    frames = [HumanoidSolver()(PoseFrame(i, i / 30, 0, *pose_at(i))) for i in range(3)]
    started = time.perf_counter()
    for i in range(600):
        sender.write(frames[i % 3])
    elapsed = time.perf_counter() - started
    sender.close()
    assert sender.sent == [600] and sender.errors == [0] and sender.poses == 600
    assert elapsed / 600 < 0.005  # a mapping, an encoding and one sendto: far below a frame


# ---------------------------------------------------------------- the real CLI, a real receiver


async def _serve_and_receive(
    *args: str, frames: int, fmt: P.WireFormat = P.WireFormat.MSGPACK
) -> tuple[list[P.FrameMessage], list[Datagram]]:
    """``serve ARGS --vmc 127.0.0.1:PORT --wait-clients 1``: what a WebSocket client and the receiver got."""
    with VmcReceiver() as rx:
        server = await ServeProcess.start(*args, "--vmc", f"127.0.0.1:{rx.port}", "--wait-clients", "1")
        try:
            async with client(server.url, fmt) as ws:
                got = await asyncio.wait_for(collect(ws, limit=frames), scaled_timeout(60))
            await asyncio.sleep(0.3)  # the last datagrams
        finally:
            await server.kill()
        return got.frames, rx.snapshot()


def _check_frame_by_frame(frames: list[P.FrameMessage], grams: list[Datagram], *, person: int = 0) -> None:
    """With --vmc-rate 0 and --vmc-preset stream, datagram i is frame i's humanoid exactly (float32)."""
    posed = [m.frame for m in frames]
    poses = []
    for f in posed:
        if person:
            (p,) = [p for p in f.people if p.id == person]
            poses.append(p.humanoid)
        else:
            poses.append(f.humanoid)
    assert all(p is not None for p in poses)
    assert len(grams) >= len(poses)
    for d, pose in zip(grams, poses, strict=False):
        assert d.bundle and d.addresses == VMC_ORDER
        bones = _bones(d)
        assert list(bones) == ["root", *HUMANOID_BONES]
        assert pose is not None
        assert np.array_equal(bones["root"][0], pose.hips) and np.array_equal(bones["root"][1], [0, 0, 0, 1])
        for i, name in enumerate(HUMANOID_BONES):
            assert np.array_equal(bones[name][1], pose.rotations[i]), name  # the WebSocket's numbers, bit for bit
            assert np.array_equal(bones[name][0], np.float32(REST_LOCAL[name])), name
        assert d.messages[-2] == ("/VMC/Ext/OK", (1,))
        assert isinstance(d.messages[-1][1][0], float)


async def test_live_demo_frame_by_frame_equals_the_websocket_humanoid() -> None:
    frames, grams = await _serve_and_receive(
        "demo", "--avatar", "--vmc-preset", "stream", "--vmc-rate", "0", frames=60, fmt=P.WireFormat.JSON
    )
    assert len(frames) == 60
    _check_frame_by_frame(frames, grams)
    times = [d.messages[-1][1][0] for d in grams[:60]]
    assert all(b > a for a, b in zip(times, times[1:], strict=False))  # /VMC/Ext/T counts up


async def test_default_vseeface_at_a_steady_60_hz_from_a_30_fps_demo() -> None:
    """The default: 60 bundles a second, each the newest frame's pose turned to face +z."""
    frames, grams = await _serve_and_receive("demo", frames=60)  # --vmc implies --avatar
    expected = [quat.mul(HALF_TURN, m.frame.humanoid.rotation("Hips")) for m in frames if m.frame.humanoid]
    posed = [d for d in grams if d.messages[-2] == ("/VMC/Ext/OK", (1,))]
    assert len(posed) > 60
    # rate: over the stream's two seconds, 60 per second (the machine is shared: within 15 %)
    span = posed[-1].received - posed[0].received
    rate = (len(posed) - 1) / span
    assert 51 < rate < 69, rate
    # each bundle is one of the streamed poses (sent twice each at 60 Hz from 30 fps), turned to face +z
    hips = [_bones(d)["Hips"][1] for d in posed]
    matched = sum(any(_same_rotation(h, e, 1e-6) for e in expected) for h in hips)
    assert matched >= len(hips) - 4  # the first and last few may belong to frames the client missed
    assert all(np.array_equal(_bones(d)["Hips"][0], np.float32([0, HIPS_HEIGHT, 0])) for d in posed)


async def test_unbundled_mode_sends_every_message_as_its_own_datagram() -> None:
    frames, grams = await _serve_and_receive("demo", "--vmc-unbundled", "--vmc-rate", "0", frames=10)
    assert grams and not any(d.bundle for d in grams)
    addresses = [d.addresses[0] for d in grams]
    assert addresses[: len(VMC_ORDER)] == VMC_ORDER
    assert all(len(d.raw) < 100 for d in grams)


async def test_a_chosen_person_of_a_replayed_several_people_recording(tmp_path: Path) -> None:
    """Two people in a JSONL recording; --vmc-person 2 sends person 2's humanoid, not the primary's."""
    rec = tmp_path / "two.jsonl"
    writer = open_writer(rec, fps=30.0, max_people=2, source={"kind": "demo", "width": 640, "height": 480})
    rng = np.random.default_rng(5)
    poses = [random_pose(rng) for _ in range(2)]
    for i in range(40):
        people = []
        for pid, pose in ((1, poses[0]), (2, poses[1])):
            world = fk.synthesize_world_block(pose)
            image = world.copy()
            image[:, :2] = image[:, :2] * 0.3 + 0.5
            people.append(Person(pid, image=image, world=world))
        ns = 1_700_000_000_000_000_000 + i
        writer.write(PoseFrame(i, i / 30, ns, people[0].image, people[0].world, people=tuple(people)))
    writer.close()
    frames, grams = await _serve_and_receive(
        str(rec), "--vmc-person", "2", "--vmc-preset", "stream", "--vmc-rate", "0", "--speed", "max", frames=40
    )
    assert len(frames) == 40
    _check_frame_by_frame(frames, grams, person=2)
    # and it is not the primary person's pose
    first = _bones(grams[0])["LeftUpperArm"][1]
    assert not np.array_equal(first, frames[0].frame.humanoid.rotation("LeftUpperArm").astype(np.float32))


@pytest.mark.blazepose
async def test_real_footage_replay_equals_the_websocket_humanoid(tmp_path: Path) -> None:
    """A real video → extract (BlazePose) → JSONL → serve REC --avatar --vmc: every bundle is the frame's humanoid."""
    from tests.media import make_video, media_dir

    video = make_video(media_dir() / "messi5.jpg", tmp_path / "messi.avi", frames=30)
    rec = tmp_path / "messi.jsonl"
    done = await asyncio.to_thread(run_cli, "extract", str(video), "-o", str(rec), "--no-progress")
    assert done.returncode == 0, done.stderr
    frames, grams = await _serve_and_receive(
        str(rec), "--avatar", "--vmc-preset", "stream", "--vmc-rate", "0", "--speed", "max", frames=30
    )
    assert len(frames) == 30 and all(m.frame.detected for m in frames)
    _check_frame_by_frame(frames, grams)
