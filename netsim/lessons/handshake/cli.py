"""``netsim handshake``: one real loopback TCP connection, call by call, headless.

Prints every socket call, the segments it put on the wire (captured off ``lo`` when the
platform allows it, else modelled from the state table and marked ``MODELLED``) and both ends'
states as the kernel reports them.

``--step`` stops before every socket call.  With a terminal on stdin it waits for Enter
(``q`` + Enter stops); without one it prints each pending call and steps on by itself, so
piped runs and tests see the same step-by-step output.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any, TextIO

from netsim.core.events import (
    Event,
    RunFinished,
    RunStarted,
    SocketCalled,
    SocketFailed,
    TcpStateChanged,
    event_to_dict,
)
from netsim.lessons.handshake.capture import CaptureUnavailable
from netsim.lessons.handshake.lab import DEFAULT_SCENARIO, SCENARIOS, HandshakeLab
from netsim.lessons.handshake.tcpstate import SegmentSeen


def register(sub: Any) -> None:
    p = sub.add_parser(
        "handshake",
        help="step through a real TCP connection's handshake and teardown",
        description="Open and close one real TCP connection on loopback and print each socket call, "
        "the segments seen (captured, or modelled and marked so) and both ends' kernel states.",
    )
    p.add_argument("--scenario", default=DEFAULT_SCENARIO, choices=list(SCENARIOS), help="what to run")
    p.add_argument("--list", action="store_true", help="list the scenarios and exit")
    cap = p.add_mutually_exclusive_group()
    cap.add_argument(
        "--capture",
        action="store_true",
        help="require loopback capture (root or CAP_NET_RAW on Linux); fail if unavailable. "
        "Default: capture when possible, else model",
    )
    cap.add_argument("--no-capture", action="store_true", help="do not capture; model the segments")
    p.add_argument("--pcap", metavar="FILE", help="write the captured segments as pcap (needs capture)")
    p.add_argument(
        "--step",
        action="store_true",
        help="stop before each socket call: Enter steps when stdin is a terminal, otherwise it steps on",
    )
    p.add_argument("--absolute", action="store_true", help="absolute seq/ack (default: relative)")
    p.add_argument("--json", action="store_true", help="print the whole run as one JSON document")
    p.add_argument("--timeout", type=float, default=30.0, metavar="S", help="give up after S seconds")
    p.set_defaults(func=run)


def format_segment(seg: SegmentSeen, *, absolute: bool = False) -> str:
    arrow = "client -> server" if seg.endpoint == "client" else "server -> client"
    seq, ack = (seg.seq, seg.ack) if absolute else (seg.rel_seq, seg.rel_ack)
    win = str(seg.window) if seg.window >= 0 else "-"
    how = "captured" if seg.captured else "MODELLED (not captured)"
    text = f"  {arrow}  [{seg.flag_text}]".ljust(30) + f" seq={seq} ack={ack} win={win} len={seg.payload_len}"
    if seg.payload:
        text += f" {seg.payload!r}"
    return f"{text}   {how}"


def format_event(ev: Event, *, absolute: bool = False) -> str | None:
    if isinstance(ev, SegmentSeen):
        return format_segment(ev, absolute=absolute)
    if isinstance(ev, SocketCalled):
        result = f" -> {ev.result}" if ev.result else ""
        return f"[{ev.endpoint}] {ev.call}{result}"
    if isinstance(ev, SocketFailed):
        return f"[{ev.endpoint}] {ev.call} FAILED: {ev.error} ({ev.message})"
    if isinstance(ev, TcpStateChanged):
        where = f" {ev.local}" if ev.local else ""
        return f"      kernel: {ev.endpoint} is {ev.state}{where}"
    if isinstance(ev, RunStarted):
        cfg = ev.config
        lines = [f"scenario {cfg['scenario']}: {cfg['title']}"]
        if cfg["capture"]:
            lines.append(f"segments: captured ({cfg['capture_reason']})")
        else:
            lines.append(f"segments: MODELLED from the state table, not captured - {cfg['capture_reason']}")
        lines.append(f"kernel states: {cfg['kernel_source'] or 'not available on this platform'}")
        return "\n".join(lines)
    if isinstance(ev, RunFinished):
        return f"run finished: {'ok' if ev.ok else 'FAILED'} ({ev.reason})"
    return None


def _emit(lines: list[Event], out: TextIO, absolute: bool) -> None:
    for ev in lines:
        text = format_event(ev, absolute=absolute)
        if text is not None:
            print(text, file=out, flush=True)


def run(args: argparse.Namespace, out: TextIO | None = None, stdin: TextIO | None = None) -> int:
    out = out if out is not None else sys.stdout
    stdin = stdin if stdin is not None else sys.stdin
    if args.list:
        for s in SCENARIOS.values():
            print(f"{s.name:18} {s.title}", file=out)
        return 0
    if args.no_capture and (args.capture or args.pcap):
        print("netsim handshake: --no-capture cannot go with --capture or --pcap", file=sys.stderr)
        return 2
    if args.timeout <= 0:
        print("netsim handshake: --timeout must be a positive number of seconds", file=sys.stderr)
        return 2
    capture: bool | None = True if (args.capture or args.pcap) else (False if args.no_capture else None)
    try:
        lab = HandshakeLab(args.scenario, capture=capture, stepping=args.step)
    except CaptureUnavailable as exc:
        print(f"netsim handshake: capture not available: {exc}", file=sys.stderr)
        return 2
    interactive = args.step and stdin.isatty()
    text = not args.json
    deadline = time.monotonic() + args.timeout
    try:
        lab.start()
        while not lab.finished:
            if not args.step and time.monotonic() > deadline:
                print(f"netsim handshake: the run did not finish within {args.timeout} s", file=sys.stderr)
                return 1
            if args.step:
                if not lab.wait_idle(args.timeout):
                    print("netsim handshake: timed out", file=sys.stderr)
                    return 1
                if text:
                    _emit(lab.recorder.drain(), out, args.absolute)
                pending = lab.gate.pending()
                if pending:
                    p = pending[0]
                    if text:
                        prompt = f"-- next: [{p.endpoint}] {p.call}"
                        print(
                            prompt + ("  (Enter steps, q quits)" if interactive else ""), file=out, flush=True
                        )
                    if interactive and stdin.readline().strip().lower() == "q":
                        return 130
                    lab.step()
            else:
                lab.wait(0.05)
                if text:
                    _emit(lab.recorder.drain(), out, args.absolute)
        if text:
            _emit(lab.recorder.drain(), out, args.absolute)
    finally:
        lab.close()
    written = -1
    if args.pcap:
        written = lab.write_pcap(args.pcap)
    history: dict[str, list[str]] = {}
    for ev in lab.observer.history:
        history.setdefault(ev.endpoint, []).append(ev.state)
    # "Both close at once" is a race on loopback: say whether the FINs really crossed.  They did
    # exactly when both ends went through TIME_WAIT (each closed before the other's FIN came).
    crossed: bool | None = None
    if lab.scenario.name == "simultaneous":
        crossed = all("TIME_WAIT" in history.get(end, []) for end in ("client", "server"))
    if args.json:
        doc = {
            "scenario": lab.scenario.name,
            "ok": lab.ok,
            "capture": lab.capturing,
            "capture_reason": lab.capture_reason,
            "kernel_states": history,
            "fins_crossed": crossed,
            "pcap": {"path": args.pcap, "segments": written} if args.pcap else None,
            "events": [event_to_dict(e) for e in lab.recorder.events],
        }
        print(json.dumps(doc, indent=1), file=out)
    else:
        for endpoint, states in history.items():
            print(f"kernel states, {endpoint}: {' -> '.join(states)}", file=out)
        if crossed is not None:
            print(
                "the FINs crossed: both ends closed first, both went through TIME_WAIT"
                if crossed
                else "the FINs did not cross this time: one FIN arrived before the other close(), "
                "so the kernel took the ordinary path (the diagram's CLOSING path is the textbook case)",
                file=out,
            )
        if args.pcap:
            print(f"pcap: {written} captured segments written to {args.pcap}", file=out)
    return 0 if lab.ok else 1
