"""The thread-safe sink that workers write events into and the GUI (or CLI) drains."""

from __future__ import annotations

import threading
from collections.abc import Iterable

from netsim.core.events import Event
from netsim.core.store import EventLog, EventStore


class Recorder:
    """Collects events from any thread.

    ``emit`` is cheap (one lock, one packed row).  ``drain`` hands over everything emitted since
    the last drain, in order - the GUI calls it from a timer, so it sees one batch per tick
    instead of one signal per network event.  ``events`` is the whole run so far (a snapshot).

    Events are kept compactly in an :class:`~netsim.core.store.EventStore` (the hot kinds as
    packed rows, not objects) and made into objects again only when someone reads them, so a
    run of ten million messages fits in memory.  With ``keep=False`` nothing is kept past the
    next ``drain``.
    """

    def __init__(self, *, keep: bool = True) -> None:
        self._lock = threading.Lock()
        self._keep = keep
        self._store = EventStore()
        self._drained = 0  # events of _store already handed over by drain()
        self._last: dict[str, Event] = {}  # the last event of each kind, for wait_for
        self._changed = threading.Condition(self._lock)
        self._waiting = 0  # threads in wait_for: only then is an emit worth a notify

    def emit(self, event: Event) -> None:
        with self._lock:
            self._store.append(event)
            self._last[event.kind] = event
            if self._waiting:
                self._changed.notify_all()

    def extend(self, events: Iterable[Event]) -> None:
        with self._lock:
            store = self._store
            last = self._last
            for event in events:
                store.append(event)
                last[event.kind] = event
            if self._waiting:
                self._changed.notify_all()

    def drain(self) -> list[Event]:
        # Made into objects outside the lock: workers go on emitting meanwhile (rows are append-only).
        return list(self.drain_view())

    def drain_view(self) -> EventLog:
        """Like ``drain``, but the batch is a lazy sequence: events are made only as it is read.

        A consumer that falls behind (a GUI drawing a million messages) then holds compact rows,
        not a million objects, while it catches up.
        """
        with self._lock:
            store, start, stop = self._store, self._drained, len(self._store)
            if self._keep:
                self._drained = stop
            else:
                self._store = EventStore()
        return store.view(start, stop)

    @property
    def events(self) -> EventLog:
        """Everything kept so far, as a read-only sequence (empty with ``keep=False``)."""
        with self._lock:
            if not self._keep:
                return EventStore().view()
            return self._store.view()

    @property
    def nbytes(self) -> int:
        """Bytes held by the compact store (rows, bytes buffer), for memory figures."""
        with self._lock:
            return self._store.nbytes

    def __len__(self) -> int:
        with self._lock:
            return len(self._store) if self._keep else 0

    def wait_for(self, kind: str, timeout_s: float) -> Event | None:
        """Block until an event of ``kind`` has been emitted (or the timeout); return the last one."""
        with self._lock:
            self._waiting += 1
            try:
                self._changed.wait_for(lambda: kind in self._last, timeout=timeout_s)
            finally:
                self._waiting -= 1
            return self._last.get(kind)
