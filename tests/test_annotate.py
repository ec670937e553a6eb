"""``pose-bridge annotate`` end to end with real BlazePose on a real video."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from bridge.cli import main


def _read_all(path: Path) -> list[np.ndarray]:
    cap = cv2.VideoCapture(str(path))
    frames = []
    while True:
        ok, img = cap.read()
        if not ok:
            break
        frames.append(img)
    cap.release()
    return frames


@pytest.mark.blazepose
def test_annotate_writes_every_frame_with_the_skeleton(short_video: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.mp4"
    assert main(["annotate", str(short_video), "-o", str(out), "--angles", "--smooth", "--no-progress"]) == 0
    src, ann = _read_all(short_video), _read_all(out)
    assert len(ann) == len(src) == 10
    assert ann[0].shape == src[0].shape
    for s, a in zip(src, ann, strict=True):
        diff = np.abs(s.astype(int) - a.astype(int)).max(axis=2)
        # the caption box and the skeleton change many pixels; codec noise alone stays small
        assert (diff > 60).sum() > 2000
    # the drawing is where the person is: more changed pixels around the person's centre than in a far corner
    h, w = ann[0].shape[:2]
    centre = np.abs(src[5].astype(int) - ann[5].astype(int))[h // 4 : 3 * h // 4, w // 4 : 3 * w // 4].max(axis=2)
    assert (centre > 60).sum() > 200


def test_annotate_user_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str], short_video: Path) -> None:
    assert main(["annotate", str(tmp_path / "missing.avi"), "-o", str(tmp_path / "o.mp4")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["annotate", str(short_video), "-o", str(tmp_path / "o.xyz")]) == 2
    assert "unknown video extension" in capsys.readouterr().err
    assert main(["annotate", str(short_video), "-o", str(tmp_path / "nodir" / "o.mp4")]) == 2
    assert "does not exist" in capsys.readouterr().err
    existing = tmp_path / "exists.mp4"
    existing.write_bytes(b"x")
    assert main(["annotate", str(short_video), "-o", str(existing)]) == 2
    assert "--overwrite" in capsys.readouterr().err
    assert main(["annotate", str(short_video), "-o", str(tmp_path / "o.mp4"), "--smooth", "--beta", "-1"]) == 2
    assert "beta" in capsys.readouterr().err
