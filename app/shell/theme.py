"""Colours, fonts and presenter scale: one :class:`Theme` object, passed to every panel.

The main window owns the theme; a change (zoom, high contrast, palette) emits ``changed`` and
every panel repaints through :meth:`app.panels.base.LessonPanel.apply_theme`.  Panels and their
views take every colour and every point size from here, so the high-contrast theme and the
colour-blind-safe palette reach all of them.

Message colours come from the Okabe–Ito palette (safe for the common colour-vision
deficiencies); the high-contrast theme is black on white with heavier outlines and darker
status colours.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QColor, QFont, QFontDatabase, QPalette
from PySide6.QtWidgets import QApplication

OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#999999")
CLASSIC = ("#4E79A7", "#F28E2B", "#59A14F", "#E15759", "#76B7B2", "#EDC948", "#B07AA1", "#9D9D9D")

# Status colours, readable as text on white: (colour-blind safe, classic, high contrast).
_OK = ("#007A5A", "#2E7D32", "#004D38")
_BAD = ("#C24E00", "#C62828", "#8A2E00")
# The actors of a conversation (handshake sides, HMAC parties).
_SIDES: dict[str, tuple[str, str, str]] = {
    "client": ("#0072B2", "#1F77B4", "#003F7F"),
    "server": ("#D55E00", "#D62728", "#8A3300"),
    "listener": ("#CC79A7", "#9467BD", "#6E2A5A"),
    "attacker": ("#882255", "#8C564B", "#5A0F3A"),
}
# Protocol layers and address kinds, as indices into the message palette (so they follow it).
_LAYER_INDEX = {"ethernet": 7, "ipv4": 1, "ipv6": 1, "tcp": 0, "udp": 0, "payload": 2, "unknown": 6}
_KIND_INDEX = {
    "loopback": 1,
    "private": 2,
    "global": 5,
    "link-local": 7,
    "unspecified": 0,
    "multicast": 3,
    "broadcast": 3,
    "documentation": 6,
    "shared": 0,
    "reserved": 7,
    "ipv4-mapped": 1,
}
MIN_POINT_SIZE = 6.0


class Theme(QObject):
    """The look of the running app; ``changed`` fires after every change."""

    changed = Signal()

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        scale: float = 1.0,
        high_contrast: bool = False,
        colour_blind_safe: bool = True,
        base_point_size: float = 10.0,
    ) -> None:
        super().__init__(parent)
        self._scale = float(scale)
        self._high_contrast = bool(high_contrast)
        self._colour_blind_safe = bool(colour_blind_safe)
        self.base_point_size = float(base_point_size)

    # ------------------------------------------------------------------ state
    @property
    def scale(self) -> float:
        return self._scale

    @property
    def high_contrast(self) -> bool:
        return self._high_contrast

    @property
    def colour_blind_safe(self) -> bool:
        return self._colour_blind_safe

    def set_scale(self, factor: float) -> None:
        if float(factor) != self._scale:
            self._scale = float(factor)
            self.changed.emit()

    def set_high_contrast(self, on: bool) -> None:
        if bool(on) != self._high_contrast:
            self._high_contrast = bool(on)
            self.changed.emit()

    def set_colour_blind_safe(self, on: bool) -> None:
        if bool(on) != self._colour_blind_safe:
            self._colour_blind_safe = bool(on)
            self.changed.emit()

    def _pick(self, choices: tuple[str, str, str]) -> QColor:
        if self._high_contrast:
            return QColor(choices[2])
        return QColor(choices[0] if self._colour_blind_safe else choices[1])

    # ---------------------------------------------------------------- colours
    def message_colour(self, index: int) -> QColor:
        palette = OKABE_ITO if self._colour_blind_safe else CLASSIC
        return QColor(palette[index % len(palette)])

    def layer_colour(self, key: str) -> QColor:
        return self.message_colour(_LAYER_INDEX.get(key, _LAYER_INDEX["unknown"]))

    def kind_colour(self, kind: str) -> QColor:
        """Colour of an address kind (loopback, private, global…)."""
        return self.message_colour(_KIND_INDEX.get(kind, 7))

    def side_colour(self, side: str) -> QColor:
        """client, server, listener or attacker."""
        return self._pick(_SIDES.get(side, _SIDES["client"]))

    @property
    def ok_colour(self) -> QColor:
        return self._pick(_OK)

    @property
    def bad_colour(self) -> QColor:
        return self._pick(_BAD)

    @property
    def alert_colour(self) -> QColor:
        """The colour of anything wrong (the same as :attr:`bad_colour`)."""
        return self.bad_colour

    @property
    def header_colour(self) -> QColor:
        return QColor("#000000") if self._high_contrast else QColor("#444444")

    @property
    def text_colour(self) -> QColor:
        return QColor("#000000") if self._high_contrast else QColor("#202020")

    @property
    def muted_colour(self) -> QColor:
        return QColor("#000000") if self._high_contrast else QColor("#5A5A5A")

    @property
    def grid_colour(self) -> QColor:
        return QColor("#606060") if self._high_contrast else QColor("#C8C8C8")

    @property
    def wait_colour(self) -> QColor:
        """Connected but not being served / nothing happening: a neutral grey."""
        return QColor("#8C8C8C") if self._high_contrast else QColor("#BDBDBD")

    @property
    def background_colour(self) -> QColor:
        return QColor("#FFFFFF")

    @property
    def highlight_colour(self) -> QColor:
        """A marker behind something to notice (a yellow that stays light)."""
        return QColor("#F0E442")

    @property
    def line_width(self) -> float:
        return (2.0 if self._high_contrast else 1.0) * self._scale

    # ------------------------------------------------------------------ fonts
    def point_size(self, factor: float = 1.0) -> float:
        return max(MIN_POINT_SIZE, self.base_point_size * self._scale * factor)

    def font(self, factor: float = 1.0, bold: bool = False, *, mono: bool = False) -> QFont:
        if mono:
            f = QFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        else:
            f = QFont(QApplication.font())
        f.setPointSizeF(self.point_size(factor))
        f.setBold(bold)
        return f

    def apply(self, app: QApplication) -> None:
        """The application-wide font and palette (the window calls it on every change)."""
        font = QFont(app.font())
        font.setPointSizeF(self.point_size())
        app.setFont(font)
        if self._high_contrast:
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
