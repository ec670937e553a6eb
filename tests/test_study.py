"""The camera placement study on a synthetic sweep whose best configuration is known in advance."""

from __future__ import annotations

import csv
import itertools
import json
from pathlib import Path

import numpy as np
import pytest

from bridge.errors import UserError
from bridge.evaluation import default_joint_map, from_spherical, skeletons_from_bones
from bridge.evaluation.joints import JointMap
from bridge.evaluation.metrics import Skeletons
from bridge.evaluation.study import Configuration, best, read_manifest, run_study, write_outputs
from bridge.frame import PoseFrame
from tests.test_evaluation_plots import assert_not_blank
from tests.test_evaluation_synthetic import predict, truth_frames, truth_points

RADII = (2.0, 3.0, 4.0)
AZIMUTHS = (-90.0, -45.0, 0.0, 45.0, 90.0, 180.0)
ELEVATIONS = (0.0, 30.0, 60.0)
BEST = (3.0, 45.0, 30.0)


def view_error(r: float, azimuth: float, elevation: float) -> float:
    """Noise (m) of the synthetic prediction from this view: smallest at BEST, +1 cm per grid step away."""
    return 0.004 + 0.01 * (abs(r - BEST[0]) + abs(azimuth - BEST[1]) / 45 + abs(elevation - BEST[2]) / 30)


def sweep() -> tuple[list[Configuration], dict[str, list[PoseFrame]], np.ndarray]:
    pts = truth_points(24)
    configs, preds = [], {}
    for i, (r, az, el) in enumerate(itertools.product(RADII, AZIMUTHS, ELEVATIONS)):
        cam = tuple(float(v) for v in from_spherical(r, az, el))
        name = f"r{r:g}_a{az:g}_e{el:g}"
        configs.append(Configuration(i + 2, name, cam, Path("truth.txt"), prediction=Path(name)))  # type: ignore[arg-type]
        undetected = tuple(range(24)) if (az, el) == (180.0, 60.0) else (0, 1) if az == -90 else ()
        # Noise along the camera's axes (incl. depth) in the camera frame, as BlazePose's errors are.
        preds[name] = predict(pts, cam, noise=view_error(r, az, el), seed=i, undetected=undetected)  # type: ignore[arg-type]
    return configs, preds, pts


def run(configs: list[Configuration], preds: dict[str, list[PoseFrame]], pts: np.ndarray):  # type: ignore[no-untyped-def]
    calls = {"truth": 0}

    def load_truth(path: Path, jm: JointMap) -> tuple[Skeletons, JointMap]:
        calls["truth"] += 1
        return skeletons_from_bones(truth_frames(pts), jm)

    study = run_study(configs, default_joint_map(), lambda c: preds[str(c.prediction)], load_truth, progress=False)
    return study, calls


def test_synthetic_sweep_finds_the_known_best() -> None:
    configs, preds, pts = sweep()
    study, calls = run(configs, preds, pts)
    assert calls["truth"] == 1  # cached: one truth file for all configurations
    assert len(study.rows) == len(RADII) * len(AZIMUTHS) * len(ELEVATIONS)
    top = best(study.rows, 3)
    assert (top[0].r, top[0].azimuth, top[0].elevation) == pytest.approx(BEST)
    assert top[0].name == "r3_a45_e30"
    # The ranking follows the designed error: the best view has the smallest noise by a margin.
    assert top[0].pa_mpjpe < 0.75 * top[1].pa_mpjpe
    dead = next(r for r in study.rows if r.name == "r2_a180_e60")
    assert dead.frames == 0 and dead.frames_missing == 24 and dead.detection_rate == 0.0
    assert np.isnan(dead.pa_mpjpe)
    assert dead not in best(study.rows, len(study.rows))  # never evaluated: never "best"
    side = next(r for r in study.rows if r.name == "r3_a-90_e0")
    assert side.frames == 22 and side.frames_missing == 2 and side.detection_rate == pytest.approx(22 / 24)
    # Camera-frame mpjpe: predictions are in each camera's frame, so mpjpe tracks the noise (about 1.9 sigma for
    # isotropic noise after root alignment), not the angle between the camera and Unity's +z.
    for row in study.rows:
        if row.frames:
            assert 1.4 < row.mpjpe / view_error(row.r, row.azimuth, row.elevation) < 2.4, row.name


