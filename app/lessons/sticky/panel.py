"""The sticky-packet lab panel: real sockets, the byte ribbon, the buffers, the event log."""

from __future__ import annotations

import html
import os
import shutil
from collections.abc import Iterable, Iterator, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent, QTextDocument
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.lessons.sticky.quiz import QuizController
from app.lessons.sticky.wire_controls import WireControls
from app.panels.base import LessonPanel, TraceCursor, split_runs
from app.shell.theme import Theme
from app.widgets.buffers import BuffersView
from app.widgets.log_model import EventLogModel
from app.widgets.os_errors import with_explanation
from app.widgets.ribbon import RibbonView
from app.widgets.stream_model import StreamModel
from netsim.core.events import Event
from netsim.core.recorder import Recorder
from netsim.core.trace import Trace, TraceLoader, max_trace_mb
from netsim.framing import make_codec
from netsim.lessons.sticky import QUEUES_AVAILABLE, QUEUES_MISSING_REASON, Scenario, StreamLab
from netsim.lessons.sticky.lab import LESSON_BUG
from netsim.lessons.sticky.presets import PRESETS, PRESETS_BY_ID
from netsim.lessons.sticky.scenario import RECEIVERS, SENDERS, check_trace_config

# (spec, label source) - labels are translated in retranslate()
FRAMINGS = ("none", "length", "length:!H", "length:i", "delimiter", "fixed:32", "json")
GUI_RECORD_BYTES = 16 * 1024 * 1024
RECV_SIZE_MAX = 64 * 1024 * 1024  # the largest recv() size the CLI takes (one buffer held whole)
WORKER_NICE = 10  # socket workers yield the CPU to the GUI thread (see StreamLab)
WORKER_YIELD_S = 0.0002  # and step aside for the GIL every few messages (see StreamLab)
# Per message through the panel: the recorder's columns and the model's (tests/perf/memory_bench.py).
GUI_MEMORY_PER_MESSAGE_BYTES = 200
PROGRESS_STEPS = 1000  # the progress dialog's range: reading is the first half, drawing the second
PROGRESS_DELAY_MS = 400
DRAW_BUDGET_S = 0.015  # per 25 ms tick while an opened trace is drawn (the window stays usable)


