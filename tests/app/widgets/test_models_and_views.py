"""app/widgets: the stream model and its log model from a real loopback run, the ribbon's
minimum size (its rows are never clipped), and theme colours."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from PySide6.QtCore import QModelIndex, Qt
from pytestqt.qtbot import QtBot

from app.shell.theme import Theme
from app.widgets.log_model import EventLogModel
from app.widgets.ribbon import RibbonView
from app.widgets.stream_model import StreamModel
from netsim.core.events import Event
from netsim.core.recorder import Recorder
from netsim.lessons.sticky import StreamLab
from netsim.lessons.sticky.presets import PRESETS_BY_ID


@pytest.fixture(scope="module")
def hello_world_events() -> Iterator[list[Event]]:
    """send(b'hello'), send(b'world') into a slow receiver, no framing: one merged recv()."""
    scenario = replace(PRESETS_BY_ID["hello-world"].scenario, receiver_delay_ms=50)
    recorder = Recorder()
    lab = StreamLab(scenario, recorder=recorder)
    lab.start()
    try:
        assert lab.wait(10)
    finally:
        lab.close()
    yield recorder.events


def test_stream_model_counts_the_merge(qapp: object, hello_world_events: list[Event]) -> None:
    model = StreamModel()
    model.feed(list(hello_world_events))  # process() consumes its batches
    assert model.backlog == len(hello_world_events)
    while model.process(budget_s=1.0):
        pass
    assert model.backlog == 0 and model.finished
    assert model.sent_bytes == model.received_bytes == 10
    assert model.merged_chunks == 1 and model.messages_intended == 2
    assert not model.app_messages_match
    model.reset()
    assert model.sent_bytes == 0 and not model.finished


def test_log_model_follows_the_stream(qapp: object, hello_world_events: list[Event]) -> None:
    theme = Theme()
    stream = StreamModel()
    log = EventLogModel(stream, theme=theme)
    assert log.rowCount() == 0 and log.columnCount() == 5
    stream.feed(list(hello_world_events))
    while stream.process(budget_s=1.0):
        pass
    assert log.rowCount() == len(stream.log) > 0
    headers = [log.headerData(c, Qt.Orientation.Horizontal) for c in range(5)]
    assert headers == ["time (ms)", "side", "call", "bytes", "result"]
    calls = [log.data(log.index(r, 2)) for r in range(log.rowCount())]
    assert any("send" in str(c) for c in calls) and any("recv" in str(c) for c in calls)
    assert log.data(QModelIndex()) is None
    stream.reset()
    stream.changed.emit()
    assert log.rowCount() == 0


def test_log_model_colours_errors_from_the_theme(qapp: object) -> None:
    theme = Theme()
    stream = StreamModel()
    log = EventLogModel(stream, theme=theme)
    stream.log.append((1.0, "client", "connect()", 0, "ConnectionRefusedError [Errno 111]"))
    stream.log.append((2.0, "client", "send(b'x')", 1, "1"))
    stream.log_appended.emit(0, 1)
    assert log.data(log.index(0, 4), Qt.ItemDataRole.ForegroundRole) == theme.bad_colour
    assert log.data(log.index(1, 4), Qt.ItemDataRole.ForegroundRole) is None
    theme.set_high_contrast(True)
    assert log.data(log.index(0, 4), Qt.ItemDataRole.ForegroundRole) == theme.bad_colour


def test_ribbon_minimum_holds_its_rows_at_every_zoom(qtbot: QtBot) -> None:
    theme = Theme()
    ribbon = RibbonView(StreamModel(), theme=theme)
    qtbot.addWidget(ribbon)
    plain = ribbon.minimumSizeHint().height()
    ribbon.caption = "Now: framing length prefix"
    captioned = ribbon.minimumSizeHint().height()
    assert captioned > plain
    theme.set_scale(3.0)
    assert ribbon.minimumSizeHint().height() > 2 * captioned
    # three lanes of text and the caption fit in the minimum height
    ribbon.resize(800, ribbon.minimumSizeHint().height())
    plot = ribbon._plot_rect()
    from PySide6.QtGui import QFontMetricsF

    lane_text = QFontMetricsF(theme.font(1.0, bold=True)).height()
    assert plot.height() / 3 >= lane_text
    ribbon.grab()


def test_theme_palettes_differ_and_notify(qapp: object) -> None:
    theme = Theme()
    changes: list[bool] = []
    theme.changed.connect(lambda: changes.append(True))
    safe = [theme.message_colour(i).name() for i in range(8)]
    ok, bad = theme.ok_colour.name(), theme.bad_colour.name()
    theme.set_colour_blind_safe(False)
    assert [theme.message_colour(i).name() for i in range(8)] != safe
    assert theme.ok_colour.name() != ok and theme.bad_colour.name() != bad
    theme.set_high_contrast(True)
    assert theme.text_colour.name() == "#000000" and theme.line_width == 2.0
    theme.set_scale(2.0)
    assert theme.font(1.0).pointSizeF() == pytest.approx(20.0)
    assert theme.font(0.1).pointSizeF() >= 6.0  # never unreadably small
    assert len(changes) == 3
    assert theme.layer_colour("tcp") == theme.message_colour(0)
    assert theme.side_colour("client") != theme.side_colour("server") != theme.side_colour("attacker")
