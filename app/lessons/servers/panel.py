"""Servers panel: serving many clients - blocking vs threaded (socketserver) vs non-blocking.

One timeline per run, drawn with QPainter: a row per client (grey while connected but
waiting, coloured while being served, ticks for each request and reply) and a row for the
server's threads (how much of a CPU they burn).  Counters give wall time, server CPU time and
CPU %; the verdict says the lesson in a sentence.  Up to five runs stay on screen, on one time
axis, so the default preset ("compare all") shows the five designs side by side - the lesson's
non-blocking code as written beside the fixed busy loop and selectors.

All socket work happens in :class:`netsim.lessons.servers.lab.ServersLab`'s worker threads; this widget
starts and closes labs and draws what the bridge drains from their recorder.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPaintEvent, QPen, QPolygonF, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.panels.base import LessonPanel
from app.shell.theme import Theme
from app.widgets.os_errors import explain_text, with_explanation
from app.widgets.table_fit import ColumnFitter
from netsim.core.events import Event
from netsim.core.recorder import Recorder
from netsim.lessons.servers import (
    BLOCKING,
    BUSY,
    LESSON_NB,
    MAX_CLIENTS,
    MAX_REQUESTS,
    MAX_THINK_MS,
    MODES,
    SELECTORS,
    THREADED,
    ClientRow,
    ServersConfig,
    ServersLab,
    ServersResult,
    ServersTimeline,
    served_from,
)

MAX_RUNS = len(MODES)  # runs kept on screen: one per design


class TimelineView(QWidget):
    """Paints runs (``ServersTimeline``s) on one time axis.  Texts come from the panel."""

    def __init__(self, parent: QWidget | None = None, *, theme: Theme | None = None) -> None:
        super().__init__(parent)
        self.theme = theme if theme is not None else Theme(self)
        self.runs: list[ServersTimeline] = []
        self.headers: list[str] = []
        self.texts: dict[str, str] = {}
        self.scale = 1.0
        self._right_w = 100.0
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._relayout()

    # geometry ---------------------------------------------------------------------------
    def row_h(self) -> float:
        return 20.0 * self.scale

    def _header_height(self, header: str) -> float:
        """The run's title, wrapped to the view's width (it was cut at the right edge)."""
        fm = QFontMetricsF(self.theme.font(1.05, bold=True))
        width = max(50.0, self.width() - 16 * self.scale)
        wrapped = fm.boundingRect(QRectF(0, 0, width, 10_000), Qt.TextFlag.TextWordWrap, header).height()
        return max(self.row_h() * 1.4, wrapped + self.row_h() * 0.2)

    def _run_height(self, run: ServersTimeline, header: str = "") -> float:
        rows = max(1, int(run.config.get("clients", 1))) + 1  # clients + server
        return (
            self._header_height(header) + self.row_h() * 0.2 + rows * self.row_h() * 1.25 + self.row_h() * 0.5
        )

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._relayout()  # the titles wrap to the new width

    def _relayout(self) -> None:
        headers = list(self.headers) + [""] * (len(self.runs) - len(self.headers))
        h = (
            self.row_h() * 2.2
            + (self._legend_lines() - 1) * self.row_h() * 1.2
            + sum(self._run_height(r, t) for r, t in zip(self.runs, headers, strict=False))
            + self.row_h() * 1.8
        )
        self.setMinimumHeight(int(max(h, 160 * self.scale)))
        self.updateGeometry()
        self.update()

    def set_runs(self, runs: list[ServersTimeline], headers: list[str]) -> None:
        self.runs = runs
        self.headers = headers
        self._relayout()

    def set_scale(self, factor: float) -> None:
        self.scale = factor
        self._relayout()

    def span_ns(self) -> int:
        span = 0
        for run in self.runs:
            result = run.result()
            span = max(span, int(result.wall_s * 1e9), run.last_ns)
        return max(span, 100_000_000)

    # painting ---------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), self.theme.background_colour)
        font = self.theme.font(1.0)
        bold = self.theme.font(1.05, bold=True)
        p.setFont(font)
        fm = QFontMetricsF(font)
        rh = self.row_h()
        label_w = (
            max(
                fm.horizontalAdvance(self.texts.get("client", "client {n}").format(n=MAX_CLIENTS)),
                fm.horizontalAdvance(self.texts.get("server", "server")),
            )
            + 16 * self.scale
        )
        left = 8 * self.scale + label_w
        # room on the right for "waited 1234 ms" after the longest bar
        self._right_w = (
            fm.horizontalAdvance(self.texts.get("wait", "{ms}").format(ms="8888")) + 14 * self.scale
        )
        right = self.width() - self._right_w
        width = max(10.0, right - left)
        span = self.span_ns()

        def x(t_ns: int | None) -> float:
            return left + width * (t_ns or 0) / span

        y = self._legend(p, fm, rh)
        if not self.runs:
            p.setPen(self.theme.header_colour)
            p.drawText(
                QRectF(left, y, width, rh * 2), Qt.AlignmentFlag.AlignLeft, self.texts.get("empty", "")
            )
            p.end()
            return
        for run, header in zip(self.runs, self.headers, strict=False):
            result = run.result()
            p.setFont(bold)
            p.setPen(self.theme.text_colour)
            title_h = self._header_height(header)
            p.drawText(
                QRectF(8 * self.scale, y, self.width() - 16 * self.scale, title_h),
                Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextWordWrap,
                header,
            )
            p.setFont(font)
            y += title_h + rh * 0.2
            for row in result.clients:
                self._client_row(p, row, y, rh, x, label_w, run.last_ns, served_from(row, run.mode))
                y += rh * 1.25
            self._server_row(p, result, y, rh, left, x, span)
            y += rh * 1.25 + rh * 0.5
        self._axis(p, y, rh, left, width, span)
        p.end()

    def _legend_items(self) -> list[tuple[str, QColor, str]]:
        return [
            ("box", self.theme.wait_colour, self.texts.get("waiting", "")),
            ("box", self.theme.message_colour(4), self.texts.get("served", "")),
            ("request", self.theme.text_colour, self.texts.get("request", "")),
            ("reply", self.theme.text_colour, self.texts.get("reply", "")),
            ("box", self.theme.bad_colour, self.texts.get("cpu", "")),
        ]

    def _legend_places(self, fm: QFontMetricsF) -> list[tuple[float, int]]:
        """(x, line) of each legend item: items wrap to a new line instead of leaving the view."""
        rh = self.row_h()
        places: list[tuple[float, int]] = []
        x0, line = 8 * self.scale, 0
        for _kind, _colour, text in self._legend_items():
            width = rh * 1.2 + 6 * self.scale + fm.horizontalAdvance(text)
            if places and x0 + width > self.width() - 4 * self.scale:
                x0, line = 8 * self.scale, line + 1
            places.append((x0, line))
            x0 += width + 22 * self.scale
        return places

    def _legend_lines(self) -> int:
        places = self._legend_places(QFontMetricsF(self.theme.font(1.0)))
        return 1 + max((line for _x, line in places), default=0)

    def _legend(self, p: QPainter, fm: QFontMetricsF, rh: float) -> float:
        top = rh * 0.4
        places = self._legend_places(fm)
        for (kind, colour, text), (x0, line) in zip(self._legend_items(), places, strict=True):
            y = top + line * rh * 1.2
            box = QRectF(x0, y + rh * 0.2, rh * 1.2, rh * 0.6)
            if kind == "box":
                p.fillRect(box, colour)
            elif kind == "request":
                self._request_tick(p, box.center().x(), y, rh, colour)
            else:
                self._reply_tick(p, box.center().x(), y, rh, colour)
            p.setPen(self.theme.text_colour)
            p.drawText(QPointF(box.right() + 6 * self.scale, y + rh * 0.5 + fm.ascent() / 2.5), text)
        lines = 1 + max((line for _x, line in places), default=0)
        return top + (lines - 1) * rh * 1.2 + rh * 1.8

    def _request_tick(self, p: QPainter, x: float, y: float, rh: float, colour: QColor) -> None:
        s = rh * 0.28
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(colour)
        p.drawPolygon(
            QPolygonF(
                [QPointF(x - s, y + rh * 0.05), QPointF(x + s, y + rh * 0.05), QPointF(x, y + rh * 0.45)]
            )
        )

    def _reply_tick(self, p: QPainter, x: float, y: float, rh: float, colour: QColor) -> None:
        p.setPen(QPen(colour, max(1.5, 2.0 * self.scale)))
        p.drawLine(QPointF(x, y + rh * 0.1), QPointF(x, y + rh * 0.9))

    def _client_row(
        self,
        p: QPainter,
        row: ClientRow,
        y: float,
        rh: float,
        x: Callable[[int | None], float],
        label_w: float,
        now_ns: int,
        served: int | None,
    ) -> None:
        p.setPen(self.theme.text_colour)
        label = self.texts.get("client", "client {n}").format(n=row.client)
        p.drawText(QRectF(8 * self.scale, y, label_w, rh), Qt.AlignmentFlag.AlignVCenter, label)
        if row.connected is None:
            return
        end_x = x(row.closed if row.closed is not None else now_ns)  # still connected: up to now
        served_x = x(served) if served is not None else end_x
        start_x = x(row.connected)
        bar_top, bar_h = y + rh * 0.15, rh * 0.7
        p.fillRect(QRectF(start_x, bar_top, max(1.0, served_x - start_x), bar_h), self.theme.wait_colour)
        if served is not None:
            colour = self.theme.message_colour(row.client - 1)
            p.fillRect(QRectF(served_x, bar_top, max(1.0, end_x - served_x), bar_h), colour)
        dark = self.theme.text_colour
        for t in row.requests:
            self._request_tick(p, x(t), y, rh, dark)
        for t in row.replies:
            self._reply_tick(p, x(t), y, rh, dark)
        if row.wait_ns is not None and row.closed is not None:
            p.setPen(self.theme.text_colour)
            p.drawText(
                QRectF(end_x + 6 * self.scale, y, self._right_w, rh),
                Qt.AlignmentFlag.AlignVCenter,
                self.texts.get("wait", "{ms}").format(ms=f"{row.wait_ns / 1e6:.0f}"),
            )

    def _server_row(
        self,
        p: QPainter,
        result: ServersResult,
        y: float,
        rh: float,
        left: float,
        x: Callable[[int | None], float],
        span: int,
    ) -> None:
        p.setPen(self.theme.text_colour)
        p.drawText(
            QRectF(8 * self.scale, y, 400, rh), Qt.AlignmentFlag.AlignVCenter, self.texts.get("server", "")
        )
        base = QRectF(left, y + rh * 0.1, x(span) - left, rh * 0.8)
        p.fillRect(base, self.theme.wait_colour.lighter(125))
        prev_t, prev_cpu = 0, 0.0
        for pt in result.cpu:
            dt = pt.t_ns - prev_t
            if dt > 0:
                frac = max(0.0, min(1.0, (pt.cpu_s - prev_cpu) * 1e9 / dt))
                h = base.height() * frac
                p.fillRect(
                    QRectF(x(prev_t), base.bottom() - h, max(1.0, x(pt.t_ns) - x(prev_t)), h),
                    self.theme.bad_colour,
                )
            prev_t, prev_cpu = pt.t_ns, pt.cpu_s
        if result.cpu:
            p.setPen(self.theme.bad_colour.darker(130))
            p.drawText(
                QRectF(base.right() + 6 * self.scale, y, self._right_w, rh),
                Qt.AlignmentFlag.AlignVCenter,
                f"{result.cpu_percent:.0f} %",
            )

    def _axis(self, p: QPainter, y: float, rh: float, left: float, width: float, span: int) -> None:
        p.setPen(QPen(self.theme.header_colour, self.theme.line_width))
        p.drawLine(QPointF(left, y), QPointF(left + width, y))
        span_ms = span / 1e6
        step = 10.0
        while span_ms / step > 8:
            step *= 2.5 if str(int(step)).startswith("2") else 2
        t = 0.0
        while t <= span_ms + 1e-9:
            xx = left + width * t / span_ms
            p.drawLine(QPointF(xx, y), QPointF(xx, y + rh * 0.3))
            p.drawText(QPointF(xx - 10 * self.scale, y + rh * 1.2), f"{t:g}")
            t += step
        p.drawText(QPointF(left + width + 6 * self.scale, y + rh * 1.2), self.texts.get("ms", "ms"))


class ServersPanel(LessonPanel):
    panel_id = "servers"
    tick_ms = 40

    def __init__(self, theme: Theme | None = None, parent: QWidget | None = None) -> None:
        super().__init__(theme, parent)
        self._lab: ServersLab | None = None
        self._recorder: Recorder | None = None
        self._queue: list[ServersConfig] = []
        self._closing = 0  # labs being closed on the helper thread
        self._stopped: set[int] = set()  # id() of the runs the user stopped
        self._runs: list[ServersTimeline] = []
        self._build()
        self.retranslate()
        self.apply_theme(self.theme)

    # --- construction ---------------------------------------------------------------------
    def _build(self) -> None:
        self._title = QLabel()
        self._subtitle = QLabel()
        self._subtitle.setWordWrap(True)

        self._mode = QComboBox()
        for mode in MODES:
            self._mode.addItem("", mode)
        self._mode.currentIndexChanged.connect(lambda _i: self._update_explanation())
        self._clients = QSpinBox()
        self._clients.setRange(1, MAX_CLIENTS)
        self._clients.setValue(3)
        self._requests = QSpinBox()
        self._requests.setRange(1, MAX_REQUESTS)
        self._requests.setValue(3)
        self._think = QSpinBox()
        self._think.setRange(0, int(MAX_THINK_MS))
        self._think.setSingleStep(10)
        self._think.setValue(100)
        self._mode_label, self._clients_label, self._requests_label, self._think_label = (
            QLabel(),
            QLabel(),
            QLabel(),
            QLabel(),
        )
        self._run_button = QPushButton()
        self._compare_button = QPushButton()
        self._reset_button = QPushButton()
        self._run_button.clicked.connect(self.run)
        self._compare_button.clicked.connect(self.compare_all)
        self._reset_button.clicked.connect(self.reset)

        controls = QHBoxLayout()
        for label, widget in (
            (self._mode_label, self._mode),
            (self._clients_label, self._clients),
            (self._requests_label, self._requests),
            (self._think_label, self._think),
        ):
            controls.addWidget(label)
            controls.addWidget(widget)
        controls.addStretch(1)
        buttons = QHBoxLayout()  # a row of its own: the panel fits a projector's width at zoom
        for button in (self._run_button, self._compare_button, self._reset_button):
            buttons.addWidget(button)
        buttons.addStretch(1)

        self._explanation = QLabel()
        self._explanation.setWordWrap(True)

        self._view = TimelineView(theme=self.theme)
        self._scroll = QScrollArea()
        self._scroll.setWidgetResizable(True)
        self._scroll.setWidget(self._view)
        self._scroll.setFrameShape(QScrollArea.Shape.NoFrame)

        self._counter_names: dict[str, QLabel] = {}
        self._counters: dict[str, QLabel] = {}
        # One figure per row (name, value): three big figures side by side ran into each other
        # at a projector's 1280 px and 1.5x zoom.
        counters = QGridLayout()
        for row, key in enumerate(("wall", "cpu", "percent")):
            name, value = QLabel(), QLabel("–")
            name.setWordWrap(True)
            name.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self._counter_names[key], self._counters[key] = name, value
            counters.addWidget(name, row, 0)
            counters.addWidget(value, row, 1)
        counters.setColumnStretch(0, 1)
        self._last_run = QLabel()
        self._verdict = QLabel()
        self._verdict.setWordWrap(True)
        self._status = QLabel()

        self._table = QTableWidget(0, 5)
        self._table.verticalHeader().setVisible(False)
        self._table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self._table_fit = ColumnFitter(self._table, flexible=0, min_share=0.3)  # every column in view
        self._table.setMaximumHeight(200)

        side = QVBoxLayout()
        side.addWidget(self._last_run)
        side.addLayout(counters)
        side.addWidget(self._verdict)
        side.addWidget(self._table)
        side.addWidget(self._status)
        side.addStretch(1)
        self._side = side_w = QWidget()
        side_w.setLayout(side)

        body = QHBoxLayout()
        body.addWidget(self._scroll, 3)
        body.addWidget(side_w, 2)

        layout = QVBoxLayout(self.content)
        layout.addWidget(self._title)
        layout.addWidget(self._subtitle)
        layout.addLayout(controls)
        layout.addLayout(buttons)
        layout.addWidget(self._explanation)
        layout.addLayout(body, 1)

    # --- texts ------------------------------------------------------------------------------
    def title(self) -> str:
        return self.tr("Serving many clients")

    def mode_names(self) -> dict[str, str]:
        return {
            BLOCKING: self.tr("Blocking"),
            THREADED: self.tr("Threaded (socketserver)"),
            BUSY: self.tr("Non-blocking: busy loop (fixed)"),
            LESSON_NB: self.tr("Non-blocking: the lesson's code, as written"),
            SELECTORS: self.tr("Non-blocking: selectors"),
        }

    def mode_explanations(self) -> dict[str, str]:
        return {
            BLOCKING: self.tr(
                "The lesson's first server: one thread accepts a client and serves it until it "
                "leaves. The others are connected (the listen backlog) but nobody answers them."
            ),
            THREADED: self.tr(
                "socketserver.ThreadingTCPServer: a new thread for every client, so all are served "
                "at once. Here every handler thread is joined when the server shuts down."
            ),
            BUSY: self.tr(
                "The lesson's setblocking(False) server, fixed: one thread asks every socket again and "
                "again and catches BlockingIOError. It never sleeps, so it burns a CPU."
            ),
            LESSON_NB: self.tr(
                "The lesson's setblocking(False) server exactly as written. On Linux a socket returned "
                "by accept() does not inherit non-blocking mode from the listening socket, so "
                "conn.recv() blocks the whole loop on the first client while the others wait."
            ),
            SELECTORS: self.tr(
                "The fix: the same single thread and non-blocking sockets, but selectors makes it "
                "sleep until a socket is ready."
            ),
        }

    def retranslate(self) -> None:
        self._title.setText(self.tr("Serving many clients: blocking, threaded, non-blocking"))
        self._subtitle.setText(
            self.tr(
                "Real sockets on 127.0.0.1: each client connects, sends its requests, waits for the "
                "upper-cased echo, thinks a little between requests and closes. Who waits, and "
                "what does it cost the server?"
            )
        )
        names = self.mode_names()
        for i in range(self._mode.count()):
            self._mode.setItemText(i, names[self._mode.itemData(i)])
        self._mode_label.setText(self.tr("Server:"))
        self._clients_label.setText(self.tr("Clients:"))
        self._requests_label.setText(self.tr("Requests each:"))
        self._think_label.setText(self.tr("Think time:"))
        self._think.setSuffix(self.tr(" ms"))
        self._run_button.setText(self.tr("Run"))
        self._compare_button.setText(self.tr("Compare all"))
        self._reset_button.setText(self.tr("Reset"))
        self._counter_names["wall"].setText(self.tr("Wall time"))
        self._counter_names["cpu"].setText(self.tr("Server CPU time"))
        self._counter_names["percent"].setText(self.tr("Server thread CPU"))
        self._table.setHorizontalHeaderLabels(
            [self.tr("Server"), self.tr("Wall"), self.tr("Longest wait"), self.tr("CPU"), self.tr("CPU %")]
        )
        self._view.texts = {
            "client": self.tr("client {n}"),
            "server": self.tr("server"),
            "waiting": self.tr("connected, waiting"),
            "served": self.tr("being served"),
            "request": self.tr("request sent"),
            "reply": self.tr("reply received"),
            "cpu": self.tr("server CPU use"),
            "wait": self.tr("waited {ms} ms"),
            "ms": self.tr("ms"),
            "empty": self.tr("Press Run (one server) or Compare all."),
        }
        self._update_explanation()
        self._refresh()

    def _update_explanation(self) -> None:
        mode = self._mode.currentData()
        self._explanation.setText(f"{self.mode_names()[mode]} — {self.mode_explanations()[mode]}")

    def _header(self, run: ServersTimeline) -> str:
        cfg = run.config
        return self.tr("{mode}: {clients} clients × {requests} requests, think {think} ms").format(
            mode=self.mode_names().get(run.mode, run.mode),
            clients=cfg.get("clients"),
            requests=cfg.get("requests"),
            think=f"{float(cfg.get('think_ms', 0)):g}",
        )

    def verdict_for(self, result: ServersResult, *, stopped: bool = False) -> str:
        """``stopped``: the user stopped this run (its clients may then fail with ECONNRESET)."""
        if stopped and not result.all_echoed:
            return self.tr(
                "Stopped before every client was served: these figures cover only part of the run."
            )
        if result.failures:
            reason = result.failures[0]
            return self.tr("The run failed: {reason}").format(
                reason=with_explanation(reason, explain_text(reason))
            )
        if not result.all_echoed:
            return self.tr(
                "Stopped before every client was served: these figures cover only part of the run."
            )
        waits = [r for r in result.clients if r.wait_ns is not None]
        longest = max(waits, key=lambda r: r.wait_ns or 0) if waits else None
        ms = f"{(longest.wait_ns or 0) / 1e6:.0f}" if longest else "–"
        pct = f"{result.cpu_percent:.0f}"
        if result.mode == BLOCKING:
            return self.tr(
                "One at a time: client {n} was connected but waited {ms} ms before anyone answered it."
            ).format(n=longest.client if longest else "–", ms=ms)
        if result.mode == THREADED:
            return self.tr(
                "Concurrent: every client was answered at once (longest wait {ms} ms), one thread each."
            ).format(ms=ms)
        if result.mode == LESSON_NB:
            return self.tr(
                "The lesson's code stalls: client {n} waited {ms} ms, because the loop sat in client 1's "
                "blocking recv() (accepted sockets do not inherit non-blocking mode on Linux)."
            ).format(n=longest.client if longest else "–", ms=ms)
        if result.mode == BUSY:
            return self.tr(
                "Busy loop: the server burns a CPU doing nothing — {pct} % of a CPU, "
                "BlockingIOError caught {spins} times."
            ).format(pct=pct, spins=f"{result.spins:,}")
        return self.tr(
            "selectors: the same clients served by one thread at {pct} % of a CPU — it sleeps "
            "until a socket is ready."
        ).format(pct=pct)

    # --- runs ---------------------------------------------------------------------------------
    def config(self) -> ServersConfig:
        return ServersConfig(
            mode=str(self._mode.currentData()),
            clients=self._clients.value(),
            requests=self._requests.value(),
            think_ms=float(self._think.value()),
        )

    def start_runs(self, configs: list[ServersConfig]) -> None:
        """Queue runs (one after another: their CPU figures must not disturb each other)."""
        self._queue.extend(configs)
        self._start_next()

    def _start_next(self) -> None:
        if self._lab is not None or self._closing or not self._queue:
            return
        config = self._queue.pop(0)
        self._recorder = Recorder(keep=False)
        self._lab = ServersLab(config, recorder=self._recorder)
        timeline = ServersTimeline()
        self._runs.append(timeline)
        del self._runs[:-MAX_RUNS]
        self._stopped &= {id(r) for r in self._runs}
        self.bridge.attach(self._recorder)
        self._lab.start()
        self._refresh()

    def _finish_lab(self) -> None:
        """Take the last events, then close the lab on the helper thread (a thread that would
        not stop is reported in the panel's error banner)."""
        lab, self._lab = self._lab, None
        if lab is None:
            return
        self._closing += 1
        self.close_off_gui(lab.close, self.tr("Closing the servers lab"), then=self._lab_closed)

    def _lab_closed(self) -> None:
        """The lab's last events (its close ends the run) are in the recorder: take them."""
        self._closing -= 1
        if self._closing == 0 and self._lab is None:
            self.bridge.attach(None)  # drains what the closed lab left
            self._recorder = None
        self._refresh()
        if self._queue and not self.is_shut_down:
            self._start_next()
        elif self._lab is None:
            self.run_finished.emit()

    def on_events(self, batch: list[Event]) -> None:
        if self._runs:
            self._runs[-1].feed(batch)
        self._refresh()

    def on_tick(self) -> None:
        if self._lab is not None and self._lab.finished:
            self._finish_lab()
            self._refresh()

    def _refresh(self) -> None:
        self._view.set_runs(list(self._runs), [self._header(r) for r in self._runs])
        results = [r.result() for r in self._runs]
        self._last_run.setText(
            self.tr("Last run: {mode}").format(mode=self.mode_names().get(results[-1].mode, ""))
            if results
            else ""
        )
        if results and results[-1].cpu:
            last = results[-1]
            self._counters["wall"].setText(f"{last.wall_s * 1000:.0f} ms")
            self._counters["cpu"].setText(f"{last.server_cpu_s * 1000:.1f} ms")
            pct = self._counters["percent"]
            pct.setText(f"{last.cpu_percent:.0f} %")
            colour = self.theme.alert_colour if last.cpu_percent >= 50 else self.theme.ok_colour
            pct.setStyleSheet(f"color: {colour.name()}")
        else:
            for label in self._counters.values():
                label.setText("–")
                label.setStyleSheet("")
        verdicts = [
            f"• {self.verdict_for(r, stopped=id(run) in self._stopped)}"
            for run, r in zip(self._runs, results, strict=True)
            if r.finished
        ]
        self._verdict.setText("\n\n".join(verdicts))
        self._table.setRowCount(len(results))
        for i, r in enumerate(results):
            waits = [c.wait_ns for c in r.clients if c.wait_ns is not None]
            cells = [
                self.mode_names().get(r.mode, r.mode),
                f"{r.wall_s * 1000:.0f} ms",
                f"{max(waits) / 1e6:.0f} ms" if waits else "–",
                f"{r.server_cpu_s * 1000:.1f} ms",
                f"{r.cpu_percent:.0f} %" if r.cpu else "–",
            ]
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if j == 4 and r.cpu and r.cpu_percent >= 50:
                    item.setForeground(self.theme.alert_colour)
                self._table.setItem(i, j, item)
        self._table_fit.refit()
        if self._lab is not None:
            self._status.setText(self.tr("Running… ({left} more queued)").format(left=len(self._queue)))
        else:
            self._status.setText(self.tr("Ready."))

    # --- panel interface ------------------------------------------------------------------
    def apply_theme(self, theme: Theme) -> None:
        factor = theme.scale
        self._title.setFont(self.theme.font(1.5, bold=True))
        self._verdict.setFont(self.theme.font(1.1, bold=True))
        for label in self._counters.values():
            label.setFont(self.theme.font(1.6, bold=True))
        for label in self._counter_names.values():
            label.setFont(self.theme.font(1.0))
        self._explanation.setFont(self.theme.font(1.05))
        self._view.set_scale(factor)
        self._table.setMaximumHeight(int(240 * factor))  # a header and one row per design
        self._refresh()
        self._side.setMaximumWidth(int(560 * factor))

    def run(self) -> None:
        try:
            config = self.config()
        except ValueError as exc:
            QMessageBox.warning(self, self.tr("Cannot run"), str(exc))
            return
        self.start_runs([config])

    def compare_all(self) -> None:
        base = self.config()
        self.start_runs([ServersConfig(mode, base.clients, base.requests, base.think_ms) for mode in MODES])

    def step(self) -> None:
        """No step mode here: a run is a few hundred milliseconds; start one."""
        if self.is_idle():
            self.run()

    def pause(self) -> None:
        """Stop what runs and what is queued (the runs so far stay on screen)."""
        self._queue.clear()
        if self._lab is not None and self._runs:
            self._stopped.add(id(self._runs[-1]))
        self._finish_lab()
        self._refresh()

    def reset(self) -> None:
        self._queue.clear()
        self._finish_lab()
        self._runs.clear()
        self._stopped.clear()
        self.clear_error()
        self._refresh()

    def run_default_preset(self) -> None:
        """The lesson in one picture: the five designs, one after another, on one time axis."""
        self.reset()
        self._mode.setCurrentIndex(0)
        self._clients.setValue(3)
        self._requests.setValue(3)
        self._think.setValue(100)
        self.compare_all()

    def is_idle(self) -> bool:
        return self._lab is None and not self._queue and not self.helper_busy

    def stop_work(self) -> None:
        self._queue.clear()
        self._finish_lab()

    def key_widget(self) -> QWidget | None:
        return self._verdict

    # --- for tests ------------------------------------------------------------------------------
    def timeline_rows(self) -> list[tuple[str, list[str]]]:
        """(mode, [client labels…, "server"]) for each run on screen."""
        out = []
        for run in self._runs:
            labels = [self._view.texts["client"].format(n=r.client) for r in run.rows()]
            out.append((run.mode, [*labels, self._view.texts["server"]]))
        return out

    def results(self) -> list[ServersResult]:
        return [r.result() for r in self._runs]

    def counter_texts(self) -> dict[str, str]:
        return {key: label.text() for key, label in self._counters.items()}

    def verdict_text(self) -> str:
        return self._verdict.text()
