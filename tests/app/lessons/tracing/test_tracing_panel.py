"""The traced-programs panel: the lesson's hello/world pair on the ribbon, a console with stdin."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.lessons.tracing.panel import TracingPanel

TIMEOUT_MS = 30_000
LESSON = Path(__file__).resolve().parents[3] / "lesson_programs"


@pytest.fixture
def panel(qtbot: QtBot) -> Iterator[TracingPanel]:
    widget = TracingPanel()
    qtbot.addWidget(widget)
    widget.resize(1280, 720)
    widget.show()
    yield widget
    widget.shutdown()


@pytest.fixture
def port(monkeypatch: pytest.MonkeyPatch) -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        free = int(s.getsockname()[1])
    monkeypatch.setenv("LESSON_PORT", str(free))
    return free


def test_hello_world_pair_is_drawn_merged(qtbot: QtBot, panel: TracingPanel, port: int) -> None:
    assert panel.start(["python3 s5_hello_server.py", "python3 s5_hello_client.py"], str(LESSON), "none")
    assert not panel.is_idle()
    qtbot.waitUntil(panel.is_idle, timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: len(panel.connections) == 1, timeout=TIMEOUT_MS)
    (conn,) = panel.connections
    assert conn.server == ("127.0.0.1", port)
    assert panel._dir_pick.currentIndex() == 1  # the direction with bytes: server → client
    assert "merged chunks 1" in panel.counters_text()
    assert "did NOT get" in panel.counters_text()
    assert panel._model.merged_chunks == 1 and len(panel._model.msg_start) == 2
    qtbot.waitUntil(lambda: "b'helloworld'" in panel.console_text(1), timeout=TIMEOUT_MS)
    panel.grab()


def test_console_line_goes_to_the_programs_stdin(qtbot: QtBot, panel: TracingPanel, port: int) -> None:
    code = "import socket; a, b = socket.socketpair(); a.send(input('>>>').encode()); print(b.recv(99))"
    assert panel.start([f'python3 -c "{code}"'], "", "none")
    qtbot.waitUntil(lambda: ">>>" in panel.console_text(0), timeout=TIMEOUT_MS)
    panel._consoles[0].line.setText("typed here")
    panel._consoles[0]._send()
    qtbot.waitUntil(panel.is_idle, timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: "b'typed here'" in panel.console_text(0), timeout=TIMEOUT_MS)


def test_a_program_that_cannot_start_is_refused_with_a_message(
    qtbot: QtBot, panel: TracingPanel, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(
        "app.lessons.tracing.panel.QMessageBox.warning", lambda *args: shown.append(str(args[2]))
    )
    assert not panel.start(["no-such-program-netsim --flag"], "", "none")
    assert panel.is_idle() and shown and "program not found" in shown[0]


def test_a_saved_trace_opens_in_the_panel(
    qtbot: QtBot, panel: TracingPanel, port: int, tmp_path: Path
) -> None:
    from netsim.core.trace import Trace
    from netsim.lessons.tracing.session import ProgramSpec, TraceLab

    lab = TraceLab(
        [
            ProgramSpec(["python3", str(LESSON / "s5_hello_server.py")]),
            ProgramSpec(["python3", str(LESSON / "s5_hello_client.py")]),
        ],
        gap_ms=100,
        timeout_s=30,
    )
    lab.start()
    assert lab.wait(40)
    lab.close()
    path = tmp_path / "hello.jsonl"
    Trace(lab.recorder.events).save(path)
    panel.open_trace(str(path))
    assert len(panel.connections) == 1
    assert "merged chunks 1" in panel.counters_text()
    assert str(path) in panel._status.text()
