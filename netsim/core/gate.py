"""Step mode: workers wait at the gate before each socket call until the caller says "step".

Packet Tracer's Capture/Forward, on real system calls.  A worker calls
``gate.wait("client", "send(b'world')")`` right before the call.  While the gate is running
(not stepping) that returns at once.  While stepping, the worker blocks until ``step()``
releases it - one pending call per step, oldest first - or ``run()`` lets everyone go, or
``close()`` makes every waiter raise :class:`GateClosed` so the worker can unwind and exit.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from dataclasses import dataclass

from netsim.core.events import CallPending, now_ns
from netsim.core.recorder import Recorder


class GateClosed(Exception):
    """The run was reset or closed while this worker was waiting at the gate."""


@dataclass(frozen=True, slots=True)
class PendingCall:
    seq: int
    endpoint: str
    call: str
    detail: str
    t_ns: int

    def label(self) -> str:
        return f"{self.endpoint}: {self.call}"


class Gate:
    def __init__(self, recorder: Recorder | None = None, *, stepping: bool = False) -> None:
        self._recorder = recorder
        self._cond = threading.Condition()
        self._stepping = stepping
        self._closed = False
        self._seq = itertools.count(1)
        self._pending: dict[int, PendingCall] = {}
        self._released: set[int] = set()

    @property
    def stepping(self) -> bool:
        with self._cond:
            return self._stepping

    @property
    def closed(self) -> bool:
        with self._cond:
            return self._closed

    def wait(self, endpoint: str, call: str | Callable[[], str], detail: str = "") -> None:
        """Called by a worker before a socket call; returns when the call may go ahead.

        ``call`` may be a function making the label: a hot loop then pays for the text only
        while someone is stepping and will read it.
        """
        with self._cond:
            if self._closed:
                raise GateClosed("gate closed")
            if not self._stepping:
                return
            if callable(call):
                call = call()
            pending = PendingCall(next(self._seq), endpoint, call, detail, now_ns())
            self._pending[pending.seq] = pending
            if self._recorder is not None:
                self._recorder.emit(CallPending(pending.t_ns, endpoint, call, detail))
            self._cond.notify_all()
            try:
                while pending.seq not in self._released and self._stepping and not self._closed:
                    self._cond.wait()
            finally:
                self._pending.pop(pending.seq, None)
                self._released.discard(pending.seq)
                self._cond.notify_all()
            if self._closed:
                raise GateClosed(call)

    def pending(self) -> list[PendingCall]:
        """The calls waiting now, oldest first."""
        with self._cond:
            return sorted(
                (p for p in self._pending.values() if p.seq not in self._released), key=lambda p: p.seq
            )

    def step(self) -> PendingCall | None:
        """Release the oldest waiting call; returns it, or ``None`` if nothing was waiting."""
        with self._cond:
            waiting = [p for p in self._pending.values() if p.seq not in self._released]
            if not waiting:
                return None
            first = min(waiting, key=lambda p: p.seq)
            self._released.add(first.seq)
            self._cond.notify_all()
            return first

    def wait_pending(self, timeout_s: float) -> bool:
        """Block until at least one call is waiting (or the gate closes / timeout)."""
        with self._cond:
            return (
                self._cond.wait_for(
                    lambda: self._closed or any(p.seq not in self._released for p in self._pending.values()),
                    timeout=timeout_s,
                )
                and not self._closed
            )

    def pause(self) -> None:
        """Switch to stepping: the next call of every worker waits."""
        with self._cond:
            self._stepping = True
            self._cond.notify_all()

    def run(self) -> None:
        """Stop stepping: every waiting call and all later ones go ahead."""
        with self._cond:
            self._stepping = False
            self._cond.notify_all()

    def close(self) -> None:
        """Wake every waiter with :class:`GateClosed`; later waits fail at once."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
