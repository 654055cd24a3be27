"""``netsim auth-server`` / ``auth-client`` / ``hmac``: the HMAC panel's headless twin.

Every step is printed with its bytes in hex (wire frames as ``header | payload``) and every
connection ends with a verdict; ``netsim hmac --json`` prints the same records as JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
from collections.abc import Iterable
from typing import Any, TextIO

from netsim.auth import macs
from netsim.auth.events import (
    STEP_LESSON_VERDICT,
    STEP_WEAKNESS,
    AuthStep,
    AuthVerdict,
    ScenarioFinished,
)
from netsim.auth.lesson_form import run_lesson_client
from netsim.auth.machines import (
    FIXED_CHALLENGE,
    LESSON,
    MULTIPROCESSING,
    NETSIM,
    PROTOCOLS,
    READS,
    READS_EXACT,
    AuthConfig,
)
from netsim.auth.transport import DEFAULT_MAX_CONCURRENT, AuthServer, run_client
from netsim.core.events import Event, SocketFailed
from netsim.core.recorder import Recorder
from netsim.lessons.hmac.scenarios import LESSON_SCENARIOS, SCENARIOS, Setup, run_scenario

_STEP_WORDS = {
    "challenge_generated": "generated",
    "frame_sent": "sent",
    "frame_received": "received",
    "mac_computed": "computed",
    "mac_expected": "expects",
    "compared": "compared",
    "refused": "refused",
    "attack": "ATTACK",
    "chat": "chat",
    STEP_WEAKNESS: "WEAK",
}

_LESSON_GLOSS = {
    macs.LESSON_ACCEPTED: macs.LESSON_ACCEPTED_GLOSS,
    macs.LESSON_REFUSED: macs.LESSON_REFUSED_GLOSS,
}


def _hex_wire(data: bytes, header_bytes: int) -> str:
    if header_bytes:
        return f"{data[:header_bytes].hex()} | {data[header_bytes:].hex()}"
    return data.hex()


def describe(event: Event) -> str | None:
    """One line of text for an event of the auth lesson (None for events not worth a line)."""
    if isinstance(event, AuthStep) and event.step == STEP_LESSON_VERDICT:
        # The lesson's server prints its verdict in Chinese: the same words, and what they mean.
        gloss = _LESSON_GLOSS.get(event.detail, "")
        return f"[{event.who:<20}] #{event.conn:<5}    prints {event.detail} ({gloss})"
    if isinstance(event, AuthStep):
        word = _STEP_WORDS.get(event.step, event.step)
        head = f"[{event.who:<20}] #{event.conn:<5} {word:>9} {event.what:<16}"
        parts = [head]
        if event.data:
            parts.append(_hex_wire(event.data, event.header_bytes))
        if event.header_bytes:
            size = len(event.data) - event.header_bytes
            parts.append(f"({event.header_bytes}-byte length prefix + {size}-byte payload)")
        if event.inputs:
            parts.append(f"over {event.inputs.hex()}")
        if event.detail:
            parts.append(f"- {macs.LESSON_WEAKNESSES.get(event.detail, event.detail)}")
        return " ".join(parts)
    if isinstance(event, AuthVerdict):
        word = "ACCEPTED" if event.accepted else "REJECTED"
        if event.reason == "no_verdict":
            word = "UNKNOWN"
        return (
            f"[{event.who:<20}] #{event.conn:<5}   VERDICT {word}: "
            f"{macs.REASONS.get(event.reason, event.reason)}"
        )
    if isinstance(event, ScenarioFinished):
        return (
            f"== {event.scenario}: {'succeeded' if event.succeeded else 'failed'} - "
            + macs.EXPLANATIONS.get(event.explanation, event.explanation)
        )
    if isinstance(event, SocketFailed):
        return f"[{event.endpoint:<20}]          error in {event.call}: {event.error}: {event.message}"
    return None


def _print_events(events: Iterable[Event], out: TextIO) -> None:
    lines = [line for line in map(describe, events) if line is not None]
    if lines:  # one write per batch: a burst of connections must not cost a syscall per line
        out.write("\n".join(lines) + "\n")
        out.flush()


MAX_HELD_EVENTS = 5_000
"""Events the auth-server CLI holds while its output is blocked (a slow terminal, a full pipe);
past it, step lines are dropped and counted (verdicts are kept up to twice as many)."""


class BoundedRecorder(Recorder):
    """A recorder whose undrained backlog is bounded: a flood of connections while stdout is
    slow must not grow the server's memory without limit."""

    def __init__(self, limit: int = MAX_HELD_EVENTS) -> None:
        super().__init__(keep=False)
        self._limit = limit
        self._held = 0
        self._dropped = 0
        self._guard = threading.Lock()

    def emit(self, event: Event) -> None:
        with self._guard:
            full = self._held >= (2 * self._limit if isinstance(event, AuthVerdict) else self._limit)
            if full:
                self._dropped += 1
                return
            self._held += 1
        super().emit(event)

    def drain(self) -> list[Event]:
        batch = super().drain()
        with self._guard:
            self._held = max(0, self._held - len(batch))
        return batch

    def take_dropped(self) -> int:
        """Events dropped since the last call."""
        with self._guard:
            dropped, self._dropped = self._dropped, 0
        return dropped


