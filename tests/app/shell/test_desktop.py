"""The desktop entry and icon: installed under $XDG_DATA_HOME (or ~/.local/share), or printed."""

from __future__ import annotations

import configparser
from pathlib import Path

import pytest
from PIL import Image
from pytestqt.qtbot import QtBot

from app.shell.desktop import APP_ID, ICON_SIZES, app_icon, data_home, desktop_entry, install_desktop_entry


def parse(text: str) -> configparser.SectionProxy:
    cp = configparser.ConfigParser(interpolation=None)
    cp.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    cp.read_string(text)
    return cp["Desktop Entry"]


def test_the_entry_is_a_valid_application_entry() -> None:
    entry = parse(desktop_entry("/opt/x/bin/netsim-lab"))
    assert entry["Type"] == "Application"
    assert entry["Exec"] == "/opt/x/bin/netsim-lab"
    assert entry["Icon"] == APP_ID
    assert entry["Name"] == "NetSim Lab" and entry["Name[zh_CN]"]
    assert entry["Categories"].endswith(";") and "Education" in entry["Categories"]
    assert entry["Terminal"] == "false"


def test_install_under_xdg_data_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert install_desktop_entry() == 0
    base = tmp_path / "data"
    desktop = base / "applications" / f"{APP_ID}.desktop"
    assert parse(desktop.read_text(encoding="utf-8"))["Icon"] == APP_ID
    for size in ICON_SIZES:
        png = base / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        with Image.open(png) as im:
            assert im.size == (size, size)
    assert (base / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg").read_text().startswith("<svg")
    printed = capsys.readouterr().out.split()
    assert str(desktop) in printed
    assert not (tmp_path / "home").exists()  # nothing written outside XDG_DATA_HOME


def test_default_and_relative_data_home(tmp_path: Path) -> None:
    assert data_home({"HOME": str(tmp_path)}) == tmp_path / ".local" / "share"
    # the XDG spec: a relative path is invalid and ignored
    assert data_home({"HOME": str(tmp_path), "XDG_DATA_HOME": "rel/dir"}) == tmp_path / ".local" / "share"
    assert data_home({"HOME": str(tmp_path), "XDG_DATA_HOME": "/x/y"}) == Path("/x/y")


def test_print_only_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    from app.main import main

    assert main(["--install-desktop-entry", "print"]) == 0
    assert parse(capsys.readouterr().out)["Type"] == "Application"
    assert list(tmp_path.iterdir()) == []


def test_unwritable_data_home_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    assert install_desktop_entry(environ={"XDG_DATA_HOME": str(blocker)}) == 1
    assert "could not install" in capsys.readouterr().err


def test_the_window_icon(qtbot: QtBot) -> None:
    icon = app_icon()
    assert not icon.isNull()
    assert {s.width() for s in icon.availableSizes()} >= set(ICON_SIZES)


def test_the_main_window_has_the_icon(qtbot: QtBot, tmp_path: Path) -> None:
    from PySide6.QtCore import QSettings

    from app.shell.i18n import Translations
    from app.shell.main_window import MainWindow

    w = MainWindow(
        Translations(), QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat), defer_panels=True
    )
    qtbot.addWidget(w)
    assert not w.windowIcon().isNull()
