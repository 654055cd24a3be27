"""Garbage collection on the GUI thread only.

Python's cyclic collector runs in whichever thread happens to allocate when a threshold is
crossed.  With socket workers and the panels' helper threads allocating all the time, it would
sometimes run there and finalize Qt objects (a closed window's pyqtgraph items, say) off the GUI
thread, which crashes Qt.  So automatic collection is switched off and a GUI-thread timer
collects instead, generation by generation, when the usual thresholds are crossed (the scheme
pyqtgraph documents for the same problem).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer

INTERVAL_MS = 100


class GuiGarbageCollector(QObject):
    def __init__(self, parent: QObject | None = None, *, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.check)
        self._was_enabled = gc.isenabled()

    def start(self) -> None:
        gc.disable()
        self._timer.start()

    def stop(self) -> None:
        """Stop, after one last full collection here, on the GUI thread, while Qt still runs:
        whatever is left for the interpreter's own shutdown would be finalized after the
        QApplication is gone ("shared QObject was deleted directly", then a crash)."""
        self._timer.stop()
        self.drain()
        if self._was_enabled:
            gc.enable()

    @staticmethod
    def drain() -> None:
        """Collect everything now and deliver the deferred deletions that collecting posts."""
        for _ in range(3):
            gc.collect()
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)

    def check(self) -> None:
        """Collect what the automatic collector would have collected by now."""
        c0, c1, c2 = gc.get_count()
        t0, t1, t2 = gc.get_threshold()
        if c2 > t2:
            gc.collect(2)
        elif c1 > t1:
            gc.collect(1)
        elif c0 > t0:
            gc.collect(0)
