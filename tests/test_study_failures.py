"""A study goes on past configurations whose files cannot be loaded; they become failed rows.

Synthetic (no BlazePose): good configurations are recordings written by ``bridge.formats``;
the bad ones are a corrupt recording and a file that is not a video (OpenCV cannot decode it),
both rejected by the real readers, not by the test.
"""

from __future__ import annotations

import csv
import json
import logging
import math
from pathlib import Path

import numpy as np
import pytest

from bridge.cli import main
from bridge.errors import FormatError, ModelMissingError, SourceError, UserError
from bridge.evaluation import default_joint_map, from_spherical, skeletons_from_bones
from bridge.evaluation.joints import JointMap
from bridge.evaluation.metrics import Skeletons
from bridge.evaluation.study import Configuration, StudyRow, best, run_study, write_outputs
from bridge.frame import PoseFrame
from tests.test_evaluation_cli import write_recording
from tests.test_evaluation_plots import assert_not_blank
from tests.test_evaluation_synthetic import predict, truth_frames, truth_points, write_truth

HEADER = "camera_x,camera_y,camera_z,video,prediction,truth,name"
GOOD = ((0.0, 0.03), (90.0, 0.005), (180.0, 0.02), (-90.0, 0.04))  # (azimuth, noise)
METRICS = ("frames", "frames_missing", "mpjpe", "pa_mpjpe", "detection_rate")


def _row(az: float, el: float, video: str, prediction: str, name: str) -> str:
    cam = from_spherical(3.0, az, el)
    return f"{cam[0]:.6f},{cam[1]:.6f},{cam[2]:.6f},{video},{prediction},truth.txt,{name}"


