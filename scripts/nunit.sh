# Sourced by scripts/test.sh: find NUnit 2.6 for the C# suite and export
#   NUNIT_CONSOLE    the console runner (a command line)
#   NUNIT_FRAMEWORK  nunit.framework.dll to compile the tests against
# Debian 12 and Ubuntu package NUnit 2.6 (nunit-console, libnunit-cil-dev): installed with apt.
# Debian 13 has mono but no NUnit: its Debian 12 packages (architecture "all": .NET assemblies that
# mono 6.12 runs) are fetched from Debian's archive with apt-get download against a private apt
# state (the system's sources and package lists are not touched), unpacked with dpkg -x into
# ~/.cache/pose-bridge/nunit-2.6.3, and run with this system's mono. Nothing is installed.
# Needs scripts/_system.sh sourced first.

NUNIT_PACKAGES=(nunit-console libnunit-console-runner2.6.3-cil libnunit-core2.6.3-cil
  libnunit-core-interfaces2.6.3-cil libnunit-framework2.6.3-cil libnunit-util2.6.3-cil)

# What Debian 12's NUnit packages depend on (the mono class libraries they load), from this system's archive.
NUNIT_RUNTIME_PACKAGES=(libmono-system-drawing4.0-cil libmono-system-runtime4.0-cil
  libmono-system-configuration4.0-cil libmono-system-xml4.0-cil)

_nunit_from_bookworm() {
  apt_install "${NUNIT_RUNTIME_PACKAGES[@]}"
  local root="${POSE_BRIDGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pose-bridge}/nunit-2.6.3"
  if [ ! -f "$root/nunit-console.exe" ] || [ ! -f "$root/lib/nunit.framework.dll" ]; then
    echo "pose-bridge: no NUnit 2.6 packages here; fetching Debian 12's into $root" >&2
    local work; work=$(mktemp -d)
    mkdir -p "$work/lists/partial" "$work/archives/partial" "$work/cache"
    echo "deb http://deb.debian.org/debian bookworm main" >"$work/sources.list"
    local opts=(-o "Dir::Etc::SourceList=$work/sources.list" -o "Dir::Etc::SourceParts=/dev/null"
      -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache" -o "Dir::Cache::Archives=$work/archives" -o "Debug::NoLocking=1")
    apt-get "${opts[@]}" update -qq >/dev/null
    (cd "$work" && apt-get "${opts[@]}" download "${NUNIT_PACKAGES[@]}" >/dev/null)
    mkdir -p "$work/x" "$root.new/lib"
    for deb in "$work"/*.deb; do dpkg -x "$deb" "$work/x"; done
    cp "$work/x/usr/lib/nunit/nunit-console.exe" "$work/x/usr/lib/nunit/nunit-console.exe.config" "$root.new/"
    find "$work/x/usr/lib/cli" -name '*.dll' -exec cp {} "$root.new/lib/" \;   # probed from lib/ (see .config)
    rm -rf "$root" && mv "$root.new" "$root" && rm -rf "$work"
  fi
  NUNIT_CONSOLE="mono $root/nunit-console.exe"
  NUNIT_FRAMEWORK="$root/lib/nunit.framework.dll"
}

if [ "${POSE_BRIDGE_NUNIT:-}" = bookworm ]; then
  _nunit_from_bookworm  # forced (to test this route on a system that has the packages)
elif [ -n "$(pkg_name nunit-console)" ] && [ -n "$(pkg_name libnunit-cil-dev)" ]; then
  apt_install nunit-console libnunit-cil-dev
  NUNIT_CONSOLE="nunit-console"
  NUNIT_FRAMEWORK=$(find /usr/lib/cli /usr/lib/mono -name nunit.framework.dll 2>/dev/null | sort | head -n 1)
else
  _nunit_from_bookworm
fi
export NUNIT_CONSOLE NUNIT_FRAMEWORK
