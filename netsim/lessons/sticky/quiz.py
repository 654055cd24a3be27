"""Predict the recv(): think before you look, at every recv() of a run.

Each round picks a situation (two sends, a late or prompt reader, a small ``recv()``, UDP, with
or without the relay in the middle, or one of the lesson's presets), runs it for real on
loopback, and asks, for each ``recv()``/``recvfrom()`` in turn, what it returns - up to
:data:`MAX_QUESTIONS` per round, in the order the receiver made them, the last being the
``b''`` of a TCP peer that closed.  The answers are never computed: they are what the run's
receiver really got (its ``BytesReceived`` events, and the ``recv()`` that returned ``b''``).
The 2-4 choices of each question are built around that answer from the sends and the recv()
size (one send, everything queued, two sends, the recv() size, a relay segment, ``b''``,
"nothing: it keeps waiting"), with one sentence saying why.

Planning (:func:`plan_round`) does no I/O; :func:`grade` reads a finished run's trace; the CLI
(:func:`ask`) and the GUI run the lab in between in their own way.  Texts are English here; a
GUI translates them by ``situation`` and ``why`` key (with ``why_args``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from netsim.core.events import BytesReceived, BytesSent, Event, SocketCalled
from netsim.core.trace import Trace
from netsim.lab.relay import SegmentForwarded, WireConfig
from netsim.lessons.sticky.lab import EOF_RESULT, StreamLab
from netsim.lessons.sticky.presets import PRESETS_BY_ID
from netsim.lessons.sticky.scenario import Scenario

# Pairs of messages that look different enough to tell prefixes and joins apart.
WORDS: tuple[tuple[bytes, bytes], ...] = (
    (b"hello", b"world"),
    (b"ping", b"pong"),
    (b"abcde", b"fghij"),
    (b"GET /", b"index"),
    (b"left", b"right"),
    (b"first", b"second"),
)
SMALL_RECV = 3  # the recv() size / MSS in the "small" situations: shorter than every first message


@dataclass(frozen=True, slots=True)
class Situation:
    situation_id: str
    setup: str  # English: the code and the network, as the student sees it before answering


SITUATIONS: tuple[Situation, ...] = (
    Situation("late-reader", "TCP: send(a); send(b) at once; the receiver sleeps 100 ms, then recv(1024)."),
    Situation(
        "prompt-reader", "TCP: send(a); 100 ms later send(b); the receiver is already waiting in recv(1024)."
    ),
    Situation("small-recv", f"TCP: send(a); send(b); the receiver sleeps 50 ms, then recv({SMALL_RECV})."),
    Situation("udp-late", "UDP: sendto(a); sendto(b); the receiver sleeps 100 ms, then recvfrom(1024)."),
    Situation(
        "udp-small", f"UDP: sendto(a); sendto(b); the receiver sleeps 50 ms, then recvfrom({SMALL_RECV})."
    ),
    Situation(
        "relay-segments",
        f"TCP through a relay (MSS {SMALL_RECV} bytes, 2 kbit/s link): send(a); send(b); "
        "the receiver is already waiting in recv(1024).",
    ),
    Situation(
        "relay-late",
        f"TCP through a relay (MSS {SMALL_RECV} bytes): send(a); send(b); the receiver sleeps 150 ms, "
        "then recv(1024).",
    ),
    Situation(
        "relay-delay",
        "TCP through a relay that delays every segment 50 ms: send(a); 30 ms later send(b); "
        "the receiver is already waiting in recv(1024).",
    ),
    Situation(
        "udp-lossy",
        "UDP through a relay that loses half the datagrams: sendto(a); sendto(b); the receiver "
        "sleeps 100 ms, then recvfrom(1024).",
    ),
)
# Presets of the lesson that make good rounds: a few recv() calls each, run in well under a second.
PRESET_SITUATIONS: tuple[Situation, ...] = (
    Situation(
        "hello-world",
        "TCP, as in the lesson: the server calls send(a); send(b), then close(); the client sleeps "
        "100 ms, then recv(1024).",
    ),
    Situation(
        "empty-tcp",
        "TCP: send(b'hello'); send(b''); send(b'world'), then close(); the receiver sleeps 100 ms, "
        "then recv(1024).",
    ),
    Situation(
        "half-packet",
        "TCP: one send(b'hello, this is one message'), then close(); the receiver sleeps 20 ms, then recv(4).",
    ),
    Situation(
        "length-prefix",
        "TCP with a 4-byte length prefix: send(struct.pack('!I', 5) + b'hello'); the same for b'world'; "
        "close(); the receiver sleeps 100 ms, then recv(1024).",
    ),
    Situation(
        "udp-boundaries", "UDP: sendto(a); sendto(b); the receiver sleeps 100 ms, then recvfrom(1024)."
    ),
    Situation(
        "empty-udp",
        "UDP: sendto(b'hello'); sendto(b''); sendto(b'world'); the receiver sleeps 100 ms, then "
        "recvfrom(1024).",
    ),
    Situation(
        "internet",
        "TCP across the Internet (a relay: MSS 1,448 bytes, 30 ms): ten send() calls of 4,096 bytes; "
        "the receiver is already waiting in recv(65536).",
    ),
)
SITUATIONS = SITUATIONS + PRESET_SITUATIONS
SITUATIONS_BY_ID = {s.situation_id: s for s in SITUATIONS}
MAX_QUESTIONS = 6  # questions per round: the first recv() calls of the run, at most this many

# Common to every round: the receiver loops.
LOOP_TCP = (
    "The receiver calls recv() again (after the same wait) until it returns b'': the sender closes when done."
)
LOOP_UDP = "The receiver calls recvfrom() again (after the same wait) for every datagram that comes."
WAITING = "nothing: it keeps waiting"  # how a None choice reads: recv() does not return

WHY: dict[str, str] = {
    "merged": "Both sends were already in the receive queue when recv() ran, and TCP keeps no message boundaries.",
    "several": "Bytes of {k} sends were already in the receive queue when recv() ran, and TCP keeps no message boundaries.",
    "empty-send": "send(b'') put nothing on the stream; the other sends were already in the receive queue together.",
    "alone": "recv() returns as soon as some bytes arrive: this send arrived alone, before anything after it.",
    "capped": "recv({n}) returns at most {n} bytes; the rest stays in the receive queue for the next call.",
    "rest": "The rest of a message that the previous recv() left in the receive queue.",
    "partial": "Only part of the message had arrived; recv() returns what is there and does not wait for the rest.",
    "segment": "The relay cut the stream into segments of at most {mss:,} bytes; recv() returned what had arrived.",
    "late-segments": "The segments had all arrived while the receiver slept: recv() returns whatever is queued.",
    "segments-queued": "Several segments had arrived before recv() ran: it returns all that is queued, up to its size.",
    "delayed": "The relay delayed every segment by the same time, so the sends arrived as far apart as they were sent.",
    "eof": "The peer closed: everything it sent has been read, so recv() returns b''.",
    "datagram": "Each recvfrom() returns exactly one datagram, however many are waiting behind it.",
    "empty-datagram": "sendto(b'') sent a real, empty datagram: recvfrom() returns b'' for it.",
    "truncated": "The datagram was larger than the recvfrom() size: the rest of it is discarded, not kept for later.",
    "lost": "A datagram sent before this one was lost on the wire, and UDP does not resend it.",
    "late": "This datagram was held back on the wire: UDP does not put datagrams back in order.",
    "duplicate": "The wire delivered this datagram twice, and UDP does not notice.",
    "other": "recv() returns whatever is in the receive queue at that moment, up to its size.",
}


@dataclass(frozen=True, slots=True)
class Round:
    """A planned round: what will run, before anything has."""

    situation: Situation
    scenario: Scenario
    messages: tuple[bytes, ...]
    seed: int  # for the choices' order

    @property
    def setup(self) -> str:
        text = self.situation.setup
        if len(self.messages) >= 2:
            a, b = self.messages[:2]
            text = text.replace("(a)", f"({a!r})").replace("(b)", f"({b!r})")
        return text

    @property
    def loop(self) -> str:
        return LOOP_UDP if self.scenario.transport == "udp" else LOOP_TCP

    @property
    def call(self) -> str:
        """The receiver's call, as the questions name it."""
        name = "recvfrom" if self.scenario.transport == "udp" else "recv"
        return f"{name}({self.scenario.recv_bytes})"


