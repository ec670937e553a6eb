"""``--vmc HOST:PORT`` and its options (``serve``): the VMC protocol sender as a frame sink."""

from __future__ import annotations

import argparse
import logging
import math

from ..errors import UserError
from ..outputs.vmc import DEFAULT_PORT, DEFAULT_RATE, PRESETS, VmcOptions, VmcSender, VmcTarget, parse_target

log = logging.getLogger("bridge.vmc")


def target(text: str) -> VmcTarget:
    """``HOST:PORT`` for argparse: a bad value is a one-line error (exit 2)."""
    try:
        return parse_target(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def rate(text: str) -> float:
    """Bundles per second, 0 (once per frame) up to 1000."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0 <= value <= 1000:
        raise argparse.ArgumentTypeError(f"expected a rate in Hz from 0 (once per frame) to 1000, got {text!r}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--vmc`` (repeatable) and ``--vmc-preset``, ``-unbundled``, ``-rate``, ``-person``, ``-mirror``."""
    g = parser.add_argument_group("VMC protocol output (VSeeFace, Warudo, VNyan, EVMC4U, VMC4B; see docs/outputs.md)")
    g.add_argument(
        "--vmc",
        type=target,
        action="append",
        metavar="HOST:PORT",
        help=f"send the humanoid pose to a VMC receiver (repeatable; port default {DEFAULT_PORT}); implies --avatar",
    )
    g.add_argument(
        "--vmc-preset",
        choices=tuple(PRESETS),
        default="vseeface",
        help="the receiver's conventions (default vseeface: the avatar faces +z; 'stream': the stream's own axes)",
    )
    g.add_argument(
        "--vmc-unbundled",
        action="store_true",
        help="one datagram per OSC message instead of one bundle per frame (receivers that cannot read bundles)",
    )
    g.add_argument(
        "--vmc-rate",
        type=rate,
        default=DEFAULT_RATE,
        metavar="HZ",
        help=f"send the newest pose at this steady rate (default {DEFAULT_RATE:g}); 0: once per source frame",
    )
    g.add_argument(
        "--vmc-person",
        type=int,
        default=0,
        metavar="ID",
        help="with --max-people: the id of the person to send (default 0: the primary person)",
    )
    g.add_argument("--vmc-mirror", action="store_true", help="swap left and right (a mirror image)")


def wanted(args: argparse.Namespace) -> bool:
    """True when ``--vmc`` was given; raises :class:`UserError` for ``--vmc-*`` options without it."""
    if getattr(args, "vmc", None):
        return True
    for flag in ("vmc_unbundled", "vmc_mirror"):
        if getattr(args, flag, False):
            raise UserError(f"--{flag.replace('_', '-')} needs --vmc HOST:PORT")
    if getattr(args, "vmc_person", 0):
        raise UserError("--vmc-person needs --vmc HOST:PORT")
    return False


def sender_from_args(args: argparse.Namespace, max_people: int) -> VmcSender | None:
    """The sender asked for with ``--vmc`` (``None`` without it). Raises :class:`UserError` for bad options.

    ``max_people``: how many people the stream tracks; ``--vmc-person`` above 0 needs more than one.
    """
    if not wanted(args):
        return None
    if args.vmc_person < 0:
        raise UserError(f"--vmc-person must be an id >= 1 (or 0 for the primary person), got {args.vmc_person}")
    if args.vmc_person and max_people <= 1:
        raise UserError("--vmc-person needs a stream of several people (--max-people N above 1)")
    options = VmcOptions(
        preset=args.vmc_preset,
        bundle=not args.vmc_unbundled,
        rate=args.vmc_rate,
        person=args.vmc_person,
        mirror=args.vmc_mirror,
    )
    return VmcSender(args.vmc, options)
