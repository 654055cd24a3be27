"""The servers panel runs each server design for real and draws who waited and what it cost."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from app.lessons.servers.panel import ServersPanel
from netsim.lessons.servers import BLOCKING, BUSY, LESSON_NB, MODES, SELECTORS, THREADED

TIMEOUT_MS = 15_000


@pytest.fixture
def panel(qtbot: QtBot) -> Iterator[ServersPanel]:
    widget = ServersPanel()
    qtbot.addWidget(widget)
    widget.resize(1400, 900)
    widget.show()
    yield widget
    widget.shutdown()


def choose(panel: ServersPanel, mode: str, clients: int = 3, requests: int = 2, think_ms: int = 20) -> None:
    panel._mode.setCurrentIndex(MODES.index(mode))
    panel._clients.setValue(clients)
    panel._requests.setValue(requests)
    panel._think.setValue(think_ms)


@pytest.mark.parametrize("mode", MODES)
def test_each_mode_draws_a_row_per_client_and_the_counters(
    qtbot: QtBot, panel: ServersPanel, mode: str
) -> None:
    assert panel.is_idle()
    choose(panel, mode, clients=3)
    panel.run()
    assert not panel.is_idle()
    qtbot.waitUntil(panel.is_idle, timeout=TIMEOUT_MS)
    assert panel.timeline_rows() == [(mode, ["client 1", "client 2", "client 3", "server"])]
    (result,) = panel.results()
    assert result.finished and result.all_echoed, result.failures
    counters = panel.counter_texts()
    assert counters["wall"].endswith(" ms") and counters["percent"].endswith(" %")
    assert panel._table.rowCount() == 1
    panel.grab()  # paints the timeline with a finished run
    verdict = panel.verdict_text()
    expected = {
        BLOCKING: "One at a time",
        THREADED: "Concurrent",
        BUSY: "burns a CPU doing nothing",
        LESSON_NB: "The lesson's code stalls",
        SELECTORS: "sleeps until a socket is ready",
    }[mode]
    assert expected in verdict


def test_blocking_rows_show_waiting_then_serving(qtbot: QtBot, panel: ServersPanel) -> None:
    choose(panel, BLOCKING, clients=2, requests=2, think_ms=30)
    panel.run()
    qtbot.waitUntil(panel.is_idle, timeout=TIMEOUT_MS)
    first, second = panel.results()[0].clients
    assert second.connected is not None and second.accepted is not None and first.closed is not None
    assert second.connected < first.closed <= second.accepted  # grey (waiting), then coloured


def test_default_preset_compares_all_five_and_busy_burns_more(qtbot: QtBot, panel: ServersPanel) -> None:
    panel._think.setValue(30)  # the preset sets 100 ms; fine either way, this only checks the queue
    panel.run_default_preset()
    qtbot.waitUntil(panel.is_idle, timeout=TIMEOUT_MS * 2)
    assert [mode for mode, _rows in panel.timeline_rows()] == list(MODES)
    by_mode = {r.mode: r for r in panel.results()}
    assert all(r.all_echoed for r in by_mode.values())
    assert by_mode[BUSY].server_cpu_s >= 5 * max(by_mode[SELECTORS].server_cpu_s, 0.001)
    assert panel._table.rowCount() == len(MODES)
    panel.reset()
    assert panel.timeline_rows() == [] and panel._table.rowCount() == 0


def test_shutdown_mid_run_leaves_no_threads(qtbot: QtBot, panel: ServersPanel) -> None:
    before = set(threading.enumerate())
    choose(panel, THREADED, clients=5, requests=10, think_ms=200)
    panel.compare_all()
    qtbot.waitUntil(
        lambda: any(r.clients and r.clients[0].connected for r in panel.results()), timeout=TIMEOUT_MS
    )
    panel.shutdown()
    assert panel.is_idle()
    assert [t for t in threading.enumerate() if t not in before and t.is_alive()] == []


def test_pause_stops_the_queue_and_keeps_what_ran(qtbot: QtBot, panel: ServersPanel) -> None:
    choose(panel, BLOCKING, clients=2, requests=5, think_ms=100)
    panel.compare_all()
    panel.pause()
    assert panel._lab is None  # stopped at once; the lab is closed on the panel's helper thread
    qtbot.waitUntil(panel.is_idle, timeout=TIMEOUT_MS)
    assert len(panel.timeline_rows()) == 1
    assert "Stopped before every client was served" in panel.verdict_text()  # no lesson from half a run


def test_scale_and_retranslate_keep_the_rows(qtbot: QtBot, panel: ServersPanel) -> None:
    choose(panel, SELECTORS, clients=2)
    panel.run()
    qtbot.waitUntil(panel.is_idle, timeout=TIMEOUT_MS)
    rows = panel.timeline_rows()
    height = panel._view.minimumHeight()
    panel.set_scale(1.5)
    panel.retranslate()
    panel.grab()
    assert panel.timeline_rows() == rows
    assert panel._view.minimumHeight() > height
    panel.set_scale(1.0)


def test_the_panel_speaks_chinese(qtbot, chinese) -> None:  # type: ignore[no-untyped-def]
    """With the app's own translations installed (completeness: tests/app/test_i18n.py)."""
    widget = ServersPanel()
    qtbot.addWidget(widget)
    assert widget.title() == "并发服务多个客户端"
    assert widget.mode_names()[BUSY] == "非阻塞：忙等待循环（已修正）"
    assert widget.timeline_rows() == []
    assert widget._view.texts["client"].format(n=2) == "客户端 2"
    widget.shutdown()


def test_the_lessons_code_is_shown_beside_the_fixes_with_the_reason(
    qtbot: QtBot, panel: ServersPanel
) -> None:
    order = list(MODES)
    assert order.index(BUSY) < order.index(LESSON_NB) < order.index(SELECTORS)
    choose(panel, LESSON_NB, clients=2, requests=2, think_ms=100)
    assert "does not inherit non-blocking mode" in panel._explanation.text()
    panel.run()
    qtbot.waitUntil(panel.is_idle, timeout=TIMEOUT_MS)
    (result,) = panel.results()
    _first, second = result.clients
    assert second.wait_ns is not None and second.wait_ns >= 50e6  # it waited on client 1's recv()
    assert "client 2 waited" in panel.verdict_text()


def test_figures_and_run_titles_fit_at_projector_size(qtbot: QtBot) -> None:
    """Issue 8 (the 1280x720 look): the three big figures ran into each other ("228 ms1.7 ms")
    and a run's title was cut at the timeline's right edge."""
    widget = ServersPanel()
    qtbot.addWidget(widget)
    try:
        widget.set_scale(1.5)
        widget.resize(1280 - 200, 720)
        widget.show()
        for key in ("wall", "cpu", "percent"):
            widget._counters[key].setText("8888.8 ms")
        qtbot.wait(20)
        rects = [widget._counters[k].geometry() for k in ("wall", "cpu", "percent")]
        names = [widget._counter_names[k].geometry() for k in ("wall", "cpu", "percent")]
        for i, a in enumerate(rects + names):
            for b in (rects + names)[i + 1 :]:
                assert not a.intersects(b), (a, b)
        for value in rects:
            assert value.right() <= widget._side.width()
        view = widget._view
        title = "multi-threaded (socketserver): 3 clients x 3 requests, think 100 ms, " * 2
        assert view._header_height(title) > view.row_h() * 1.4  # wraps instead of running off
    finally:
        widget.shutdown()
