"""The network in the middle: the relay's knobs for the sticky panel, in one compact row.

"Network" picks loopback (no relay) or a relay with an MSS; the other knobs apply when a relay
is on.  Loss, duplication and reordering are enabled for UDP only: a TCP relay cannot lose
bytes (TCP resends them), and the row says so instead of pretending.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QGridLayout, QLabel, QSpinBox, QWidget

from netsim.lab.relay import DEFAULT_LINK_KBPS, MSS_MAX
from netsim.lessons.sticky.scenario import Scenario

# (MSS or 0 for no relay, or -1 for "a relay with loopback's MSS" - delay/loss only)
NETWORKS = (0, 1448, 536, MSS_MAX)


class WireControls(QWidget):
    """Knobs <-> the scenario's wire fields.  ``changed`` fires on any edit by the user."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.network = QComboBox()
        for mss in NETWORKS:
            self.network.addItem("", mss)
        self.delay = self._spin(0, 10_000, 0)
        self.jitter = self._spin(0, 10_000, 0)
        self.rate = self._spin(-1, 10_000_000, 0)  # -1: the relay's default link
        self.rate.setSpecialValueText("")  # filled in by retranslate
        self.loss = self._spin(0, 100, 0)
        self.dup = self._spin(0, 100, 0)
        self.reorder = self._spin(0, 100, 0)
        self.seed = QSpinBox()
        self.seed.setRange(-1, 2**31 - 1)  # -1: a new seed every run (recorded in the trace)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.labels: dict[str, QLabel] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(10)
        cells: list[tuple[str, QWidget]] = [
            ("network", self.network),
            ("delay", self.delay),
            ("jitter", self.jitter),
            ("rate", self.rate),
            ("loss", self.loss),
            ("reorder", self.reorder),
            ("dup", self.dup),
            ("seed", self.seed),
        ]
        for i, (key, widget) in enumerate(cells):
            label = QLabel()
            label.setWordWrap(True)
            self.labels[key] = label
            row, col = divmod(i, 4)
            grid.addWidget(label, row, col * 2)
            grid.addWidget(widget, row, col * 2 + 1)
        grid.addWidget(self.note, 2, 0, 1, 8)
        # The combo box and the seed (its "new each run" text) take more of the width than the
        # number fields: at 1280 px and 1.5x their texts were cut.
        for column, stretch in ((1, 3), (3, 1), (5, 1), (7, 2)):
            grid.setColumnStretch(column, stretch)
        self.network.currentIndexChanged.connect(self._edited)
        for w in (self.delay, self.jitter, self.rate, self.loss, self.dup, self.reorder):
            w.valueChanged.connect(self._edited)
        self.seed.valueChanged.connect(self._edited)
        self._udp = False
        self._loading = False
        self.retranslate()

    @staticmethod
    def _spin(low: float, high: float, decimals: int) -> QDoubleSpinBox:
        spin = QDoubleSpinBox()
        spin.setRange(low, high)
        spin.setDecimals(decimals)
        return spin

    # ------------------------------------------------------------------ text
    def retranslate(self) -> None:
        names = {
            0: self.tr("loopback (no relay)"),
            1448: self.tr("relay, MSS 1,448 (Ethernet)"),
            536: self.tr("relay, MSS 536 (the minimum)"),
            MSS_MAX: self.tr("relay, MSS 65,483 (loopback)"),
        }
        for i in range(self.network.count()):
            self.network.setItemText(i, names[int(self.network.itemData(i))])
        texts = {
            "network": self.tr("Network"),
            "delay": self.tr("Wire delay (ms)"),
            "jitter": self.tr("Jitter ± (ms)"),
            "rate": self.tr("Link rate (kbit/s)"),
            "loss": self.tr("UDP loss (%)"),
            "reorder": self.tr("UDP reordering (%)"),
            "dup": self.tr("UDP duplicates (%)"),
            "seed": self.tr("Seed"),
        }
        for key, text in texts.items():
            self.labels[key].setText(text)
        self.rate.setSpecialValueText(self.tr("default ({n:g})").format(n=DEFAULT_LINK_KBPS))
        self.seed.setSpecialValueText(self.tr("new each run"))
        self._update_note()

    def _update_note(self) -> None:
        if not self.relay_on:
            self.note.setText("")
        elif self._udp:
            self.note.setText(
                self.tr("UDP through the relay: every loss, duplicate and reordering comes from the seed.")
            )
        else:
            self.note.setText(
                self.tr(
                    "TCP through the relay: segments, delay and rate only. A TCP relay cannot lose bytes "
                    "- TCP would resend them - so loss applies to UDP only."
                )
            )
        self.note.setVisible(bool(self.note.text()))  # no empty row in the form without a relay

    # ----------------------------------------------------------------- state
    @property
    def relay_on(self) -> bool:
        return int(self.network.currentData() or 0) != 0

    def set_transport(self, transport: str) -> None:
        self._udp = transport == "udp"
        self._sync_enabled()

    def _sync_enabled(self) -> None:
        on = self.relay_on
        for w in (self.delay, self.jitter, self.seed):
            w.setEnabled(on)
        self.rate.setEnabled(on and not self._udp)  # the relay paces TCP segments only
        for w in (self.loss, self.dup, self.reorder):
            w.setEnabled(on and self._udp)
        self._update_note()

    def _edited(self) -> None:
        self._sync_enabled()
        if not self._loading:
            self.changed.emit()

    def set_from(self, sc: Scenario) -> None:
        """Show a scenario's wire settings."""
        self._loading = True
        try:
            self._udp = sc.transport == "udp"
            mss = sc.mss or (MSS_MAX if sc.wire else 0)
            idx = self.network.findData(mss)
            if idx < 0:
                self.network.addItem(self.tr("relay, MSS {n}").format(n=mss), mss)
                idx = self.network.count() - 1
            self.network.setCurrentIndex(idx)
            self.delay.setValue(sc.wire_delay_ms)
            self.jitter.setValue(sc.wire_jitter_ms)
            self.rate.setValue(-1 if sc.wire_rate_kbps is None else sc.wire_rate_kbps)
            self.loss.setValue(sc.loss * 100)
            self.dup.setValue(sc.dup * 100)
            self.reorder.setValue(sc.reorder * 100)
            self.seed.setValue(-1 if sc.seed is None else min(sc.seed, 2**31 - 1))
        finally:
            self._loading = False
        self._sync_enabled()

    def values(self) -> dict[str, Any]:
        """The scenario fields these knobs stand for (nothing set when the network is loopback)."""
        if not self.relay_on:
            return {}
        udp = self._udp
        return {
            "mss": int(self.network.currentData()),  # UDP ignores it; it still means "through the relay"
            "wire_delay_ms": self.delay.value(),
            "wire_jitter_ms": self.jitter.value(),
            "wire_rate_kbps": None if udp or self.rate.value() < 0 else self.rate.value(),
            "loss": self.loss.value() / 100 if udp else 0.0,
            "dup": self.dup.value() / 100 if udp else 0.0,
            "reorder": self.reorder.value() / 100 if udp else 0.0,
            "seed": None if self.seed.value() < 0 else self.seed.value(),
        }
