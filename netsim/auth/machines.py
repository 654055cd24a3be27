"""Sans-I/O state machines for both roles of the challenge-response (h11 style).

A machine never touches a socket.  The driver feeds it whole frame payloads with
:meth:`Handshake.receive` and carries out what it asks for, in order, from
:meth:`Handshake.take_actions`: :class:`Note` (show this step) or :class:`Outgoing` (send this
payload as one frame).  ``accepted`` stays ``None`` until the exchange is over.

Two wire protocols:

* ``netsim`` - the lesson, fixed: the server sends ``#CHALLENGE#{variant:digest}`` + random
  bytes, the client answers with a MAC, the server checks it with ``hmac.compare_digest`` and
  says ``#WELCOME#`` or ``#FAILURE#``.  In mutual mode the client sends its own challenge
  before answering, the server proves itself first, then the client answers.
* ``multiprocessing`` - byte-for-byte the handshake of ``multiprocessing.connection``
  (``Listener.accept`` = deliver then answer; ``Client`` = answer then deliver), in CPython
  3.12+'s ``{digest}`` form and, for <= 3.11 peers, the legacy unprefixed HMAC-MD5 form.
* ``lesson`` - the lesson's own exchange, unframed: the server sends ``os.urandom(32)``, the
  client answers with the raw HMAC digest (md5 by default, as the lesson relied on) or, in the
  ``legacy-sha1`` variant, the 40-character SHA-1 hexdigest of key + challenge; the server
  checks it (here with ``hmac.compare_digest``; the lesson's ``==`` is shown, never copied) and
  prints 是合法的客户端 / 不是合法的客户端 - no verdict goes back on the wire.  These machines
  ask for an exact number of bytes (``want``) instead of a frame.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

from netsim.auth import macs
from netsim.auth.events import (
    STEP_CHALLENGE,
    STEP_COMPARED,
    STEP_COMPUTED,
    STEP_EXPECTED,
    STEP_LESSON_VERDICT,
    STEP_REFUSED,
    STEP_WEAKNESS,
    WHAT_CHALLENGE,
    WHAT_CLIENT_CHALLENGE,
    WHAT_OTHER,
    WHAT_RESPONSE,
    WHAT_SERVER_PROOF,
    WHAT_VERDICT,
)

NETSIM = "netsim"
MULTIPROCESSING = "multiprocessing"
LESSON = "lesson"
PROTOCOLS: tuple[str, ...] = (NETSIM, MULTIPROCESSING, LESSON)

# How the lesson protocol's receiver reads: ``exact`` loops until the whole challenge/answer is
# in; ``as-written`` is the lesson's code, one recv(32) on the client, one recv(1024) on the
# server, each trusted - a demonstration of its weakness, never the default.
READS_EXACT = "exact"
READS_AS_WRITTEN = "as-written"
READS: tuple[str, ...] = (READS_EXACT, READS_AS_WRITTEN)

# The insecure server of the replay lesson sends this every time (32 readable bytes).
FIXED_CHALLENGE = b"the same challenge, every time!!"

NonceSource = Callable[[int], bytes]


@dataclass(frozen=True, slots=True)
class AuthConfig:
    """One side's settings.

    ``variant``/``digest`` choose the netsim construction (``digest`` alone for the
    multiprocessing protocol, where ``"md5"`` means the legacy <= 3.11 form).  ``strict``: a
    netsim client refuses a challenge announcing another variant or digest than its own.
    ``accept_legacy``: the multiprocessing side accepts unprefixed HMAC-MD5 (CPython 3.12+
    does, so 3.11 peers still connect).  ``fixed_challenge`` makes an INSECURE server.
    """

    protocol: str = NETSIM
    variant: str = macs.HMAC
    digest: str = macs.DEFAULT_DIGEST
    challenge_bytes: int = macs.DEFAULT_CHALLENGE_BYTES
    fixed_challenge: bytes | None = None
    strict: bool = True
    accept_legacy: bool = True
    max_preauth_frame_bytes: int = macs.MAX_PREAUTH_FRAME_BYTES
    deadline_s: float = 5.0
    # lesson protocol only: how the receiver reads, and a slow/segmenting sender (the
    # challenge leaves in pieces of ``segment_bytes`` with ``segment_pause_s`` between them).
    reads: str = READS_EXACT
    segment_bytes: int = 0
    segment_pause_s: float = 0.0

    def __post_init__(self) -> None:
        if self.protocol not in PROTOCOLS:
            raise ValueError(f"unknown protocol {self.protocol!r}; choose from {PROTOCOLS}")
        if self.protocol == NETSIM:
            if self.variant not in macs.VARIANTS:
                raise ValueError(f"unknown variant {self.variant!r}; choose from {macs.VARIANTS}")
            if self.variant != macs.LEGACY_SHA1 and self.digest not in macs.DIGESTS:
                raise ValueError(f"digest {self.digest!r} not offered; choose from {macs.DIGESTS}")
        elif self.protocol == LESSON:
            if self.variant not in macs.LESSON_VARIANTS:
                raise ValueError(
                    f"the lesson's protocol has variants {macs.LESSON_VARIANTS}, not {self.variant!r}"
                )
            if self.variant == macs.HMAC and self.digest not in macs.LESSON_DIGESTS:
                raise ValueError(f"lesson digest {self.digest!r}; choose from {macs.LESSON_DIGESTS}")
        elif self.digest not in macs.MP_DIGESTS:
            raise ValueError(f"multiprocessing digest {self.digest!r}; choose from {macs.MP_DIGESTS}")
        if self.reads not in READS:
            raise ValueError(f"unknown reads {self.reads!r}; choose from {READS}")
        if self.segment_bytes < 0 or not 0.0 <= self.segment_pause_s <= 5.0:
            raise ValueError("segment_bytes must be >= 0 and segment_pause_s between 0 and 5 s")
        if not 16 <= self.challenge_bytes <= 128:
            raise ValueError("challenge_bytes must be between 16 and 128")
        if not 64 <= self.max_preauth_frame_bytes <= 256:
            raise ValueError("the pre-authentication frame limit must be between 64 and 256 bytes")
        if not (isinstance(self.deadline_s, int | float) and 0 < self.deadline_s <= 3600):
            # NaN fails this test too: a NaN deadline would never expire (a slowloris forever).
            raise ValueError(f"the deadline must be between 0 and 3600 seconds, not {self.deadline_s}")

    @property
    def effective_digest(self) -> str:
        legacy = self.protocol in (NETSIM, LESSON) and self.variant == macs.LEGACY_SHA1
        return "sha1" if legacy else self.digest

    @property
    def answer_bytes(self) -> int:
        """Lesson protocol: the size of the client's answer (40 hex characters for legacy-sha1)."""
        return macs.answer_size(self.variant, self.effective_digest)

    @property
    def length_format(self) -> str:
        # multiprocessing.connection frames with a signed 4-byte length; ours is unsigned.
        return "!i" if self.protocol == MULTIPROCESSING else "!I"


