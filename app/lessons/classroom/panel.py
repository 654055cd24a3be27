"""Classroom panel: the instructor's server gathers the whole class, one lane per student.

Serve: pick an interface and a port, set the class key (shown big, with the join command to
copy), start; every student appears as a lane (what it sent, the server's recv() chunks with
merges and splits marked, what the server sent back) and as a table row (form, verdict,
figures).  Broadcast, the "two messages back to back" challenge, kick and lock act on the class.
Join: the students' side, with the student's own lane.

All socket work runs in :class:`netsim.lessons.classroom.server.ClassroomServer`'s loop thread
and the join/demo labs' workers; starting and closing labs runs in a helper thread
(:meth:`ClassroomPanel._off_gui`), so the GUI thread never makes a socket call or joins a thread
that may take long.  Student text is shown as plain text only (see ``views``).
"""

from __future__ import annotations

import html
import secrets
import shlex
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from queue import Empty, SimpleQueue
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.lessons.classroom.model import ClassModel
from app.lessons.classroom.views import COLUMNS, LaneView, StudentTable
from app.panels.base import LessonPanel
from app.shell.bridge import Bridge
from app.shell.theme import Theme
from app.widgets.os_errors import explain, with_explanation
from netsim.core.events import Event, RunFinished, SocketFailed
from netsim.core.recorder import Recorder
from netsim.lessons.classroom.demo import DemoClass
from netsim.lessons.classroom.events import ClassAction
from netsim.lessons.classroom.interfaces import list_interfaces
from netsim.lessons.classroom.join_lab import JoinLab
from netsim.lessons.classroom.protocol import DEFAULT_FRAMING, DEFAULT_PORT, Limits, parse_host_port
from netsim.lessons.classroom.server import ClassroomServer


@dataclass
class _Job:
    fn: Callable[[], Any]
    done: Callable[[Any], None] | None
    result: Any = None
    error: BaseException | None = None


FRAMINGS = ("length:i", "length", "length:!H", "delimiter", "none")
STATUS_EVERY_S = 0.25  # the table and the counters
LANES_EVERY_S = 0.2  # the lanes repaint at most this often while the class runs
SERVER_YIELD_S = 0.001  # the server's loop steps aside this long per busy turn (see ClassroomServer)
DEMO_KEY = "lesson-key"
DEMO_STUDENTS = 60


