"""Fit a table's columns to its view: no column pushed off view, the explaining column kept readable.

Qt's ``ResizeToContents`` sizes every column to its longest cell, so one long hex dump or a long
peer name pushes the last ("why" / "note") column to its minimum width or past the right edge —
at a projector's 1280 px the column that explains what happened became ~40 px wide.

:class:`ColumnFitter` instead gives the *flexible* column at least ``min_share`` of the view
and shares the rest among the other columns by their contents: the widest ones are capped first
(water-filling), their cells elided (the full text stays in each item's tool tip).  It refits
when the view is resized and when :meth:`ColumnFitter.refit` is called after rows change.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QHeaderView, QTableView


def water_fill(wanted: list[int], available: int, floors: list[int]) -> list[int]:
    """Cap the widest of ``wanted`` so that their sum fits ``available``; column i keeps ``floors[i]``.

    When even the floors do not fit, the floors are returned (the flexible column then gets less).
    """
    if sum(wanted) <= available:
        return list(wanted)
    lo, hi = 0, max(wanted)
    while lo < hi:  # the largest cap whose capped widths fit
        mid = (lo + hi + 1) // 2
        if sum(max(f, min(w, mid)) for w, f in zip(wanted, floors, strict=True)) <= available:
            lo = mid
        else:
            hi = mid - 1
    return [max(f, min(w, lo)) for w, f in zip(wanted, floors, strict=True)]


class ColumnFitter(QObject):
    """Keeps ``table``'s columns inside its viewport; ``flexible`` takes the rest (≥ ``min_share``)."""

    def __init__(self, table: QTableView, flexible: int, min_share: float = 0.35) -> None:
        super().__init__(table)
        self._table = table
        self._flexible = flexible
        self._min_share = min_share
        self._fitting = False
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        table.setTextElideMode(Qt.TextElideMode.ElideRight)
        table.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.refit()
        return False

    def refit(self) -> None:
        """Recompute the column widths from the contents and the view's width."""
        if self._fitting:
            return
        self._fitting = True
        try:
            table = self._table
            header = table.horizontalHeader()
            columns = header.count()
            if columns == 0:
                return
            view = table.viewport().width()
            wanted = [max(header.sectionSizeHint(c), table.sizeHintForColumn(c)) for c in range(columns)]
            others = [c for c in range(columns) if c != self._flexible]
            min_flex = int(view * self._min_share)
            floor = max(24, header.minimumSectionSize())
            # A column is never narrower than its header's words (nor wider than it wants).
            floors = [min(wanted[c], max(floor, header.sectionSizeHint(c))) for c in others]
            fitted = water_fill([wanted[c] for c in others], max(0, view - min_flex), floors)
            changed = False
            for c, w in zip(others, fitted, strict=True):
                if header.sectionSize(c) != w:
                    header.resizeSection(c, w)
                    changed = True
            flex = max(floor, view - sum(fitted))
            if header.sectionSize(self._flexible) != flex:
                header.resizeSection(self._flexible, flex)
                changed = True
            if changed and table.wordWrap():
                table.resizeRowsToContents()
        finally:
            self._fitting = False

    def widths(self) -> list[int]:
        header = self._table.horizontalHeader()
        return [header.sectionSize(c) for c in range(header.count())]
