#!/usr/bin/env python3
"""Check (or write) the Unity ``.meta`` files of the package in ``unity/``.

Unity needs a ``.meta`` file (with a GUID) next to every asset and folder of a package installed from a git URL:
such packages are read-only, and Unity ignores files without one ("has no meta file, but it's in an immutable
folder"). Folders ending in ``~`` (``Samples~``, ``Documentation~``) and dot-files are not imported, so they need
none.

    python3 tests/csharp/unity_meta.py            # check: list missing/orphaned .meta files, exit 1 if any
    python3 tests/csharp/unity_meta.py --write    # create the missing ones (GUIDs derived from the path)

GUIDs are the MD5 of ``com.posebridge.client/<path>``, so regenerating gives the same GUID.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "unity"
NAME = "com.posebridge.client"

_TAIL = "  externalObjects: {}\n  userData: \n  assetBundleName: \n  assetBundleVariant: \n"
_IMPORTERS = {
    ".cs": "MonoImporter:\n  externalObjects: {}\n  serializedVersion: 2\n  defaultReferences: []\n"
    "  executionOrder: 0\n  icon: {instanceID: 0}\n  userData: \n  assetBundleName: \n  assetBundleVariant: \n",
    ".asmdef": "AssemblyDefinitionImporter:\n" + _TAIL,
}
_TEXT = "TextScriptImporter:\n" + _TAIL
_MANIFEST = "PackageManifestImporter:\n" + _TAIL
_FOLDER = "folderAsset: yes\nDefaultImporter:\n" + _TAIL
_DEFAULT = "DefaultImporter:\n" + _TAIL


def _hidden(rel: Path) -> bool:
    return any(part.startswith(".") or part.endswith("~") for part in rel.parts)


def assets(root: Path = PACKAGE) -> list[Path]:
    """Every file and folder Unity imports from the package (relative paths), without .meta files."""
    out = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if _hidden(rel) or path.suffix == ".meta":
            continue
        out.append(rel)
    return out


def meta_text(rel: Path, is_dir: bool) -> str:
    guid = hashlib.md5(f"{NAME}/{rel.as_posix()}".encode()).hexdigest()
    if is_dir:
        body = _FOLDER
    elif rel.as_posix() == "package.json":
        body = _MANIFEST
    elif rel.suffix in _IMPORTERS:
        body = _IMPORTERS[rel.suffix]
    elif rel.suffix in (".md", ".txt", ".json"):
        body = _TEXT
    else:
        body = _DEFAULT
    return f"fileFormatVersion: 2\nguid: {guid}\n{body}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--write", action="store_true", help="create missing .meta files")
    parser.add_argument("paths", nargs="*", type=Path, help="only these files/folders (default: the whole package)")
    args = parser.parse_args(argv)
    wanted = {p.resolve() for p in args.paths}
    missing = []
    for rel in assets():
        path = PACKAGE / rel
        if wanted and not any(path == w or w in path.parents for w in wanted):
            continue
        meta = path.with_name(path.name + ".meta")
        if not meta.exists():
            missing.append(meta)
            if args.write:
                meta.write_text(meta_text(rel, path.is_dir()), encoding="utf-8")
    orphans = [m for m in PACKAGE.rglob("*.meta") if not m.with_suffix("").exists()]
    for m in orphans:
        print(f"orphaned: {m.relative_to(PACKAGE.parent)} (its asset is gone: delete it)", file=sys.stderr)
    if args.write:
        for m in missing:
            print(f"wrote {m.relative_to(PACKAGE.parent)}")
        return 1 if orphans else 0
    for m in missing:
        hint = "run python3 tests/csharp/unity_meta.py --write"
        print(f"missing: {m.relative_to(PACKAGE.parent)} ({hint})", file=sys.stderr)
    return 1 if missing or orphans else 0


if __name__ == "__main__":
    raise SystemExit(main())
