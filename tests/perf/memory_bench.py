"""Memory of big runs (issue 10, defect 8): peak RSS through the lab (CLI) and the panel.

Run: ``.venv/bin/python tests/perf/memory_bench.py [--counts 1000000,10000000] [--panel 1000000]``

* CLI path: ``netsim sticky --count N --size 16 --burst --framing length --json`` in a child
  process; its peak RSS (``ru_maxrss``), wall time and whether every message arrived intact.
* Panel path: the sticky panel (offscreen) streams N messages the same way in a child process;
  its RSS at start, after a 2,000-message warm-up (the views' one-time costs), at the peak, after.

A benchmark that prints figures, not a timed test: the machine is shared and noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
MB = 1024 * 1024

PANEL_CHILD = r"""
import os, resource, sys, time, json
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, ROOT)
import psutil
from PySide6.QtCore import QCoreApplication, QEventLoop
from PySide6.QtWidgets import QApplication
from app.lessons.sticky.panel import StickyPanel
from app.main import tune_interpreter
from netsim.lessons.sticky import Scenario

tune_interpreter()
app = QApplication([])
panel = StickyPanel()
panel.resize(1400, 900)
panel.show()
for _ in range(20):
    QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
proc = psutil.Process()
first_idle = proc.memory_info().rss
# A small run first: the views' one-time costs (fonts, pixmaps, plot buffers) are not the messages'.
panel.set_controls(Scenario(count=2000, size=16, send_mode="burst", framing="length"))
panel.start_run()
while not panel.is_idle():
    QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
panel.reset()
for _ in range(20):
    QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
idle = proc.memory_info().rss
panel.set_controls(Scenario(count=COUNT, size=16, send_mode="burst", framing="length"))
t0 = time.perf_counter()
panel.start_run()
peak = idle
while not panel.is_idle():
    QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
    peak = max(peak, proc.memory_info().rss)
    if time.perf_counter() - t0 > TIMEOUT:
        break
elapsed = time.perf_counter() - t0
m = panel.model
out = {
    "first_idle_rss": first_idle, "idle_rss": idle, "peak_rss": max(peak, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024),
    "after_rss": proc.memory_info().rss, "seconds": elapsed,
    "app_messages": m.app_messages, "match": m.app_messages_match, "finished": m.finished,
    "recorder_bytes": panel.recorder.nbytes if panel.recorder is not None else 0,
}
panel.shutdown()
print(json.dumps(out))
"""


def run_child(cmd: list[str]) -> tuple[int, str, str, int, float]:
    """Run ``cmd``; (exit code, stdout, stderr, peak RSS in bytes, seconds)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # communicate() would reap the child: read its output, then wait4() for its rusage.
    out, err = _read_both(proc)
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, out, err, usage.ru_maxrss * 1024, time.perf_counter() - t0


def _read_both(proc: subprocess.Popen[str]) -> tuple[str, str]:
    """stdout and stderr to EOF without deadlock (a thread drains stderr)."""
    import threading

    err: list[str] = []
    t = threading.Thread(target=lambda: err.append(proc.stderr.read() if proc.stderr else ""))
    t.start()
    out = proc.stdout.read() if proc.stdout else ""
    t.join()
    return out, "".join(err)


def bench_cli(count: int, timeout_s: float) -> dict[str, object]:
    cmd = [
        sys.executable,
        "-c",
        "import sys; from netsim.cli import main; sys.exit(main())",
        "sticky",
        "--count",
        str(count),
        "--size",
        "16",
        "--burst",
    ]
    cmd += ["--framing", "length", "--json", "--timeout", str(timeout_s)]
    code, out, err, peak, seconds = run_child(cmd)
    row: dict[str, object] = {"path": "cli", "messages": count, "peak_rss_mb": peak / MB, "seconds": seconds}
    if code == 0:
        summary = json.loads(out)
        row["app_messages"] = summary["app_messages"]
        row["match"] = summary["app_messages_match"]
    else:
        row["error"] = err.strip()[-300:]
    return row


def bench_panel(count: int, timeout_s: float) -> dict[str, object]:
    script = (
        PANEL_CHILD.replace("ROOT", repr(ROOT))
        .replace("COUNT", str(count))
        .replace("TIMEOUT", str(timeout_s))
    )
    code, out, err, peak, seconds = run_child([sys.executable, "-c", script])
    row: dict[str, object] = {
        "path": "panel",
        "messages": count,
        "peak_rss_mb": peak / MB,
        "seconds": seconds,
    }
    if code != 0:
        row["error"] = err.strip()[-300:]
        return row
    got = json.loads(out.strip().splitlines()[-1])
    row.update(
        first_idle_rss_mb=got["first_idle_rss"] / MB,
        idle_rss_mb=got["idle_rss"] / MB,
        after_rss_mb=got["after_rss"] / MB,
        run_cost_mb=(got["peak_rss"] - got["idle_rss"]) / MB,
        recorder_mb=got["recorder_bytes"] / MB,
        app_messages=got["app_messages"],
        match=got["match"],
        seconds=got["seconds"],
    )
    return row


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--counts", default="1000000,10000000", help="message counts through the CLI")
    p.add_argument("--panel", default="1000000", help="message counts through the panel ('' for none)")
    p.add_argument("--timeout", type=float, default=1800.0, help="seconds allowed per run")
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    rows = []
    for count in [int(c) for c in args.counts.split(",") if c]:
        rows.append(bench_cli(count, args.timeout))
        print(json.dumps(rows[-1]) if args.json else _line(rows[-1]), flush=True)
    for count in [int(c) for c in args.panel.split(",") if c]:
        rows.append(bench_panel(count, args.timeout))
        print(json.dumps(rows[-1]) if args.json else _line(rows[-1]), flush=True)
    return 0 if all("error" not in r and r.get("match") for r in rows) else 1


def _line(row: dict[str, object]) -> str:
    text = f"{row['path']:5} {row['messages']:>10,} messages (burst, 16 B, length): peak RSS {row['peak_rss_mb']:.0f} MB"
    if "run_cost_mb" in row:
        text += (
            f" (app at start {row['first_idle_rss_mb']:.0f} MB, after a 2,000-message warm-up"
            f" {row['idle_rss_mb']:.0f} MB; these messages +{row['run_cost_mb']:.0f} MB,"
            f" {row['recorder_mb']:.0f} MB of it the recorder's packed rows;"
            f" after {row['after_rss_mb']:.0f} MB)"
        )
    text += f", {row['seconds']:.1f} s"
    if "error" in row:
        return text + f"  FAILED: {row['error']}"
    return text + f", {row['app_messages']:,} app messages{'' if row.get('match') else ' (MISMATCH)'}"


if __name__ == "__main__":
    raise SystemExit(main())