def test_study_outputs(tmp_path: Path) -> None:
    configs, preds, pts = sweep()
    study, _ = run(configs, preds, pts)
    written = write_outputs(study, tmp_path, n_best=4)
    names = {p.name for p in written}
    assert {"study.csv", "best.csv", "per_joint.csv", "study.json", "error_vs_radius.png"} <= names
    assert {"per_joint_by_view.png", "cameras.png", "heatmap_r2.png", "heatmap_r3.png", "heatmap_r4.png"} <= names
    for p in written:
        if p.suffix == ".png":
            assert_not_blank(p)
    rows = list(csv.DictReader((tmp_path / "study.csv").open()))
    assert len(rows) == len(configs)
    assert list(rows[0])[:4] == ["name", "r", "azimuth", "elevation"]
    assert {"frames", "frames_missing", "mpjpe", "pa_mpjpe", "detection_rate"} <= set(rows[0])
    best_rows = list(csv.DictReader((tmp_path / "best.csv").open()))
    assert [r["rank"] for r in best_rows] == ["1", "2", "3", "4"] and best_rows[0]["name"] == "r3_a45_e30"
    data = json.loads((tmp_path / "study.json").read_text())
    assert set(data) == {"configurations", "best"} and len(data["best"]) == 4
    keys = [(b["pa_mpjpe"], b["mpjpe"]) for b in data["best"]]
    assert keys == sorted(keys)


def test_single_video_mode_one_frame_per_position() -> None:
    """The thesis' mode: one prediction whose frame i was taken from camera i; a static pose as truth."""
    pts = truth_points(1)
    cams = [tuple(float(v) for v in from_spherical(3.0, az, 10.0)) for az in (0.0, 60.0, 120.0, 180.0)]
    frames = []
    for i, cam in enumerate(cams):
        f = predict(pts, cam, noise=0.01 * (i + 1), seed=i)[0]  # type: ignore[arg-type]
        frames.append(f.replace(seq=i))
    configs = [
        Configuration(i + 2, f"pos{i}", cam, Path("t.txt"), prediction=Path("all.jsonl"), frame=i)  # type: ignore[arg-type]
        for i, cam in enumerate(cams)
    ]
    calls = {"pred": 0}

    def load_prediction(c: Configuration) -> list[PoseFrame]:
        calls["pred"] += 1
        return frames

    study = run_study(
        configs,
        default_joint_map(),
        load_prediction,
        lambda p, jm: skeletons_from_bones(truth_frames(pts, first=7), jm),  # one frame, any number
        progress=False,
    )
    assert calls["pred"] == 1  # the video is processed once, not once per row
    assert [r.frames for r in study.rows] == [1, 1, 1, 1]
    assert [r.name for r in best(study.rows, 4)] == ["pos0", "pos1", "pos2", "pos3"]


# --- manifest ----------------------------------------------------------------------------------------------------


def write_manifest(tmp_path: Path, text: str) -> Path:
    (tmp_path / "truth.txt").write_text("x\n")
    (tmp_path / "pred.jsonl").write_text("x\n")
    (tmp_path / "frames").mkdir(exist_ok=True)
    (tmp_path / "frames" / "0000.png").write_bytes(b"")
    p = tmp_path / "manifest.csv"
    p.write_text(text)
    return p


