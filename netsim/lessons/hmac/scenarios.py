"""Scenarios of the lesson - a good run, a wrong key, the attacks, several clients - run for
real on loopback, shared by ``netsim hmac`` and the HMAC panel.

Each scenario starts a real :class:`~netsim.auth.transport.AuthServer` on an ephemeral port,
runs legitimate clients and attackers against it, stops it (joining every thread) and emits
one :class:`~netsim.auth.events.ScenarioFinished` per verdict it teaches.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from types import TracebackType
from typing import TYPE_CHECKING, Self

from netsim.auth import macs
from netsim.auth.events import (
    STEP_ATTACK,
    WHAT_CHALLENGE,
    WHAT_CLIENT_CHALLENGE,
    WHAT_RESPONSE,
    WHAT_SERVER_PROOF,
    WHAT_VERDICT,
    ScenarioFinished,
)
from netsim.auth.lesson_form import run_lesson_client
from netsim.auth.machines import (
    FIXED_CHALLENGE,
    LESSON,
    NETSIM,
    READS_AS_WRITTEN,
    READS_EXACT,
    AuthConfig,
)
from netsim.auth.transport import (
    AuthServer,
    ClientResult,
    FramedConn,
    connect,
    failure_reason,
    run_client,
)
from netsim.core.events import RunFinished, RunStarted, now_ns
from netsim.core.gate import Gate, PendingCall
from netsim.core.recorder import Recorder
from netsim.lab.base import Lab

SCENARIOS: tuple[str, ...] = (
    "good",
    "wrong-key",
    "replay",
    "fixed-challenge-replay",
    "reflection",
    "downgrade",
    "multi",
)
# The lesson's own form (--protocol lesson), its weaknesses run for real.
LESSON_SCENARIOS: tuple[str, ...] = ("lesson-short-read", "lesson-glued")
LESSON_SEGMENT_BYTES = 8  # the slow sender's piece size
LESSON_SEGMENT_PAUSE_S = 0.2  # long enough that a waiting recv(32) wakes with the first piece only


@dataclass(frozen=True, slots=True)
class Setup:
    """What the two cards of the panel (or the CLI flags) say."""

    server: AuthConfig = field(default_factory=AuthConfig)
    client: AuthConfig = field(default_factory=AuthConfig)
    server_key: bytes = b"hello"
    client_key: bytes = b"hello"

    def wrong_key(self) -> bytes:
        return self.client_key if self.client_key != self.server_key else b"wrong-" + self.server_key


@dataclass(frozen=True, slots=True)
class Outcome:
    scenario: str
    succeeded: bool
    explanation: str


class _Run:
    """One scenario's server and bookkeeping."""

    def __init__(self, recorder: Recorder, gate: Gate | None, stop: threading.Event) -> None:
        self.recorder = recorder
        self.gate = gate
        self.stop = stop
        self.outcomes: list[Outcome] = []

    def finish(self, scenario: str, succeeded: bool, explanation: str) -> None:
        self.outcomes.append(Outcome(scenario, succeeded, explanation))
        self.recorder.emit(ScenarioFinished(now_ns(), "lab", scenario, succeeded, explanation))

    def server(self, config: AuthConfig, key: bytes) -> AuthServer:
        return AuthServer(config, key, self.recorder, gate=self.gate, chat_idle_s=min(config.deadline_s, 5.0))

    def client(
        self,
        config: AuthConfig,
        key: bytes,
        server: AuthServer,
        who: str,
        chat: Sequence[bytes] = (b"hello",),
    ) -> ClientResult:
        return run_client(
            config, key, server.address, self.recorder, who=who, chat=chat, gate=self.gate, stop=self.stop
        )

    def attacker_conn(self, server: AuthServer, config: AuthConfig, who: str = "attacker") -> FramedConn:
        sock = connect(server.address, config.deadline_s)
        return FramedConn(
            sock,
            recorder=self.recorder,
            who=who,
            endpoint=who,
            conn=int(sock.getsockname()[1]),
            length_format=config.length_format,
            max_frame_bytes=config.max_preauth_frame_bytes,
            deadline_s=config.deadline_s,
            stop=self.stop,
            gate=self.gate,
        )


