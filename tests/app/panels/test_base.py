"""The LessonPanel base: one tick drains the bridge, helper jobs run off the GUI thread, errors
are shown in the panel, a reset forgets pending results, shutdown joins every thread."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QLabel, QVBoxLayout
from pytestqt.qtbot import QtBot

from app.panels.base import LessonPanel
from app.shell.theme import Theme
from netsim.core.events import Event, RunFinished
from netsim.core.recorder import Recorder


class ProbePanel(LessonPanel):
    panel_id = "probe"

    def __init__(self, theme: Theme | None = None) -> None:
        super().__init__(theme)
        self.batches: list[list[Event]] = []
        self.ticks = 0
        self.themes = 0
        self.label = QLabel("probe")
        QVBoxLayout(self.content).addWidget(self.label)

    def title(self) -> str:
        return "probe"

    def retranslate(self) -> None:
        pass

    def apply_theme(self, theme: Theme) -> None:
        self.themes += 1

    def on_events(self, batch: list[Event]) -> None:
        self.batches.append(batch)

    def on_tick(self) -> None:
        self.ticks += 1

    def is_idle(self) -> bool:
        return not self.helper_busy


@pytest.fixture
def panel(qtbot: QtBot) -> Iterator[ProbePanel]:
    p = ProbePanel()
    qtbot.addWidget(p)
    yield p
    p.shutdown()


def test_the_tick_drains_the_bridge_into_on_events(qtbot: QtBot, panel: ProbePanel) -> None:
    recorder = Recorder()
    panel.bridge.attach(recorder)
    recorder.emit(RunFinished(1, "lab", True))
    recorder.emit(RunFinished(2, "lab", False, "stop"))
    qtbot.waitUntil(lambda: sum(len(b) for b in panel.batches) == 2, timeout=2000)
    assert [e.t_ns for b in panel.batches for e in b] == [1, 2]
    assert panel.ticks > 0  # on_tick follows the events of the tick


def test_a_close_runs_off_the_gui_thread_and_then_follows_on_it(qtbot: QtBot, panel: ProbePanel) -> None:
    seen: list[tuple[str, bool]] = []

    def close() -> None:
        seen.append(("close", threading.current_thread() is threading.main_thread()))

    panel.close_off_gui(close, "closing", then=lambda: seen.append(("then", True)))
    qtbot.waitUntil(panel.is_idle, timeout=2000)
    assert seen == [("close", False), ("then", True)]
    assert panel.error_text() == ""


def test_an_error_in_a_close_is_shown_in_the_panel_never_raised(qtbot: QtBot, panel: ProbePanel) -> None:
    def close() -> None:
        raise RuntimeError("thread netsim-server did not stop")

    then: list[bool] = []
    panel.close_off_gui(close, "Closing the lab", then=lambda: then.append(True))
    qtbot.waitUntil(panel.is_idle, timeout=2000)
    assert panel.error_text() == "Closing the lab failed: thread netsim-server did not stop"
    assert not panel.error_banner.isHidden()
    assert then == [True]  # the panel still learns the lab is gone
    panel.clear_error()
    assert panel.error_banner.isHidden()


def test_a_reset_sends_late_results_to_discard(qtbot: QtBot, panel: ProbePanel) -> None:
    release = threading.Event()
    done: list[str] = []
    discarded: list[str] = []

    def start() -> str:
        release.wait(5)
        return "lab"

    panel.run_off_gui(start, what="start", done=done.append, discard=discarded.append)
    panel.forget_pending()  # a reset while the lab is still starting
    release.set()
    qtbot.waitUntil(panel.is_idle, timeout=2000)
    assert done == [] and discarded == ["lab"]


def test_failed_goes_to_the_callback(qtbot: QtBot, panel: ProbePanel) -> None:
    failures: list[BaseException] = []

    def boom() -> None:
        raise ValueError("no")

    panel.run_off_gui(boom, what="x", failed=failures.append)
    qtbot.waitUntil(panel.is_idle, timeout=2000)
    assert [str(e) for e in failures] == ["no"] and panel.error_text() == ""


def test_shutdown_waits_for_helper_jobs_and_starts_nothing_after(qtbot: QtBot) -> None:
    p = ProbePanel()
    qtbot.addWidget(p)
    release = threading.Event()
    closed: list[bool] = []

    def slow_close() -> None:
        release.wait(0.2)
        closed.append(True)

    p.close_off_gui(slow_close, "slow")
    p.shutdown()
    assert closed == [True] and not p.helper_busy
    assert not p.tick.isActive()
    p.run_off_gui(lambda: closed.append(False), what="late")  # ignored: the panel is gone
    assert closed == [True] and not p.helper_busy


def test_the_helper_thread_ends_when_idle(qtbot: QtBot, panel: ProbePanel) -> None:
    before = set(threading.enumerate())
    for _ in range(3):
        panel.run_off_gui(lambda: None, what="nothing")
    qtbot.waitUntil(panel.is_idle, timeout=2000)
    qtbot.waitUntil(lambda: not [t for t in threading.enumerate() if t not in before], timeout=2000)


def test_a_theme_change_reaches_apply_theme(panel: ProbePanel) -> None:
    before = panel.themes
    panel.theme.set_high_contrast(True)
    panel.theme.set_high_contrast(True)  # no change, no call
    panel.set_scale(1.5)
    assert panel.themes == before + 2


def test_zoom_scrolls_inside_the_panel(qtbot: QtBot, panel: ProbePanel) -> None:
    panel.label.setMinimumSize(3000, 3000)  # content far bigger than the panel
    panel.resize(400, 300)
    panel.show()
    assert panel.minimumSizeHint().width() < 400 and panel.minimumSizeHint().height() < 300
    assert panel.scroll_area.verticalScrollBar().maximum() > 0


def test_the_interface_defaults(panel: ProbePanel) -> None:
    assert panel.presets() == [] and panel.key_widget() is None
    assert not panel.can_open_trace() and not panel.can_export_trace()
    with pytest.raises(NotImplementedError):
        panel.run()  # a lesson panel must say what F5 does
