"""File ▸ Export animation…: the dialog's clip, the progress bar, Cancel, and the window left alone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from app.shell import animation_dialog
from app.shell.animation_dialog import AnimationDialog, AnimationProgress
from app.shell.i18n import Translations
from app.shell.main_window import MainWindow


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> Iterator[MainWindow]:
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    w = MainWindow(Translations(), settings)
    qtbot.addWidget(w)
    w.show()
    yield w
    w.shutdown()


def choose(monkeypatch: pytest.MonkeyPatch, path: Path, fps: int, seconds: float) -> None:
    def accept(dialog: AnimationDialog) -> int:
        dialog.preset.setCurrentIndex(dialog.preset.findData("hello-world"))
        dialog.fps.setValue(fps)
        dialog.seconds.setValue(seconds)
        dialog.frame_size_box.setCurrentIndex(2)  # 960 x 540
        return int(AnimationDialog.DialogCode.Accepted.value)

    monkeypatch.setattr(AnimationDialog, "exec", accept)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))


def test_export_animation_from_the_file_menu(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert window.act_export_animation in window.menu_file.actions()
    out = tmp_path / "clip.gif"
    choose(monkeypatch, out, fps=5, seconds=2)
    stages: list[str] = []
    original = AnimationProgress.update_stage

    def spy(self: AnimationProgress, stage: str, done: int, total: int) -> bool:
        stages.append(stage)
        return original(self, stage, done, total)

    monkeypatch.setattr(AnimationProgress, "update_stage", spy)
    sticky = window.current_panel()
    assert sticky is not None and sticky.panel_id == "sticky"
    window.export_animation()
    assert {"record", "render", "encode"} <= set(stages)
    with Image.open(out) as im:
        assert im.size == (960, 540)
    assert "10 frames" in window.statusBar().currentMessage()
    assert sticky.is_idle()  # the panel on screen did not run: the export used a fresh one


def test_cancel_leaves_no_file(window: MainWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    out = tmp_path / "clip.gif"
    choose(monkeypatch, out, fps=5, seconds=2)
    original = AnimationProgress.update_stage

    def cancel_at_frame_two(self: AnimationProgress, stage: str, done: int, total: int) -> bool:
        if stage == "render" and done == 2:
            self.cancel()  # as the Cancel button does
        return original(self, stage, done, total)

    monkeypatch.setattr(AnimationProgress, "update_stage", cancel_at_frame_two)
    window.export_animation()
    assert not out.exists()
    assert list(tmp_path.glob("*.gif")) == []
    assert "cancelled" in window.statusBar().currentMessage()


def test_a_panel_that_cannot_replay_says_so(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    row = next(i for i, p in enumerate(window.panels) if not p.can_animate())
    window.panel_list.setCurrentRow(row)
    called: list[object] = []
    monkeypatch.setattr(animation_dialog, "run_export", lambda *a: called.append(a))
    window.export_animation()
    assert not called
    assert "cannot export an animation" in window.statusBar().currentMessage()
