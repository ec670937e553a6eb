#!/usr/bin/env bash
# Install everything the tests need on a fresh Debian/Ubuntu machine, then run the whole suite:
#   - Debian packages: mono (C# compiler + NUnit 2.6 runner), Chromium (browser tests), Xvfb (preview window)
#   - the Python package with its test extras (into the active environment, or ./.venv when the
#     system Python is externally managed)
#   - the test media (Debian's opencv-doc samples, cached outside the repo)
# then pytest (Python: real BlazePose, real sockets, headless Chromium) and the C# suite (mono + NUnit).
# Exits non-zero when anything fails. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

echo "== Debian packages"
pkgs=(mono-mcs nunit-console libnunit-cil-dev chromium chromium-driver xvfb)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

echo "== Python packages"
PY=${PYTHON:-python3}
externally_managed=$($PY - <<'PY'
import sys, sysconfig, os
inside_venv = sys.prefix != sys.base_prefix
marker = os.path.join(sysconfig.get_paths()["stdlib"], "EXTERNALLY-MANAGED")
print("yes" if (not inside_venv and os.path.exists(marker)) else "no")
PY
)
if [ "$externally_managed" = yes ]; then
  if [ ! -x .venv/bin/python ]; then
    $PY -m venv .venv 2>/dev/null || {
      rm -rf .venv
      DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-venv >/dev/null
      $PY -m venv .venv
    }
  fi
  PY=.venv/bin/python
fi
$PY -m pip install -q --disable-pip-version-check -e '.[test]'
export POSE_BRIDGE_PYTHON="$($PY -c 'import sys; print(sys.executable)')"

echo "== Test media"
bash scripts/fetch_test_media.sh >/dev/null

status=0
echo "== Python tests"
$PY -m pytest -q -p no:cacheprovider "$@" || status=1

if [ -f tests/csharp/run.sh ]; then
  echo "== C# tests (mono + NUnit)"
  bash tests/csharp/run.sh || status=1
fi
exit $status
