"""Predict the recv(): think before you look.

Each round picks a situation from the lesson (two sends, a late or prompt reader, a small
``recv()``, UDP, with or without the relay in the middle) and two short messages, then asks
what the **first** ``recv()``/``recvfrom()`` returns.  The answer is never computed: the
situation is run for real on loopback, and the choices (2-4 of them) are built around what
really came back, with one sentence saying why.

Planning (:func:`plan_round`) does no I/O; :func:`grade` reads a finished run's trace; the CLI
(:func:`ask`) and the GUI run the lab in between in their own way.  Texts are English here; a
GUI translates them by ``situation`` and ``why`` key.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from netsim.core.events import BytesReceived
from netsim.core.trace import Trace
from netsim.lab.relay import SegmentForwarded, WireConfig
from netsim.lessons.sticky.lab import StreamLab
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
SITUATIONS_BY_ID = {s.situation_id: s for s in SITUATIONS}

WHY: dict[str, str] = {
    "merged": "Both sends were already in the receive queue when recv() ran, and TCP keeps no message boundaries.",
    "prompt": "recv() returns as soon as some bytes arrive: the first message came alone, before the second was sent.",
    "capped": "recv(n) returns at most n bytes; the rest stays in the receive queue for the next call.",
    "segment": "The relay cut the stream into small segments; recv() returned as soon as the first one arrived.",
    "late-segments": "The segments had all arrived while the receiver slept: recv() returns whatever is queued.",
    "delayed": "Each segment spent 50 ms on the wire; the second arrived 30 ms after the first, so recv() got the first alone.",
    "datagram": "Each recvfrom() returns exactly one datagram, however many are waiting behind it.",
    "truncated": "The datagram was larger than the recvfrom() size: the rest of it is discarded, not kept for later.",
    "lost": "The first datagram was lost on the wire and UDP does not resend it, so recvfrom() returned the second.",
    "other": "recv() returns whatever is in the receive queue at that moment, up to its size.",
}


@dataclass(frozen=True, slots=True)
class Round:
    """A planned round: what will run, before anything has."""

    situation: Situation
    scenario: Scenario
    messages: tuple[bytes, bytes]
    seed: int  # for the choices' order

    @property
    def setup(self) -> str:
        a, b = self.messages
        return self.situation.setup.replace("(a)", f"({a!r})").replace("(b)", f"({b!r})")


@dataclass(frozen=True, slots=True)
class Question:
    """A graded round: the choices, which one the run proved right, and why."""

    round: Round
    choices: tuple[bytes, ...]
    answer: int  # index into choices
    result: bytes  # what the first recv() really returned
    why: str  # a key of WHY

    @property
    def why_text(self) -> str:
        return WHY[self.why]


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
    a, b = rng.choice(WORDS)
    base = Scenario(messages=(a, b), recv_bytes=1024)
    sid = situation.situation_id
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


def first_recv(trace: Trace) -> bytes | None:
    for ev in trace.events:
        if isinstance(ev, BytesReceived):
            return ev.data
    return None


def _why(rnd: Round, trace: Trace, result: bytes) -> str:
    a, b = rnd.messages
    sc = rnd.scenario
    if sc.transport == "udp":
        first = next(e for e in trace.events if isinstance(e, BytesReceived))
        if first.truncated:
            return "truncated"
        if result == b and sc.loss:
            return "lost"
        return "datagram" if result in (a, b) else "other"
    segmented = any(isinstance(e, SegmentForwarded) for e in trace.events)
    if result == a + b:
        return "late-segments" if segmented else "merged"
    if len(result) == sc.recv_bytes and len(result) < len(a):
        return "capped"
    if segmented and len(result) < len(a):
        return "segment"
    if result == a:
        return "delayed" if sc.wire_delay_ms else "prompt"
    return "other"


def grade(rnd: Round, trace: Trace) -> Question:
    """Build the question around what the run's first recv() really returned."""
    result = first_recv(trace)
    if result is None:
        raise RuntimeError(
            "the run ended before its first recv() returned: " + "; ".join(trace.analyze().errors)
        )
    a, b = rnd.messages
    pool = [a, a + b, a[:SMALL_RECV], b]
    distractors = [c for c in dict.fromkeys(pool) if c != result]
    rng = random.Random(rnd.seed)
    rng.shuffle(distractors)
    choices = [result, *distractors[:3]]
    rng.shuffle(choices)
    return Question(rnd, tuple(choices), choices.index(result), result, _why(rnd, trace, result))


def run_round(rnd: Round, timeout_s: float = 20.0) -> Trace:
    """Run the round's situation for real (blocking; the CLI's way, not the GUI's)."""
    with StreamLab(rnd.scenario) as lab:
        lab.start()
        if not lab.wait(timeout_s):
            raise RuntimeError(f"the run did not finish within {timeout_s} s")
    return Trace(lab.recorder.events)


def ask(rng: random.Random, situation_id: str | None = None) -> Question:
    rnd = plan_round(rng, situation_id)
    return grade(rnd, run_round(rnd))