def _one_way(config: AuthConfig) -> AuthConfig:
    """The replay lesson needs the one-way netsim exchange (legacy or HMAC)."""
    variant = (
        config.variant
        if config.protocol == NETSIM and config.variant in (macs.LEGACY_SHA1, macs.HMAC)
        else macs.HMAC
    )
    digest = config.digest if config.digest in macs.DIGESTS else macs.DEFAULT_DIGEST
    return replace(config, protocol=NETSIM, variant=variant, digest=digest, fixed_challenge=None)


def _good(run: _Run, setup: Setup, key: bytes, name: str) -> None:
    server = run.server(setup.server, setup.server_key)
    with server:
        result = run.client(setup.client, key, server, "client 1")
    if result.accepted:
        run.finish(name, True, "good")
    else:
        refused = result.reason in ("rejected_by_server", "closed_no_verdict")
        run.finish(name, False, "wrong_key" if refused else "failed")


def _replay(run: _Run, setup: Setup, *, fixed: bool) -> None:
    name = "fixed-challenge-replay" if fixed else "replay"
    server_cfg = _one_way(setup.server)
    if fixed:
        server_cfg = replace(server_cfg, fixed_challenge=FIXED_CHALLENGE)
    client_cfg = replace(server_cfg, fixed_challenge=None)
    with run.server(server_cfg, setup.server_key) as server:
        # 1. A legitimate client logs in; the attacker, on the path, records its answer.
        legit = run.client(client_cfg, setup.server_key, server, "client 1")
        if not legit.answers:
            run.finish(name, False, "failed")
            return
        recorded = legit.answers[0]
        # 2. The attacker (no key) opens a new connection and replays the recorded answer.
        accepted, reason = False, "eof"
        with run.attacker_conn(server, client_cfg) as fc:
            fc.step(STEP_ATTACK, what=WHAT_RESPONSE, data=recorded, detail="recorded from client 1's login")
            try:
                if fc.recv(WHAT_CHALLENGE) is not None:
                    fc.step(STEP_ATTACK, what=WHAT_CHALLENGE, detail="ignores the new challenge and replays")
                    fc.send(recorded, WHAT_RESPONSE)
                    verdict = fc.recv(WHAT_VERDICT)
                    accepted = verdict == macs.WELCOME
                    reason = "ok" if accepted else "rejected_by_server"
            except Exception as exc:
                reason = failure_reason(exc)
            fc.verdict(accepted, reason)
        server.wait_results(2, server_cfg.deadline_s)
    run.finish(name, accepted, "replay_accepted" if accepted else "replay_rejected")


