"""``netsim-lab --docs-media DIR``: every picture and animation of the instructor's guide, remade.

docs/teaching.md and docs/teaching.zh_CN.md show only files listed in :data:`MEDIA`, and
``tests/docs/test_teaching_guide.py`` checks it, so one command regenerates all of them from
real runs and none can go stale.  Animations go through the same export as File ▸ Export
animation…; stills are the panel after its run, grabbed offscreen like ``--screenshot``, stored
as 256-colour PNGs (a screen of widgets needs no more, and the files stay small).
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path

from PIL import Image
from PySide6.QtCore import QCoreApplication, QEventLoop
from PySide6.QtWidgets import QTabWidget

from app.shell.animation import (
    AnimationCancelled,
    AnimationError,
    ClipSettings,
    OffscreenHost,
    export_animation,
    make_panel,
    to_pil,
)
from app.shell.i18n import Translations
from app.shell.theme import Theme

SIZE = (1280, 720)  # a projector
STILL_TIMEOUT_S = 60.0


@dataclass(frozen=True, slots=True)
class Media:
    """One file of the guide: ``<stem>.<lang>.gif`` (an animation) or ``.png`` (a still)."""

    stem: str
    panel: str
    preset: str | None = None  # None: the panel's default preset
    animated: bool = False
    fps: int = 8
    seconds: float = 4.0
    tab: int | None = None  # a still of this tab of the panel's first QTabWidget

    def file_name(self, lang: str) -> str:
        return f"{self.stem}.{lang}.{'gif' if self.animated else 'png'}"


LANGS = ("en", "zh_CN")
MEDIA: tuple[Media, ...] = (
    Media("cs-bs", "clientserver"),
    Media("addresses", "addresses"),
    Media("layers", "addresses", tab=2),
    Media("handshake", "handshake", "normal", animated=True, fps=6, seconds=6.0),
    Media("udp-boundaries", "sticky", "udp-boundaries", animated=True),
    Media("sticky-before-after", "sticky", None, animated=True),
    Media("half-packet", "sticky", "half-packet", animated=True),
    Media("servers", "servers"),
    Media("hmac-good", "hmac", "good", animated=True, fps=6, seconds=5.0),
    Media("hmac-replay", "hmac", "replay"),
)


def media_files() -> list[str]:
    """Every file name :func:`regenerate` writes."""
    return [m.file_name(lang) for m in MEDIA for lang in LANGS]


def still(media: Media, theme: Theme, path: Path) -> None:
    """Run the preset in an offscreen host, wait for it to finish, save the panel as a PNG."""
    panel = make_panel(media.panel, theme)
    host = OffscreenHost(panel, SIZE)
    try:
        if media.preset is None:
            panel.run_default_preset()
        else:
            panel.load_preset(media.preset, run=True)
        deadline = time.monotonic() + STILL_TIMEOUT_S
        polls = 0
        while not (polls > 2 and panel.is_idle()):
            if time.monotonic() > deadline:
                raise AnimationError(f"{media.panel}: the run did not finish within {STILL_TIMEOUT_S:.0f} s")
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
            polls += 1
            time.sleep(0.02)
        for _ in range(10):  # the last batches reach the views and repaint
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
            time.sleep(0.03)
        if media.tab is not None:
            tabs = panel.findChild(QTabWidget)
            if tabs is None:
                raise AnimationError(f"{media.panel} has no tabs")
            tabs.setCurrentIndex(media.tab)
        else:
            panel.scroll_to_key_rows()
        image = to_pil(host.frame())
        image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
            path, optimize=True
        )
    finally:
        panel.shutdown()
        host.hide()
        host.deleteLater()


def regenerate(out_dir: Path, translations: Translations, theme: Theme) -> int:
    """Write every file of :data:`MEDIA` in every language into ``out_dir``; 1 if any failed."""
    out_dir.mkdir(parents=True, exist_ok=True)
    failed = 0
    for lang in LANGS:
        translations.install(lang)
        for media in MEDIA:
            path = out_dir / media.file_name(lang)
            t0 = time.monotonic()
            try:
                if media.animated:
                    report = export_animation(
                        make_panel(media.panel, theme),
                        path,
                        size=SIZE,
                        preset_id=media.preset,
                        settings=ClipSettings(fps=media.fps, seconds=media.seconds),
                    )
                    print(report.summary(), flush=True)
                else:
                    still(media, theme, path)
                    print(
                        f"{path}: still, {path.stat().st_size / 1024:.0f} KiB, {time.monotonic() - t0:.1f} s",
                        flush=True,
                    )
            except (AnimationError, AnimationCancelled, OSError, KeyError) as exc:
                print(f"netsim-lab: {path}: {exc}", file=sys.stderr)
                failed += 1
    total = sum((out_dir / name).stat().st_size for name in media_files() if (out_dir / name).exists())
    print(f"{len(media_files()) - failed} files, {total / 1024 / 1024:.1f} MiB in {out_dir}")
    return 1 if failed else 0
