"""The shell helpers behind the Quickstart (scripts/_system.sh), run for real with bash and dpkg/apt."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.media import ROOT

pytestmark = pytest.mark.skipif(shutil.which("dpkg") is None, reason="needs a Debian/Ubuntu system")


def _bash(script: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-c", f". scripts/_system.sh; {script}"], cwd=ROOT, capture_output=True, text=True)


def test_pkg_name_takes_the_first_package_this_system_knows() -> None:
    result = _bash("pkg_name pose-bridge-no-such-package libc6 bash")
    assert result.returncode == 0 and result.stdout.strip() == "libc6"
    assert _bash("pkg_name pose-bridge-no-such-package").stdout.strip() == ""


def test_apt_install_touches_nothing_when_everything_is_there() -> None:
    """Installed packages (or an installed alternative of a|b) need no apt-get, no sudo, no network."""
    result = _bash('apt_install libc6 "pose-bridge-no-such-package|bash"; echo "updated=$_apt_updated"')
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "updated=" and "installing" not in result.stderr


def test_base_packages_name_what_opencv_and_mediapipe_load() -> None:
    result = _bash('printf "%s\\n" "${BASE_PACKAGES[@]}"')
    assert result.stdout.split() == ["python3-venv", "libgl1", "libegl1", "libgles2", "libglib2.0-0t64|libglib2.0-0"]
