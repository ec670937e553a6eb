"""Shared fixtures: test media (fetched at test time), short videos made from it, the BlazePose model.

Network rule: no test may reach MediaPipe's model storage (or anything but loopback). Model
downloads are pointed at a loopback port where nothing listens, for this process and every
CLI subprocess it starts; tests of the download code serve models from a local HTTP server.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.media import make_video, media_dir

#: Nothing listens on the discard port of the loopback: a download attempt fails at once, locally.
os.environ["POSE_BRIDGE_MODEL_URL"] = "http://127.0.0.1:9/pose_landmarker_{name}.task"


@pytest.fixture(scope="session", autouse=True)
def pose_model() -> Path:
    """The ``full`` BlazePose bundle in the user's cache, built offline from the mediapipe 0.10.21
    wheel if missing (scripts/test.sh builds it before pytest, so this is normally a look-up)."""
    from bridge.pose.models import resolve_model

    return resolve_model("full", download=False)


@pytest.fixture(scope="session")
def hand_model() -> Path:
    """The hand landmarker bundle of ``--hands`` in the user's cache, built offline from the same wheel if missing."""
    from bridge.pose.models import resolve_hand_model

    return resolve_hand_model(download=False)


@pytest.fixture(scope="session")
def media() -> Path:
    """Directory with messi5.jpg, basketball1.png, basketball2.png and vtest.avi."""
    return media_dir()


@pytest.fixture(scope="session")
def person_video(media: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2-second, 30 fps video of a real person (basketball1.png with slight camera motion)."""
    return make_video(media / "basketball1.png", tmp_path_factory.mktemp("video") / "person.avi", frames=60)


@pytest.fixture(scope="session")
def short_video(media: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 10-frame video of messi5.jpg: for tests that need real BlazePose but few frames."""
    return make_video(media / "messi5.jpg", tmp_path_factory.mktemp("video") / "short.avi", frames=10)
