"""Recording formats: seed txt bytes, the original Unity parser's rules, round trips, errors, truncation, seeking."""

from __future__ import annotations

import logging
import math
from pathlib import Path

import numpy as np
import pytest

from bridge.errors import FormatError, UserError
from bridge.formats import (
    GroundTruthFrame,
    open_reader,
    open_writer,
    read_ground_truth,
)
from bridge.formats import txt as txt_module
from bridge.formats.csv import landmark_columns
from bridge.frame import PoseFrame
from bridge.skeleton import LANDMARK_NAMES

EXAMPLE = (0.4049343168735504, 0.093745157122612, -0.12304607778787613)


def make_frames(n: int, *, seed: int = 0, angles: bool = False, gap_every: int = 7) -> list[PoseFrame]:
    """``n`` frames of random float32 landmarks; every ``gap_every``-th has no detection."""
    rng = np.random.default_rng(seed)
    frames = []
    for i in range(n):
        detected = i % gap_every != gap_every - 1
        world = rng.normal(0, 0.5, (33, 5)).astype(np.float32) if detected else None
        image = rng.random((33, 5)).astype(np.float32) if detected else None
        ang = None
        if angles:
            ang = {"left_elbow": float(rng.uniform(0, 180)), "right_knee": None if i % 3 == 0 else 90.25}
        frames.append(PoseFrame(i, i / 30.0, 1_700_000_000_000_000_000 + i, image, world, ang))
    return frames


def write_all(path: Path, frames: list[PoseFrame], **kwargs: object) -> Path:
    with open_writer(path, **kwargs) as w:  # type: ignore[arg-type]
        for f in frames:
            w.write(f)
    return path


# --------------------------------------------------------------------------- seed txt bytes


def test_seed_txt_bytes_exactly_as_the_original_notebook(tmp_path: Path) -> None:
    world = np.zeros((33, 5), np.float32)
    world[0, :3] = EXAMPLE
    world[1, :3] = (-1.5, 2.0, 2.0**-20)
    frames = [PoseFrame(7, 0.0, 0, None, world), PoseFrame(8, 0.1, 0, None, None)]
    data = write_all(tmp_path / "a.txt", frames).read_bytes()
    lines = data.split(b"\n")
    assert lines[0] == b"Landmark [0,0]: (0.4049343168735504, 0.093745157122612, -0.12304607778787613)"
    assert lines[1] == b"Landmark [0,1]: (-1.5, 2.0, 9.5367431640625e-07)"
    assert lines[2] == b"Landmark [0,2]: (0.0, 0.0, 0.0)"
    assert lines[32] == b"Landmark [0,32]: (0.0, 0.0, 0.0)"
    # the frame with no detection: 33 lines of (-1, -1, -1), numbered by the writer (not by seq)
    expected_missing = b"".join(b"Landmark [1,%d]: (-1, -1, -1)\n" % i for i in range(33))
    assert data.endswith(expected_missing)
    assert data.count(b"\n") == 66 and data.endswith(b"\n") and b"\r" not in data


def test_seed_txt_numbers_are_python_repr_of_the_float32_values(tmp_path: Path) -> None:
    frames = make_frames(20, gap_every=1000)
    data = write_all(tmp_path / "a.txt", frames, coords="image").read_text()
    for line, (k, i) in zip(data.splitlines(), [(k, i) for k in range(20) for i in range(33)], strict=True):
        x, y, z = (float(v) for v in frames[k].image[i, :3])  # type: ignore[index]
        assert line == f"Landmark [{k},{i}]: ({x!r}, {y!r}, {z!r})"


def show_skeleton_parse(path: Path) -> dict[int, dict[int, tuple[float, float, float]]]:
    """The original Show_Skeleton.cs rules, exactly: frame = text between the first '[' and ',';
    landmark = text between ',' and ']'; the text inside '( )' split at commas."""
    out: dict[int, dict[int, tuple[float, float, float]]] = {}
    for line in path.read_text().split("\n"):
        if not line:
            continue
        frame = int(line[line.index("[") + 1 : line.index(",")])
        landmark = int(line[line.index(",") + 1 : line.index("]")])
        inner = line[line.index("(") + 1 : line.index(")")]
        x, y, z = (float(p) for p in inner.split(","))
        out.setdefault(frame, {})[landmark] = (x, y, z)
    return out


