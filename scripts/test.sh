#!/usr/bin/env bash
# Install everything the tests need on a fresh Debian/Ubuntu machine, then run the whole suite:
#   - Debian packages (only those missing; as root, or through sudo): the OpenCV system libraries,
#     python3-venv, mono (C# compiler and runtime), NUnit 2.6, Chromium (browser tests), Xvfb (preview window).
#     Where the system has no NUnit 2.6 (Debian 13), its Debian 12 packages are fetched from Debian's
#     archive into a cache and run with this system's mono (scripts/nunit.sh);
#   - the Python package with its test extras (into the active virtual environment, else ./.venv);
#   - the BlazePose model, built offline from the mediapipe 0.10.21 wheel (pose-bridge models build),
#     unless one is cached already, and the test media (Debian's opencv-doc samples); both cached outside the repository;
# then ruff and mypy --strict (a finding fails the run), pytest (real BlazePose, real sockets, headless Chromium)
# and the C# suite (mono + NUnit).
# Exits non-zero when anything fails. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/_system.sh

echo "== system packages"
apt_install "${BASE_PACKAGES[@]}" mono-mcs mono-runtime chromium xvfb
. scripts/nunit.sh   # sets NUNIT_CONSOLE and NUNIT_FRAMEWORK (apt's NUnit, or Debian 12's from the archive)

echo "== Python packages"
PY=${PYTHON:-python3}
command -v "$PY" >/dev/null 2>&1 || apt_install python3
if [ "$($PY -c 'import sys; print(sys.prefix != sys.base_prefix)')" != True ]; then
  # not inside a virtual environment: use ./.venv (system Pythons are externally managed)
  [ -x .venv/bin/python ] || $PY -m venv .venv
  PY=.venv/bin/python
fi
$PY -m pip install -q --disable-pip-version-check -e '.[test]'
export POSE_BRIDGE_PYTHON="$($PY -c 'import sys; print(sys.executable)')"

echo "== BlazePose model and test media"
# the cached full model (downloaded or built), else built offline now: once per machine
$PY -c 'from bridge.pose.models import resolve_model; print(resolve_model("full", download=False))'
# the hand model of --hands, likewise built offline from the same wheel when missing
$PY -c 'from bridge.pose.models import resolve_hand_model; print(resolve_hand_model(download=False))'
bash scripts/fetch_test_media.sh >/dev/null
# Network rule: nothing in the tests may reach MediaPipe's model storage. The model is cached now;
# should anything still try to download one, it meets a closed loopback port.
export POSE_BRIDGE_MODEL_URL="http://127.0.0.1:9/pose_landmarker_{name}.task"

status=0
echo "== Lint (ruff) and types (mypy --strict)"
# Before the tests, so a finding shows at once; the tests run all the same.
$PY -m ruff check bridge tests benchmarks examples protocol scripts || status=1
$PY -m mypy --strict bridge || status=1

echo "== Python tests"
$PY -m pytest -q -p no:cacheprovider "$@" || status=1

echo "== C# tests (mono + NUnit)"
bash tests/csharp/run.sh || status=1
exit $status
