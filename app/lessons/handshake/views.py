"""Views of a :class:`~app.lessons.handshake.model.HandshakeRun`: sequence diagram, TCP state
machine, kernel-state timeline and per-segment details.  QPainter, big fonts, Okabe–Ito colours.

Each view reads the run when it paints; the panel calls ``refresh()`` after feeding a batch.
"""

from __future__ import annotations

import math
from typing import ClassVar

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import QTextBrowser, QWidget

from app.lessons.handshake.model import SIDES, HandshakeRun
from app.shell.theme import Theme
from netsim.core.events import SocketCalled, SocketFailed, TcpStateChanged
from netsim.lab.packets import layer_spans
from netsim.lessons.handshake.tcpstate import TRANSITIONS, Ev, SegmentSeen, State, flag_text

# Okabe–Ito: blue for the client, vermillion for the server, reddish purple for the listener.
SIDE_NAMES = ("client", "server", "listener")
LAYERS = ("ethernet", "ipv4", "tcp", "payload")
TEXT_SIZE = 1.1  # the handshake's drawings use text a little larger than the window's


def tint(colour: QColor, alpha: int) -> QColor:
    c = QColor(colour)
    c.setAlpha(alpha)
    return c


def scaled_font(theme: Theme, factor: float = 1.0, *, bold: bool = False, mono: bool = False) -> QFont:
    """The theme's font at ``factor`` of the handshake's text size."""
    return theme.font(TEXT_SIZE * factor, bold, mono=mono)


def fit_text(
    p: QPainter,
    text: str,
    width: float,
    theme: Theme,
    factor: float,
    *,
    bold: bool = False,
    mono: bool = False,
    shorter: tuple[str, ...] = (),
    elide: Qt.TextElideMode = Qt.TextElideMode.ElideMiddle,
) -> str:
    """Set the largest font (down to 70 % of ``factor``) in which ``text`` fits; else try each of
    ``shorter`` (the same thing said in fewer characters) the same way; elide only the last."""
    for candidate in (text, *shorter):
        f = factor
        while True:
            p.setFont(scaled_font(theme, f, bold=bold, mono=mono))
            fm = p.fontMetrics()
            if fm.horizontalAdvance(candidate) <= width:
                return candidate
            if f <= factor * 0.7:
                break
            f -= factor * 0.05
    return p.fontMetrics().elidedText((text, *shorter)[-1], elide, int(width))


# The names `ss` prints, for a band too narrow for the kernel's own name.
SS_NAMES = {
    "ESTABLISHED": "ESTAB",
    "SYN_RECV": "SYN-RECV",
    "FIN_WAIT1": "FIN-WAIT-1",
    "FIN_WAIT2": "FIN-WAIT-2",
}


def arrow_head(p: QPainter, tip: QPointF, frm: QPointF, size: float, colour: QColor) -> None:
    angle = math.atan2(tip.y() - frm.y(), tip.x() - frm.x())
    path = QPainterPath(tip)
    for da in (math.pi - 0.42, math.pi + 0.42):
        path.lineTo(tip.x() + size * math.cos(angle + da), tip.y() + size * math.sin(angle + da))
    path.closeSubpath()
    p.save()
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(colour)
    p.drawPath(path)
    p.restore()


def segment_label(seg: SegmentSeen, absolute: bool) -> str:
    return segment_labels(seg, absolute)[0]


def segment_labels(seg: SegmentSeen, absolute: bool) -> tuple[str, ...]:
    """The arrow's label, then shorter forms of it for a narrow pane (never cut mid-number)."""
    seq, ack = (seg.seq, seg.ack) if absolute else (seg.rel_seq, seg.rel_ack)
    ack_part = f" ack={ack}" if seg.flags & 0x10 else ""
    full = f"[{seg.flag_text}]  seq={seq}" + ack_part.replace(" ", "  ") + f"  len={seg.payload_len}"
    compact = f"[{seg.flag_text}] seq={seq}{ack_part}" + (
        f" len={seg.payload_len}" if seg.payload_len else ""
    )
    return full, compact, f"[{seg.flag_text}]"