def test_written_txt_parses_with_the_original_unity_rules(tmp_path: Path) -> None:
    frames = make_frames(30)
    path = write_all(tmp_path / "a.txt", frames)
    parsed = show_skeleton_parse(path)
    assert sorted(parsed) == list(range(30))
    for k, frame in enumerate(frames):
        assert sorted(parsed[k]) == list(range(33))
        for i in range(33):
            if frame.world is None:
                assert parsed[k][i] == (-1.0, -1.0, -1.0)
            else:
                assert np.array_equal(np.float32(parsed[k][i]), frame.world[i, :3])


# --------------------------------------------------------------------------- round trips


def test_txt_round_trip_keeps_xyz_exactly_and_gaps(tmp_path: Path) -> None:
    frames = make_frames(1000)  # ~2.7 MB: many chunks, so chunk boundaries are crossed
    path = write_all(tmp_path / "a.txt", frames)
    reader = open_reader(path)
    got = list(reader)
    assert reader.count() == 1000 and not reader.truncated
    assert [f.seq for f in got] == list(range(1000))
    for a, b in zip(frames, got, strict=True):
        assert b.t == a.seq / 30.0 and b.image is None
        if a.world is None:
            assert b.world is None
        else:
            assert b.world is not None
            assert np.array_equal(b.world[:, :3], a.world[:, :3])
            assert (b.world[:, 3:] == 1.0).all()  # visibility/presence are not stored: read as 1.0


def test_txt_image_coords_and_fps(tmp_path: Path) -> None:
    frames = make_frames(5)
    path = write_all(tmp_path / "a.txt", frames, coords="image")
    got = list(open_reader(path, coords="image", fps=25.0))
    assert got[1].world is None and got[1].image is not None
    assert np.array_equal(got[1].image[:, :3], frames[1].image[:, :3])  # type: ignore[index]
    assert got[4].t == 4 / 25.0
    assert open_reader(path, coords="image").info.coords == ("image",)


@pytest.mark.parametrize("ext", ["jsonl", "csv"])
def test_jsonl_and_csv_round_trip_every_field_exactly(tmp_path: Path, ext: str) -> None:
    frames = make_frames(600, angles=True)
    path = write_all(tmp_path / f"a.{ext}", frames, fps=30.0, source={"kind": "video", "name": "v.avi"})
    reader = open_reader(path)
    got = list(reader)
    assert got == frames  # seq, t, captured_ns, both blocks (float32-exact), angles (None kept)
    assert reader.count() == 600
    info = reader.info
    assert info.coords == ("world", "image") and info.angles == ("left_elbow", "right_knee")
    assert info.fps == 30.0


def test_jsonl_header_and_frame_line(tmp_path: Path) -> None:
    frame = make_frames(1, angles=True)[0]
    path = write_all(tmp_path / "a.jsonl", [frame], fps=30.0, source={"kind": "video", "name": "v.avi"})
    import json

    header, line = (json.loads(x) for x in path.read_text().splitlines())
    assert header == {
        "format": "pose-bridge-recording",
        "version": 1,
        "fps": 30.0,
        "source": {"kind": "video", "name": "v.avi"},
        "coords": ["world", "image"],
        "landmarks": list(LANDMARK_NAMES),
        "fields": ["x", "y", "z", "visibility", "presence"],
        "angles": ["left_elbow", "right_knee"],
    }
    assert list(line) == ["seq", "t", "captured_ns", "world", "image", "angles"]
    assert line["captured_ns"] == frame.captured_ns and len(line["world"]) == 33 and len(line["world"][0]) == 5


def test_csv_columns(tmp_path: Path) -> None:
    path = write_all(tmp_path / "a.csv", make_frames(2, angles=True))
    header = path.read_text().splitlines()[0].split(",")
    assert header[:3] == ["seq", "t", "captured_ns"]
    nose = ["world_nose_x", "world_nose_y", "world_nose_z", "world_nose_visibility", "world_nose_presence"]
    assert header[3:8] == nose
    assert "world_left_wrist_x" in header and "image_left_wrist_visibility" in header
    assert header[3 + 165 : 3 + 330] == landmark_columns("image")
    assert header[-2:] == ["angle_left_elbow", "angle_right_knee"]
    assert len(header) == 3 + 330 + 2


