"""CLI subcommands, discovered by :mod:`bridge.cli`: one module each."""
