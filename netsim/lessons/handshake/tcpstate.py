"""A table-driven model of TCP's connection states (RFC 9293, section 3.3.2).

Every transition lives in :data:`TRANSITIONS`: *(state, event) -> (segment sent, next state)*.
Nothing else in the code decides a state change; :class:`EndpointModel` only looks rows up,
and :class:`ConnectionModel` wires two endpoints back to back (loopback delivers every segment
at once) and turns each row's "send" column into a modelled segment with sequence and
acknowledgement numbers.

The model is what the textbook says should happen.  What the kernel really did is read by
:mod:`netsim.lessons.handshake.kstate` (states) and :mod:`netsim.lessons.handshake.capture` (segments); the two are shown side by
side and a modelled segment is always marked ``captured=False``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import ClassVar

from netsim.core.events import Event, now_ns, register_event


class State(enum.Enum):
    CLOSED = "CLOSED"
    LISTEN = "LISTEN"
    SYN_SENT = "SYN-SENT"
    SYN_RECEIVED = "SYN-RECEIVED"
    ESTABLISHED = "ESTABLISHED"
    FIN_WAIT_1 = "FIN-WAIT-1"
    FIN_WAIT_2 = "FIN-WAIT-2"
    CLOSE_WAIT = "CLOSE-WAIT"
    CLOSING = "CLOSING"
    LAST_ACK = "LAST-ACK"
    TIME_WAIT = "TIME-WAIT"

    @property
    def kernel_name(self) -> str:
        """The spelling psutil / ``/proc/net/tcp`` use (``CLOSED`` = the kernel lists no socket)."""
        return _TO_KERNEL[self]

    @classmethod
    def from_kernel(cls, name: str) -> State:
        """``FIN_WAIT2`` -> ``State.FIN_WAIT_2``; an absent socket (``CLOSED``/``NONE``) -> CLOSED."""
        try:
            return _FROM_KERNEL[name.upper()]
        except KeyError as exc:
            raise ValueError(f"unknown kernel TCP state: {name!r}") from exc


_TO_KERNEL: dict[State, str] = {
    State.CLOSED: "CLOSED",
    State.LISTEN: "LISTEN",
    State.SYN_SENT: "SYN_SENT",
    State.SYN_RECEIVED: "SYN_RECV",
    State.ESTABLISHED: "ESTABLISHED",
    State.FIN_WAIT_1: "FIN_WAIT1",
    State.FIN_WAIT_2: "FIN_WAIT2",
    State.CLOSE_WAIT: "CLOSE_WAIT",
    State.CLOSING: "CLOSING",
    State.LAST_ACK: "LAST_ACK",
    State.TIME_WAIT: "TIME_WAIT",
}
_FROM_KERNEL: dict[str, State] = {v: k for k, v in _TO_KERNEL.items()} | {
    "CLOSE": State.CLOSED,
    "NONE": State.CLOSED,
    "NEW_SYN_RECV": State.SYN_RECEIVED,
}


class Ev(enum.Enum):
    """What happens to one end: an application call, or a segment arriving."""

    PASSIVE_OPEN = "listen()"
    ACTIVE_OPEN = "connect()"
    SEND = "send()"
    CLOSE = "close()"
    ABORT = "close() with unread data"
    RCV_SYN = "rcv SYN"
    RCV_SYN_ACK = "rcv SYN/ACK"
    RCV_ACK = "rcv ACK"
    RCV_DATA = "rcv data"
    RCV_FIN = "rcv FIN"
    RCV_FIN_ACK = "rcv FIN/ACK of our FIN"
    RCV_RST = "rcv RST"
    TIMEOUT_2MSL = "2MSL timeout"


# TCP flag bits, as on the wire.
FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10
_FLAG_NAMES = ((SYN, "SYN"), (FIN, "FIN"), (RST, "RST"), (PSH, "PSH"), (ACK, "ACK"))


def flag_text(flags: int) -> str:
    """``0x12`` -> ``"SYN/ACK"`` (SYN, FIN, RST, PSH, then ACK, joined by ``/``)."""
    names = [name for bit, name in _FLAG_NAMES if flags & bit]
    return "/".join(names) if names else "-"


@dataclass(frozen=True, slots=True)
class Transition:
    state: State
    event: Ev
    send: int  # flag bits of the segment this end sends (0: none); PSH/ACK carries the data
    next: State
    note: str = ""


S = State
# The whole state machine.  Order is irrelevant; (state, event) pairs are unique (tested).
TRANSITIONS: tuple[Transition, ...] = (
    Transition(S.CLOSED, Ev.PASSIVE_OPEN, 0, S.LISTEN, "bind() + listen()"),
    Transition(S.CLOSED, Ev.ACTIVE_OPEN, SYN, S.SYN_SENT, "connect() sends SYN"),
    Transition(S.CLOSED, Ev.RCV_SYN, RST | ACK, S.CLOSED, "nobody listens: the kernel answers RST"),
    Transition(S.LISTEN, Ev.RCV_SYN, SYN | ACK, S.SYN_RECEIVED),
    Transition(S.LISTEN, Ev.CLOSE, 0, S.CLOSED),
    Transition(S.SYN_SENT, Ev.RCV_SYN_ACK, ACK, S.ESTABLISHED),
    Transition(S.SYN_SENT, Ev.RCV_RST, 0, S.CLOSED, "connection refused"),
    Transition(S.SYN_SENT, Ev.CLOSE, 0, S.CLOSED),
    Transition(S.SYN_RECEIVED, Ev.RCV_ACK, 0, S.ESTABLISHED, "queued for accept()"),
    Transition(S.SYN_RECEIVED, Ev.RCV_RST, 0, S.LISTEN),
    Transition(S.ESTABLISHED, Ev.SEND, PSH | ACK, S.ESTABLISHED),
    Transition(S.ESTABLISHED, Ev.RCV_DATA, ACK, S.ESTABLISHED),
    Transition(S.ESTABLISHED, Ev.RCV_ACK, 0, S.ESTABLISHED),
    Transition(S.ESTABLISHED, Ev.CLOSE, FIN | ACK, S.FIN_WAIT_1),
    Transition(S.ESTABLISHED, Ev.ABORT, RST | ACK, S.CLOSED, "unread data: RST instead of FIN"),
    Transition(S.ESTABLISHED, Ev.RCV_FIN, ACK, S.CLOSE_WAIT),
    Transition(S.ESTABLISHED, Ev.RCV_RST, 0, S.CLOSED, "connection reset"),
    Transition(S.FIN_WAIT_1, Ev.RCV_ACK, 0, S.FIN_WAIT_2),
    Transition(S.FIN_WAIT_1, Ev.RCV_FIN, ACK, S.CLOSING, "simultaneous close"),
    Transition(S.FIN_WAIT_1, Ev.RCV_FIN_ACK, ACK, S.TIME_WAIT),
    Transition(S.FIN_WAIT_1, Ev.CLOSE, 0, S.FIN_WAIT_1, "FIN already sent"),
    Transition(S.FIN_WAIT_1, Ev.RCV_RST, 0, S.CLOSED),
    Transition(S.FIN_WAIT_2, Ev.RCV_DATA, ACK, S.FIN_WAIT_2, "half-closed: can still receive"),
    Transition(S.FIN_WAIT_2, Ev.RCV_FIN, ACK, S.TIME_WAIT),
    Transition(S.FIN_WAIT_2, Ev.CLOSE, 0, S.FIN_WAIT_2, "FIN already sent"),
    Transition(S.FIN_WAIT_2, Ev.RCV_RST, 0, S.CLOSED),
    Transition(S.CLOSE_WAIT, Ev.SEND, PSH | ACK, S.CLOSE_WAIT, "half-closed: can still send"),
    Transition(S.CLOSE_WAIT, Ev.RCV_ACK, 0, S.CLOSE_WAIT),
    Transition(S.CLOSE_WAIT, Ev.CLOSE, FIN | ACK, S.LAST_ACK),
    Transition(S.CLOSE_WAIT, Ev.ABORT, RST | ACK, S.CLOSED),
    Transition(S.CLOSE_WAIT, Ev.RCV_RST, 0, S.CLOSED),
    Transition(S.CLOSING, Ev.RCV_ACK, 0, S.TIME_WAIT),
    Transition(S.CLOSING, Ev.CLOSE, 0, S.CLOSING, "FIN already sent"),
    Transition(S.LAST_ACK, Ev.RCV_ACK, 0, S.CLOSED),
    Transition(S.LAST_ACK, Ev.RCV_RST, 0, S.CLOSED),
    Transition(S.TIME_WAIT, Ev.RCV_FIN, ACK, S.TIME_WAIT, "retransmitted FIN: ACK again"),
    Transition(S.TIME_WAIT, Ev.CLOSE, 0, S.TIME_WAIT, "FIN already sent"),
    Transition(S.TIME_WAIT, Ev.TIMEOUT_2MSL, 0, S.CLOSED, "2 x MSL (Linux: 60 s)"),
)
del S

_TABLE: dict[tuple[State, Ev], Transition] = {(t.state, t.event): t for t in TRANSITIONS}


class ModelError(Exception):
    """The table has no row for this (state, event): the call is not valid in this state."""


def lookup(state: State, event: Ev) -> Transition:
    try:
        return _TABLE[(state, event)]
    except KeyError:
        raise ModelError(f"no transition for {event.value} in {state.value}") from None


@register_event
@dataclass(frozen=True, slots=True)
class SegmentSeen(Event):
    """One TCP segment, sent by ``endpoint``.

    ``captured`` is true only for a segment read off the loopback interface; then ``frame`` holds
    the whole frame (14-byte Ethernet header, IPv4, TCP, payload) and ``wall_ns`` the capture
    time (``time.time_ns()``) for pcap export.  A modelled segment (``captured=False``) has no
    bytes and ``window == -1``.  ``rel_seq``/``rel_ack`` are relative to each direction's initial
    sequence number, as Wireshark shows them.  ``cause`` is the socket call that produced it.
    """

    captured: bool
    flags: int
    seq: int
    ack: int
    rel_seq: int
    rel_ack: int
    payload_len: int
    window: int = -1
    payload: bytes = b""
    src: str = ""
    dst: str = ""
    frame: bytes = b""
    wall_ns: int = 0
    cause: str = ""
    kind: ClassVar[str] = "SegmentSeen"

    @property
    def flag_text(self) -> str:
        return flag_text(self.flags)


@register_event
@dataclass(frozen=True, slots=True)
class StateModelled(Event):
    """The model moved ``endpoint`` along one row of :data:`TRANSITIONS`."""

    prev: str
    event: str
    next: str
    sent: int = 0
    kind: ClassVar[str] = "StateModelled"


@dataclass(slots=True)
class EndpointModel:
    """One end's state plus its sequence-space bookkeeping."""

    name: str
    isn: int
    state: State = State.CLOSED
    snd_nxt: int = 0
    rcv_nxt: int = 0
    peer_isn: int = 0
    fin_seq: int = -1  # sequence number of our FIN once sent

    def __post_init__(self) -> None:
        self.snd_nxt = self.isn

    def apply(self, event: Ev) -> Transition:
        row = lookup(self.state, event)
        self.state = row.next
        return row


