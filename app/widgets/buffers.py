"""Where the bytes are: a live plot of the kernel queues and the "pipe" picture.

The plot (pyqtgraph) shows the sender's kernel send queue and the receiver's kernel receive
queue over time; its movable cursor picks the moment the pipe shows:
app send buffer ▸ kernel send queue ▸ kernel receive queue ▸ app receive buffer,
each with its bytes in their messages' colours.  After a run the cursor jumps to the moment
the receive queue was fullest - two messages lying side by side before one recv() takes both.
"""

from __future__ import annotations

import html
from bisect import bisect_right

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QBrush, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsView, QLabel, QSizePolicy, QVBoxLayout, QWidget

from app.shell.theme import Theme
from app.widgets.ribbon import printable
from app.widgets.stream_model import StreamModel

# While a run streams, the plot redraws every 200 ms if it is small (a lesson, a stepped run),
# every 2.5 s once it passes 1,000 messages: each pyqtgraph redraw costs the GUI thread tens of
# milliseconds while the socket workers compete for the GIL (measured: tests/perf/gui_perf.py).
LIVE_REFRESH_MS = 200
STREAMING_REFRESH_MS = 2500
STREAMING_MESSAGES = 1000
PIPE_PIECES = 12  # messages drawn one by one in a pipe box; the rest share one grey piece


class PipeView(QWidget):
    """Four boxes in a row, the bytes in each drawn in their messages' colours."""

    def __init__(
        self, model: StreamModel, parent: QWidget | None = None, *, theme: Theme | None = None
    ) -> None:
        super().__init__(parent)
        self.theme = theme if theme is not None else Theme(self)
        self.model = model
        self.t: float | None = None  # None: the latest moment
        self.setMinimumHeight(90)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def sizeHint(self) -> QSize:
        return QSize(800, int(120 * self.theme.scale))

    def set_time(self, t: float | None) -> None:
        self.t = t
        self.update()

    def titles(self) -> list[str]:
        return [
            self.tr("app send buffer"),
            self.tr("kernel send queue"),
            self.tr("kernel receive queue"),
            self.tr("app receive buffer"),
        ]

    def segments(self, start: int, end: int) -> list[tuple[int, int, int]]:
        """(message index, first byte, end byte) pieces of the stream range ``[start, end)``."""
        m = self.model
        out: list[tuple[int, int, int]] = []
        i = max(0, bisect_right(m.msg_start, start) - 1)
        while i < len(m.msg_start) and m.msg_start[i] < end and len(out) < PIPE_PIECES:
            lo, hi = max(start, m.msg_start[i]), min(end, m.msg_end[i])
            if hi > lo:
                out.append((i, lo, hi))
            i += 1
        return out

    def contents(self) -> list[tuple[int, list[tuple[int, int, int]], str]]:
        """For each box: byte count, coloured pieces, and a note."""
        m = self.model
        t = self.t if self.t is not None else float("inf")
        st = m.state_at(t)
        waiting = max(0, m.messages_intended - st["messages_sent"])
        boxes: list[tuple[int, list[tuple[int, int, int]], str]] = []
        # Bytes handed to send() that the kernel has not taken yet (a blocking sendall at work).
        in_app = 0
        if m.transport == "tcp" and m.queues_available:
            in_app = max(0, st["sent"] - st["received"] - st["recv_q"] - st["send_q"])
        notes = []
        if in_app:
            notes.append(self.tr("{n} B still in sendall()").format(n=in_app))
        if waiting:
            notes.append(self.tr("{n} messages not yet sent").format(n=waiting))
        pieces = self.segments(st["sent"] - in_app, st["sent"]) if in_app else []
        boxes.append((in_app, pieces, " · ".join(notes)))
        udp = m.transport == "udp"
        if m.queues_available:
            sq = st["send_q"]
            boxes.append((sq, [] if udp else self.segments(st["sent"] - sq, st["sent"]), ""))
            rq = st["recv_q"]
            note = self.tr("next datagram") if udp and rq else ""
            boxes.append((rq, [] if udp else self.segments(st["received"], st["received"] + rq), note))
        else:
            flight = max(0, st["sent"] - st["received"])
            boxes.append((0, [], self.tr("not reported on this platform")))
            boxes.append((flight, self.segments(st["received"], st["sent"]), self.tr("bytes in flight")))
        held = 0 if udp else max(0, st["received"] - st["decoded"])
        boxes.append((held, self.segments(st["decoded"], st["received"]) if held else [], ""))
        return boxes

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.fillRect(self.rect(), self.palette().base())
        n = 4
        gap = 26 * self.theme.scale
        w = (self.width() - gap * (n - 1) - 8) / n
        title_h = 24 * self.theme.scale
        m = self.model
        for k, (title, (nbytes, pieces, note)) in enumerate(zip(self.titles(), self.contents(), strict=True)):
            x = 4 + k * (w + gap)
            p.setFont(self.theme.font(0.95, bold=True))
            p.setPen(self.theme.text_colour)
            p.drawText(QRectF(x, 0, w, title_h), Qt.AlignmentFlag.AlignCenter, title)
            box = QRectF(x, title_h + 2, w, self.height() - title_h - 6)
            p.setPen(QPen(self.theme.text_colour, self.theme.line_width * 1.5))
            p.drawRoundedRect(box, 6, 6)
            inner = box.adjusted(6, 6, -6, -26 * self.theme.scale)
            shown_bytes = sum(hi - lo for _, lo, hi in pieces)
            total = max(shown_bytes, nbytes if pieces else 0)
            x0 = inner.left()
            p.setFont(self.theme.font(0.9))
            for i, lo, hi in pieces:
                seg_w = inner.width() * (hi - lo) / max(total, 1)
                seg = QRectF(x0, inner.top(), seg_w, inner.height())
                p.fillRect(seg, self.theme.message_colour(m.msg_id[i]))
                p.setPen(QPen(self.theme.background_colour, 2))
                p.drawRect(seg)
                data = m.stream_bytes(lo, hi)
                if data is not None and seg_w > 24:
                    p.setPen(self.theme.text_colour)
                    shown = p.fontMetrics().elidedText(
                        printable(data), Qt.TextElideMode.ElideRight, int(seg_w - 4)
                    )
                    p.drawText(seg, Qt.AlignmentFlag.AlignCenter, shown)
                x0 += seg_w
            if total > shown_bytes:  # more messages than PIPE_PIECES: the rest in one grey piece
                rest = QRectF(x0, inner.top(), inner.right() - x0, inner.height())
                p.fillRect(rest, QBrush(self.theme.wait_colour, Qt.BrushStyle.Dense5Pattern))
                p.setPen(self.theme.text_colour)
                p.drawText(rest, Qt.AlignmentFlag.AlignCenter, "…")
            p.setPen(self.theme.text_colour)
            caption = self.tr("{n} B").format(n=nbytes) + (f" · {note}" if note else "")
            p.drawText(
                QRectF(box.left(), box.bottom() - 24 * self.theme.scale, box.width(), 22 * self.theme.scale),
                Qt.AlignmentFlag.AlignCenter,
                caption,
            )
            if k < n - 1:  # the arrow to the next box
                ax = x + w + 4
                ay = box.center().y()
                p.setPen(QPen(self.theme.text_colour, 2))
                p.drawLine(QPointF(ax, ay), QPointF(ax + gap - 10, ay))
                p.setBrush(self.theme.text_colour)
                p.drawPolygon(
                    QPolygonF(
                        [
                            QPointF(ax + gap - 8, ay),
                            QPointF(ax + gap - 16, ay - 5),
                            QPointF(ax + gap - 16, ay + 5),
                        ]
                    )
                )
                p.setBrush(Qt.BrushStyle.NoBrush)
        p.end()