Choice = bytes | None  # None: "nothing: it keeps waiting" (recv() does not return)


def choice_text(choice: Choice, waiting: str = WAITING) -> str:
    """A choice as the student reads it: ``b'hello'``, ``b'abc…'(4096 B)``, or the waiting sentence."""
    if choice is None:
        return waiting
    return repr(choice) if len(choice) <= 24 else f"{choice[:10]!r}… ({len(choice):,} B)"


@dataclass(frozen=True, slots=True)
class Question:
    """One recv() of a graded round: the choices, which one the run proved right, and why."""

    round: Round
    number: int  # 1-based: the number-th recv()/recvfrom() of the run
    choices: tuple[Choice, ...]
    answer: int  # index into choices
    result: bytes  # what that recv() really returned
    why: str  # a key of WHY
    why_args: tuple[tuple[str, int], ...] = ()

    @property
    def why_text(self) -> str:
        return WHY[self.why].format(**dict(self.why_args))

    @property
    def eof(self) -> bool:
        return self.result == b"" and self.round.scenario.transport == "tcp"


@dataclass(frozen=True, slots=True)
class Graded:
    """A round after its run: its questions (at most MAX_QUESTIONS), and how many recv() calls it made."""

    round: Round
    questions: tuple[Question, ...]
    recv_calls: int

    @property
    def capped(self) -> bool:
        return self.recv_calls > len(self.questions)


