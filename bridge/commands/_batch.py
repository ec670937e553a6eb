"""Options shared by the batch commands (``extract``, ``study``): where they run, and their summaries."""

from __future__ import annotations

import argparse
import os

from ..errors import UserError
from ._options import positive_int


def add_batch_arguments(parser: argparse.ArgumentParser, resume_help: str) -> None:
    """``--workers``, ``--scheduler`` and ``--resume``."""
    group = parser.add_argument_group("running on many cores or a Dask cluster")
    where = group.add_mutually_exclusive_group()
    where.add_argument(
        "--workers",
        type=positive_int,
        metavar="N",
        help="worker processes of the local cluster (default: this machine's cores, at most one per task)",
    )
    where.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run on an existing Dask cluster (tcp://HOST:PORT) instead of local processes; its workers need "
        "pose-bridge installed and the inputs, outputs and model at the same paths",
    )
    group.add_argument("--resume", action="store_true", help=resume_help)


def local_workers(args: argparse.Namespace, tasks: int) -> int | None:
    """Processes for the local cluster: ``--workers`` or the cores, never more than ``tasks``; None with --scheduler."""
    from ..batch import default_workers  # Dask: imported when a batch runs, not at every start of the CLI

    if args.scheduler is not None:
        return None
    return max(1, min(args.workers or default_workers(), tasks))


def check_scheduler(address: str | None) -> None:
    """A user error for an address that cannot be a scheduler's (before anything starts)."""
    if address is not None and (not address.strip() or any(c.isspace() for c in address)):
        raise UserError(f"--scheduler expects an address such as tcp://10.0.0.5:8786, got {address!r}")


def shorten(path: str, width: int) -> str:
    """``path`` cut from the left to ``width`` characters (``…/dir/file.mp4``)."""
    return path if len(path) <= width else "…" + path[-(width - 1) :]


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def rel(path: str | os.PathLike[str]) -> str:
    """``path`` relative to the working directory when it is below it (shorter tables)."""
    p = os.fspath(path)
    try:
        r = os.path.relpath(p)
    except ValueError:  # another drive (Windows)
        return p
    return p if r.startswith("..") else r
