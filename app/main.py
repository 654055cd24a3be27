"""``netsim-lab``: start the GUI, or render offscreen: every panel to PNG (``--screenshot DIR``),
one panel's run to an animated GIF (``--animate FILE``), the teaching guide's pictures
(``--docs-media DIR``); or install the desktop entry (``--install-desktop-entry``)."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from app.shell.main_window import MainWindow


def window_size(text: str) -> tuple[int, int]:
    """``1280x720`` -> (1280, 720)."""
    w, sep, h = text.lower().partition("x")
    try:
        size = (int(w), int(h))
    except ValueError:
        size = (0, 0)
    if not sep or not (200 <= size[0] <= 10_000 and 200 <= size[1] <= 10_000):
        raise argparse.ArgumentTypeError(f"{text!r} is not a window size like 1280x720 (200 to 10000 each)")
    return size


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="netsim-lab", description="NetSim Lab: watch real sockets on loopback.")
    p.add_argument("--lang", choices=("en", "zh_CN"), help="interface language (default: the system's)")
    p.add_argument("--scale", type=float, help="presenter zoom, e.g. 1.5")
    p.add_argument(
        "--screenshot",
        metavar="DIR",
        help="run each panel's default preset offscreen, save one PNG per panel into DIR, and exit",
    )
    p.add_argument(
        "--panel", help="with --screenshot: only this panel id; with --animate: the panel to record"
    )
    p.add_argument(
        "--window-size",
        metavar="WxH",
        type=window_size,
        help="with --screenshot or --animate: render at exactly this size, e.g. 1280x720 (a projector)",
    )
    anim = p.add_argument_group("animated export")
    anim.add_argument(
        "--animate",
        metavar="FILE",
        help="record a real run of --panel's preset, replay it frame by frame offscreen, write an "
        "animated GIF to FILE (or an MP4 if FILE ends in .mp4 and PyAV is installed), and exit",
    )
    anim.add_argument("--preset", help="with --animate: the preset to run (default: the panel's default)")
    anim.add_argument("--fps", type=int, default=10, help="with --animate: frames per second (default 10)")
    anim.add_argument(
        "--seconds", type=float, default=4.0, help="with --animate: length of the clip (default 4)"
    )
    anim.add_argument(
        "--docs-media",
        metavar="DIR",
        help="regenerate every picture and animation of docs/teaching*.md into DIR, and exit",
    )
    p.add_argument(
        "--install-desktop-entry",
        nargs="?",
        const="install",
        choices=("install", "print"),
        help="install the .desktop entry and icon under $XDG_DATA_HOME (~/.local/share); "
        "'print' only prints the entry",
    )
    p.add_argument(
        "--max-trace-mb",
        type=float,
        metavar="MB",
        help="open trace files up to this size (default 256 MB)",
    )
    p.add_argument(
        "--startup-time",
        action="store_true",
        help="print the seconds from process start until the window shows, then quit",
    )
    return p.parse_args(argv)


GUI_SWITCH_INTERVAL_S = 0.001


def process_age_s() -> float:
    """Seconds since this process started (Linux: /proc start time against the boot clock).

    ``psutil.Process().create_time()`` is no good here: it adds the start ticks to a boot time
    counted in whole seconds, so it can be off by up to a second.
    """
    try:
        with open("/proc/self/stat") as f:
            fields = f.read().rpartition(")")[2].split()
        start_ticks = int(fields[19])  # field 22 of proc(5), counted after the ")"
        return time.clock_gettime(time.CLOCK_BOOTTIME) - start_ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return float("nan")


def tune_interpreter() -> None:
    """Let the GUI thread get the GIL back quickly from busy socket workers.

    Every Qt call may release and re-take the GIL; with the default 5 ms switch interval a paint
    of a few dozen calls can wait 100 ms behind two streaming worker threads.  1 ms keeps the
    window responsive at a small cost in worker throughput, the right trade in a teaching app.
    """
    sys.setswitchinterval(GUI_SWITCH_INTERVAL_S)
    from netsim.core.memory import tune_allocator

    tune_allocator()  # big runs' columns in their own mappings: no resident holes (netsim.core.memory)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.install_desktop_entry:
        from app.shell.desktop import install_desktop_entry

        return install_desktop_entry(print_only=args.install_desktop_entry == "print")
    if args.animate:
        problem = _animate_args_problem(args)
        if problem:
            print(f"netsim-lab: {problem}", file=sys.stderr)
            return 2
    tune_interpreter()
    if args.max_trace_mb is not None:
        if not args.max_trace_mb > 0:
            print("netsim-lab: --max-trace-mb must be a positive number", file=sys.stderr)
            return 2
        os.environ["NETSIM_MAX_TRACE_MB"] = str(args.max_trace_mb)  # read by the panels that open traces
    offscreen = bool(args.screenshot or args.animate or args.docs_media)
    if offscreen:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from app.shell.i18n import Translations, system_language
    from app.shell.main_window import MainWindow

    app = QApplication.instance() or QApplication(list(sys.argv[:1]))
    assert isinstance(app, QApplication)
    from app.shell.gui_gc import GuiGarbageCollector, dispose_windows

    collector = GuiGarbageCollector(app)  # never finalize Qt objects in a worker thread
    collector.start()
    try:
        app.setApplicationName("NetSim Lab")
        app.setOrganizationName("NetSim Lab")
        app.setDesktopFileName("netsim-lab")  # Wayland and task bars match the window to netsim-lab.desktop
        from app.shell.desktop import app_icon

        app.setWindowIcon(app_icon())
        if args.animate or args.docs_media:
            return _offscreen_media(args, app)
        settings = QSettings("NetSim Lab", "netsim-lab")
        if args.screenshot:
            settings = QSettings(str(Path(args.screenshot) / ".settings.ini"), QSettings.Format.IniFormat)
        lang = args.lang or str(settings.value("view/language", system_language()))
        translations = Translations()
        translations.install(lang)
        window = MainWindow(translations, settings, defer_panels=not args.screenshot)
        if args.scale:
            window.set_scale(args.scale, save=not args.screenshot)
        if args.screenshot:
            return _screenshots(window, Path(args.screenshot), args.panel, args.window_size)
        if args.window_size:
            window.resize(*args.window_size)
        window.show()
        app.processEvents()  # the window is on screen ("Loading the panels…")
        if args.startup_time:
            print(f"window shown {process_age_s():.3f} s after the process started", flush=True)
        window.install_panels()
        if args.startup_time:
            print(f"panels ready {process_age_s():.3f} s after the process started", flush=True)
            QTimer.singleShot(0, window.close)
        code = app.exec()
        window.shutdown()
        return int(code)
    finally:
        dispose_windows()  # while Qt runs, not in PySide's exit handler
        collector.stop()


def _animate_args_problem(args: argparse.Namespace) -> str:
    """What is wrong with ``--animate``'s options (before Qt starts), or ``""``."""
    from app.shell.animation import ClipSettings, panel_classes

    if not args.panel:
        return "--animate needs --panel ID"
    classes = panel_classes()
    if args.panel not in classes:
        return f"no panel {args.panel!r} (panels: {', '.join(classes)})"
    try:
        ClipSettings(fps=args.fps, seconds=args.seconds)
    except ValueError as exc:
        return str(exc)
    return ""