def _first_lost_seed(rng: random.Random) -> int:
    """A relay seed under which datagram 0 is lost and datagram 1 is not (the choice is made by index)."""
    while True:
        seed = rng.randrange(2**31)
        cfg = WireConfig(loss=0.5, seed=seed)
        if cfg.udp_rng("c2s", 0).random() < 0.5 <= cfg.udp_rng("c2s", 1).random():
            return seed


def plan_round(rng: random.Random, situation_id: str | None = None) -> Round:
    """Choose a situation and two messages; no I/O."""
    situation = SITUATIONS_BY_ID[situation_id] if situation_id else rng.choice(SITUATIONS)
    sid = situation.situation_id
    if sid in PRESETS_BY_ID:  # one of the lesson's presets, as it is
        sc = PRESETS_BY_ID[sid].scenario
        return Round(situation, sc.replace(name=f"quiz: {sid}"), sc.messages, rng.randrange(2**31))
    a, b = rng.choice(WORDS)
    base = Scenario(messages=(a, b), recv_bytes=1024)
    if sid == "late-reader":
        sc = base.replace(receiver_delay_ms=100)
    elif sid == "prompt-reader":
        sc = base.replace(send_delay_ms=100, nodelay=True)
    elif sid == "small-recv":
        sc = base.replace(recv_bytes=SMALL_RECV, receiver_delay_ms=50)
    elif sid == "udp-late":
        sc = base.replace(transport="udp", receiver_delay_ms=100)
    elif sid == "udp-small":
        sc = base.replace(transport="udp", recv_bytes=SMALL_RECV, receiver_delay_ms=50)
    elif sid == "relay-segments":
        sc = base.replace(mss=SMALL_RECV, wire_rate_kbps=2, nodelay=True)  # a segment every 12 ms
    elif sid == "relay-late":
        sc = base.replace(mss=SMALL_RECV, receiver_delay_ms=150)
    elif sid == "relay-delay":
        sc = base.replace(wire_delay_ms=50, send_delay_ms=30, nodelay=True)
    else:  # udp-lossy
        sc = base.replace(transport="udp", loss=0.5, seed=_first_lost_seed(rng), receiver_delay_ms=100)
    return Round(situation, sc.replace(name=f"quiz: {sid}"), (a, b), rng.randrange(2**31))


def is_recv_result(ev: Event, receiver: str) -> bool:
    """Is ``ev`` what one recv()/recvfrom() of ``receiver`` returned (bytes, or b'' at EOF)?"""
    if isinstance(ev, BytesReceived):
        return ev.endpoint == receiver
    return isinstance(ev, SocketCalled) and ev.endpoint == receiver and ev.result == EOF_RESULT


def recv_results(trace: Trace, receiver: str) -> list[Event]:
    """The receiver's recv() results, in the order it got them."""
    return [ev for ev in trace.events if is_recv_result(ev, receiver)]


def _dedupe(result: bytes, pool: list[Choice]) -> list[Choice]:
    """Distractors in the pool's order: each reads differently from the answer and from each other."""
    seen = {choice_text(result)}
    out: list[Choice] = []
    for c in pool:
        text = choice_text(c)
        if text not in seen:
            seen.add(text)
            out.append(c)
    return out


class _Stream:
    """What the sender put on the wire, from the trace: the bytes and where each send ends."""

    def __init__(self, trace: Trace, sender: str) -> None:
        sends = [e for e in trace.events if isinstance(e, BytesSent) and e.endpoint == sender]
        self.sends = sends
        self.total = max((e.end for e in sends), default=0)
        data = bytearray(self.total)
        for e in sends:
            if len(e.data) == e.end - e.start:
                data[e.start : e.end] = e.data
        self.data = bytes(data)
        self.bounds = sorted({e.end for e in sends if e.end > e.start} | {0})

    def next_bound(self, offset: int, skip: int = 0) -> int:
        later = [b for b in self.bounds if b > offset]
        return later[min(skip, len(later) - 1)] if later else self.total


