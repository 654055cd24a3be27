"""Predict the recv(), in the sticky panel: think first, then see the real run.

The quiz picks a situation (netsim.lessons.sticky.quiz.plan_round), puts it in the panel's
controls and runs it for real.  The run's events reach the ribbon until the first ``recv()``
returns; from there they are held back, and the student picks one of 2-4 answers (buttons, or
the keys 1-4 on the projector).  Then the held events are released onto the ribbon, with the
verdict, one sentence of why, and the running score.

The panel needs three small hooks: ``feed`` (instead of feeding its model directly),
``quiz_button`` in its button row and ``bar`` in its layout.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.shell.theme import Theme
from netsim.core.events import BytesReceived, Event
from netsim.core.trace import Trace
from netsim.lessons.sticky.quiz import SMALL_RECV, Question, Round, grade, plan_round

if TYPE_CHECKING:
    from app.lessons.sticky.panel import StickyPanel

MAX_CHOICES = 4


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
        self.choices: list[QPushButton] = []
        row = QHBoxLayout()
        for i in range(MAX_CHOICES):
            b = QPushButton()
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys 1-4 and Space stay with the panel
            b.clicked.connect(lambda _checked=False, k=i: self.answered.emit(k))
            self.choices.append(b)
            row.addWidget(b, 1)
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
        layout.addLayout(row)
        layout.addWidget(self.verdict)
        self.retranslate()

    def retranslate(self) -> None:
        self.heading.setText(self.tr("Predict the recv(): what does the first recv() return?"))
        self.next_btn.setText(self.tr("Next question (N)"))
        self.stop_btn.setText(self.tr("End the quiz"))

    def set_scale(self) -> None:
        self.heading.setFont(self.theme.font(1.15, bold=True))
        self.question.setFont(self.theme.font(1.15))
        self.verdict.setFont(self.theme.font(1.15, bold=True))
        self.score.setFont(self.theme.font(1.15, bold=True))
        for b in self.choices:
            b.setFont(self.theme.font(1.2, bold=True))

    # ------------------------------------------------------------- texts
    def setup_text(self, rnd: Round) -> str:
        a, b = (repr(m) for m in rnd.messages)
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
        }
        return texts[rnd.situation.situation_id].format(a=a, b=b, n=n)

    def why_text(self, key: str) -> str:
        texts = {
            "merged": self.tr(
                "Both sends were already in the receive queue when recv() ran, and TCP keeps no message boundaries."
            ),
            "prompt": self.tr(
                "recv() returns as soon as some bytes arrive: the first message came alone, before the second was sent."
            ),
            "capped": self.tr(
                "recv(n) returns at most n bytes; the rest stays in the receive queue for the next call."
            ),
            "segment": self.tr(
                "The relay cut the stream into small segments; recv() returned as soon as the first one arrived."
            ),
            "late-segments": self.tr(
                "The segments had all arrived while the receiver slept: recv() returns whatever is queued."
            ),
            "delayed": self.tr(
                "Each segment spent 50 ms on the wire; the second arrived 30 ms after the first, so recv() got the first alone."
            ),
            "datagram": self.tr(
                "Each recvfrom() returns exactly one datagram, however many are waiting behind it."
            ),
            "truncated": self.tr(
                "The datagram was larger than the recvfrom() size: the rest of it is discarded, not kept for later."
            ),
            "lost": self.tr(
                "The first datagram was lost on the wire and UDP does not resend it, so recvfrom() returned the second."
            ),
            "other": self.tr(
                "recv() returns whatever is in the receive queue at that moment, up to its size."
            ),
        }
        return texts[key]

    # ------------------------------------------------------------- states
    def show_running(self, rnd: Round, score: int, asked: int) -> None:
        self.question.setText(self.setup_text(rnd))
        for b in self.choices:
            b.setVisible(False)
        self.verdict.setText(self.tr("Running it for real… the first recv() result is held back."))
        self.next_btn.setEnabled(False)
        self._score(score, asked)

    def show_question(self, q: Question) -> None:
        for i, b in enumerate(self.choices):
            b.setVisible(i < len(q.choices))
            b.setEnabled(True)
            if i < len(q.choices):
                b.setText(f"{i + 1}   {q.choices[i]!r}")
        self.verdict.setText(self.tr("Your prediction? Press 1–{n}.").format(n=len(q.choices)))

    def show_answer(self, q: Question, picked: int, score: int, asked: int) -> None:
        for b in self.choices:
            b.setEnabled(False)
        right = picked == q.answer
        colour = (self.theme.ok_colour if right else self.theme.alert_colour).name()
        verdict = (
            self.tr("✓ Right: recv() returned {r}.")
            if right
            else self.tr("✗ Not this time: recv() returned {r} (answer {n}).")
        ).format(r=_escape(repr(q.result)), n=q.answer + 1)
        self.verdict.setText(f"<span style='color:{colour}'>{verdict}</span> {_escape(self.why_text(q.why))}")
        self.next_btn.setEnabled(True)
        self._score(score, asked)

    def show_error(self, message: str) -> None:
        self.verdict.setText(_escape(self.tr("This round could not run: {e}").format(e=message)))
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
        self.round: Round | None = None
        self.question: Question | None = None
        self._picked: int | None = None
        self.score = self.asked = 0
        self.holding = False  # events after the first recv() are kept from the ribbon
        self.held: list[Event] = []
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
            if self.question is not None and self._picked is not None:
                self.bar.show_answer(self.question, self._picked, self.score, self.asked)

    def _set_keys(self, on: bool) -> None:
        for sc in self.keys:
            sc.setEnabled(on)

    def _toggled(self, on: bool) -> None:
        if on:
            self.start()
        else:
            self.stop()

    # ------------------------------------------------------------- rounds
    def start(self, seed: int | None = None) -> None:
        self.active = True
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

    def stop(self) -> None:
        self.active = False
        self._poll.stop()
        self._set_keys(False)
        self.bar.setVisible(False)
        self.release()
        self.round = self.question = None

    def next_round(self) -> None:
        if not self.active:
            return
        self.release()
        self.question, self._picked = None, None
        self.round = plan_round(self.rng)
        p = self.panel
        p._loading = True
        try:
            p.set_controls(self.round.scenario)
        finally:
            p._loading = False
        p.preset_combo.setCurrentIndex(-1)  # the quiz's own situation, not a preset
        p.lesson.setText("")  # the question is in the quiz bar
        p.start_run()  # the old run's last events are drained in here, before we hold anything
        self.holding = True
        self.bar.show_running(self.round, self.score, self.asked)
        self._poll.start()

    def feed(self, batch: Sequence[Event]) -> bool:
        """Called with each event batch: True if the quiz kept it (the panel then feeds nothing)."""
        if not self.holding:
            return False
        if self.held:
            self.held.extend(batch)
            return True
        for k, ev in enumerate(batch):
            if isinstance(ev, BytesReceived):  # the first recv() result: from here, hold back
                self.panel.model.feed(batch[:k])
                self.held.extend(batch[k:])
                return True
        return False

    def release(self) -> None:
        self.holding = False
        if self.held:
            batch, self.held = self.held, []
            self.panel.model.feed(batch)

    def _check_finished(self) -> None:
        lab, recorder, rnd = self.panel.lab, self.panel.recorder, self.round
        if rnd is None or lab is None or recorder is None or not lab.finished:
            return
        self._poll.stop()
        try:
            self.question = grade(rnd, Trace(recorder.events))
        except RuntimeError as exc:
            self.release()
            self.bar.show_error(str(exc))
            return
        self.bar.show_question(self.question)

    def answer(self, k: int) -> None:
        q = self.question
        if not self.active or q is None or self._picked is not None or k >= len(q.choices):
            return
        self._picked = k
        self.asked += 1
        self.score += k == q.answer
        self.release()
        self.bar.show_answer(q, k, self.score, self.asked)

    def _next_key(self) -> None:
        if self._picked is not None or (self.question is None and not self._poll.isActive()):
            self.next_round()
