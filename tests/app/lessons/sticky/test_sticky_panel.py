"""pytest-qt drives the sticky-packet panel and the main window."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QSettings, Qt

from app.lessons.sticky.panel import StickyPanel
from app.shell.i18n import Translations
from app.shell.main_window import MainWindow


@pytest.fixture
def panel(qtbot):
    p = StickyPanel()
    qtbot.addWidget(p)
    p.resize(1400, 900)
    p.show()
    yield p
    p.shutdown()


def wait_idle(qtbot, panel: StickyPanel, timeout: int = 15000) -> None:
    qtbot.waitUntil(panel.is_idle, timeout=timeout)


def test_hello_world_without_framing_shows_the_merge(qtbot, panel) -> None:
    panel.load_preset("hello-world", run=True)
    wait_idle(qtbot, panel)
    m = panel.model
    assert m.merged_chunks == 1
    assert m.wrong_app_messages == 1
    assert "1" in panel.counters["merged"].text()
    assert "wrong: 1" in panel.counters["wrong"].text()
    assert "NOT" in panel.verdict.text()


def test_switching_framing_on_fixes_it_and_keeps_the_previous_run(qtbot, panel) -> None:
    panel.load_preset("hello-world", run=True)
    wait_idle(qtbot, panel)
    panel.framing.setCurrentIndex(panel.framing.findData("length"))
    panel._framing_changed()  # what activating the combo box does
    wait_idle(qtbot, panel)
    assert panel.model.wrong_app_messages == 0
    assert panel.model.app_messages_match
    assert "wrong: 0" in panel.counters["wrong"].text()
    assert panel.prev_ribbon.isVisible()
    assert panel.prev_model.wrong_app_messages == 1  # "before" stays on screen
    assert "Before" in panel.prev_ribbon.caption


def test_default_preset_ends_with_before_and_after(qtbot, panel) -> None:
    panel.run_default_preset()
    wait_idle(qtbot, panel)
    assert panel.prev_model.framing == "none" and panel.model.framing == "length"
    assert panel.prev_model.merged_chunks == 1 and panel.model.app_messages_match


def test_step_mode_releases_exactly_one_call_per_step(qtbot, panel) -> None:
    panel.load_preset("hello-world", run=False)
    panel.recv_delay.setValue(0)
    panel.step()  # the first step starts the run, paused before the first call
    lab = panel.lab
    assert lab is not None and lab.gate.stepping
    seen: list[str] = []
    for _ in range(40):
        if lab.finished:
            break
        if not lab.gate.wait_pending(5.0):
            break
        qtbot.waitUntil(
            lambda: "waits before" in panel.pending_client.text() + panel.pending_server.text(), timeout=3000
        )
        before = {p.seq for p in lab.gate.pending()}
        panel.step()
        after = {p.seq for p in lab.gate.pending()}
        assert len(before - after) == 1
        seen.append("x")
    qtbot.waitUntil(lambda: lab.finished, timeout=5000)
    assert len(seen) >= 8  # socket, bind, listen, accept, socket, connect, 2 sends, recvs, close


def test_udp_truncation_counts(qtbot, panel) -> None:
    panel.load_preset("udp-truncation", run=True)
    wait_idle(qtbot, panel)
    assert panel.model.truncated_datagrams == 2
    assert panel.counters["udp"].isVisible()


def test_ribbon_hover_shows_hex_and_text(qtbot, panel) -> None:
    panel.load_preset("hello-world", run=True)
    wait_idle(qtbot, panel)
    ribbon = panel.ribbon
    lane = ribbon._lane_rect(0)
    text = ribbon.describe_at(lane.center() - (lane.center() - lane.topLeft()) * 0.5)
    assert "68 65 6c 6c 6f" in text and "hello" in text  # b'hello' in hex and as text


def test_trace_export_and_replay(qtbot, panel, tmp_path) -> None:
    panel.load_preset("half-packet", run=True)
    wait_idle(qtbot, panel)
    path = tmp_path / "run.jsonl"
    panel.export_trace(str(path))
    split = panel.model.split_messages
    panel.reset()
    assert panel.model.split_messages == 0
    panel.open_trace(str(path))
    wait_idle(qtbot, panel)
    assert panel.model.split_messages == split == 1


def test_replaying_line_goes_with_a_live_run_and_with_reset(qtbot, panel, tmp_path) -> None:
    """Issue 8: "Replaying …" stayed on screen after later live runs and after Reset."""
    panel.load_preset("hello-world", run=True)
    wait_idle(qtbot, panel)
    lesson = panel.lesson.text()
    path = tmp_path / "run.jsonl"
    panel.export_trace(str(path))
    panel.open_trace(str(path))
    wait_idle(qtbot, panel)
    assert panel.lesson.text().startswith("Replaying")
    panel.retranslate()  # a language switch keeps saying it is a replay
    assert panel.lesson.text().startswith("Replaying")
    panel.run()
    wait_idle(qtbot, panel)
    assert panel.lesson.text() == lesson
    panel.open_trace(str(path))
    wait_idle(qtbot, panel)
    assert panel.lesson.text().startswith("Replaying")
    panel.reset()
    assert "Replaying" not in panel.lesson.text()


def test_window_language_switch_and_close_leave_no_thread(qtbot, tmp_path) -> None:
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    tr = Translations()
    tr.install("en")
    window = MainWindow(tr, settings)
    qtbot.addWidget(window)
    window.show()
    sticky = window.panels[0]
    assert isinstance(sticky, StickyPanel)
    assert sticky.run_btn.text() == "Run (F5)"
    assert window.menu_file.title() == "&File"
    window.set_language("zh_CN")
    assert sticky.run_btn.text() != "Run (F5)"
    assert window.menu_file.title() != "&File"
    assert any("\u4e00" <= ch <= "\u9fff" for ch in sticky.run_btn.text())
    window.set_language("en")
    assert sticky.run_btn.text() == "Run (F5)"
    sticky.load_preset("burst", run=True)
    window.close()
    assert not [t for t in threading.enumerate() if t.name.startswith("netsim-")]


def test_presenter_scale_persists(qtbot, tmp_path) -> None:
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    tr = Translations()
    window = MainWindow(tr, settings)
    qtbot.addWidget(window)
    window.act_zoom_in.trigger()
    assert settings.value("view/scale", type=float) == pytest.approx(1.15)
    window.act_zoom_reset.trigger()
    window.shutdown()


def test_framing_change_mid_run_keeps_the_whole_previous_run(qtbot, panel) -> None:
    panel.load_preset("burst", run=False)
    panel.count_spin.setValue(20000)
    panel.recv_delay.setValue(1)
    panel.recv_size.setValue(512)
    panel.start_run()
    qtbot.waitUntil(lambda: len(panel.model.msg_start) > 100, timeout=10000)
    panel.framing.setCurrentIndex(panel.framing.findData("length"))
    panel._framing_changed()
    before = panel.prev_model
    assert before.backlog == 0  # everything the cut-short run recorded was taken in
    assert before.tracker.classified_chunks == len(before.chunk_start)
    wait_idle(qtbot, panel)
    assert panel.model.app_messages_match


def test_space_steps_unless_a_text_field_wants_it(qtbot, tmp_path) -> None:
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(Translations(), settings)
    qtbot.addWidget(window)
    window.show()
    sticky = window.panels[0]
    sticky.load_preset("hello-world", run=False)
    sticky.messages_edit.setFocus()
    qtbot.keyClick(sticky.messages_edit, Qt.Key.Key_Space)
    assert sticky.messages_edit.text().endswith(" ") and sticky.lab is None  # the text field typed it
    sticky.run_btn.setFocus()  # a button clicked a moment ago does not eat the lesson's Space
    qtbot.keyClick(sticky.run_btn, Qt.Key.Key_Space)
    assert sticky.lab is not None and sticky.lab.gate.stepping  # stepped, not clicked "Run"
    sticky.nodelay.setFocus()  # nor does a check box: it stays as it was
    qtbot.keyClick(sticky.nodelay, Qt.Key.Key_Space)
    assert not sticky.nodelay.isChecked() and sticky.lab.gate.stepping
    window.close()


def test_opened_trace_sets_controls_and_exports_again(qtbot, panel, tmp_path) -> None:
    panel.load_preset("delimiter", run=True)
    wait_idle(qtbot, panel)
    first = tmp_path / "a.jsonl"
    panel.export_trace(str(first))
    panel.load_preset("hello-world", run=False)
    panel.open_trace(str(first))
    wait_idle(qtbot, panel)
    assert panel.framing.currentData() == "delimiter"
    again = tmp_path / "b.jsonl"
    panel.export_trace(str(again))
    assert again.read_text() == first.read_text()


def test_a_typed_framing_spec_is_used(qtbot, panel) -> None:
    panel.load_preset("hello-world", run=True)
    wait_idle(qtbot, panel)
    panel.framing.setEditText("length:!Q")
    qtbot.keyClick(panel.framing.lineEdit(), Qt.Key.Key_Return)  # adds the item and activates it
    wait_idle(qtbot, panel)
    assert panel.framing_spec() == "length:!Q"
    assert panel.model.framing == "length:!Q" and panel.model.app_messages_match
    assert panel.model.msg_head[0] == 8  # an 8-byte header per message


def test_recv_size_zero_is_refused_and_said_not_run_as_1024(qtbot, panel) -> None:
    """Issue 8: typing 0 into the recv() size put 1024 back without a word, and the run used it."""
    edit = panel.recv_size.lineEdit()
    edit.selectAll()
    qtbot.keyClicks(edit, "0")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert panel.recv_size.value() == 0
    assert panel.field_note.isVisibleTo(panel)
    assert "recv() size 0 is refused" in panel.field_note.text()
    panel.run()
    assert panel.lab is None and panel.is_idle()  # refused, not run with another size
    panel.recv_size.setValue(4)
    assert not panel.field_note.isVisibleTo(panel)
    panel.run()
    wait_idle(qtbot, panel)
    assert panel.model.finished


def test_app_badge_says_what_it_counts_and_is_coloured_truthfully(qtbot, panel) -> None:
    """Issue 8: "app messages: 7 of 1" for a half packet, and a green "195 of 100000" beside an
    orange "wrong: 195" while a run streamed."""
    ok, bad, plain = (
        c.name() for c in (panel.theme.ok_colour, panel.theme.bad_colour, panel.theme.text_colour)
    )
    panel.load_preset("half-packet", run=True)
    wait_idle(qtbot, panel)
    text = panel.counters["app"].text()
    assert f"app got {panel.model.app_messages} messages · 1 sent" in text and bad in text
    events = list(panel.recorder.events)
    # The same run replayed up to its first wrong message, not finished: already the alert colour.
    panel.reset()
    first_wrong = next(
        i for i, ev in enumerate(events) if type(ev).__name__ == "FrameDecoded" and not ev.intact
    )
    panel.model.load(events[: first_wrong + 1])
    panel._refresh_texts()
    assert not panel.model.finished and panel.model.wrong_app_messages == 1
    assert bad in panel.counters["app"].text() and ok not in panel.counters["app"].text()
    # Nothing wrong yet and not finished: plain, not a green verdict.
    panel.reset()
    started = next(i for i, ev in enumerate(events) if type(ev).__name__ == "BytesSent")
    panel.model.load(events[: started + 1])
    panel._refresh_texts()
    assert plain in panel.counters["app"].text()
