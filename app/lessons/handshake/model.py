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
FIN, ACK = 0x01, 0x10


@dataclass(frozen=True, slots=True)
class ClosePath:
    """How one end really closed, as far as the run shows it.

    ``source``: ``captured`` (read from the segments on lo: exact), ``kernel`` (the states the
    kernel reported; a state shorter than one poll can be missing) or ``modelled`` (the state
    table's prediction, nothing observed).
    """

    states: tuple[State, ...]
    source: str


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
    model_history: dict[str, list[State]] = field(default_factory=dict)
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
            history = self.model_history.setdefault(ev.endpoint, [])
            if not history:
                history.append(State(ev.prev))
            if history[-1].value != ev.next:
                history.append(State(ev.next))
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

    def close_path(self, side: str) -> ClosePath | None:
        """The teardown ``side`` went through: from the captured FINs when there are any, else
        from the kernel's reports, else the model's; ``None`` while nobody has closed."""
        captured = [seg for seg in self.segments if seg.captured and seg.endpoint in SIDES]
        if any(seg.flags & FIN for seg in captured):
            states = _close_from_segments(side, captured)
            return ClosePath(states, "captured") if len(states) > 1 else None
        if self.kernel_source:
            seen: list[State] = []
            for ev in self.timeline:
                if ev.endpoint == side:
                    st = State.from_kernel(ev.state)
                    if not seen or seen[-1] is not st:
                        seen.append(st)
            if State.ESTABLISHED in seen:
                after = seen[seen.index(State.ESTABLISHED) :]
                if len(after) > 1:
                    return ClosePath(tuple(after), "kernel")
            return None
        history = self.model_history.get(side, [])
        if State.ESTABLISHED in history:
            after = history[len(history) - 1 - history[::-1].index(State.ESTABLISHED) :]
            if len(after) > 1:
                return ClosePath(tuple(after), "modelled")
        return None

    def fins_crossed(self) -> bool | None:
        """Did both ends send their FIN before the other's arrived?  ``None``: not observed."""
        paths = [self.close_path(side) for side in SIDES]
        if any(p is None or p.source == "modelled" for p in paths):
            return None
        if all(p is not None and p.source == "captured" for p in paths):
            return all(p is not None and State.CLOSING in p.states for p in paths)
        # From the kernel's polls (CLOSING can pass between two polls; TIME-WAIT lasts 60 s):
        # both ends in TIME-WAIT means both closed first - what `netsim handshake` reports.
        if all(p is not None and State.TIME_WAIT in p.states for p in paths):
            return True
        return False if self.finished is not None else None

    def arrows(self) -> list[tuple[str, str, bool]]:
        """``(sender, flags, captured)`` per segment, for tests and summaries."""
        return [(s.endpoint, s.flag_text, s.captured) for s in self.segments]


def _close_from_segments(side: str, segments: list[SegmentSeen]) -> tuple[State, ...]:
    """Replay the teardown of ``side`` from captured segments (sent by either end, in order).

    The capture's order alone cannot tell crossed FINs apart (both are on the wire at once);
    the acknowledgement numbers can: a FIN sent after the peer's FIN arrived acknowledges it.
    """
    peer = "server" if side == "client" else "client"
    ours = next((i for i, seg in enumerate(segments) if seg.endpoint == side and seg.flags & FIN), None)
    theirs = next((i for i, seg in enumerate(segments) if seg.endpoint == peer and seg.flags & FIN), None)

    def acks_fin_of(fin_index: int, seg: SegmentSeen) -> bool:
        fin = segments[fin_index]
        return seg.endpoint != fin.endpoint and bool(seg.flags & ACK) and seg.rel_ack >= fin.rel_seq + 1

    if ours is not None and (theirs is None or not acks_fin_of(theirs, segments[ours])):
        # We sent our FIN before theirs had reached us: the active close.
        path = [State.ESTABLISHED, State.FIN_WAIT_1]
        before_theirs = segments[ours + 1 : theirs] if theirs is not None and theirs > ours else []
        if theirs is None:
            if any(acks_fin_of(ours, seg) for seg in segments[ours + 1 :]):
                path.append(State.FIN_WAIT_2)
        elif any(acks_fin_of(ours, seg) for seg in before_theirs):
            path += [State.FIN_WAIT_2, State.TIME_WAIT]  # our FIN acked first: the ordinary close
        elif acks_fin_of(ours, segments[theirs]):
            path.append(State.TIME_WAIT)  # their FIN acked ours: straight to TIME-WAIT
        else:
            path += [State.CLOSING, State.TIME_WAIT]  # the FINs crossed
        return tuple(path)
    if theirs is None:
        return (State.ESTABLISHED,)
    path = [State.ESTABLISHED, State.CLOSE_WAIT]
    if ours is not None:
        path.append(State.LAST_ACK)
        if any(acks_fin_of(ours, seg) for seg in segments[ours + 1 :]):
            path.append(State.CLOSED)
    return tuple(path)