class SequenceDiagram(QWidget):
    """Two lifelines; a row per socket call, per segment (an arrow) and per kernel state change.

    Captured segments are solid arrows; modelled ones are dashed and labelled "modelled".
    """

    segment_clicked = Signal(int)

    def __init__(
        self, run: HandshakeRun, parent: QWidget | None = None, *, theme: Theme | None = None
    ) -> None:
        super().__init__(parent)
        self.theme = theme if theme is not None else Theme(self)
        self.run = run
        self.scale = 1.0
        self.absolute = False
        self.selected = -1
        self._row_rects: list[tuple[float, float, int]] = []
        self.setAutoFillBackground(True)
        self.refresh()

    # geometry in unscaled pixels
    HEADER = 64
    ROW: ClassVar[dict[str, int]] = {"call": 30, "segment": 50, "state": 28}

    def set_scale(self, factor: float) -> None:
        self.scale = factor
        self.refresh()

    def set_absolute(self, on: bool) -> None:
        self.absolute = on
        self.update()

    def content_height(self) -> int:
        s = self.scale
        h = self.HEADER * s + sum(self.ROW[r.kind] * s for r in self.run.rows) + 70 * s
        return int(h)

    def refresh(self) -> None:
        self.setMinimumHeight(self.content_height())
        # Narrow enough for its pane at a projector's 1280 px and 1.5x zoom: the panel shows it
        # without a horizontal scroll bar, and the labels shrink or elide to fit (they were cut
        # at the pane's edge, the server's lifeline off view).
        self.setMinimumWidth(int(240 * self.scale))
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(int(760 * self.scale), self.content_height())

    def arrow_items(self) -> list[dict[str, object]]:
        """What the arrows look like (tests): sender, flags, solid or dashed, label."""
        return [
            {
                "endpoint": seg.endpoint,
                "flags": seg.flag_text,
                "dashed": not seg.captured,
                "label": segment_label(seg, self.absolute),
            }
            for seg in self.run.segments
        ]

    def lifeline_x(self) -> tuple[float, float]:
        w = self.width()
        return w * 0.24, w * 0.76

    def mousePressEvent(self, event: QMouseEvent) -> None:
        y = event.position().y()
        for top, bottom, index in self._row_rects:
            if top <= y <= bottom:
                self.selected = index
                self.segment_clicked.emit(index)
                self.update()
                return
        super().mousePressEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        s = self.scale
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), self.theme.background_colour)
        cx, sx = self.lifeline_x()
        bottom = self.height() - 10 * s
        # lifelines
        for x, side in ((cx, "client"), (sx, "server")):
            p.setPen(QPen(tint(self.theme.side_colour(side), 150), 3 * s))
            p.drawLine(QPointF(x, self.HEADER * s), QPointF(x, bottom))
        # headers
        names = {"client": self.tr("Client"), "server": self.tr("Server")}
        for x, side in ((cx, "client"), (sx, "server")):
            # as wide as there is room: the two boxes must not overlap each other or the edges
            half = min(90 * s, (sx - cx) / 2 - 4 * s, x - 2 * s, self.width() - x - 2 * s)
            box = QRectF(x - half, 8 * s, 2 * half, 48 * s)
            p.setPen(QPen(self.theme.side_colour(side), 2.5 * s))
            p.setBrush(tint(self.theme.side_colour(side), 30))
            p.drawRoundedRect(box, 8 * s, 8 * s)
            p.setPen(self.theme.text_colour)
            name = fit_text(p, names[side], box.width() - 8 * s, self.theme, 1.25, bold=True)
            p.drawText(box.adjusted(0, 2 * s, 0, -22 * s), Qt.AlignmentFlag.AlignCenter, name)
            state = fit_text(p, self.run.highlighted()[side].value, box.width() - 8 * s, self.theme, 0.9)
            p.drawText(box.adjusted(0, 24 * s, 0, -2 * s), Qt.AlignmentFlag.AlignCenter, state)
        y = self.HEADER * s + 6 * s
        self._row_rects = []
        for row in self.run.rows:
            h = self.ROW[row.kind] * s
            if row.kind == "call":
                self._paint_call(p, row.endpoint, row.event, y, h, cx, sx)
            elif row.kind == "segment":
                assert isinstance(row.event, SegmentSeen)
                self._paint_segment(p, row.event, row.index, y, h, cx, sx)
                self._row_rects.append((y, y + h, row.index))
            else:
                assert isinstance(row.event, TcpStateChanged)
                self._paint_state(p, row.event, y, h, cx if row.endpoint == "client" else sx)
            y += h
        # pending calls, greyed, at the bottom
        for side, pend in self.run.pending.items():
            x = cx if side == "client" else sx
            p.setPen(self.theme.muted_colour)
            rect = self._call_rect(side, x, y + 6 * s, 28 * s)
            text = fit_text(
                p, self.tr("next: %1").replace("%1", pend.call), rect.width(), self.theme, 0.95, bold=True
            )
            p.drawText(rect, self._call_align(side), text)
        p.end()

    def _call_rect(self, side: str, x: float, y: float, h: float) -> QRectF:
        s = self.scale
        if side == "client":
            return QRectF(2 * s, y, x - 12 * s, h)
        return QRectF(x + 10 * s, y, self.width() - x - 12 * s, h)

    @staticmethod
    def _call_align(side: str) -> Qt.AlignmentFlag:
        if side == "client":
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter

    def _paint_call(
        self, p: QPainter, side: str, ev: object, y: float, h: float, cx: float, sx: float
    ) -> None:
        s = self.scale
        x = cx if side == "client" else sx
        if isinstance(ev, SocketFailed):
            p.setPen(self.theme.side_colour("server"))
            what = ev.errno_name or ev.message.split(":")[0]
            text = f"✗ {ev.call}  {what}"
            shorter: tuple[str, ...] = (f"✗ {ev.call.split('(')[0]}()  {what}", f"✗ {what}")
        elif isinstance(ev, SocketCalled):
            p.setPen(self.theme.text_colour)
            text = ev.call
            if ev.call.startswith(("recv", "accept", "bind")) and ev.result:
                text += f" → {ev.result}"
            shorter = ()
        else:
            return
        rect = self._call_rect(side, x, y, h)
        align = self._call_align(side)
        right = Qt.TextElideMode.ElideRight
        fitted = fit_text(p, text, rect.width(), self.theme, 1.0, mono=True, shorter=shorter, elide=right)
        if fitted not in (text, *shorter):
            # No room outside the lifelines (a narrow pane): a call row has nothing between
            # them, so the text goes there, beside its own lifeline, instead of being cut.
            rect = QRectF(cx + 10 * s, y, sx - cx - 20 * s, h)
            align = Qt.AlignmentFlag.AlignVCenter | (
                Qt.AlignmentFlag.AlignLeft if side == "client" else Qt.AlignmentFlag.AlignRight
            )
            fitted = fit_text(p, text, rect.width(), self.theme, 1.0, mono=True, shorter=shorter, elide=right)
        p.drawText(rect, align, fitted)
        # a tick on the lifeline marks when the call returned
        p.setPen(QPen(self.theme.side_colour(side), 2 * s))
        p.drawLine(QPointF(x - 7 * s, y + h / 2), QPointF(x + 7 * s, y + h / 2))

    def _paint_state(self, p: QPainter, ev: TcpStateChanged, y: float, h: float, x: float) -> None:
        s = self.scale
        state = State.from_kernel(ev.state).value if ev.state != "CLOSED" else "CLOSED"
        p.setFont(scaled_font(self.theme, 0.85, bold=True))
        w = p.fontMetrics().horizontalAdvance(state) + 18 * s
        box = QRectF(x - w / 2, y + 3 * s, w, h - 6 * s)
        colour = self.theme.side_colour(ev.endpoint)
        p.setPen(QPen(colour, 1.5 * s))
        p.setBrush(self.theme.background_colour)
        p.drawRoundedRect(box, 6 * s, 6 * s)
        p.setPen(colour.darker(130))
        p.drawText(box, Qt.AlignmentFlag.AlignCenter, state)

    def _paint_segment(
        self, p: QPainter, seg: SegmentSeen, index: int, y: float, h: float, cx: float, sx: float
    ) -> None:
        s = self.scale
        colour = (
            self.theme.side_colour(seg.endpoint) if seg.endpoint in SIDE_NAMES else self.theme.text_colour
        )
        x0, x1 = (cx, sx) if seg.endpoint == "client" else (sx, cx)
        y0, y1 = y + h * 0.55, y + h * 0.92
        if index == self.selected:
            p.fillRect(
                QRectF(min(cx, sx) - 10 * s, y, abs(sx - cx) + 20 * s, h),
                tint(self.theme.highlight_colour, 90),
            )
        pen = QPen(colour, (3.2 if index == self.selected else 2.4) * s)
        if not seg.captured:
            pen.setStyle(Qt.PenStyle.DashLine)
        p.setPen(pen)
        tip = QPointF(x1 + (-6 if x1 > x0 else 6) * s, y1)
        p.drawLine(QPointF(x0, y0), tip)
        arrow_head(p, QPointF(x1, y1), QPointF(x0, y0), 13 * s, colour)
        full, *shorter = segment_labels(seg, self.absolute)
        label = fit_text(
            p, full, abs(sx - cx) - 8 * s, self.theme, 1.0, bold=True, mono=True, shorter=tuple(shorter)
        )
        p.setPen(colour.darker(115))
        p.drawText(QRectF(min(cx, sx), y, abs(sx - cx), h * 0.5), Qt.AlignmentFlag.AlignCenter, label)
        # outside the lifelines: modelled tag (receiver side) and payload preview (sender side)
        if not seg.captured:
            p.setPen(self.theme.muted_colour)
            side = "server" if seg.endpoint == "client" else "client"
            rect = self._call_rect(side, x1, y + h * 0.45, h * 0.55)
            text = fit_text(p, self.tr("modelled, not captured"), rect.width(), self.theme, 0.85, bold=True)
            p.drawText(rect, self._call_align(side), text)
        if seg.payload:
            p.setPen(self.theme.text_colour)
            rect = self._call_rect(seg.endpoint, x0, y + h * 0.45, h * 0.55)
            p.drawText(
                rect,
                self._call_align(seg.endpoint),
                fit_text(p, repr(seg.payload[:24]), rect.width(), self.theme, 0.85),
            )


