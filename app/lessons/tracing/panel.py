"""Your own programs on the ribbon: run them unmodified, see their send()/recv() calls.

The panel starts a :class:`~netsim.lessons.tracing.session.TraceLab` (Python programs are
traced by wrapping ``socket.socket``, anything else runs under strace), shows each program's
output in a console with a line for its stdin, and draws the traced connection picked in the
list on the shared byte ribbon: one direction at a time, the sender's send() boundaries above
the receiver's recv() chunks.  Nothing here touches a socket; the lab's threads never touch a
widget (program output is queued and shown by the panel's timer).
"""

from __future__ import annotations

import collections
import os
import shlex
import threading
import time
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.panels.base import LessonPanel
from app.shell.theme import Theme
from app.widgets.os_errors import explain_text, with_explanation
from app.widgets.ribbon import RibbonView
from app.widgets.stream_model import StreamModel
from netsim.core.events import Event
from netsim.core.trace import Trace, TraceFormatError
from netsim.framing import CODEC_SPECS, make_codec
from netsim.lessons.tracing.analysis import CLIENT, Connection, connections
from netsim.lessons.tracing.events import ProgramCalled, ProgramExited, ProgramStarted
from netsim.lessons.tracing.session import ProgramError, ProgramSpec, TraceLab
from netsim.lessons.tracing.strace import StraceMissingError

REFRESH_MS = 300  # the connections are re-joined at most this often while a run streams in
CONSOLE_MAX_BLOCKS = 5000


def lesson_programs_dir() -> str:
    """The lesson's programs, written out verbatim, when this is a source checkout."""
    here = Path(__file__).resolve().parents[3] / "tests" / "lesson_programs"
    return str(here) if here.is_dir() else ""


# (framing, command lines) of the lesson's programs, offered as examples in the dialog.
EXAMPLES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("hello", "none", ("python3 s5_hello_server.py", "python3 s5_hello_client.py")),
    ("struct", "length:i", ("python3 s5_struct_server.py", "python3 s5_struct_client.py")),
    (
        "socketserver",
        "none",
        (
            "python3 s6_socketserver_server.py",
            "python3 s6_socketserver_client.py",
            "python3 s6_socketserver_client.py",
        ),
    ),
    ("chat", "none", ("python3 s4_chat_server.py", "python3 s4_chat_client.py")),
)


class TraceDialog(QDialog):
    """File ▸ Trace programs…: the command lines, their working directory, the framing."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.commands = QPlainTextEdit()
        self.commands.setMinimumHeight(110)
        self.cwd = QLineEdit(lesson_programs_dir())
        self.browse = QPushButton()
        self.browse.clicked.connect(self._browse)
        self.framing = QComboBox()
        self.framing.setEditable(True)
        self.framing.addItems(list(CODEC_SPECS))
        self.example = QComboBox()
        self.example.activated.connect(self._use_example)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        cwd_row = QHBoxLayout()
        cwd_row.addWidget(self.cwd, 1)
        cwd_row.addWidget(self.browse)
        self.form = QFormLayout()
        self.form.addRow("", self.example)
        self.form.addRow("", self.commands)
        self.form.addRow("", cwd_row)
        self.form.addRow("", self.framing)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.note)
        layout.addWidget(self.buttons)
        self.retranslate()
        self._use_example(0)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Trace programs"))
        labels = (
            self.tr("Example from the lesson:"),
            self.tr("Command lines (one program per line, started in order):"),
            self.tr("Working directory:"),
            self.tr("Framing for the analysis:"),
        )
        for row, text in enumerate(labels):
            item = self.form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            if item is not None and isinstance(item.widget(), QLabel):
                item.widget().setText(text)  # type: ignore[union-attr]
        self.browse.setText(self.tr("Browse…"))
        names = {
            "hello": self.tr("Section 5: hello / world (two sends, one recv)"),
            "struct": self.tr("Section 5: struct length header chat (type in the consoles)"),
            "socketserver": self.tr("Section 6: socketserver with two clients"),
            "chat": self.tr("Section 4: TCP chat (type in the consoles)"),
        }
        current = self.example.currentIndex()
        self.example.clear()
        for key, _framing, _cmds in EXAMPLES:
            self.example.addItem(names[key])
        self.example.setCurrentIndex(max(current, 0))
        self.note.setText(
            self.tr(
                "Python programs (python3, python3.8 … or a venv's python) run unmodified: netsim wraps "
                "their socket calls. Any other program runs under strace. Programs that never exit "
                "(servers) are ended when every program started after them has exited, or by Stop."
            )
        )

    def _use_example(self, index: int) -> None:
        if 0 <= index < len(EXAMPLES):
            _key, framing, cmds = EXAMPLES[index]
            self.commands.setPlainText("\n".join(cmds))
            self.framing.setCurrentText(framing)

    def _browse(self) -> None:
        path = QFileDialog.getExistingDirectory(self, self.tr("Working directory"), self.cwd.text())
        if path:
            self.cwd.setText(path)

    def command_lines(self) -> list[str]:
        return [line.strip() for line in self.commands.toPlainText().splitlines() if line.strip()]


class Console(QWidget):
    """One program's stdout/stderr, and a line that goes to its stdin."""

    def __init__(self, panel: TracingPanel, index: int) -> None:
        super().__init__()
        self.panel = panel
        self.index = index
        self.output = QPlainTextEdit()
        self.output.setReadOnly(True)
        self.output.setMaximumBlockCount(CONSOLE_MAX_BLOCKS)
        self.line = QLineEdit()
        self.send = QPushButton()
        self.eof = QPushButton()
        self.line.returnPressed.connect(self._send)
        self.send.clicked.connect(self._send)
        self.eof.clicked.connect(lambda: panel.close_stdin(index))
        row = QHBoxLayout()
        row.addWidget(self.line, 1)
        row.addWidget(self.send)
        row.addWidget(self.eof)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.output, 1)
        layout.addLayout(row)
        self.retranslate()

    def retranslate(self) -> None:
        self.line.setPlaceholderText(self.tr("Type a line for the program's stdin, then Enter"))
        self.send.setText(self.tr("Send"))
        self.eof.setText(self.tr("End stdin"))

    def _send(self) -> None:
        text = self.line.text()
        self.line.clear()
        self.output.appendPlainText(text)
        self.panel.write_stdin(self.index, (text + "\n").encode("utf-8"))

    def append(self, data: bytes) -> None:
        cursor = self.output.textCursor()
        cursor.movePosition(cursor.MoveOperation.End)
        cursor.insertText(data.decode("utf-8", "replace"))
        self.output.setTextCursor(cursor)
        self.output.ensureCursorVisible()