def test_manifest_parsing(tmp_path: Path) -> None:
    p = write_manifest(
        tmp_path,
        "camera_x,camera_y,camera_z,video,prediction,truth,frame,name\n"
        "0,1.5,-3,frames/%04d.png,,truth.txt,,front\n"
        "\n"
        "3,0,0,,pred.jsonl,truth.txt,4,\n",
    )
    a, b = read_manifest(p)
    assert a.camera == (0.0, 1.5, -3.0) and a.video == tmp_path / "frames/%04d.png" and a.prediction is None
    assert a.name == "front" and a.frame is None and a.truth == tmp_path / "truth.txt"
    assert b.prediction == tmp_path / "pred.jsonl" and b.frame == 4 and b.name == "line4"
    assert b.spherical == pytest.approx((3.0, 90.0, 0.0))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("camera_x,camera_y,camera-z,prediction,truth\n", "unknown column(s) 'camera-z'"),
        ("camera_x,camera_y,prediction,truth\n1,2,pred.jsonl,truth.txt\n", "missing column(s) camera_z"),
        ("camera_x,camera_y,camera_z,truth\n1,2,3,truth.txt\n", "needs a 'video' or a 'prediction' column"),
        ("camera_x,camera_y,camera_z,prediction,truth\n1,a,3,pred.jsonl,truth.txt\n", ":2: camera_y 'a' is not a num"),
        ("camera_x,camera_y,camera_z,prediction,truth\n0,0,0,pred.jsonl,truth.txt\n", ":2: the camera is at the"),
        ("camera_x,camera_y,camera_z,prediction,video,truth\n1,2,3,pred.jsonl,x.avi,truth.txt\n", "exactly one of"),
        ("camera_x,camera_y,camera_z,prediction,truth\n1,2,3,nope.jsonl,truth.txt\n", "prediction file not found"),
        ("camera_x,camera_y,camera_z,prediction,truth\n1,2,3,pred.jsonl,\n", "'truth' is empty"),
        ("camera_x,camera_y,camera_z,prediction,truth,frame\n1,2,3,pred.jsonl,truth.txt,-1\n", "frame must be >= 0"),
        ("camera_x,camera_y,camera_z,prediction,truth\n", "no configurations"),
        ("", "empty manifest"),
    ],
)
def test_manifest_errors(tmp_path: Path, text: str, message: str) -> None:
    p = write_manifest(tmp_path, text)
    with pytest.raises(UserError) as exc:
        read_manifest(p)
    assert message in str(exc.value)


def test_manifest_missing_file(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="cannot read manifest"):
        read_manifest(tmp_path / "nope.csv")


# --- files as the Unity recorders write them ---------------------------------------------------------------------

HUMANOID = {"Head": "Head", "LeftArm": "LeftUpperArm", "RightArm": "RightUpperArm", "LeftForeArm": "LeftLowerArm",
            "RightForeArm": "RightLowerArm", "LeftHand": "LeftHand", "RightHand": "RightHand",
            "LeftUpLeg": "LeftUpperLeg", "RightUpLeg": "RightUpperLeg", "LeftLeg": "LeftLowerLeg",
            "RightLeg": "RightLowerLeg", "LeftFoot": "LeftFoot", "RightFoot": "RightFoot"}  # fmt: skip


def test_reads_what_camera_sweep_and_ground_truth_recorder_write(tmp_path: Path) -> None:
    """The exact text of unity/Tests/Recorders (ManifestTests, GroundTruthFormatTests): C# invariant-culture "R"
    numbers (``1E-05``), ``humanoid:`` HumanBodyBones names incl. the clavicles, quoted names, forward slashes."""
    from bridge.evaluation.loading import read_truth
    from tests.test_evaluation_synthetic import NAMES, REST

    pts = truth_points(3)
    lines = []
    for f in range(3):
        for j, name in enumerate(NAMES):
            x, y, z = (f"{float(np.float32(v)):.9G}" for v in pts[f, j])
            lines.append(f"Landmark [{f}, humanoid:{HUMANOID[REST[name][0]]}]: ({x}, {y}, {z})")
        lines.append(f"Landmark [{f}, humanoid:LeftShoulder]: (1E-05, 1.45, 0)")
        lines.append(f"Landmark [{f}, humanoid:RightShoulder]: (-1E-05, 1.45, 0)")
    (tmp_path / "truth.txt").write_text("\n".join(lines) + "\n")
    (tmp_path / "frames").mkdir()
    (tmp_path / "frames" / "00000.png").write_bytes(b"")
    (tmp_path / "manifest.csv").write_text(
        "camera_x,camera_y,camera_z,video,truth,frame,name\n"
        "0,1.5,-3,frames/%05d.png,truth.txt,0,pos0000\n"
        '0.1,0,2,frames/%05d.png,truth.txt,1,"a,""b"""\n'
    )
    a, b = read_manifest(tmp_path / "manifest.csv")
    assert a.video == tmp_path / "frames" / "%05d.png" and a.frame == 0 and a.camera == (0.0, 1.5, -3.0)
    assert b.name == 'a,"b"' and b.frame == 1
    truth, jm = read_truth(tmp_path / "truth.txt", default_joint_map())
    assert len(truth) == 3
    from bridge.evaluation import evaluate, skeletons_from_poses

    ev = evaluate(skeletons_from_poses(predict(pts), jm.landmarks), truth, jm)
    assert ev.count == 3 and ev.mpjpe < 1e-6  # shoulders mapped to the upper arms, not the clavicles
