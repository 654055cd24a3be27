"""The Chinese translation is complete: every tr() string of app/ is translated."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
TS_FILES = sorted((ROOT / "resources" / "i18n").glob("*_zh_CN.ts"))


def translated(ts: Path) -> dict[tuple[str, str], str]:
    out = {}
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            tr = message.find("translation")
            kind = tr.get("type") if tr is not None else "missing"
            if tr is not None and tr.text and kind is None:
                out[(name, message.findtext("source") or "")] = tr.text
    return out


def test_every_ts_file_is_finished() -> None:
    assert TS_FILES, "no translations found"
    for ts in TS_FILES:
        text = ts.read_text(encoding="utf-8")
        assert 'type="unfinished"' not in text, ts.name
        assert 'type="vanished"' not in text and 'type="obsolete"' not in text, ts.name


def test_every_string_in_the_sources_is_translated(tmp_path: Path) -> None:
    lupdate = Path(sys.executable).with_name("pyside6-lupdate")
    tool = str(lupdate) if lupdate.exists() else shutil.which("pyside6-lupdate")
    if tool is None:
        pytest.skip("pyside6-lupdate not installed")
    sources = sorted(str(p) for p in (ROOT / "app").rglob("*.py"))
    fresh = tmp_path / "all.ts"
    subprocess.run([tool, *sources, "-ts", str(fresh)], check=True, capture_output=True, timeout=120)
    have: dict[tuple[str, str], str] = {}
    for ts in TS_FILES:
        have.update(translated(ts))
    wanted = set()
    for context in ET.parse(fresh).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            wanted.add((name, message.findtext("source") or ""))
    missing = sorted(wanted - set(have))
    assert not missing, f"{len(missing)} strings without a Chinese translation, e.g. {missing[:5]}"
    assert len(wanted) > 300  # the check really looked at the app's strings


def test_switching_language_does_not_pile_up_translators(qapp: object) -> None:
    from PySide6.QtCore import QCoreApplication, QEvent, QTranslator

    from app.shell.i18n import Translations

    app = QCoreApplication.instance()
    assert app is not None

    def translators() -> int:
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        return len(app.findChildren(QTranslator))

    translations = Translations()
    translations.install("zh_CN")
    after_one = translators()
    for _ in range(5):
        translations.install("en")
        translations.install("zh_CN")
    assert translators() == after_one
    translations.install("en")