# RFC 9293 figure 5 layout: (column, row)
POSITIONS: dict[State, tuple[int, int]] = {
    State.CLOSED: (1, 0),
    State.LISTEN: (1, 1),
    State.SYN_RECEIVED: (0, 2),
    State.SYN_SENT: (2, 2),
    State.ESTABLISHED: (1, 3),
    State.FIN_WAIT_1: (0, 4),
    State.CLOSE_WAIT: (2, 4),
    State.FIN_WAIT_2: (0, 5),
    State.CLOSING: (1, 5),
    State.LAST_ACK: (2, 5),
    State.TIME_WAIT: (0, 6),
}
# Drawn faintly as the map; resets and aborts are left out to keep it readable (they are still
# highlighted when they happen).
_QUIET = {Ev.RCV_RST, Ev.ABORT}
BASE_EDGES = sorted(
    {(t.state, t.next) for t in TRANSITIONS if t.state is not t.next and t.event not in _QUIET},
    key=lambda e: (e[0].value, e[1].value),
)


class StateMachineView(QWidget):
    """The eleven states; both ends' current states highlighted, each end's last transition marked."""

    def __init__(
        self, run: HandshakeRun, parent: QWidget | None = None, *, theme: Theme | None = None
    ) -> None:
        super().__init__(parent)
        self.theme = theme if theme is not None else Theme(self)
        self.run = run
        self.scale = 1.0
        self.label_boxes: list[QRectF] = []
        self.node_boxes: dict[State, QRectF] = {}
        self.setMinimumSize(320, 360)

    def set_scale(self, factor: float) -> None:
        self.scale = factor
        self.setMinimumSize(int(320 * factor), int(360 * factor))
        self.update()

    def refresh(self) -> None:
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(int(560 * self.scale), int(520 * self.scale))

    def highlighted(self) -> dict[str, State]:
        return self.run.highlighted()

    def marked(self) -> dict[str, tuple[State, State]]:
        return {
            side: (State(t.prev), State(t.next))
            for side, t in self.run.last_transition.items()
            if side in SIDES
        }

    def event_text(self, event: str) -> str:
        texts = {
            Ev.PASSIVE_OPEN.value: self.tr("listen()"),
            Ev.ACTIVE_OPEN.value: self.tr("connect()"),
            Ev.SEND.value: self.tr("send()"),
            Ev.CLOSE.value: self.tr("close()"),
            Ev.ABORT.value: self.tr("close() with unread data"),
            Ev.RCV_SYN.value: self.tr("rcv SYN"),
            Ev.RCV_SYN_ACK.value: self.tr("rcv SYN/ACK"),
            Ev.RCV_ACK.value: self.tr("rcv ACK"),
            Ev.RCV_DATA.value: self.tr("rcv data"),
            Ev.RCV_FIN.value: self.tr("rcv FIN"),
            Ev.RCV_FIN_ACK.value: self.tr("rcv FIN/ACK of our FIN"),
            Ev.RCV_RST.value: self.tr("rcv RST"),
            Ev.TIMEOUT_2MSL.value: self.tr("2MSL timeout"),
        }
        return texts.get(event, event)

    def close_lines(self) -> list[tuple[str, str]]:
        """(side, sentence) per end that has begun to close: the path it really took, and how we know."""
        names = {"client": self.tr("client"), "server": self.tr("server")}
        how = {
            "captured": self.tr("read from the segments captured on lo"),
            "kernel": self.tr("as the kernel reported it (a state shorter than one poll may be missing)"),
            "modelled": self.tr("modelled from the state table, not observed"),
        }
        out = []
        for side in SIDES:
            path = self.run.close_path(side)
            if path is None:
                continue
            states = " → ".join(st.value for st in path.states)
            out.append((side, f"{names[side]}: {states} ({how[path.source]})"))
        if self.run.scenario == "simultaneous":
            crossed = self.run.fins_crossed()
            if crossed is True:
                out.append(
                    (
                        "",
                        self.tr(
                            "The FINs crossed: each end closed before the other's FIN came, so both took the CLOSING path."
                        ),
                    )
                )
            elif crossed is False:
                out.append(
                    (
                        "",
                        self.tr(
                            "The FINs did not cross this time: one FIN arrived before the other end's close(), "
                            "so the kernel took the ordinary path, not the textbook CLOSING path (on loopback "
                            "the race is rarely won)."
                        ),
                    )
                )
        return out

    def _caption_height(self) -> float:
        lines = self.close_lines()
        if not lines:
            return 0.0
        font = scaled_font(self.theme, 0.8, bold=True)
        fm = QFontMetricsF(font)
        width = max(50.0, self.width() - 16 * self.scale)
        total = 0.0
        for _side, text in lines:
            total += fm.boundingRect(QRectF(0, 0, width, 10_000), Qt.TextFlag.TextWordWrap, text).height()
        return total + 8 * self.scale

    def _free_place(
        self, candidates: list[QRectF], rects: dict[State, QRectF], placed: list[QRectF]
    ) -> QRectF | None:
        """The first candidate inside the view that covers no state box and no other label."""
        taken = [*rects.values(), *placed]
        for box in candidates:
            if box.right() > self.width() - 2 * self.scale:  # slide in from the right edge
                box = box.translated(self.width() - 2 * self.scale - box.right(), 0)
            inside = box.left() >= 0 and box.right() <= self.width() and box.top() >= 30 * self.scale
            if inside and not any(box.intersects(r) for r in taken):
                return box
        return None

    def _geometry(self) -> tuple[dict[State, QRectF], float]:
        s = self.scale
        w, h = self.width(), self.height() - self._caption_height()
        top = 40 * s
        node_w = min(175 * s, w / 3.4)
        node_h = min(44 * s, (h - top) / 8.5)
        xs = (w * 0.19, w * 0.5, w * 0.81)
        step = (h - top - node_h - 10 * s) / 6
        rects = {
            st: QRectF(xs[c] - node_w / 2, top + r * step, node_w, node_h) for st, (c, r) in POSITIONS.items()
        }
        return rects, node_h

    def _route(self, a: State, b: State, rects: dict[State, QRectF]) -> list[QPointF]:
        ra, rb = rects[a], rects[b]
        margin = 6 * self.scale
        if b is State.CLOSED and POSITIONS[a][1] >= 4:
            # around the outside, so the long way home does not cross the middle
            if POSITIONS[a][0] == 0:
                x = margin
                return [
                    QPointF(ra.left(), ra.center().y()),
                    QPointF(x, ra.center().y()),
                    QPointF(x, rb.center().y()),
                    QPointF(rb.left(), rb.center().y()),
                ]
            x = self.width() - margin
            return [
                QPointF(ra.right(), ra.center().y()),
                QPointF(x, ra.center().y()),
                QPointF(x, rb.center().y()),
                QPointF(rb.right(), rb.center().y()),
            ]
        if (a, b) == (State.FIN_WAIT_1, State.TIME_WAIT):
            x = ra.left() - 14 * self.scale
            return [
                QPointF(ra.left() + 8 * self.scale, ra.bottom()),
                QPointF(x, ra.bottom() + 10 * self.scale),
                QPointF(x, rb.top() - 10 * self.scale),
                QPointF(rb.left() + 8 * self.scale, rb.top()),
            ]
        return [self._clip(ra, rb.center()), self._clip(rb, ra.center())]

    @staticmethod
    def _clip(rect: QRectF, toward: QPointF) -> QPointF:
        c = rect.center()
        dx, dy = toward.x() - c.x(), toward.y() - c.y()
        if dx == 0 and dy == 0:
            return c
        tx = (rect.width() / 2) / abs(dx) if dx else math.inf
        ty = (rect.height() / 2) / abs(dy) if dy else math.inf
        t = min(tx, ty)
        return QPointF(c.x() + dx * t, c.y() + dy * t)

    def paintEvent(self, event: QPaintEvent) -> None:
        s = self.scale
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), self.theme.background_colour)
        rects, node_h = self._geometry()
        p.setFont(scaled_font(self.theme, 1.05, bold=True))
        p.setPen(self.theme.text_colour)
        p.drawText(
            QRectF(8 * s, 4 * s, self.width() - 16 * s, 30 * s),
            Qt.AlignmentFlag.AlignLeft,
            self.tr("TCP state machine (RFC 9293)"),
        )
        # the map
        for a, b in BASE_EDGES:
            pts = self._route(a, b, rects)
            p.setPen(QPen(self.theme.grid_colour, 1.6 * s))
            for i in range(len(pts) - 1):
                p.drawLine(pts[i], pts[i + 1])
            arrow_head(p, pts[-1], pts[-2], 9 * s, self.theme.grid_colour)
        # each end's teardown as it really happened (captured, or the kernel's reports)
        observed: set[str] = set()
        for side in SIDES:
            path = self.run.close_path(side)
            if path is None or path.source == "modelled":
                continue
            observed.add(side)
            colour = self.theme.side_colour(side)
            for a, b in zip(path.states, path.states[1:], strict=False):
                pen = QPen(colour, 4 * s)
                if (a, b) not in BASE_EDGES:  # the kernel's polls skipped a state: a dashed jump
                    pen.setStyle(Qt.PenStyle.DashLine)
                p.setPen(pen)
                pts = self._route(a, b, rects)
                for i in range(len(pts) - 1):
                    p.drawLine(pts[i], pts[i + 1])
                arrow_head(p, pts[-1], pts[-2], 15 * s, colour)
        # last (modelled) transition of each end whose teardown was not observed, in its colour
        placed: list[QRectF] = []
        for side, t in self.run.last_transition.items():
            if side not in SIDES or side in observed:
                continue
            a, b = State(t.prev), State(t.next)
            colour = self.theme.side_colour(side)
            pen = QPen(colour, 4 * s)
            p.setPen(pen)
            p.setBrush(Qt.BrushStyle.NoBrush)
            if a is b:
                r = rects[a]
                cx = r.left() - 6 * s if side == "client" else r.right() + 6 * s
                loop = QRectF(cx - 14 * s, r.center().y() - 14 * s, 28 * s, 28 * s)
                p.drawEllipse(loop)
                mid = QPointF(cx + (-18 if side == "client" else 18) * s, r.center().y())
            else:
                pts = self._route(a, b, rects)
                for i in range(len(pts) - 1):
                    p.drawLine(pts[i], pts[i + 1])
                arrow_head(p, pts[-1], pts[-2], 15 * s, colour)
                k = len(pts) // 2
                mid = QPointF((pts[k - 1].x() + pts[k].x()) / 2, (pts[k - 1].y() + pts[k].y()) / 2)
            said = self.event_text(t.event)
            variants = [said + (" / " + flag_text(t.sent) if t.sent else "")]
            if t.sent:  # two lines take half the width where one line finds no room
                variants.append(said + "\n/ " + flag_text(t.sent))
            p.setFont(scaled_font(self.theme, 0.85, bold=True))
            fm = p.fontMetrics()
            chosen: tuple[QRectF, str] | None = None
            fallback: tuple[QRectF, str] | None = None
            for label in variants:
                lines = label.split("\n")
                tw = max(fm.horizontalAdvance(line) for line in lines) + 12 * s
                th = fm.height() * len(lines) + 4 * s
                box = QRectF(mid.x() - tw / 2, mid.y() - th / 2, tw, th)
                if fallback is None:
                    fallback = (box, label)
                if a is b:  # beside the loop, never over a state's name
                    r = rects[a]
                    candidates = [
                        QRectF(loop.right() + 4 * s, r.center().y() - th / 2, tw, th),
                        QRectF(loop.left() - 4 * s - tw, r.center().y() - th / 2, tw, th),
                        QRectF(r.center().x() - tw / 2, r.top() - th - 2 * s, tw, th),
                        QRectF(r.center().x() - tw / 2, r.bottom() + 2 * s, tw, th),
                        QRectF(r.center().x() + 6 * s, r.bottom() + 2 * s, tw, th),
                        QRectF(r.center().x() - 6 * s - tw, r.bottom() + 2 * s, tw, th),
                    ]
                else:
                    candidates = [
                        box.translated(dx * tw, dy * th)
                        for dx in (0, 0.5, -0.5, 1, -1)
                        for dy in (0, -0.5, 0.5, -1, 1, -2, 2)
                    ]
                found = self._free_place(candidates, rects, placed)
                if found is not None:
                    chosen = (found, label)
                    break
            assert fallback is not None
            box, label = chosen if chosen is not None else fallback
            box.moveLeft(max(2 * s, min(box.left(), self.width() - box.width() - 2 * s)))
            placed.append(box)
            p.setPen(QPen(colour, 1.5 * s))
            p.setBrush(tint(self.theme.background_colour, 235))
            p.drawRoundedRect(box, 4 * s, 4 * s)
            p.setPen(colour.darker(120))
            p.drawText(box, Qt.AlignmentFlag.AlignCenter, label)
        self.label_boxes, self.node_boxes = list(placed), dict(rects)  # what was drawn where (tests)
        # nodes
        here = self.run.highlighted() if self.run.capture is not None else {}
        for st, r in rects.items():
            sides = [side for side in SIDES if here.get(side) is st]
            p.setPen(
                QPen(
                    self.theme.text_colour
                    if not sides
                    else self.theme.side_colour(sides[0])
                    if len(sides) == 1
                    else self.theme.text_colour,
                    (3.5 if sides else 1.4) * s,
                )
            )
            if len(sides) == 2:
                grad_left = QRectF(r.left(), r.top(), r.width() / 2, r.height())
                grad_right = QRectF(r.center().x(), r.top(), r.width() / 2, r.height())
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.fillRect(grad_left, tint(self.theme.side_colour("client"), 70))
                p.fillRect(grad_right, tint(self.theme.side_colour("server"), 70))
            else:
                p.setBrush(
                    tint(self.theme.side_colour(sides[0]), 70)
                    if sides
                    else QBrush(self.theme.background_colour.darker(103))
                )
            p.drawRoundedRect(r, 7 * s, 7 * s)
            p.setPen(self.theme.text_colour)
            p.setFont(scaled_font(self.theme, 0.95, bold=bool(sides)))
            if sides:
                text = fit_text(p, st.value, r.width() - 6 * s, self.theme, 0.95, bold=True)
                p.drawText(r.adjusted(0, 1 * s, 0, -node_h * 0.42), Qt.AlignmentFlag.AlignCenter, text)
                names = {"client": self.tr("client"), "server": self.tr("server")}
                p.setFont(scaled_font(self.theme, 0.8, bold=True))
                p.drawText(
                    r.adjusted(0, node_h * 0.5, 0, 0),
                    Qt.AlignmentFlag.AlignCenter,
                    " + ".join(names[x] for x in sides),
                )
            else:
                text = fit_text(p, st.value, r.width() - 6 * s, self.theme, 0.95)
                p.drawText(r, Qt.AlignmentFlag.AlignCenter, text)
        # how each end closed, and how we know, under the map
        captions = self.close_lines()
        if captions:
            p.setFont(scaled_font(self.theme, 0.8, bold=True))
            y = self.height() - self._caption_height() + 4 * s
            width = self.width() - 16 * s
            for side, text in captions:
                p.setPen(self.theme.side_colour(side).darker(120) if side else self.theme.text_colour)
                box = p.boundingRect(QRectF(8 * s, y, width, 10_000), Qt.TextFlag.TextWordWrap, text)
                p.drawText(QRectF(8 * s, y, width, box.height()), Qt.TextFlag.TextWordWrap, text)
                y += box.height()
        p.end()


