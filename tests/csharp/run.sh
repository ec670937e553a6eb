#!/usr/bin/env bash
# Compile every C# file under unity/ with mono's mcs and run the NUnit tests with nunit-console.
#
#   tests/csharp/run.sh            (from anywhere; CI runs it after pytest)
#
# - the plain C# core (unity/Runtime/Core) is compiled with NO UnityEngine reference;
# - the MonoBehaviours (unity/Runtime, unity/Samples~, unity/Editor) against the compile-only
#   UnityEngine stub in tests/csharp/stub (every *.cs there: add your own stub file for new APIs);
# - the tests (unity/Tests/**) into one NUnit assembly, run by nunit-console (NUnit 2.6).
# The end-to-end tests start the real Python server (python3 -m bridge serve; override the
# interpreter with POSE_BRIDGE_PYTHON) and read a txt file written by the Python extractor.
# Also checks that every asset under unity/ has its Unity .meta file (tests/csharp/unity_meta.py).
# The last line of output is exactly "N passed, N failed"; the exit status is non-zero on any
# failure (ignored or not-run tests count as failed: in CI every test must run).
# Needs Debian packages: mono-mcs mono-runtime and NUnit 2.6 (nunit-console libnunit-cil-dev, or what
# scripts/nunit.sh finds: NUNIT_CONSOLE, NUNIT_FRAMEWORK).
# Environment: POSE_BRIDGE_PYTHON (interpreter, default python3), POSE_BRIDGE_CSHARP_BUILD (build directory,
# default a new temporary one), POSE_BRIDGE_TEST_TIMEOUT_SCALE (multiplies the end-to-end timeouts).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PY="${POSE_BRIDGE_PYTHON:-python3}"
OUT="${POSE_BRIDGE_CSHARP_BUILD:-$(mktemp -d "${TMPDIR:-/tmp}/posebridge-csharp.XXXXXX")}"
mkdir -p "$OUT"

fail() { echo "tests/csharp/run.sh: $*" >&2; echo "0 passed, 1 failed"; exit 1; }

for tool in mcs mono; do
    command -v "$tool" >/dev/null 2>&1 || fail "'$tool' not found: apt-get install mono-mcs mono-runtime"
done
# NUnit 2.6: NUNIT_CONSOLE / NUNIT_FRAMEWORK as scripts/nunit.sh sets them (Debian 13: Debian 12's NUnit
# unpacked into a cache), else the Debian packages nunit-console and libnunit-cil-dev.
read -r -a NUNIT_CMD <<<"${NUNIT_CONSOLE:-nunit-console}"
command -v "${NUNIT_CMD[0]}" >/dev/null 2>&1 || fail "'${NUNIT_CMD[0]}' not found: apt-get install nunit-console libnunit-cil-dev (Debian 13: run scripts/test.sh, which fetches Debian 12's NUnit)"
NUNIT_DLL="${NUNIT_FRAMEWORK:-}"
if [ -z "$NUNIT_DLL" ]; then
    for candidate in /usr/lib/cli/nunit.framework-2.6.3/nunit.framework.dll $(find /usr/lib/cli /usr/lib/mono -name nunit.framework.dll 2>/dev/null); do
        if [ -f "$candidate" ]; then NUNIT_DLL="$candidate"; break; fi
    done
fi
[ -n "$NUNIT_DLL" ] && [ -f "$NUNIT_DLL" ] || fail "nunit.framework.dll not found: apt-get install libnunit-cil-dev"

MCS=(mcs -nologo -langversion:7.2 -warnaserror+ -nowarn:1591 -debug)

