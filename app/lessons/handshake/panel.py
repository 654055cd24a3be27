"""Handshake panel: step through one real loopback TCP connection, call by call.

The socket work happens in :class:`netsim.lessons.handshake.lab.HandshakeLab`'s worker threads; the lab is
even created, started and closed on the panel's helper thread (:class:`app.panels.base.LessonPanel`:
it opens the capture socket and closes sockets), so the GUI thread never makes a socket call.
Events reach the views through the base's bridge; the base's tick (30 ms) drives Run
(auto-stepping at the chosen speed).
"""

from __future__ import annotations

import html
import time

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QPainter, QPixmap, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSlider,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.lessons.handshake.model import HandshakeRun
from app.lessons.handshake.views import (
    SegmentDetails,
    SequenceDiagram,
    StateMachineView,
    StateTimeline,
    scaled_font,
)
from app.panels.base import LessonPanel, TraceCursor
from app.shell.theme import Theme
from app.widgets.os_errors import explain, explain_text, with_explanation
from netsim.core.events import Event, SocketFailed
from netsim.core.trace import Trace
from netsim.lessons.handshake.capture import write_pcap
from netsim.lessons.handshake.lab import DEFAULT_SCENARIO, SCENARIOS, HandshakeLab

# Pause between automatic steps for each position of the speed slider (slow -> fast).
SPEED_INTERVALS_MS = (2000, 1200, 700, 350, 120, 0)


