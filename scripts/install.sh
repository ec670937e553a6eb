#!/usr/bin/env bash
# Install pose-bridge on Debian/Ubuntu into ./.venv: Quickstart command 1 (README).
#   - apt: python3-venv and the system libraries OpenCV needs (libgl1, libglib2.0-0), only those missing,
#     as root or through sudo;
#   - a virtual environment ./.venv with pose-bridge and its dependencies (pip install .).
# Then: . .venv/bin/activate && pose-bridge serve. Extra arguments go to pip before the "." (e.g. -e for an editable install).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/_system.sh

PY=${PYTHON:-python3}
if ! command -v "$PY" >/dev/null 2>&1; then apt_install python3; fi
if command -v apt-get >/dev/null 2>&1 || command -v dpkg >/dev/null 2>&1; then
  apt_install "${BASE_PACKAGES[@]}"
fi
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check "$@" .
echo "pose-bridge: installed into $(pwd)/.venv ($(.venv/bin/pose-bridge --version))" >&2
