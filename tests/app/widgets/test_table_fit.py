"""ColumnFitter / water_fill: columns fit the view, the flexible one keeps its share."""

from __future__ import annotations

from PySide6.QtWidgets import QTableWidget, QTableWidgetItem
from pytestqt.qtbot import QtBot

from app.widgets.table_fit import ColumnFitter, water_fill


def test_water_fill_caps_the_widest_first() -> None:
    assert water_fill([50, 400, 300], 1000, [10, 10, 10]) == [50, 400, 300]
    assert water_fill([50, 400, 300], 450, [10, 10, 10]) == [50, 200, 200]
    assert water_fill([50, 400, 300], 100, [40, 60, 60]) == [40, 60, 60]  # floors win


def test_fitter_keeps_the_reason_column_in_view(qtbot: QtBot) -> None:
    table = QTableWidget(3, 3)
    qtbot.addWidget(table)
    fitter = ColumnFitter(table, flexible=2, min_share=0.4)
    table.resize(400, 200)
    table.show()
    for row in range(3):
        table.setItem(row, 0, QTableWidgetItem("x" * 80))
        table.setItem(row, 1, QTableWidgetItem("y" * 80))
        table.setItem(row, 2, QTableWidgetItem("the reason"))
    fitter.refit()
    widths = fitter.widths()
    view = table.viewport().width()
    assert sum(widths) <= view
    assert widths[2] >= 0.4 * view
    assert widths[0] == widths[1]  # both capped alike
