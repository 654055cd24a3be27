"""``python -m tests.fuzz --seconds N [--target NAME ...] [--list]``

Fuzzes every codec, every HMAC/auth parser and handshake machine, and the trace loader, for N
seconds in all (split evenly between the targets chosen).  Prints, per target, the inputs tried,
how many ended in the package's own errors, and the peak memory one input needed; exits 1 if
any input raised anything else, broke an invariant or exceeded the memory bound (the shrunk
input is printed).  Engine: Hypothesis (atheris is not used: it has no wheels for every Python
the project supports).
"""

from __future__ import annotations

import argparse
import fnmatch
import sys
import warnings

from tests.fuzz.engine import MEMORY_FLOOR, MEMORY_PER_BYTE, fuzz
from tests.fuzz.targets import all_targets


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz", description=__doc__.split("\n\n")[1])
    parser.add_argument("--seconds", type=float, default=60.0, help="total time budget (default 60)")
    parser.add_argument(
        "--target",
        action="append",
        metavar="NAME",
        help="a target name or glob (repeatable; default: all). --list shows them",
    )
    parser.add_argument("--list", action="store_true", help="list the targets and exit")
    args = parser.parse_args(argv)
    makers = all_targets()
    if args.list:
        print("\n".join(makers))
        return 0
    names = list(makers)
    if args.target:
        names = [n for n in makers if any(fnmatch.fnmatchcase(n, pattern) for pattern in args.target)]
        if not names:
            parser.error(f"no target matches {args.target}; --list shows them")
    if not args.seconds > 0:
        parser.error("--seconds must be positive")
    share = args.seconds / len(names)
    print(
        f"fuzzing {len(names)} target(s), {share:.1f} s each; memory bound per input: "
        f"{MEMORY_PER_BYTE} B x input size + {MEMORY_FLOOR // 1024} KiB",
        flush=True,
    )
    failed = 0
    total_inputs = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Hypothesis' own advice is not a finding
        for name in names:
            stats = fuzz(makers[name](), share)
            total_inputs += stats.inputs
            print(stats.line(), flush=True)
            if stats.note:
                print(f"    note: {stats.note}")
            for finding in stats.findings:
                failed += 1
                print(f"    FINDING: {finding}", flush=True)
    print(f"{total_inputs} inputs in all; {failed} finding(s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
