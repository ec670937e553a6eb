"""Which videos a batch reads and which files it writes: input expansion, output names, atomic outputs.

Pure path logic and small file operations, no Dask and no MediaPipe, so that the command can check
everything (and exit 2 on a mistake) before a cluster starts.

Inputs (:func:`expand_inputs`) are, in the order given, with duplicates dropped:

- a **file** (or an image sequence pattern such as ``frames/%04d.png``): taken as is, whatever its
  extension (a file that is not a video fails at run time, alone);
- a **directory**: every video in it and below (by extension: :data:`VIDEO_EXTENSIONS`, any case),
  hidden files and folders skipped, sorted;
- a **glob** (``'clips/**/*.mp4'``, quoted so the shell leaves it to us; ``**`` recurses): every file
  it matches; a directory it matches is read like a directory argument.

A path that does not exist, a glob that matches nothing and a directory without a video are user
errors: a typo should not cost hours of work before it shows.

Outputs (:func:`plan_outputs`) go to one directory, one per input, named after it with the format's
extension: ``walk.mp4`` → ``OUT/walk.jsonl``; inputs found through a directory or glob keep their
path below it (``data/s1/walk.mp4`` from ``data`` → ``OUT/s1/walk.jsonl``), so that ``s1/walk.mp4``
and ``s2/walk.mp4`` do not collide; an image sequence ``shots/%04d.png`` is named after its folder
(``OUT/shots.jsonl``). Two inputs that would still write the same file are a user error naming both.

Atomic outputs: a task writes to a hidden temporary name beside the output (:func:`temp_path`) and
renames it when the file is complete, so an output that exists under its final name is complete;
an interrupted or killed task leaves at most a temporary file, which :func:`remove_temp_files`
deletes.
"""

from __future__ import annotations

import glob
import os
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import FormatError, UserError
from ..formats import open_reader

#: Extensions a directory argument is searched for (compared case-insensitively).
VIDEO_EXTENSIONS = frozenset(
    ".mp4 .m4v .mov .avi .mkv .webm .mpg .mpeg .wmv .flv .mts .m2ts .ts .3gp .ogv .mjpeg .y4m".split()
)

#: Suffix of the temporary files outputs are written to before they are renamed.
TEMP_SUFFIX = ".part"


@dataclass(frozen=True, slots=True)
class Input:
    """One video to process: its path as given or found, and its output name relative to the output folder."""

    path: str
    #: Output path relative to the output directory, without the format's extension (``s1/walk``).
    name: str


def _is_pattern(spec: str) -> bool:
    """An image sequence pattern (``%04d`` in the file name), which OpenCV reads as one video."""
    return "%" in os.path.basename(spec)


def _hidden(rel: Path) -> bool:
    return any(part.startswith(".") for part in rel.parts)


def _videos_below(directory: Path) -> list[Path]:
    found = []
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for f in sorted(files):
            if not f.startswith(".") and Path(f).suffix.lower() in VIDEO_EXTENSIONS:
                found.append(Path(root) / f)
    return found


def _glob_base(pattern: str) -> Path:
    """The part of a glob before its first wildcard: outputs keep their path below it."""
    parts = Path(pattern).parts
    fixed: list[str] = []
    for part in parts:
        if glob.has_magic(part):
            break
        fixed.append(part)
    return Path(*fixed) if fixed else Path(".")


def _name(path: Path, base: Path | None) -> str:
    if _is_pattern(str(path)):  # frames/%04d.png -> frames
        stem_path = path.parent
        rel = stem_path.relative_to(base) if base is not None and stem_path != base else Path(stem_path.name)
        return rel.as_posix() or "sequence"
    rel = path.relative_to(base) if base is not None else Path(path.name)
    return rel.with_suffix("").as_posix()


