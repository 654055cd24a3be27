"""Translations: ``resources/i18n/*_<lang>.ts`` compiled with ``pyside6-lrelease`` and installed.

Every component keeps its own ``.ts`` (``app_zh_CN.ts``, ``handshake_zh_CN.ts``…) so they can
be edited independently.  The ``.qm`` files are built at start-up into a cache directory, named
after their source's content (``lrelease`` takes milliseconds), so a source checkout and
an installed wheel behave the same.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

LANGUAGES: dict[str, str] = {"en": "English", "zh_CN": "简体中文"}


def resources_dir() -> Path:
    """``resources/`` of a source checkout, or the copy packed into the wheel."""
    app_dir = Path(__file__).resolve().parent.parent
    for candidate in (app_dir.parent / "resources", app_dir / "_resources"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("NetSim Lab's resources/ directory is missing")


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "netsim-lab" / "i18n"


def _lrelease() -> str | None:
    exe = Path(sys.executable).with_name("pyside6-lrelease")
    if exe.exists():
        return str(exe)
    return shutil.which("pyside6-lrelease") or shutil.which("lrelease")


def compiled_translations(lang: str) -> list[Path]:
    """``.qm`` files for ``lang``, (re)built from the ``.ts`` sources when needed."""
    if lang == "en":
        return []
    sources = sorted((resources_dir() / "i18n").glob(f"*_{lang}.ts"))
    out_dir = _cache_dir()
    out: list[Path] = []
    tool = _lrelease()
    for ts in sources:
        # Named after the source's content: two checkouts (or versions) sharing the cache never
        # load each other's translations.
        digest = hashlib.sha256(ts.read_bytes()).hexdigest()[:16]
        qm = out_dir / f"{ts.stem}-{digest}.qm"
        if not qm.exists():
            if tool is None:
                print(f"netsim-lab: cannot build {ts.name}: pyside6-lrelease not found", file=sys.stderr)
                continue
            out_dir.mkdir(parents=True, exist_ok=True)
            subprocess.run([tool, "-silent", str(ts), "-qm", str(qm)], check=False)
        if qm.exists():
            out.append(qm)
    return out


def system_language() -> str:
    name = QLocale.system().name()
    return "zh_CN" if name.startswith("zh") else "en"


class Translations:
    """Holds the installed translators so the language can change at run time."""

    def __init__(self) -> None:
        self._installed: list[QTranslator] = []
        self.language = "en"

    def install(self, lang: str) -> None:
        app = QCoreApplication.instance()
        assert app is not None
        for tr in self._installed:
            app.removeTranslator(tr)
            tr.deleteLater()  # (each switch of language would otherwise keep the old ones)
        self._installed = []
        for qm in compiled_translations(lang):
            tr = QTranslator(app)
            if tr.load(str(qm)):
                app.installTranslator(tr)
                self._installed.append(tr)
            else:
                tr.deleteLater()
        self.language = lang if lang in LANGUAGES else "en"
