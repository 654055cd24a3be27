"""``netsim``: the headless twin of every panel.

Each sub-command lives in its own module under ``netsim.cli`` with a ``register(subparsers)``
function that adds its parser and sets ``func`` (returning the exit status).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

# One module per command group; each module's register() adds one or more sub-commands.
# A lesson's commands live in its own package (``netsim/lessons/<name>/cli.py``).
_COMMAND_MODULES: tuple[str, ...] = (
    "netsim.lessons.sticky.cli",
    "netsim.lessons.chat.cli",
    "netsim.lessons.handshake.cli",
    "netsim.lessons.hmac.cli",
    "netsim.cli.bench",
    "netsim.lessons.servers.cli",
    "netsim.lessons.addresses.cli",
    "netsim.lessons.tracing.cli",
    "netsim.lessons.clientserver.cli",
    "netsim.lessons.relay.cli",
    "netsim.lessons.sticky.quiz_cli",
    "netsim.lessons.classroom.cli",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="netsim",
        description="NetSim Lab, headless: real sockets on loopback, printed as text or JSON.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in _COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `netsim sticky ... | head`: the reader left; say nothing more
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
