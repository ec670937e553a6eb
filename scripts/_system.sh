# Shared by scripts/install.sh and scripts/test.sh (sourced, not run): Debian/Ubuntu packages.
# Works as root (no sudo needed: root-only systems have none) and as a user with sudo.

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else echo "pose-bridge: '$*' needs root: run this script as root or install sudo" >&2; return 1
  fi
}

_apt_updated=""
apt_update_once() {
  if [ -z "$_apt_updated" ]; then
    as_root apt-get update -qq
    _apt_updated=1
  fi
}

# pkg_name NAME...: the first of NAMEs this system's apt knows (Debian 13 and Ubuntu 24.04 renamed
# libglib2.0-0 to libglib2.0-0t64); empty when none.
pkg_name() {
  local n
  for n in "$@"; do
    if apt-cache show "$n" >/dev/null 2>&1 || dpkg -s "$n" >/dev/null 2>&1; then echo "$n"; return; fi
  done
}

# apt_install PKG...: install the packages that are not installed yet (quietly, no recommends).
# A PKG may be "a|b": whichever of a or b exists here.
apt_install() {
  local spec name missing=()
  for spec in "$@"; do
    IFS='|' read -r -a alts <<<"$spec"
    local installed=""
    for name in "${alts[@]}"; do dpkg -s "$name" >/dev/null 2>&1 && installed=1; done
    [ -n "$installed" ] || missing+=("$spec")
  done
  [ ${#missing[@]} -gt 0 ] || return 0
  command -v apt-get >/dev/null 2>&1 || {
    echo "pose-bridge: not a Debian/Ubuntu system: install these yourself: ${missing[*]}" >&2; return 1; }
  apt_update_once
  local resolved=()
  for spec in "${missing[@]}"; do
    IFS='|' read -r -a alts <<<"$spec"
    name=$(pkg_name "${alts[@]}")
    [ -n "$name" ] || { echo "pose-bridge: no package $spec on this system" >&2; return 1; }
    resolved+=("$name")
  done
  echo "pose-bridge: installing ${resolved[*]}" >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${resolved[@]}" >/dev/null
}

# Python's venv, and the system libraries that OpenCV (mediapipe's opencv-contrib-python: libGL, GLib)
# and MediaPipe's own libmediapipe.so (libEGL, libGLESv2) load.
BASE_PACKAGES=(python3-venv libgl1 libegl1 libgles2 "libglib2.0-0t64|libglib2.0-0")
