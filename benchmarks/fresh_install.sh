#!/usr/bin/env bash
# Time the README Quickstart on a truly fresh Debian: debootstrap a minimal system into a folder, copy this
# repository's HEAD into it, and run, as root inside a chroot,
#   1. bash scripts/install.sh && . .venv/bin/activate && pose-bridge serve   (the demo runs 8 s, then SIGTERM)
#   2. bash scripts/test.sh                                                   (in a second fresh copy)
# printing the wall time of each and a Markdown row for docs/benchmarks.md.
#
#   sudo benchmarks/fresh_install.sh bookworm|trixie [WORKDIR]
#
# Needs root, debootstrap and Debian's archive (deb.debian.org). Not run by CI. The chroot shares this machine's
# network: nothing in it contacts anything but Debian's archive, PyPI and the loopback (model downloads are
# pointed at a closed loopback port, so the offline model build is what runs). Where the network intercepts TLS
# with its own CA, set PIP_CERT (or SSL_CERT_FILE) to that CA bundle: it is copied in and given to pip.
set -euo pipefail
suite=${1:?usage: fresh_install.sh bookworm|trixie [WORKDIR]}
work=${2:-/tmp/pose-bridge-fresh}
repo=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$work"

base="$work/$suite-base"
if [ ! -x "$base/bin/bash" ]; then
  debootstrap --variant=minbase "$suite" "$base" http://deb.debian.org/debian >"$work/$suite-debootstrap.log"
fi

run_in() {  # run_in ROOT CMD...: as root in the chroot, with a clean environment
  local root=$1; shift
  # /sys too: MediaPipe's allocator (tcmalloc) reads the CPU count there and aborts without it
  mount -t proc proc "$root/proc"; mount --bind /sys "$root/sys"
  mount --bind /dev "$root/dev"; mount --bind /dev/pts "$root/dev/pts"
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  local ca=${PIP_CERT:-${SSL_CERT_FILE:-}} envs=()
  if [ -n "$ca" ] && [ -f "$ca" ]; then
    cp "$ca" "$root/etc/host-ca.pem"
    envs=(PIP_CERT=/etc/host-ca.pem REQUESTS_CA_BUNDLE=/etc/host-ca.pem)
  fi
  set +e
  chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8 POSE_BRIDGE_MODEL_URL='http://127.0.0.1:9/{name}.task' "${envs[@]}" "$@"
  local rc=$?
  set -e
  umount "$root/dev/pts" "$root/dev" "$root/sys" "$root/proc"
  return $rc
}

fresh_copy() {  # fresh_copy NAME: a copy of the base system with the repository at /root/pose-bridge
  local root="$work/$suite-$1"
  rm -rf "$root" && cp -a "$base" "$root"
  git -C "$repo" archive --prefix=pose-bridge/ HEAD | tar -x -C "$root/root"
  echo "$root"
}

root1=$(fresh_copy quickstart1)
start=$SECONDS
run_in "$root1" bash -c 'cd /root/pose-bridge && bash scripts/install.sh >/root/install.log 2>&1 \
  && . .venv/bin/activate && timeout -s TERM 8 pose-bridge serve 2>&1 | head -n 1; exit ${PIPESTATUS[0]}' \
  && rc1=0 || rc1=$?
[ "$rc1" = 124 ] && rc1=0  # timeout ended the demo, as intended (serve itself exits 0 on SIGTERM)
t1=$((SECONDS - start - 8))
python=$(chroot "$root1" /root/pose-bridge/.venv/bin/python --version 2>&1 || echo "?")

root2=$(fresh_copy quickstart2)
start=$SECONDS
run_in "$root2" bash -c 'cd /root/pose-bridge && bash scripts/test.sh >/root/test.log 2>&1' && rc2=0 || rc2=$?
t2=$((SECONDS - start))
summary=$(grep -E '^[0-9]+ (passed|failed)|(passed|failed).* in [0-9.]+s' "$root2/root/test.log" | tr '\n' ';' || true)

echo "suite $suite, $python: command 1 exit $rc1 in $t1 s (without the 8 s of demo); command 2 exit $rc2 in $t2 s: $summary"
echo "| Debian $suite (debootstrap minbase) | $python | $t1 s | $t2 s | $summary |"