class HandshakePanel(LessonPanel):
    panel_id = "handshake"
    tick_ms = 30

    def __init__(self, theme: Theme | None = None, parent: QWidget | None = None) -> None:
        super().__init__(theme, parent)
        self.run_model = HandshakeRun()
        self._lab: HandshakeLab | None = None
        self._starting = False
        self._auto = False
        self._last_step = 0.0
        self._new_rows = False
        self._sized = False
        self._replay_cursor = TraceCursor()
        self._build()
        self.retranslate()
        self.apply_theme(self.theme)

    # ---- construction ------------------------------------------------------------------------

    def _build(self) -> None:
        self.scenario_box = QComboBox()
        for name in SCENARIOS:
            self.scenario_box.addItem(name, name)
        self.scenario_box.setCurrentIndex(list(SCENARIOS).index(DEFAULT_SCENARIO))
        self.scenario_box.currentIndexChanged.connect(lambda _i: self.reset())
        self.model_only = QCheckBox()
        self.step_button = QPushButton()
        self.run_button = QPushButton()
        self.pause_button = QPushButton()
        self.reset_button = QPushButton()
        self.step_button.clicked.connect(self.step)
        self.run_button.clicked.connect(self.run)
        self.pause_button.clicked.connect(self.pause)
        self.reset_button.clicked.connect(self.reset)
        self.speed_label = QLabel()
        self.speed = QSlider(Qt.Orientation.Horizontal)
        self.speed.setRange(0, len(SPEED_INTERVALS_MS) - 1)
        self.speed.setValue(3)
        self.speed.setFixedWidth(140)
        self.absolute = QCheckBox()
        self.absolute.toggled.connect(self._on_absolute)
        self.pcap_button = QPushButton()
        self.png_button = QPushButton()
        self.pcap_button.clicked.connect(self._ask_pcap)
        self.png_button.clicked.connect(self._ask_png)

        # Two rows, so the panel fits a projector's width at presenter zoom.
        controls = QHBoxLayout()
        self.scenario_label = QLabel()
        self.scenario_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.scenario_box.setMinimumContentsLength(18)
        for w in (self.scenario_label, self.scenario_box, self.model_only, self.absolute):
            controls.addWidget(w)
        controls.addStretch(1)
        steps = QHBoxLayout()
        for widget in (
            self.step_button,
            self.run_button,
            self.pause_button,
            self.reset_button,
            self.speed_label,
            self.speed,
        ):
            steps.addWidget(widget)
        steps.addStretch(1)
        steps.addWidget(self.pcap_button)
        steps.addWidget(self.png_button)

        self.capture_banner = QLabel()
        self.capture_banner.setWordWrap(True)
        self.kernel_banner = QLabel()
        self.kernel_banner.setWordWrap(True)
        self.client_pending = QLabel()
        self.server_pending = QLabel()
        self.server_pending.setAlignment(Qt.AlignmentFlag.AlignRight)
        pending_row = QHBoxLayout()
        pending_row.addWidget(self.client_pending, 1)
        pending_row.addWidget(self.server_pending, 1)
        self.error_note = QLabel()  # the last failed call: the system's text and our sentence
        self.error_note.setObjectName("error_note")
        self.error_note.setTextFormat(Qt.TextFormat.RichText)
        self.error_note.setWordWrap(True)
        self.error_note.setVisible(False)

        self.sequence = SequenceDiagram(self.run_model, theme=self.theme)
        self.sequence.segment_clicked.connect(self._on_segment_clicked)
        self.sequence_scroll = QScrollArea()
        self.sequence_scroll.setWidgetResizable(True)
        self.sequence_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.sequence_scroll.setWidget(self.sequence)
        self.details = SegmentDetails(theme=self.theme)
        self.machine = StateMachineView(self.run_model, theme=self.theme)
        self.timeline = StateTimeline(self.run_model, theme=self.theme)
        self.timeline_title = QLabel()
        timeline_box = QWidget()
        timeline_layout = QVBoxLayout(timeline_box)
        timeline_layout.setContentsMargins(0, 0, 0, 0)
        timeline_layout.addWidget(self.timeline_title)
        timeline_layout.addWidget(self.timeline, 1)

        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(self.sequence_scroll)
        left.addWidget(self.details)
        left.setStretchFactor(0, 3)
        left.setStretchFactor(1, 1)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.machine)
        right.addWidget(timeline_box)
        right.setStretchFactor(0, 3)
        right.setStretchFactor(1, 1)
        main = QSplitter(Qt.Orientation.Horizontal)
        main.addWidget(left)
        main.addWidget(right)
        main.setStretchFactor(0, 11)
        main.setStretchFactor(1, 9)
        self._main_splitter = main

        layout = QVBoxLayout(self.content)
        layout.addLayout(controls)
        layout.addLayout(steps)
        layout.addWidget(self.capture_banner)
        layout.addWidget(self.kernel_banner)
        layout.addLayout(pending_row)
        layout.addWidget(self.error_note)
        layout.addWidget(main, 1)

    # ---- texts -------------------------------------------------------------------------------

    def title(self) -> str:
        return self.tr("TCP handshake")

    def scenario_title(self, name: str) -> str:
        titles = {
            "normal": self.tr("Normal open, client closes first"),
            "server-closes": self.tr("Server closes first"),
            "simultaneous": self.tr("Both close at once"),
            "reset": self.tr("Close with unread data (RST)"),
            "refused": self.tr("Connect to a port nobody listens on"),
            "rebind": self.tr("Rebind a port in TIME-WAIT without SO_REUSEADDR"),
            "rebind-reuseaddr": self.tr("Rebind a port in TIME-WAIT with SO_REUSEADDR"),
            "data": self.tr("Data in both directions"),
        }
        return titles.get(name, name)

    def note_text(self, note: str) -> str:
        notes = {
            "blocks until a client connects": self.tr("blocks until a client connects"),
            "active close: FIN": self.tr("active close: FIN"),
            "passive close: FIN": self.tr("passive close: FIN"),
            "returns b'' - the peer closed": self.tr("returns b'' - the peer closed"),
            "returns b''": self.tr("returns b''"),
            "unread data in the receive queue: RST, not FIN": self.tr(
                "unread data in the receive queue: RST, not FIN"
            ),
            "ECONNRESET": self.tr("fails with ECONNRESET"),
            "ECONNREFUSED": self.tr("fails with ECONNREFUSED"),
            "active close: this end will hold TIME-WAIT": self.tr(
                "active close: this end will hold TIME-WAIT"
            ),
            "EADDRINUSE: TIME-WAIT holds it": self.tr("EADDRINUSE: the TIME-WAIT connection holds the port"),
            "allowed: both sockets set SO_REUSEADDR": self.tr("allowed: both sockets set SO_REUSEADDR"),
            "half-close: FIN, but can still receive": self.tr("half-close: FIN, but can still receive"),
        }
        return notes.get(note, note)

    def capture_reason_text(self, reason: str) -> str:
        known = {
            "loopback capture needs root or CAP_NET_RAW": self.tr(
                "loopback capture needs root or CAP_NET_RAW"
            ),
            "capture switched off; segments are modelled": self.tr("capture switched off (model only)"),
        }
        return known.get(reason, reason)

    def retranslate(self) -> None:
        self.scenario_label.setText(self.tr("Scenario:"))
        for i in range(self.scenario_box.count()):
            self.scenario_box.setItemText(i, self.scenario_title(str(self.scenario_box.itemData(i))))
        self.model_only.setText(self.tr("Model only (no capture)"))
        self.model_only.setToolTip(self.tr("Do not capture; draw the segments the state table predicts"))
        self.step_button.setText(self.tr("Step"))
        self.step_button.setToolTip(self.tr("Release the next socket call (Space)"))
        self.run_button.setText(self.tr("Run"))
        self.pause_button.setText(self.tr("Pause"))
        self.reset_button.setText(self.tr("Reset"))
        self.speed_label.setText(self.tr("Speed:"))
        self.absolute.setText(self.tr("Absolute seq/ack"))
        self.absolute.setToolTip(self.tr("Show absolute sequence numbers instead of relative ones"))
        self.timeline_title.setText(self.tr("Kernel states over time (as the kernel reported them)"))
        self.pcap_button.setText(self.tr("Export pcap…"))
        self.png_button.setText(self.tr("Export PNG…"))
        self._update_status()
        self.update()
        self.sequence.update()
        self.machine.update()
        self.timeline.update()
        self.details.show_segment(self.details.segment)

    def _update_status(self) -> None:
        run = self.run_model
        if run.capture is None:
            self.capture_banner.setText(
                self.tr(
                    "Press Step or Run to open a real TCP connection on 127.0.0.1. "
                    "Segments are captured on lo when the app has root or CAP_NET_RAW."
                )
            )
            self.capture_banner.setStyleSheet("")
        elif run.capture:
            self.capture_banner.setText(
                self.tr(
                    "Captured: every arrow is a real segment read off the loopback interface (solid arrows)."
                )
            )
            self.capture_banner.setStyleSheet(f"color:{self.theme.ok_colour.name()}; font-weight:bold")
        else:
            self.capture_banner.setText(
                self.tr(
                    "Capture not available: %1. The arrows are MODELLED from the TCP state table "
                    "(dashed), not captured; the sockets and the kernel states are still real."
                ).replace("%1", self.capture_reason_text(run.capture_reason))
            )
            self.capture_banner.setStyleSheet(f"color:{self.theme.bad_colour.name()}; font-weight:bold")
        if run.capture is None:
            self.kernel_banner.setText("")
        elif run.kernel_source:
            self.kernel_banner.setText(
                self.tr("Highlighted states are the kernel's own (read from %1).").replace(
                    "%1", run.kernel_source
                )
            )
        else:
            self.kernel_banner.setText(
                self.tr(
                    "The kernel's TCP states cannot be read on this platform; the highlighted states "
                    "come from the model."
                )
            )
        for side, label in (("client", self.client_pending), ("server", self.server_pending)):
            label.setText(self._pending_text(side))
        if run.finished is not None:
            text = (
                self.tr("Run finished.")
                if run.finished.ok
                else self.tr("Run stopped: %1").replace("%1", self._reason_text(run.finished.reason))
            )
            self.client_pending.setText(text)
            self.server_pending.setText("")
        failures = [row.event for row in run.rows if isinstance(row.event, SocketFailed)]
        if failures:
            last = failures[-1]
            who = self.tr("client") if last.endpoint == "client" else self.tr("server")
            text = "✗ " + with_explanation(f"{who} {last.call}: {last.message}", explain(last))
            colour = self.theme.bad_colour.name()
            self.error_note.setText(f"<span style='color:{colour}'>{html.escape(text)}</span>")
        self.error_note.setVisible(bool(failures))
        self.pcap_button.setEnabled(any(s.captured for s in run.segments))
        self.pcap_button.setToolTip(
            "" if self.pcap_button.isEnabled() else self.tr("Nothing captured: pcap export needs capture")
        )

    def _reason_text(self, reason: str) -> str:
        """The core's one-word reasons translated; a worker's error text with our sentence beside it."""
        words = {"done": self.tr("done"), "stopped": self.tr("stopped"), "failed": self.tr("failed")}
        if reason in words:
            return words[reason]
        return with_explanation(reason, explain_text(reason))

    def _pending_text(self, side: str) -> str:
        name = self.tr("Client") if side == "client" else self.tr("Server")
        lab = self._lab
        waiting = {p.endpoint: p for p in lab.gate.pending()} if lab is not None else {}
        if side in waiting:
            p = waiting[side]
            text = self.tr("%1 next: %2").replace("%1", name).replace("%2", p.call)
            if p.detail:
                text += f"  ({self.note_text(p.detail)})"
            return text
        if side in self.run_model.pending:
            p2 = self.run_model.pending[side]
            return self.tr("%1 is in %2 (blocked)").replace("%1", name).replace("%2", p2.call)
        return self.tr("%1: —").replace("%1", name)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._sized:
            self._sized = True
            self._main_splitter.setSizes([11_000, 9_000])  # the sequence diagram gets a bit more room

    # ---- panel interface ---------------------------------------------------------------------

    def apply_theme(self, theme: Theme) -> None:
        factor = theme.scale
        font = scaled_font(theme, 0.95)
        for w in (
            self.scenario_box,
            self.model_only,
            self.step_button,
            self.run_button,
            self.pause_button,
            self.reset_button,
            self.speed_label,
            self.absolute,
            self.pcap_button,
            self.png_button,
            self.scenario_label,
            self.client_pending,
            self.server_pending,
            self.kernel_banner,
        ):
            w.setFont(font)
        self.capture_banner.setFont(scaled_font(theme, 1.0, bold=True))
        self.client_pending.setFont(scaled_font(theme, 1.1, bold=True))
        self.server_pending.setFont(scaled_font(theme, 1.1, bold=True))
        self.client_pending.setStyleSheet(f"color:{theme.side_colour('client').name()}")
        self.server_pending.setStyleSheet(f"color:{theme.side_colour('server').name()}")
        self.speed.setFixedWidth(int(140 * factor))
        for view in (self.sequence, self.machine, self.timeline, self.details):
            view.set_scale(factor)
        self.timeline_title.setFont(scaled_font(theme, 1.0, bold=True))
        self._update_status()

    def run_default_preset(self) -> None:
        self.reset()
        self.scenario_box.setCurrentIndex(list(SCENARIOS).index(DEFAULT_SCENARIO))
        self.speed.setValue(len(SPEED_INTERVALS_MS) - 1)
        self.run()

    def presets(self) -> list[tuple[str, str]]:
        return [(name, self.scenario_title(name)) for name in SCENARIOS]

    def load_preset(self, preset_id: str, run: bool = True) -> None:
        """Select scenario ``preset_id`` (a fresh connection); ``run``: step it at the chosen speed."""
        names = list(SCENARIOS)
        if preset_id not in names:
            raise KeyError(preset_id)
        self.reset()
        self.scenario_box.setCurrentIndex(names.index(preset_id))
        if run:
            self.run()

    def start_recorded_run(self, preset_id: str | None) -> None:
        """An animation records at the fastest speed: its frames are spaced by the replay, not
        by the pauses between live steps."""
        self.speed.setValue(len(SPEED_INTERVALS_MS) - 1)
        super().start_recorded_run(preset_id)

    def can_animate(self) -> bool:
        return True

    def show_trace_until(self, trace: Trace, t_ns: int) -> None:
        """The sequence diagram, state machine and timeline as they stood at ``t_ns``."""
        new = self._replay_cursor.advance(trace, t_ns)
        if self._replay_cursor.restarted:
            self.reset()
        self.on_events(new)
        self._scroll_to_end()

    def is_idle(self) -> bool:
        busy = self._starting or (self._lab is not None and not self._lab.finished)
        return not busy and not self.helper_busy

    def at_gate(self) -> bool:
        """A step has completed: a call waits at the gate (or the run ended), and its events are shown."""
        lab = self._lab
        if lab is None:
            return False
        ready = lab.finished or bool(lab.gate.pending())
        self.bridge.drain()  # after the check: everything up to the waiting call is in the views now
        return ready

    def step(self) -> None:
        if self._lab is None:
            if not self._starting:
                self._start_lab()
            return
        self._lab.step()
        self._last_step = time.monotonic()

    def run(self) -> None:
        self._auto = True
        if self._lab is None and not self._starting:
            self._start_lab()

    def pause(self) -> None:
        self._auto = False

    def reset(self) -> None:
        self._auto = False
        # A lab still being started belongs to the old run: it is closed when it arrives.
        self.forget_pending()
        self._starting = False
        lab, self._lab = self._lab, None
        if lab is not None:
            self.close_off_gui(lab.close, self.tr("Closing the handshake lab"))
        self.bridge.attach(None)
        self._set_run(HandshakeRun())

    def stop_work(self) -> None:
        self.reset()

    def key_widget(self) -> QWidget | None:
        return self.sequence_scroll

    # ---- lab lifecycle -------------------------------------------------------------------------

    def _start_lab(self) -> None:
        from netsim.core.recorder import Recorder

        scenario = str(self.scenario_box.currentData())
        capture = False if self.model_only.isChecked() else None
        recorder = Recorder()
        self._set_run(HandshakeRun())
        self.bridge.attach(recorder)
        self._starting = True

        def start() -> HandshakeLab:
            lab = HandshakeLab(scenario, recorder=recorder, capture=capture, stepping=True)
            try:
                lab.start()
            except BaseException:
                lab.close()
                raise
            return lab

        self.run_off_gui(
            start,
            what=self.tr("Starting the handshake lab"),
            done=self._lab_started,
            discard=lambda lab: self.close_off_gui(lab.close, self.tr("Closing the handshake lab")),
            failed=self._start_failed,
        )

    def _lab_started(self, lab: HandshakeLab) -> None:
        self._starting = False
        self._lab = lab

    def _start_failed(self, exc: BaseException) -> None:
        self._starting = False
        self._auto = False
        QMessageBox.warning(self, self.tr("TCP handshake"), str(exc))

    def on_tick(self) -> None:
        lab = self._lab
        if lab is not None and self._auto and not lab.finished and lab.gate.pending():
            interval = SPEED_INTERVALS_MS[self.speed.value()] / 1000
            if time.monotonic() - self._last_step >= interval:
                self.step()
        if lab is not None and lab.finished and self._auto:
            self._auto = False
            self.run_finished.emit()
        self._update_status()

    def _set_run(self, run: HandshakeRun) -> None:
        self.run_model = run
        for view in (self.sequence, self.machine, self.timeline):
            view.run = run
            view.refresh()
        self.sequence.selected = -1
        self.details.show_segment(None)
        self._update_status()

    # ---- events --------------------------------------------------------------------------------

    def on_events(self, batch: list[Event]) -> None:
        before = len(self.run_model.segments)
        rows_before = len(self.run_model.rows)
        self.run_model.feed(batch)
        if len(self.run_model.segments) > before:
            self.sequence.selected = len(self.run_model.segments) - 1
            self.details.absolute = self.absolute.isChecked()
            self.details.show_segment(self.run_model.segments[-1])
        self.sequence.refresh()
        self.machine.refresh()
        self.timeline.refresh()
        if len(self.run_model.rows) != rows_before:
            QTimer.singleShot(0, self._scroll_to_end)
        self._update_status()

    def _scroll_to_end(self) -> None:
        bar = self.sequence_scroll.verticalScrollBar()
        bar.setValue(bar.maximum())

    def _on_segment_clicked(self, index: int) -> None:
        if 0 <= index < len(self.run_model.segments):
            self.details.show_segment(self.run_model.segments[index])

    def _on_absolute(self, on: bool) -> None:
        self.sequence.set_absolute(on)

    # ---- export --------------------------------------------------------------------------------

    def export_pcap(self, path: str) -> int:
        """Write the captured segments of this run; modelled ones are never written."""
        return write_pcap(path, self.run_model.segments)

    def export_png(self, path: str) -> bool:
        """The sequence diagram (all of it), the state machine and the timeline, side by side."""
        seq = self.sequence.grab()
        machine = self.machine.grab()
        timeline = self.timeline.grab()
        width = seq.width() + machine.width()
        height = max(seq.height(), machine.height() + timeline.height())
        image = QPixmap(width, height)
        image.fill(Qt.GlobalColor.white)
        p = QPainter(image)
        p.drawPixmap(0, 0, seq)
        p.drawPixmap(seq.width(), 0, machine)
        p.drawPixmap(seq.width(), machine.height(), timeline)
        p.end()
        return image.save(path, "PNG")

    def _ask_pcap(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export pcap"), "handshake.pcap", self.tr("pcap files (*.pcap)")
        )
        if path:
            n = self.export_pcap(path)
            QMessageBox.information(
                self, self.tr("Export pcap"), self.tr("%1 captured segments written.").replace("%1", str(n))
            )

    def _ask_png(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export PNG"), "handshake.png", self.tr("PNG images (*.png)")
        )
        if path and not self.export_png(path):
            QMessageBox.warning(
                self, self.tr("Export PNG"), self.tr("Could not write %1").replace("%1", path)
            )
