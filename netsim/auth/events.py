"""Event types of the challenge-response lesson (registered for JSON Lines round-trips).

The panel and the CLI show the same records: every frame on the wire, every MAC computed,
every comparison and every verdict is one immutable event emitted by a worker thread.
Texts are codes (``step``, ``what``, ``reason``) so each front end can word them in its own
language; ``detail`` holds formulas and numbers, which need no translation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from netsim.core.events import Event, register_event

# ``AuthStep.step`` codes, in the order they usually happen.
STEP_CHALLENGE = "challenge_generated"  # data = the random (or fixed) challenge
STEP_SENT = "frame_sent"  # data = wire bytes, first header_bytes of them the length prefix
STEP_RECEIVED = "frame_received"  # data = wire bytes of one whole frame
STEP_COMPUTED = "mac_computed"  # data = the answer; inputs = the message it covers
STEP_EXPECTED = "mac_expected"  # data = what the verifier expects; inputs = the message
STEP_COMPARED = "compared"  # data = what arrived; detail = result of compare_digest
STEP_REFUSED = "refused"  # a frame or announcement was refused before any MAC work
STEP_ATTACK = "attack"  # an attacker's move; detail says which
STEP_CHAT = "chat"  # a chat message after acceptance (data = payload)
STEP_LESSON_VERDICT = "lesson_verdict"  # lesson protocol: the words its server prints (detail)
STEP_WEAKNESS = "weakness"  # lesson protocol: what the lesson's code does here instead (detail)

# ``AuthStep.what``: which protocol message a frame carries.
WHAT_CHALLENGE = "challenge"
WHAT_RESPONSE = "response"
WHAT_CLIENT_CHALLENGE = "client_challenge"
WHAT_SERVER_PROOF = "server_proof"
WHAT_VERDICT = "verdict"
WHAT_CHAT = "chat"
WHAT_OTHER = ""


@register_event
@dataclass(frozen=True, slots=True)
class AuthStep(Event):
    """One step of one connection.

    ``conn`` is the client's local TCP port, which both ends know (the server as the peer
    port), so the server's and the client's steps of one connection share it.  ``who`` is the
    actor's label (``"server"``, ``"client 1"``, ``"attacker"``).
    """

    conn: int
    who: str
    step: str
    what: str = WHAT_OTHER
    data: bytes = b""
    inputs: bytes = b""
    header_bytes: int = 0
    detail: str = ""
    kind: ClassVar[str] = "AuthStep"


@register_event
@dataclass(frozen=True, slots=True)
class AuthVerdict(Event):
    """How one connection ended for one side.

    On the server (``endpoint="server"``): was the client accepted.  On a client: did the
    server welcome it (and, in mutual mode, did the server prove itself).  ``reason`` is a
    code from :data:`netsim.auth.macs.REASONS`.
    """

    conn: int
    who: str
    accepted: bool
    reason: str
    kind: ClassVar[str] = "AuthVerdict"


@register_event
@dataclass(frozen=True, slots=True)
class ScenarioFinished(Event):
    """A scenario (good run, an attack, several clients) is over.

    ``succeeded`` is the headline: for an attack, did the attacker get in; for a plain run,
    was the client accepted.  ``explanation`` is a code from
    :data:`netsim.auth.macs.EXPLANATIONS` (one sentence on why).
    """

    scenario: str
    succeeded: bool
    explanation: str
    kind: ClassVar[str] = "ScenarioFinished"
