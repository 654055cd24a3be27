"""Issue 8: the state machine draws the teardown the kernel really took, not the textbook path;
the sequence diagram fits its pane; the detail pane's "Caused by" is translated."""

from __future__ import annotations

from app.lessons.handshake.model import HandshakeRun
from app.lessons.handshake.panel import HandshakePanel
from app.lessons.handshake.views import SegmentDetails, StateMachineView
from app.shell.theme import Theme
from netsim.core.events import RunFinished, RunStarted, TcpStateChanged
from netsim.lessons.handshake.tcpstate import SegmentSeen, State, StateModelled

S = State
FIN, ACK = 0x01, 0x10


def seg(t: int, who: str, flags: int, rel_seq: int, rel_ack: int) -> SegmentSeen:
    return SegmentSeen(
        t, who, captured=True, flags=flags, seq=1000 + rel_seq, ack=5000 + rel_ack,
        rel_seq=rel_seq, rel_ack=rel_ack, payload_len=0, cause="server close()",
    )  # fmt: skip


def simultaneous(segments: list[SegmentSeen]) -> HandshakeRun:
    run = HandshakeRun()
    config = {"scenario": "simultaneous", "capture": True, "kernel_source": "/proc/net/tcp", "steps": []}
    run.feed([RunStarted(0, "lab", config)])
    # What the model predicts for "both close at once": the textbook CLOSING path, both ends.
    for side in ("client", "server"):
        run.feed(
            [
                StateModelled(1, side, "ESTABLISHED", "close", "FIN-WAIT-1", FIN | ACK),
                StateModelled(2, side, "FIN-WAIT-1", "rcv FIN", "CLOSING", ACK),
                StateModelled(3, side, "CLOSING", "rcv ACK", "TIME-WAIT", 0),
            ]
        )
    run.feed(segments)
    run.feed([RunFinished(99, "lab", True)])
    return run


def test_fins_that_did_not_cross_are_drawn_as_the_ordinary_close(qtbot) -> None:  # type: ignore[no-untyped-def]
    # The server's FIN arrived before the client closed: the client's FIN/ACK acks it.
    run = simultaneous(
        [seg(10, "server", FIN | ACK, 1, 1), seg(11, "client", FIN | ACK, 1, 2), seg(12, "server", ACK, 2, 2)]
    )
    assert run.close_path("server").states == (S.ESTABLISHED, S.FIN_WAIT_1, S.TIME_WAIT)
    assert run.close_path("client").states == (S.ESTABLISHED, S.CLOSE_WAIT, S.LAST_ACK, S.CLOSED)
    assert run.close_path("client").source == "captured"
    assert run.fins_crossed() is False
    view = StateMachineView(run)
    qtbot.addWidget(view)
    view.resize(560, 700)
    lines = " ".join(text for _side, text in view.close_lines())
    assert "did not cross" in lines and "CLOSE-WAIT → LAST-ACK" in lines and "captured" in lines
    assert not view.grab().isNull()


def test_fins_that_crossed_take_the_closing_path() -> None:
    run = simultaneous(
        [
            seg(10, "client", FIN | ACK, 1, 1),
            seg(10, "server", FIN | ACK, 1, 1),  # sent before the client's FIN arrived
            seg(11, "client", ACK, 2, 2),
            seg(11, "server", ACK, 2, 2),
        ]
    )
    for side in ("client", "server"):
        assert run.close_path(side).states == (S.ESTABLISHED, S.FIN_WAIT_1, S.CLOSING, S.TIME_WAIT)
    assert run.fins_crossed() is True


def test_without_capture_the_kernel_reports_and_says_so() -> None:
    run = HandshakeRun()
    config = {"scenario": "simultaneous", "capture": False, "kernel_source": "/proc/net/tcp", "steps": []}
    run.feed([RunStarted(0, "lab", config)])
    run.feed(
        [
            TcpStateChanged(1, "client", "ESTABLISHED"),
            TcpStateChanged(1, "server", "ESTABLISHED"),
            TcpStateChanged(2, "client", "CLOSE_WAIT"),
            TcpStateChanged(2, "server", "FIN_WAIT2"),
            TcpStateChanged(3, "client", "CLOSED"),
            TcpStateChanged(3, "server", "TIME_WAIT"),
            RunFinished(4, "lab", True),
        ]
    )
    path = run.close_path("server")
    assert path.source == "kernel" and path.states == (S.ESTABLISHED, S.FIN_WAIT_2, S.TIME_WAIT)
    assert run.fins_crossed() is False


def test_modelled_only_is_said_and_never_called_crossed() -> None:
    run = simultaneous([])
    run.kernel_source = ""
    assert run.close_path("client").source == "modelled"
    assert run.fins_crossed() is None


def test_caused_by_names_the_end_in_the_interface_language(qtbot) -> None:  # type: ignore[no-untyped-def]
    details = SegmentDetails()
    qtbot.addWidget(details)
    assert details.cause_text("server close()") == "server: close()"
    assert details.cause_text("client + server close()") == "client + server: close()"
    assert details.cause_text("something else") == "something else"
    details.show_segment(seg(1, "server", FIN | ACK, 1, 1))
    assert "server: close()" in details.toPlainText()


def test_sequence_diagram_fits_its_pane_at_projector_size(qtbot) -> None:  # type: ignore[no-untyped-def]
    panel = HandshakePanel()
    qtbot.addWidget(panel)
    try:
        panel.set_scale(1.5)
        panel.resize(1280 - 200, 720)
        panel.show()
        qtbot.wait(50)
        viewport = panel.sequence_scroll.viewport().width()
        assert panel.sequence.width() <= viewport  # both lifelines and their labels in view
        assert panel.sequence_scroll.horizontalScrollBar().maximum() == 0
    finally:
        panel.shutdown()


def test_transition_labels_cover_no_state_and_no_other_label(qtbot) -> None:  # type: ignore[no-untyped-def]
    """The refused connection: a loop on CLOSED (rcv SYN / RST/ACK) and SYN-SENT -> CLOSED, both
    labelled next to the CLOSED box; at 1.5x in a narrow pane one covered the state's name."""
    run = HandshakeRun()
    config = {"scenario": "refused", "capture": False, "kernel_source": "", "steps": []}
    run.feed(
        [
            RunStarted(0, "lab", config),
            StateModelled(1, "client", "SYN-SENT", "rcv RST", "CLOSED", 0),
            StateModelled(1, "server", "CLOSED", "rcv SYN", "CLOSED", 0x14),
        ]
    )
    theme = Theme()
    theme.set_scale(1.5)
    view = StateMachineView(run, theme=theme)
    qtbot.addWidget(view)
    view.set_scale(1.5)
    view.resize(540, 640)
    assert not view.grab().isNull()
    assert len(view.label_boxes) == 2
    for i, box in enumerate(view.label_boxes):
        assert box.left() >= 0 and box.right() <= view.width()
        assert not any(box.intersects(node) for node in view.node_boxes.values()), box
        assert not any(box.intersects(other) for other in view.label_boxes[i + 1 :])
