"""The byte ribbon: the stream on its offset axis, three lanes, drawn with QPainter.

Top lane: the messages as ``send()`` put them (one colour each, framing bytes drawn dark).
Wire lane (only when a relay sat between the ends): the segments or datagrams it forwarded,
lost ones marked - so send boundaries, segments and recv() chunks are three different things.
Middle lane: each ``recv()`` chunk as a bracket (merged chunks in vermillion).
Bottom lane: what the receiving application believes the messages are.

Only what is visible is drawn: items are found by bisection on the offset columns, and when
more items than pixels are visible each pixel column is painted once.  UDP is drawn by
datagram slots instead of bytes, since datagrams do not share a byte axis.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFontMetricsF,
    QImage,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QWheelEvent,
)
from PySide6.QtWidgets import QToolTip, QWidget

from app.shell.theme import Theme
from app.widgets.stream_model import StreamModel, column_bisect_left, column_bisect_right

LANES = 3  # without a relay; with one, the wire lane makes four
WIRE = 3  # the wire lane's id (lane ids: 0 send, 1 recv, 2 app, 3 wire; drawn send, wire, recv, app)
# Past this many visible items a lane is painted as one image row: every Qt call from Python
# may wait for the GIL behind the socket workers, so a paint must make few of them.
MAX_BOXES = 40
DENSE_PX = 3  # a dense lane is sampled every 3 pixels (a third of the work, no visible loss)
REPAINT_MS = 100  # at most 10 repaints a second while data streams in


def printable(data: bytes) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    return "".join(ch if ch.isprintable() else "·" for ch in text)


def hex_dump(data: bytes, limit: int = 48) -> str:
    shown = data[:limit].hex(" ")
    return shown + (f" … (+{len(data) - limit} B)" if len(data) > limit else "")


class RibbonView(QWidget):
    hovered = Signal(str)

    def __init__(
        self, model: StreamModel, parent: QWidget | None = None, *, theme: Theme | None = None
    ) -> None:
        super().__init__(parent)
        self.theme = theme if theme is not None else Theme(self)
        self.model = model
        self._caption = ""
        self.lane_names = ("send()", "recv()", "app")
        # Endpoint names as shown beside the lane names: the sending end beside send(), the
        # receiving end beside recv() (the model says which end is which; the panel translates).
        self.role_names: dict[str, str] = {"client": "client", "server": "server"}
        self._label_w_cache: tuple[object, float] = (None, 0.0)
        self.wire_name = "wire"  # the panel sets a translated name
        self.dimmed = False
        self._x0 = 0.0  # first visible offset (or datagram slot)
        self._span = 0.0  # visible width in offsets; 0 = follow the data ("fit")
        self._drag_from: QPointF | None = None
        self.setMouseTracking(True)
        self._repaint = QTimer(self)
        self._repaint.setSingleShot(True)
        self._repaint.setInterval(REPAINT_MS)
        self._repaint.timeout.connect(self.update)
        model.changed.connect(self._schedule)

    def _schedule(self) -> None:
        if not self._repaint.isActive():
            self._repaint.start()

    def set_model(self, model: StreamModel) -> None:
        self.model.changed.disconnect(self._schedule)
        self.model = model
        model.changed.connect(self._schedule)
        self._span = 0.0
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(900, max(int(220 * self.theme.scale), self.minimumSizeHint().height()))

    @property
    def caption(self) -> str:
        return self._caption

    @caption.setter
    def caption(self, text: str) -> None:
        if text != self._caption:
            had = bool(self._caption)
            self._caption = text
            if had != bool(text):
                self.updateGeometry()
            self.update()

    def _caption_h(self) -> float:
        return QFontMetricsF(self.theme.font(1.1, bold=True)).height() + 8 * self.theme.scale

    def minimumSizeHint(self) -> QSize:
        """Tall enough for the caption and three lanes of text: the rows are never clipped."""
        lane = QFontMetricsF(self.theme.font(1.0, bold=True)).height() * 1.5 + 6
        top = self._caption_h() if self.caption else 8 * self.theme.scale
        return QSize(int(self._label_w() + 120), int(top + len(self.lanes()) * lane + 8))

    # ------------------------------------------------------------- geometry
    @property
    def udp(self) -> bool:
        return self.model.transport == "udp"

    def extent(self) -> float:
        m = self.model
        if self.udp:
            return float(
                max(m.messages_intended, len(m.msg_start) + len(m.failed_sends), len(m.chunk_start), 1)
            )
        return float(max(m.sent_bytes, m.received_bytes, 1))

    def visible(self) -> tuple[float, float]:
        if self._span <= 0:
            return 0.0, self.extent()
        return self._x0, self._x0 + self._span

    def _label_w(self) -> float:
        # Room for "server send()" / "client recv()" (who does what), within reason.  Cached: the
        # plot rectangle (and so this) is asked for at every coordinate conversion.
        roles = (
            self.role_names.get(self.model.sending_end, ""),
            self.role_names.get(self.model.receiving_end, ""),
        )
        key = (
            self.lane_names,
            self.wire_name,
            roles,
            self.theme.scale,
            self.theme.font(1.0, bold=True).key(),
        )
        if self._label_w_cache[0] != key:
            metrics = QFontMetricsF(self.theme.font(1.0, bold=True))
            texts = [
                f"{roles[0]} {self.lane_names[0]}",
                f"{roles[1]} {self.lane_names[1]}",
                self.lane_names[2],
                self.wire_name,
            ]
            widest = max(metrics.horizontalAdvance(text) for text in texts)
            self._label_w_cache = (key, min(max(90 * self.theme.scale, widest + 12), 200 * self.theme.scale))
        return self._label_w_cache[1]

    def _plot_rect(self) -> QRectF:
        top = self._caption_h() if self.caption else 8 * self.theme.scale
        return QRectF(
            self._label_w(), top, max(10.0, self.width() - self._label_w() - 8), self.height() - top - 6
        )

    def lanes(self) -> list[int]:
        """Lane ids top to bottom: the wire lane sits between send() and recv() when there is one."""
        return [0, WIRE, 1, 2] if self.model.wire else [0, 1, 2]

    def _lane_rect(self, lane: int) -> QRectF:
        order = self.lanes()
        r = self._plot_rect()
        h = r.height() / len(order)
        row = order.index(lane) if lane in order else 0
        return QRectF(r.left(), r.top() + row * h + 3, r.width(), h - 6)

    def _x(self, offset: float) -> float:
        x0, x1 = self.visible()
        r = self._plot_rect()
        return r.left() + (offset - x0) / max(x1 - x0, 1e-9) * r.width()

    def _offset_at(self, x: float) -> float:
        x0, x1 = self.visible()
        r = self._plot_rect()
        return x0 + (x - r.left()) / max(r.width(), 1.0) * (x1 - x0)

    # ------------------------------------------------------------ interaction
    def wheelEvent(self, event: QWheelEvent) -> None:
        x0, x1 = self.visible()
        at = self._offset_at(event.position().x())
        factor = 0.8 if event.angleDelta().y() > 0 else 1.25
        span = max(4.0, (x1 - x0) * factor)
        if span >= self.extent():
            self._span = 0.0
        else:
            self._span = span
            self._x0 = max(0.0, at - (at - x0) * factor)
        self.update()

    def zoom_fit(self) -> None:
        self._span = 0.0
        self.update()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._drag_from = event.position()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._drag_from = None

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        self.zoom_fit()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        if self._drag_from is not None and self._span > 0:
            dx = pos.x() - self._drag_from.x()
            self._x0 = max(0.0, self._x0 - dx / max(self._plot_rect().width(), 1) * self._span)
            self._drag_from = pos
            self.update()
            return
        text = self.describe_at(pos)
        if text:
            QToolTip.showText(event.globalPosition().toPoint(), text, self)
            self.hovered.emit(text)
        else:
            QToolTip.hideText()

    def describe_at(self, pos: QPointF) -> str:
        """The hover text at a point: which item, its range, its bytes in hex and as text."""
        lane = next((i for i in self.lanes() if self._lane_rect(i).contains(pos)), -1)
        if lane < 0:
            return ""
        m = self.model
        at = self._offset_at(pos.x())
        if lane == WIRE:
            return self._describe_wire(at)
        if self.udp:
            slot = int(at)
            column = {0: m.msg_id, 1: m.chunk_slot, 2: m.frame_index}[lane]
            j = _find_slot(column, slot, sorted_=lane == 0 or m.chunk_slots_sorted)
            if j < 0:
                return ""
            if lane == 0:
                data = m.message_wire(j) or b""
                return self.tr("datagram #{n}: {size} B\n{hex}\n{text}").format(
                    n=slot + 1,
                    size=m.msg_end[j] - m.msg_start[j],
                    hex=hex_dump(data),
                    text=printable(data[:64]),
                )
            if lane == 1:
                data = m.chunk_data[j] if j < len(m.chunk_data) else b""
                return self.tr("recvfrom() #{n}: {size} of {wire} B\n{hex}\n{text}").format(
                    n=slot + 1,
                    size=m.chunk_end[j] - m.chunk_start[j],
                    wire=m.chunk_wire[j],
                    hex=hex_dump(data),
                    text=printable(data[:64]),
                )
            got = m.frame_bytes(j) or b""
            return f"{hex_dump(got)}\n{printable(got[:64])}"
        offset = int(at)
        if lane == 0:
            i = m.message_at(offset)
            if i < 0:
                return ""
            s, e = m.msg_start[i], m.msg_end[i]
            title = self.tr("message #{n}: bytes [{s}, {e}), {h} B framing").format(
                n=m.msg_id[i] + 1, s=s, e=e, h=m.msg_head[i] + m.msg_tail[i]
            )
        elif lane == 1:
            i = bisect_right(m.chunk_start, offset) - 1
            if i < 0 or offset >= m.chunk_end[i]:
                return ""
            s, e = m.chunk_start[i], m.chunk_end[i]
            title = self.tr("recv() #{n}: bytes [{s}, {e})").format(n=i + 1, s=s, e=e)
        else:
            i = column_bisect_right(m.frame_start, offset) - 1
            if i < 0 or offset >= m.frame_end[i]:
                return ""
            s, e = m.frame_start[i], m.frame_end[i]
            verdict = self.tr("as sent") if m.frame_intact[i] else self.tr("NOT the message that was sent")
            title = self.tr("application message #{n}: {verdict}").format(n=i + 1, verdict=verdict)
        kept = m.stream_bytes(s, e)
        if kept is None:
            return title
        return f"{title}\n{hex_dump(kept)}\n{printable(kept[:64])}"

    # ----------------------------------------------------------------- paint
    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.fillRect(self.rect(), self.palette().base())
        if self.dimmed:
            p.setOpacity(0.75)
        if self.caption:
            p.setFont(self.theme.font(1.1, bold=True))
            p.setPen(self.theme.text_colour)
            room = self.width() - 16
            # A caption wider than the ribbon ends in "…" instead of being cut mid-word.
            shown = p.fontMetrics().elidedText(self.caption, Qt.TextElideMode.ElideRight, int(room))
            p.drawText(QRectF(8, 2, room, self._caption_h() - 4), Qt.AlignmentFlag.AlignVCenter, shown)
        bold, small = self.theme.font(1.0, bold=True), self.theme.font(0.85)
        names = dict(enumerate(self.lane_names))
        names[WIRE] = self.wire_name
        for lane in self.lanes():
            name = names[lane]
            r = self._lane_rect(lane)
            end = self.model.sending_end if lane == 0 else self.model.receiving_end
            role = self.role_names.get(end, end) if lane != WIRE else ""
            label = QRectF(4, r.top(), self._label_w() - 8, r.height())
            p.setPen(QPen(self.theme.grid_colour, 1))
            p.drawLine(QPointF(r.left(), r.bottom() + 3), QPointF(r.right(), r.bottom() + 3))
            p.setPen(self.theme.text_colour)
            p.setFont(bold)
            two_lines = bool(role) and r.height() >= 2.2 * p.fontMetrics().height()
            if not two_lines:  # a low ribbon: "server send()" on one line where it fits, else the name
                both = f"{role} {name}"
                fits = lane < 2 and p.fontMetrics().horizontalAdvance(both) <= label.width()
                p.drawText(label, Qt.AlignmentFlag.AlignVCenter, both if fits else name)
                continue
            upper = label.adjusted(0, 0, 0, -label.height() / 2)
            p.drawText(upper, Qt.AlignmentFlag.AlignBottom, name)
            p.setFont(small)
            p.setPen(self.theme.header_colour)
            p.drawText(label.adjusted(0, label.height() / 2, 0, 0), Qt.AlignmentFlag.AlignTop, role)
        p.setClipRect(self._plot_rect().adjusted(0, -2, 0, 2))  # boxes wider than the view stay in it
        if self.udp:
            self._paint_udp(p)
        else:
            self._paint_stream(p)
        if self.model.wire:
            if self.udp:
                self._paint_wire_udp(p)
            else:
                self._paint_wire_stream(p)
        p.end()

    def _visible_range(self, starts, ends) -> tuple[int, int]:  # type: ignore[no-untyped-def]
        x0, x1 = self.visible()
        lo = column_bisect_right(ends, x0)
        hi = column_bisect_left(starts, x1)
        return lo, max(lo, hi)

    def _box(self, p: QPainter, lane: int, s: float, e: float) -> QRectF:
        r = self._lane_rect(lane)
        x0, x1 = self._x(s), self._x(e)
        return QRectF(x0, r.top(), max(1.0, x1 - x0), r.height())

    def _label(self, p: QPainter, box: QRectF, text: str, colour: QColor | None = None) -> None:
        box = box.intersected(self._plot_rect())  # centre the text on the part in view
        if box.width() < 14 * self.theme.scale or not text:
            return
        p.setPen(colour or self.theme.text_colour)
        metrics = p.fontMetrics()
        shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, int(box.width() - 4))
        p.drawText(box.adjusted(2, 0, -2, 0), Qt.AlignmentFlag.AlignCenter, shown)

    def _paint_stream(self, p: QPainter) -> None:
        m = self.model
        r = self._plot_rect()
        width_px = int(r.width())
        p.setFont(self.theme.font(1.0))
        lw = self.theme.line_width
        # lane 0: messages
        lo, hi = self._visible_range(m.msg_start, m.msg_end)
        if hi - lo > min(MAX_BOXES, width_px // 3):
            self._paint_dense(p, 0)
        else:
            for i in range(lo, hi):
                s, e = m.msg_start[i], m.msg_end[i]
                if e == s:
                    continue
                box = self._box(p, 0, s, e)
                colour = self.theme.message_colour(m.msg_id[i])
                p.fillRect(box, colour)
                head, tail = m.msg_head[i], m.msg_tail[i]
                for fs, fe in ((s, s + head), (e - tail, e)):
                    if fe > fs:  # framing bytes: grey, hatched, labelled with their size
                        frame_box = self._box(p, 0, fs, fe)
                        p.fillRect(frame_box, self.theme.wait_colour.lighter(115))
                        p.fillRect(frame_box, QBrush(self.theme.header_colour, Qt.BrushStyle.BDiagPattern))
                        p.setFont(self.theme.font(0.85))
                        self._label(
                            p,
                            frame_box,
                            self.tr("{n} B header").format(n=fe - fs)
                            if fs == s
                            else self.tr("{n} B delimiter").format(n=fe - fs),
                        )
                        p.setFont(self.theme.font(1.0))
                split = i < len(m.tracker.msg_chunks) and m.tracker.msg_chunks[i] > 1
                p.setPen(
                    QPen(
                        self.theme.alert_colour if split else self.theme.background_colour,
                        lw * (2.5 if split else 1),
                        Qt.PenStyle.DashLine if split else Qt.PenStyle.SolidLine,
                    )
                )
                p.drawRect(box)
                wire = m.message_wire(i)
                if wire is not None:
                    payload = wire[head : len(wire) - tail]
                    text = printable(payload)
                    if split:
                        text = self.tr("{text}  (split ×{n})").format(text=text, n=m.tracker.msg_chunks[i])
                    self._label(p, self._box(p, 0, s + head, e - tail), text)
        # lane 1: recv chunks as brackets
        lo, hi = self._visible_range(m.chunk_start, m.chunk_end)
        lane = self._lane_rect(1)
        if hi - lo > min(MAX_BOXES, width_px // 3):
            self._paint_dense(p, 1)
        else:
            for i in range(lo, hi):
                s, e = m.chunk_start[i], m.chunk_end[i]
                box = self._box(p, 1, s, e)
                merged = i < len(m.tracker.chunk_first) and m.tracker.chunk_last[i] > m.tracker.chunk_first[i]
                colour = self.theme.alert_colour if merged else self.theme.text_colour
                pen = QPen(colour, lw * (3 if merged else 1.5))
                p.setPen(pen)
                y = lane.bottom() - 2
                p.drawLine(QPointF(box.left() + 1, lane.top() + 4), QPointF(box.left() + 1, y))
                p.drawLine(QPointF(box.left() + 1, y), QPointF(box.right() - 1, y))
                p.drawLine(QPointF(box.right() - 1, y), QPointF(box.right() - 1, lane.top() + 4))
                if merged:
                    fill = QColor(self.theme.alert_colour)
                    fill.setAlpha(40)
                    p.fillRect(box.adjusted(1, 4, -1, -2), fill)
                if box.width() >= 30 * self.theme.scale:  # format a label only where one fits
                    n = e - s
                    text = self.tr("#{n}: {size} B").format(n=i + 1, size=n)
                    if merged:
                        text = self.tr("#{n}: {size} B — merged!").format(n=i + 1, size=n)
                    self._label(p, box, text, colour)
        if m.eof_at is not None:  # the recv() that returned b'': a mark where the stream ended
            x = self._x(m.eof_at)
            if lane.left() - 1 <= x <= lane.right() + 1:
                p.setPen(QPen(self.theme.text_colour, lw * 2, Qt.PenStyle.DashLine))
                p.drawLine(QPointF(x, lane.top() + 2), QPointF(x, lane.bottom()))
                metrics = p.fontMetrics()
                text = self.tr("b'' (closed)")
                w = metrics.horizontalAdvance(text) + 6
                at = QRectF(x - w - 2 if x + w > lane.right() else x + 3, lane.top(), w, lane.height())
                p.drawText(at, Qt.AlignmentFlag.AlignVCenter, text)
        # lane 2: application messages
        lo, hi = self._visible_range(m.frame_start, m.frame_end)
        if hi - lo > min(MAX_BOXES, width_px // 3):
            self._paint_dense(p, 2)
        else:
            for i in range(lo, hi):
                s, e = m.frame_start[i], m.frame_end[i]
                box = self._box(p, 2, s, e)
                ok = bool(m.frame_intact[i])
                fill = QColor(self.theme.ok_colour if ok else self.theme.alert_colour)
                fill.setAlpha(60)
                p.fillRect(box, fill)
                p.setPen(QPen(self.theme.ok_colour if ok else self.theme.alert_colour, lw * 2))
                p.drawRect(box.adjusted(1, 1, -1, -1))
                got = m.frame_bytes(i)
                if got is not None:
                    mark = "✓ " if ok else "✗ "
                    self._label(p, box, mark + printable(got))

    def _paint_dense(self, p: QPainter, lane: int, udp: bool = False) -> None:
        """More items than pixels: one image row, each pixel in the colour of the item under it.

        Plain Python on purpose: one ``bisect`` per pixel column walking forwards, no numpy.
        numpy releases the GIL inside each call, and on the GUI thread every re-acquisition can
        wait behind the socket workers; a pixel loop of ~1,000 steps never gives the GIL away.
        """
        m = self.model
        r = self._lane_rect(lane)
        width = int(r.width())
        if width <= 0:
            return
        starts: Sequence[int]
        ends: Sequence[int] | None
        if udp:  # slot space: item i covers [slot, slot + 1)
            starts = (m.msg_id, m.chunk_slot, m.frame_index)[lane]
            ends, limit = None, self.extent()
        elif lane == 0:
            starts, ends, limit = m.msg_start, m.msg_end, m.sent_bytes
        elif lane == 1:
            starts, ends, limit = m.chunk_start, m.chunk_end, m.received_bytes
        else:
            starts, ends, limit = m.frame_start, m.frame_end, m.decoded_bytes
        n = len(starts)
        if not n:
            return
        x0, x1 = self.visible()
        samples = max(1, width // DENSE_PX)
        step = (x1 - x0) / samples
        palette = [self.theme.message_colour(k).rgba() for k in range(8)]
        alert, ok = self.theme.alert_colour.rgba(), self.theme.ok_colour.rgba()
        greys = (0xFFAAAAAA, 0xFF777777)
        ids, merged, intact = m.msg_id, m.chunk_merged, m.frame_intact
        row = array("I", bytes(4 * samples))
        i = 0
        for px in range(samples):
            off = x0 + (px + 0.5) * step
            if off >= limit:
                break
            i = column_bisect_right(starts, off, i) - 1
            if i < 0:
                i = 0
                continue
            if off >= (starts[i] + 0.9 if ends is None else ends[i]):
                continue
            if lane == 0:
                row[px] = palette[ids[i] % 8]
            elif lane == 1 and udp:
                row[px] = alert if i in m.chunk_truncated else greys[i % 2]
            elif lane == 1:
                row[px] = alert if i < len(merged) and merged[i] else greys[i % 2]
            else:
                row[px] = ok if intact[i] else alert
        image = QImage(row.tobytes(), samples, 1, samples * 4, QImage.Format.Format_ARGB32).copy()
        p.save()
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        p.drawImage(QRectF(r.left(), r.top(), width, r.height()), image)
        p.restore()

    def _paint_udp(self, p: QPainter) -> None:
        """Datagrams as boxes, one slot per message: sent, received (or lost, or cut), obtained."""
        m = self.model
        p.setFont(self.theme.font(1.0))
        lw = self.theme.line_width
        x0, x1 = self.visible()
        first, last = max(0, int(x0)), int(x1) + 1
        if last - first > 3 * MAX_BOXES:
            for lane in range(LANES):
                self._paint_dense(p, lane, udp=True)
            return
        # Received datagrams come in sending order unless the network reordered them.
        chunk_js = (
            range(column_bisect_left(m.chunk_slot, first), len(m.chunk_slot))
            if m.chunk_slots_sorted
            else range(len(m.chunk_slot))
        )
        for slot, why in m.failed_sends:
            if first <= slot < last:
                box = self._box(p, 0, slot + 0.05, slot + 0.95)
                p.fillRect(box, QBrush(self.theme.alert_colour, Qt.BrushStyle.BDiagPattern))
                p.setPen(QPen(self.theme.alert_colour, lw * 2))
                p.drawRect(box)
                self._label(p, box, self.tr("not sent: {why}").format(why=why), self.theme.alert_colour)
        sent_slots: list[int] = []
        j = column_bisect_left(m.msg_id, first)
        while j < len(m.msg_id) and m.msg_id[j] < last:
            slot = m.msg_id[j]
            sent_slots.append(slot)
            box = self._box(p, 0, slot + 0.05, slot + 0.95)
            p.fillRect(box, self.theme.message_colour(slot))
            wire = m.message_wire(j)
            text = printable(wire[:40]) if wire is not None else ""
            size = m.msg_end[j] - m.msg_start[j]
            self._label(p, box, self.tr("{text} ({size} B)").format(text=text or "b''", size=size))
            j += 1
        received: set[int] = set(m.chunk_slot)
        for j in chunk_js:
            slot = m.chunk_slot[j]
            if slot >= last and m.chunk_slots_sorted:
                break
            if not first <= slot < last:
                continue
            box = self._box(p, 1, slot + 0.05, slot + 0.95)
            size = m.chunk_end[j] - m.chunk_start[j]
            wire_size = m.chunk_wire[j]
            truncated = j in m.chunk_truncated
            if truncated and wire_size > 0:
                kept = QRectF(box.left(), box.top(), box.width() * size / wire_size, box.height())
                p.fillRect(box, QBrush(self.theme.alert_colour, Qt.BrushStyle.BDiagPattern))
                p.fillRect(kept, self.theme.wait_colour.lighter(120))
            p.setPen(
                QPen(
                    self.theme.alert_colour if truncated else self.theme.text_colour,
                    lw * (2.5 if truncated else 1.5),
                )
            )
            p.drawRect(box)
            label = (
                self.tr("truncated: {size} of {wire} B").format(size=size, wire=wire_size)
                if truncated
                else self.tr("{size} B").format(size=size)
            )
            self._label(p, box, label, self.theme.alert_colour if truncated else None)
        if m.finished:  # sent but never received: the kernel dropped them
            for slot in sent_slots:
                if slot not in received:
                    box = self._box(p, 1, slot + 0.05, slot + 0.95)
                    p.setPen(QPen(self.theme.alert_colour, lw * 2, Qt.PenStyle.DashLine))
                    p.drawRect(box)
                    self._label(p, box, self.tr("lost"), self.theme.alert_colour)
        frame_js = (
            range(column_bisect_left(m.frame_index, first), len(m.frame_index))
            if m.chunk_slots_sorted
            else range(len(m.frame_index))
        )
        for j in frame_js:
            slot = m.frame_index[j]
            if slot >= last and m.chunk_slots_sorted:
                break
            if not first <= slot < last:
                continue
            box = self._box(p, 2, slot + 0.05, slot + 0.95)
            ok = bool(m.frame_intact[j])
            fill = QColor(self.theme.ok_colour if ok else self.theme.alert_colour)
            fill.setAlpha(60)
            p.fillRect(box, fill)
            p.setPen(QPen(self.theme.ok_colour if ok else self.theme.alert_colour, lw * 2))
            p.drawRect(box.adjusted(1, 1, -1, -1))
            got = m.frame_bytes(j)
            if got is not None:
                self._label(p, box, ("✓ " if ok else "✗ ") + (printable(got[:40]) or "b''"))

    # ------------------------------------------------------------------ wire
    def _paint_wire_stream(self, p: QPainter) -> None:
        """TCP: the relay's segments on the stream axis, alternating shades, numbered and sized."""
        m = self.model
        lo, hi = self._visible_range(m.seg_start, m.seg_end)
        lw = self.theme.line_width
        lane = self._lane_rect(WIRE)
        if hi - lo > min(MAX_BOXES * 2, int(lane.width()) // 3):
            # Too many to box: tick marks at segment boundaries, one pen, few calls.
            p.setPen(QPen(self.theme.text_colour, max(1.0, lw)))
            step = max(1, (hi - lo) // int(max(lane.width(), 1)))
            for i in range(lo, hi, step):
                x = self._x(m.seg_start[i])
                p.drawLine(QPointF(x, lane.top() + 2), QPointF(x, lane.bottom() - 2))
            return
        p.setFont(self.theme.font(0.9))
        for i in range(lo, hi):
            box = self._box(p, WIRE, m.seg_start[i], m.seg_end[i]).adjusted(0, 4, 0, -4)
            p.fillRect(
                box, self.theme.wait_colour.lighter(125) if i % 2 else self.theme.wait_colour.lighter(105)
            )
            p.setPen(QPen(self.theme.text_colour, lw))
            p.drawRect(box)
            if box.width() >= 30 * self.theme.scale:
                size = m.seg_end[i] - m.seg_start[i]
                self._label(p, box, self.tr("seg {n}: {size} B").format(n=i + 1, size=size))

    def _paint_wire_udp(self, p: QPainter) -> None:
        """UDP: each datagram the relay forwarded (held back / duplicated marked), each it dropped."""
        m = self.model
        x0, x1 = self.visible()
        first, last = max(0, int(x0)), int(x1) + 1
        lw = self.theme.line_width
        p.setFont(self.theme.font(0.9))
        dense = last - first > 3 * MAX_BOXES
        if dense:  # more datagrams than boxes: a grey band, the dropped ones as red ticks
            lane = self._lane_rect(WIRE)
            p.fillRect(lane.adjusted(0, 4, 0, -4), self.theme.wait_colour.lighter(115))
            p.setPen(QPen(self.theme.alert_colour, max(1.0, lw)))
            for slot in m.wire_dropped:
                if first <= slot < last:
                    x = self._x(slot + 0.5)
                    p.drawLine(QPointF(x, lane.top() + 4), QPointF(x, lane.bottom() - 4))
            return
        copies: dict[int, list[int]] = {}
        for j, slot in enumerate(m.wire_slot):
            if first <= slot < last:
                copies.setdefault(slot, []).append(m.wire_flags[j])
        for slot, flags in copies.items():
            box = self._box(p, WIRE, slot + 0.05, slot + 0.95).adjusted(0, 4, 0, -4)
            held = any(f & 2 for f in flags)
            p.fillRect(box, self.theme.wait_colour.lighter(115))
            p.setPen(
                QPen(self.theme.alert_colour if held else self.theme.text_colour, lw * (2 if held else 1))
            )
            p.drawRect(box)
            label = self.tr("late") if held else self.tr("sent on")
            if len(flags) > 1:
                label = self.tr("{label} ×{n}").format(label=label, n=len(flags))
            self._label(p, box, label, self.theme.alert_colour if held or len(flags) > 1 else None)
        for slot, reason in m.wire_dropped.items():
            if not first <= slot < last:
                continue
            box = self._box(p, WIRE, slot + 0.05, slot + 0.95).adjusted(0, 4, 0, -4)
            p.fillRect(box, QBrush(self.theme.alert_colour, Qt.BrushStyle.BDiagPattern))
            p.setPen(QPen(self.theme.alert_colour, lw * 2, Qt.PenStyle.DashLine))
            p.drawRect(box)
            text = self.tr("lost on the wire") if reason == "loss" else self.tr("over the MTU")
            self._label(p, box, "✗ " + text, self.theme.alert_colour)

    def _describe_wire(self, at: float) -> str:
        m = self.model
        if self.udp:
            slot = int(at)
            if slot in m.wire_dropped:
                if m.wire_dropped[slot] == "loss":
                    return self.tr("datagram #{n}: lost on the wire (UDP does not resend it)").format(
                        n=slot + 1
                    )
                return self.tr("datagram #{n}: dropped, larger than the MTU").format(n=slot + 1)
            flags = [m.wire_flags[j] for j, s in enumerate(m.wire_slot) if s == slot]
            if not flags:
                return ""
            text = self.tr("datagram #{n}: forwarded by the relay").format(n=slot + 1)
            if any(f & 2 for f in flags):
                text += "\n" + self.tr("held back: later datagrams overtook it")
            if len(flags) > 1:
                text += "\n" + self.tr("duplicated: the receiver gets it {n} times").format(n=len(flags))
            return text
        i = bisect_right(m.seg_start, int(at)) - 1
        if i < 0 or int(at) >= m.seg_end[i]:
            return ""
        s, e = m.seg_start[i], m.seg_end[i]
        title = self.tr("segment #{n}: bytes [{s}, {e}), {size} B, forwarded at {t:.1f} ms").format(
            n=i + 1, s=s, e=e, size=e - s, t=m.seg_t[i] * 1000
        )
        data = m.stream_bytes(s, e)
        return title if data is None else f"{title}\n{hex_dump(data)}\n{printable(data[:64])}"


def _find_slot(column: Sequence[int], slot: int, *, sorted_: bool) -> int:
    """Index of ``slot`` in ``column`` (bisection when sorted, a scan when reordering mixed it), or -1."""
    if sorted_:
        j = column_bisect_left(column, slot)
        return j if j < len(column) and column[j] == slot else -1
    for j, value in enumerate(column):
        if value == slot:
            return j
    return -1