class StateTimeline(QWidget):
    """The kernel's states over the run: one band per socket, a column per poll that saw a change."""

    ROWS = ("client", "server", "listener")

    def __init__(
        self, run: HandshakeRun, parent: QWidget | None = None, *, theme: Theme | None = None
    ) -> None:
        super().__init__(parent)
        self.theme = theme if theme is not None else Theme(self)
        self.run = run
        self.scale = 1.0
        self.refresh()

    def set_scale(self, factor: float) -> None:
        self.scale = factor
        self.refresh()

    def refresh(self) -> None:
        s = self.scale
        self.setMinimumHeight(int(8 * s + 3 * 34 * s + 26 * s))
        self.setMinimumWidth(int(360 * s))
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(int(560 * self.scale), self.minimumHeight())

    def columns(self) -> list[int]:
        """Distinct report times: one poll of the kernel table may change several sockets at once."""
        out: list[int] = []
        for ev in self.run.timeline:
            if not out or out[-1] != ev.t_ns:
                out.append(ev.t_ns)
        return out

    def paintEvent(self, event: QPaintEvent) -> None:
        s = self.scale
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), self.theme.background_colour)
        left, top, band = 96 * s, 6 * s, 34 * s
        names = {"client": self.tr("client"), "server": self.tr("server"), "listener": self.tr("listener")}
        cols = self.columns()
        col_of = {t: i for i, t in enumerate(cols)}
        cw = (self.width() - left - 8 * s) / max(1, len(cols) + 1)
        end_x = left + (len(cols) + 1) * cw
        for i, side in enumerate(self.ROWS):
            y = top + i * band
            p.setPen(self.theme.side_colour(side).darker(120))
            p.setFont(scaled_font(self.theme, 0.95, bold=True))
            p.drawText(
                QRectF(2 * s, y, left - 10 * s, band),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                names[side],
            )
            p.setPen(QPen(self.theme.grid_colour, 1.2 * s))
            p.drawLine(QPointF(left, y + band / 2), QPointF(end_x, y + band / 2))
            changes = [ev for ev in self.run.timeline if ev.endpoint == side]
            for j, ev in enumerate(changes):
                x0 = left + col_of[ev.t_ns] * cw
                x1 = left + (col_of[changes[j + 1].t_ns] if j + 1 < len(changes) else len(cols) + 1) * cw
                if ev.state == "CLOSED":
                    continue
                r = QRectF(x0 + 2 * s, y + 4 * s, x1 - x0 - 4 * s, band - 8 * s)
                p.setPen(QPen(self.theme.side_colour(side), 1.5 * s))
                p.setBrush(tint(self.theme.side_colour(side), 45))
                p.drawRoundedRect(r, 5 * s, 5 * s)
                p.setPen(self.theme.text_colour)
                name = ev.state.replace("_", "-")
                short = (SS_NAMES[ev.state],) if ev.state in SS_NAMES else ()
                text = fit_text(p, name, r.width() - 6 * s, self.theme, 0.8, bold=True, shorter=short)
                p.drawText(r, Qt.AlignmentFlag.AlignCenter, text)
        # time of each report, relative to the run's start
        p.setFont(scaled_font(self.theme, 0.75))
        fm = p.fontMetrics()
        y = top + 3 * band
        free_from = -math.inf  # a label is drawn only where it does not touch the one before
        for k, t_ns in enumerate(cols):
            p.setPen(QPen(self.theme.grid_colour, 1.0 * s))
            p.drawLine(QPointF(left + k * cw, top), QPointF(left + k * cw, y))
            ms = (t_ns - self.run.t0_ns) / 1e6 if self.run.t0_ns else 0.0
            label = f"{ms:.0f} ms"
            half = fm.horizontalAdvance(label) / 2 + 4 * s
            x = left + k * cw
            if x - half < free_from or x + half > self.width():
                continue
            free_from = x + half
            p.setPen(self.theme.muted_colour)
            p.drawText(QRectF(x - half, y, 2 * half, 22 * s), Qt.AlignmentFlag.AlignCenter, label)
        p.end()


