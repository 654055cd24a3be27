"""What the handshake views show, built from event batches (GUI thread only, no Qt inside).

The views take a :class:`HandshakeRun` and read it when they paint, so each view can be tested
with a run built by hand (``feed([...events...])``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from netsim.core.events import (
    CallPending,
    Event,
    RunFinished,
    RunStarted,
    SocketCalled,
    SocketFailed,
    TcpStateChanged,
)
from netsim.lessons.handshake.tcpstate import SegmentSeen, State, StateModelled

SIDES = ("client", "server")


@dataclass(frozen=True, slots=True)
class Row:
    """One row of the sequence diagram, in the order things happened.

    ``kind``: ``call`` (a socket call returned or failed), ``segment`` (an arrow) or ``state``
    (the kernel reported a new state for ``endpoint``).
    """

    kind: str
    endpoint: str
    event: Event
    index: int = -1  # for segments: position in HandshakeRun.segments


@dataclass(slots=True)
class HandshakeRun:
    scenario: str = ""
    title: str = ""
    capture: bool | None = None  # None: no run started yet
    capture_reason: str = ""
    kernel_source: str = ""
    steps: list[tuple[str, str]] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    segments: list[SegmentSeen] = field(default_factory=list)
    kernel: dict[str, str] = field(default_factory=lambda: {"client": "CLOSED", "server": "CLOSED"})
    timeline: list[TcpStateChanged] = field(default_factory=list)
    model_state: dict[str, str] = field(default_factory=lambda: {"client": "CLOSED", "server": "CLOSED"})
    last_transition: dict[str, StateModelled] = field(default_factory=dict)
    pending: dict[str, CallPending] = field(default_factory=dict)
    calls_done: int = 0
    finished: RunFinished | None = None
    t0_ns: int = 0

    def feed(self, batch: list[Event]) -> None:
        for ev in batch:
            self._one(ev)

    def _one(self, ev: Event) -> None:
        if isinstance(ev, RunStarted):
            cfg = ev.config
            self.t0_ns = ev.t_ns
            self.scenario = str(cfg.get("scenario", ""))
            self.title = str(cfg.get("title", ""))
            self.capture = bool(cfg.get("capture", False))
            self.capture_reason = str(cfg.get("capture_reason", ""))
            self.kernel_source = str(cfg.get("kernel_source", ""))
            self.steps = [(str(a), str(b)) for a, b in cfg.get("steps", [])]
        elif isinstance(ev, CallPending):
            self.pending[ev.endpoint] = ev
        elif isinstance(ev, SocketCalled | SocketFailed):
            self.pending.pop(ev.endpoint, None)
            self.calls_done += 1
            self.rows.append(Row("call", ev.endpoint, ev))
        elif isinstance(ev, SegmentSeen):
            self.rows.append(Row("segment", ev.endpoint, ev, len(self.segments)))
            self.segments.append(ev)
        elif isinstance(ev, TcpStateChanged):
            self.timeline.append(ev)
            if ev.endpoint in SIDES:
                self.kernel[ev.endpoint] = ev.state
                self.rows.append(Row("state", ev.endpoint, ev))
        elif isinstance(ev, StateModelled):
            self.model_state[ev.endpoint] = ev.next
            if ev.prev != ev.next or ev.sent:
                self.last_transition[ev.endpoint] = ev
        elif isinstance(ev, RunFinished):
            self.finished = ev
            self.pending.clear()

    def highlighted(self) -> dict[str, State]:
        """Each end's current state: the kernel's report when there is one, else the model's."""
        if self.kernel_source:
            return {side: State.from_kernel(self.kernel[side]) for side in SIDES}
        return {side: State(self.model_state[side]) for side in SIDES}

    def arrows(self) -> list[tuple[str, str, bool]]:
        """``(sender, flags, captured)`` per segment, for tests and summaries."""
        return [(s.endpoint, s.flag_text, s.captured) for s in self.segments]