def _offscreen_media(args: argparse.Namespace, app: QApplication) -> int:
    """``--animate`` and ``--docs-media``: no window, no saved preferences touched."""
    from app.shell.animation import (
        AnimationCancelled,
        AnimationError,
        ClipSettings,
        export_animation,
        make_panel,
    )
    from app.shell.i18n import Translations, system_language
    from app.shell.theme import Theme

    translations = Translations()
    translations.install(args.lang or system_language())
    theme = Theme(app, scale=args.scale or 1.0)
    theme.apply(app)
    if args.docs_media:
        from app.shell.docs_media import regenerate

        return regenerate(Path(args.docs_media), translations, theme)
    settings = ClipSettings(fps=args.fps, seconds=args.seconds)
    panel = make_panel(args.panel, theme)
    if not panel.can_animate():
        print(f"netsim-lab: the {args.panel} panel cannot replay a run frame by frame", file=sys.stderr)
        panel.shutdown()
        return 2
    if args.preset is not None and args.preset not in dict(panel.presets()):
        choices = ", ".join(p for p, _ in panel.presets()) or "none"
        print(
            f"netsim-lab: the {args.panel} panel has no preset {args.preset!r} (presets: {choices})",
            file=sys.stderr,
        )
        panel.shutdown()
        return 2
    try:
        report = export_animation(
            panel,
            args.animate,
            size=args.window_size or (1280, 720),
            preset_id=args.preset,
            settings=settings,
        )
    except (AnimationError, AnimationCancelled, OSError) as exc:
        print(f"netsim-lab: {exc}", file=sys.stderr)
        return 1
    print(report.summary())
    return 0


def _screenshots(window: MainWindow, out_dir: Path, only: str | None, size: tuple[int, int] | None) -> int:
    from PySide6.QtCore import QCoreApplication, QEventLoop

    out_dir.mkdir(parents=True, exist_ok=True)
    # Default: a projector-sized window, bigger with the zoom (1.5x -> 1920 x 1200).
    scale = window.current_scale()
    width, height = size or (max(1600, int(1280 * scale)), max(1000, int(800 * scale)))
    window.setFixedSize(width, height)  # exactly: a screen smaller than this must not shrink it
    window.show()
    saved = 0
    try:
        for row, panel in enumerate(window.panels):
            if only and panel.panel_id != only:
                continue
            window.panel_list.setCurrentRow(row)
            panel.run_default_preset()
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
                if panel.is_idle():
                    break
                time.sleep(0.02)
            for _ in range(10):  # let the last batches reach the views and repaint
                QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
                time.sleep(0.03)
            panel.scroll_to_key_rows()  # the rows the lesson is about, in view
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
            path = out_dir / f"{panel.panel_id}.png"
            image = window.grab()
            if (image.width(), image.height()) != (width, height):
                print(
                    f"netsim-lab: {path.name} is {image.width()}x{image.height()}, not {width}x{height}",
                    file=sys.stderr,
                )
                return 1
            if not image.save(str(path), "PNG"):
                print(f"netsim-lab: could not write {path}", file=sys.stderr)
                return 1
            print(path)
            saved += 1
    finally:
        window.shutdown()
        window.close()
    if not saved:
        print("netsim-lab: no panel matched", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
