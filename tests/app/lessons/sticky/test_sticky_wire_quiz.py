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


def test_quiz_asks_each_recv_in_turn_keys_1_to_4_and_score(qtbot, panel) -> None:
    quiz = panel.quiz
    quiz.start(seed=3, situation_id="hello-world")
    assert quiz.bar.isVisible() and quiz.round is not None
    qtbot.waitUntil(lambda: quiz.question is not None, timeout=20000)
    g, q1 = quiz.graded, quiz.question
    assert g is not None and q1 is not None
    assert [q.result for q in g.questions] == [b"helloworld", b""]  # the lesson: two recv() calls
    assert len(panel.model.chunk_start) == 0 and not panel.model.finished  # no recv() shown yet
    assert "prediction" in panel.verdict.text()
    assert "#1 of 2" in quiz.bar.prompt.text()
    visible = [b for b in quiz.bar.choices if b.isVisible()]
    assert len(visible) == len(q1.choices) and 2 <= len(visible) <= 4
    assert visible[q1.answer].text().endswith("b'helloworld'")
    qtbot.keyClick(panel, Qt.Key.Key_1 + q1.answer)  # the right answer, by key
    assert quiz.score == 1 and quiz.asked == 1
    assert "Score: 1 / 1" in quiz.bar.score.text()
    assert quiz.bar.why_text(q1.why) in quiz.bar.verdict.text()  # the one-sentence why
    # recv() #1 is on the ribbon, nothing after it: the b'' and the end of the run are still held
    qtbot.waitUntil(lambda: len(panel.model.chunk_start) == 1, timeout=5000)
    assert not panel.model.finished and quiz.holding
    q2 = quiz.question
    assert q2 is not None and q2.number == 2 and q2.result == b""
    assert "#2 of 2" in quiz.bar.prompt.text()
    assert any(b.text().endswith("nothing: it keeps waiting") for b in quiz.bar.choices if b.isVisible())
    qtbot.keyClick(panel, Qt.Key.Key_N)  # no new round in the middle of one
    assert quiz.question is q2
    wrong = (q2.answer + 1) % len(q2.choices)
    qtbot.keyClick(panel, Qt.Key.Key_1 + wrong)
    qtbot.keyClick(panel, Qt.Key.Key_1 + q2.answer)  # the round is over: a second key press changes nothing
    assert (quiz.score, quiz.asked) == (1, 2)
    assert "Score: 1 / 2" in quiz.bar.score.text()
    assert "The peer closed" in quiz.bar.verdict.text() and quiz.round_over and not quiz.holding
    wait_idle(qtbot, panel)
    assert panel.model.finished and len(panel.model.chunk_start) == 1  # all of it now
    qtbot.keyClick(panel, Qt.Key.Key_N)  # next round
    qtbot.waitUntil(lambda: quiz.question is not None and quiz.graded is not g, timeout=20000)
    qtbot.keyClick(panel, Qt.Key.Key_1)
    assert quiz.asked == 3
    quiz.quiz_button.setChecked(False)
    assert not quiz.bar.isVisible()
    wait_idle(qtbot, panel)


def test_a_run_started_by_hand_voids_the_round(qtbot, panel) -> None:
    quiz = panel.quiz
    quiz.start(seed=1, situation_id="late-reader")
    qtbot.waitUntil(lambda: quiz.question is not None, timeout=20000)
    assert quiz.held
    panel.start_run()  # Run pressed in the middle of a question: the quiz's held events are not this run's
    qtbot.waitUntil(lambda: quiz.question is None, timeout=20000)
    assert not quiz.held and not quiz.holding and "void" in quiz.bar.verdict.text()
    qtbot.keyClick(panel, Qt.Key.Key_1)
    assert quiz.asked == 0
    wait_idle(qtbot, panel)
    assert panel.model.finished and len(panel.model.chunk_start) >= 1  # the new run, shown in full
    quiz.quiz_button.setChecked(False)


def test_every_situation_has_translatable_text(panel) -> None:
    import random

    from netsim.lessons.sticky.quiz import WHY, plan_round

    for s in SITUATIONS:
        rnd = plan_round(random.Random(1), s.situation_id)
        text = panel.quiz.bar.setup_text(rnd)
        assert "{" not in text and rnd.call in text
        assert text == f"{rnd.setup} {rnd.loop}"  # the GUI's English is the CLI's
    args = {"n": 4, "k": 2, "mss": 1448}
    for key, text in WHY.items():
        assert panel.quiz.bar.why_text(key, args) == text.format(**args)  # the GUI's English is the CLI's


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


def test_no_trace_export_while_the_quiz_holds_results_back(qtbot, panel) -> None:
    quiz = panel.quiz
    quiz.start(seed=2, situation_id="udp-boundaries")
    qtbot.waitUntil(lambda: quiz.question is not None, timeout=20000)
    g = quiz.graded
    assert g is not None and [q.result for q in g.questions] == [b"hello", b"world"]  # no b'' over UDP
    assert not panel.can_export_trace()  # the recording would give the answers away
    for _ in g.questions:
        qtbot.keyClick(panel, Qt.Key.Key_1 + quiz.question.answer)
    assert (quiz.score, quiz.asked) == (2, 2) and quiz.round_over
    assert panel.can_export_trace()
    wait_idle(qtbot, panel)
    assert len(panel.model.chunk_start) == 2
    quiz.quiz_button.setChecked(False)