def _reflection(run: _Run, setup: Setup, *, bound: bool) -> None:
    name = "reflection" if bound else "reflection-unbound"
    digest = setup.server.digest if setup.server.digest in macs.DIGESTS else macs.DEFAULT_DIGEST
    cfg = AuthConfig(
        variant=macs.MUTUAL if bound else macs.MUTUAL_UNBOUND,
        digest=digest,
        deadline_s=setup.server.deadline_s,
    )
    accepted, reason = False, "eof"
    with run.server(cfg, setup.server_key) as server:
        with run.attacker_conn(server, cfg) as first:
            try:
                challenge = first.recv(WHAT_CHALLENGE)
                if challenge is None:
                    raise EOFError
                body = challenge[len(macs.CHALLENGE_TAG) :]
                # The attacker needs MAC(server's challenge); it makes the server compute it
                # by sending that very challenge as its own "client challenge" elsewhere.
                with run.attacker_conn(server, cfg, who="attacker (2nd conn)") as second:
                    if second.recv(WHAT_CHALLENGE) is None:
                        raise EOFError
                    second.step(
                        STEP_ATTACK,
                        what=WHAT_CLIENT_CHALLENGE,
                        data=body,
                        detail="reflects the 1st connection's challenge",
                    )
                    second.send(macs.CHALLENGE_TAG + body, WHAT_CLIENT_CHALLENGE)
                    proof = second.recv(WHAT_SERVER_PROOF)
                    second.verdict(False, "abandoned")
                if proof is None:
                    raise EOFError
                first.send(
                    macs.CHALLENGE_TAG + macs.announce(cfg.variant, digest) + os.urandom(32),
                    WHAT_CLIENT_CHALLENGE,
                )
                if first.recv(WHAT_SERVER_PROOF) is None:
                    raise EOFError
                first.step(
                    STEP_ATTACK,
                    what=WHAT_RESPONSE,
                    data=proof,
                    detail="answers with the server's own proof from the 2nd connection",
                )
                first.send(proof, WHAT_RESPONSE)
                verdict = first.recv(WHAT_VERDICT)
                accepted = verdict == macs.WELCOME
                reason = "ok" if accepted else "rejected_by_server"
            except EOFError:
                reason = "eof"
            except Exception as exc:
                reason = failure_reason(exc)
            first.verdict(accepted, reason)
        server.wait_results(2, cfg.deadline_s)
    run.finish(name, accepted, "reflection_accepted" if accepted else "reflection_rejected")


def _downgrade(run: _Run, setup: Setup) -> None:
    server_cfg = _one_way(setup.server)
    if server_cfg.variant == macs.LEGACY_SHA1:
        server_cfg = replace(server_cfg, variant=macs.HMAC)
    weak = macs.announce(macs.LEGACY_SHA1, "sha1")
    strong = macs.announce(server_cfg.variant, server_cfg.digest)

    def rewrite(payload: bytes) -> bytes:
        return payload.replace(strong, weak, 1) if payload.startswith(macs.CHALLENGE_TAG) else payload

    # A lenient client (strict=False) follows whatever the challenge announces - the best case
    # for the attacker; a strict client would already refuse the rewritten announcement.
    client_cfg = replace(server_cfg, variant=macs.LEGACY_SHA1, strict=False)
    with run.server(server_cfg, setup.server_key) as server:
        result = run_client(
            client_cfg,
            setup.server_key,
            server.address,
            run.recorder,
            who="client 1 (via attacker)",
            gate=run.gate,
            stop=run.stop,
            tamper=rewrite,
        )
        server.wait_results(1, server_cfg.deadline_s)
    run.finish(
        "downgrade", result.accepted, "downgrade_accepted" if result.accepted else "downgrade_rejected"
    )


def _multi(run: _Run, setup: Setup, legit: int = 3, wrong: int = 1) -> None:
    server = run.server(setup.server, setup.server_key)
    results: list[ClientResult] = []
    lock = threading.Lock()
    clients = [(f"client {i + 1}", setup.server_key) for i in range(legit)]
    clients += [(f"client {legit + i + 1} (wrong key)", setup.wrong_key()) for i in range(wrong)]

    def one(who: str, key: bytes) -> None:
        try:
            res = run.client(setup.client, key, server, who)
        except Exception:  # run_client reports network trouble itself; never let a thread die
            res = ClientResult(who=who, reason="internal_error")
        with lock:
            results.append(res)

    with server:
        threads = [threading.Thread(target=one, args=c, name=f"auth-{c[0]}") for c in clients]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    ok = all(r.accepted != ("wrong key" in r.who) for r in results) and len(results) == len(clients)
    run.finish("multi", ok, "multi")


def _lesson_config(config: AuthConfig, **changes: object) -> AuthConfig:
    variant = config.variant if config.variant in macs.LESSON_VARIANTS else macs.HMAC
    digest = config.digest if config.digest in macs.LESSON_DIGESTS else macs.LESSON_DEFAULT_DIGEST
    return replace(config, protocol=LESSON, variant=variant, digest=digest, fixed_challenge=None, **changes)  # type: ignore[arg-type]


