"""The Classroom panel serves a real class on loopback, shows every student, and acts on it."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from pytestqt.qtbot import QtBot

from app.lessons.classroom.model import ClassModel
from app.lessons.classroom.panel import ClassroomPanel
from app.lessons.classroom.views import COLUMNS, LaneView
from app.shell.i18n import Translations
from netsim.core.events import now_ns
from netsim.lessons.classroom.client import join, lesson_student
from netsim.lessons.classroom.events import ChunkRead, MessagesQueued, StudentConnected, StudentIdentified

TIMEOUT_MS = 15_000
KEY = "panel-key"


@pytest.fixture
def panel(qtbot: QtBot) -> Iterator[ClassroomPanel]:
    widget = ClassroomPanel()
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    yield widget
    widget.shutdown()


def serve(qtbot: QtBot, panel: ClassroomPanel) -> tuple[str, int]:
    panel.serve_on("127.0.0.1", 0, KEY)
    qtbot.waitUntil(lambda: panel._server is not None, timeout=TIMEOUT_MS)
    assert panel._server is not None
    return panel._server.address


def cell(
    panel: ClassroomPanel, row: int, column: str, role: Qt.ItemDataRole = Qt.ItemDataRole.DisplayRole
) -> object:
    return panel.table.data(panel.table.index(row, COLUMNS.index(column)), role)


def test_both_forms_appear_with_their_figures(qtbot: QtBot, panel: ClassroomPanel) -> None:
    address = serve(qtbot, panel)
    assert "netsim classroom join 127.0.0.1:" in panel._join_cmd.text() and KEY in panel._join_cmd.text()
    assert join(address, "<b>Ann</b>", KEY.encode(), messages=["a", "<i>b</i>"]).accepted
    assert join(address, "Bob", b"wrong").verdict == "refused"
    lesson = lesson_student(address, KEY.encode(), ["x"])
    assert lesson.replies == ["echo: x"]
    qtbot.waitUntil(
        lambda: len(panel.table.rows) == 3 and not any(r.connected for r in panel.table.rows),
        timeout=TIMEOUT_MS,
    )
    assert cell(panel, 0, "name") == "<b>Ann</b>"  # shown as typed: a table item is plain text
    assert cell(panel, 0, "last") == "<i>b</i>"
    assert cell(panel, 0, "received") == "2"
    assert "accepted" in str(cell(panel, 0, "verdict"))
    assert "refused" in str(cell(panel, 1, "verdict"))
    assert cell(panel, 2, "name") == "—" and cell(panel, 2, "form") == "lesson"
    tooltip = str(cell(panel, 0, "last", Qt.ItemDataRole.ToolTipRole))
    assert "&lt;i&gt;b&lt;/i&gt;" in tooltip and "<i>" not in tooltip  # tooltips are rich text: escaped
    qtbot.waitUntil(lambda: len(panel.model.lanes) == 3, timeout=TIMEOUT_MS)
    assert [lane.label for lane in panel.model.ordered()][:2] == ["<b>Ann</b>", "Bob"]
    panel.lanes.grab()
    assert panel.lanes_drawn() == 3


def test_broadcast_challenge_kick_and_lock(qtbot: QtBot, panel: ClassroomPanel) -> None:
    address = serve(qtbot, panel)
    got: list[str] = []
    stop = threading.Event()

    def student() -> None:
        join(address, "Stay", KEY.encode(), stay_s=30, stop=stop, on_message=lambda _k, t: got.append(t))

    t = threading.Thread(target=student)
    t.start()
    try:
        qtbot.waitUntil(lambda: any(r.verdict == "accepted" for r in panel.table.rows), timeout=TIMEOUT_MS)
        panel._broadcast_text.setText("read this")
        panel._broadcast.click()
        panel._challenge.click()
        qtbot.waitUntil(
            lambda: panel.table.rows and panel.table.rows[0].challenge == "separate", timeout=TIMEOUT_MS
        )
        assert "read this" in got and "hello" in got and "world" in got
        panel._lock.setChecked(True)
        qtbot.waitUntil(lambda: panel._server is not None and panel._server.locked, timeout=TIMEOUT_MS)
        with socket.create_connection(address) as late:
            late.settimeout(5)
            assert late.recv(10) == b""
        qtbot.waitUntil(lambda: any(r.verdict == "room locked" for r in panel.table.rows), timeout=TIMEOUT_MS)
        panel._table_view.selectionModel().select(
            panel.table.index(0, 0),
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
        )
        panel._kick.click()
        qtbot.waitUntil(lambda: panel.table.rows[0].verdict == "kicked", timeout=TIMEOUT_MS)
        t.join(10)
        assert not t.is_alive()
    finally:
        stop.set()
        t.join()


def test_join_tab_shows_the_students_own_lane(qtbot: QtBot, panel: ClassroomPanel) -> None:
    address = serve(qtbot, panel)
    panel._tabs.setCurrentIndex(1)
    panel._j_addr.setText(f"127.0.0.1:{address[1]}")
    panel._j_key.setText(KEY)
    panel._j_name.setText("Me")
    panel._j_messages.setText("one,two")
    panel._j_go.click()
    qtbot.waitUntil(lambda: "echo: two" in panel._j_log.toPlainText(), timeout=TIMEOUT_MS)
    assert "accepted" in panel._j_status.text()
    assert panel.join_model.lanes[0].label == "Me"
    panel._server.broadcast("hi <b>all</b>")  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: "hi <b>all</b>" in panel._j_log.toPlainText(), timeout=TIMEOUT_MS)
    panel._j_go.click()  # leave
    qtbot.waitUntil(lambda: panel._join is None and not panel._jobs, timeout=TIMEOUT_MS)


def test_a_port_in_use_is_reported_not_raised(qtbot: QtBot, panel: ClassroomPanel) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        panel.serve_on("127.0.0.1", taken.getsockname()[1], KEY)
        qtbot.waitUntil(lambda: panel._error_label.isVisible(), timeout=TIMEOUT_MS)
    assert "in use" in panel._error_label.text().lower()
    panel.stop_serving()
    qtbot.waitUntil(lambda: not panel._jobs, timeout=TIMEOUT_MS)


def test_sixty_lanes_paint_only_what_is_visible(qtbot: QtBot) -> None:
    model = ClassModel()
    t = now_ns()
    batch = []
    for sid in range(1, 61):
        batch += [
            StudentConnected(t, "server", sid, f"10.0.0.{sid}:5000"),
            StudentIdentified(t, "server", sid, "netsim", f"student {sid}"),
        ]
        for k in range(50):
            batch.append(ChunkRead(t + k * 10_000_000, "server", sid, k, k + 1, 1, 0, k % 7 == 0))
            batch.append(MessagesQueued(t + k * 10_000_000, "server", sid, "echo", 1, 10))
    model.feed(batch)
    view = LaneView(model)
    view.set_scale(1.5)
    view.resize(900, 400)
    qtbot.addWidget(view)
    view.grab()
    assert view.minimumHeight() > 60 * view.row_h()  # 60 lanes: the scroll area scrolls
    assert view.lanes_drawn == 60  # grab() paints the whole widget
    assert model.merged_total == 60 * 8


def test_chinese(qtbot: QtBot, panel: ClassroomPanel, chinese: Translations) -> None:
    panel.retranslate()
    assert panel.title() == "课堂"
    assert panel._tabs.tabText(0) == "开课（服务器）"
