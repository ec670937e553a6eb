"""Batch inputs and outputs without a cluster: expansion of files/directories/globs, output names, temporary files,
what ``--resume`` takes as complete, and the user errors the commands give before anything starts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from bridge.batch.inputs import (
    expand_inputs,
    is_complete,
    plan_outputs,
    remove_temp_files,
    temp_files,
    temp_path,
)
from bridge.batch.runner import Progress
from bridge.errors import UserError
from bridge.formats import open_writer
from bridge.frame import PoseFrame
from tests.media import scaled_timeout

T = scaled_timeout


def _touch(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x")
    return path


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    """data/{a.mp4, B.AVI, notes.txt, .hidden.mp4, s1/walk.mp4, s2/walk.mp4, .cache/x.mp4}, frames/0000.png."""
    data = tmp_path / "data"
    for rel in ("a.mp4", "B.AVI", "notes.txt", ".hidden.mp4", "s1/walk.mp4", "s2/walk.mp4", ".cache/x.mp4"):
        _touch(data / rel)
    _touch(tmp_path / "frames" / "0000.png")
    return tmp_path


def test_a_directory_gives_its_videos_below_it_keeping_subfolders(tree: Path) -> None:
    inputs = expand_inputs([str(tree / "data")])
    assert [Path(i.path).relative_to(tree / "data").as_posix() for i in inputs] == [
        "B.AVI",
        "a.mp4",
        "s1/walk.mp4",
        "s2/walk.mp4",
    ]
    assert [i.name for i in inputs] == ["B", "a", "s1/walk", "s2/walk"]
    outs = plan_outputs(inputs, tree / "out", "jsonl")
    assert [o.relative_to(tree / "out").as_posix() for o in outs] == [
        "B.jsonl",
        "a.jsonl",
        "s1/walk.jsonl",
        "s2/walk.jsonl",
    ]


def test_files_globs_patterns_and_duplicates(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tree)
    inputs = expand_inputs(["data/a.mp4", "data/**/walk.mp4", "frames/%04d.png", "data/a.mp4", "data/notes.txt"])
    assert [(i.path, i.name) for i in inputs] == [
        ("data/a.mp4", "a"),
        ("data/s1/walk.mp4", "s1/walk"),  # a glob keeps the path below its fixed part
        ("data/s2/walk.mp4", "s2/walk"),
        ("frames/%04d.png", "frames"),  # an image sequence is named after its folder
        ("data/notes.txt", "notes"),  # a file named explicitly is taken whatever its extension
    ]
    assert [i.name for i in expand_inputs(["data/*.mp4"])] == ["a"]  # the hidden file is left out


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("missing.mp4", "no such file: missing.mp4"),
        ("data/*.mov", "data/*.mov: matches no file"),
        ("data/s1/../../frames", "no video in this folder"),
        ("nowhere/%04d.png", "no such folder for the image sequence"),
    ],
)
def test_inputs_that_are_user_errors(tree: Path, monkeypatch: pytest.MonkeyPatch, spec: str, message: str) -> None:
    monkeypatch.chdir(tree)
    with pytest.raises(UserError, match=message.replace("*", r"\*").replace("(", r"\(")):
        expand_inputs([spec])


def test_two_inputs_writing_one_output_are_refused(tree: Path) -> None:
    inputs = expand_inputs([str(tree / "data/s1/walk.mp4"), str(tree / "data/s2/walk.mp4")])
    with pytest.raises(UserError, match=r"s1/walk.mp4 and .*s2/walk.mp4 would both be written to .*walk.txt"):
        plan_outputs(inputs, tree / "out", "txt")


def test_temp_files_are_hidden_unique_and_removable(tmp_path: Path) -> None:
    out = tmp_path / "walk[1].jsonl"  # glob characters in the name are not a pattern
    a, b = temp_path(out), temp_path(out)
    assert a != b and a.parent == tmp_path and a.name.startswith(".walk[1].jsonl.") and a.name.endswith(".part")
    a.write_text("half"), b.write_text("half")
    (tmp_path / ".other.jsonl.123.part").write_text("not ours")
    assert temp_files(out) == sorted([a, b])
    assert remove_temp_files([out, tmp_path / "missing" / "x.txt"]) == 2
    assert not a.exists() and not b.exists() and (tmp_path / ".other.jsonl.123.part").exists()


def _frame(i: int) -> PoseFrame:
    block = np.full((33, 5), 0.25, dtype=np.float32)
    return PoseFrame(seq=i, t=i / 30, captured_ns=0, image=block, world=block)


@pytest.mark.parametrize("fmt", ["txt", "jsonl", "csv"])
def test_complete_means_there_and_readable_to_the_end(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"walk.{fmt}"
    assert not is_complete(out)
    with open_writer(out, fps=30.0) as w:
        for i in range(3):
            w.write(_frame(i))
    assert is_complete(out)
    data = out.read_bytes()
    out.write_bytes(data[: len(data) - 40])  # cut inside the last frame: a writer killed mid-write
    assert not is_complete(out)
    out.write_bytes(b"garbage\n" + data)
    assert not is_complete(out)


def test_progress_estimates_the_total_and_restarts_an_attempt() -> None:
    bar = Progress("extract", 4, "files", enabled=False)
    assert bar.total is None
    bar.event({"key": "a", "attempt": "1", "started": 1.0, "frames": 5, "total": 10})
    assert (bar.done, bar.total) == (5, 40)  # 10 known, 3 more files of 10 on average
    bar.event({"key": "b", "attempt": "2", "started": 1.0, "frames": 2, "total": 30})
    assert (bar.done, bar.total) == (7, 80)
    bar.event({"key": "a", "attempt": "3", "started": 2.0, "frames": 1, "total": 10})  # a runs again elsewhere
    assert bar.done == 3
    bar.event({"key": "a", "attempt": "1", "started": 1.0, "frames": 9, "total": 10})  # late, from the dead one
    assert bar.done == 3
    bar.finished("a", 10)
    assert (bar.done, bar.total) == (12, 80) and bar.bar.desc.startswith("extract 1/4 files")
    bar.close()


# --- user errors before anything starts (no cluster, no model) ---------------------------------------------------


def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "2s"}
    return subprocess.run(
        [sys.executable, "-m", "bridge", *args], capture_output=True, text=True, timeout=T(120), cwd=cwd, env=env
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("extract", "data/nope.mp4", "-o", "out"), "pose-bridge: error: no such file: data/nope.mp4"),
        (("extract", "data/*.mkv", "-o", "out"), "pose-bridge: error: data/*.mkv: matches no file"),
        (("extract", "data/s1/walk.mp4", "data/s2/walk.mp4", "-o", "out"), "would both be written to out/walk.jsonl"),
        (("extract", "data", "-o", "data/a.mp4"), "cannot write to data/a.mp4: data/a.mp4 is a file, not a directory"),
        (("extract", "data", "-o", "out", "--format", "txt", "--coords", "both"), "a txt recording holds one"),
        (("extract", "data", "-o", "out", "--workers", "0"), "expected a whole number >= 1, got '0'"),
        (("extract", "data", "-o", "out", "--workers", "2", "--scheduler", "tcp://127.0.0.1:9"), "not allowed with"),
        (("extract", "data", "-o", "out", "--scheduler", " "), "--scheduler expects an address"),
        (("study", "m.csv", "--resume"), "--resume needs --out DIR"),
        (("extract", "data/a.mp4", "-o", "results"), "results: no extension to tell the format: name a .txt"),
    ],
)
def test_cli_user_errors_exit_2_with_one_line(tree: Path, args: tuple[str, ...], message: str) -> None:
    (tree / "m.csv").write_text("camera_x,camera_y,camera_z,prediction,truth\n0,0,3,p.jsonl,t.txt\n")
    for f in ("p.jsonl", "t.txt"):
        (tree / f).write_text("")
    done = _cli(*args, cwd=tree)
    assert done.returncode == 2, done.stderr
    assert message in done.stderr.strip().splitlines()[-1], done.stderr
    assert not (tree / "out").exists()


def test_cli_unreachable_scheduler_exits_2(tree: Path) -> None:
    """Nothing listens on the loopback's discard port: the connection is refused, locally, at once."""
    done = _cli("extract", "data/a.mp4", "-o", "out.jsonl", "--scheduler", "tcp://127.0.0.1:9", cwd=tree)
    assert done.returncode == 2, done.stderr
    assert (
        done.stderr.strip()
        .splitlines()[-1]
        .startswith("pose-bridge: error: cannot reach the Dask scheduler at tcp://127.0.0.1:9:")
    )