def _server_accepted(server: AuthServer, conn: int) -> bool | None:
    for res in server.results:
        if res.conn == conn:
            return res.accepted
    return None


def _lesson_short_read(run: _Run, setup: Setup) -> None:
    """A slow server sends the challenge in pieces: the lesson's ``recv(32)`` returns the first
    piece, its client answers that, and the right key is refused; exact reads get in."""
    seg = setup.server.segment_bytes or LESSON_SEGMENT_BYTES
    pause = setup.server.segment_pause_s or LESSON_SEGMENT_PAUSE_S
    server_cfg = _lesson_config(setup.server, segment_bytes=seg, segment_pause_s=pause, reads=READS_EXACT)
    verdicts: list[bool | None] = []
    with run.server(server_cfg, setup.server_key) as server:
        for who, reads, chat in (
            ("client 1 (as written)", READS_AS_WRITTEN, ()),
            ("client 2 (exact reads)", READS_EXACT, (b"hello",)),
        ):
            cfg = _lesson_config(setup.client, reads=reads, segment_bytes=0)
            res = run.client(cfg, setup.client_key, server, who, chat=chat)
            server.wait_results(len(verdicts) + 1, server_cfg.deadline_s + 4 * pause)
            verdicts.append(_server_accepted(server, res.conn))
    shown = verdicts == [False, True]
    run.finish("lesson-short-read", shown, "lesson_short_read" if shown else "failed")


def _lesson_glued(run: _Run, setup: Setup) -> None:
    """The client sends its answer and first message in one ``send``: the lesson's server reads
    both with one ``recv(1024)`` and refuses the right key; a server reading exactly the answer's
    size accepts, and the message is still there for the conversation."""
    verdicts: list[bool | None] = []
    for reads in (READS_AS_WRITTEN, READS_EXACT):
        server_cfg = _lesson_config(setup.server, reads=reads, segment_bytes=0)
        label = "lesson's server" if reads == READS_AS_WRITTEN else "exact server"
        with run.server(server_cfg, setup.server_key) as server:
            res = run_lesson_client(
                _lesson_config(setup.client, reads=READS_EXACT, segment_bytes=0),
                setup.client_key,
                server.address,
                run.recorder,
                who=f"client → {label}",
                chat=(b"hello",),
                glue_first=True,
                gate=run.gate,
                stop=run.stop,
            )
            server.wait_results(1, server_cfg.deadline_s)
            verdicts.append(_server_accepted(server, res.conn))
    shown = verdicts == [False, True]
    run.finish("lesson-glued", shown, "lesson_glued" if shown else "failed")


def run_scenario(
    names: str | Sequence[str],
    setup: Setup,
    recorder: Recorder,
    *,
    gate: Gate | None = None,
    stop: threading.Event | None = None,
) -> list[Outcome]:
    """Run one or more scenarios in order; blocking; never raises for network trouble."""
    todo = [names] if isinstance(names, str) else list(names)
    run = _Run(recorder, gate, stop or threading.Event())
    recorder.emit(
        RunStarted(
            now_ns(),
            "lab",
            {
                "scenarios": todo,
                "protocol": setup.server.protocol,
                "variant": setup.server.variant,
                "digest": setup.server.digest,
            },
        )
    )
    ok = True
    reason = ""
    try:
        for name in todo:
            if run.stop.is_set():
                break
            if name == "good":
                _good(run, setup, setup.client_key, name)
            elif name == "wrong-key":
                _good(run, setup, setup.wrong_key(), name)
            elif name in ("replay", "fixed-challenge-replay"):
                _replay(run, setup, fixed=name != "replay")
            elif name == "reflection":
                _reflection(run, setup, bound=False)
                _reflection(run, setup, bound=True)
            elif name == "downgrade":
                _downgrade(run, setup)
            elif name == "multi":
                _multi(run, setup)
            elif name == "lesson-short-read":
                _lesson_short_read(run, setup)
            elif name == "lesson-glued":
                _lesson_glued(run, setup)
            else:
                raise ValueError(f"unknown scenario {name!r}; choose from {SCENARIOS + LESSON_SCENARIOS}")
    except ValueError:
        raise
    except Exception as exc:  # no exception escapes into a worker thread
        ok, reason = False, f"{type(exc).__name__}: {exc}"
    recorder.emit(RunFinished(now_ns(), "lab", ok, reason or "done"))
    return run.outcomes