def _tcp_question(
    rnd: Round, stream: _Stream, segments: set[int], start: int, result: bytes
) -> tuple[list[Choice], str, tuple[tuple[str, int], ...]]:
    """Distractors and the why of one TCP recv() that returned ``result`` at stream offset ``start``."""
    sc = rnd.scenario
    n = sc.recv_bytes
    end = start + len(result)
    if not result:  # EOF
        last = stream.sends[-1].data if stream.sends else b""
        return _dedupe(result, [None, last, stream.data[-n:]]), "eof", ()
    rest = stream.data[start:]
    one = stream.data[start : stream.next_bound(start)]
    two = stream.data[start : stream.next_bound(start, 1)]
    pool: list[Choice] = [one, rest[:n], two[:n]]
    if sc.mss:
        pool.append(rest[: sc.mss])
    pool += [rest[: max(1, len(one) // 2)], b"", None]
    distractors = _dedupe(result, pool)
    inside = [b for b in stream.bounds if start < b < end]
    at_start, at_end = start in stream.bounds, end in stream.bounds or end == stream.total
    if len(result) == n and stream.total - start > n:
        return distractors, "capped", (("n", n),)
    if at_start and at_end and not inside:  # exactly one send
        return distractors, ("delayed" if sc.wire_delay_ms else "alone"), ()
    mss = sc.mss
    if mss and end in segments and len(result) <= mss and (start in segments or start == 0):
        return distractors, "segment", (("mss", mss),)  # exactly one segment, send boundaries or not
    if inside:
        crossed = [e for e in stream.sends if e.start < end and e.end > start]
        if any(e.start == e.end for e in crossed):
            return distractors, "empty-send", ()
        if segments:
            return distractors, ("late-segments" if sc.receiver_delay_ms else "segments-queued"), ()
        if len(inside) == 1 and at_start and at_end:
            return distractors, "merged", ()
        return distractors, "several", (("k", len(crossed)),)
    if mss and (end in segments or start in segments):
        return distractors, "segment", (("mss", mss),)
    return distractors, ("partial" if not at_end else "rest"), ()


def _udp_question(
    rnd: Round, stream: _Stream, ev: BytesReceived, expected: int, seen: set[int]
) -> tuple[list[Choice], str]:
    """Distractors and the why of one recvfrom() (``expected``: the datagram due next, if none was lost)."""
    n = rnd.scenario.recv_bytes
    by_id = {e.msg_id: e.data for e in stream.sends}
    nxt = by_id.get(expected, b"")
    after = by_id.get(expected + 1)
    pool: list[Choice] = [nxt, nxt + (after or b""), nxt[:n]]
    if after is not None:
        pool.append(after)
    pool += [b"", None]
    distractors = _dedupe(ev.data, pool)
    if ev.truncated:
        why = "truncated"
    elif ev.datagram in seen:
        why = "duplicate"
    elif ev.datagram > expected:
        why = "lost"
    elif ev.datagram < expected:
        why = "late"
    elif not ev.data:
        why = "empty-datagram"
    else:
        why = "datagram"
    return distractors, why


def grade(rnd: Round, trace: Trace) -> Graded:
    """Build one question per recv() of the run (the first MAX_QUESTIONS), around what it really returned."""
    sc = rnd.scenario
    results = recv_results(trace, sc.receiving_end)
    if not results:
        raise RuntimeError(
            "the run ended before its first recv() returned: " + "; ".join(trace.analyze().errors)
        )
    stream = _Stream(trace, sc.sender)
    toward = "c2s" if sc.receiving_end == "server" else "s2c"
    segments = {e.end for e in trace.events if isinstance(e, SegmentForwarded) and e.direction == toward}
    rng = random.Random(rnd.seed)
    questions: list[Question] = []
    offset, expected, seen = 0, 0, set[int]()
    for number, ev in enumerate(results[:MAX_QUESTIONS], start=1):
        result = ev.data if isinstance(ev, BytesReceived) else b""
        args: tuple[tuple[str, int], ...] = ()
        if sc.transport == "udp" and isinstance(ev, BytesReceived):
            distractors, why = _udp_question(rnd, stream, ev, expected, seen)
            expected = max(expected, ev.datagram + 1)
            seen.add(ev.datagram)
        else:
            distractors, why, args = _tcp_question(rnd, stream, segments, offset, result)
            offset += len(result)
        choices: list[Choice] = [result, *distractors[:3]]
        rng.shuffle(choices)
        questions.append(Question(rnd, number, tuple(choices), choices.index(result), result, why, args))
    return Graded(rnd, tuple(questions), len(results))


def run_round(rnd: Round, timeout_s: float = 20.0) -> Trace:
    """Run the round's situation for real (blocking; the CLI's way, not the GUI's)."""
    with StreamLab(rnd.scenario) as lab:
        lab.start()
        if not lab.wait(timeout_s):
            raise RuntimeError(f"the run did not finish within {timeout_s} s")
    return Trace(lab.recorder.events)


def ask(rng: random.Random, situation_id: str | None = None) -> Graded:
    rnd = plan_round(rng, situation_id)
    return grade(rnd, run_round(rnd))