class SegmentDetails(QTextBrowser):
    """Header fields of one segment and its bytes in hex, coloured by layer."""

    def __init__(self, parent: QWidget | None = None, *, theme: Theme | None = None) -> None:
        super().__init__(parent)
        self.theme = theme if theme is not None else Theme(self)
        self.scale = 1.0
        self.segment: SegmentSeen | None = None
        self.absolute = False
        self.setOpenLinks(False)
        self.show_segment(None)

    def set_scale(self, factor: float) -> None:
        self.scale = factor
        self.setFont(scaled_font(self.theme))
        self.show_segment(self.segment)

    def layer_name(self, layer: str) -> str:
        return {
            "ethernet": self.tr("Ethernet (link)"),
            "ipv4": self.tr("IPv4 (network)"),
            "tcp": self.tr("TCP (transport)"),
            "payload": self.tr("Payload (application)"),
        }[layer]

    def cause_text(self, cause: str) -> str:
        """The lab's "server close()" / "client + server close()", its endpoint words translated
        (the call itself is Python and stays as written)."""
        names = {"client": self.tr("client"), "server": self.tr("server"), "listener": self.tr("listener")}
        who, _sp, call = cause.partition(" ")
        ends = [who]
        while call.startswith("+ "):
            more, _sp, call = call[2:].partition(" ")
            ends.append(more)
        if not call or any(end not in names for end in ends):
            return cause
        return self.tr("%1: %2").replace("%1", " + ".join(names[e] for e in ends)).replace("%2", call)

    def show_segment(self, seg: SegmentSeen | None) -> None:
        self.segment = seg
        pt = self.theme.point_size(TEXT_SIZE)
        muted = self.theme.muted_colour.name()
        if seg is None:
            self.setHtml(
                f"<p style='font-size:{pt}pt;color:{muted}'>"
                + self.tr("Click an arrow to see the segment's header fields and bytes.")
                + "</p>"
            )
            return
        arrow = self.tr("client → server") if seg.endpoint == "client" else self.tr("server → client")
        how = (
            self.tr("captured on lo")
            if seg.captured
            else self.tr("modelled from the state table, not captured")
        )
        rows = [
            (self.tr("Direction"), f"{arrow} ({seg.src} → {seg.dst})" if seg.src else arrow),
            (self.tr("Source"), how),
            (self.tr("Flags"), seg.flag_text),
            (
                self.tr("Sequence number"),
                self.tr("%1 relative, %2 absolute")
                .replace("%1", str(seg.rel_seq))
                .replace("%2", str(seg.seq)),
            ),
            (
                self.tr("Acknowledgement number"),
                self.tr("%1 relative, %2 absolute")
                .replace("%1", str(seg.rel_ack))
                .replace("%2", str(seg.ack)),
            ),
            (self.tr("Window"), str(seg.window) if seg.window >= 0 else "—"),
            (self.tr("Payload length"), str(seg.payload_len)),
            (self.tr("Caused by"), self.cause_text(seg.cause) or "—"),
        ]
        if seg.payload:
            rows.append((self.tr("Payload"), repr(seg.payload)))
        html = [f"<div style='font-size:{pt}pt'><table cellspacing='0' cellpadding='2'>"]
        for k, v in rows:
            html.append(f"<tr><td><b>{_esc(k)}</b>&nbsp;&nbsp;</td><td>{_esc(v)}</td></tr>")
        html.append("</table>")
        if seg.frame:
            html.append("<p>")
            for layer in LAYERS:
                colour = self.theme.layer_colour(layer)
                html.append(
                    f"<span style='background-color:{_rgba(colour)}'>&nbsp;{_esc(self.layer_name(layer))}"
                    "&nbsp;</span>&nbsp; "
                )
            html.append("</p>")
            html.append(hex_dump_html(seg.frame, self.theme))
        else:
            html.append(
                f"<p style='color:{muted}'>"
                + _esc(self.tr("No bytes: this segment was modelled from the state table, not captured."))
                + "</p>"
            )
        html.append("</div>")
        self.setHtml("".join(html))


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _rgba(colour: QColor) -> str:
    # Qt's rich text takes #AARRGGBB poorly; a light solid tint reads the same on white.
    c = QColor(colour)
    r = int(255 - (255 - c.red()) * 0.38)
    g = int(255 - (255 - c.green()) * 0.38)
    b = int(255 - (255 - c.blue()) * 0.38)
    return f"#{r:02x}{g:02x}{b:02x}"


def hex_dump_html(frame: bytes, theme: Theme, width: int = 16) -> str:
    """Offset, hex and ASCII columns; each byte's background is its layer's colour."""
    layer_of = [""] * len(frame)
    for layer, a, b in layer_spans(frame):
        for i in range(a, b):
            layer_of[i] = layer
    lines = ["<pre style='font-family:monospace'>"]
    for off in range(0, len(frame), width):
        chunk = range(off, min(off + width, len(frame)))
        hexes = []
        chars = []
        for i in chunk:
            bg = _rgba(theme.layer_colour(layer_of[i])) if layer_of[i] else theme.background_colour.name()
            hexes.append(f"<span style='background-color:{bg}'>{frame[i]:02x}</span>")
            ch = chr(frame[i]) if 32 <= frame[i] < 127 else "."
            chars.append(f"<span style='background-color:{bg}'>{_esc(ch)}</span>")
        pad = "   " * (width - len(chunk))
        lines.append(f"{off:04x}  " + " ".join(hexes) + pad + "  " + "".join(chars))
    lines.append("</pre>")
    return "\n".join(lines)