# Collect sources (sorted, NUL-safe: Samples~ has a tilde).
collect() { find "$@" -name '*.cs' -print0 2>/dev/null | sort -z | xargs -0 -r printf '%s\n'; }
mapfile -t CORE < <(collect "$ROOT/unity/Runtime/Core")
mapfile -t STUB < <(collect "$ROOT/tests/csharp/stub")
mapfile -t RUNTIME < <(find "$ROOT/unity/Runtime" -name '*.cs' -not -path "$ROOT/unity/Runtime/Core/*" -print0 | sort -z | xargs -0 -r printf '%s\n')
mapfile -t SAMPLES < <(collect "$ROOT/unity/Samples~")
mapfile -t EDITOR < <(collect "$ROOT/unity/Editor")
mapfile -t TESTS < <(collect "$ROOT/unity/Tests")
[ ${#CORE[@]} -gt 0 ] || fail "no C# sources under unity/Runtime/Core"

echo "== compiling (mcs $(mcs --version | awk '{print $NF}')) into $OUT"
"${MCS[@]}" -target:library -out:"$OUT/PoseBridge.Core.dll" -r:System.dll -r:System.Core.dll -r:System.Numerics.dll "${CORE[@]}" \
    || fail "the core does not compile without UnityEngine"
echo "core: ${#CORE[@]} files, no UnityEngine reference"
"${MCS[@]}" -target:library -out:"$OUT/UnityEngine.dll" -nowarn:0067,0414,0649 "${STUB[@]}" || fail "the UnityEngine stub does not compile"
"${MCS[@]}" -target:library -out:"$OUT/PoseBridge.Runtime.dll" -r:"$OUT/UnityEngine.dll" -r:"$OUT/PoseBridge.Core.dll" -r:System.Numerics.dll \
    "${RUNTIME[@]}" || fail "unity/Runtime does not compile against the stub"
echo "runtime: ${#RUNTIME[@]} files"
if [ ${#SAMPLES[@]} -gt 0 ]; then
    "${MCS[@]}" -target:library -out:"$OUT/PoseBridge.Samples.dll" -r:"$OUT/UnityEngine.dll" -r:"$OUT/PoseBridge.Core.dll" -r:System.Numerics.dll \
        -r:"$OUT/PoseBridge.Runtime.dll" "${SAMPLES[@]}" || fail "unity/Samples~ does not compile"
    echo "samples: ${#SAMPLES[@]} files"
fi
if [ ${#EDITOR[@]} -gt 0 ]; then
    "${MCS[@]}" -target:library -out:"$OUT/PoseBridge.Editor.dll" -r:"$OUT/UnityEngine.dll" -r:"$OUT/PoseBridge.Core.dll" \
        -r:"$OUT/PoseBridge.Runtime.dll" "${EDITOR[@]}" || fail "unity/Editor does not compile"
    echo "editor: ${#EDITOR[@]} files"
fi
# The same sources again against newer Unity versions' API: under these defines the stub marks what Unity made
# obsolete (FindObjectOfType from 2023.1...) and adds what they introduced, so unguarded uses fail here as in Unity.
NEWER="UNITY_2022_2_OR_NEWER;UNITY_2023_1_OR_NEWER"
mkdir -p "$OUT/newer"
"${MCS[@]}" -target:library -define:"$NEWER" -out:"$OUT/newer/UnityEngine.dll" -nowarn:0067,0414,0649 "${STUB[@]}" \
    || fail "the UnityEngine stub does not compile with $NEWER"
"${MCS[@]}" -target:library -define:"$NEWER" -out:"$OUT/newer/PoseBridge.Runtime.dll" -r:"$OUT/newer/UnityEngine.dll" \
    -r:"$OUT/PoseBridge.Core.dll" -r:System.Numerics.dll "${RUNTIME[@]}" || fail "unity/Runtime does not compile with $NEWER"
if [ ${#SAMPLES[@]} -gt 0 ]; then
    "${MCS[@]}" -target:library -define:"$NEWER" -out:"$OUT/newer/PoseBridge.Samples.dll" -r:"$OUT/newer/UnityEngine.dll" \
        -r:"$OUT/PoseBridge.Core.dll" -r:"$OUT/newer/PoseBridge.Runtime.dll" -r:System.Numerics.dll "${SAMPLES[@]}" \
        || fail "unity/Samples~ does not compile with $NEWER"
fi
if [ ${#EDITOR[@]} -gt 0 ]; then
    "${MCS[@]}" -target:library -define:"$NEWER" -out:"$OUT/newer/PoseBridge.Editor.dll" -r:"$OUT/newer/UnityEngine.dll" \
        -r:"$OUT/PoseBridge.Core.dll" -r:"$OUT/newer/PoseBridge.Runtime.dll" "${EDITOR[@]}" \
        || fail "unity/Editor does not compile with $NEWER"
fi
echo "runtime, samples, editor: also compile with $NEWER"
cp "$NUNIT_DLL" "$OUT/"
"${MCS[@]}" -target:library -out:"$OUT/PoseBridge.Tests.dll" -r:"$OUT/UnityEngine.dll" -r:"$OUT/PoseBridge.Core.dll" \
    -r:"$OUT/PoseBridge.Runtime.dll" -r:"$OUT/nunit.framework.dll" -r:System.dll -r:System.Core.dll -r:System.Numerics.dll \
    "${TESTS[@]}" || fail "unity/Tests does not compile"
echo "tests: ${#TESTS[@]} files"

echo "== fixtures"
cd "$ROOT"
export POSE_BRIDGE_ROOT="$ROOT" POSE_BRIDGE_PYTHON="$PY" POSE_BRIDGE_CI=1
export POSE_BRIDGE_TEST_VIDEO="$OUT/person.avi" POSE_BRIDGE_TEST_TXT="$OUT/person_world.txt"
export POSE_BRIDGE_TEST_PEOPLE_VIDEO="$OUT/people.avi"
"$PY" -c "
import sys
from pathlib import Path
from tests.media import make_video, media_dir
make_video(media_dir() / 'basketball1.png', Path(sys.argv[1]), frames=120)
make_video(media_dir() / 'basketball2.png', Path(sys.argv[2]), frames=40)  # two people
" "$POSE_BRIDGE_TEST_VIDEO" "$POSE_BRIDGE_TEST_PEOPLE_VIDEO" || fail "could not make the test videos"
"$PY" -m bridge extract "$POSE_BRIDGE_TEST_VIDEO" -o "$POSE_BRIDGE_TEST_TXT" --no-progress \
    || fail "python3 -m bridge extract failed"
echo "video: $POSE_BRIDGE_TEST_VIDEO; txt written by the Python writer: $POSE_BRIDGE_TEST_TXT"

echo "== unity .meta files (needed for git-URL installs)"
meta_failed=0
"$PY" "$ROOT/tests/csharp/unity_meta.py" || meta_failed=1

echo "== nunit-console"
set +e
(cd "$OUT" && "${NUNIT_CMD[@]}" -nologo -xml="$OUT/TestResult.xml" "$OUT/PoseBridge.Tests.dll")
status=$?
set -e
[ -f "$OUT/TestResult.xml" ] || fail "nunit-console wrote no results (exit $status)"
read -r passed failed < <("$PY" - "$OUT/TestResult.xml" <<'PYEOF'
import sys
import xml.etree.ElementTree as ET
cases = ET.parse(sys.argv[1]).getroot().iter("test-case")
passed = failed = 0
for case in cases:
    if case.get("executed") == "True" and case.get("success") == "True":
        passed += 1
    else:
        failed += 1
        print(f"not passed: {case.get('name')} ({case.get('result')})", file=sys.stderr)
print(passed, failed)
PYEOF
)
failed=$((failed + meta_failed))
echo "$passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