@dataclass(frozen=True, slots=True)
class Note:
    step: str
    what: str = WHAT_OTHER
    data: bytes = b""
    inputs: bytes = b""
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Outgoing:
    payload: bytes
    what: str


Action = Note | Outgoing


class Handshake:
    """Common bookkeeping; subclasses implement ``start`` and ``receive``."""

    role = "?"

    def __init__(self, config: AuthConfig, key: bytes, nonce_source: NonceSource | None = None) -> None:
        self.config = config
        self._key = key
        self._nonce = nonce_source or os.urandom
        self._actions: list[Action] = []
        self.accepted: bool | None = None
        self.reason = ""
        self.expecting = WHAT_CHALLENGE
        self.sent_answers: list[bytes] = []  # what this side sent as MAC answers (for the replay lesson)

    @property
    def finished(self) -> bool:
        return self.accepted is not None

    def start(self) -> None:
        raise NotImplementedError

    def receive(self, payload: bytes) -> None:
        raise NotImplementedError

    def fail(self, reason: str) -> None:
        """The driver ends the exchange (timeout, EOF, oversized frame...)."""
        if self.accepted is None:
            self.accepted = False
            self.reason = reason

    def take_actions(self) -> list[Action]:
        out, self._actions = self._actions, []
        return out

    # -- helpers --
    def _note(self, step: str, **kw: str | bytes) -> None:
        self._actions.append(Note(step, **kw))  # type: ignore[arg-type]

    def _send(self, payload: bytes, what: str) -> None:
        self._actions.append(Outgoing(payload, what))

    def _finish(self, accepted: bool, reason: str) -> None:
        self.accepted = accepted
        self.reason = reason
        self.expecting = WHAT_OTHER

    def _new_nonce(self, size: int) -> tuple[bytes, str]:
        if self.config.fixed_challenge is not None:
            return self.config.fixed_challenge, "fixed challenge (INSECURE: the same every time)"
        return self._nonce(size), f"os.urandom({size})"

    def _check(self, expected: macs.MacResult, received: bytes, what: str) -> str:
        self._note(
            STEP_EXPECTED, what=what, data=expected.value, inputs=expected.message, detail=expected.formula
        )
        result = macs.verify(expected.value, received)
        if result == "wrong_length":
            detail = f"length {len(received)} != {len(expected.value)}: rejected before comparing"
        else:
            detail = f"hmac.compare_digest(expected, received) -> {result == 'ok'}"
        self._note(STEP_COMPARED, what=what, data=received, detail=detail)
        return result


