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

from netsim.core.events import Event, SocketFailed
from netsim.core.recorder import Recorder
from netsim.lessons.hmac import macs
from netsim.lessons.hmac.events import AuthStep, AuthVerdict, ScenarioFinished
from netsim.lessons.hmac.machines import FIXED_CHALLENGE, MULTIPROCESSING, NETSIM, PROTOCOLS, AuthConfig
from netsim.lessons.hmac.scenarios import SCENARIOS, Setup, run_scenario
from netsim.lessons.hmac.transport import AuthServer, run_client

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
}


def _hex_wire(data: bytes, header_bytes: int) -> str:
    if header_bytes:
        return f"{data[:header_bytes].hex()} | {data[header_bytes:].hex()}"
    return data.hex()


def describe(event: Event) -> str | None:
    """One line of text for an event of the auth lesson (None for events not worth a line)."""
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
            parts.append(f"- {event.detail}")
        return " ".join(parts)
    if isinstance(event, AuthVerdict):
        word = "ACCEPTED" if event.accepted else "REJECTED"
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
    for event in events:
        line = describe(event)
        if line is not None:
            print(line, file=out, flush=True)


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
        help="netsim (the lesson, fixed) or multiprocessing (multiprocessing.connection's handshake)",
    )
    p.add_argument(
        "--digest",
        default=macs.DEFAULT_DIGEST,
        help=f"HMAC digest: netsim {', '.join(macs.DIGESTS)}; multiprocessing "
        f"{', '.join(macs.MP_DIGESTS)} (md5 = the legacy <= 3.11 form). Default sha256",
    )
    p.add_argument(
        "--variant",
        choices=macs.VARIANTS,
        default=macs.HMAC,
        help="netsim construction: legacy-sha1 (the lesson's first method, LEGACY), hmac, "
        "mutual (role-bound), mutual-unbound (INSECURE: reflectable)",
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
        "can authenticate; after acceptance every frame is echoed back (never unpickled).",
    )
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=9001, help="port (default 9001, as in the lesson; 0 = any)")
    p.add_argument("--once", action="store_true", help="exit after the first connection has finished")
    p.add_argument(
        "--fixed-challenge",
        action="store_true",
        help="INSECURE: send the same challenge every time (for the replay lesson)",
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
        "--message", action="append", default=None, help="chat message after acceptance (repeatable)"
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
    p.add_argument("--scenario", choices=SCENARIOS, default="good")
    p.add_argument("--json", action="store_true", help="print one JSON document instead of text")
    p.add_argument("--client-key", default=None, help="the client's key (default: the same as --key)")
    _add_common(p)
    p.set_defaults(func=run_hmac)


def _config(args: argparse.Namespace, **extra: Any) -> AuthConfig:
    return AuthConfig(
        protocol=args.protocol,
        variant=args.variant,
        digest=args.digest,
        accept_legacy=not args.no_legacy,
        deadline_s=args.deadline,
        **extra,
    )


def run_server(args: argparse.Namespace) -> int:
    try:
        config = _config(args, fixed_challenge=FIXED_CHALLENGE if args.fixed_challenge else None)
    except ValueError as exc:
        print(f"netsim auth-server: {exc}", file=sys.stderr)
        return 2
    recorder = Recorder(keep=False)
    server = AuthServer(
        config,
        args.key.encode(),
        recorder,
        host=args.host,
        port=args.port,
        max_connections=1 if args.once else None,
    )
    try:
        host, port = server.start()
    except OSError as exc:
        print(f"netsim auth-server: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    label = MULTIPROCESSING if config.protocol == MULTIPROCESSING else f"netsim {config.variant}"
    print(f"listening on {host}:{port} ({label}, digest {config.effective_digest})", flush=True)
    if config.protocol == NETSIM:
        print(f"variant: {macs.VARIANT_NOTES[config.variant]}", flush=True)
    try:
        while True:
            done = server.wait_results(1, 0.1) if args.once else server.wait_stop(0.1)
            _print_events(recorder.drain(), sys.stdout)
            if done:
                break
    except KeyboardInterrupt:
        print("stopping", file=sys.stderr)
    finally:
        server.stop()
        _print_events(recorder.drain(), sys.stdout)
    return 0


def run_client_cmd(args: argparse.Namespace) -> int:
    try:
        config = _config(args, strict=not args.lenient)
    except ValueError as exc:
        print(f"netsim auth-client: {exc}", file=sys.stderr)
        return 2
    recorder = Recorder(keep=False)
    messages = [m.encode() for m in (args.message or ["hello"])]
    result_box: list[bool] = []
    stop = threading.Event()

    def work() -> None:
        res = run_client(
            config,
            args.key.encode(),
            (args.host, args.port),
            recorder,
            who="client",
            chat=messages,
            stop=stop,
        )
        result_box.append(res.accepted)

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
        _print_events(events, sys.stdout)
    return 0 if outcomes else 1
