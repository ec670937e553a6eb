"""Shared fixtures: test media (fetched at test time) and short videos made from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.media import make_video, media_dir


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
