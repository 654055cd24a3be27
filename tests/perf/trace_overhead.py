"""Benchmark: a traced Python program sending 100,000 x 1 KiB keeps >= 50 % of its throughput.

Run:  .venv/bin/python tests/perf/trace_overhead.py [--count N] [--rounds R]

Untraced and traced runs alternate (R rounds), so a busy machine slows both alike; the figure is
the median of each round's traced/untraced ratio.  The CPU time the program itself used (user +
system, from the kernel's accounting of our children) is printed too: unlike wall time it does
not depend on what else the machine is doing.  Every run checks that no event was lost: all N
sendall() calls and every received byte are in the trace.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from netsim.lessons.tracing.events import ProgramCalled, ProgramExited
from netsim.lessons.tracing.session import ProgramSpec, TraceLab

PROGRAM = r"""
import socket, sys, threading, time
count, size = int(sys.argv[1]), int(sys.argv[2])
listener = socket.create_server(("127.0.0.1", 0))
port = listener.getsockname()[1]
got = [0]
def receive():
    conn, _ = listener.accept()
    while True:
        chunk = conn.recv(65536)
        if not chunk:
            break
        got[0] += len(chunk)
    conn.close()
t = threading.Thread(target=receive)
t.start()
s = socket.create_connection(("127.0.0.1", port))
payload = b"x" * size
t0 = time.perf_counter()
for _ in range(count):
    s.sendall(payload)
s.close()
t.join()
elapsed = time.perf_counter() - t0
listener.close()
assert got[0] == count * size, got[0]
print(f"{elapsed:.6f}")
"""


def _child_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=100_000)
    ap.add_argument("--size", type=int, default=1024)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument(
        "--spill-mib", type=int, default=64, help="netsim keeps this much in memory, then spills to a file"
    )
    ap.add_argument("--python", default="python3")
    args = ap.parse_args()
    ratios, cpu_ratios, plains, traceds = [], [], [], []
    with tempfile.TemporaryDirectory() as d:
        prog = Path(d) / "sender.py"
        prog.write_text(PROGRAM)
        argv = [args.python, str(prog), str(args.count), str(args.size)]
        for _ in range(args.rounds):
            cpu0 = _child_cpu()
            plain = float(subprocess.run(argv, capture_output=True, text=True, check=True).stdout)
            cpu_plain = _child_cpu() - cpu0
            lab = TraceLab(
                [ProgramSpec(argv)], timeout_s=600, live=False, spill_bound_bytes=args.spill_mib << 20
            )
            cpu0 = _child_cpu()
            t0 = time.perf_counter()
            lab.start()
            lab.wait(900)
            lab.close()
            wall = time.perf_counter() - t0
            cpu_traced = _child_cpu() - cpu0
            events = lab.recorder.events
            out = next(e for e in events if isinstance(e, ProgramExited))
            traced = float(out.stdout)
            calls = [e for e in events if isinstance(e, ProgramCalled)]
            sends = [c for c in calls if c.call == "sendall"]
            received = sum(len(c.data) for c in calls if c.call == "recv")
            print(
                f"untraced {plain:.3f} s; traced {traced:.3f} s ({len(calls)} events, {len(sends)} of "
                f"{args.count} sendall, {received} of {args.count * args.size} bytes received in the "
                f"trace, whole traced run {wall:.2f} s); program CPU {cpu_plain:.2f} s vs {cpu_traced:.2f} s"
            )
            if len(sends) != args.count or received != args.count * args.size:
                print("EVENTS LOST")
                return 1
            if any(c.data != b"x" * args.size for c in sends):
                print("WRONG BYTES IN THE TRACE")
                return 1
            plains.append(plain)
            traceds.append(traced)
            ratios.append(plain / traced)
            cpu_ratios.append(cpu_plain / cpu_traced)
    mib = args.count * args.size / (1 << 20)
    ratio = statistics.median(ratios)
    print(f"untraced: {mib / statistics.median(plains):8.1f} MiB/s (median of {args.rounds})")
    print(f"traced:   {mib / statistics.median(traceds):8.1f} MiB/s")
    print(
        f"traced keeps {ratio * 100:.0f} % of the untraced throughput (median of the rounds' ratios; "
        f"target >= 50 %); CPU: the untraced program used {statistics.median(cpu_ratios) * 100:.0f} % "
        "of the traced one's; no event lost"
    )
    return 0 if ratio >= 0.5 else 1


if __name__ == "__main__":
    sys.exit(main())