def expand_inputs(specs: Sequence[str]) -> list[Input]:
    """The inputs named by ``specs`` (files, directories, globs), in order, each once.

    Raises :class:`UserError` for a path that does not exist, a glob that matches nothing, a directory
    holding no video, or no input at all.
    """
    found: list[Input] = []
    seen: set[str] = set()

    def add(path: Path, base: Path | None) -> None:
        key = os.path.normcase(os.path.abspath(path))
        if key not in seen:
            seen.add(key)
            found.append(Input(str(path), _name(path, base)))

    def add_directory(directory: Path) -> None:
        videos = _videos_below(directory)
        if not videos:
            raise UserError(f"{directory}: no video in this folder (looked for {', '.join(sorted(VIDEO_EXTENSIONS))})")
        for v in videos:
            add(v, directory)

    for spec in specs:
        path = Path(spec)
        if _is_pattern(spec):
            if not path.parent.is_dir():
                raise UserError(f"no such folder for the image sequence {spec}: {path.parent}")
            add(path, None)
        elif path.is_dir():
            add_directory(path)
        elif path.exists():
            add(path, None)
        elif glob.has_magic(spec):
            matches = sorted(glob.glob(spec, recursive=True))
            if not matches:
                raise UserError(f"{spec}: matches no file")
            base = _glob_base(spec)
            for m in matches:
                mp = Path(m)
                if mp.is_dir():
                    add_directory(mp)
                elif not _hidden(mp.relative_to(base) if mp.is_relative_to(base) else Path(mp.name)):
                    add(mp, base)
        else:
            raise UserError(f"no such file: {spec}")
    if not found:
        raise UserError("no input to process")
    return found


def plan_outputs(inputs: Iterable[Input], out_dir: Path, fmt: str) -> list[Path]:
    """``out_dir / (input.name + '.' + fmt)`` for each input; :class:`UserError` when two would collide."""
    outputs: list[Path] = []
    owner: dict[str, str] = {}
    for item in inputs:
        out = out_dir / f"{item.name}.{fmt}"
        key = os.path.normcase(os.path.abspath(out))
        if key in owner:
            raise UserError(f"{owner[key]} and {item.path} would both be written to {out}: extract them separately")
        owner[key] = item.path
        outputs.append(out)
    return outputs


def check_output_dir(out_dir: Path) -> None:
    """Raise :class:`UserError` when ``out_dir`` is a file or could not be created or written."""
    probe = out_dir
    while not probe.exists():
        if probe.parent == probe:
            break
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        raise UserError(f"cannot write to {out_dir}: {probe} is a file, not a directory")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise UserError(f"cannot write to {out_dir}: {probe} is not writable")


def temp_path(out: str | os.PathLike[str]) -> Path:
    """A fresh hidden temporary name beside ``out``: ``.NAME.<random>.part`` (unique per attempt, so two attempts
    of one task — a worker presumed dead that was not — never write to the same file)."""
    p = Path(out)
    return p.with_name(f".{p.name}.{uuid.uuid4().hex[:12]}{TEMP_SUFFIX}")


def temp_files(out: str | os.PathLike[str]) -> list[Path]:
    """The temporary files :func:`temp_path` made for ``out`` that are still there."""
    p = Path(out)
    if not p.parent.is_dir():
        return []
    return sorted(p.parent.glob(f".{glob.escape(p.name)}.*{TEMP_SUFFIX}"))


def remove_temp_files(outputs: Iterable[str | os.PathLike[str]]) -> int:
    """Delete what interrupted or killed tasks left for ``outputs``; returns how many files were removed."""
    removed = 0
    for out in outputs:
        for tmp in temp_files(out):
            try:
                tmp.unlink()
                removed += 1
            except FileNotFoundError:
                pass
    return removed


def is_complete(out: str | os.PathLike[str], fmt: str | None = None) -> bool:
    """True when ``out`` exists under its final name and reads back to its end (what ``--resume`` skips).

    Only a finished task renames its temporary file to the final name, so existence is what makes a batch
    output complete; reading it through catches a file from elsewhere that was cut short (e.g. one left by
    an interrupted ``extract`` of an older version): a malformed or truncated file is not complete. A file
    that is complete but was made with other options (``--coords``, ``--model``) counts as complete.
    """
    p = Path(out)
    if not p.is_file():
        return False
    try:
        reader = open_reader(p, fmt)
        for _ in reader:
            pass
    except (FormatError, UserError, OSError, ValueError):
        return False
    return not reader.truncated
