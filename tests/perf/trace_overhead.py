"""Benchmark: a traced Python program sending 100,000 x 1 KiB keeps >= 50 % of its throughput.

Run:  .venv/bin/python tests/perf/trace_overhead.py [--count N]
Prints the untraced and traced throughput, their ratio, and checks that no event was lost
(every one of the N sendall() calls and every received byte is in the trace).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from netsim.lessons.tracing.events import ProgramCalled
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


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=100_000)
    ap.add_argument("--size", type=int, default=1024)
    ap.add_argument("--python", default="python3")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        prog = Path(d) / "sender.py"
        prog.write_text(PROGRAM)
        argv = [args.python, str(prog), str(args.count), str(args.size)]
        plain = min(
            float(subprocess.run(argv, capture_output=True, text=True, check=True).stdout) for _ in range(3)
        )
        traced_times = []
        for _ in range(3):
            lab = TraceLab([ProgramSpec(argv)], timeout_s=600)
            t0 = time.perf_counter()
            lab.start()
            lab.wait(900)
            lab.close()
            wall = time.perf_counter() - t0
            events = lab.recorder.events
            out = next(e for e in events if type(e).__name__ == "ProgramExited")
            traced_times.append(float(out.stdout))  # type: ignore[attr-defined]
            calls = [e for e in events if isinstance(e, ProgramCalled)]
            sends = [c for c in calls if c.call == "sendall"]
            received = sum(len(c.data) for c in calls if c.call == "recv")
            lost = args.count - len(sends)
            print(
                f"traced run: {len(calls)} events, {len(sends)} sendall of {args.count}, "
                f"{received} of {args.count * args.size} bytes received in the trace, wall {wall:.2f} s"
            )
            if lost or received != args.count * args.size or any(len(c.data) != args.size for c in sends):
                print("EVENTS LOST")
                return 1
    traced = min(traced_times)
    mib = args.count * args.size / (1 << 20)
    ratio = plain / traced
    print(f"untraced: {mib / plain:8.1f} MiB/s ({plain:.3f} s for {args.count} x {args.size} B)")
    print(f"traced:   {mib / traced:8.1f} MiB/s ({traced:.3f} s)")
    print(f"traced keeps {ratio * 100:.0f} % of the untraced throughput (target >= 50 %); no event lost")
    return 0 if ratio >= 0.5 else 1


if __name__ == "__main__":
    sys.exit(main())