class BuffersView(QWidget):
    """The queue plot above the pipe picture."""

    def __init__(
        self, model: StreamModel, parent: QWidget | None = None, *, theme: Theme | None = None
    ) -> None:
        super().__init__(parent)
        self.theme = theme if theme is not None else Theme(self)
        self.model = model
        self.plot = pg.PlotWidget(background="w")
        self.plot.setMinimumHeight(120)
        self.plot.showGrid(x=True, y=True, alpha=0.3)
        self.plot.disableAutoRange()
        # Repaint only what changed (the curves), not the axes around them every time.
        self.plot.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.MinimalViewportUpdate)
        self._range = (100.0, 16.0)  # ms, bytes
        # The legend is a line of text above the plot, not a box inside it: inside, it covered
        # the curve (the queues are fullest at the start, where a legend sits).
        self.legend = QLabel()
        self.legend.setObjectName("buffers_legend")
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setWordWrap(True)
        # A sample holds until the next one: draw steps, not slopes.
        self.send_curve = self.plot.plot([], [], stepMode="right")
        self.recv_curve = self.plot.plot([], [], stepMode="right")
        self.time_cursor = pg.InfiniteLine(angle=90, movable=True)
        self._set_pens()
        self.time_cursor.setVisible(False)
        self.plot.addItem(self.time_cursor)
        # Time the run was held (paused, stepped) is cut out of the axis; a dotted line marks
        # each cut, and the axis title says how much was cut.
        self._cut_marks: list[pg.InfiniteLine] = []
        self._time_label = ""
        self.time_cursor.sigPositionChanged.connect(self._cursor_moved)
        self.pipe = PipeView(model, theme=self.theme)
        self._following = True
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.legend)
        lay.addWidget(self.plot, 3)
        lay.addWidget(self.pipe, 2)
        self._throttle = QTimer(self)
        self._throttle.setSingleShot(True)
        self._throttle.timeout.connect(self.refresh)
        model.changed.connect(self._schedule)
        self.retranslate()

    def _schedule(self) -> None:
        if self.model.finished:
            self._throttle.start(0)  # the final state at once
        elif not self._throttle.isActive():
            big = len(self.model.msg_start) > STREAMING_MESSAGES
            self._throttle.start(STREAMING_REFRESH_MS if big else LIVE_REFRESH_MS)

    def retranslate(self) -> None:
        entries = (
            (self.theme.side_colour("client"), self.tr("sender: kernel send queue (TIOCOUTQ)")),
            (self.theme.side_colour("server"), self.tr("receiver: kernel receive queue (FIONREAD)")),
        )
        self.legend.setFont(self.theme.font(0.9))
        self.legend.setText(
            "&nbsp;&nbsp;&nbsp;".join(
                f"<span style='color:{colour.name()}'>━━</span>&nbsp;{html.escape(text)}"
                for colour, text in entries
            )
        )
        self._label_time_axis()
        self.plot.getAxis("bottom").enableAutoSIPrefix(False)
        self.plot.setLabel("left", self.tr("bytes"))
        self.pipe.update()

    def _label_time_axis(self) -> None:
        held = sum(end - start for start, end in self.model.held)
        if held > 0:
            text = self.tr("time (ms) — {s} s paused or stepped cut out, at the dotted lines").format(
                s=f"{held:.1f}"
            )
        else:
            text = self.tr("time (ms)")
        if text != self._time_label:
            self._time_label = text
            self.plot.setLabel("bottom", text)

    def time_axis_label(self) -> str:
        return self._time_label

    def _draw_cuts(self) -> None:
        """One dotted line per cut (held time), at the active time where the hold began."""
        cuts = [self.model.active_time(start) * 1000 for start, _end in self.model.held]
        while len(self._cut_marks) < len(cuts):
            mark = pg.InfiniteLine(angle=90, movable=False)
            mark.setPen(pg.mkPen(self.theme.muted_colour, width=1.5, style=Qt.PenStyle.DotLine))
            self.plot.addItem(mark)
            self._cut_marks.append(mark)
        for k, mark in enumerate(self._cut_marks):
            if k < len(cuts):
                mark.setValue(cuts[k])
            mark.setVisible(k < len(cuts))
        self._label_time_axis()

    def _set_pens(self) -> None:
        width = 3 * max(1.0, self.theme.line_width / max(self.theme.scale, 0.1))
        self.send_curve.setPen(pg.mkPen(self.theme.side_colour("client"), width=width))
        self.recv_curve.setPen(pg.mkPen(self.theme.side_colour("server"), width=width))
        self.time_cursor.setPen(pg.mkPen(self.theme.header_colour, width=2, style=Qt.PenStyle.DashLine))
        for mark in getattr(self, "_cut_marks", []):
            mark.setPen(pg.mkPen(self.theme.muted_colour, width=1.5, style=Qt.PenStyle.DotLine))

    def set_scale(self, factor: float) -> None:
        self._set_pens()
        font = self.theme.font(1.0)
        for axis in ("bottom", "left"):
            self.plot.getAxis(axis).setTickFont(font)
            self.plot.getAxis(axis).label.setFont(font)
        self.pipe.setMinimumHeight(int(80 * factor))
        self.plot.setMinimumHeight(int(95 * factor))
        self.retranslate()  # the legend's text size follows the scale

    def set_model(self, model: StreamModel) -> None:
        if model is self.model:
            return
        self.model.changed.disconnect(self._schedule)
        self.model = model
        self.pipe.model = model
        model.changed.connect(self._schedule)
        self.new_run()

    def _cursor_moved(self) -> None:
        if self.time_cursor.isVisible():
            self._following = False
            self.pipe.set_time(self.model.real_time(float(self.time_cursor.value()) / 1000))

    def new_run(self) -> None:
        self._range = (100.0, 16.0)
        self._following = True
        self.time_cursor.setVisible(False)
        self.pipe.set_time(None)
        self.refresh()

    def _grow_ranges(self) -> None:
        """Ranges that grow fourfold: the axes (costly to redraw) change only a few times per run."""
        m = self.model
        t_ms = (
            m.active_time(max(m.send_t[-1] if len(m.send_t) else 0.0, m.recv_t[-1] if len(m.recv_t) else 0.0))
            * 1000
        )
        top = max(max(m.send_q, default=0), max(m.recv_q, default=0), 1)
        x_max, y_max = self._range
        if m.finished:
            x_max, y_max = max(t_ms, 1.0), top  # the final picture fits the data exactly
        else:
            while x_max < t_ms:
                x_max *= 4
            while y_max < top:
                y_max *= 4
        if (x_max, y_max) != self._range or m.finished:
            self._range = (x_max, y_max)
            self.plot.setRange(xRange=(0, x_max), yRange=(0, y_max * 1.05), padding=0.02)

    def refresh(self) -> None:
        m = self.model
        self.send_curve.setData(m.active_times_ms(m.send_t), m.send_q)
        self.recv_curve.setData(m.active_times_ms(m.recv_t), m.recv_q)
        self._draw_cuts()
        self._grow_ranges()
        if m.finished and self._following:
            peak = m.peak_recv_queue_time()
            t = peak if peak is not None else m.duration
            self.time_cursor.blockSignals(True)
            self.time_cursor.setValue(m.active_time(t) * 1000)
            self.time_cursor.setVisible(True)
            self.time_cursor.blockSignals(False)
            self.pipe.set_time(t)
        else:
            self.pipe.update()
