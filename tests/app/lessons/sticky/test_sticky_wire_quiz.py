"""pytest-qt: the ribbon's wire lane, the network knobs and "Predict the recv()" in the sticky panel."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF, Qt

from app.lessons.sticky.panel import StickyPanel
from app.widgets.ribbon import WIRE
from netsim.lessons.sticky.quiz import SITUATIONS


@pytest.fixture
def panel(qtbot):
    p = StickyPanel()
    qtbot.addWidget(p)
    p.resize(1400, 1000)
    p.show()
    yield p
    p.shutdown()


def wait_idle(qtbot, panel: StickyPanel, timeout: int = 20000) -> None:
    qtbot.waitUntil(panel.is_idle, timeout=timeout)


def test_the_internet_preset_draws_segments_on_the_wire_lane(qtbot, panel) -> None:
    panel.load_preset("internet", run=True)
    wait_idle(qtbot, panel)
    m = panel.model
    assert m.wire and m.wire_segments >= 29  # ceil(40960 / 1448)
    assert max(e - s for s, e in zip(m.seg_start, m.seg_end, strict=True)) == 1448
    assert panel.ribbon.lanes() == [0, WIRE, 1, 2]  # wire between send() and recv()
    # The badge says the model's count (29 at least; a segment split under load makes it 30).
    assert (
        panel.counters["wire"].isVisible()
        and f"wire: {m.wire_segments} segments" in panel.counters["wire"].text()
    )
    panel.ribbon.repaint()  # paints without error
    lane = panel.ribbon._lane_rect(WIRE)
    text = panel.ribbon.describe_at(QPointF(lane.left() + 2, lane.center().y()))
    assert text.startswith("segment #1: bytes [0, 1448), 1448 B")


def test_lost_datagrams_are_marked_on_the_wire_lane(qtbot, panel) -> None:
    panel.load_preset("wifi-loss", run=True)
    wait_idle(qtbot, panel)
    m = panel.model
    assert m.wire_dropped and m.lost_datagrams == len(m.wire_dropped)
    assert m.reordered_datagrams > 0 and not m.chunk_slots_sorted
    slot = min(m.wire_dropped)
    ribbon = panel.ribbon
    ribbon.repaint()
    lane = ribbon._lane_rect(WIRE)
    x = ribbon._x(slot + 0.5)
    assert "lost on the wire" in ribbon.describe_at(QPointF(x, lane.center().y()))
    assert f"late {m.reordered_datagrams}" in panel.counters["udp"].text()


def test_no_relay_no_wire_lane_and_tcp_loss_is_not_offered(qtbot, panel) -> None:
    panel.load_preset("hello-world", run=False)
    assert panel.ribbon.lanes() == [0, 1, 2]
    assert panel.wire.values() == {}
    panel.wire.network.setCurrentIndex(panel.wire.network.findData(536))
    assert not panel.wire.loss.isEnabled()  # TCP: no loss knob, and the note says why
    assert "cannot lose bytes" in panel.wire.note.text()
    assert panel.scenario().mss == 536 and panel.scenario().loss == 0
    panel.transport.setCurrentIndex(panel.transport.findData("udp"))
    assert panel.wire.loss.isEnabled()


def test_quiz_holds_the_recv_back_then_scores_keys_1_to_4(qtbot, panel) -> None:
    quiz = panel.quiz
    quiz.start(seed=3)
    assert quiz.bar.isVisible() and quiz.round is not None
    qtbot.waitUntil(lambda: quiz.question is not None, timeout=20000)
    q = quiz.question
    assert q is not None
    assert panel.model.chunk_start == type(panel.model.chunk_start)("q")  # no recv() shown yet
    qtbot.waitUntil(lambda: "prediction" in panel.verdict.text(), timeout=5000)  # not "Running…"
    visible = [b for b in quiz.bar.choices if b.isVisible()]
    assert len(visible) == len(q.choices) and 2 <= len(visible) <= 4
    assert visible[q.answer].text().endswith(repr(q.result))
    qtbot.keyClick(panel, Qt.Key.Key_1 + q.answer)  # the right answer, by key
    assert quiz.score == 1 and quiz.asked == 1
    assert "Score: 1 / 1" in quiz.bar.score.text()
    assert quiz.bar.why_text(q.why) in quiz.bar.verdict.text()  # the one-sentence why
    wait_idle(qtbot, panel)
    assert len(panel.model.chunk_start) >= 1  # revealed on the ribbon
    qtbot.keyClick(panel, Qt.Key.Key_N)  # next round
    qtbot.waitUntil(lambda: quiz.question is not None and quiz.question is not q, timeout=20000)
    q2 = quiz.question
    assert q2 is not None
    wrong = (q2.answer + 1) % len(q2.choices)
    qtbot.keyClick(panel, Qt.Key.Key_1 + wrong)
    qtbot.keyClick(panel, Qt.Key.Key_1 + q2.answer)  # a second key press changes nothing
    assert (quiz.score, quiz.asked) == (1, 2)
    assert "Score: 1 / 2" in quiz.bar.score.text()
    quiz.quiz_button.setChecked(False)
    assert not quiz.bar.isVisible()
    wait_idle(qtbot, panel)


def test_every_situation_has_translatable_text(panel) -> None:
    import random

    from netsim.lessons.sticky.quiz import WHY, plan_round

    for s in SITUATIONS:
        assert "{" not in panel.quiz.bar.setup_text(plan_round(random.Random(1), s.situation_id))
    for key in WHY:
        assert panel.quiz.bar.why_text(key)


def test_wire_lane_from_a_model_built_by_hand_dense_and_zoomed(qtbot) -> None:
    from app.widgets.ribbon import RibbonView
    from app.widgets.stream_model import StreamModel
    from netsim.core.events import BytesReceived, BytesSent, RunFinished, RunStarted
    from netsim.lab.relay import DatagramDropped, DatagramForwarded

    model = StreamModel()
    events: list = [RunStarted(0, "lab", {"transport": "udp", "count": 500, "size": 4, "wire_seed": 1})]
    for i in range(500):
        events.append(BytesSent(1, "client", i, 4 * i, 4 * i + 4, 0, b"abcd"))
        if i % 7 == 3:
            events.append(DatagramDropped(2, "relay", "c2s", i, 4, "loss"))
        else:
            events.append(DatagramForwarded(2, "relay", "c2s", i, 4, 1, False, i % 11 == 0))
            events.append(BytesReceived(3, "server", 4 * i, 4 * i + 4, b"abcd", datagram=i))
    events.append(RunFinished(4, "lab", True, "done"))
    model.load(events)
    assert model.wire and len(model.wire_dropped) == 71 and model.lost_datagrams == 71
    view = RibbonView(model)
    qtbot.addWidget(view)
    view.resize(900, 260)
    view.show()
    assert not view.grab().isNull()  # dense: a band with red ticks
    view._x0, view._span = 0.0, 10.0  # zoomed in on datagrams 0-9
    assert not view.grab().isNull()
    lane = view._lane_rect(WIRE)
    assert "lost on the wire" in view.describe_at(QPointF(view._x(3.5), lane.center().y()))
    assert "held back" in view.describe_at(QPointF(view._x(0.5), lane.center().y()))
