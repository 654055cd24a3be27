"""The event log as a Qt table model over :attr:`StreamModel.log` (model/view, no copies)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from app.shell.theme import Theme
from app.widgets.stream_model import StreamModel

_Index = QModelIndex | QPersistentModelIndex


class EventLogModel(QAbstractTableModel):
    def __init__(
        self, stream: StreamModel, parent: QObject | None = None, *, theme: Theme | None = None
    ) -> None:
        super().__init__(parent)
        self.theme = theme if theme is not None else Theme(self)
        self.stream = stream
        self._rows = 0
        stream.log_appended.connect(self._appended)
        stream.changed.connect(self._maybe_reset)

    def set_stream(self, stream: StreamModel) -> None:
        self.beginResetModel()
        self.stream.log_appended.disconnect(self._appended)
        self.stream.changed.disconnect(self._maybe_reset)
        self.stream = stream
        stream.log_appended.connect(self._appended)
        stream.changed.connect(self._maybe_reset)
        self._rows = len(stream.log)
        self.endResetModel()

    def _appended(self, first: int, last: int) -> None:
        if first < self._rows:  # the stream was reset underneath us
            self._maybe_reset()
            return
        self.beginInsertRows(QModelIndex(), first, last)
        self._rows = last + 1
        self.endInsertRows()

    def _maybe_reset(self) -> None:
        if len(self.stream.log) != self._rows:
            self.beginResetModel()
            self._rows = len(self.stream.log)
            self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._rows

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 5

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> str | None:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        return (self.tr("time (ms)"), self.tr("side"), self.tr("call"), self.tr("bytes"), self.tr("result"))[
            section
        ]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole):
            return None
        t_ms, side, call, size, result = self.stream.log[index.row()]
        if role == Qt.ItemDataRole.ForegroundRole:
            return self.theme.bad_colour if "Error" in result or "[E" in result else None
        col = index.column()
        if col == 0:
            return f"{t_ms:9.3f}"
        if col == 1:
            return self.tr("client") if side == "client" else self.tr("server") if side == "server" else side
        if col == 2:
            return call
        if col == 3:
            return "" if size < 0 else str(size)
        return self.result_text(result)

    def result_text(self, result: str) -> str:
        """The core's result words, translated (OS error texts stay as the OS wrote them)."""
        fixed = {
            "ok": self.tr("ok"),
            "closed": self.tr("closed"),
            "listening": self.tr("listening"),
            "connected": self.tr("connected"),
            "b'' - peer closed": self.tr("b'' - the peer closed the connection"),
            "truncated (MSG_TRUNC)": self.tr("truncated (MSG_TRUNC)"),
            "SO_LINGER 0: close sends RST": self.tr("SO_LINGER 0: close() sends RST"),
        }
        if result in fixed:
            return fixed[result]
        head, _, rest = result.partition(" ")
        if head == "fd" and rest.isdigit():
            return self.tr("fd {n}").format(n=rest)
        if head == "port" and rest.isdigit():
            return self.tr("port {n}").format(n=rest)
        if head == "from" and rest:
            return self.tr("from {address}").format(address=rest)
        if result == "dropped (loss)":
            return self.tr("dropped (lost on the way)")
        if result == "dropped (mtu)":
            return self.tr("dropped (larger than the MTU)")
        return result
