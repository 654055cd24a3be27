"""The one place that knows both sides: drains a core Recorder on the GUI thread.

Workers emit events into a :class:`netsim.core.recorder.Recorder` from their own threads; a
``QTimer`` on the GUI thread drains it (default 40 Hz) and emits one ``events_batch`` signal
per tick with everything new.  Views update from batches, never from worker threads.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, QTimer, Signal

from netsim.core.events import Event
from netsim.core.recorder import Recorder


class Bridge(QObject):
    events_batch = Signal(object)  # a list; "object" passes it as is (a "list" signal converts every item)

    def __init__(self, parent: QObject | None = None, *, interval_ms: int = 25, lazy: bool = False) -> None:
        """``lazy``: batches are read-only sequences whose events are made as they are read
        (:meth:`Recorder.drain_view`), for a model that may digest them long after."""
        super().__init__(parent)
        self._recorder: Recorder | None = None
        self._lazy = lazy
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.drain)

    def attach(self, recorder: Recorder | None) -> None:
        """Follow ``recorder`` (or nothing); whatever the old one still held is drained first."""
        self.drain()
        self._recorder = recorder
        if recorder is None:
            self._timer.stop()
        else:
            self._timer.start()

    def drain(self) -> None:
        if self._recorder is None:
            return
        batch: Sequence[Event] = self._recorder.drain_view() if self._lazy else self._recorder.drain()
        if batch:
            self.events_batch.emit(batch)

    def stop(self) -> None:
        self.drain()
        self._timer.stop()
        self._recorder = None
