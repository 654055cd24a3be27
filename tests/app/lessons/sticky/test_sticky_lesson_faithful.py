"""Issue 9 in the sticky panel: the receiver and sender combos, the lesson's failure, the b'' at EOF."""

from __future__ import annotations

import pytest

from app.lessons.sticky.panel import StickyPanel
from app.widgets.stream_model import StreamModel
from netsim.core.events import BytesReceived, RunStarted, SocketCalled, SocketFailed
from netsim.lessons.sticky.lab import EOF_RESULT


@pytest.fixture
def panel(qtbot):
    p = StickyPanel()
    qtbot.addWidget(p)
    p.resize(1400, 900)
    p.show()
    yield p
    p.shutdown()


def wait_idle(qtbot, panel: StickyPanel, timeout: int = 20000) -> None:
    qtbot.waitUntil(panel.is_idle, timeout=timeout)


def test_hello_world_runs_in_the_lessons_direction(qtbot, panel) -> None:
    panel.load_preset("hello-world", run=False)
    assert panel.sender_combo.currentData() == "server"
    assert panel.scenario().sender == "server"
    panel.start_run()
    wait_idle(qtbot, panel)
    m = panel.model
    assert (m.sending_end, m.receiving_end) == ("server", "client")
    assert m.merged_chunks == 1 and m.wrong_app_messages == 1
    assert m.eof_at == 10  # the second recv(1024) returned b'' after the 10 bytes
    eof_rows = [row for row in m.log if row[4] == EOF_RESULT]
    assert [(row[1], row[2]) for row in eof_rows] == [("client", "recv(1024)")]
    panel.ribbon.grab()  # paints the role labels and the b'' mark without error


def test_lesson_receiver_shows_its_failure(qtbot, panel) -> None:
    panel.load_preset("lesson-recv-trusted", run=False)
    assert panel.receiver_combo.currentData() == "lesson"
    panel.start_run()
    wait_idle(qtbot, panel)
    m = panel.model
    assert m.wrong_app_messages >= 1 and not m.app_messages_match
    assert "wrong: 1" in panel.counters["wrong"].text()
    assert "The lesson's code failed" in panel.verdict.text()
    assert "the lesson's bug" in panel.verdict.text()


def test_switching_to_the_exact_receiver_fixes_it(qtbot, panel) -> None:
    panel.load_preset("lesson-recv-trusted", run=False)
    panel.receiver_combo.setCurrentIndex(panel.receiver_combo.findData("exact"))
    assert panel.scenario().receiver == "exact"
    panel.start_run()
    wait_idle(qtbot, panel)
    assert panel.model.app_messages_match
    assert panel.model.errors == []


def test_udp_disables_the_tcp_only_choices(panel) -> None:
    panel.load_preset("udp-boundaries", run=False)
    panel.sender_combo.setCurrentIndex(panel.sender_combo.findData("server"))
    assert not panel.sender_combo.isEnabled() and not panel.receiver_combo.isEnabled()
    sc = panel.scenario()
    assert (sc.sender, sc.receiver) == ("client", "exact")


def test_model_takes_the_roles_from_the_config(qtbot) -> None:
    """A trace where the server sends: the model and the ribbon say so, and the EOF is at its offset."""
    m = StreamModel()
    m.load(
        [
            RunStarted(0, "lab", {"transport": "tcp", "roles": {"sender": "server", "receiver": "client"}}),
            BytesReceived(1, "client", 0, 3, b"abc"),
            SocketCalled(2, "client", "recv(1024)", 0, EOF_RESULT),
            SocketFailed(3, "server", "sendto(x)", "OSError", "boom"),
        ]
    )
    assert (m.sending_end, m.receiving_end, m.eof_at) == ("server", "client", 3)
    old = StreamModel()
    old.load([RunStarted(0, "lab", {"transport": "tcp"})])  # a trace from before roles existed
    assert (old.sending_end, old.receiving_end) == ("client", "server")