@pytest.fixture()
def sweep(tmp_path: Path) -> tuple[Path, Path]:
    """Two manifests of the same folder: ``good.csv`` (4 recordings), ``mixed.csv`` (the same + 2 bad files)."""
    pts = truth_points(8)
    write_truth(tmp_path / "truth.txt", pts)
    good = [HEADER]
    for i, (az, noise) in enumerate(GOOD):
        cam = from_spherical(3.0, az, 15.0)
        write_recording(tmp_path / f"pred{i}.jsonl", predict(pts, tuple(cam), noise=noise, seed=i))  # type: ignore[arg-type]
        good.append(_row(az, 15.0, "", f"pred{i}.jsonl", f"az{az:g}"))
    # A recording with a damaged line in the middle (a cut-off last line alone is tolerated) and a "video"
    # that is not one.
    lines = (tmp_path / "pred1.jsonl").read_text().splitlines()
    lines[3] = lines[3][: len(lines[3]) // 2]
    (tmp_path / "corrupt.jsonl").write_text("\n".join(lines) + "\n")
    (tmp_path / "garbage.avi").write_bytes(b"RIFF\x00\x00\x00\x00AVI garbage" + bytes(range(256)) * 8)
    mixed = good[:3] + [_row(45.0, 15.0, "", "corrupt.jsonl", "corrupt")]
    mixed += good[3:] + [_row(0.0, 45.0, "garbage.avi", "", "garbage")]
    (tmp_path / "good.csv").write_text("\n".join(good) + "\n")
    (tmp_path / "mixed.csv").write_text("\n".join(mixed) + "\n")
    return tmp_path / "good.csv", tmp_path / "mixed.csv"


def test_study_goes_on_past_bad_files(
    sweep: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    good_manifest, mixed_manifest = sweep
    assert main(["study", str(good_manifest), "--json", "--best", "3"]) == 0
    reference = json.loads(capsys.readouterr().out)

    out = tmp_path / "out"
    with caplog.at_level(logging.WARNING, logger="bridge.evaluation.study"):
        assert main(["study", str(mixed_manifest), "--json", "--best", "3", "--out", str(out)]) == 0
    captured = capsys.readouterr()
    data = json.loads(captured.out)  # strict JSON: no NaN anywhere
    configs = {c["name"]: c for c in data["configurations"]}
    assert list(configs) == ["az0", "az90", "corrupt", "az180", "az-90", "garbage"]

    # The good rows are exactly what they are without the bad ones, and the ranking is the same.
    for ref in reference["configurations"]:
        assert configs[ref["name"]] == ref and ref["error"] == ""
    assert data["best"] == reference["best"]
    assert [b["name"] for b in data["best"]] == ["az90", "az180", "az0"]

    # The bad rows: the message names the file, no metrics, still placed in space.
    corrupt, garbage = configs["corrupt"], configs["garbage"]
    assert str(tmp_path / "corrupt.jsonl") in corrupt["error"] and "not valid JSON" in corrupt["error"]
    assert str(tmp_path / "garbage.avi") in garbage["error"] and "not a video" in garbage["error"]
    for bad in (corrupt, garbage):
        assert "\n" not in bad["error"]
        assert all(bad[m] is None for m in METRICS), bad
        assert bad["r"] == pytest.approx(3.0)
    assert corrupt["azimuth"] == pytest.approx(45.0) and garbage["elevation"] == pytest.approx(45.0)
    assert all(b["error"] == "" for b in data["best"])

    # One warning per failed configuration, and the one-line summary on stderr.
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING and "failed" in r.getMessage()]
    assert len(warnings) == 2 and "'corrupt'" in warnings[0] and "'garbage'" in warnings[1]
    summary = [line for line in captured.err.splitlines() if "configurations failed" in line]
    assert len(summary) == 1 and "2 of 6 configurations failed: corrupt (" in summary[0] and "garbage (" in summary[0]

    # Files: study.csv has the error column, empty metrics for the bad rows; the JSON file is the same as stdout.
    rows = {r["name"]: r for r in csv.DictReader((out / "study.csv").open())}
    assert list(next(iter(rows.values())))[-1] == "error"
    assert rows["az90"]["error"] == "" and float(rows["az90"]["pa_mpjpe"]) == pytest.approx(configs["az90"]["pa_mpjpe"])
    assert rows["corrupt"]["error"] == corrupt["error"] and rows["garbage"]["error"] == garbage["error"]
    assert all(rows["garbage"][m] == "" for m in METRICS)
    assert "garbage" not in {r["name"] for r in csv.DictReader((out / "best.csv").open())}
    assert {r["name"] for r in csv.DictReader((out / "per_joint.csv").open())} == {"az0", "az90", "az180", "az-90"}
    assert json.loads((out / "study.json").read_text()) == data
    for png in ("heatmap_r3.png", "error_vs_radius.png", "per_joint_by_view.png", "cameras.png"):
        assert_not_blank(out / png)


def test_readable_table_lists_the_failures(sweep: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    _, mixed_manifest = sweep
    assert main(["study", str(mixed_manifest), "--best", "10"]) == 0
    text = capsys.readouterr().out
    table, _, failures = text.partition("2 configuration(s) failed (no metrics):")
    assert "6 configurations" in table and "az90" in table and "corrupt" not in table and "garbage" not in table
    lines = failures.strip().splitlines()
    assert lines[0].split() == ["name", "error"]
    assert lines[1].startswith("corrupt") and "corrupt.jsonl" in lines[1]
    assert lines[2].startswith("garbage") and "garbage.avi" in lines[2]


def test_every_configuration_failed_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_truth(tmp_path / "truth.txt", truth_points(4))
    (tmp_path / "corrupt.jsonl").write_text('{"seq": 0, "t": 0.0,\n')
    (tmp_path / "garbage.avi").write_bytes(b"\x00not a video\xff" * 64)
    manifest = tmp_path / "m.csv"
    manifest.write_text(
        "\n".join([HEADER, _row(0.0, 0.0, "", "corrupt.jsonl", "a"), _row(90.0, 0.0, "garbage.avi", "", "b")]) + "\n"
    )
    out = tmp_path / "out"
    assert main(["study", str(manifest), "--json", "--out", str(out)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "2 of 2 configurations failed" in captured.err
    assert f"pose-bridge: error: every configuration of {manifest} failed; the first: {tmp_path / 'corrupt.jsonl'}" in (
        captured.err
    )
    assert not out.exists()  # nothing half-written


def test_bad_truth_fails_its_rows_only(
    sweep: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A malformed ground truth fails the configurations that use it, not the others."""
    good_manifest, _ = sweep
    (tmp_path / "bad_truth.txt").write_text("Landmark [0, mixamorig:Hips]: (1, 2)\n")
    lines = good_manifest.read_text().splitlines()
    lines[2] = lines[2].replace("truth.txt", "bad_truth.txt")
    lines[4] = lines[4].replace("truth.txt", "bad_truth.txt")
    manifest = tmp_path / "t.csv"
    manifest.write_text("\n".join(lines) + "\n")
    assert main(["study", str(manifest), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    errors = {c["name"]: c["error"] for c in data["configurations"]}
    assert errors["az0"] == errors["az180"] == ""
    assert str(tmp_path / "bad_truth.txt") in errors["az90"] and errors["az90"] == errors["az-90"]
    assert [b["name"] for b in data["best"]] == ["az180", "az0"]


# --- run_study directly ------------------------------------------------------------------------------------------


def _configs(n: int, **kw: object) -> list[Configuration]:
    return [
        Configuration(i + 2, f"c{i}", tuple(float(v) for v in from_spherical(3.0, 30.0 * i, 10.0)), Path("t.txt"), **kw)  # type: ignore[arg-type]
        for i in range(n)
    ]


def _truth(pts: np.ndarray):  # type: ignore[no-untyped-def]
    def load(path: Path, jm: JointMap) -> tuple[Skeletons, JointMap]:
        return skeletons_from_bones(truth_frames(pts), jm)

    return load


def test_a_bad_shared_video_is_loaded_once() -> None:
    """Single-video mode: every row reads the same file; when it is bad, it is not decoded again for each row."""
    calls = {"n": 0}

    def load_prediction(c: Configuration) -> list[PoseFrame]:
        calls["n"] += 1
        raise SourceError(f"{c.video} is not a video OpenCV can read (no frame could be decoded)")

    configs = [
        Configuration(c.line, c.name, c.camera, c.truth, video=Path("all.avi"), frame=i)
        for i, c in enumerate(_configs(5))
    ]
    study = run_study(configs, default_joint_map(), load_prediction, _truth(truth_points(1)), progress=False)
    assert calls["n"] == 1
    assert [r.error for r in study.rows] == ["all.avi is not a video OpenCV can read (no frame could be decoded)"] * 5
    assert study.failed == study.rows and best(study.rows, 5) == []


@pytest.mark.parametrize(
    "error",
    [ModelMissingError("BlazePose model 'heavy' is not installed"), UserError("cannot extract from a webcam (0)")],
)
def test_errors_of_the_whole_study_still_stop_it(error: UserError) -> None:
    """Not a file's fault: it would fail every configuration, so the first one stops the study."""
    pts = truth_points(4)
    seen: list[str] = []

    def load_prediction(c: Configuration) -> list[PoseFrame]:
        seen.append(c.name)
        raise error

    with pytest.raises(type(error)) as exc:
        run_study(_configs(3, prediction=Path("p.jsonl")), default_joint_map(), load_prediction, _truth(pts))
    assert exc.value is error and seen == ["c0"]


def test_failed_rows_in_outputs_and_plots(tmp_path: Path) -> None:
    """A failed row at the same position as an evaluated one does not blank its heatmap cell; all figures render."""
    pts = truth_points(6)
    configs = [
        Configuration(c.line, c.name, c.camera, c.truth, prediction=Path(f"{c.name}.jsonl")) for c in _configs(4)
    ]
    configs.append(Configuration(9, "twin", configs[0].camera, Path("t.txt"), prediction=Path("twin.jsonl")))
    preds = {c.name: predict(pts, c.camera, noise=0.01 * (i + 1), seed=i) for i, c in enumerate(configs)}  # type: ignore[arg-type]

    def load_prediction(c: Configuration) -> list[PoseFrame]:
        if c.name in ("c2", "twin"):
            raise FormatError(f"{c.prediction}:3: not valid JSON: '{{'")
        return preds[c.name]

    study = run_study(configs, default_joint_map(), load_prediction, _truth(pts), progress=False)
    by_name = {r.name: r for r in study.rows}
    assert [r.name for r in study.failed] == ["c2", "twin"]
    assert by_name["c2"].error == "c2.jsonl:3: not valid JSON: '{'" and by_name["c2"].per_joint == {}
    assert math.isnan(by_name["c2"].pa_mpjpe) and by_name["c2"].frames is None
    assert [r.name for r in best(study.rows, 10)] == ["c0", "c1", "c3"]
    json.dumps(study.to_json(10), allow_nan=False)

    written = write_outputs(study, tmp_path, n_best=2)
    assert {"heatmap_r3.png", "error_vs_radius.png", "per_joint_by_view.png", "cameras.png"} <= {
        p.name for p in written
    }
    for p in written:
        if p.suffix == ".png":
            assert_not_blank(p)
    from bridge.evaluation import plots

    # The twin (failed, same camera as c0, later in the manifest) must not overwrite c0's heatmap cell: compare
    # with the heatmap without it.
    alone = plots.heatmaps([r for r in study.rows if r.name != "twin"], tmp_path / "alone")[0]
    assert alone.read_bytes() == (tmp_path / "heatmap_r3.png").read_bytes()


def test_failed_row_as_dict() -> None:
    c = _configs(1, prediction=Path("p.jsonl"))[0]
    d = StudyRow.failed(c, "p.jsonl:1: not valid JSON: 'x'").as_dict()
    assert d["error"] == "p.jsonl:1: not valid JSON: 'x'" and list(d)[-1] == "error"
    assert all(d[m] is None for m in METRICS) and d["r"] == pytest.approx(3.0)


def test_an_unwritable_out_is_refused_before_any_work(
    sweep: tuple[Path, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import bridge.evaluation.study as study_module

    def must_not_run(*args: object, **kwargs: object) -> None:
        raise AssertionError("the study ran before --out was checked")

    monkeypatch.setattr(study_module, "run_study", must_not_run)
    good_manifest, _ = sweep
    blocker = good_manifest.parent / "a_file"
    blocker.write_text("not a directory\n")
    assert main(["study", str(good_manifest), "--out", str(blocker / "report")]) == 2
    err = capsys.readouterr().err
    assert f"cannot write to {blocker / 'report'}: {blocker} is a file, not a directory" in err
