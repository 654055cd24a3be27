"""The thread-safe sink that workers write events into and the GUI (or CLI) drains."""

from __future__ import annotations

import threading
from collections.abc import Iterable

from netsim.core.events import Event


class Recorder:
    """Collects events from any thread.

    ``emit`` is cheap (one lock, one append).  ``drain`` hands over everything emitted since the
    last drain, in order - the GUI calls it from a timer, so it sees one batch per tick instead
    of one signal per network event.  ``events`` (a copy) is the whole run so far.
    """

    def __init__(self, *, keep: bool = True) -> None:
        self._lock = threading.Lock()
        self._pending: list[Event] = []
        self._all: list[Event] = []
        self._keep = keep
        self._changed = threading.Condition(self._lock)

    def emit(self, event: Event) -> None:
        with self._lock:
            self._pending.append(event)
            if self._keep:
                self._all.append(event)
            self._changed.notify_all()

    def extend(self, events: Iterable[Event]) -> None:
        with self._lock:
            batch = list(events)
            self._pending.extend(batch)
            if self._keep:
                self._all.extend(batch)
            self._changed.notify_all()

    def drain(self) -> list[Event]:
        with self._lock:
            batch, self._pending = self._pending, []
        return batch

    @property
    def events(self) -> list[Event]:
        with self._lock:
            return list(self._all)

    def __len__(self) -> int:
        with self._lock:
            return len(self._all)

    def wait_for(self, kind: str, timeout_s: float) -> Event | None:
        """Block until an event of ``kind`` has been emitted (or the timeout); return the last one."""

        def found() -> Event | None:
            for ev in reversed(self._all):
                if ev.kind == kind:
                    return ev
            return None

        with self._lock:
            self._changed.wait_for(lambda: found() is not None, timeout=timeout_s)
            return found()