class ClassroomPanel(LessonPanel):
    panel_id = "classroom"

    def __init__(self, theme: Theme | None = None, parent: QWidget | None = None) -> None:
        super().__init__(theme, parent)
        self._server: ClassroomServer | None = None
        self._starting: ClassroomServer | None = None
        self._demo: DemoClass | None = None
        self._join: JoinLab | None = None
        # Helper jobs (start, close): run one after another in one helper thread, results
        # handed back to the GUI thread by the tick.  ``_jobs`` counts those not yet delivered.
        self._jobs = 0
        self._job_lock = threading.Lock()
        self._job_queue: deque[_Job] = deque()
        self._job_done: SimpleQueue[_Job] = SimpleQueue()
        self._job_thread: threading.Thread | None = None
        self._job_exited: list[threading.Thread] = []
        self._error = ""
        self._bound_host = ""
        self._last_status = 0.0
        self._last_lanes = 0.0
        self._lane_version = -1
        self._join_version = -1
        self.model = ClassModel()
        self.join_model = ClassModel()
        self.table = StudentTable(theme=self.theme)
        self._bridge = Bridge(self)
        self._bridge.events_batch.connect(self._on_server_events)
        self._join_bridge = Bridge(self)
        self._join_bridge.events_batch.connect(self._on_join_events)
        self._build()
        self.retranslate()
        self.apply_theme(self.theme)

    # ================================================================ construction
    def _build(self) -> None:
        self._scroll = self.scroll_area  # the base's: the content scrolls, the window never grows
        layout = QVBoxLayout(self.content)
        self._title = QLabel()
        self._error_label = QLabel()
        self._error_label.setWordWrap(True)
        self._error_label.setTextFormat(Qt.TextFormat.PlainText)
        self._error_label.setVisible(False)
        self._tabs = QTabWidget()
        layout.addWidget(self._title)
        layout.addWidget(self._error_label)
        layout.addWidget(self._tabs, 1)
        self._tabs.addTab(self._build_serve(), "")
        self._tabs.addTab(self._build_join(), "")

    def _build_serve(self) -> QWidget:
        page = QWidget()
        v = QVBoxLayout(page)
        v.setContentsMargins(4, 4, 4, 4)
        # settings row
        row = QHBoxLayout()
        self._iface_label, self._port_label, self._key_label, self._framing_label = (
            QLabel() for _ in range(4)
        )
        self._iface = QComboBox()
        self._iface.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self._fill_interfaces()
        self._port = QSpinBox()
        self._port.setRange(0, 65535)
        self._port.setValue(DEFAULT_PORT)
        self._key = QLineEdit(secrets.token_urlsafe(6))
        self._key.setMaxLength(64)
        self._framing = QComboBox()
        for spec in FRAMINGS:
            self._framing.addItem(spec, spec)
        self._max_label = QLabel()
        self._max = QSpinBox()
        self._max.setRange(1, 1000)
        self._max.setValue(Limits().max_students)
        self._start = QPushButton()
        self._start.clicked.connect(self._toggle_serve)
        for label, widget in (
            (self._iface_label, self._iface),
            (self._port_label, self._port),
            (self._key_label, self._key),
            (self._framing_label, self._framing),
            (self._max_label, self._max),
        ):
            row.addWidget(label)
            row.addWidget(widget)
        # While serving, the settings give way to the class key, big (the room must read it).
        self._settings: tuple[QWidget, ...] = (self._iface_label, self._iface, self._port_label, self._port)
        self._settings += (self._key_label, self._key, self._framing_label, self._framing)
        self._settings += (self._max_label, self._max)
        self._key_big = QLabel()
        self._key_big.setTextFormat(Qt.TextFormat.PlainText)
        self._key_big.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._join_cmd = QLineEdit()
        self._join_cmd.setReadOnly(True)
        self._copy = QPushButton()
        self._copy.clicked.connect(self._copy_command)
        row.addWidget(self._key_big)
        row.addStretch(1)
        row.addWidget(self._copy)
        row.addWidget(self._start)
        v.addLayout(row)
        v.addWidget(self._join_cmd)
        # body: lanes over the table | the side column
        body = QSplitter(Qt.Orientation.Horizontal)
        left = QSplitter(Qt.Orientation.Vertical)
        self.lanes = LaneView(self.model, theme=self.theme)
        self._lane_scroll = QScrollArea()
        self._lane_scroll.setWidgetResizable(True)
        self._lane_scroll.setWidget(self.lanes)
        self._lane_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._table_view = QTableView()
        self._table_view.setModel(self.table)
        self._table_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self._table_view.verticalHeader().setVisible(False)
        # Fixed widths (set in set_scale): ResizeToContents would measure every cell of every row
        # on each update - hundreds of students would stall the GUI thread.
        self._table_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self._table_view.horizontalHeader().setStretchLastSection(True)
        self._table_view.setWordWrap(False)
        left.addWidget(self._lane_scroll)
        left.addWidget(self._table_view)
        left.setStretchFactor(0, 3)
        left.setStretchFactor(1, 2)
        left.setSizes([650, 350])
        body.addWidget(left)
        body.addWidget(self._build_side())
        body.setStretchFactor(0, 1)
        v.addWidget(body, 1)
        return page

    def _build_side(self) -> QWidget:
        side = QWidget()
        self._side = side
        col = QVBoxLayout(side)
        col.setContentsMargins(0, 0, 0, 0)
        self._actions_box = QGroupBox()
        grid = QGridLayout(self._actions_box)
        self._broadcast_text = QLineEdit()
        self._broadcast_text.setMaxLength(200)
        self._broadcast = QPushButton()
        self._broadcast.clicked.connect(self._do_broadcast)
        self._broadcast_text.returnPressed.connect(self._do_broadcast)
        self._challenge = QPushButton()
        self._challenge.clicked.connect(self._do_challenge)
        self._kick = QPushButton()
        self._kick.clicked.connect(self._do_kick)
        self._lock = QCheckBox()
        self._lock.toggled.connect(self._do_lock)
        grid.addWidget(self._broadcast_text, 0, 0)
        grid.addWidget(self._broadcast, 0, 1)
        grid.addWidget(self._challenge, 1, 0, 1, 2)
        grid.addWidget(self._kick, 2, 0, 1, 2)
        grid.addWidget(self._lock, 3, 0, 1, 2)
        col.addWidget(self._actions_box)
        self._counts = QLabel()
        self._counts.setWordWrap(True)
        col.addWidget(self._counts)
        self._explain = QTextBrowser()
        self._explain.setOpenLinks(False)
        self._explain.setFrameShape(QFrame.Shape.NoFrame)
        col.addWidget(self._explain, 1)
        return side

    def _build_join(self) -> QWidget:
        page = QWidget()
        v = QVBoxLayout(page)
        form = QGridLayout()
        self._j_name_label, self._j_addr_label, self._j_key_label = QLabel(), QLabel(), QLabel()
        self._j_framing_label, self._j_messages_label = QLabel(), QLabel()
        self._j_name = QLineEdit()
        self._j_name.setMaxLength(32)
        self._j_addr = QLineEdit(f"127.0.0.1:{DEFAULT_PORT}")
        self._j_key = QLineEdit()
        self._j_framing = QComboBox()
        for spec in FRAMINGS:
            self._j_framing.addItem(spec, spec)
        self._j_messages = QLineEdit("hello,world")
        self._j_go = QPushButton()
        self._j_go.clicked.connect(self._toggle_join)
        pairs = (
            (self._j_name_label, self._j_name),
            (self._j_addr_label, self._j_addr),
            (self._j_key_label, self._j_key),
            (self._j_framing_label, self._j_framing),
            (self._j_messages_label, self._j_messages),
        )
        for i, (label, widget) in enumerate(pairs):
            form.addWidget(label, i, 0)
            form.addWidget(widget, i, 1)
        form.addWidget(self._j_go, len(pairs), 1)
        v.addLayout(form)
        self._j_status = QLabel()
        self._j_status.setTextFormat(Qt.TextFormat.PlainText)
        self._j_status.setWordWrap(True)
        v.addWidget(self._j_status)
        self.join_lanes = LaneView(self.join_model, theme=self.theme)
        v.addWidget(self.join_lanes)
        self._j_log = QPlainTextEdit()
        self._j_log.setReadOnly(True)
        self._j_log.setMaximumBlockCount(500)
        v.addWidget(self._j_log, 1)
        return page

    def _fill_interfaces(self) -> None:
        self._iface.clear()
        for iface in list_interfaces():
            self._iface.addItem(f"{iface.name}  {iface.address}", iface.address)
        if self._iface.findData("127.0.0.1") < 0:
            self._iface.addItem("lo  127.0.0.1", "127.0.0.1")
        self._iface.addItem("", "0.0.0.0")  # "every interface": labelled in retranslate()

    # ================================================================ texts
    def title(self) -> str:
        return self.tr("Classroom")

    def verdict_names(self) -> dict[str, str]:
        return {
            "pending": self.tr("pending"),
            "accepted": self.tr("accepted"),
            "refused": self.tr("refused (wrong key)"),
            "timed out": self.tr("timed out"),
            "protocol error": self.tr("protocol error"),
            "room full": self.tr("room full"),
            "room locked": self.tr("room locked"),
            "kicked": self.tr("kicked"),
            "cut off": self.tr("cut off (limit)"),
        }

    def retranslate(self) -> None:
        self._title.setText(self.tr("Classroom: one server, the whole class, one lane per student"))
        self._tabs.setTabText(0, self.tr("Serve"))
        self._tabs.setTabText(1, self.tr("Join"))
        self._iface_label.setText(self.tr("Interface"))
        self._port_label.setText(self.tr("Port"))
        self._key_label.setText(self.tr("Class key"))
        self._framing_label.setText(self.tr("Framing"))
        self._max_label.setText(self.tr("Max students"))
        self._iface.setItemText(self._iface.count() - 1, self.tr("every interface (0.0.0.0)"))
        self._copy.setText(self.tr("Copy the join command"))
        self._actions_box.setTitle(self.tr("Instructor"))
        self._broadcast_text.setPlaceholderText(self.tr("message to everyone"))
        self._broadcast.setText(self.tr("Broadcast"))
        self._challenge.setText(self.tr("Challenge: hello + world"))
        self._challenge.setToolTip(
            self.tr(
                'Sends "hello" and "world" in one send(). A student whose program reads with '
                'framing prints them separately; one that trusts recv() prints "helloworld".'
            )
        )
        self._kick.setText(self.tr("Kick selected"))
        self._lock.setText(self.tr("Lock the room"))
        forms = self.tr(
            "netsim join sends a hello frame first, then answers the framed challenge "
            "(HMAC-SHA256, #WELCOME# or #FAILURE# back). A client that says nothing for "
            "{ms} ms gets the lesson's bare 32-byte challenge and answers with the raw digest: "
            'that is the lesson\'s own script. Its rows say "lesson" and carry no name: the '
            "address stands in."
        ).format(ms=300)
        weak = [
            self.tr("No name, no version, no digest name on the wire: the server must guess the form."),
            self.tr(
                "recv(32) returns what has arrived: a challenge sent in pieces gives the lesson's "
                "client a short challenge, and even the right key answers wrongly."
            ),
            self.tr(
                "Nothing marks where the answer ends: the lesson's server takes one recv(1024) as the "
                "answer, so a message sent right behind it is glued on and the key is refused."
            ),
            self.tr(
                "No verdict goes back: a refused client cannot tell refusal from a server that just closed."
            ),
            self.tr("ret == res leaks timing; this server uses hmac.compare_digest."),
            self.tr("MD5 was hmac.new's default digest: broken for collisions, name a SHA-2 digest instead."),
        ]
        forms_title = self.tr("Two handshake forms, one port")
        weak_title = self.tr("What is weak about the lesson's form")
        # Our own translated sentences only (no student text): escaped all the same.
        self._explain.setHtml(
            f"<b>{html.escape(forms_title)}</b><p>{html.escape(forms)}</p>"
            f"<b>{html.escape(weak_title)}</b><ul>"
            + "".join(f"<li>{html.escape(line)}</li>" for line in weak)
            + "</ul>"
        )
        self._j_name_label.setText(self.tr("Name"))
        self._j_addr_label.setText(self.tr("Server (IP:port)"))
        self._j_key_label.setText(self.tr("Class key"))
        self._j_framing_label.setText(self.tr("Framing"))
        self._j_messages_label.setText(self.tr("Messages (comma-separated)"))
        self._j_name.setPlaceholderText(self.tr("your name"))
        texts = {
            "sent": self.tr("student sent"),
            "chunk": self.tr("server recv() chunk"),
            "merged": self.tr("merged chunk"),
            "split": self.tr("split message"),
            "reply": self.tr("server sent"),
            "now": self.tr("now"),
            "student": self.tr("student"),
            "lesson": self.tr("lesson"),
            "empty": self.tr("No students yet."),
        }
        self.lanes.texts = texts
        # The student's own lane: the same strips, seen from the student's end.
        self.join_lanes.texts = dict(
            texts,
            sent=self.tr("messages received"),
            chunk=self.tr("my recv() chunk"),
            reply=self.tr("I sent"),
            empty=self.tr("Not joined."),
        )
        self.table.headers = {
            "id": "#",
            "name": self.tr("Name"),
            "address": self.tr("Address"),
            "form": self.tr("Form"),
            "verdict": self.tr("Verdict"),
            "received": self.tr("Msgs in"),
            "sent": self.tr("Msgs out"),
            "chunks": self.tr("recv() chunks"),
            "merged": self.tr("Merged"),
            "split": self.tr("Split"),
            "framing": self.tr("Framing parsed"),
            "challenge": self.tr("Challenge"),
            "last": self.tr("Last message"),
            "bytes": self.tr("Bytes in / out"),
            "errors": self.tr("Errors"),
        }
        words = {f"verdict:{k}": v for k, v in self.verdict_names().items()}
        words.update(
            {
                "form:netsim": "netsim",
                "form:lesson": self.tr("lesson"),
                "yes": self.tr("yes"),
                "no": self.tr("no"),
                "gone": self.tr("gone"),
                "challenge:waiting": self.tr("waiting"),
                "challenge:separate": self.tr("hello | world"),
                "challenge:glued": self.tr("helloworld (glued)"),
                "challenge:other": self.tr("other"),
            }
        )
        self.table.words = words
        self.table.retranslated()
        self._size_columns()
        self._refresh_serve_texts()
        self._refresh_join_texts()

    def _refresh_serve_texts(self) -> None:
        server = self._server
        running = server is not None or self._starting is not None
        self._start.setText(self.tr("Stop") if running else self.tr("Start serving"))
        for w in self._settings:
            w.setVisible(not running)
        self._key_big.setVisible(running)
        self._copy.setVisible(server is not None)
        for button in (self._broadcast, self._challenge, self._kick, self._lock):
            button.setEnabled(server is not None)
        key = self._key.text()
        self._key_big.setText(self.tr("Class key: {key}").format(key=key))
        if server is not None:
            host = self._bound_host
            host_text = f"[{host}]" if ":" in host else host
            self._join_cmd.setText(
                f"netsim classroom join {host_text}:{server.address[1]} --name NAME --key {shlex.quote(key)} "
                f"--framing {server.framing}"
            )
        else:
            self._join_cmd.setText(self.tr("Start serving to get the command students type."))
        self._join_cmd.setCursorPosition(0)
        self._refresh_counts()

    def _refresh_counts(self) -> None:
        rows = self.table.rows
        connected = sum(1 for r in rows if r.connected)
        accepted = sum(1 for r in rows if r.verdict == "accepted" and r.connected)
        lesson = sum(1 for r in rows if r.form == "lesson")
        glued = sum(1 for r in rows if r.challenge == "glued")
        separate = sum(1 for r in rows if r.challenge == "separate")
        text = self.tr(
            "{connected} connected, {accepted} accepted; {lesson} used the lesson's form. "
            "Merged chunks: {merged}, split messages: {split}."
        ).format(
            connected=connected,
            accepted=accepted,
            lesson=lesson,
            merged=sum(r.merged_chunks for r in rows),
            split=sum(r.split_messages for r in rows),
        )
        if glued or separate:
            text += " " + self.tr("Challenge: {separate} read hello | world, {glued} got helloworld.").format(
                separate=separate, glued=glued
            )
        if self._server is not None and self._server.locked:
            text += " " + self.tr("The room is locked.")
        self._counts.setText(text)

    def _refresh_join_texts(self) -> None:
        self._j_go.setText(self.tr("Leave") if self._join is not None else self.tr("Join"))

    # ================================================================ off the GUI thread
    def _off_gui(self, fn: Callable[[], Any], done: Callable[[Any], None] | None = None) -> None:
        """Run ``fn`` in the helper thread (after the jobs before it); ``done(result)`` later, on
        the GUI thread.  An exception is shown in the panel, never raised on the GUI thread."""
        self._jobs += 1
        with self._job_lock:
            self._job_queue.append(_Job(fn, done))
            if self._job_thread is None:
                self._job_thread = threading.Thread(target=self._job_worker, name="classroom-panel-helper")
                self._job_thread.start()

    def _job_worker(self) -> None:
        while True:
            with self._job_lock:
                if not self._job_queue:
                    self._job_exited.append(threading.current_thread())
                    self._job_thread = None
                    return
                job = self._job_queue.popleft()
            try:
                job.result = job.fn()
            except BaseException as exc:  # handed to the GUI thread and shown
                job.error = exc
            self._job_done.put(job)

    def _reap_jobs(self, wait_s: float = 0.0) -> None:
        """Deliver finished jobs (GUI thread); join helper threads that have returned."""
        deadline = time.monotonic() + wait_s
        while True:
            try:
                job = (
                    self._job_done.get(timeout=max(0.0, deadline - time.monotonic()))
                    if wait_s
                    else self._job_done.get_nowait()
                )
            except Empty:
                break
            self._jobs -= 1
            if job.error is not None:
                self._show_error(str(job.error) or type(job.error).__name__)
            elif job.done is not None:
                job.done(job.result)
        with self._job_lock:
            exited, self._job_exited = self._job_exited, []
        for thread in exited:
            thread.join()

    def _show_error(self, text: str) -> None:
        self._error = text
        self._error_label.setText(text)
        self._error_label.setVisible(bool(text))
        colour = self.theme.alert_colour.name()
        self._error_label.setStyleSheet(f"color: {colour}")

    # ================================================================ serve
    def _toggle_serve(self) -> None:
        if self._server is not None or self._starting is not None:
            self.stop_serving()
        else:
            try:
                self.serve_on(str(self._iface.currentData()), self._port.value(), self._key.text())
            except ValueError as exc:
                self._show_error(str(exc))

    def serve_on(
        self,
        host: str,
        port: int,
        key: str,
        framing: str | None = None,
        then: Callable[[], None] | None = None,
        *,
        max_students: int | None = None,
    ) -> None:
        """Start a class on ``host:port`` (the socket work happens off the GUI thread)."""
        if self._server is not None or self._starting is not None:
            return
        if not key:
            raise ValueError(self.tr("The class key must not be empty."))
        self._key.setText(key)
        if self._iface.findData(host) < 0:
            self._iface.insertItem(0, host, host)
        self._iface.setCurrentIndex(self._iface.findData(host))
        spec = framing or str(self._framing.currentData() or DEFAULT_FRAMING)
        self._framing.setCurrentIndex(max(0, self._framing.findData(spec)))
        self._show_error("")
        self.model.clear()
        self.table.set_rows([])
        if max_students is not None:
            self._max.setValue(max_students)
        server = ClassroomServer(
            host,
            port,
            key.encode("utf-8"),
            framing=spec,
            limits=Limits(max_students=self._max.value()),
            recorder=Recorder(keep=False),
        )
        server.yield_s = SERVER_YIELD_S
        self._starting = server
        self._bound_host = host
        self._refresh_serve_texts()
        self._off_gui(server.start, lambda _r: self._server_started(server, then))

    def _server_started(self, server: ClassroomServer, then: Callable[[], None] | None) -> None:
        if self._starting is not server:
            return  # stopped while it was starting (stop_serving closes it)
        self._starting = None
        self._server = server
        self._bridge.attach(server.recorder)
        self._refresh_serve_texts()
        if then is not None:
            then()

    def server_port(self, timeout_s: float = 10.0) -> int | None:
        """The listening port once started (waits, processing events; for tests and the benchmark)."""
        deadline = time.monotonic() + timeout_s
        while self._server is None and time.monotonic() < deadline:
            QGuiApplication.processEvents()
            time.sleep(0.005)
            self._reap_jobs()
        return self._server.address[1] if self._server is not None else None

    def stop_serving(self) -> None:
        server = self._server or self._starting
        demo = self._demo
        self._server = self._starting = None
        self._demo = None
        self._bridge.drain()
        self._bridge.attach(None)

        def close() -> None:
            if demo is not None:
                demo.close(5.0)
            if server is not None:
                server.close(5.0)

        self._off_gui(close)
        self._refresh_serve_texts()

    def _on_server_events(self, batch: list[Event]) -> None:
        self.model.feed(batch)
        for ev in batch:
            if isinstance(ev, RunFinished) and not ev.ok and self._server is not None:
                self._show_error(
                    self.tr("The server stopped: {why}").format(why=self._server.died or ev.reason)
                )
            elif isinstance(ev, SocketFailed):
                self._show_error(with_explanation(f"{ev.endpoint}: {ev.call}: {ev.message}", explain(ev)))

    def _do_broadcast(self) -> None:
        text = self._broadcast_text.text().strip()
        if self._server is not None and text:
            self._server.broadcast(text)
            self._broadcast_text.clear()

    def _do_challenge(self) -> None:
        if self._server is not None:
            self._server.challenge()

    def _do_kick(self) -> None:
        if self._server is None:
            return
        for index in self._table_view.selectionModel().selectedRows():
            row = self.table.rows[index.row()]
            if row.connected:
                self._server.kick(row.sid)

    def _do_lock(self, on: bool) -> None:
        if self._server is not None:
            self._server.lock(on)

    def _copy_command(self) -> None:
        QGuiApplication.clipboard().setText(self._join_cmd.text())

    # ================================================================ join
    def _leave(self) -> None:
        lab = self._join
        if lab is None:
            return
        self._join = None
        self._join_bridge.attach(None)  # (drains what the lab still held first)
        self._off_gui(lambda: lab.close(5.0))
        self._refresh_join_texts()

    def _toggle_join(self) -> None:
        if self._join is not None:
            self._leave()
            return
        try:
            host, port = parse_host_port(self._j_addr.text(), default_port=DEFAULT_PORT)
        except ValueError as exc:
            self._j_status.setText(str(exc))
            return
        name = self._j_name.text().strip() or "student"
        messages = [m for m in self._j_messages.text().split(",") if m]
        self.join_model.clear()
        self.join_model.lane(0).name = name
        self._j_log.clear()
        lab = JoinLab(
            (host, port),
            name,
            self._j_key.text().encode("utf-8"),
            framing=str(self._j_framing.currentData()),
            messages=messages,
        )
        self._join = lab
        self._join_bridge.attach(lab.recorder)
        lab.start()  # spawns the worker; the connect happens there
        self._j_status.setText(
            self.tr("Joining {address} as {name}…").format(address=self._j_addr.text(), name=name)
        )
        self._refresh_join_texts()

    def _on_join_events(self, batch: list[Event]) -> None:
        self.join_model.feed(batch)
        names = self.verdict_names()
        for ev in batch:
            if isinstance(ev, ClassAction) and ev.action.startswith("received-"):
                prefix = self.tr("echo") if ev.action == "received-echo" else self.tr("from the instructor")
                self._j_log.appendPlainText(f"{prefix}: {ev.detail}")
            elif ev.kind == "StudentVerdict":
                verdict = getattr(ev, "verdict", "")
                self._j_status.setText(
                    self.tr("Verdict: {verdict}").format(verdict=names.get(verdict, verdict))
                )
            elif ev.kind == "StudentError":
                self._j_log.appendPlainText(self.tr("error: {text}").format(text=getattr(ev, "text", "")))
            elif isinstance(ev, RunFinished) and self._join is not None:
                self._leave()

    # ================================================================ the tick
    def on_tick(self) -> None:
        self._reap_jobs()
        now = time.monotonic()
        if self._server is not None and now - self._last_status >= STATUS_EVERY_S:
            self._last_status = now
            self.table.set_rows(self._server.status())
            self._refresh_counts()
        if self._demo is not None and self._demo.finished:
            demo = self._demo
            self._demo = None
            self._off_gui(lambda: demo.close(5.0))
        if now - self._last_lanes >= LANES_EVERY_S:
            self._last_lanes = now
            now_ns = time.monotonic_ns()
            self.model.advance(now_ns)
            self.join_model.advance(now_ns)
            if self.model.version != self._lane_version:
                self._lane_version = self.model.version
                self.lanes.refresh()
            if self.join_model.version != self._join_version:
                self._join_version = self.join_model.version
                self.join_lanes.refresh()

    # ================================================================ panel interface
    def apply_theme(self, theme: Theme) -> None:
        factor = theme.scale
        self._title.setFont(theme.font(1.4, bold=True))
        big = self.theme.font(1.8, bold=True)
        self._key_big.setFont(big)
        self._join_cmd.setFont(self.theme.font(1.0))
        self.lanes.set_scale(factor)
        self.join_lanes.set_scale(factor)
        self._side.setMinimumWidth(int(220 * factor))
        self._side.setMaximumWidth(int(280 * factor))
        self._explain.setFont(self.theme.font(0.9))
        self._lane_scroll.setMinimumHeight(int(140 * factor))
        self._table_view.setMinimumHeight(int(90 * factor))
        self._table_view.verticalHeader().setDefaultSectionSize(int(20 * factor))
        self._table_view.setFont(self.theme.font(0.9))
        self._size_columns()
        self._tabs.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def _size_columns(self) -> None:
        """Column widths from the header texts and typical contents (never measured per row)."""
        fm = QFontMetrics(self.theme.font(0.9))
        samples = {
            "id": "888",
            "name": "M" * 10,
            "address": "255.255.255.255:65535",
            "form": "netsim",
            "verdict": self.table.words.get("verdict:refused", "refused") + " · ",
            "bytes": "888,888 / 888,888",
            "last": "M" * 12,
            "challenge": "helloworld",
        }
        header = self._table_view.horizontalHeader()
        for i, column in enumerate(COLUMNS):
            text = max(
                samples.get(column, "8888"), self.table.headers.get(column, column), key=fm.horizontalAdvance
            )
            header.resizeSection(i, fm.horizontalAdvance(text) + int(16 * self.theme.scale))

    def run(self) -> None:
        if self._server is None and self._starting is None:
            self._toggle_serve()

    def step(self) -> None:
        """No step mode: a class is live.  Space sends the challenge while serving."""
        self._do_challenge()

    def pause(self) -> None:
        """Lock or unlock the room."""
        if self._server is not None:
            self._lock.setChecked(not self._lock.isChecked())

    def reset(self) -> None:
        self.stop_serving()
        self._leave()
        self.model.clear()
        self.join_model.clear()
        self.table.set_rows([])
        self._show_error("")
        self.lanes.refresh()

    def run_default_preset(self) -> None:
        """A class of 60 simulated students on this machine (127.0.0.1), then the challenge."""
        self.reset()
        self._tabs.setCurrentIndex(0)
        self.serve_on("127.0.0.1", 0, DEMO_KEY, then=self._start_demo)

    def _start_demo(self) -> None:
        if self._server is None:
            return
        demo = DemoClass(self._server, DEMO_KEY.encode("utf-8"), DEMO_STUDENTS)
        self._demo = demo
        demo.start()  # spawns the students' threads; every socket call happens in them

    def is_idle(self) -> bool:
        """Nothing starting or closing, and a demo class (if any) in full swing."""
        demo_busy = self._demo is not None and not self._demo.settled.is_set()
        return self._starting is None and not demo_busy and not self._jobs

    def stop_work(self) -> None:
        self.stop_serving()
        self._leave()
        deadline = time.monotonic() + 20
        while self._jobs and time.monotonic() < deadline:
            self._reap_jobs(0.1)
        with self._job_lock:
            thread = self._job_thread
        if thread is not None:
            thread.join(max(0.0, deadline - time.monotonic()))
        self._reap_jobs()
        self._bridge.stop()
        self._join_bridge.stop()

    # ================================================================ for tests and the benchmark
    def lanes_drawn(self) -> int:
        return self.lanes.lanes_drawn

    def key_widget(self) -> QWidget | None:
        return self._tabs