@pytest.mark.parametrize("ext", ["jsonl", "csv"])
def test_one_coordinate_set_only(tmp_path: Path, ext: str) -> None:
    frames = make_frames(3)
    path = write_all(tmp_path / f"a.{ext}", frames, coords="image")
    got = list(open_reader(path))
    assert all(f.world is None for f in got)
    assert np.array_equal(got[0].image, frames[0].image)  # type: ignore[arg-type]
    both = write_all(tmp_path / f"b.{ext}", frames)
    only_world = list(open_reader(both, coords="world"))
    assert only_world[0].image is None and np.array_equal(only_world[0].world, frames[0].world)  # type: ignore[arg-type]


@pytest.mark.parametrize("ext", ["jsonl", "csv"])
def test_non_finite_values_survive_as_nan(tmp_path: Path, ext: str) -> None:
    world = np.zeros((33, 5), np.float32)
    world[3, 1] = np.nan
    world[4, 2] = np.inf
    path = write_all(tmp_path / f"a.{ext}", [PoseFrame(0, 0.0, 0, None, world)])
    got = next(iter(open_reader(path)))
    assert got.world is not None and math.isnan(got.world[3, 1]) and math.isnan(got.world[4, 2])
    assert got.world[0, 0] == 0.0


def test_empty_recordings(tmp_path: Path) -> None:
    for ext in ("txt", "jsonl", "csv"):
        path = write_all(tmp_path / f"e.{ext}", [])
        reader = open_reader(path)
        assert list(reader) == [] and reader.count() == 0


# --------------------------------------------------------------------------- tolerant reading


def test_txt_reader_tolerates_crlf_blank_lines_spacing_and_landmark_order(tmp_path: Path) -> None:
    frames = make_frames(4, gap_every=1000)
    clean = write_all(tmp_path / "a.txt", frames).read_text().splitlines()
    frame1 = clean[33:66]
    messy = clean[:33] + [""] + list(reversed(frame1)) + ["   "] + clean[66:]
    messy[5] = messy[5].replace(",5]: (", ", 5] : ( ").replace(")", " )")
    path = tmp_path / "b.txt"
    path.write_bytes(("\r\n".join(messy) + "\r\n").encode())
    got = list(open_reader(path))
    assert [f.seq for f in got] == [0, 1, 2, 3]
    for a, b in zip(frames, got, strict=True):
        assert np.array_equal(a.world[:, :3], b.world[:, :3])  # type: ignore[index]


def test_txt_small_chunks_cross_every_boundary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(txt_module, "CHUNK_BYTES", 1000)  # smaller than a frame
    frames = make_frames(50)
    path = write_all(tmp_path / "a.txt", frames)
    got = list(open_reader(path))
    assert [f.seq for f in got] == list(range(50))
    assert [f.world is None for f in got] == [f.world is None for f in frames]
    assert [f.seq for f in open_reader(path).frames_from(33)] == list(range(33, 50))


def test_txt_unterminated_last_line_that_is_complete_is_kept(tmp_path: Path) -> None:
    path = write_all(tmp_path / "a.txt", make_frames(3))
    path.write_bytes(path.read_bytes().rstrip(b"\n"))
    reader = open_reader(path)
    assert len(list(reader)) == 3 and not reader.truncated and reader.count() == 3


# --------------------------------------------------------------------------- truncation (a killed writer)


def test_txt_truncated_mid_line_loses_only_the_last_frame(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = write_all(tmp_path / "a.txt", make_frames(10))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 1000])  # cut inside frame 9
    reader = open_reader(path)
    with caplog.at_level(logging.WARNING, logger="bridge.formats"):
        got = list(reader)
    assert [f.seq for f in got] == list(range(9)) and reader.truncated
    assert reader.count() == 9
    messages = [r.getMessage() for r in caplog.records]
    assert any("an incomplete last line ignored: the file ends there" in m for m in messages), messages
    assert any("the last frame 9 (" in m and "of 33 landmarks) ignored" in m for m in messages), messages


