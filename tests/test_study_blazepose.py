"""One real BlazePose ``study`` run on the test media: videos and an image sequence of a real person.

The ground truth is synthetic (the photos have none), so the numbers only have to be plausible
for two human-sized skeletons; the point is that the pipeline — manifest, pipelined extraction
of a video and of an image sequence, the thesis' single-video mode, evaluation, outputs — runs
for real.
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import cv2
import pytest

from bridge.cli import main
from bridge.evaluation import from_spherical
from tests.media import make_video
from tests.test_evaluation_plots import assert_not_blank
from tests.test_evaluation_synthetic import truth_points, write_truth

pytestmark = pytest.mark.blazepose

FRAMES = 6


def test_study_with_real_blazepose(media: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sweep = tmp_path / "sweep"
    make_video(media / "basketball1.png", sweep / "front.avi", frames=FRAMES)
    make_video(media / "basketball2.png", sweep / "side.avi", frames=FRAMES, motion=3.0)
    seq = sweep / "seq"
    seq.mkdir()
    img = cv2.imread(str(media / "basketball1.png"))
    for i in range(FRAMES):
        cv2.imwrite(str(seq / f"{i:04d}.png"), cv2.flip(img, 1) if i % 2 else img)
    write_truth(sweep / "truth.txt", truth_points(FRAMES))
    cams = [from_spherical(3.0, az, el) for az, el in ((180.0, 10.0), (120.0, 10.0), (-150.0, 30.0))]
    rows = ["camera_x,camera_y,camera_z,video,truth,frame,name"]
    rows.append("{:.4f},{:.4f},{:.4f},front.avi,truth.txt,,front".format(*cams[0]))
    rows.append("{:.4f},{:.4f},{:.4f},side.avi,truth.txt,,side".format(*cams[1]))
    rows.append("{:.4f},{:.4f},{:.4f},seq/%04d.png,truth.txt,,sequence".format(*cams[2]))
    # The thesis' single-video mode: frame i of one video was taken from camera position i.
    for i in range(3):
        cam = from_spherical(3.0, 180.0 + 20.0 * i, 5.0)
        rows.append(f"{cam[0]:.4f},{cam[1]:.4f},{cam[2]:.4f},front.avi,truth.txt,{i},pos{i}")
    (sweep / "manifest.csv").write_text("\n".join(rows) + "\n")

    out = tmp_path / "out"
    assert main(["study", str(sweep / "manifest.csv"), "--json", "--out", str(out), "--best", "3"]) == 0
    data = json.loads(capsys.readouterr().out)
    configs = {c["name"]: c for c in data["configurations"]}
    assert list(configs) == ["front", "side", "sequence", "pos0", "pos1", "pos2"]
    for name in ("front", "side", "sequence"):
        c = configs[name]
        assert c["frames"] + c["frames_missing"] == FRAMES, c
        assert c["detection_rate"] >= 0.5, c  # a real person is in every photo
    for name in ("pos0", "pos1", "pos2"):
        assert configs[name]["frames"] + configs[name]["frames_missing"] == 1
    for c in data["configurations"]:
        if c["frames"]:
            # Real BlazePose against a synthetic standing skeleton: human-sized errors. (PA-MPJPE can exceed
            # MPJPE: Procrustes minimises squared distances, not their mean.)
            assert 0.01 < c["pa_mpjpe"] < 1.0 and 0.01 < c["mpjpe"] < 1.0, c
    assert len(data["best"]) == 3
    keys = [(b["pa_mpjpe"], b["mpjpe"]) for b in data["best"]]
    assert keys == sorted(keys)
    rows_csv = list(csv.DictReader((out / "study.csv").open()))
    assert len(rows_csv) == 6 and all(math.isfinite(float(r["r"])) for r in rows_csv)
    for png in out.glob("*.png"):
        assert_not_blank(png)
    assert (out / "heatmap_r3.png").is_file() and (out / "cameras.png").is_file()
