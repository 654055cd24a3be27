"""The one place that knows both sides: drains a core Recorder on the GUI thread.

Workers emit events into a :class:`netsim.core.recorder.Recorder` from their own threads; a
``QTimer`` on the GUI thread drains it and emits one ``events_batch`` signal per tick with
everything new.  Views update from batches, never from worker threads.

A panel (:class:`app.panels.base.LessonPanel`) makes its bridge with ``interval_ms=None`` and
calls :meth:`Bridge.drain` from its own single tick; standalone users let the bridge run its
own timer (default 40 Hz).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, QTimer, Signal

from netsim.core.events import Event
from netsim.core.recorder import Recorder


class Bridge(QObject):
    events_batch = Signal(object)  # a list; "object" passes it as is (a "list" signal converts every item)

    def __init__(
        self, parent: QObject | None = None, *, interval_ms: int | None = 25, lazy: bool = False
    ) -> None:
        """``interval_ms=None``: no timer of its own (a panel's tick drains it).  ``lazy``: batches
        are read-only sequences whose events are made as they are read
        (:meth:`Recorder.drain_view`), for a model that may digest them long after."""
        super().__init__(parent)
        self._recorder: Recorder | None = None
        self._lazy = lazy
        self._timer: QTimer | None = None
        if interval_ms is not None:
            self._timer = QTimer(self)
            self._timer.setInterval(interval_ms)
            self._timer.timeout.connect(self.drain)

    @property
    def recorder(self) -> Recorder | None:
        return self._recorder

    def attach(self, recorder: Recorder | None) -> None:
        """Follow ``recorder`` (or nothing); whatever the old one still held is drained first."""
        self.drain()
        self._recorder = recorder
        if self._timer is not None:
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
        if self._timer is not None:
            self._timer.stop()
        self._recorder = None