def test_txt_truncated_after_a_whole_line(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = write_all(tmp_path / "a.txt", make_frames(3))
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:70]))  # frame 2 has 4 of 33 landmarks
    with caplog.at_level(logging.WARNING, logger="bridge.formats"):
        got = list(open_reader(path))
    assert len(got) == 2
    assert f"{path}:67: the last frame 2 (4 of 33 landmarks) ignored" in caplog.text


@pytest.mark.parametrize("ext", ["jsonl", "csv"])
def test_line_formats_truncated_last_line(tmp_path: Path, ext: str, caplog: pytest.LogCaptureFixture) -> None:
    path = write_all(tmp_path / f"a.{ext}", make_frames(5))
    data = path.read_bytes()
    path.write_bytes(data[:-300])
    reader = open_reader(path)
    assert reader.count() == 4
    with caplog.at_level(logging.WARNING, logger="bridge.formats"):
        got = list(reader)
    assert len(got) == 4 and reader.truncated
    assert f"{path}:6: an incomplete last line ignored: the file ends there" in caplog.text


# --------------------------------------------------------------------------- malformed input: exact messages


def _txt(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "bad.txt"
    path.write_text("\n".join(lines) + "\n")
    return path


def _frame_lines(frame: int, value: str = "(0.5, 0.25, -1.0)") -> list[str]:
    return [f"Landmark [{frame},{i}]: {value}" for i in range(33)]


@pytest.mark.parametrize(
    ("edit", "lineno", "message"),
    [
        (
            lambda ls: ls.__setitem__(35, "Landmark [1,2]: (0.5, 0.25)"),
            36,
            "expected 3 numbers inside '( )', got 2: 'Landmark [1,2]: (0.5, 0.25)'",
        ),
        (
            lambda ls: ls.__setitem__(40, "Landmark [1,7]: (0.5, abc, 1)"),
            41,
            "not a number: 'abc': 'Landmark [1,7]: (0.5, abc, 1)'",
        ),
        (
            lambda ls: ls.__setitem__(3, "hello world"),
            4,
            "expected 'Landmark [FRAME,INDEX]: (x, y, z)': 'hello world'",
        ),
        (
            lambda ls: ls.__setitem__(33, "Landmark [x,0]: (1, 2, 3)"),
            34,
            "frame number must be an integer >= 0, got 'x': 'Landmark [x,0]: (1, 2, 3)'",
        ),
        (
            lambda ls: ls.__setitem__(34, "Landmark [1,33]: (1, 2, 3)"),
            35,
            "landmark index must be an integer 0-32, got '33': 'Landmark [1,33]: (1, 2, 3)'",
        ),
        (
            lambda ls: ls.__setitem__(34, "Landmark [1, mixamorig2:Hips]: (1, 2, 3)"),
            35,
            "landmark index must be an integer 0-32, got 'mixamorig2:Hips' (a ground-truth file? read it with "
            "read_ground_truth): 'Landmark [1, mixamorig2:Hips]: (1, 2, 3)'",
        ),
        (
            lambda ls: ls.__setitem__(34, "Landmark [1,0]: (1, 2, 3)"),
            35,
            "frame 1 has landmark 0 twice: 'Landmark [1,0]: (1, 2, 3)'",
        ),
        (
            lambda ls: ls.__delitem__(40),
            66,
            "frame 1 ends with 32 of 33 landmarks (missing [7]): 'Landmark [2,0]: (0.5, 0.25, -1.0)'",
        ),
        (
            lambda ls: ls[66:99].__len__() and ls.__setitem__(slice(66, 99), _frame_lines(0)),
            67,
            "frame 0 comes after frame 1 (frames must increase): 'Landmark [0,0]: (0.5, 0.25, -1.0)'",
        ),
    ],
)
def test_malformed_txt_names_file_line_and_line(tmp_path: Path, edit, lineno: int, message: str) -> None:  # type: ignore[no-untyped-def]
    lines = _frame_lines(0) + _frame_lines(1) + _frame_lines(2)
    edit(lines)
    path = _txt(tmp_path, lines)
    with pytest.raises(FormatError) as exc:
        list(open_reader(path))
    assert str(exc.value) == f"{path}:{lineno}: {message}"


def test_malformed_txt_error_line_number_after_a_seek(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(txt_module, "CHUNK_BYTES", 4096)
    lines = [ln for k in range(200) for ln in _frame_lines(k)]
    lines[150 * 33 + 5] = "Landmark [150,5]: (1, 2)"
    path = _txt(tmp_path, lines)
    with pytest.raises(FormatError, match=rf"^{path}:{150 * 33 + 6}: expected 3 numbers inside"):
        list(open_reader(path).frames_from(120))


def test_a_long_bad_line_is_quoted_shortened(tmp_path: Path) -> None:
    path = _txt(tmp_path, ["x" * 500])
    with pytest.raises(FormatError) as exc:
        list(open_reader(path))
    assert str(exc.value) == f"{path}:1: expected 'Landmark [FRAME,INDEX]: (x, y, z)': '{'x' * 200}'..."


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            '{"seq": 0}\n',
            "{p}:1: expected the header line {{\"format\": \"pose-bridge-recording\", ...}}: '{{\"seq\": 0}}'",
        ),
        ("not json\n", "{p}:1: not valid JSON: 'not json'"),
        (
            '{"format": "pose-bridge-recording", "version": 2, "coords": ["world"]}\n',
            "{p}:1: format version 2 is not supported (this reader: 1): "
            "'{{\"format\": \"pose-bridge-recording\", \"version\": 2, \"coords\": [\"world\"]}}'",
        ),
        (
            '{"format": "pose-bridge-recording", "version": 1, "coords": ["world"]}\n'
            '{"seq": -1, "t": 0, "captured_ns": 0}\n',
            "{p}:2: field 'seq' must be an integer >= 0: '{{\"seq\": -1, \"t\": 0, \"captured_ns\": 0}}'",
        ),
        (
            '{"format": "pose-bridge-recording", "version": 1, "coords": ["world"]}\n\n'
            '{"seq": 0, "t": 0, "captured_ns": 0, "world": [[1, 2]]}\n',
            "{p}:3: field 'world' must be 33 rows of 5 numbers, got shape (1, 2): "
            "'{{\"seq\": 0, \"t\": 0, \"captured_ns\": 0, \"world\": [[1, 2]]}}'",
        ),
        ("", "{p}: empty file: expected the JSONL header line"),
    ],
)
def test_malformed_jsonl(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(content)
    with pytest.raises(FormatError) as exc:
        list(open_reader(path))
    assert str(exc.value) == message.format(p=path)


def test_malformed_csv(tmp_path: Path) -> None:
    good = write_all(tmp_path / "good.csv", make_frames(3, gap_every=1000), coords="world")
    header, *rows = good.read_text().splitlines()

    bad = tmp_path / "bad.csv"
    bad.write_text("a,b,c\n")
    with pytest.raises(FormatError, match=r"^.*bad.csv:1: the header must start with 'seq,t,captured_ns': 'a,b,c'$"):
        open_reader(bad)

    bad.write_text(header.replace(",world_nose_presence", "") + "\n")
    with pytest.raises(FormatError) as exc:
        open_reader(bad)
    assert str(exc.value).startswith(f"{bad}:1: missing column 'world_nose_presence' (164 of 165 world columns): ")

    cells = rows[1].split(",")
    cells[3 + 5 * 15 + 1] = "oops"  # world_left_wrist_y
    bad.write_text("\n".join([header, rows[0], ",".join(cells), rows[2]]) + "\n")
    with pytest.raises(FormatError) as exc:
        list(open_reader(bad))
    assert str(exc.value).startswith(f"{bad}:3: column 'world_left_wrist_y': not a number: 'oops': '1,")

    bad.write_text("\n".join([header, rows[0], rows[1] + ",7"]) + "\n")
    with pytest.raises(FormatError, match=r":3: expected 168 cells, got 169: "):
        list(open_reader(bad))


def test_unknown_extension_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(UserError, match=r"cannot tell the recording format from the extension '\.mp4'"):
        open_reader(tmp_path / "a.mp4")
    with pytest.raises(FormatError, match=r"no such recording file"):
        open_reader(tmp_path / "missing.txt")
    with pytest.raises(FormatError, match=r"cannot write"):
        open_writer(tmp_path / "no" / "dir" / "a.txt")
    with pytest.raises(UserError, match=r"one coordinate set"):
        open_writer(tmp_path / "a.txt", coords=("world", "image"))


# --------------------------------------------------------------------------- writers flush per frame


@pytest.mark.parametrize("ext", ["txt", "jsonl", "csv"])
def test_every_frame_is_on_disk_as_soon_as_written(tmp_path: Path, ext: str) -> None:
    frames = make_frames(3)
    writer = open_writer(tmp_path / f"a.{ext}")
    try:
        for k, frame in enumerate(frames, 1):
            writer.write(frame)
            assert open_reader(writer.path).count() == k  # another reader sees it before close
    finally:
        writer.close()
    with pytest.raises(ValueError, match="closed"):
        writer.write(frames[0])


# --------------------------------------------------------------------------- seeking


@pytest.mark.parametrize("ext", ["txt", "jsonl", "csv"])
def test_frames_from_any_position(tmp_path: Path, ext: str) -> None:
    frames = make_frames(700)
    path = write_all(tmp_path / f"a.{ext}", frames)
    reader = open_reader(path)
    for start in (0, 1, 255, 256, 257, 511, 699):
        got = [f.seq for f in reader.frames_from(start)]
        assert got == list(range(start, 700)), start
    assert list(reader.frames_from(700)) == [] and list(reader.frames_from(10_000)) == []
    assert [f.seq for f in reader.frames_from(-5)][:2] == [0, 1]


# --------------------------------------------------------------------------- ground truth


def test_ground_truth_reader(tmp_path: Path) -> None:
    path = tmp_path / "truth.txt"
    path.write_text(
        "Landmark [0, mixamorig2:Hips]: (0.1, 1.0, -0.5)\r\n"
        "Landmark [0, mixamorig2:LeftArm]: (0.25, 1.4, 0)\r\n"
        "\r\n"
        "Landmark [1, mixamorig:Hips]: (0.2, 1.0, -0.5)\n"
        "Landmark [1, Head]: (1E-05, 1.7, 2)\n"
        "Landmark [5, mixamorig2:Hips]: (0.3, 1.0"  # truncated last line
    )
    got = list(read_ground_truth(path))
    assert got == [
        GroundTruthFrame(0, {"Hips": (0.1, 1.0, -0.5), "LeftArm": (0.25, 1.4, 0.0)}),
        GroundTruthFrame(1, {"Hips": (0.2, 1.0, -0.5), "Head": (1e-05, 1.7, 2.0)}),
    ]
    frame, joints = got[0]
    assert frame == 0 and joints["Hips"] == (0.1, 1.0, -0.5)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "Landmark [0, a:Hips]: (1, 2, 3)\nLandmark [0, b:Hips]: (1, 2, 3)\n",
            "{p}:2: frame 0 has bone 'Hips' twice: 'Landmark [0, b:Hips]: (1, 2, 3)'",
        ),
        (
            "Landmark [3, a:Hips]: (1, 2, 3)\nLandmark [2, a:Hips]: (1, 2, 3)\n",
            "{p}:2: frame 2 comes after frame 3 (frames must increase): 'Landmark [2, a:Hips]: (1, 2, 3)'",
        ),
        (
            "Landmark [0, a:Hips]: (1, 2, 3)\nLandmark [0 a:Hips]: (1, 2, 3)\n",
            "{p}:2: expected 'Landmark [FRAME,BONE]: (x, y, z)': 'Landmark [0 a:Hips]: (1, 2, 3)'",
        ),
    ],
)
def test_ground_truth_errors(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "truth.txt"
    path.write_text(text)
    with pytest.raises(FormatError) as exc:
        list(read_ground_truth(path))
    assert str(exc.value) == message.format(p=path)


@pytest.mark.parametrize("ext", ["txt", "jsonl", "csv"])
def test_a_file_without_line_breaks_is_refused_not_loaded(tmp_path: Path, ext: str) -> None:
    path = tmp_path / f"blob.{ext}"
    path.write_bytes(b"\x00\x01" * (1 << 20))  # 2 MiB, no line break: not a recording
    with pytest.raises(FormatError, match=rf"blob\.{ext}(:1)?: a line longer than 1048576 bytes: not a recording\?"):
        list(open_reader(path))
