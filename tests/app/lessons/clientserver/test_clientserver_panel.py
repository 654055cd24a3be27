"""The C/S and B/S panel: server started from the panel, the C/S client's messages with their
framing on the ribbon, "Open in browser" handing the URL to the desktop, threads joined."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QUrl
from pytestqt.qtbot import QtBot

import app.lessons.clientserver.panel as panel_module
from app.lessons.clientserver.panel import ClientServerPanel, shown
from netsim.lessons.clientserver.browser import find_browser


@pytest.fixture
def panel(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> Iterator[ClientServerPanel]:
    monkeypatch.setattr(panel_module, "find_browser", lambda: None)  # keep these tests fast
    widget = ClientServerPanel()
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    yield widget
    widget.shutdown()


def test_default_preset_serves_the_cs_client_and_marks_the_framing(
    qtbot: QtBot, panel: ClientServerPanel, tmp_path: Path
) -> None:
    threads = threading.active_count()
    panel.run_default_preset()
    qtbot.waitUntil(lambda: panel.is_idle() and bool(panel.views()), timeout=15000)
    qtbot.waitUntil(lambda: any(v.closed for v in panel.views()), timeout=5000)
    rows = panel.connection_rows()
    assert rows[0][1] == "C/S client" and rows[0][2] == "3"
    assert panel.url_label.text().startswith("http://127.0.0.1:")
    html = panel.ribbon.toHtml()
    assert "request 1" in html and "response 3" in html
    assert "Content-Length 7" in panel.ribbon.toPlainText()  # the POST body "student", by its length
    assert "held 2 requests" in panel.ribbon.toPlainText()  # two requests glued in one recv()
    assert "\\r\\n\\r\\n" in panel.ribbon.toPlainText()
    assert panel.start_btn.text() == "Stop server"
    trace = tmp_path / "cs.jsonl"
    panel.export_trace(str(trace))
    code = (
        "import sys; from netsim.core.trace import Trace; "
        "t = Trace.load(sys.argv[1]); print(sum(e.kind == 'HttpMessageFramed' for e in t))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(trace)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) >= 9  # 3 requests + 3 responses (server side) + 3 responses (client side)
    panel.step()  # Space: one more C/S run on the same server
    qtbot.waitUntil(lambda: sum(v.client == "cs" for v in panel.views()) == 2, timeout=10000)
    panel.reset()
    assert panel.connection_rows() == [] and panel.start_btn.text() == "Start server"
    qtbot.waitUntil(panel.is_idle, timeout=10000)  # the server is closed on the panel's helper thread
    qtbot.waitUntil(lambda: threading.active_count() == threads, timeout=5000)


def test_open_in_browser_hands_the_url_to_the_desktop(
    qtbot: QtBot, panel: ClientServerPanel, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    monkeypatch.setattr(
        panel_module.QDesktopServices, "openUrl", lambda url: opened.append(QUrl(url).toString())
    )
    panel.start_server()
    qtbot.waitUntil(lambda: panel.open_btn.isEnabled(), timeout=5000)
    panel.open_in_browser()
    assert opened == [panel.url_label.text()]
    assert not panel.headless_btn.isEnabled()  # no browser (patched away): the button says so
    assert "apt-get install chromium" in panel.headless_btn.toolTip()


def test_a_port_in_use_is_reported(qtbot: QtBot, panel: ClientServerPanel) -> None:
    import socket

    with socket.create_server(("127.0.0.1", 0)) as taken:
        panel.port_spin.setValue(taken.getsockname()[1])
        panel.start_server()
        qtbot.waitUntil(lambda: "Error" in panel.status.text(), timeout=5000)
        panel.stop_server()


def test_shown_marks_crlf() -> None:
    assert shown(b"a\r\nb\x01<") == "a\\r\\n<br>b·&lt;"
    assert shown(b"\r\n\r\n", breaks=False) == "\\r\\n\\r\\n"


@pytest.mark.skipif(
    find_browser() is None, reason="no Chromium-family browser installed (apt-get install chromium)"
)
def test_headless_chromium_from_the_panel(qtbot: QtBot) -> None:
    widget = ClientServerPanel()
    qtbot.addWidget(widget)
    try:
        widget.run_default_preset()
        qtbot.waitUntil(widget.is_idle, timeout=60000)
        qtbot.waitUntil(lambda: any(v.client == "browser" for v in widget.views()), timeout=5000)
        assert "greeting is on it" in widget.status.text()
        assert any(r[1] == "browser (B/S)" for r in widget.connection_rows())
    finally:
        widget.shutdown()


def test_the_panel_speaks_chinese(qtbot, chinese, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(panel_module, "find_browser", lambda: None)
    widget = ClientServerPanel()
    qtbot.addWidget(widget)
    try:
        assert widget.title() == "C/S 与 B/S"
        assert widget.open_btn.text() == "在浏览器中打开"
        widget.run_default_preset()
        qtbot.waitUntil(lambda: widget.is_idle() and bool(widget.views()), timeout=15000)
        assert widget.connection_rows()[0][1] == "C/S 客户端"
        assert "黏包" in widget.ribbon.toPlainText()
    finally:
        widget.shutdown()