@dataclass(frozen=True, slots=True)
class Modelled:
    """One step of the model: ``endpoint`` took ``row``; ``segment`` is what it sent, if anything."""

    endpoint: str
    row: Transition
    segment: SegmentSeen | None


@dataclass(slots=True)
class ConnectionModel:
    """Two endpoints on loopback: every segment arrives at once, in order.

    ``call(endpoint, event)`` applies an application call and then delivers whatever is in flight
    until the wire is quiet; ``calls([...])`` applies several calls before delivering (both ends
    closing at once).  Both return the rows taken, in order, with the segments they sent.
    """

    client_isn: int = 1_000
    server_isn: int = 5_000
    ends: dict[str, EndpointModel] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.ends:
            self.ends = {
                "client": EndpointModel("client", self.client_isn),
                "server": EndpointModel("server", self.server_isn),
            }

    def state(self, endpoint: str) -> State:
        return self.ends[endpoint].state

    def states(self) -> dict[str, State]:
        return {name: end.state for name, end in self.ends.items()}

    def call(self, endpoint: str, event: Ev, nbytes: int = 0, cause: str = "") -> list[Modelled]:
        return self.calls([(endpoint, event, nbytes)], cause=cause)

    def calls(self, calls: list[tuple[str, Ev, int]], cause: str = "") -> list[Modelled]:
        out: list[Modelled] = []
        wire: list[SegmentSeen] = []
        for endpoint, event, nbytes in calls:
            step = self._take(endpoint, event, nbytes, cause)
            out.append(step)
            if step.segment is not None:
                wire.append(step.segment)
        while wire:
            seg = wire.pop(0)
            receiver = "server" if seg.endpoint == "client" else "client"
            for step in self._receive(receiver, seg, cause):
                out.append(step)
                if step.segment is not None:
                    wire.append(step.segment)
        return out

    def _take(self, endpoint: str, event: Ev, nbytes: int, cause: str) -> Modelled:
        end = self.ends[endpoint]
        row = end.apply(event)
        seg = self._segment(end, row.send, nbytes if row.send & PSH else 0, cause) if row.send else None
        return Modelled(endpoint, row, seg)

    def _segment(
        self, end: EndpointModel, flags: int, nbytes: int, cause: str, *, refuse: bool = False
    ) -> SegmentSeen:
        seq = 0 if refuse else end.snd_nxt  # RST answering a SYN: seq 0, ACK = their ISN + 1
        ack = end.rcv_nxt if flags & ACK else 0
        end.snd_nxt += nbytes + (1 if flags & (SYN | FIN) else 0)
        if flags & FIN:
            end.fin_seq = seq
        own_isn = 0 if refuse else end.isn
        return SegmentSeen(
            now_ns(),
            end.name,
            captured=False,
            flags=flags,
            seq=seq,
            ack=ack,
            rel_seq=seq - own_isn,
            rel_ack=(ack - end.peer_isn) if flags & ACK else 0,
            payload_len=nbytes,
            payload=b"",
            cause=cause,
        )

    def _receive(self, receiver: str, seg: SegmentSeen, cause: str) -> list[Modelled]:
        end = self.ends[receiver]
        if seg.flags & SYN:
            end.peer_isn = seg.seq
        if not seg.flags & RST:
            end.rcv_nxt = seg.seq + seg.payload_len + (1 if seg.flags & (SYN | FIN) else 0)
        events = self._classify(end, seg)
        out: list[Modelled] = []
        for event in events:
            row = lookup(end.state, event) if (end.state, event) in _TABLE else None
            if row is None:
                if event in (Ev.RCV_ACK, Ev.RCV_DATA):
                    continue  # an ACK or data with nothing to change (e.g. CLOSED after RST)
                raise ModelError(f"{receiver}: no transition for {event.value} in {end.state.value}")
            end.state = row.next
            segment = None
            if row.send:
                refuse = bool(row.send & RST) and row.state is State.CLOSED
                segment = self._segment(end, row.send, 0, cause, refuse=refuse)
            out.append(Modelled(receiver, row, segment))
        return out

    @staticmethod
    def _classify(end: EndpointModel, seg: SegmentSeen) -> list[Ev]:
        f = seg.flags
        if f & RST:
            return [Ev.RCV_RST]
        if f & SYN:
            return [Ev.RCV_SYN_ACK if f & ACK else Ev.RCV_SYN]
        events: list[Ev] = []
        acks_our_fin = end.fin_seq >= 0 and bool(f & ACK) and seg.ack >= end.fin_seq + 1
        waits_for_fin_ack = end.state in (State.FIN_WAIT_1, State.CLOSING, State.LAST_ACK)
        if f & FIN:
            if end.state is State.FIN_WAIT_1 and acks_our_fin:
                return [Ev.RCV_FIN_ACK]
            if seg.payload_len:
                events.append(Ev.RCV_DATA)
            events.append(Ev.RCV_FIN)
            return events
        if seg.payload_len:
            return [Ev.RCV_DATA]
        if waits_for_fin_ack and not acks_our_fin:
            return []  # an ACK of earlier data: nothing changes until our FIN is acknowledged
        return [Ev.RCV_ACK]


def states_reachable() -> set[State]:
    """Every state that appears in the table (all eleven, tested)."""
    return {t.state for t in TRANSITIONS} | {t.next for t in TRANSITIONS}