# --- the netsim protocol -----------------------------------------------------------------------


class NetsimServer(Handshake):
    role = "server"

    def start(self) -> None:
        cfg = self.config
        nonce, how = self._new_nonce(cfg.challenge_bytes)
        self._note(STEP_CHALLENGE, what=WHAT_CHALLENGE, data=nonce, detail=how)
        self._body = macs.announce(cfg.variant, cfg.effective_digest) + nonce
        self._send(macs.CHALLENGE_TAG + self._body, WHAT_CHALLENGE)
        self.expecting = (
            WHAT_CLIENT_CHALLENGE if cfg.variant in (macs.MUTUAL, macs.MUTUAL_UNBOUND) else WHAT_RESPONSE
        )

    def receive(self, payload: bytes) -> None:
        cfg = self.config
        if self.expecting == WHAT_CLIENT_CHALLENGE:
            body = payload[len(macs.CHALLENGE_TAG) :]
            if not payload.startswith(macs.CHALLENGE_TAG) or not 16 <= len(body) <= 200:
                self._note(STEP_REFUSED, what=WHAT_CLIENT_CHALLENGE, data=payload, detail="not a challenge")
                self._finish(False, "malformed")
                return
            # Answering before the client has proven anything is what makes the unbound
            # variant a reflection oracle; binding the role closes it.
            proof = macs.answer_for(cfg.variant, cfg.effective_digest, self._key, body, role="server")
            self._note(
                STEP_COMPUTED,
                what=WHAT_SERVER_PROOF,
                data=proof.value,
                inputs=proof.message,
                detail=proof.formula,
            )
            self._send(proof.value, WHAT_SERVER_PROOF)
            self.expecting = WHAT_RESPONSE
            return
        if self.expecting != WHAT_RESPONSE:
            self._finish(False, "malformed")
            return
        expected = macs.answer_for(cfg.variant, cfg.effective_digest, self._key, self._body, role="client")
        result = self._check(expected, payload, WHAT_RESPONSE)
        self._send(macs.WELCOME if result == "ok" else macs.FAILURE, WHAT_VERDICT)
        self._finish(result == "ok", result)


