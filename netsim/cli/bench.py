"""``netsim bench``: decoder throughput on real loopback TCP (see :mod:`netsim.bench`)."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from typing import Any


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be positive, not {text}")
    return value


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "bench",
        help="measure the length-prefix decoder against raw recv_into and asyncio on loopback",
        description=(
            "Over real loopback TCP, with a separate sender process, interleave rounds of: a raw "
            "recv_into loop (no decoding), this project's LengthPrefixCodec decoder at 1 KiB and "
            "16 B frames, and an asyncio readexactly loop. Print medians and the two target "
            "ratios. Exits 1 if any receiver did not get exactly the messages sent."
        ),
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--rounds", type=_positive_int, default=5, metavar="N", help="interleaved rounds (default 5)"
    )
    parser.add_argument(
        "--megabytes",
        type=_positive_float,
        default=32.0,
        metavar="MB",
        help="megabytes (10^6 bytes) sent per measurement per round (default 32)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # Imported here so that `netsim --help` stays cheap.
    from netsim.bench import BenchError, format_report, run_bench

    def progress(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    try:
        report = run_bench(
            megabytes=args.megabytes,
            rounds=args.rounds,
            progress=None if args.json else progress,
        )
    except (BenchError, OSError, subprocess.SubprocessError) as exc:
        print(f"netsim bench: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(format_report(report))
    return 0 if report["verified"] else 1