def _print_server_events(recorder: BoundedRecorder, out: TextIO) -> None:
    _print_events(recorder.drain(), out)
    dropped = recorder.take_dropped()
    if dropped:
        print(f"({dropped} event lines not shown: the output could not keep up)", file=out, flush=True)


def step_to_json(event: AuthStep) -> dict[str, Any]:
    return {
        "t_ns": event.t_ns,
        "who": event.who,
        "conn": event.conn,
        "step": event.step,
        "what": event.what,
        "hex": event.data.hex(),
        "header_bytes": event.header_bytes,
        "inputs_hex": event.inputs.hex(),
        "detail": event.detail,
    }


def _add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--key", default="hello", help="shared secret key, UTF-8 (default: the lesson's 'hello')")
    p.add_argument(
        "--protocol",
        choices=PROTOCOLS,
        default=NETSIM,
        help="netsim (the lesson, fixed), multiprocessing (multiprocessing.connection's handshake) or "
        "lesson (the lesson's own unframed exchange: 32 random bytes, the raw answer back, no verdict "
        "on the wire - its programs s7_hmac_*.py and, with --variant legacy-sha1, s7_hashlib_*.py)",
    )
    p.add_argument(
        "--digest",
        default=None,
        help=f"HMAC digest: netsim {', '.join(macs.DIGESTS)} (default sha256); multiprocessing "
        f"{', '.join(macs.MP_DIGESTS)} (md5 = the legacy <= 3.11 form; default sha256); lesson "
        f"{', '.join(macs.LESSON_DIGESTS)} (default md5, the digest the lesson's hmac.new relied on)",
    )
    p.add_argument(
        "--variant",
        choices=macs.VARIANTS,
        default=macs.HMAC,
        help="netsim construction: legacy-sha1 (the lesson's first method, LEGACY), hmac, "
        "mutual (role-bound), mutual-unbound (INSECURE: reflectable). Lesson protocol: hmac or "
        "legacy-sha1 (sha1(key + challenge).hexdigest() as text, the lesson's hashlib programs)",
    )
    p.add_argument(
        "--reads",
        choices=READS,
        default=READS_EXACT,
        help="lesson protocol: exact (loop until the whole challenge/answer is in) or as-written (the "
        "lesson's one recv(32) / recv(1024), trusted whole - to SEE its weakness)",
    )
    p.add_argument(
        "--no-legacy",
        action="store_true",
        help="multiprocessing: refuse unprefixed HMAC-MD5 (Python <= 3.11 peers then fail)",
    )
    p.add_argument("--deadline", type=float, default=5.0, metavar="S", help="deadline for the whole exchange")


def register(sub: Any) -> None:
    p = sub.add_parser(
        "auth-server",
        help="challenge-response server (client legitimacy check)",
        description="Serve the challenge-response check on TCP until Ctrl-C (or --once). With "
        "--protocol multiprocessing a stock multiprocessing.connection.Client(address, authkey=...) "
        "can authenticate; after acceptance every frame is echoed back (never unpickled). With "
        "--protocol lesson the lesson's own s7_hmac_client.py (md5 by default) or, with --variant "
        "legacy-sha1, s7_hashlib_client.py can: the server prints the lesson's verdict words "
        "(是合法的客户端 / 不是合法的客户端), sends no verdict, closes on a refusal and otherwise echoes "
        "each unframed recv() chunk.",
    )
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=9001, help="port (default 9001, as in the lesson; 0 = any)")
    p.add_argument("--once", action="store_true", help="exit after the first connection has finished")
    p.add_argument(
        "--max-clients",
        type=int,
        default=DEFAULT_MAX_CONCURRENT,
        metavar="N",
        help=f"serve at most N connections at once; more get #BUSY# and are closed (default {DEFAULT_MAX_CONCURRENT})",
    )
    p.add_argument(
        "--fixed-challenge",
        action="store_true",
        help="INSECURE: send the same challenge every time (for the replay lesson)",
    )
    p.add_argument(
        "--segment",
        type=int,
        default=0,
        metavar="N",
        help="lesson protocol: a slow sender - the challenge leaves in pieces of N bytes (with --pause "
        "between them), so the lesson's recv(32) returns short",
    )
    p.add_argument(
        "--pause", type=float, default=0.2, metavar="S", help="pause between --segment pieces (default 0.2)"
    )
    _add_common(p)
    p.set_defaults(func=run_server)

    p = sub.add_parser(
        "auth-client",
        help="challenge-response client",
        description="Authenticate to an auth-server (or, with --protocol multiprocessing, to a stock "
        "multiprocessing.connection.Listener), then send each --message and print the reply.",
    )
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=9001)
    p.add_argument(
        "--message",
        action="append",
        default=None,
        help="chat message after acceptance (repeatable; default 'hello', none with --protocol lesson, "
        "whose client sends nothing after its answer)",
    )
    p.add_argument(
        "--glue",
        action="store_true",
        help="lesson protocol: send the answer and the first --message in one send() - the lesson's "
        "server, with no framing, reads them as one wrong answer",
    )
    p.add_argument(
        "--lenient",
        action="store_true",
        help="follow whatever variant/digest the server announces (default: refuse a different one)",
    )
    _add_common(p)
    p.set_defaults(func=run_client_cmd)

    p = sub.add_parser(
        "hmac",
        help="run an HMAC challenge-response scenario (good run, wrong key, attacks) on loopback",
        description="Start a real server on an ephemeral loopback port, run the scenario against it and "
        "print every step's bytes (hex) and the verdicts.",
    )
    p.add_argument(
        "--scenario",
        choices=SCENARIOS + LESSON_SCENARIOS,
        default="good",
        help="with --protocol lesson: good, wrong-key, multi, or the lesson's weaknesses run for real: "
        "lesson-short-read (a segmenting server, recv(32) comes back short), lesson-glued (answer and "
        "first message in one read)",
    )
    p.add_argument("--json", action="store_true", help="print one JSON document instead of text")
    p.add_argument("--client-key", default=None, help="the client's key (default: the same as --key)")
    _add_common(p)
    p.set_defaults(func=run_hmac)