class NetsimClient(Handshake):
    role = "client"

    def start(self) -> None:
        self.expecting = WHAT_CHALLENGE  # the server speaks first

    def receive(self, payload: bytes) -> None:
        if self.expecting == WHAT_CHALLENGE:
            self._on_challenge(payload)
        elif self.expecting == WHAT_SERVER_PROOF:
            self._on_server_proof(payload)
        elif self.expecting == WHAT_VERDICT:
            if payload == macs.WELCOME:  # a public constant, not a secret: == is fine here
                self._finish(True, "ok")
            elif payload == macs.FAILURE:
                self._finish(False, "rejected_by_server")
            else:
                self._finish(False, "malformed")
        else:
            self._finish(False, "malformed")

    def _on_challenge(self, payload: bytes) -> None:
        cfg = self.config
        body = payload[len(macs.CHALLENGE_TAG) :]
        parsed = macs.parse_announce(body) if payload.startswith(macs.CHALLENGE_TAG) else None
        if parsed is None:
            self._note(STEP_REFUSED, what=WHAT_CHALLENGE, data=payload, detail="not a netsim challenge")
            self._finish(False, "malformed")
            return
        variant, digest, _nonce = parsed
        if (variant, digest) != (cfg.variant, cfg.effective_digest):
            detail = (
                f"server asks for {variant}:{digest}, this client uses {cfg.variant}:{cfg.effective_digest}"
            )
            if cfg.strict:
                self._note(STEP_REFUSED, what=WHAT_CHALLENGE, data=payload, detail=detail)
                self._finish(False, "variant_mismatch")
                return
            self._note(STEP_REFUSED, what=WHAT_CHALLENGE, detail=detail + " - lenient client follows")
        self._variant, self._digest, self._server_body = variant, digest, body
        if variant in (macs.MUTUAL, macs.MUTUAL_UNBOUND):
            nonce = self._nonce(cfg.challenge_bytes)
            self._note(
                STEP_CHALLENGE,
                what=WHAT_CLIENT_CHALLENGE,
                data=nonce,
                detail=f"os.urandom({cfg.challenge_bytes})",
            )
            self._my_body = macs.announce(variant, digest) + nonce
            self._send(macs.CHALLENGE_TAG + self._my_body, WHAT_CLIENT_CHALLENGE)
            self.expecting = WHAT_SERVER_PROOF
        else:
            self._answer()

    def _answer(self) -> None:
        answer = macs.answer_for(self._variant, self._digest, self._key, self._server_body, role="client")
        self._note(
            STEP_COMPUTED, what=WHAT_RESPONSE, data=answer.value, inputs=answer.message, detail=answer.formula
        )
        self.sent_answers.append(answer.value)
        self._send(answer.value, WHAT_RESPONSE)
        self.expecting = WHAT_VERDICT

    def _on_server_proof(self, payload: bytes) -> None:
        expected = macs.answer_for(self._variant, self._digest, self._key, self._my_body, role="server")
        if self._check(expected, payload, WHAT_SERVER_PROOF) != "ok":
            self._finish(False, "server_mac_wrong")
            return
        self._answer()


# --- multiprocessing.connection ----------------------------------------------------------------


