"""Animated export, measured for every panel that can replay a run (issue 14's acceptance).

Run: ``.venv/bin/python tests/perf/animation_bench.py [--fps 10] [--seconds 4] [--window-size 1280x720] [--json]``

For each animatable panel: a real run of its preset recorded, replayed at a fixed frame rate
offscreen and written as a GIF (the same code as ``netsim-lab --animate``).  Prints the frames
rendered (fps x duration, before merging unchanged ones), the frames written, the file size and
the seconds spent recording, rendering and encoding.  The acceptance line for the sticky panel:
>= 20 frames, <= 3 MB, <= 30 s in all at 1280x720.

A benchmark that prints figures, not a timed test: the machine is shared and noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))

from PySide6.QtWidgets import QApplication

from app.main import window_size
from app.shell.animation import ClipSettings, export_animation, make_panel, panel_classes
from app.shell.i18n import Translations
from app.shell.theme import Theme

# The preset each panel is measured with (the sticky one is the acceptance command's).
PRESETS = {"sticky": "hello-world", "handshake": "normal", "hmac": "good"}
LIMIT_BYTES = 3 * 1024 * 1024
LIMIT_S = 30.0


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--fps", type=int, default=10)
    p.add_argument("--seconds", type=float, default=4.0)
    p.add_argument("--window-size", type=window_size, default=(1280, 720))
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    app = QApplication.instance() or QApplication([])
    Translations().install("en")
    theme = Theme(app)
    theme.apply(app)
    settings = ClipSettings(fps=args.fps, seconds=args.seconds)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for panel_id in panel_classes():
            panel = make_panel(panel_id, theme)
            if not panel.can_animate():
                panel.shutdown()
                rows.append({"panel": panel_id, "animates": False})
                continue
            t0 = time.monotonic()
            report = export_animation(
                panel,
                Path(tmp) / f"{panel_id}.gif",
                size=args.window_size,
                preset_id=PRESETS.get(panel_id),
                settings=settings,
            )
            wall = time.monotonic() - t0
            rows.append(
                {
                    "panel": panel_id,
                    "animates": True,
                    "preset": PRESETS.get(panel_id),
                    "frames_rendered": report.frames_rendered,
                    "frames_expected": settings.frames,
                    "frames_written": report.frames_written,
                    "bytes": report.bytes_written,
                    "events": report.events,
                    "run_span_s": round(report.run_span_s, 3),
                    "record_s": round(report.record_s, 2),
                    "render_s": round(report.render_s, 2),
                    "encode_s": round(report.encode_s, 2),
                    "wall_s": round(wall, 2),
                    "within_limits": report.frames_rendered >= 20
                    and report.bytes_written <= LIMIT_BYTES
                    and wall <= LIMIT_S,
                }
            )
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    w, h = args.window_size
    print(f"animated export at {w}x{h}, {args.fps} fps x {args.seconds} s = {settings.frames} frames")
    print(
        f"{'panel':<13}{'preset':<13}{'frames':>8}{'written':>9}{'KiB':>8}{'record':>8}{'render':>8}"
        f"{'encode':>8}{'wall s':>8}  ok"
    )
    for r in rows:
        if not r["animates"]:
            print(f"{r['panel']:<13}(no frame-by-frame replay: stills only)")
            continue
        print(
            f"{r['panel']:<13}{r['preset']:<13}{r['frames_rendered']:>8}{r['frames_written']:>9}"
            f"{r['bytes'] / 1024:>8.0f}{r['record_s']:>8.1f}{r['render_s']:>8.1f}{r['encode_s']:>8.1f}"
            f"{r['wall_s']:>8.1f}  {'yes' if r['within_limits'] else 'NO'}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
