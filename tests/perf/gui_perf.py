"""GUI responsiveness and memory while the sticky-packet panel streams (issue 3's acceptance).

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python tests/perf/gui_perf.py [--json]``

1. Streams 100,000 messages of 64 B with no receiver delay through the panel while a 10 ms
   heartbeat ``QTimer`` on the GUI thread records how late each tick is.  Prints max, p99, p50.
(After one small warm-up run.)
2. Streams 100 MB (102,400 messages of 1 KiB, length-prefixed) through the panel and prints the
   process's RSS afterwards.

A benchmark that prints figures, not a timed test: the machine is shared and noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))

import psutil
from PySide6.QtCore import QCoreApplication, QElapsedTimer, QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from app.lessons.sticky.panel import StickyPanel
from app.main import tune_interpreter
from netsim.lessons.sticky import Scenario


def stream(panel: StickyPanel, scenario: Scenario, heartbeat_ms: int = 10) -> dict[str, float]:
    panel.set_controls(scenario)
    panel._explicit = None
    lateness: list[float] = []
    clock = QElapsedTimer()
    beat = QTimer()
    beat.setInterval(heartbeat_ms)
    last = [0]

    def tick() -> None:
        now = clock.nsecsElapsed()
        if last[0]:
            lateness.append(max(0.0, (now - last[0]) / 1e6 - heartbeat_ms))
        last[0] = now

    beat.timeout.connect(tick)
    clock.start()
    beat.start()
    t0 = time.perf_counter()
    panel.start_run()
    while not panel.is_idle():
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
        time.sleep(0.001)
    elapsed = time.perf_counter() - t0
    beat.stop()
    lateness.sort()
    m = panel.model
    return {
        "messages": m.app_messages,
        "match": m.app_messages_match,
        "seconds": round(elapsed, 2),
        "heartbeats": len(lateness),
        "late_max_ms": round(lateness[-1], 1) if lateness else 0.0,
        "late_p99_ms": round(lateness[int(len(lateness) * 0.99) - 1], 1) if lateness else 0.0,
        "late_p50_ms": round(statistics.median(lateness), 2) if lateness else 0.0,
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    tune_interpreter()  # as netsim-lab does
    panel = StickyPanel()
    panel.resize(1600, 1000)
    panel.show()
    proc = psutil.Process()
    # Warm up once (first paints, font caches, pyqtgraph's first axis layout): start-up is
    # measured elsewhere (netsim-lab --startup-time); this measures a panel in use.
    stream(panel, Scenario(count=5_000, size=64, framing="length", recv_bytes=65536))
    rss0 = proc.memory_info().rss / 2**20
    small = stream(panel, Scenario(count=100_000, size=64, framing="length", recv_bytes=65536))
    big = stream(panel, Scenario(count=102_400, size=1024, framing="length", recv_bytes=65536))
    rss1 = proc.memory_info().rss / 2**20
    panel.shutdown()
    result = {
        "stream_100k_x_64B": small,
        "stream_100MB": big,
        "rss_start_mb": round(rss0),
        "rss_after_100MB_mb": round(rss1),
        "cpus": os.cpu_count(),
        "load": os.getloadavg()[0],
    }
    del app
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        s = small
        print(f"100,000 x 64 B: {s['messages']} app messages in {s['seconds']} s, match={s['match']}")
        print(
            f"  GUI heartbeat (10 ms) lateness: max {s['late_max_ms']} ms (target < 100), "
            f"p99 {s['late_p99_ms']} ms (target < 20), p50 {s['late_p50_ms']} ms"
        )
        b = big
        print(f"100 MB as 102,400 x 1 KiB: {b['messages']} messages in {b['seconds']} s, match={b['match']}")
        print(f"  heartbeat lateness: max {b['late_max_ms']} ms, p99 {b['late_p99_ms']} ms")
        print(
            f"RSS: {result['rss_start_mb']} MB at start, {result['rss_after_100MB_mb']} MB after 100 MB (target < 400)"
        )
    ok = small["late_max_ms"] < 100 and small["late_p99_ms"] < 20 and result["rss_after_100MB_mb"] < 400
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
