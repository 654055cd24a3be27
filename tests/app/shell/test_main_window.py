"""The main window: panels typed as LessonPanel, one retranslation per switch, the run keys
reach the current panel from a focused button or the panel list, the window fits a 1280x720 projector at any zoom."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.panels.base import LessonPanel
from app.shell.i18n import Translations
from app.shell.main_window import SCALE_MAX, SCALE_MIN, MainWindow


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> Iterator[MainWindow]:
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    w = MainWindow(Translations(), settings)
    qtbot.addWidget(w)
    w.show()
    yield w
    w.shutdown()
    w.translations.install("en")


def test_panels_are_lesson_panels(window: MainWindow) -> None:
    assert len(window.panels) >= 5
    assert all(isinstance(p, LessonPanel) for p in window.panels)
    assert all(p.theme is window.theme for p in window.panels)  # one theme, shared


def test_a_language_switch_retranslates_each_panel_once(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = {p.panel_id: 0 for p in window.panels}
    for p in window.panels:
        original = p.retranslate

        def counted(p: LessonPanel = p, original=original) -> None:  # type: ignore[no-untyped-def]
            calls[p.panel_id] += 1
            original()

        monkeypatch.setattr(p, "retranslate", counted)
    window.set_language("zh_CN")
    QApplication.processEvents()  # any LanguageChange events are delivered by now
    assert set(calls.values()) == {1}, calls
    window.set_language("en")
    QApplication.processEvents()
    assert set(calls.values()) == {2}, calls


@pytest.mark.parametrize("scale", [SCALE_MIN, 1.0, 1.5, SCALE_MAX])
def test_the_minimum_size_fits_a_1280x720_projector_at_every_zoom(window: MainWindow, scale: float) -> None:
    window.set_scale(scale, save=False)
    QApplication.processEvents()
    hint = window.minimumSizeHint()
    assert hint.width() <= 1280 and hint.height() <= 720, hint
    for panel in window.panels:
        assert panel.minimumSizeHint().width() <= 1280 and panel.minimumSizeHint().height() <= 720
    window.set_scale(1.0, save=False)


def test_zoom_never_grows_the_window(window: MainWindow) -> None:
    window.resize(1280, 720)
    QApplication.processEvents()
    window.set_scale(SCALE_MAX, save=False)
    QApplication.processEvents()
    assert (window.width(), window.height()) == (1280, 720)
    window.set_scale(1.0, save=False)


def test_the_window_opens_within_the_screen(window: MainWindow) -> None:
    room = window.screen().availableGeometry()
    assert window.width() <= room.width() and window.height() <= room.height()


def test_ctrl_l_collapses_the_panel_list(qtbot: QtBot, window: MainWindow) -> None:
    assert window.panel_list.isVisible()
    qtbot.keyClick(window.stack.currentWidget(), Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.panel_list.isHidden() and not window.act_panel_list.isChecked()
    window.act_panel_list.trigger()
    assert window.panel_list.isVisible() and window.act_panel_list.isChecked()


def _record_commands(panel: LessonPanel, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    for name in ("run", "step", "pause", "reset"):
        monkeypatch.setattr(panel, name, lambda name=name: calls.append(name))
    return calls


KEYS = [
    (Qt.Key.Key_F5, Qt.KeyboardModifier.NoModifier, "run"),
    (Qt.Key.Key_Space, Qt.KeyboardModifier.NoModifier, "step"),
    (Qt.Key.Key_F10, Qt.KeyboardModifier.NoModifier, "step"),
    (Qt.Key.Key_F6, Qt.KeyboardModifier.NoModifier, "pause"),
    (Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier, "reset"),
]


@pytest.mark.parametrize("row", range(5))
def test_the_run_keys_reach_every_panel_from_a_focused_button(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch, row: int
) -> None:
    from PySide6.QtWidgets import QPushButton

    window.panel_list.setCurrentRow(row)
    panel = window.panels[row]
    calls = _record_commands(panel, monkeypatch)
    button = panel.findChildren(QPushButton)[0]
    button.clicked.connect(lambda: calls.append("clicked"))
    button.setFocus()
    for key, mods, _ in KEYS:
        qtbot.keyClick(button, key, mods)
    assert calls == [name for _, _, name in KEYS]  # Space stepped; it did not click the button


def test_the_run_keys_reach_the_panel_from_the_panel_list(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    panel = window.panels[0]
    calls = _record_commands(panel, monkeypatch)
    window.panel_list.setFocus()
    for key, mods, _ in KEYS:
        qtbot.keyClick(window.panel_list, key, mods)
    assert calls == [name for _, _, name in KEYS]
    assert window.panel_list.currentRow() == 0


def test_a_text_field_keeps_its_space(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QLineEdit

    window.panel_list.setCurrentRow(1)
    panel = window.panels[1]
    calls = _record_commands(panel, monkeypatch)
    edit = panel.findChildren(QLineEdit)[0]
    edit.setFocus()
    edit.setText("a")
    qtbot.keyClick(edit, Qt.Key.Key_Space)
    qtbot.keyClick(edit, Qt.Key.Key_F5)
    assert edit.text() == "a " and calls == ["run"]


def test_high_contrast_reaches_every_panel(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    for p in window.panels:
        original = p.apply_theme
        monkeypatch.setattr(
            p, "apply_theme", lambda theme, p=p, original=original: (seen.append(p.panel_id), original(theme))
        )
    window.act_contrast.trigger()
    assert sorted(seen) == sorted(p.panel_id for p in window.panels)
    assert window.theme.high_contrast and window.theme.ok_colour.name() == "#004d38"
    window.act_contrast.trigger()