class _MpBase(Handshake):
    """Both halves of CPython's handshake; the subclasses only order them."""

    def _deliver(self) -> None:
        digest = self.config.digest
        if digest == macs.MP_LEGACY_DIGEST:
            nonce = self._nonce(macs.MP_LEGACY_MESSAGE_LENGTH)
            how = f"os.urandom({macs.MP_LEGACY_MESSAGE_LENGTH}) - legacy <= 3.11 form, HMAC-MD5"
            message = nonce
        else:
            nonce = self._nonce(macs.MP_MESSAGE_LENGTH)
            how = f"os.urandom({macs.MP_MESSAGE_LENGTH}) after '{{{digest}}}' (CPython 3.12+ form)"
            message = b"{" + digest.encode("ascii") + b"}" + nonce
        self._note(STEP_CHALLENGE, what=WHAT_CHALLENGE, data=nonce, detail=how)
        self._message = message
        self._send(macs.CHALLENGE_TAG + message, WHAT_CHALLENGE)
        self.expecting = WHAT_RESPONSE

    def _legacy_allowed(self) -> bool:
        return self.config.accept_legacy or self.config.digest == macs.MP_LEGACY_DIGEST

    def _verify_response(self, payload: bytes) -> str:
        """CPython's ``_verify_challenge``; returns a reason code."""
        split = macs.mp_split(payload)
        if split is None:
            self._note(STEP_REFUSED, what=WHAT_RESPONSE, data=payload, detail="no {digest} prefix")
            return "malformed"
        name = split[0] or macs.MP_LEGACY_DIGEST
        if name == macs.MP_LEGACY_DIGEST and not self._legacy_allowed():
            self._note(STEP_REFUSED, what=WHAT_RESPONSE, data=payload, detail="HMAC-MD5 answer refused")
            return "legacy_refused"
        expected = macs.hmac_mac(self._key, self._message, name, label="message")
        return self._check(expected, split[1], WHAT_RESPONSE)

    def _answer(self, payload: bytes) -> None:
        """CPython's ``answer_challenge`` first half: MAC the challenge, send it."""
        message = payload[len(macs.CHALLENGE_TAG) :]
        split = macs.mp_split(message) if payload.startswith(macs.CHALLENGE_TAG) else None
        if split is None or len(message) < macs.MP_LEGACY_MESSAGE_LENGTH:
            self._note(STEP_REFUSED, what=WHAT_CHALLENGE, data=payload, detail="not a valid challenge")
            self._finish(False, "malformed")
            return
        if not split[0] and not self._legacy_allowed():
            self._note(STEP_REFUSED, what=WHAT_CHALLENGE, data=payload, detail="legacy HMAC-MD5 challenge")
            self._finish(False, "legacy_refused")
            return
        answer = macs.mp_create_response(self._key, message)
        assert answer is not None  # mp_split succeeded above
        self._note(
            STEP_COMPUTED, what=WHAT_RESPONSE, data=answer.value, inputs=answer.message, detail=answer.formula
        )
        self.sent_answers.append(answer.value)
        self._send(answer.value, WHAT_RESPONSE)
        self.expecting = WHAT_VERDICT


class MpServer(_MpBase):
    """``Listener.accept()``: deliver_challenge, then answer_challenge."""

    role = "server"

    def start(self) -> None:
        self._deliver()
        self._client_ok = False

    def receive(self, payload: bytes) -> None:
        if self.expecting == WHAT_RESPONSE:
            result = self._verify_response(payload)
            if result != "ok":
                self._send(macs.FAILURE, WHAT_VERDICT)
                self._finish(False, result)
                return
            self._send(macs.WELCOME, WHAT_VERDICT)
            self.expecting = WHAT_CLIENT_CHALLENGE
        elif self.expecting == WHAT_CLIENT_CHALLENGE:
            self._answer(payload)
        elif self.expecting == WHAT_VERDICT:
            self._finish(payload == macs.WELCOME, "ok" if payload == macs.WELCOME else "rejected_by_peer")
        else:
            self._finish(False, "malformed")


class MpClient(_MpBase):
    """``Client()``: answer_challenge, then deliver_challenge."""

    role = "client"

    def start(self) -> None:
        self.expecting = WHAT_CHALLENGE

    def receive(self, payload: bytes) -> None:
        if self.expecting == WHAT_CHALLENGE:
            self._answer(payload)
        elif self.expecting == WHAT_VERDICT:
            if payload != macs.WELCOME:
                self._finish(False, "rejected_by_server")
                return
            self._deliver()
        elif self.expecting == WHAT_RESPONSE:
            result = self._verify_response(payload)
            self._send(macs.WELCOME if result == "ok" else macs.FAILURE, WHAT_VERDICT)
            self._finish(result == "ok", result)
        else:
            self._finish(False, "malformed")


# --- the lesson's own unframed exchange ------------------------------------------------------


# Codes of STEP_WEAKNESS notes (keys of macs.LESSON_WEAKNESSES), so front ends word them.
WEAKNESS_EQUALS = "equals"
WEAKNESS_SHORT_READ = "short_read"
WEAKNESS_NO_FRAMING = "no_framing"


def lesson_answer(config: AuthConfig, key: bytes, challenge: bytes) -> macs.MacResult:
    """What the lesson's client sends: hexdigest text (legacy-sha1) or the raw HMAC digest."""
    if config.variant == macs.LEGACY_SHA1:
        return macs.legacy_sha1(key, challenge)
    return macs.hmac_mac(key, challenge, config.digest, label="challenge")


