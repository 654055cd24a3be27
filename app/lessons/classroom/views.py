"""Views of the Classroom panel: the lanes (QPainter) and the per-student table (a table model).

Everything a student controls (names, messages, errors) is drawn with ``QPainter.drawText`` or
shown by a table item - both plain text, never rich text - and the tooltips, which Qt would
render as rich text, are ``html.escape``d.
"""

from __future__ import annotations

import html
import time
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPaintEvent, QPen, QResizeEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.lessons.classroom.model import BIN_NS, CHUNK, MERGED, REPLY, SENT, SPLIT, ClassModel, Lane
from app.shell.theme import Theme
from netsim.lessons.classroom.protocol import (
    ACCEPTED,
    CUT_OFF,
    KICKED,
    PENDING,
    PROTOCOL_ERROR,
    REFUSED,
    ROOM_FULL,
    ROOM_LOCKED,
    TIMED_OUT,
)
from netsim.lessons.classroom.server import StudentStatus

Index = QModelIndex | QPersistentModelIndex


def verdict_colour(verdict: str, theme: Theme) -> QColor:
    """From the theme: green accepted, vermillion refused/cut off, orange timed out…"""
    if verdict == ACCEPTED:
        return QColor(theme.ok_colour)
    if verdict in (REFUSED, CUT_OFF):
        return QColor(theme.alert_colour)
    index = {TIMED_OUT: 0, PROTOCOL_ERROR: 6, ROOM_FULL: 7, ROOM_LOCKED: 7, KICKED: 4, PENDING: 1}
    return theme.message_colour(index.get(verdict, 7))


