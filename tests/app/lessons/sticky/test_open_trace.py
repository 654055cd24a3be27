"""Opening traces in the sticky panel: hostile files say why, big files stream in a worker
with a progress dialog that cancels (issue 10, defects 5 and 6)."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton

import app.lessons.sticky.panel as panel_module
from app.lessons.sticky.panel import StickyPanel
from netsim.core.events import BytesSent, FrameDecoded, RunFinished, RunStarted
from netsim.core.trace import TRACE_FORMAT, TRACE_VERSION, Trace, TraceLoader
from netsim.lessons.sticky import Scenario

HEADER = json.dumps({"format": TRACE_FORMAT, "version": TRACE_VERSION})


@pytest.fixture
def panel(qtbot):
    p = StickyPanel()
    qtbot.addWidget(p)
    p.resize(1400, 900)
    p.show()
    yield p
    p.shutdown()


@pytest.fixture
def warnings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    shown: list[str] = []
    for name in ("warning", "information"):
        monkeypatch.setattr(
            QMessageBox, name, staticmethod(lambda _parent, title, text: shown.append(f"{title}: {text}"))
        )
    return shown


def big_trace(path: Path, messages: int) -> Path:
    payload = b"p" * 16
    events = [RunStarted(1, "lab", {**Scenario(count=messages, size=16).to_dict(), "framing": "none"})]
    for i in range(messages):
        events.append(BytesSent(2 + i, "client", i, i * 16, i * 16 + 16, 0, payload))
        events.append(FrameDecoded(3 + i, "server", i, i * 16, i * 16 + 16, payload, True))
    events.append(RunFinished(10**9, "lab", True))
    Trace(events).save(path)
    return path


@pytest.mark.parametrize(
    ("config", "line"),
    [('{"count": "abc"}', 2), ('{"count": [1]}', 2), ('{"messages": 5}', 2), ('{"messages": [5, 6]}', 2)],
)
def test_a_hostile_config_is_refused_with_its_line_and_the_ticks_stay_quiet(
    qtbot, panel, warnings, tmp_path: Path, config: str, line: int
) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(
        HEADER + '\n{"type": "RunStarted", "t_ns": 1, "endpoint": "lab", "config": ' + config + "}\n",
        encoding="utf-8",
    )
    panel.open_trace(str(path))
    qtbot.waitUntil(panel.is_idle, timeout=10000)
    assert len(warnings) == 1 and f"line {line}" in warnings[0]
    for _ in range(5):  # the timer used to raise on every tick after such a file
        panel._on_tick()
    assert panel.model.app_messages == 0


def test_deep_nesting_and_huge_numbers_are_refused(qtbot, panel, warnings, tmp_path: Path) -> None:
    for text in ("[" * 100_000, '{"format": "netsim-trace", "version": ' + "9" * 5000 + "}"):
        path = tmp_path / "bad.jsonl"
        path.write_text(text + "\n", encoding="utf-8")
        panel.open_trace(str(path))
        qtbot.waitUntil(panel.is_idle, timeout=10000)
    assert len(warnings) == 2 and all("not a NetSim trace" in w for w in warnings)


def test_a_trace_past_the_size_limit_is_refused(qtbot, panel, warnings, tmp_path: Path) -> None:
    path = big_trace(tmp_path / "big.jsonl", 2000)
    panel.max_trace_mb = 0.05
    panel.open_trace(str(path))
    qtbot.waitUntil(panel.is_idle, timeout=10000)
    assert len(warnings) == 1 and "more than the 0.05 MB limit" in warnings[0]


def test_opening_a_big_trace_shows_progress_and_draws_it(
    qtbot, panel, warnings, tmp_path, monkeypatch
) -> None:
    monkeypatch.setattr(panel_module, "PROGRESS_DELAY_MS", 0)
    path = big_trace(tmp_path / "big.jsonl", 20_000)
    panel.open_trace(str(path))
    dialog = panel.trace_dialog
    assert dialog is not None
    qtbot.waitUntil(panel.is_idle, timeout=60000)
    assert not warnings
    assert panel.trace_dialog is None
    assert not shiboken6.isValid(dialog) or not dialog.isVisible()  # closed (and maybe deleted)
    assert panel.model.app_messages == 20_000 and panel.model.app_messages_match
    assert not [t for t in threading.enumerate() if t.name == "netsim-trace-loader"]


def test_the_progress_dialog_cancels_the_load(qtbot, panel, warnings, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(panel_module, "PROGRESS_DELAY_MS", 0)
    report = TraceLoader._report

    def slow_report(self: TraceLoader, done: int, total: int) -> None:
        report(self, done, total)
        if not self._cancel.is_set():  # a slow disk: the load outlasts the dialog's appearance
            time.sleep(0.05)

    monkeypatch.setattr(TraceLoader, "_report", slow_report)
    path = big_trace(tmp_path / "big.jsonl", 60_000)  # ~12 MB: 48 progress reports, >= 2.4 s
    panel.open_trace(str(path))
    dialog = panel.trace_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible, timeout=5000)
    assert panel._trace_load is not None  # still reading
    button = dialog.findChild(QPushButton)
    assert button is not None and button.text() == "Cancel"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(panel.is_idle, timeout=5000)
    assert not warnings and panel.trace_dialog is None
    assert panel.model.app_messages == 0 and panel._trace_path is None
    assert not [t for t in threading.enumerate() if t.name == "netsim-trace-loader"]
    panel.export_trace(str(tmp_path / "nothing.jsonl"))  # nothing was opened: nothing to export
    assert warnings == ["Nothing to export: Run a scenario first."]