class AuthLab:
    """Non-blocking front door: one scenario job at a time in a worker thread (a :class:`Lab`).

    ``start`` returns at once; the worker emits events into ``recorder`` (drained by the GUI);
    ``close`` stops the job, wakes any gate waiter and joins the thread.  Unlike the other labs
    it may run again once a job is over (the panel keeps one): each ``start`` is a new run, with
    a new gate, and ``finished``/``wait`` are about the latest one.
    """

    def __init__(
        self,
        recorder: Recorder | None = None,
        names: str | Sequence[str] = "good",
        setup: Setup | None = None,
        *,
        stepping: bool = False,
    ) -> None:
        self.recorder = recorder if recorder is not None else Recorder()
        self.names = names
        self.setup = setup if setup is not None else Setup()
        self.stepping = stepping
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._finished = threading.Event()
        self.gate: Gate | None = None
        self.outcomes: list[Outcome] = []

    def is_idle(self) -> bool:
        return self._thread is None or not self._thread.is_alive()

    def start(
        self,
        names: str | Sequence[str] | None = None,
        setup: Setup | None = None,
        *,
        stepping: bool | None = None,
    ) -> None:
        """Start a job (the constructor's scenarios and setup unless given here).

        Raises ``RuntimeError`` if a job is still running: one at a time.
        """
        if not self.is_idle():
            raise RuntimeError("a scenario job is still running; wait for it or close the lab")
        self._join(15.0)
        names = self.names if names is None else names
        setup = self.setup if setup is None else setup
        stepping = self.stepping if stepping is None else stepping
        self._stop = threading.Event()
        self._finished = threading.Event()
        self.outcomes = []
        self.gate = Gate(self.recorder, stepping=stepping)
        if stepping:
            # A person clicks through the steps: give the exchange minutes, not seconds.
            setup = replace(
                setup,
                server=replace(setup.server, deadline_s=600.0),
                client=replace(setup.client, deadline_s=600.0),
            )
        stop, gate, finished = self._stop, self.gate, self._finished

        def work() -> None:
            try:
                self.outcomes = run_scenario(names, setup, self.recorder, gate=gate, stop=stop)
            except BaseException as exc:  # never let the worker die silently
                self.recorder.emit(RunFinished(now_ns(), "lab", False, f"{type(exc).__name__}: {exc}"))
            finally:
                finished.set()

        self._thread = threading.Thread(target=work, name="auth-lab")
        self._thread.start()

    def step(self) -> PendingCall | None:
        return self.gate.step() if self.gate is not None else None

    def pause(self) -> None:
        if self.gate is not None:
            self.gate.pause()

    def resume(self) -> None:
        if self.gate is not None:
            self.gate.run()

    @property
    def finished(self) -> bool:
        """The latest job has emitted ``RunFinished``."""
        return self._finished.is_set()

    def wait(self, timeout_s: float) -> bool:
        return self._finished.wait(timeout_s)

    def _join(self, timeout_s: float) -> None:
        if self._thread is not None:
            self._thread.join(timeout_s)
            if self._thread.is_alive():
                raise RuntimeError(f"auth lab worker did not stop within {timeout_s} s")
            self._thread = None

    def close(self, timeout_s: float = 15.0) -> None:
        self._stop.set()
        if self.gate is not None:
            self.gate.close()
        self._join(timeout_s)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


if TYPE_CHECKING:  # mypy --strict checks that AuthLab has the shape of every lab
    _LAB_SHAPE: type[Lab] = AuthLab
