"""Colours and presenter scale.

Message colours come from the Okabe–Ito palette (safe for the common colour-vision
deficiencies); the high-contrast theme is black on white with heavier outlines.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#999999")
CLASSIC = ("#4E79A7", "#F28E2B", "#59A14F", "#E15759", "#76B7B2", "#EDC948", "#B07AA1", "#FF9DA7")


@dataclass
class Theme:
    scale: float = 1.0
    high_contrast: bool = False
    colour_blind_safe: bool = True
    base_point_size: float = 10.0

    def message_colour(self, index: int) -> QColor:
        palette = OKABE_ITO if self.colour_blind_safe else CLASSIC
        return QColor(palette[index % len(palette)])

    @property
    def header_colour(self) -> QColor:
        return QColor("#444444") if not self.high_contrast else QColor("#000000")

    @property
    def alert_colour(self) -> QColor:
        return QColor("#D55E00")  # vermillion: readable for every palette

    @property
    def ok_colour(self) -> QColor:
        return QColor("#009E73")

    @property
    def text_colour(self) -> QColor:
        return QColor("#000000") if self.high_contrast else QColor("#202020")

    @property
    def line_width(self) -> float:
        return (2.0 if self.high_contrast else 1.0) * self.scale

    def font(self, factor: float = 1.0, bold: bool = False) -> QFont:
        f = QFont(QApplication.font())
        f.setPointSizeF(self.base_point_size * self.scale * factor)
        f.setBold(bold)
        return f

    def apply(self, app: QApplication) -> None:
        font = QFont(app.font())
        font.setPointSizeF(self.base_point_size * self.scale)
        app.setFont(font)
        if self.high_contrast:
            pal = QPalette()
            for role in (QPalette.ColorRole.Window, QPalette.ColorRole.Base, QPalette.ColorRole.Button):
                pal.setColor(role, QColor("#FFFFFF"))
            for role in (
                QPalette.ColorRole.WindowText,
                QPalette.ColorRole.Text,
                QPalette.ColorRole.ButtonText,
            ):
                pal.setColor(role, QColor("#000000"))
            pal.setColor(QPalette.ColorRole.Highlight, QColor("#0072B2"))
            pal.setColor(QPalette.ColorRole.HighlightedText, QColor("#FFFFFF"))
            app.setPalette(pal)
        else:
            app.setPalette(app.style().standardPalette())


THEME = Theme()
"""The one theme of the running app; panels read it when they paint."""
