"""``pose-bridge evaluate`` and ``pose-bridge study`` through the CLI, on files written by bridge.formats."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from bridge.cli import main
from bridge.evaluation import from_spherical
from bridge.formats import open_writer
from bridge.frame import PoseFrame
from tests.test_evaluation_plots import assert_not_blank
from tests.test_evaluation_synthetic import predict, truth_points, write_truth


def write_recording(path: Path, frames: list[PoseFrame]) -> Path:
    with open_writer(path, fps=30.0) as out:
        for f in frames:
            out.write(f)
    return path


@pytest.fixture()
def pair(tmp_path: Path) -> tuple[Path, Path]:
    pts = truth_points(12)
    truth = write_truth(tmp_path / "truth.txt", pts, skip=(11,))
    pred = write_recording(tmp_path / "pred.jsonl", predict(pts, noise=0.01, undetected=(3,)))
    return pred, truth


def test_evaluate_json(pair: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    pred, truth = pair
    assert main(["evaluate", str(pred), str(truth), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data) == ["frames", "frames_missing", "joints", "mpjpe", "pa_mpjpe", "per_joint", "per_frame"]
    assert data["frames"] == 10 and data["frames_missing"] == 2  # frame 3 undetected, frame 11 not in the truth
    assert "nose" not in data["joints"] and len(data["joints"]) == 12
    assert set(data["per_joint"]) == {*data["joints"], "nose"}
    assert set(data["per_joint"]["nose"]) == {"mpjpe", "pa_mpjpe"}
    assert 0.005 < data["pa_mpjpe"] < data["mpjpe"] < 0.04
    assert [r["frame"] for r in data["per_frame"]] == [0, 1, 2, 4, 5, 6, 7, 8, 9, 10]
    assert set(data["per_frame"][0]) == {"frame", "mpjpe", "pa_mpjpe"}


@pytest.mark.parametrize("fmt", ["txt", "csv"])
def test_evaluate_every_recording_format(tmp_path: Path, fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    pts = truth_points(5)
    pred = write_recording(tmp_path / f"pred.{fmt}", predict(pts))
    truth = write_truth(tmp_path / "truth.txt", pts)
    assert main(["evaluate", str(pred), str(truth), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["frames"] == 5 and data["mpjpe"] < 1e-6


def test_evaluate_truth_as_recording(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pts = truth_points(5)
    pred = write_recording(tmp_path / "pred.jsonl", predict(pts, noise=0.01))
    truth = write_recording(tmp_path / "ref.txt", predict(pts))  # a seed txt as ground truth
    assert main(["evaluate", str(pred), str(truth), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["frames"] == 5 and 0.005 < data["mpjpe"] < 0.04


def test_evaluate_table_and_out(pair: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pred, truth = pair
    out = tmp_path / "report"
    assert main(["evaluate", str(pred), str(truth), "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "10 evaluated, 2 excluded (1 without a detection, 1 only in the prediction)" in text
    assert "left_elbow" in text and "MPJPE mm" in text and "(not in summary)" in text
    assert "summary (12 joints)" in text
    rows = list(csv.DictReader((out / "per_joint.csv").open()))
    assert rows[0].keys() == {"joint", "in_summary", "mpjpe", "pa_mpjpe"} and len(rows) == 13
    frames = list(csv.DictReader((out / "per_frame.csv").open()))
    assert len(frames) == 10 and frames[0]["frame"] == "0"
    for name in ("per_joint.png", "skeleton.png", "error_over_time.png"):
        assert_not_blank(out / name)


def test_evaluate_offset_and_camera(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pts = truth_points(6)
    cam = tuple(float(v) for v in from_spherical(2.5, 60.0, 20.0))
    truth = write_truth(tmp_path / "truth.txt", pts, first=50)
    pred = write_recording(tmp_path / "pred.jsonl", predict(pts, cam))  # type: ignore[arg-type]
    args = ["evaluate", str(pred), str(truth), "--json", "--offset", "50", "--camera", ",".join(map(str, cam))]
    assert main(args) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["frames"] == 6 and data["mpjpe"] < 1e-5


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("missing_pred", "prediction not found"),
        ("missing_truth", "ground truth not found"),
        ("no_common", "no frame to evaluate"),
        ("bad_joint_name", "unknown landmark name 'left_hand'"),
        ("bad_joint_json", "not valid JSON"),
        ("image_coords", "image coordinates"),
        ("missing_bone", "no bone for left_knee"),
    ],
)
def test_evaluate_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str], setup: str, message: str) -> None:
    pts = truth_points(4)
    pred = write_recording(tmp_path / "pred.jsonl", predict(pts))
    truth = write_truth(tmp_path / "truth.txt", pts)
    extra: list[str] = []
    if setup == "missing_pred":
        pred = tmp_path / "nope.jsonl"
    elif setup == "missing_truth":
        truth = tmp_path / "nope.txt"
    elif setup == "no_common":
        truth = write_truth(tmp_path / "truth.txt", pts, first=100)
    elif setup == "bad_joint_name":
        (tmp_path / "map.json").write_text('{"left_hand": "LeftHand", "left_hip": "A", "right_hip": "B"}')
        extra = ["--joints", str(tmp_path / "map.json")]
    elif setup == "bad_joint_json":
        (tmp_path / "map.json").write_text('{"left_hip": ')
        extra = ["--joints", str(tmp_path / "map.json")]
    elif setup == "image_coords":
        img = [PoseFrame(seq=i, t=0.0, captured_ns=0, image=np.full((33, 5), 0.5)) for i in range(4)]
        pred = write_recording(tmp_path / "img.jsonl", img)
    elif setup == "missing_bone":
        lines = [ln for ln in (tmp_path / "truth.txt").read_text().splitlines() if ":LeftLeg]" not in ln]
        truth.write_text("\n".join(lines) + "\n")
    assert main(["evaluate", str(pred), str(truth), *extra]) == 2
    err = capsys.readouterr().err
    assert err.startswith("pose-bridge: error: ") and message in err and err.count("\n") == 1


def test_evaluate_joint_map_override(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pts = truth_points(4)
    pred = write_recording(tmp_path / "pred.jsonl", predict(pts, noise=0.01))
    truth = write_truth(tmp_path / "truth.txt", pts)
    joints = {"left_hip": "mixamorig2:LeftUpLeg", "right_hip": "RightUpLeg", "left_knee": "LeftLeg",
              "right_knee": "RightLeg", "nose": ["HeadTop_End", "Head"]}  # fmt: skip
    (tmp_path / "map.json").write_text(json.dumps({"joints": joints, "summary": ["left_hip", "right_hip", "left_knee",
                                                                                 "right_knee"]}))  # fmt: skip
    assert main(["evaluate", str(pred), str(truth), "--json", "--joints", str(tmp_path / "map.json")]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["joints"] == ["left_hip", "right_hip", "left_knee", "right_knee"]
    assert set(data["per_joint"]) == {*data["joints"], "nose"}


# --- study -------------------------------------------------------------------------------------------------------


def test_study_cli_on_recordings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A small synthetic sweep through files: the view with the least error wins."""
    pts = truth_points(8)
    write_truth(tmp_path / "truth.txt", pts)
    rows = ["camera_x,camera_y,camera_z,prediction,truth,name"]
    for i, (az, noise) in enumerate(((0.0, 0.03), (90.0, 0.005), (180.0, 0.02), (-90.0, 0.04))):
        cam = from_spherical(3.0, az, 15.0)
        write_recording(tmp_path / f"pred{i}.jsonl", predict(pts, tuple(cam), noise=noise, seed=i))  # type: ignore[arg-type]
        rows.append(f"{cam[0]:.6f},{cam[1]:.6f},{cam[2]:.6f},../pred{i}.jsonl,../truth.txt,az{az:g}")
    manifest = tmp_path / "sweep" / "manifest.csv"
    manifest.parent.mkdir()
    manifest.write_text("\n".join(rows) + "\n")  # paths relative to the manifest's folder
    out = tmp_path / "out"
    assert main(["study", str(manifest), "--json", "--best", "2", "--out", str(out)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"configurations", "best"}
    assert [b["name"] for b in data["best"]] == ["az90", "az180"]
    assert data["best"][0]["azimuth"] == pytest.approx(90.0) and data["best"][0]["elevation"] == pytest.approx(15.0)
    assert len(list(csv.DictReader((out / "study.csv").open()))) == 4
    assert_not_blank(out / "cameras.png")
    assert main(["study", str(manifest), "--best", "1"]) == 0
    text = capsys.readouterr().out
    assert "4 configurations" in text and "az90" in text and "az180" not in text


def test_study_cli_bad_manifest(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "m.csv").write_text("camera_x,camera_y,camera_z,prediction,truht\n")
    assert main(["study", str(tmp_path / "m.csv")]) == 2
    assert "unknown column(s) 'truht'" in capsys.readouterr().err


def test_example_script(pair: tuple[Path, Path]) -> None:
    import subprocess
    import sys

    from tests.media import ROOT

    pred, truth = pair
    out = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "evaluate.py"), str(pred), str(truth)],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "10 frames evaluated; excluded: 1 without a detection, 1 only in the prediction" in out.stdout
    assert "joints, worst first" in out.stdout and "worst frame: " in out.stdout
    assert out.stdout.count(" mm") >= 2