class LaneView(QWidget):
    """One lane per student on a shared time axis (from the first arrival, at most the last minute).

    Three strips per lane: what the student sent, the server's recv() chunks (merged ones in the
    alert colour, split ones in orange) and what the server sent.  Only the lanes inside the
    paint rectangle are drawn, and only runs of busy bins, so 60 (or 500) students cost little.
    """

    def __init__(
        self, model: ClassModel, parent: QWidget | None = None, *, theme: Theme | None = None
    ) -> None:
        super().__init__(parent)
        self.theme = theme if theme is not None else Theme(self)
        self.model = model
        self.texts: dict[str, str] = {}
        self.verdict_names: dict[str, str] = {}
        self.scale = 1.0
        self.lanes_drawn = 0
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._relayout()

    def row_h(self) -> float:
        return 15.0 * self.scale  # compact: 60 students at zoom 1.5 are 1,350 px, scrolled

    def _legend(self) -> list[tuple[QColor, str]]:
        return [
            (self.theme.message_colour(4), self.texts.get("sent", "")),
            (self.theme.message_colour(1), self.texts.get("chunk", "")),
            (QColor(self.theme.alert_colour), self.texts.get("merged", "")),
            (self.theme.message_colour(0), self.texts.get("split", "")),
            (self.theme.message_colour(2), self.texts.get("reply", "")),
        ]

    def _legend_places(self) -> list[tuple[float, int]]:
        """(x, line) of each legend item: the legend wraps to the view's width."""
        fm = QFontMetricsF(self.theme.font(0.85))
        rh = self.row_h()
        x, line, out = 6 * self.scale, 0, []
        for _colour, text in self._legend():
            w = rh * 1.1 + fm.horizontalAdvance(text) + 14 * self.scale
            if x + w > self.width() and x > 6 * self.scale:
                x, line = 6 * self.scale, line + 1
            out.append((x, line))
            x += w
        return out

    def header_h(self) -> float:
        lines = 1 + max((line for _x, line in self._legend_places()), default=0)
        return self.row_h() * (1.3 * lines + 1.4)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._relayout()

    def label_w(self) -> float:
        return 150.0 * self.scale

    def _relayout(self) -> None:
        rows = max(1, len(self.model.lanes))
        self.setMinimumHeight(int(self.header_h() + rows * self.row_h() + self.row_h() * 0.5))
        self.updateGeometry()

    def sizeHint(self) -> QSize:
        return QSize(int(600 * self.scale), self.minimumHeight())

    def set_scale(self, factor: float) -> None:
        self.scale = factor
        self._relayout()
        self.update()

    def refresh(self) -> None:
        if self.minimumHeight() != int(
            self.header_h() + max(1, len(self.model.lanes)) * self.row_h() + self.row_h() * 0.5
        ):
            self._relayout()
        self.update()

    # --------------------------------------------------------------------------- painting
    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        clip = QRectF(event.rect())
        p.fillRect(clip, QColor("#FFFFFF"))
        font = self.theme.font(0.85)
        p.setFont(font)
        fm = QFontMetricsF(font)
        rh = self.row_h()
        left = self.label_w()
        right = self.width() - 8 * self.scale
        width = max(10.0, right - left)
        span = self.model.span_bins()
        bin_w = width / span
        if clip.top() < self.header_h():
            self._header(p, fm, left, width, rh, span * BIN_NS / 1e9)
        lanes = self.model.ordered()
        top = self.header_h()
        first = max(0, int((clip.top() - top) // rh))
        last = min(len(lanes), int((clip.bottom() - top) // rh) + 1)
        if not lanes:
            p.setPen(self.theme.header_colour)
            p.drawText(
                QRectF(left, top, width, rh * 2), Qt.AlignmentFlag.AlignLeft, self.texts.get("empty", "")
            )
        self.lanes_drawn = 0
        for row in range(first, last):
            self._lane(p, fm, lanes[row], top + row * rh, rh, left, bin_w, span)
            self.lanes_drawn += 1
        p.end()

    def _header(
        self, p: QPainter, fm: QFontMetricsF, left: float, width: float, rh: float, span_s: float
    ) -> None:
        for (colour, text), (x, line) in zip(self._legend(), self._legend_places(), strict=True):
            y = rh * (0.2 + 1.3 * line)
            p.fillRect(QRectF(x, y + rh * 0.25, rh * 0.9, rh * 0.6), colour)
            p.setPen(self.theme.text_colour)
            p.drawText(QPointF(x + rh * 1.1, y + rh * 0.5 + fm.ascent() / 2.4), text)
        # the time axis: -span … now (ticks every 1, 2, 5 or 10 s)
        y_axis = self.header_h() - rh * 0.3
        p.setPen(QPen(self.theme.header_colour, max(1.0, self.scale)))
        p.drawLine(QPointF(left, y_axis), QPointF(left + width, y_axis))
        step = next(s for s in (1, 2, 5, 10) if span_s / s <= 8)
        ago = 0
        while ago <= span_s + 1e-9:
            xx = left + width * (1 - ago / span_s)
            p.drawLine(QPointF(xx, y_axis - rh * 0.3), QPointF(xx, y_axis))
            label = self.texts.get("now", "now") if ago == 0 else f"-{ago} s"
            w = fm.horizontalAdvance(label)
            p.drawText(QPointF(min(max(left, xx - w / 2), left + width - w), y_axis - rh * 0.4), label)
            ago += step
        p.drawText(QPointF(6 * self.scale, y_axis - rh * 0.4), self.texts.get("student", ""))

    def _lane(
        self,
        p: QPainter,
        fm: QFontMetricsF,
        lane: Lane,
        y: float,
        rh: float,
        left: float,
        bin_w: float,
        span: int,
    ) -> None:
        if lane.sid % 2 == 0:
            p.fillRect(QRectF(0, y, self.width(), rh), QColor("#F4F4F4"))
        chip = QRectF(4 * self.scale, y + rh * 0.2, rh * 0.6, rh * 0.6)
        p.fillRect(chip, verdict_colour(lane.verdict, self.theme))
        label = lane.label
        if lane.form == "lesson":
            label = f"{label} · {self.texts.get('lesson', 'lesson')}"
        text_x = chip.right() + 4 * self.scale
        elided = fm.elidedText(label, Qt.TextElideMode.ElideRight, left - text_x - 4 * self.scale)
        p.setPen(self.theme.text_colour if lane.connected else self.theme.wait_colour.darker(130))
        p.drawText(QRectF(text_x, y, left - text_x, rh), Qt.AlignmentFlag.AlignVCenter, elided)
        strip_h = rh * 0.26
        strips = (
            (SENT, y + rh * 0.08, self.theme.message_colour(4)),
            (CHUNK, y + rh * 0.37, self.theme.message_colour(1)),
            (REPLY, y + rh * 0.66, self.theme.message_colour(2)),
        )
        alpha = 255 if lane.connected else 110
        for kind, top, colour in strips:
            c = QColor(colour)
            c.setAlpha(alpha)
            for first, last, _total in self.model.runs(lane, kind, span):
                p.fillRect(
                    QRectF(left + first * bin_w, top, max(1.5, (last - first + 1) * bin_w), strip_h), c
                )
        for kind, colour in (
            (SPLIT, self.theme.message_colour(0)),
            (MERGED, QColor(self.theme.alert_colour)),
        ):
            for first, last, _total in self.model.runs(lane, kind, span):
                p.fillRect(
                    QRectF(
                        left + first * bin_w,
                        y + rh * 0.3,
                        max(2.0 * self.scale, (last - first + 1) * bin_w),
                        rh * 0.4,
                    ),
                    colour,
                )


COLUMNS = (
    "id",
    "name",
    "address",
    "form",
    "verdict",
    "received",
    "sent",
    "chunks",
    "merged",
    "split",
    "framing",
    "challenge",
    "last",
    "bytes",
    "errors",
)


class StudentTable(QAbstractTableModel):
    """The per-student figures (a row per student, newest arrivals last)."""

    def __init__(self, *, theme: Theme | None = None) -> None:
        super().__init__()
        self.theme = theme if theme is not None else Theme(self)
        self.rows: list[StudentStatus] = []
        self.headers: dict[str, str] = {}
        self.words: dict[str, str] = {}  # verdicts, forms, yes/no, challenge results (translated)
        self._updated = 0.0

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers.get(COLUMNS[section], COLUMNS[section])
        return None

    def set_rows(self, rows: list[StudentStatus]) -> None:
        rows = sorted(rows, key=lambda r: r.sid)
        if [r.sid for r in rows] != [r.sid for r in self.rows]:
            self.beginResetModel()
            self.rows = rows
            self.endResetModel()
            return
        if rows != self.rows:
            self.rows = rows
            self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, len(COLUMNS) - 1))
        self._updated = time.monotonic()

    def retranslated(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(COLUMNS) - 1)
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, len(COLUMNS) - 1))

    def _text(self, r: StudentStatus, column: str) -> str:
        w = self.words
        if column == "id":
            return str(r.sid)
        if column == "name":
            return r.name or "—"
        if column == "address":
            return r.address
        if column == "form":
            return w.get(f"form:{r.form}", r.form or "—")
        if column == "verdict":
            text = w.get(f"verdict:{r.verdict}", r.verdict)
            return text if r.connected else f"{text} · {w.get('gone', 'gone')}"
        if column == "received":
            return str(r.messages_received)
        if column == "sent":
            return str(r.messages_sent)
        if column == "chunks":
            return str(r.recv_chunks)
        if column == "merged":
            return str(r.merged_chunks)
        if column == "split":
            return str(r.split_messages)
        if column == "framing":
            return "—" if r.framing_ok is None else w.get("yes" if r.framing_ok else "no", "")
        if column == "challenge":
            return w.get(f"challenge:{r.challenge}", r.challenge) if r.challenge else "—"
        if column == "last":
            return r.last_message
        if column == "bytes":
            return f"{r.bytes_received:,} / {r.bytes_sent:,}"
        if column == "errors":
            return r.errors[-1] if r.errors else ""
        return ""

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        r = self.rows[index.row()]
        column = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(r, column)
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == "verdict":
                return verdict_colour(r.verdict, self.theme)
            if column == "framing" and r.framing_ok is False:
                return QColor(self.theme.alert_colour)
            if column == "challenge" and r.challenge == "glued":
                return QColor(self.theme.alert_colour)
            if column == "merged" and r.merged_chunks:
                return QColor(self.theme.alert_colour)
        if (
            role == Qt.ItemDataRole.ToolTipRole
            and column in ("errors", "last", "name")
            and (r.errors or r.last_message)
        ):
            # Tooltips are rich text when they look like it: escape what the student wrote.
            lines = [r.last_message, *r.errors] if column != "errors" else list(r.errors)
            return "<br>".join(html.escape(line) for line in lines if line)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (
            "id",
            "received",
            "sent",
            "chunks",
            "merged",
            "split",
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
