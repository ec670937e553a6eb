"""The camera study on a real Dask cluster (LocalCluster, worker processes, 127.0.0.1) with real BlazePose.

The manifest mixes every kind of task: whole videos, the thesis' single-video mode over an image sequence (40
frames: two tasks of at most 32) and over a video file, a recording, and a corrupt video. The study must be the
same — row for row, file for file — on one worker, on two, and in one process as before Dask (the sequential
``run_study`` with the loaders the command used to have). ``--resume`` after Ctrl-C reuses what was evaluated.
"""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from bridge.batch import new_run_id, open_client, plan_units, study_batch
from bridge.evaluation import default_joint_map, from_spherical
from bridge.evaluation.loading import extract_video, extract_video_frames, read_poses, read_truth
from bridge.evaluation.study import Configuration, Study, read_manifest, run_study, write_outputs
from bridge.frame import PoseFrame
from bridge.pose.engine import Estimator, EstimatorOptions
from tests.media import make_video, scaled_timeout
from tests.test_batch import interrupt_group
from tests.test_evaluation_cli import write_recording
from tests.test_evaluation_synthetic import predict, truth_points, write_truth

T = scaled_timeout
pytestmark = pytest.mark.blazepose

SEQUENCE = 40  # frames of the image sequence (one camera position each)
CSV_FILES = ("study.csv", "best.csv", "per_joint.csv", "study.json")


def _cam(az: float, el: float = 5.0) -> str:
    x, y, z = from_spherical(3.0, az, el)
    return f"{x:.4f},{y:.4f},{z:.4f}"


