"""The ``pose-bridge`` command line: one subcommand per module in :mod:`bridge.commands`.

A command module defines ``HELP`` (one line), ``add_arguments(parser)`` and
``run(args) -> int``; ``DESCRIPTION`` is optional. Modules are discovered, so
adding a command touches no shared file.

Errors the user can act on (:class:`~bridge.errors.UserError`, bad arguments)
print one line and exit with code 2, without a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import pkgutil
import sys
from types import ModuleType

from . import __version__, commands
from .errors import UserError, missing_library_message

EXIT_USER_ERROR = 2


def _command_modules() -> dict[str, ModuleType]:
    found = {}
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        found[info.name] = module
    return found


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        """One line on stderr and exit code 2 (argparse would print the whole usage)."""
        self.exit(EXIT_USER_ERROR, f"{self.prog}: error: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="pose-bridge", description=__doc__.splitlines()[0] if __doc__ else None)
    parser.description = "MediaPipe BlazePose over WebSocket to Unity and other clients."
    parser.add_argument("--version", action="version", version=f"pose-bridge {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more logging (-vv for debug)")
    parser.add_argument("-q", "--quiet", action="store_true", help="only warnings and errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, module in _command_modules().items():
        p = sub.add_parser(
            name,
            help=module.HELP,
            description=getattr(module, "DESCRIPTION", module.HELP),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        # -v/-q also after the subcommand (``pose-bridge serve -q``); SUPPRESS keeps the top-level value otherwise.
        p.add_argument("-v", "--verbose", action="count", default=argparse.SUPPRESS, help="more logging (-vv: debug)")
        p.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS, help="only warnings and errors")
        module.add_arguments(p)
        p.set_defaults(_run=module.run)
    return parser


def _setup_logging(verbose: int, quiet: bool) -> None:
    level = logging.WARNING if quiet else logging.DEBUG if verbose > 1 else logging.INFO
    logging.basicConfig(level=level, format="%(asctime)s %(name)s %(levelname)s %(message)s", stream=sys.stderr)
    if verbose < 2:
        logging.getLogger("websockets").setLevel(logging.WARNING)  # we log connects ourselves
    # Quieten MediaPipe/TensorFlow Lite's C++ logging unless asked for.
    if verbose < 2:
        os.environ.setdefault("GLOG_minloglevel", "2")
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit code (0 ok, 2 user error, 130 interrupted)."""
    try:
        parser = build_parser()
    except ImportError as exc:  # the commands import OpenCV: without its system libraries, even --help fails
        message = missing_library_message(exc)
        if message is None:
            raise
        print(f"pose-bridge: error: {message}", file=sys.stderr)
        return EXIT_USER_ERROR
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        parser.print_help()
        return EXIT_USER_ERROR
    _setup_logging(args.verbose, args.quiet)
    try:
        return int(args._run(args) or 0)
    except UserError as exc:
        print(f"pose-bridge: error: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("pose-bridge: interrupted", file=sys.stderr)
        return 130