def _config(args: argparse.Namespace, **extra: Any) -> AuthConfig:
    lesson_only = args.reads != READS_EXACT or extra.get("segment_bytes") or getattr(args, "glue", False)
    if lesson_only and args.protocol != LESSON:
        raise ValueError("--reads, --segment and --glue belong to --protocol lesson")
    digest = args.digest
    if digest is None:
        digest = macs.LESSON_DEFAULT_DIGEST if args.protocol == LESSON else macs.DEFAULT_DIGEST
    return AuthConfig(
        protocol=args.protocol,
        variant=args.variant,
        digest=digest,
        accept_legacy=not args.no_legacy,
        deadline_s=args.deadline,
        reads=args.reads,
        **extra,
    )


def _print_lesson_notes(config: AuthConfig) -> None:
    what = (
        "sha1(key + challenge).hexdigest(), 40 characters of text"
        if config.variant == macs.LEGACY_SHA1
        else f"the raw HMAC-{config.effective_digest.upper()} digest ({config.answer_bytes} bytes)"
    )
    print(
        f"the lesson's exchange: {config.challenge_bytes} random bytes, then {what}; no header, no "
        "verdict on the wire; compared with hmac.compare_digest (the lesson's == is a weakness)",
        flush=True,
    )
    if config.effective_digest == "md5":
        print(f"weak: {macs.LESSON_WEAKNESSES['md5']}", flush=True)


