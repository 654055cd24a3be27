"""Predict the recv(), in the sticky panel: think first, then see the real run.

The quiz picks a situation (netsim.lessons.sticky.quiz.plan_round), puts it in the panel's
controls and runs it for real.  The run's events reach the ribbon until the first ``recv()``
returns; from there they are held back.  Once the run is over, it is graded: one question per
``recv()``/``recvfrom()`` result, in order (at most MAX_QUESTIONS; the bar says when the run made
more).  For each, the student picks one of 2-4 answers (buttons, or the keys 1-4 on the
projector); then the held events up to the next ``recv()`` result are released onto the ribbon
(that recv() shown, nothing after it), with the verdict, one sentence of why and the running
score, and the next question comes up.  After the last question everything is released.
A run started by hand in the middle of a round (Run, Step, a control changed) voids the round:
its held events are dropped, never shown on the other run's ribbon.

The panel needs three small hooks: ``feed`` (instead of feeding its model directly),
``quiz_button`` in its button row and ``bar`` in its layout.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.shell.theme import Theme
from netsim.core.events import Event
from netsim.core.recorder import Recorder
from netsim.core.trace import Trace
from netsim.lessons.sticky.quiz import (
    SMALL_RECV,
    Choice,
    Graded,
    Question,
    Round,
    choice_text,
    grade,
    is_recv_result,
    plan_round,
)

if TYPE_CHECKING:
    from app.lessons.sticky.panel import StickyPanel

MAX_CHOICES = 4
SHORT_CHOICE = 14  # characters: choices this short fit four in a row at presenter zoom


class QuizBar(QFrame):
    """The question, the choices (1-4), the verdict and why, the score."""

    answered = Signal(int)
    next_requested = Signal()
    stop_requested = Signal()

    def __init__(self, parent: QWidget | None = None, *, theme: Theme | None = None) -> None:
        super().__init__(parent)
        self.theme = theme if theme is not None else Theme(self)
        self.setObjectName("quiz_bar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.heading = QLabel()
        self.score = QLabel()
        self.score.setObjectName("quiz_score")
        self.question = QLabel()
        self.question.setWordWrap(True)
        self.question.setTextFormat(Qt.TextFormat.PlainText)
        self.prompt = QLabel()  # which recv() is asked about
        self.prompt.setWordWrap(True)
        self.prompt.setTextFormat(Qt.TextFormat.PlainText)
        self.choices: list[QPushButton] = []
        self.grid = grid = QGridLayout()  # one row of four; 2 x 2 for long byte strings (show_question)
        for i in range(MAX_CHOICES):
            b = QPushButton()
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys 1-4 and Space stay with the panel
            b.setStyleSheet("text-align: left; padding: 2px 8px;")
            b.clicked.connect(lambda _checked=False, k=i: self.answered.emit(k))
            self.choices.append(b)
            grid.addWidget(b, i // 2, i % 2)
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        self.verdict.setTextFormat(Qt.TextFormat.RichText)
        self.next_btn = QPushButton()
        self.next_btn.clicked.connect(self.next_requested)
        self.stop_btn = QPushButton()
        self.stop_btn.clicked.connect(self.stop_requested)
        for b in (self.next_btn, self.stop_btn):
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.score)
        top.addWidget(self.next_btn)
        top.addWidget(self.stop_btn)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addLayout(top)
        layout.addWidget(self.question)
        layout.addWidget(self.verdict)
        layout.addWidget(self.prompt)
        layout.addLayout(grid)
        self.retranslate()

    def retranslate(self) -> None:
        self.heading.setText(self.tr("Predict the recv(): what does each recv() return?"))
        self.next_btn.setText(self.tr("Next round (N)"))
        self.stop_btn.setText(self.tr("End the quiz"))

    def set_scale(self) -> None:
        self.heading.setFont(self.theme.font(1.15, bold=True))
        self.question.setFont(self.theme.font(1.15))
        self.verdict.setFont(self.theme.font(1.15))
        self.prompt.setFont(self.theme.font(1.15, bold=True))
        self.score.setFont(self.theme.font(1.15, bold=True))
        for b in self.choices:
            b.setFont(self.theme.font(1.2, bold=True, mono=True))

    # ------------------------------------------------------------- texts
    def setup_text(self, rnd: Round) -> str:
        a, b = (repr(m) for m in (*rnd.messages, b"", b"")[:2])
        n = SMALL_RECV
        texts = {
            "late-reader": self.tr(
                "TCP: send({a}); send({b}) at once; the receiver sleeps 100 ms, then recv(1024)."
            ),
            "prompt-reader": self.tr(
                "TCP: send({a}); 100 ms later send({b}); the receiver is already waiting in recv(1024)."
            ),
            "small-recv": self.tr("TCP: send({a}); send({b}); the receiver sleeps 50 ms, then recv({n})."),
            "udp-late": self.tr(
                "UDP: sendto({a}); sendto({b}); the receiver sleeps 100 ms, then recvfrom(1024)."
            ),
            "udp-small": self.tr(
                "UDP: sendto({a}); sendto({b}); the receiver sleeps 50 ms, then recvfrom({n})."
            ),
            "relay-segments": self.tr(
                "TCP through a relay (MSS {n} bytes, 2 kbit/s link): send({a}); send({b}); "
                "the receiver is already waiting in recv(1024)."
            ),
            "relay-late": self.tr(
                "TCP through a relay (MSS {n} bytes): send({a}); send({b}); the receiver sleeps 150 ms, "
                "then recv(1024)."
            ),
            "relay-delay": self.tr(
                "TCP through a relay that delays every segment 50 ms: send({a}); 30 ms later send({b}); "
                "the receiver is already waiting in recv(1024)."
            ),
            "udp-lossy": self.tr(
                "UDP through a relay that loses half the datagrams: sendto({a}); sendto({b}); "
                "the receiver sleeps 100 ms, then recvfrom(1024)."
            ),
            "hello-world": self.tr(
                "TCP, as in the lesson: the server calls send({a}); send({b}), then close(); the client "
                "sleeps 100 ms, then recv(1024)."
            ),
            "empty-tcp": self.tr(
                "TCP: send(b'hello'); send(b''); send(b'world'), then close(); the receiver sleeps 100 ms, "
                "then recv(1024)."
            ),
            "half-packet": self.tr(
                "TCP: one send(b'hello, this is one message'), then close(); the receiver sleeps 20 ms, "
                "then recv(4)."
            ),
            "length-prefix": self.tr(
                "TCP with a 4-byte length prefix: send(struct.pack('!I', 5) + b'hello'); the same for "
                "b'world'; close(); the receiver sleeps 100 ms, then recv(1024)."
            ),
            "udp-boundaries": self.tr(
                "UDP: sendto({a}); sendto({b}); the receiver sleeps 100 ms, then recvfrom(1024)."
            ),
            "empty-udp": self.tr(
                "UDP: sendto(b'hello'); sendto(b''); sendto(b'world'); the receiver sleeps 100 ms, then "
                "recvfrom(1024)."
            ),
            "internet": self.tr(
                "TCP across the Internet (a relay: MSS 1,448 bytes, 30 ms): ten send() calls of 4,096 bytes; "
                "the receiver is already waiting in recv(65536)."
            ),
        }
        loop = (
            self.tr(
                "The receiver calls recvfrom() again (after the same wait) for every datagram that comes."
            )
            if rnd.scenario.transport == "udp"
            else self.tr(
                "The receiver calls recv() again (after the same wait) until it returns b'': "
                "the sender closes when done."
            )
        )
        return texts[rnd.situation.situation_id].format(a=a, b=b, n=n) + " " + loop

    def why_text(self, key: str, args: dict[str, int] | None = None) -> str:
        texts = {
            "merged": self.tr(
                "Both sends were already in the receive queue when recv() ran, and TCP keeps no message boundaries."
            ),
            "several": self.tr(
                "Bytes of {k} sends were already in the receive queue when recv() ran, and TCP keeps no "
                "message boundaries."
            ),
            "empty-send": self.tr(
                "send(b'') put nothing on the stream; the other sends were already in the receive queue together."
            ),
            "alone": self.tr(
                "recv() returns as soon as some bytes arrive: this send arrived alone, before anything after it."
            ),
            "capped": self.tr(
                "recv({n}) returns at most {n} bytes; the rest stays in the receive queue for the next call."
            ),
            "rest": self.tr("The rest of a message that the previous recv() left in the receive queue."),
            "partial": self.tr(
                "Only part of the message had arrived; recv() returns what is there and does not wait for the rest."
            ),
            "segment": self.tr(
                "The relay cut the stream into segments of at most {mss} bytes; recv() returned what had arrived."
            ),
            "late-segments": self.tr(
                "The segments had all arrived while the receiver slept: recv() returns whatever is queued."
            ),
            "segments-queued": self.tr(
                "Several segments had arrived before recv() ran: it returns all that is queued, up to its size."
            ),
            "delayed": self.tr(
                "The relay delayed every segment by the same time, so the sends arrived as far apart as they were sent."
            ),
            "eof": self.tr("The peer closed: everything it sent has been read, so recv() returns b''."),
            "datagram": self.tr(
                "Each recvfrom() returns exactly one datagram, however many are waiting behind it."
            ),
            "empty-datagram": self.tr(
                "sendto(b'') sent a real, empty datagram: recvfrom() returns b'' for it."
            ),
            "truncated": self.tr(
                "The datagram was larger than the recvfrom() size: the rest of it is discarded, not kept for later."
            ),
            "lost": self.tr(
                "A datagram sent before this one was lost on the wire, and UDP does not resend it."
            ),
            "late": self.tr(
                "This datagram was held back on the wire: UDP does not put datagrams back in order."
            ),
            "duplicate": self.tr("The wire delivered this datagram twice, and UDP does not notice."),
            "other": self.tr(
                "recv() returns whatever is in the receive queue at that moment, up to its size."
            ),
        }
        values = {k: f"{v:,}" for k, v in (args or {}).items()}
        return texts[key].format(**values)

    def choice_label(self, choice: Choice) -> str:
        return choice_text(choice, self.tr("nothing: it keeps waiting"))

    # ------------------------------------------------------------- states
    def show_running(self, rnd: Round, score: int, asked: int) -> None:
        self.question.setText(self.setup_text(rnd))
        for b in self.choices:
            b.setVisible(False)
        self.prompt.setText("")
        self.verdict.setText(
            _escape(self.tr("Running it for real… every recv() result is held back until you predict it."))
        )
        self.next_btn.setEnabled(False)
        self._score(score, asked)

    def show_question(self, graded: Graded, q: Question) -> None:
        call = graded.round.call
        n = len(graded.questions)
        text = self.tr("{call} #{k} of {n}: what does it return? Press 1–{m}.").format(
            call=call, k=q.number, n=n, m=len(q.choices)
        )
        if graded.capped:
            text += " " + self.tr(
                "(The run made {total} {call} calls; the quiz asks about the first {n}.)"
            ).format(total=graded.recv_calls, call=call, n=n)
        self.prompt.setText(text)
        labels = [self.choice_label(c) for c in q.choices]
        wide = max(len(t) for t in labels) > SHORT_CHOICE  # two per row, or all four in one
        for i, b in enumerate(self.choices):
            self.grid.addWidget(b, *((i // 2, i % 2) if wide else (0, i)))
            b.setVisible(i < len(q.choices))
            b.setEnabled(True)
            if i < len(q.choices):
                b.setText(f"{i + 1}   {labels[i]}")

    def show_answer(
        self, graded: Graded, q: Question, picked: int, score: int, asked: int, last: bool
    ) -> None:
        right = picked == q.answer
        colour = (self.theme.ok_colour if right else self.theme.alert_colour).name()
        verdict = (
            self.tr("✓ Right: {call} #{k} returned {r}.")
            if right
            else self.tr("✗ Not this time: {call} #{k} returned {r} (answer {n}).")
        ).format(call=graded.round.call, k=q.number, r=self.choice_label(q.result), n=q.answer + 1)
        why = self.why_text(q.why, dict(q.why_args))
        self.verdict.setText(f"<span style='color:{colour}'>{_escape(verdict)}</span> {_escape(why)}")
        if last:
            for b in self.choices:
                b.setEnabled(False)
            self.prompt.setText(self.tr("End of this round: press N for a new one."))
            self.next_btn.setEnabled(True)
        self._score(score, asked)

    def show_error(self, message: str) -> None:
        self.prompt.setText("")
        for b in self.choices:
            b.setVisible(False)
        self.verdict.setText(_escape(self.tr("This round could not run: {e}").format(e=message)))
        self.next_btn.setEnabled(True)

    def show_void(self) -> None:
        self.prompt.setText("")
        for b in self.choices:
            b.setVisible(False)
        self.verdict.setText(
            _escape(self.tr("Another run was started: this round is void. Press N for a new round."))
        )
        self.next_btn.setEnabled(True)

    def _score(self, score: int, asked: int) -> None:
        self.score.setText(self.tr("Score: {s} / {n}").format(s=score, n=asked))


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class QuizController(QObject):
    """Drives the rounds: plan, run in the panel, hold the recv() result back, grade, reveal."""

    def __init__(self, panel: StickyPanel) -> None:
        super().__init__(panel)
        self.panel = panel
        self.bar = QuizBar(theme=panel.theme)
        self.bar.setVisible(False)
        self.quiz_button = QPushButton()
        self.quiz_button.setCheckable(True)
        self.quiz_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.quiz_button.toggled.connect(self._toggled)
        self.bar.answered.connect(self.answer)
        self.bar.next_requested.connect(self.next_round)
        self.bar.stop_requested.connect(lambda: self.quiz_button.setChecked(False))
        self.active = False
        self.rng = random.Random()
        self.situation_id: str | None = None  # one situation only (tests, demos); None: a random one
        self.round: Round | None = None
        self.graded: Graded | None = None
        self.index = 0  # the question being asked (into graded.questions)
        self.round_over = False  # every question of the round answered
        self.score = self.asked = 0
        self.holding = False  # events from the asked recv() result on are kept from the ribbon
        self.held: list[Event] = []
        self._recorder: Recorder | None = None  # the quiz's own run: any other run voids the round
        self._poll = QTimer(self)
        self._poll.setInterval(50)
        self._poll.timeout.connect(self._check_finished)
        self.keys: list[QShortcut] = []
        for i in range(MAX_CHOICES):
            sc = QShortcut(QKeySequence(str(i + 1)), panel)
            sc.activated.connect(lambda k=i: self.answer(k))
            self.keys.append(sc)
        nxt = QShortcut(QKeySequence("N"), panel)
        nxt.activated.connect(self._next_key)
        self.keys.append(nxt)
        self._set_keys(False)
        self.retranslate()

    def retranslate(self) -> None:
        self.quiz_button.setText(self.tr("Predict the recv()"))
        self.bar.retranslate()
        if self.round is not None and self.active:
            self.bar.question.setText(self.bar.setup_text(self.round))
            q = self.question
            if self.graded is not None and q is not None and not self.round_over:
                self.bar.show_question(self.graded, q)

    def _set_keys(self, on: bool) -> None:
        for sc in self.keys:
            sc.setEnabled(on)

    def _toggled(self, on: bool) -> None:
        if on:
            self.start()
        else:
            self.stop()

    # ------------------------------------------------------------- rounds
    def start(self, seed: int | None = None, situation_id: str | None = None) -> None:
        self.active = True
        self.situation_id = situation_id
        self.rng = random.Random(seed)
        self.score = self.asked = 0
        self.bar.setVisible(True)
        self.bar.set_scale()
        self._set_keys(True)
        if not self.quiz_button.isChecked():
            self.quiz_button.blockSignals(True)
            self.quiz_button.setChecked(True)
            self.quiz_button.blockSignals(False)
        self.next_round()

    @property
    def question(self) -> Question | None:
        """The question being asked (None between rounds and once the round is over)."""
        g = self.graded
        if g is None or self.round_over or self.index >= len(g.questions):
            return None
        return g.questions[self.index]

    def stop(self) -> None:
        self.active = False
        self._poll.stop()
        self._set_keys(False)
        self.bar.setVisible(False)
        if self.panel.recorder is self._recorder:
            self.release()
        else:
            self._drop()
        self.round, self.graded = None, None

    def next_round(self) -> None:
        if not self.active:
            return
        self.release()
        self.graded, self.index, self.round_over = None, 0, False
        self.round = plan_round(self.rng, self.situation_id)
        p = self.panel
        p._loading = True
        try:
            p.set_controls(self.round.scenario)
        finally:
            p._loading = False
        p.preset_combo.setCurrentIndex(-1)  # the quiz's own situation, not a preset
        p.lesson.setText("")  # the question is in the quiz bar
        p.start_run()  # the old run's last events are drained in here, before we hold anything
        self._recorder = p.recorder
        self.holding = True
        self.bar.show_running(self.round, self.score, self.asked)
        self._poll.start()

    def _receiver(self) -> str:
        return self.round.scenario.receiving_end if self.round is not None else "server"

    def feed(self, batch: Sequence[Event]) -> bool:
        """Called with each event batch: True if the quiz kept it (the panel then feeds nothing)."""
        if not self.holding:
            return False
        if self.panel.recorder is not self._recorder:  # Run, Step or a control started another run
            self._void()
            return False
        if self.held:
            self.held.extend(batch)
            return True
        receiver = self._receiver()
        for k, ev in enumerate(batch):
            if is_recv_result(ev, receiver):  # the first recv() result: from here, hold back
                self.panel.model.feed(batch[:k])
                self.held.extend(batch[k:])
                return True
        return False

    def release(self) -> None:
        """Everything held goes to the ribbon (the round is over)."""
        self.holding = False
        if self.held:
            batch, self.held = self.held, []
            self.panel.model.feed(batch)

    def _release_one(self) -> None:
        """The asked recv() result and what follows it, up to the next recv() result, go to the ribbon."""
        receiver = self._receiver()
        nxt = next((j for j in range(1, len(self.held)) if is_recv_result(self.held[j], receiver)), None)
        if nxt is None:
            self.release()
            return
        batch, self.held = self.held[:nxt], self.held[nxt:]
        self.panel.model.feed(batch)

    def _drop(self) -> None:
        self.holding = False
        self.held = []

    def _void(self) -> None:
        """Another run replaced the quiz's: its held events are not this run's, so they are dropped."""
        self._drop()
        self._poll.stop()
        self.graded, self.round_over = None, True
        self._recorder = None
        if self.active:
            self.bar.show_void()

    def _check_finished(self) -> None:
        lab, recorder, rnd = self.panel.lab, self.panel.recorder, self.round
        if recorder is not self._recorder:
            self._void()
            return
        if rnd is None or lab is None or recorder is None or not lab.finished:
            return
        self._poll.stop()
        # Everything the run recorded reaches feed() (and is held) before the questions are
        # asked: otherwise the run's tail (the b'' at EOF, RunFinished) could still be in the
        # bridge when an answer releases "the rest", and arrive afterwards unheld.
        self.panel.bridge.drain()
        try:
            self.graded = grade(rnd, Trace(recorder.events))
        except RuntimeError as exc:
            self.release()
            self.round_over = True
            self.bar.show_error(str(exc))
            return
        self.index = 0
        self.bar.show_question(self.graded, self.graded.questions[0])
        self.panel._refresh_texts()

    def answer(self, k: int) -> None:
        g, q = self.graded, self.question
        if not self.active or g is None or q is None or k >= len(q.choices):
            return
        if self.panel.recorder is not self._recorder:
            self._void()
            return
        self.asked += 1
        self.score += k == q.answer
        self.index += 1
        last = self.index >= len(g.questions)
        if last:
            self.round_over = True
            self.release()  # the rest of the run, recv() calls past the cap included
        else:
            self._release_one()
        self.bar.show_answer(g, q, k, self.score, self.asked, last)
        if not last:
            self.bar.show_question(g, g.questions[self.index])
        self.panel._refresh_texts()

    def _next_key(self) -> None:
        if self.round_over or (self.graded is None and not self._poll.isActive()):
            self.next_round()
