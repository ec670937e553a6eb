#!/usr/bin/env bash
# Fetch the test media: real photos and video of people from Debian's opencv-doc
# package (messi5.jpg, basketball1.png, basketball2.png, vtest.avi, ...).
# Nothing third-party is kept in the repository; the files are cached outside it.
#
# Usage: scripts/fetch_test_media.sh [CACHE_DIR]
#   CACHE_DIR defaults to $POSE_BRIDGE_MEDIA or ~/.cache/pose-bridge/media.
# Prints the directory holding the files. Needs apt-get (works where docs are excluded).
set -euo pipefail
dest="${1:-${POSE_BRIDGE_MEDIA:-$HOME/.cache/pose-bridge/media}}"
if [ -f "$dest/messi5.jpg" ] && [ -f "$dest/basketball1.png" ] && [ -f "$dest/vtest.avi" ]; then
  echo "$dest"; exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
( cd "$work" && apt-get download opencv-doc >/dev/null 2>&1 ) || {
  apt-get update >/dev/null 2>&1 || true
  ( cd "$work" && apt-get download opencv-doc >/dev/null )
}
dpkg -x "$work"/opencv-doc_*.deb "$work/x"
mkdir -p "$dest"
src="$work/x/usr/share/doc/opencv-doc/examples/data"
for f in messi5.jpg basketball1.png basketball2.png vtest.avi; do
  if [ -f "$src/$f" ]; then cp "$src/$f" "$dest/$f";
  elif [ -f "$src/$f.gz" ]; then gunzip -c "$src/$f.gz" > "$dest/$f";
  else echo "fetch_test_media: $f not found in opencv-doc" >&2; exit 1; fi
done
echo "$dest"