class LessonServer(Handshake):
    """The lesson's server: challenge out, one answer in, a printed verdict (nothing sent back).

    ``want`` is how many bytes the driver must read next (the answer's exact size); a driver
    that reads "as written" hands over whatever one ``recv(1024)`` returned instead, and this
    machine refuses an answer of the wrong length before comparing.
    """

    role = "server"
    want = 0

    def start(self) -> None:
        nonce, how = self._new_nonce(self.config.challenge_bytes)
        self._challenge = nonce
        self._note(STEP_CHALLENGE, what=WHAT_CHALLENGE, data=nonce, detail=how)
        self._send(nonce, WHAT_CHALLENGE)  # bare bytes: no tag, no header, no digest name
        self.expecting = WHAT_RESPONSE
        self.want = self.config.answer_bytes

    def receive(self, payload: bytes) -> None:
        if self.expecting != WHAT_RESPONSE:
            self._finish(False, "malformed")
            return
        if len(payload) > self.want:
            # Only a reader that takes one recv() as the answer gets here: bytes sent after the
            # answer came in the same read, and nothing on the wire says where the answer ends.
            self._note(STEP_WEAKNESS, what=WHAT_RESPONSE, data=payload, detail=WEAKNESS_NO_FRAMING)
        expected = lesson_answer(self.config, self._key, self._challenge)
        result = self._check(expected, payload, WHAT_RESPONSE)
        self._note(STEP_WEAKNESS, what=WHAT_RESPONSE, detail=WEAKNESS_EQUALS)
        self._verdict_words(result == "ok")
        self._finish(result == "ok", result)
        self.want = 0

    def fail(self, reason: str) -> None:
        # Any ending without a match is the lesson's else-branch: it prints the refusal.
        if self.accepted is None:
            self._verdict_words(False)
        super().fail(reason)

    def _verdict_words(self, accepted: bool) -> None:
        words = macs.LESSON_ACCEPTED if accepted else macs.LESSON_REFUSED
        self._note(STEP_LESSON_VERDICT, what=WHAT_VERDICT, detail=words)


class LessonClient(Handshake):
    """The lesson's client: read the 32-byte challenge, send the answer, and that is all the
    lesson's exchange says.  The machine is finished once the answer is out, with reason
    ``no_verdict`` (the wire carries none); a driver that then talks may learn more."""

    role = "client"
    want = 0
    short_challenge = False

    def start(self) -> None:
        self.expecting = WHAT_CHALLENGE
        self.want = self.config.challenge_bytes

    def receive(self, payload: bytes) -> None:
        if self.expecting != WHAT_CHALLENGE:
            self._finish(False, "malformed")
            return
        self.short_challenge = len(payload) != self.config.challenge_bytes
        if self.short_challenge:
            self._note(STEP_WEAKNESS, what=WHAT_CHALLENGE, data=payload, detail=WEAKNESS_SHORT_READ)
        answer = lesson_answer(self.config, self._key, payload)
        self._note(
            STEP_COMPUTED, what=WHAT_RESPONSE, data=answer.value, inputs=answer.message, detail=answer.formula
        )
        self.sent_answers.append(answer.value)
        self._send(answer.value, WHAT_RESPONSE)
        self._finish(False, "no_verdict")
        self.want = 0

    def conclude(self, accepted: bool, reason: str) -> None:
        """What the conversation after the answer showed (a reply, or a close)."""
        self.accepted = accepted
        self.reason = reason


def server_handshake(config: AuthConfig, key: bytes, nonce_source: NonceSource | None = None) -> Handshake:
    cls: type[Handshake] = {MULTIPROCESSING: MpServer, LESSON: LessonServer}.get(
        config.protocol, NetsimServer
    )
    return cls(config, key, nonce_source)


def client_handshake(config: AuthConfig, key: bytes, nonce_source: NonceSource | None = None) -> Handshake:
    cls: type[Handshake] = {MULTIPROCESSING: MpClient, LESSON: LessonClient}.get(
        config.protocol, NetsimClient
    )
    return cls(config, key, nonce_source)