@pytest.fixture(scope="module")
def sweep(media: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder with the media, truth.txt, manifest.csv (47 rows) and long.csv (the same + vtest.avi last)."""
    d = tmp_path_factory.mktemp("sweep")
    make_video(media / "basketball1.png", d / "front.avi", frames=8)
    make_video(media / "basketball2.png", d / "side.avi", frames=8, motion=3.0)
    (d / "seq").mkdir()
    photos = [cv2.imread(str(media / p)) for p in ("basketball1.png", "basketball2.png")]
    for i in range(SEQUENCE):
        img = photos[i % 2]
        cv2.imwrite(str(d / "seq" / f"{i:04d}.png"), cv2.flip(img, 1) if (i // 2) % 2 else img)
    pts = truth_points(SEQUENCE)
    write_truth(d / "truth.txt", pts)
    write_recording(d / "pred.jsonl", predict(pts, tuple(from_spherical(3.0, 90.0, 5.0)), noise=0.01, seed=1))  # type: ignore[arg-type]
    (d / "corrupt.avi").write_bytes(b"RIFF\x00\x00\x00\x00AVI garbage" + bytes(range(256)) * 8)
    rows = ["camera_x,camera_y,camera_z,video,prediction,truth,frame,name"]
    rows.append(f"{_cam(180.0)},front.avi,,truth.txt,,front")
    rows.append(f"{_cam(120.0)},side.avi,,truth.txt,,side")
    rows.append(f"{_cam(60.0)},corrupt.avi,,truth.txt,,corrupt")
    rows.append(f"{_cam(90.0)},,pred.jsonl,truth.txt,,recording")
    rows += [f"{_cam(180.0 + 9.0 * i, 5.0 + i % 3)},seq/%04d.png,,truth.txt,{i},seq{i}" for i in range(SEQUENCE)]
    rows += [f"{_cam(200.0 + 20.0 * i, 20.0)},front.avi,,truth.txt,{i},frontframe{i}" for i in range(3)]
    (d / "manifest.csv").write_text("\n".join(rows) + "\n")
    rows.append(f"{_cam(0.0, 10.0)},{media / 'vtest.avi'},,truth.txt,,long")
    (d / "long.csv").write_text("\n".join(rows) + "\n")
    return d


def options(pose_model: Path) -> EstimatorOptions:
    return EstimatorOptions(model=str(pose_model))


def one_process(configs: list[Configuration], opts: EstimatorOptions) -> Study:
    """The study as the command ran it before Dask: sequentially, with these loaders."""
    single = dataclasses.replace(opts, static_image_mode=True)

    def load(c: Configuration) -> list[PoseFrame]:
        if c.video is not None:
            return extract_video(c.video, opts if c.frame is None else single)
        assert c.prediction is not None
        return read_poses(c.prediction)

    return run_study(configs, default_joint_map(), load, read_truth, progress=False)


def _files(study: Study, out: Path) -> dict[str, bytes]:
    write_outputs(study, out, 5)
    return {name: (out / name).read_bytes() for name in CSV_FILES}


@pytest.fixture(scope="module")
def reference(sweep: Path, pose_model: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """study.csv, best.csv, per_joint.csv and study.json of a one-worker run."""
    configs = read_manifest(sweep / "manifest.csv")
    with open_client(workers=1) as client:
        study, report = study_batch(client, configs, default_joint_map(), options(pose_model), run_id=new_run_id())
    assert report.units == 7 and report.frames == 8 + 8 + SEQUENCE + 3
    return _files(study, tmp_path_factory.mktemp("one-worker"))


@pytest.fixture(scope="module")
def client2() -> Iterator[Any]:
    with open_client(workers=2) as client:
        yield client


def test_units(sweep: Path) -> None:
    units = plan_units(read_manifest(sweep / "manifest.csv"))
    assert [(u.kind, len(u.configs)) for u in units] == [
        ("video", 1),
        ("video", 1),
        ("video", 1),
        ("recording", 1),
        ("frames", 32),
        ("frames", 8),
        ("frames", 3),  # a video file is not cut: seeking in it is not exact
    ]
    assert units[5].frames_needed == list(range(32, SEQUENCE))


def test_two_workers_one_worker_and_one_process_give_the_same_study(
    sweep: Path, pose_model: Path, client2: Any, reference: dict[str, bytes], tmp_path: Path
) -> None:
    configs = read_manifest(sweep / "manifest.csv")
    study, report = study_batch(client2, configs, default_joint_map(), options(pose_model), run_id=new_run_id())
    assert report.workers == 2 and len({r.pid for r in report.results}) == 2
    assert _files(study, tmp_path / "two") == reference
    sequential = one_process(configs, options(pose_model))
    assert _files(sequential, tmp_path / "one-process") == reference
    assert study.joints == sequential.joints and study.landmarks == sequential.landmarks
    assert study.skeleton is not None and np.array_equal(study.skeleton, sequential.skeleton)  # type: ignore[arg-type]

    rows = {r.name: r for r in study.rows}
    assert "is not a video OpenCV can read" in rows["corrupt"].error and rows["corrupt"].frames is None
    assert all(not r.error for name, r in rows.items() if name != "corrupt")
    assert rows["front"].frames is not None and 7 <= rows["front"].frames <= 8  # 8 video frames, 40 truth frames
    assert sum(rows[f"seq{i}"].detection_rate for i in range(SEQUENCE)) >= SEQUENCE - 2  # real people


def test_video_frames_equal_the_whole_extraction(sweep: Path, pose_model: Path) -> None:
    """Only some frames, in IMAGE mode: the same landmarks as detecting every frame (seeking in a sequence,
    decoding through a video file); frames past the end are left out."""
    single = EstimatorOptions(model=str(pose_model), static_image_mode=True)
    with Estimator(single) as est:
        for video, wanted in ((sweep / "seq" / "%04d.png", [17, 3, 0, 39, 45]), (sweep / "front.avi", [5, 0, 7, 99])):
            whole = {f.seq: f.replace(captured_ns=0) for f in extract_video(video, single)}
            done: list[int] = []
            got = extract_video_frames(video, wanted, est, on_frame=done.append)
            assert [f.seq for f in got] == sorted(w for w in wanted if w in whole)
            assert got == [whole[f.seq] for f in got]
            assert done == list(range(1, len(got) + 1))
    with pytest.raises(ValueError, match="IMAGE-mode"), Estimator(options(pose_model)) as tracking:
        extract_video_frames(sweep / "front.avi", [0], tracking)


def test_cli_ctrl_c_then_resume(sweep: Path, reference: dict[str, bytes], tmp_path: Path) -> None:
    """Ctrl-C (to the whole process group) while a long video runs; --resume reuses the saved tasks."""
    out = tmp_path / "out"
    args = ["study", str(sweep / "long.csv"), "--out", str(out), "--workers", "2"]
    returncode, err = interrupt_group(args, lambda: len(list((out / "parts").glob("*.json"))) >= 3, "3 saved tasks")
    assert returncode == 130, err
    assert "Traceback" not in err
    assert f"interrupted; the configurations evaluated so far are in {out / 'parts'}: run again with --resume" in err
    saved = len(list((out / "parts").glob("*.json")))
    assert 3 <= saved < 7 and not list((out / "parts").glob(".*")) and not (out / "study.csv").exists()

    # The same rows without the long video (the last row: every other row keeps its line, its task its key).
    done = subprocess.run(
        [sys.executable, "-m", "bridge", "study", str(sweep / "manifest.csv"), "--out", str(out), "--resume"],
        capture_output=True,
        text=True,
        timeout=T(300),
    )
    assert done.returncode == 0, done.stderr
    assert re.search(rf"; {saved} reused from {re.escape(str(out / 'parts'))}$", done.stdout, re.M), done.stdout
    assert {name: (out / name).read_bytes() for name in CSV_FILES} == reference