def run_server(args: argparse.Namespace) -> int:
    try:
        config = _config(
            args,
            fixed_challenge=FIXED_CHALLENGE if args.fixed_challenge else None,
            segment_bytes=args.segment,
            segment_pause_s=args.pause,
        )
        if not 1 <= args.max_clients <= 100_000:
            raise ValueError(f"--max-clients must be between 1 and 100000, not {args.max_clients}")
    except ValueError as exc:
        print(f"netsim auth-server: {exc}", file=sys.stderr)
        return 2
    recorder = BoundedRecorder()
    server = AuthServer(
        config,
        args.key.encode(),
        recorder,
        host=args.host,
        port=args.port,
        max_connections=1 if args.once else None,
        max_concurrent=args.max_clients,
    )
    try:
        host, port = server.start()
    except OSError as exc:
        print(f"netsim auth-server: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    label = MULTIPROCESSING if config.protocol == MULTIPROCESSING else f"{config.protocol} {config.variant}"
    print(f"listening on {host}:{port} ({label}, digest {config.effective_digest})", flush=True)
    if config.protocol == NETSIM:
        print(f"variant: {macs.VARIANT_NOTES[config.variant]}", flush=True)
    elif config.protocol == LESSON:
        _print_lesson_notes(config)
    try:
        while True:
            done = server.wait_results(1, 0.1) if args.once else server.wait_stop(0.1)
            _print_server_events(recorder, sys.stdout)
            if done:
                break
    except KeyboardInterrupt:
        print("stopping", file=sys.stderr)
    finally:
        server.stop()
        _print_server_events(recorder, sys.stdout)
    return 0


def run_client_cmd(args: argparse.Namespace) -> int:
    try:
        config = _config(args, strict=not args.lenient)
    except ValueError as exc:
        print(f"netsim auth-client: {exc}", file=sys.stderr)
        return 2
    recorder = Recorder(keep=False)
    lesson = config.protocol == LESSON
    messages = [m.encode() for m in (args.message or ([] if lesson else ["hello"]))]
    if args.glue and not (lesson and messages):
        print("netsim auth-client: --glue needs --protocol lesson and a --message", file=sys.stderr)
        return 2
    if lesson:
        _print_lesson_notes(config)
    result_box: list[bool] = []
    stop = threading.Event()

    def work() -> None:
        if args.glue:
            res = run_lesson_client(
                config,
                args.key.encode(),
                (args.host, args.port),
                recorder,
                chat=messages,
                glue_first=True,
                stop=stop,
            )
        else:
            res = run_client(
                config,
                args.key.encode(),
                (args.host, args.port),
                recorder,
                who="client",
                chat=messages,
                stop=stop,
            )
        # The lesson's wire has no verdict: having sent the answer is all a client can know.
        result_box.append(res.accepted or res.reason == "no_verdict")

    # The client runs in a worker so the main thread can print steps as they happen and
    # still react to Ctrl-C.
    worker = threading.Thread(target=work, name="auth-client")
    worker.start()
    try:
        while worker.is_alive():
            worker.join(0.05)
            _print_events(recorder.drain(), sys.stdout)
    except KeyboardInterrupt:
        stop.set()
        worker.join()
        raise
    _print_events(recorder.drain(), sys.stdout)
    return 0 if result_box and result_box[0] else 1


def run_hmac(args: argparse.Namespace) -> int:
    lesson_only = args.scenario in LESSON_SCENARIOS
    if (args.protocol == LESSON) != lesson_only and args.scenario not in ("good", "wrong-key", "multi"):
        print(
            f"netsim hmac: scenario {args.scenario!r} needs "
            + ("--protocol lesson" if lesson_only else "--protocol netsim or multiprocessing"),
            file=sys.stderr,
        )
        return 2
    try:
        server_cfg = _config(args)
        setup = Setup(
            server=server_cfg,
            client=server_cfg,
            server_key=args.key.encode(),
            client_key=(args.client_key if args.client_key is not None else args.key).encode(),
        )
    except ValueError as exc:
        print(f"netsim hmac: {exc}", file=sys.stderr)
        return 2
    recorder = Recorder()
    outcomes = run_scenario(args.scenario, setup, recorder)
    events = recorder.events
    if args.json:
        doc = {
            "scenario": args.scenario,
            "protocol": server_cfg.protocol,
            "variant": server_cfg.variant,
            "digest": server_cfg.effective_digest,
            "steps": [step_to_json(e) for e in events if isinstance(e, AuthStep)],
            "verdicts": [
                {
                    "who": e.who,
                    "side": e.endpoint,
                    "conn": e.conn,
                    "accepted": e.accepted,
                    "reason": e.reason,
                    "why": macs.REASONS.get(e.reason, e.reason),
                }
                for e in events
                if isinstance(e, AuthVerdict)
            ],
            "outcomes": [
                {
                    "scenario": o.scenario,
                    "succeeded": o.succeeded,
                    "verdict": "accepted" if o.succeeded else "rejected",
                    "explanation": o.explanation,
                    "sentence": macs.EXPLANATIONS[o.explanation],
                }
                for o in outcomes
            ],
        }
        json.dump(doc, sys.stdout, indent=2)
        print()
    else:
        if setup.server.protocol == NETSIM:
            print(f"variant: {macs.VARIANT_NOTES[setup.server.variant]}")
        elif setup.server.protocol == LESSON:
            _print_lesson_notes(setup.server)
        _print_events(events, sys.stdout)
    return 0 if outcomes else 1
