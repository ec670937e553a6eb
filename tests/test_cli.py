"""The real ``pose-bridge`` CLI in a subprocess: shutdown by signal, and every user error."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
from pathlib import Path

import pytest

from bridge import protocol as P
from tests.cli_process import ServeProcess, run_cli
from tests.media import scaled_timeout
from tests.streaming import client, collect


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
async def test_signal_sends_end_closes_cleanly_and_exits_0(sig: signal.Signals) -> None:
    serve = await ServeProcess.start()  # no SOURCE: the demo
    try:
        async with client(serve.url) as ws:
            hello = P.decode(await ws.recv())
            assert isinstance(hello, P.Hello) and hello.source.kind == "demo"
            for _ in range(5):
                assert isinstance(P.decode(await ws.recv()), P.FrameMessage)
            serve.proc.send_signal(sig)
            got = await asyncio.wait_for(collect(ws), scaled_timeout(10))
        code, err = await serve.wait()
    finally:
        await serve.kill()
    assert got.end is not None and got.end.reason == "shutdown" and got.end.frames >= 5
    assert got.close_code == 1000
    assert code == 0, err
    assert "Traceback" not in err
    assert "disconnected" in err  # disconnects are logged


@pytest.mark.blazepose
async def test_video_file_to_the_end_then_exit_0(short_video: Path) -> None:
    serve = await ServeProcess.start(str(short_video), "--speed", "max", "--wait-clients", "1")
    try:
        async with client(serve.url, P.WireFormat.JSON) as ws:
            got = await asyncio.wait_for(collect(ws), scaled_timeout(60))
        code, err = await serve.wait()
    finally:
        await serve.kill()
    assert got.end == P.End(frames=10, reason="eof") and len(got.frames) == 10
    assert all(m.frame.detected for m in got.frames)
    assert code == 0, err


def _assert_user_error(result, *fragments: str) -> None:  # type: ignore[no-untyped-def]
    assert result.returncode == 2, (result.returncode, result.stderr)
    lines = [ln for ln in result.stderr.strip().splitlines() if "pose-bridge" in ln and "error" in ln]
    assert len(lines) == 1, result.stderr
    for fragment in fragments:
        assert fragment in lines[0], result.stderr
    assert "Traceback" not in result.stderr


def test_missing_file(tmp_path: Path) -> None:
    _assert_user_error(run_cli("serve", str(tmp_path / "nope.mp4")), "no such file", "nope.mp4")


def test_directory_is_not_a_video(tmp_path: Path) -> None:
    _assert_user_error(run_cli("serve", str(tmp_path)), "is a directory")


def test_file_that_is_not_a_video(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.avi"
    bogus.write_text("this is not a video\n" * 100)
    _assert_user_error(run_cli("serve", str(bogus)), "not a video", "notes.avi")


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read files without read permission")
def test_unreadable_file(tmp_path: Path, short_video: Path) -> None:
    locked = tmp_path / "locked.avi"
    locked.write_bytes(short_video.read_bytes())
    locked.chmod(0)
    _assert_user_error(run_cli("serve", str(locked)), "permission denied")


def test_no_such_webcam() -> None:
    _assert_user_error(run_cli("serve", "webcam:57"), "no such webcam", "webcam:57")


def test_port_in_use() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        _assert_user_error(run_cli("serve", "--port", str(port)), f"port {port}", "already in use")


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["serve", "--speed", "fast"], "speed must be a number > 0 or 'max'"),
        (["serve", "--speed", "0"], "speed must be a number > 0 or 'max'"),
        (["serve", "--port", "70000"], "port must be a number 0-65535"),
        (["serve", "--model-complexity", "5"], "invalid choice"),
        (["serve", "--model", "huge"], "expected lite, full, heavy or a .task file, got 'huge'"),
        (["serve", "--min-presence-confidence", "-1"], "between 0 and 1"),
        (["serve", "--min-detection-confidence", "1.5"], "between 0 and 1"),
        (["serve", "--wait-clients", "-1"], "whole number >= 0"),
        (["serve", "--frobnicate"], "unrecognized arguments: --frobnicate"),
        (["teleport"], "invalid choice: 'teleport'"),
    ],
)
def test_bad_flag_values(args: list[str], fragment: str) -> None:
    _assert_user_error(run_cli(*args), fragment)


@pytest.mark.parametrize("args", [["--model", "heavy"], ["--model-complexity", "0"]])
def test_missing_model_says_how_to_get_it(args: list[str], short_video: Path, tmp_path: Path) -> None:
    """No cached model and no network (downloads go to a closed loopback port): one line, exit 2."""
    env = {"POSE_BRIDGE_CACHE": str(tmp_path / "empty-cache")}
    result = run_cli("serve", str(short_video), *args, env=env)
    name = "heavy" if "heavy" in args else "lite"
    _assert_user_error(result, f"model '{name}' is not installed", f"models fetch {name}", "no network")
    assert not (tmp_path / "empty-cache" / "models" / f"pose_landmarker_{name}.task").exists()


def test_model_that_is_not_a_bundle(short_video: Path, tmp_path: Path) -> None:
    bogus = tmp_path / "pose.task"
    bogus.write_text("not a zip")
    _assert_user_error(
        run_cli("extract", str(short_video), "-o", str(tmp_path / "o.txt"), "--model", str(bogus)),
        "is not a MediaPipe pose landmarker bundle",
    )


def test_version() -> None:
    result = run_cli("--version")
    assert result.returncode == 0 and result.stdout.startswith("pose-bridge ")


def test_a_missing_system_library_is_one_line_naming_the_packages() -> None:
    """What a fresh Debian without libGL/libEGL gives (the real loader's message), turned into advice."""
    import ctypes

    from bridge.errors import missing_library_message

    with pytest.raises(OSError) as caught:
        ctypes.CDLL("libposebridge-absent.so.1")
    message = missing_library_message(caught.value)
    assert message is not None and message.startswith("a system library is missing: libposebridge-absent.so.1")
    assert "apt-get install libgl1 libglib2.0-0 libegl1 libgles2" in message
    assert missing_library_message(ValueError("something else")) is None