class StickyPanel(LessonPanel):
    panel_id = "sticky"
    lazy_events = True  # the model reads batches at its own pace

    def __init__(self, theme: Theme | None = None, parent: QWidget | None = None) -> None:
        super().__init__(theme, parent)
        self.lab: StreamLab | None = None
        self.recorder: Recorder | None = None
        self._trace_path: str | None = None  # the trace file on screen, if one was opened
        self._replay_path: str | None = None  # "Replaying …" stays until a live run or Reset
        self._replay_dropped = False  # that trace's bytes past GUI_RECORD_BYTES were not kept
        self._trace_load: TraceLoader | None = None
        self._drawing: tuple[list[int], int] | None = None  # (events drawn, of how many)
        self.trace_dialog: QProgressDialog | None = None
        self.max_trace_mb = max_trace_mb()
        self.model = StreamModel(self)
        self.prev_model = StreamModel(self)
        self.has_previous = False
        self._then: list[str] = []  # queued follow-ups (the default preset's framing comparison)
        self._loading = False
        self._replay: tuple[Trace, list[Trace]] | None = None  # an animation's trace, cut into runs
        self._replay_run = -1
        self._replay_cursor = TraceCursor()
        self._build()
        self.retranslate()
        self.apply_theme(self.theme)
        self.load_preset("hello-world", run=False)

    # ================================================================ layout
    def _build(self) -> None:
        self.preset_combo = QComboBox()
        for p in PRESETS:
            self.preset_combo.addItem("", p.preset_id)
        self.preset_combo.activated.connect(
            lambda i: self.load_preset(self.preset_combo.itemData(i), run=True)
        )
        self.transport = QComboBox()
        self.transport.addItem("TCP", "tcp")
        self.transport.addItem("UDP", "udp")
        self.list_radio = QRadioButton()
        self.count_radio = QRadioButton()
        self.list_radio.setChecked(True)
        self.messages_edit = QLineEdit()
        self._explicit: tuple[bytes, ...] | None = None  # a preset's exact messages, until edited
        self.messages_edit.textEdited.connect(self._messages_edited)
        self.count_spin = QSpinBox()
        self.count_spin.setRange(1, 10_000_000)
        self.count_spin.setValue(20)
        self.size_spin = QSpinBox()
        self.size_spin.setRange(0, 16 * 1024 * 1024)
        self.size_spin.setValue(16)
        self.framing = QComboBox()
        for spec in FRAMINGS:
            self.framing.addItem("", spec)
        # Editable: any spec the CLI takes (length:!Q, delimiter:\r\n, fixed:64...) can be typed.
        self.framing.setEditable(True)
        self.framing.setInsertPolicy(QComboBox.InsertPolicy.InsertAtBottom)
        self.framing.activated.connect(self._framing_changed)
        self.send_mode = QComboBox()
        self.send_mode.addItem("", "separate")
        self.send_mode.addItem("", "burst")
        self.sender_combo = QComboBox()  # which end sends (the lesson's hello/world: the server)
        for end in SENDERS:
            self.sender_combo.addItem("", end)
        self.receiver_combo = QComboBox()  # the app's exact receiver, or the lesson's own code
        for kind in RECEIVERS:
            self.receiver_combo.addItem("", kind)
        for combo in (
            self.preset_combo,
            self.framing,
            self.send_mode,
            self.sender_combo,
            self.receiver_combo,
        ):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(9)
        self.send_delay = QDoubleSpinBox()
        self.send_delay.setRange(0, 5000)
        self.send_delay.setDecimals(0)
        self.recv_delay = QDoubleSpinBox()
        self.recv_delay.setRange(0, 5000)
        self.recv_delay.setDecimals(0)
        self.recv_size = QSpinBox()
        # 0 can be typed (a spin box limited to 1 silently put the old value back, so "0" ran as
        # recv(1024)); it is refused, as the CLI refuses it, and the note under the form says why.
        self.recv_size.setRange(0, RECV_SIZE_MAX)
        self.recv_size.setValue(1024)
        self.recv_size.valueChanged.connect(lambda _v: self._check_fields())
        self.nodelay = QCheckBox("TCP_NODELAY")
        self.rcvbuf = QSpinBox()
        self.rcvbuf.setRange(0, 64 << 20)
        self.rcvbuf.setSingleStep(4096)

        self.form_labels: dict[str, QLabel] = {}

        def lab(key: str) -> QLabel:
            label = QLabel()
            self.form_labels[key] = label
            return label

        # Six columns (label, field) x 3, labels that wrap: the panel fits a 1280-pixel-wide
        # projector in either language.
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.addWidget(lab("preset"), 0, 0)
        grid.addWidget(self.preset_combo, 0, 1, 1, 3)
        grid.addWidget(lab("transport"), 0, 4)
        grid.addWidget(self.transport, 0, 5)
        grid.addWidget(lab("framing"), 1, 0)
        grid.addWidget(self.framing, 1, 1, 1, 3)
        grid.addWidget(lab("send_mode"), 1, 4)
        grid.addWidget(self.send_mode, 1, 5)
        grid.addWidget(self.list_radio, 2, 0, 1, 2)  # its text is long: two columns
        grid.addWidget(self.messages_edit, 2, 2, 1, 2)
        grid.addWidget(self.count_radio, 2, 4)
        count_row = QHBoxLayout()
        count_row.addWidget(self.count_spin, 1)
        count_row.addWidget(QLabel("×"))
        count_row.addWidget(self.size_spin, 1)
        count_row.addWidget(lab("bytes"))
        grid.addLayout(count_row, 2, 5)
        grid.addWidget(lab("send_delay"), 3, 0)
        grid.addWidget(self.send_delay, 3, 1)
        grid.addWidget(lab("recv_delay"), 3, 2)
        grid.addWidget(self.recv_delay, 3, 3)
        grid.addWidget(lab("recv_size"), 3, 4)
        grid.addWidget(self.recv_size, 3, 5)
        grid.addWidget(self.nodelay, 4, 0)
        grid.addWidget(lab("rcvbuf"), 4, 2)
        grid.addWidget(self.rcvbuf, 4, 3)
        grid.addWidget(lab("sender"), 6, 0)
        grid.addWidget(self.sender_combo, 6, 1, 1, 2)  # two columns each: their texts are long
        grid.addWidget(lab("receiver"), 6, 3)
        grid.addWidget(self.receiver_combo, 6, 4, 1, 2)
        for column in (1, 3, 5):
            grid.setColumnStretch(column, 1)
        for key, label in self.form_labels.items():
            label.setWordWrap(key != "bytes")  # a unit stays on one line

        self.run_btn = QPushButton()
        self.pause_btn = QPushButton()
        self.step_btn = QPushButton()
        self.reset_btn = QPushButton()
        for b in (self.run_btn, self.pause_btn, self.step_btn, self.reset_btn):
            b.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # a click leaves Space free for "step"
        self.run_btn.clicked.connect(self.run)
        self.pause_btn.clicked.connect(self.pause)
        self.step_btn.clicked.connect(self.step)
        self.reset_btn.clicked.connect(self.reset)
        buttons = QHBoxLayout()
        for b in (self.run_btn, self.pause_btn, self.step_btn, self.reset_btn):
            buttons.addWidget(b)
        self.quiz = QuizController(self)  # "Predict the recv()": its button, its bar below the form
        # The run buttons end the form on a row of their own: beside the other fields they made
        # it ~110 px wider than a 1280-pixel window at 1.5x.
        buttons.addSpacing(12)
        buttons.addWidget(self.quiz.quiz_button)  # an action too: "Predict the recv()"
        buttons.addStretch(1)
        grid.addLayout(buttons, 7, 0, 1, 6)
        self.wire = WireControls()  # the network in the middle (a relay), when chosen
        grid.addWidget(self.wire, 5, 0, 1, 6)
        self.field_note = QLabel()  # a value the run would refuse, said beside the form
        self.field_note.setObjectName("field_note")
        self.field_note.setTextFormat(Qt.TextFormat.RichText)
        self.field_note.setWordWrap(True)
        self.field_note.setVisible(False)
        grid.addWidget(self.field_note, 8, 0, 1, 6)

        self.lesson = QLabel()
        self.lesson.setWordWrap(True)
        self.pending_client = QLabel()
        self.pending_server = QLabel()
        for w in (self.pending_client, self.pending_server):
            w.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            w.setWordWrap(True)
        pending_row = QHBoxLayout()
        pending_row.addWidget(self.pending_client, 1)
        pending_row.addWidget(self.pending_server, 1)

        self.counters: dict[str, QLabel] = {}
        counter_row = QHBoxLayout()
        for key in ("merged", "split", "app", "wrong", "udp", "wire"):
            label = QLabel()
            label.setObjectName(f"counter_{key}")
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setFrameShape(QFrame.Shape.StyledPanel)
            label.setContentsMargins(8, 2, 8, 2)
            self.counters[key] = label
            label.setWordWrap(True)  # a narrow window wraps a badge instead of widening the panel
            counter_row.addWidget(label)
        counter_row.addStretch(1)
        self.verdict = QLabel()
        self.verdict.setObjectName("verdict")
        self.verdict.setWordWrap(True)

        self.prev_ribbon = RibbonView(self.prev_model, theme=self.theme)
        self.prev_ribbon.dimmed = True
        self.prev_ribbon.setVisible(False)
        self.ribbon = RibbonView(self.model, theme=self.theme)
        self.buffers = BuffersView(self.model, theme=self.theme)
        self.queue_note = QLabel()
        self.queue_note.setWordWrap(True)
        buffers_page = QWidget()
        bl = QVBoxLayout(buffers_page)
        bl.setContentsMargins(0, 0, 0, 0)
        bl.addWidget(self.queue_note)
        bl.addWidget(self.buffers, 1)
        self.log_model = EventLogModel(self.model, self, theme=self.theme)
        self.log_view = QTableView()
        self.log_view.setModel(self.log_model)
        self.log_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.log_view.horizontalHeader().setStretchLastSection(True)
        self.log_view.verticalHeader().setVisible(False)
        self.tabs = QTabWidget()
        self.tabs.addTab(buffers_page, "")
        self.tabs.addTab(self.log_view, "")

        ribbons = QWidget()
        rl = QVBoxLayout(ribbons)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.prev_ribbon, 1)
        rl.addWidget(self.ribbon, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.setChildrenCollapsible(False)  # the "Now" ribbon keeps the height of its rows
        split.addWidget(ribbons)
        split.addWidget(self.tabs)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)

        top = QVBoxLayout(self.content)
        top.addLayout(grid)
        top.addWidget(self.lesson)
        top.addWidget(self.quiz.bar)
        top.addLayout(pending_row)
        top.addLayout(counter_row)
        top.addWidget(self.verdict)
        top.addWidget(split, 1)
        for combo in (self.transport, self.send_mode):
            combo.currentIndexChanged.connect(self._controls_changed)
        self.receiver_combo.currentIndexChanged.connect(self._update_receiver_tip)

    # =========================================================== translation
    def title(self) -> str:
        return self.tr("Sticky packets (TCP/UDP)")

    def preset_titles(self) -> dict[str, tuple[str, str]]:
        """Preset id -> (title, one-sentence lesson), translated."""
        return {
            "hello-world": (
                self.tr("Two sends, a slow receiver (sticky packets)"),
                self.tr(
                    "As in the lesson: the server sends b'hello' and b'world'; the client's first recv(1024) gets "
                    "b'helloworld', the second b'' (closed)."
                ),
            ),
            "half-packet": (
                self.tr("Half packet: recv(4) on a longer message"),
                self.tr(
                    "One message comes out of several recv(4) calls; a program that trusts one recv gets pieces."
                ),
            ),
            "large-message": (
                self.tr("One large message over many recv() calls"),
                self.tr(
                    "A 200 KB message is returned 64 KiB at a time at most: recv() size caps every chunk."
                ),
            ),
            "burst": (
                self.tr("Twenty messages in one sendall burst"),
                self.tr(
                    "Twenty small messages sent in one burst come out of a few recv() calls, boundaries lost."
                ),
            ),
            "length-prefix": (
                self.tr("The fix: a 4-byte length prefix with struct"),
                self.tr(
                    "struct.pack('!I', len(data)) before each message: the receiver reads exactly one message each time."
                ),
            ),
            "delimiter": (
                self.tr("Delimiter framing: one message per line"),
                self.tr("A newline ends each message; the receiver splits the stream at every b'\\n'."),
            ),
            "lesson-native-i": (
                self.tr("The lesson's header: struct.pack('i', n)"),
                self.tr(
                    "The lesson's native 'i' header works here, but its byte order and size depend on the machine."
                ),
            ),
            "lesson-recv-trusted": (
                self.tr("The lesson's receiver: recv(4), then recv(size), trusted"),
                self.tr(
                    "Three 300,000-byte messages, struct.pack('i') headers, the lesson's receiver: recv(size) "
                    "returns only part of a body, the next 'header' is message bytes, and the lesson's code fails."
                ),
            ),
            "udp-boundaries": (
                self.tr("UDP keeps message boundaries"),
                self.tr(
                    "The same two sends over UDP: two datagrams, two recvfrom() calls, even with a slow reader."
                ),
            ),
            "udp-truncation": (
                self.tr("UDP truncation: recvfrom() smaller than the datagram"),
                self.tr(
                    "A 100-byte datagram read with recvfrom(16): the rest of it is discarded, not kept for later."
                ),
            ),
            "udp-loss": (
                self.tr("UDP loss: a full receive buffer drops datagrams"),
                self.tr(
                    "Fifty 1,000-byte datagrams in a burst into a small SO_RCVBUF: most are dropped, none resent."
                ),
            ),
            "udp-size-limit": (
                self.tr("UDP size limit: 65,507 bytes"),
                self.tr(
                    "65,507 bytes fit in one datagram (65,535 - 20 IP - 8 UDP); 65,508 fail with EMSGSIZE."
                ),
            ),
            "internet": (
                self.tr("Across the Internet: MSS 1,448, 30 ms"),
                self.tr(
                    "Each 4 KiB message leaves the relay in 1,448-byte segments: a prompt reader gets every one in pieces."
                ),
            ),
            "internet-length": (
                self.tr("Across the Internet, with a length prefix"),
                self.tr(
                    "The same segments and pieces, but the length prefix puts every 4 KiB message back together."
                ),
            ),
            "wifi-loss": (
                self.tr("Wi-Fi with loss (UDP, 10 % loss, 10 % reordering)"),
                self.tr(
                    "Datagrams go missing and arrive out of order; nobody resends them, nobody puts them back in order."
                ),
            ),
            "slow-link": (
                self.tr("Slow link: 2 Mbit/s"),
                self.tr(
                    "The link drains 250 KB/s; the sender writes faster, so its send queue fills up and sendall() waits."
                ),
            ),
            "empty-tcp": (
                self.tr("Empty message over TCP"),
                self.tr("send(b'') puts nothing on the stream: the receiver never sees the empty message."),
            ),
            "empty-udp": (
                self.tr("Empty message over UDP"),
                self.tr("sendto(b'') sends a real, empty datagram: recvfrom() returns b'' for it."),
            ),
        }

    def framing_labels(self) -> list[str]:
        return [
            self.tr("none (raw recv chunks)"),
            self.tr("length prefix !I (4 bytes, network order)"),
            self.tr("length prefix !H (2 bytes)"),
            self.tr("length prefix 'i' (lesson, native order)"),
            self.tr("delimiter \\n"),
            self.tr("fixed size, 32 bytes"),
            self.tr("JSON header + body"),
        ]

    def retranslate(self) -> None:
        titles = self.preset_titles()
        for i in range(self.preset_combo.count()):
            self.preset_combo.setItemText(i, titles[self.preset_combo.itemData(i)][0])
        for i, text in enumerate(self.framing_labels()):
            self.framing.setItemText(i, text)
        self.framing.setToolTip(
            self.tr(
                "Choose a framing, or type a spec as the netsim command takes it: length:!Q, delimiter:\\r\\n, fixed:64"
            )
        )
        self.send_mode.setItemText(0, self.tr("one send per message"))
        self.send_mode.setItemText(1, self.tr("one sendall burst"))
        self.sender_combo.setItemText(0, self.tr("client → server"))
        self.sender_combo.setItemText(1, self.tr("server → client (the lesson's demo)"))
        self.receiver_combo.setItemText(0, self.tr("exact: whole messages"))
        self.receiver_combo.setItemText(1, self.tr("the lesson's: recv(4), recv(size)"))
        self._update_receiver_tip()
        labels = {
            "preset": self.tr("Preset"),
            "transport": self.tr("Transport"),
            "framing": self.tr("Framing"),
            "bytes": self.tr("bytes"),
            "send_mode": self.tr("Sending"),
            "send_delay": self.tr("Delay between sends (ms)"),
            "recv_delay": self.tr("Receiver delay before each recv (ms)"),
            "recv_size": self.tr("recv() size (bytes)"),
            "rcvbuf": self.tr("SO_RCVBUF (0 = default)"),
            "sender": self.tr("Who sends"),
            "receiver": self.tr("Receiving code"),
        }
        for key, text in labels.items():
            self.form_labels[key].setText(text)
        self.list_radio.setText(self.tr("Messages (comma-separated)"))
        self.count_radio.setText(self.tr("Count × size"))
        self.run_btn.setText(self.tr("Run (F5)"))
        self.pause_btn.setText(self.tr("Pause (F6)"))
        self.step_btn.setText(self.tr("Step (Space)"))
        self.reset_btn.setText(self.tr("Reset (Ctrl+R)"))
        self.tabs.setTabText(0, self.tr("Buffers"))
        self.tabs.setTabText(1, self.tr("Event log"))
        self.ribbon.lane_names = (self.tr("send()"), self.tr("recv()"), self.tr("app gets"))
        self.prev_ribbon.lane_names = self.ribbon.lane_names
        self.ribbon.role_names = {"client": self.tr("client"), "server": self.tr("server")}
        self.prev_ribbon.role_names = self.ribbon.role_names
        self.ribbon.wire_name = self.prev_ribbon.wire_name = self.tr("wire")
        self.wire.retranslate()
        self.quiz.retranslate()
        if QUEUES_AVAILABLE:
            self.queue_note.setText(
                self.tr(
                    "Kernel queues as Linux reports them (FIONREAD, TIOCOUTQ). Drag the cursor to see where the bytes were."
                )
            )
        else:
            self.queue_note.setText(
                self.tr(
                    "This platform cannot report kernel queues ({why}); the pipe shows bytes in flight instead."
                ).format(why=QUEUES_MISSING_REASON)
            )
        self.buffers.retranslate()
        self.log_model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, 4)
        self._check_fields()
        self._update_lesson()
        self._refresh_texts()

    def apply_theme(self, theme: Theme) -> None:
        factor = theme.scale
        big = theme.font(1.35, bold=True)
        for label in self.counters.values():
            label.setFont(big)
        self.verdict.setFont(theme.font(1.3, bold=True))
        self.lesson.setFont(theme.font(1.1))
        for w in (self.pending_client, self.pending_server):
            w.setFont(theme.font(1.15, bold=True))
        # The ribbons' minimum is their rows (RibbonView.minimumSizeHint); the panel scrolls
        # when the zoom makes everything taller than the window, and the splitter shares the rest.
        self.tabs.setMinimumHeight(int(180 * factor))
        # Spin boxes ask for room for their largest value; a narrower floor keeps the grid
        # within a 1280-pixel projector at zoom (the values shown are short).
        wire = self.wire
        for spin in (
            self.count_spin,
            self.size_spin,
            self.rcvbuf,
            self.recv_size,
            *(wire.delay, wire.jitter, wire.rate, wire.loss, wire.dup, wire.reorder, wire.seed),
        ):
            spin.setMinimumWidth(int(60 * factor))
        wire.network.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        wire.network.setMinimumContentsLength(12)
        for label in wire.labels.values():  # labels wrap; the freed width goes to the fields
            label.setMaximumWidth(int(105 * factor))
        self.buffers.set_scale(factor)
        self.log_view.viewport().update()  # error rows take the theme's colour
        self.quiz.bar.set_scale()
        for ribbon in (self.ribbon, self.prev_ribbon):
            ribbon.updateGeometry()
            ribbon.update()
        self._refresh_texts()

    # ============================================================== presets
    def presets(self) -> list[tuple[str, str]]:
        titles = self.preset_titles()
        return [(p.preset_id, titles[p.preset_id][0]) for p in PRESETS]

    def load_preset(self, preset_id: str, run: bool = True) -> None:
        sc = PRESETS_BY_ID[preset_id].scenario
        self._loading = True
        try:
            self.preset_combo.setCurrentIndex(self.preset_combo.findData(preset_id))
            self.set_controls(sc)
        finally:
            self._loading = False
        self._update_lesson()
        self.has_previous = False
        self.prev_ribbon.setVisible(False)
        if run:
            self.start_run()

    def set_controls(self, sc: Scenario) -> None:
        self.transport.setCurrentIndex(self.transport.findData(sc.transport))
        if sc.count > 0:
            self.count_radio.setChecked(True)
            self.count_spin.setValue(sc.count)
            self.size_spin.setValue(sc.size)
            self.messages_edit.setText("")
        else:
            self.list_radio.setChecked(True)
            shown = []
            for m in sc.messages:
                text = m.decode("utf-8", "replace")
                shown.append(text if len(text) <= 40 else f"{text[:1]}*{len(m)}")
            self.messages_edit.setText(",".join(shown))
        self._explicit = sc.messages if sc.count == 0 else None
        idx = self.framing.findData(sc.framing)
        if idx < 0:
            self.framing.addItem(sc.framing, sc.framing)
            idx = self.framing.count() - 1
        self.framing.setCurrentIndex(idx)
        self.send_mode.setCurrentIndex(self.send_mode.findData(sc.send_mode))
        self.send_delay.setValue(sc.send_delay_ms)
        self.recv_delay.setValue(sc.receiver_delay_ms)
        self.recv_size.setValue(sc.recv_bytes)
        self.nodelay.setChecked(sc.nodelay)
        self.rcvbuf.setValue(sc.rcvbuf)
        self.sender_combo.setCurrentIndex(self.sender_combo.findData(sc.sender))
        self.receiver_combo.setCurrentIndex(self.receiver_combo.findData(sc.receiver))
        self.wire.set_from(sc)

    def scenario(self) -> Scenario:
        """The scenario the controls describe."""
        if self.count_radio.isChecked():
            messages: tuple[bytes, ...] = ()
            count, size = self.count_spin.value(), self.size_spin.value()
        elif self._explicit is not None:
            messages, count, size = self._explicit, 0, 64
        else:
            text = self.messages_edit.text()
            parsed = []
            for part in text.split(","):
                # "x*65507" is shorthand for a long message (presets show big messages that way)
                head, star, n = part.partition("*")
                if star and n.isdigit() and len(head) == 1:
                    parsed.append(head.encode() * int(n))
                else:
                    parsed.append(part.encode("utf-8"))
            messages = tuple(parsed)
            count, size = 0, 64
        udp = self.transport.currentData() == "udp"
        return Scenario(
            transport=self.transport.currentData(),
            messages=messages or (b"",),
            count=count,
            size=size,
            framing=self.framing_spec(),
            send_mode=self.send_mode.currentData(),
            send_delay_ms=self.send_delay.value(),
            receiver_delay_ms=self.recv_delay.value(),
            recv_bytes=self.recv_size.value(),
            nodelay=self.nodelay.isChecked(),
            rcvbuf=self.rcvbuf.value(),
            # Over UDP the client sends and every recvfrom() is one datagram: these two do not apply.
            sender="client" if udp else str(self.sender_combo.currentData()),
            receiver="exact" if udp else str(self.receiver_combo.currentData()),
            record_bytes_limit=GUI_RECORD_BYTES,
            **self.wire.values(),
        )

    def _feed(self, batch: Sequence[Event]) -> None:
        if not self.quiz.feed(batch):  # the quiz holds back what follows the first recv()
            self.model.feed(batch)

    def _messages_edited(self) -> None:
        self._explicit = None
        self.list_radio.setChecked(True)

    def _update_lesson(self) -> None:
        if self._replay_path is not None:
            text = self.tr("Replaying {path} (no sockets).").format(path=self._replay_path)
            if self._replay_dropped:
                text += " " + self.tr("Bytes past the first {mb} MB are not kept (offsets are).").format(
                    mb=GUI_RECORD_BYTES // (1024 * 1024)
                )
            self.lesson.setText(text)
            return
        pid = self.preset_combo.currentData()
        self.lesson.setText(self.preset_titles()[pid][1] if pid else "")

    def _end_replay(self) -> None:
        """A live run or Reset ends the replay: its "Replaying …" line goes with it."""
        if self._replay_path is not None:
            self._replay_path = None
            self._update_lesson()

    def field_problems(self) -> list[str]:
        """Values in the form that a run refuses (the CLI refuses them too), in words."""
        problems = []
        if self.recv_size.value() < 1:
            problems.append(
                self.tr(
                    "recv() size {n} is refused: recv(0) reads nothing and returns b'' at once, which "
                    "the receiver would take for the end of the stream. Give at least 1 byte."
                ).format(n=self.recv_size.value())
            )
        return problems

    def _check_fields(self) -> None:
        problems = self.field_problems()
        colour = self.theme.bad_colour.name()
        self.field_note.setText(
            "<br>".join(f"<span style='color:{colour}'>{html.escape(p)}</span>" for p in problems)
        )
        self.field_note.setVisible(bool(problems))
        # The field itself gets the sentence as its tool tip (no style sheet: one, even emptied
        # again, stops the zoomed font from reaching the field).
        self.recv_size.setToolTip(problems[0] if self.recv_size.value() < 1 else "")

    def _controls_changed(self) -> None:
        udp = self.transport.currentData() == "udp"
        self.nodelay.setEnabled(not udp)
        self.sender_combo.setEnabled(not udp)
        self.receiver_combo.setEnabled(not udp)
        self.wire.set_transport(self.transport.currentData())
        self.send_delay.setEnabled(self.send_mode.currentData() == "separate")

    def _update_receiver_tip(self) -> None:
        if self.receiver_combo.currentData() == "lesson":
            tip = self.tr(
                "The lesson's code, bugs included: size = recv(4); size = struct.unpack('i', size)[0]; "
                "msg = recv(size). Each recv() is believed to return everything. For framing none: one "
                "recv() = one message. Works for framing none and length prefixes."
            )
        else:
            tip = self.tr("The app's receiver: calls recv() until each message is complete.")
        self.receiver_combo.setToolTip(tip)

    def framing_spec(self) -> str:
        """The chosen framing spec: a listed one, or one typed in the box."""
        data = self.framing.currentData()
        return str(data) if data else self.framing.currentText().strip()

    def _framing_changed(self) -> None:
        """Switching framing re-runs the same scenario and keeps the last run above it."""
        if self._loading:
            return
        if not self.framing.currentData():  # typed in: check it, and remember it as a spec
            spec = self.framing.currentText().strip()
            try:
                make_codec(spec)
            except ValueError as exc:
                QMessageBox.warning(self, self.tr("Unknown framing"), str(exc))
                self.framing.removeItem(self.framing.currentIndex())
                return
            self.framing.setItemData(self.framing.currentIndex(), spec)
        if self.model.finished or self.lab is not None:
            self.start_run(keep_previous=True)

    # ============================================================ run control
    def start_run(self, stepping: bool = False, keep_previous: bool = False) -> None:
        self._check_fields()
        if self.field_problems():  # refused, not corrected: the note under the form says why
            self._then.clear()
            return
        try:
            scenario = self.scenario()
            # The panel keeps what it draws as well as the recording: refuse what would not fit.
            scenario.check_memory(per_message=GUI_MEMORY_PER_MESSAGE_BYTES)
            recorder = Recorder()
            lab = StreamLab(
                scenario,
                recorder=recorder,
                stepping=stepping,
                worker_nice=WORKER_NICE,
                gui_yield_s=WORKER_YIELD_S,
            )
        except ValueError as exc:
            QMessageBox.warning(self, self.tr("Cannot run this scenario"), str(exc))
            return
        self._cancel_trace_load()
        self._stop_lab()
        if keep_previous and (self.model.finished or self.model.msg_start):
            # The run that becomes "before" gets everything it recorded, even if it was cut short.
            while self.model.process(budget_s=1.0):
                pass
            self.model.tracker.finish()
            self.model.changed.emit()
            self.model, self.prev_model = self.prev_model, self.model
            self.prev_ribbon.set_model(self.prev_model)
            self.has_previous = True
            self.prev_ribbon.caption = self._caption(self.prev_model, previous=True)
            self.prev_ribbon.setVisible(True)
        elif not keep_previous:
            self.has_previous = False
            self.prev_ribbon.setVisible(False)
        self.model.reset()
        self._rebind_model()
        self.lab, self.recorder = lab, recorder
        self._trace_path = None
        self._end_replay()
        self.bridge.attach(recorder)
        self.buffers.new_run()
        lab.start()
        self._refresh_texts()

    def _rebind_model(self) -> None:
        self.ribbon.set_model(self.model)
        self.buffers.set_model(self.model)
        self.log_model.set_stream(self.model)

    def _stop_lab(self) -> None:
        lab, self.lab = self.lab, None
        if lab is not None:
            self.bridge.drain()
            self.close_off_gui(lab.close, self.tr("Closing the sticky-packet lab"))

    def run(self) -> None:
        if self.lab is not None and not self.lab.finished and self.lab.gate.stepping:
            self.lab.resume()
        else:
            self.start_run()

    def pause(self) -> None:
        if self.lab is not None and not self.lab.finished:
            self.lab.pause()

    def step(self) -> None:
        if self.lab is None or self.lab.finished:
            self.start_run(stepping=True)  # a stepped run starts fresh, one call at a time
            return
        if not self.lab.gate.stepping:
            self.lab.pause()
            return
        self.lab.step()

    def reset(self) -> None:
        if self.quiz.active:
            self.quiz.quiz_button.setChecked(False)  # ends the quiz
        self._then.clear()
        self._cancel_trace_load()
        self.recorder = None
        self._trace_path = None
        self._end_replay()
        self._stop_lab()
        self.bridge.attach(None)
        self.model.reset()
        self.prev_model.reset()
        self.has_previous = False
        self.prev_ribbon.setVisible(False)
        self.log_model.set_stream(self.model)
        self.buffers.new_run()
        self.model.changed.emit()
        self._refresh_texts()

    def run_default_preset(self) -> None:
        """The lesson in one picture: hello/world without framing, then with a length prefix."""
        self.load_preset("hello-world", run=True)
        self._then = ["length"]

    def is_idle(self) -> bool:
        # The tick lets go of a lab only once its last event has reached the model and the views.
        return (
            self.lab is None
            and not self._then
            and self.model.backlog == 0
            and self._trace_load is None
            and self._drawing is None
            and not self.helper_busy
        )

    def stop_work(self) -> None:
        self.quiz.stop()
        self._then.clear()
        self._cancel_trace_load()
        self._stop_lab()

    def key_widget(self) -> QWidget | None:
        return self.ribbon

    # ================================================================ traces
    def can_open_trace(self) -> bool:
        return True

    def can_export_trace(self) -> bool:
        return not self.quiz.holding  # not while the quiz keeps recv() results back: the file has them

    def export_trace(self, path: str) -> None:
        """Save the run on screen (a live run, or the trace opened from a file) as JSON Lines."""
        if self._trace_path is not None:
            # An opened trace was checked whole, and only what is shown was kept: copy the file.
            try:
                if not os.path.exists(path) or not os.path.samefile(self._trace_path, path):
                    shutil.copyfile(self._trace_path, path)
            except OSError as exc:
                QMessageBox.warning(self, self.tr("Cannot export the trace"), str(exc))
            return
        if self.recorder is None:
            QMessageBox.information(self, self.tr("Nothing to export"), self.tr("Run a scenario first."))
            return
        Trace(self.recorder.events).save(path)

    def open_trace(self, path: str) -> None:
        """Open a trace file: read and check it in a worker thread, then draw it a slice per tick.

        A progress dialog (shown only if this takes a moment) can cancel either step.
        """
        self._cancel_trace_load()
        loader = TraceLoader(
            path, max_mb=self.max_trace_mb, keep_bytes=GUI_RECORD_BYTES, validate_config=check_trace_config
        )
        dialog = QProgressDialog(self)
        dialog.setWindowTitle(self.tr("Open a trace"))
        dialog.setLabelText(self.tr("Reading {name}…").format(name=os.path.basename(path)))
        dialog.setCancelButtonText(self.tr("Cancel"))
        dialog.setRange(0, PROGRESS_STEPS)
        dialog.setAutoReset(False)
        dialog.setAutoClose(False)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(PROGRESS_DELAY_MS)  # a small file never flashes a dialog
        dialog.setValue(0)
        dialog.canceled.connect(self._cancel_trace_load)
        self._trace_load = loader
        self.trace_dialog = dialog
        loader.start()

    def _cancel_trace_load(self) -> None:
        loader, self._trace_load = self._trace_load, None
        if loader is not None:
            loader.cancel()
            loader.join()
        if self._drawing is not None:  # cancelled while drawing: show nothing rather than half a run
            self._drawing = None
            self.model.reset()
            self.model.changed.emit()
        self._close_trace_dialog()

    def _close_trace_dialog(self) -> None:
        dialog, self.trace_dialog = self.trace_dialog, None
        if dialog is not None:
            dialog.canceled.disconnect(self._cancel_trace_load)  # closing it is not cancelling
            dialog.hide()
            dialog.deleteLater()

    def _poll_trace_load(self) -> None:
        """On the tick: follow the loader's progress, then the drawing's; show the result."""
        if self.trace_dialog is not None and self.trace_dialog.wasCanceled():
            self._cancel_trace_load()  # however it was cancelled (button, Esc, close box)
            return
        loader = self._trace_load
        if loader is not None:
            done, total = loader.progress
            if self.trace_dialog is not None and total:
                self.trace_dialog.setValue(min(PROGRESS_STEPS - 1, PROGRESS_STEPS * done // total // 2))
            if not loader.finished:
                return
            loader.join()
            self._trace_load = None
            if loader.trace is None:
                self._close_trace_dialog()
                if loader.error:
                    QMessageBox.warning(self, self.tr("Cannot open the trace"), loader.error)
                return
            self._show_trace(loader.path, loader.trace)
        if self._drawing is not None:
            drawn, total = self._drawing
            if self.model.loading:
                if self.trace_dialog is not None and total:
                    half = PROGRESS_STEPS // 2
                    self.trace_dialog.setValue(min(PROGRESS_STEPS - 1, half + half * drawn[0] // total))
                return
            self._drawing = None
            self._close_trace_dialog()
            self._refresh_texts()

    def _show_trace(self, path: str, trace: Trace) -> None:
        dialog, self.trace_dialog = self.trace_dialog, None  # keep it open while drawing
        self.reset()
        self.trace_dialog = dialog
        if dialog is not None:
            dialog.setLabelText(self.tr("Drawing {name}…").format(name=os.path.basename(path)))
        try:  # show the settings the run was made with (checked while loading)
            self._loading = True
            self.set_controls(check_trace_config(trace.config))
        except ValueError:
            pass
        finally:
            self._loading = False
        self._trace_path = path
        drawn = [0]

        def counted(events: Iterable[Event]) -> Iterator[Event]:
            for n, ev in enumerate(events, start=1):
                drawn[0] = n
                yield ev

        self._drawing = (drawn, len(trace))
        self.model.feed_source(counted(trace.events))  # the trace is let go once it is drawn
        self._replay_path = path
        self._replay_dropped = bool(trace.bytes_dropped)
        self._update_lesson()
        self._refresh_texts()

    # ============================================================= animation
    def can_animate(self) -> bool:
        return True

    def show_trace_until(self, trace: Trace, t_ns: int) -> None:
        """The ribbon as it stood at ``t_ns``.  A recording of two runs (the default preset: no
        framing, then a length prefix) shows the earlier one whole as "Before" once the later
        one has started, as the live panel does."""
        if self._replay is None or self._replay[0] is not trace:
            parts = split_runs(sorted(trace.events, key=lambda ev: ev.t_ns))
            self._replay = (trace, [Trace(part) for part in parts] or [Trace()])
            self._replay_run = -1
        runs = self._replay[1]
        current = max(
            (i for i, run in enumerate(runs) if run.events and run.events[0].t_ns <= t_ns), default=0
        )
        if current != self._replay_run:
            replay = self._replay
            self.reset()
            self._replay = replay
            if current > 0:
                self.prev_model.load(runs[current - 1].events)
                self.has_previous = True
                self.prev_ribbon.setVisible(True)
            self._replay_run = current
            self._replay_cursor = TraceCursor()
        new = self._replay_cursor.advance(runs[current], t_ns)
        if self._replay_cursor.restarted:
            self.model.reset()
            self.buffers.new_run()
        self.model.feed(new)
        while self.model.process(budget_s=1.0):  # all of it now: a frame never waits for a tick
            pass
        self.buffers.refresh()
        self._refresh_texts()

    # ================================================================= ticks
    def on_events(self, batch: list[Event]) -> None:
        self._feed(batch)

    def on_tick(self) -> None:
        self._poll_trace_load()
        self.model.process(budget_s=DRAW_BUDGET_S if self.model.loading else 0.004)
        if self.lab is not None:
            pending = self.lab.gate.pending()
            sides = {p.endpoint: p.call for p in pending}
        else:
            sides = {}
        self._show_pending(sides)
        if self.lab is not None and self.lab.finished and self.model.backlog == 0 and self.model.finished:
            self.bridge.drain()
            self._stop_lab()
            self.run_finished.emit()
            if self._then:
                spec = self._then.pop(0)
                self.framing.setCurrentIndex(self.framing.findData(spec))
                self._framing_changed()
        self._refresh_texts()

    def _show_pending(self, sides: dict[str, str]) -> None:
        stepping = self.lab is not None and self.lab.gate.stepping
        for side, label in (("client", self.pending_client), ("server", self.pending_server)):
            name = self.tr("client") if side == "client" else self.tr("server")
            if side in sides:
                label.setText(self.tr("{side} waits before: {call}").format(side=name, call=sides[side]))
            elif stepping:
                label.setText(self.tr("{side}: running…").format(side=name))
            else:
                label.setText("")

    def _caption(self, m: StreamModel, previous: bool) -> str:
        framing = self.framing.itemText(self.framing.findData(m.framing)) if m.framing else ""
        which = self.tr("Before") if previous else self.tr("Now")
        return self.tr(
            "{which}: framing {framing} — {merged} merged, {wrong} wrong application messages"
        ).format(which=which, framing=framing, merged=m.merged_chunks, wrong=m.wrong_app_messages)

    def _fit_badges(self) -> None:
        """Badges on one line each when the row has room; they wrap only when it has not (a
        word-wrapped label otherwise breaks early: "app got 2 / messages · 2 sent")."""
        shown = [label for label in self.counters.values() if not label.isHidden()]
        widths = []
        for label in shown:
            doc = QTextDocument()
            doc.setDefaultFont(label.font())
            doc.setHtml(label.text())
            margins = label.contentsMargins()
            frame = 2 * label.frameWidth() + margins.left() + margins.right()
            widths.append(int(doc.idealWidth()) + frame + 4)
        room = self.scroll_area.viewport().width() - 40 - 12 * len(widths)
        # All on one line when they fit; else each gets its share of the row (two lines at most
        # for the longest), not the narrow column a word-wrapped label picks for itself.
        share = min(1.0, room / max(1, sum(widths)))
        for label, width in zip(shown, widths, strict=True):
            label.setMinimumWidth(int(width * share))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_badges()

    def _refresh_texts(self) -> None:
        m = self.model
        udp = m.transport == "udp"

        def counter(key: str, text: str, bad: bool | None) -> None:
            """``bad`` True: the alert colour; False: the OK colour; None: plain (not decided yet)."""
            if bad is None:
                colour = self.theme.text_colour.name()
            else:
                colour = self.theme.bad_colour.name() if bad else self.theme.ok_colour.name()
            self.counters[key].setText(f"<span style='color:{colour}'>{html.escape(text)}</span>")

        counter("merged", self.tr("merged recv(): {n}").format(n=m.merged_chunks), m.merged_chunks > 0)
        counter("split", self.tr("split messages: {n}").format(n=m.split_messages), m.split_messages > 0)
        # What the application believes it got beside what the sender sent: "7 of 1" read as
        # "7 of the 1 message", and a green count sat beside an orange "wrong" count.
        app_bad: bool | None
        if m.wrong_app_messages or m.truncated_datagrams:
            app_bad = True
        elif m.finished:
            app_bad = not m.app_messages_match
        else:
            app_bad = None  # still running: nothing to judge yet
        counter(
            "app",
            self.tr("app got {n} messages · {sent} sent").format(n=m.app_messages, sent=len(m.msg_start)),
            app_bad,
        )
        counter("wrong", self.tr("wrong: {n}").format(n=m.wrong_app_messages), m.wrong_app_messages > 0)
        if udp:
            if m.wire and not m.truncated_datagrams:  # through a relay: what the network did
                parts = [self.tr("lost {n}").format(n=m.lost_datagrams)]
                if m.reordered_datagrams:
                    parts.append(self.tr("late {n}").format(n=m.reordered_datagrams))
                if m.duplicated_datagrams:
                    parts.append(self.tr("twice {n}").format(n=m.duplicated_datagrams))
                text = " · ".join(parts)
            else:
                text = self.tr("truncated: {t} · lost: {lost}").format(
                    t=m.truncated_datagrams, lost=m.lost_datagrams
                )
            counter(
                "udp",
                text,
                bool(
                    m.truncated_datagrams
                    or m.lost_datagrams
                    or m.reordered_datagrams
                    or m.duplicated_datagrams
                ),
            )
        if m.wire and not udp:
            counter("wire", self.tr("wire: {n} segments").format(n=m.wire_segments), None)
        self.counters["wire"].setVisible(m.wire and not udp)
        self.counters["udp"].setVisible(udp)
        self._fit_badges()
        if m.finished:
            if m.app_messages_match:
                text, colour = (
                    self.tr("✓ The application got exactly the messages that were sent."),
                    self.theme.ok_colour,
                )
            else:
                text, colour = (
                    self.tr("✗ The application did NOT get the messages that were sent."),
                    self.theme.bad_colour,
                )
            lesson = [e for e in m.errors if LESSON_BUG in e]
            if lesson:  # the lesson's code failed: that is the point of the run, say it first
                text += "  " + self.tr("The lesson's code failed: {e}").format(e=lesson[0])
            elif m.errors:
                error = with_explanation(m.errors[0], m.error_notes[0] if m.error_notes else "")
                text += "  " + self.tr("Error: {e}").format(e=error)
            self.verdict.setText(f"<span style='color:{colour.name()}'>{text}</span>")
        elif self.quiz.holding:  # the quiz keeps the result back until the prediction is in
            self.verdict.setText(self.tr("Waiting for your prediction…"))
        elif self.lab is not None:
            self.verdict.setText(
                self.tr("Running…")
                if not self.lab.gate.stepping
                else self.tr("Stepping: press Space for the next socket call.")
            )
        else:
            self.verdict.setText("")
        self.ribbon.caption = self._caption(m, previous=False) if self.has_previous else ""
        if self.has_previous:
            self.prev_ribbon.caption = self._caption(self.prev_model, previous=True)