class TracingPanel(LessonPanel):
    panel_id = "tracing"
    tick_ms = REFRESH_MS

    def __init__(self, theme: Theme | None = None, parent: QWidget | None = None) -> None:
        super().__init__(theme, parent)
        self._lab: TraceLab | None = None
        self._events: list[Event] = []
        self._calls: list[ProgramCalled] = []
        self._conns: list[Connection] = []
        self._framing = "none"
        self._commands: list[str] = []
        self._cwd = lesson_programs_dir()
        self._dirty = False
        self._output: collections.deque[tuple[int, str, bytes]] = collections.deque()
        self._output_lock = threading.Lock()
        self._consoles: list[Console] = []
        self._replayed = ""
        self._notes: list[str] = []
        self._dir_chosen = False  # the user picked a direction: keep it; else show the busier one
        self._next_rejoin = 0.0
        self._build()
        self.retranslate()
        self.apply_theme(self.theme)

    # ---------------------------------------------------------------- building
    def _build(self) -> None:
        self._title = QLabel()
        self._subtitle = QLabel()
        self._subtitle.setWordWrap(True)
        self._choose = QPushButton()
        self._choose.clicked.connect(self.open_dialog)
        self._run_button = QPushButton()
        self._run_button.clicked.connect(self.run)
        self._stop_button = QPushButton()
        self._stop_button.clicked.connect(self.pause)
        self._status = QLabel()
        self._status.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self._choose)
        top.addWidget(self._run_button)
        top.addWidget(self._stop_button)
        top.addWidget(self._status, 1)

        self._conn_label = QLabel()
        self._conn_pick = QComboBox()
        self._conn_pick.currentIndexChanged.connect(lambda _i: self._show_connection())
        self._dir_pick = QComboBox()
        self._dir_pick.currentIndexChanged.connect(lambda _i: self._show_connection())
        self._dir_pick.activated.connect(self._direction_chosen)
        self._conn_pick.activated.connect(self._connection_chosen)
        pick = QHBoxLayout()
        pick.addWidget(self._conn_label)
        pick.addWidget(self._conn_pick, 1)
        pick.addWidget(self._dir_pick)
        self._model = StreamModel(self)
        self._ribbon = RibbonView(self._model, theme=self.theme)
        self._counters = QLabel()
        self._counters.setWordWrap(True)

        self._tabs = QTabWidget()
        self._log = QPlainTextEdit()
        self._log.setReadOnly(True)
        self._log.setMaximumBlockCount(CONSOLE_MAX_BLOCKS)
        self._tabs.addTab(self._log, "")

        upper = QWidget()
        ul = QVBoxLayout(upper)
        ul.setContentsMargins(0, 0, 0, 0)
        ul.addLayout(pick)
        ul.addWidget(self._ribbon, 1)
        ul.addWidget(self._counters)
        split = QSplitter()
        split.setOrientation(split.orientation().Vertical)
        split.addWidget(upper)
        split.addWidget(self._tabs)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self.content)
        layout.addWidget(self._title)
        layout.addWidget(self._subtitle)
        layout.addLayout(top)
        layout.addWidget(split, 1)

    # ------------------------------------------------------------ the window's API
    def title(self) -> str:
        return self.tr("Your own programs")

    def retranslate(self) -> None:
        self._title.setText(self.tr("Your own programs on the ribbon"))
        self._subtitle.setText(
            self.tr(
                "Run your socket programs unmodified and see where their send() boundaries fall "
                "against the recv() chunks of the program at the other end."
            )
        )
        self._choose.setText(self.tr("Trace programs…"))
        self._run_button.setText(self.tr("Run (F5)"))
        self._stop_button.setText(self.tr("Stop (F6)"))
        self._conn_label.setText(self.tr("Connection:"))
        self._tabs.setTabText(0, self.tr("Calls"))
        # The ribbon's lane and role names (they stayed English in the Chinese interface).
        self._ribbon.lane_names = (self.tr("send()"), self.tr("recv()"), self.tr("app gets"))
        self._ribbon.role_names = {"client": self.tr("client"), "server": self.tr("server")}
        self._ribbon.wire_name = self.tr("wire")
        self._ribbon.update()
        for i, console in enumerate(self._consoles):
            console.retranslate()
            self._tabs.setTabText(i + 1, self.tr("Program {n}").format(n=i + 1))
        self._refresh_pickers()
        self._refresh_status()

    def apply_theme(self, theme: Theme) -> None:
        self._title.setFont(theme.font(1.5, bold=True))
        self._counters.setFont(theme.font(1.1, bold=True))
        self._ribbon.updateGeometry()  # its minimum holds its rows (RibbonView.minimumSizeHint)
        self._ribbon.update()

    def run_default_preset(self) -> None:
        """The lesson's hello / world pair, when the lesson's programs are at hand."""
        if not lesson_programs_dir():
            return
        _key, framing, cmds = EXAMPLES[0]
        self.start(list(cmds), lesson_programs_dir(), framing)

    def is_idle(self) -> bool:
        return self._lab is None and not self.helper_busy

    def run(self) -> None:
        if self._lab is not None:
            return
        if not self._commands:
            self.open_dialog()
            return
        self.start(self._commands, self._cwd, self._framing)

    def step(self) -> None:
        """No step mode: traced programs run freely.  Space starts a run when idle."""
        if self._lab is None and self._commands:
            self.run()

    def pause(self) -> None:
        """Stop: end every traced program's process group (the trace so far stays)."""
        if self._lab is not None:
            self._lab.stop(self.tr("stopped with Stop"))

    def reset(self) -> None:
        self._finish_lab(wait=True)
        self._events.clear()
        self._calls.clear()
        self._conns = []
        self._replayed = ""
        self._notes = []
        self._log.clear()
        for console in self._consoles:
            console.output.clear()
        self._model.reset({})
        self._refresh_pickers()
        self._refresh_status()

    def stop_work(self) -> None:
        self._finish_lab(wait=True)

    def can_open_trace(self) -> bool:
        return True

    def can_open_dialog(self) -> bool:
        return True

    def can_export_trace(self) -> bool:
        return True

    def key_widget(self) -> QWidget | None:
        return self._ribbon

    # ------------------------------------------------------------- running
    def open_dialog(self) -> None:
        dialog = TraceDialog(self)
        if self._commands:
            dialog.commands.setPlainText("\n".join(self._commands))
            dialog.cwd.setText(self._cwd)
            dialog.framing.setCurrentText(self._framing)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.start(
                dialog.command_lines(), dialog.cwd.text().strip(), dialog.framing.currentText().strip()
            )

    def start(self, commands: list[str], cwd: str, framing: str) -> bool:
        if self._lab is not None:
            return False
        try:
            make_codec(framing or "none")
            specs = [ProgramSpec(shlex.split(c), b"", keep_stdin_open=True) for c in commands]
            if cwd and not os.path.isdir(cwd):
                raise ProgramError(self.tr("no such working directory: {path}").format(path=cwd))
            lab = TraceLab(
                specs, framing=framing or "none", cwd=cwd or None, on_output=self._queue_output, live=True
            )
        except (ProgramError, StraceMissingError, ValueError) as exc:
            QMessageBox.warning(self, self.tr("Cannot trace"), str(exc))
            return False
        self.reset()
        self._commands, self._cwd, self._framing = list(commands), cwd, framing or "none"
        while self._tabs.count() > 1:
            self._tabs.removeTab(1)
        self._consoles = []
        for i in range(len(commands)):
            console = Console(self, i)
            self._consoles.append(console)
            self._tabs.addTab(console, self.tr("Program {n}").format(n=i + 1))
            self._tabs.setTabToolTip(i + 1, commands[i])
        self._lab = lab
        self.bridge.attach(lab.recorder)
        lab.start()
        self._refresh_status()
        return True

    def _queue_output(self, program: int, stream: str, data: bytes) -> None:
        with self._output_lock:  # called on the lab's I/O thread: only queue here
            self._output.append((program, stream, data))

    def write_stdin(self, program: int, data: bytes) -> None:
        if self._lab is not None and not self._lab.finished:
            try:
                self._lab.write_stdin(program, data)
            except ValueError as exc:
                self._status.setText(str(exc))

    def close_stdin(self, program: int) -> None:
        if self._lab is not None:
            self._lab.close_stdin(program)

    def _finish_lab(self, *, wait: bool) -> None:
        lab = self._lab
        if lab is None:
            return
        if not lab.finished:
            lab.stop(self.tr("stopped with Stop"))
            if not wait:
                return
        self._lab = None

        def closed(lab: TraceLab = lab) -> None:  # its last events and notes, once it is closed
            if self.bridge.recorder is lab.recorder:
                self.bridge.attach(None)
            if self._lab is None:
                self._notes = list(lab.notes)
                self._dirty = True
                self._refresh_status()

        self.close_off_gui(lab.close, self.tr("Closing the traced programs"), then=closed)

    def on_events(self, batch: list[Event]) -> None:
        self._events.extend(batch)
        for ev in batch:
            if isinstance(ev, ProgramCalled):
                self._calls.append(ev)
                self._log_call(ev)
            elif isinstance(ev, ProgramStarted):
                self._log.appendPlainText(
                    self.tr("program {n} started ({method}, pid {pid}): {cmd}").format(
                        n=ev.program + 1, method=ev.method, pid=ev.pid, cmd=shlex.join(ev.command)
                    )
                )
            elif isinstance(ev, ProgramExited):
                self._log.appendPlainText(
                    self.tr("program {n} ended with status {code} {why}").format(
                        n=ev.program + 1, code=ev.exit_code, why=ev.reason
                    )
                )
        self._dirty = True

    def _log_call(self, c: ProgramCalled) -> None:
        data = f" {c.data[:40]!r}" + ("…" if len(c.data) > 40 else "") if c.has_data else ""
        result = "" if c.result is None else f" = {c.result}"
        said = (
            with_explanation(c.error, explain_text(c.error)) if c.error else ""
        )  # a sentence in the UI's language
        error = f"  {said}" + (f" ×{c.repeat}" if c.repeat > 1 else "") if c.error else ""
        self._log.appendPlainText(f"pid {c.pid} fd {c.fd} {c.call}{result}{data}{error}")

    def on_tick(self) -> None:
        with self._output_lock:
            out, self._output = list(self._output), collections.deque()
        for program, _stream, data in out:
            if program < len(self._consoles):
                self._consoles[program].append(data)
        if self._lab is not None and self._lab.finished:
            self._finish_lab(wait=True)
            self._dirty = True
        now = time.monotonic()
        if self._dirty and (self._lab is None or now >= self._next_rejoin):
            self._dirty = False
            self._rejoin()
            # Re-joining is linear in the calls so far: a flood of calls gets fewer re-joins.
            self._next_rejoin = time.monotonic() + 5 * (time.monotonic() - now)
        self._refresh_status()

    def _rejoin(self) -> None:
        self._conns = connections(self._calls, self._framing)
        self._refresh_pickers()
        self._show_connection()

    # -------------------------------------------------------------- showing
    def _refresh_pickers(self) -> None:
        keep_c, keep_d = self._conn_pick.currentIndex(), self._dir_pick.currentIndex()
        self._conn_pick.blockSignals(True)
        self._dir_pick.blockSignals(True)
        self._conn_pick.clear()
        for n, conn in enumerate(self._conns, start=1):
            self._conn_pick.addItem(self._conn_text(n, conn))
        self._conn_pick.setCurrentIndex(min(max(keep_c, 0), len(self._conns) - 1))
        self._dir_pick.clear()
        self._dir_pick.addItem(self.tr("client → server"))
        self._dir_pick.addItem(self.tr("server → client"))
        self._dir_pick.setCurrentIndex(
            self._busiest() if self._conns and not self._dir_chosen else max(keep_d, 0)
        )
        self._conn_pick.blockSignals(False)
        self._dir_pick.blockSignals(False)

    def _connection_chosen(self, _index: int) -> None:
        self._dir_chosen = False
        if self._conns:
            self._dir_pick.setCurrentIndex(self._busiest())

    def _direction_chosen(self, _index: int) -> None:
        self._dir_chosen = True

    def _busiest(self) -> int:
        conn = self._conns[max(self._conn_pick.currentIndex(), 0)]
        best = max(conn.directions, key=lambda d: len(d.trace.events), default=None)
        return 1 if best is not None and best.sender != CLIENT else 0

    def _conn_text(self, n: int, conn: Connection) -> str:
        def side(addr: tuple[str, int] | None, traced: bool) -> str:
            text = f"{addr[0]}:{addr[1]}" if addr else "?"
            return text if traced else self.tr("{addr} (not traced)").format(addr=text)

        return self.tr("{n}: {transport} {client} → {server}").format(
            n=n,
            transport=conn.transport.upper(),
            client=side(conn.client, bool(conn.ends["client"])),
            server=side(conn.server, bool(conn.ends["server"])),
        )

    def _show_connection(self) -> None:
        i = self._conn_pick.currentIndex()
        if not 0 <= i < len(self._conns):
            self._model.reset({})
            self._counters.setText(self.tr("No connection traced yet."))
            return
        conn = self._conns[i]
        want = CLIENT if self._dir_pick.currentIndex() == 0 else "server"
        direction = next((d for d in conn.directions if d.sender == want), None)
        self._model.reset({})
        if direction is None:
            self._counters.setText(self.tr("No bytes in this direction."))
            return
        self._model.load(direction.trace.events)
        a = direction.analysis
        if a is None:
            self._counters.setText(
                self.tr(
                    "Only one end of this connection was traced: the other program's recv() calls are not known."
                )
            )
            return
        verdict = (
            self.tr("the receiving program got exactly the messages that were sent")
            if a.app_messages_match
            else self.tr("the receiving program did NOT get the messages that were sent")
        )
        self._counters.setText(
            self.tr("merged chunks {m} · split sends {s} · app messages {a} of {i}: {verdict}").format(
                m=a.merged_chunks,
                s=a.split_messages,
                a=a.app_messages,
                i=a.messages_intended,
                verdict=verdict,
            )
        )

    def _refresh_status(self) -> None:
        if self._lab is not None:
            text = self.tr("Running {n} program(s)… Stop ends them all.").format(n=len(self._commands))
        elif self._replayed:
            text = self.tr("Showing the trace {path}").format(path=self._replayed)
        elif self._events:
            # One note per line (they ran together), each OS error with a sentence in the UI's language.
            notes = [with_explanation(n, explain_text(n)) for n in self._notes]
            text = "\n".join([self.tr("Finished."), *notes])
        else:
            text = self.tr("Choose the programs to trace with “Trace programs…”.")
        self._status.setText(text)
        self._run_button.setEnabled(self._lab is None)
        self._stop_button.setEnabled(self._lab is not None)

    # ---------------------------------------------------------------- traces
    def export_trace(self, path: str) -> None:
        try:
            Trace(self._events).save(path)
        except OSError as exc:
            QMessageBox.warning(self, self.tr("Cannot save"), str(exc))

    def open_trace(self, path: str) -> None:
        try:
            trace = Trace.load(path)
        except (OSError, TraceFormatError) as exc:
            QMessageBox.warning(self, self.tr("Cannot open"), str(exc))
            return
        self.reset()
        self._framing = str(trace.config.get("framing", "none"))
        self._replayed = path
        self.on_events(list(trace.events))
        self._rejoin()
        self._refresh_status()

    # ---------------------------------------------------------------- for tests
    @property
    def connections(self) -> list[Connection]:
        return self._conns

    def console_text(self, program: int) -> str:
        return self._consoles[program].output.toPlainText()

    def counters_text(self) -> str:
        return self._counters.text()
