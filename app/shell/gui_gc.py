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
from collections.abc import Iterable

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMenu, QWidget

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


def dispose_windows(keep: Iterable[QWidget] = ()) -> int:
    """Close and delete every parentless top-level widget (but those in *keep*),
    here on the GUI thread, then collect.  Returns how many there were.

    Whatever is still alive when the interpreter exits is deleted by PySide's own exit
    handler, in no particular order and after Python has begun tearing down; with a main window
    and pyqtgraph's parentless menus among them that crashed at exit now and then ("shared
    QObject was deleted directly", then a segfault).  So windows are deleted while Qt runs.
    """
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return 0
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    kept = list(keep)  # (held, so that the ids below stay theirs)
    kept_ids = {id(w) for w in kept}
    disposed = 0
    # Windows first, then menus: a plot's parentless context menu is its view box's, and goes
    # with the view box in the collection in between; what is left goes in the second pass.
    # Only widgets Python owns: a parentless widget may be one Qt made and owns (a pyqtgraph
    # plot item has one), and deleting it here crashed its owner's teardown.
    for menus in (False, True):
        left = [
            w
            for w in app.topLevelWidgets()
            if w.parent() is None
            and id(w) not in kept_ids
            and isinstance(w, QMenu) == menus
            and shiboken6.ownedByPython(w)
        ]
        for widget in left:
            widget.close()
            widget.deleteLater()
        GuiGarbageCollector.drain()
        disposed += len(left)
    return disposed
