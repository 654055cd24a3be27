"""``netsim sticky``: the sticky-packet lab, headless."""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections.abc import Iterator
from itertools import islice
from typing import Any

from netsim.core.events import BytesReceived, FrameDecoded, SocketCalled, SocketFailed
from netsim.core.memory import tune_allocator
from netsim.core.trace import MAX_TRACE_MB, Trace, TraceFormatError
from netsim.framing import CODEC_SPECS
from netsim.lab.relay import TCP_LOSS_NOTE
from netsim.lessons.sticky import Scenario, StreamLab
from netsim.lessons.sticky.lab import EOF_RESULT, LESSON_BUG
from netsim.lessons.sticky.presets import PRESETS, preset
from netsim.lessons.sticky.ribbon import render
from netsim.lessons.sticky.scenario import RECEIVERS, SENDERS, check_trace_config
from netsim.lessons.sticky.wire import wire_summary

JSON_MAX_ITEMS = 100  # app_message_payloads and recv_chunks list this many at most
REPLAY_KEEP_BYTES = Scenario().record_bytes_limit  # payload bytes kept from a replayed trace


def register(sub: Any) -> None:
    p = sub.add_parser(
        "sticky",
        help="run the sticky-packet lab (TCP or UDP) and print the stream",
        description="Send messages from a client to a server over real loopback sockets and show "
        "where the send() boundaries, the recv() chunks and the application's messages fall.",
    )
    p.add_argument("--preset", choices=[x.preset_id for x in PRESETS], help="start from a lesson preset")
    p.add_argument("--list-presets", action="store_true", help="list the presets and exit")
    p.add_argument("--transport", choices=("tcp", "udp"))
    p.add_argument("--framing", metavar="SPEC", help=f"framing: {', '.join(CODEC_SPECS)}")
    p.add_argument("--messages", metavar="A,B,...", help="comma-separated messages (UTF-8)")
    p.add_argument("--count", type=int, metavar="N", help="send N generated messages…")
    p.add_argument("--size", type=int, metavar="B", help="…of B bytes each")
    p.add_argument("--burst", action="store_true", help="send all messages in one sendall()")
    p.add_argument("--send-delay-ms", type=float, metavar="MS", help="pause between sends")
    p.add_argument("--receiver-delay-ms", type=float, metavar="MS", help="receiver sleeps before each recv()")
    p.add_argument("--recv-bytes", type=int, metavar="N", help="recv() size")
    p.add_argument("--nodelay", action="store_true", help="set TCP_NODELAY on the sender")
    p.add_argument("--rcvbuf", type=int, metavar="B", help="SO_RCVBUF on the receiver")
    p.add_argument("--sndbuf", type=int, metavar="B", help="SO_SNDBUF on the sender")
    p.add_argument("--port", type=int, help="server port (default: any free port)")
    p.add_argument(
        "--sender",
        choices=SENDERS,
        help="which end sends (TCP; default client). The lesson's hello/world demo: server",
    )
    p.add_argument(
        "--receiver",
        choices=RECEIVERS,
        help="exact: read until each frame is complete (default); lesson: the lesson's code, "
        "recv(4) then recv(size), each trusted once (framing none or length)",
    )
    w = p.add_argument_group(
        "the network in the middle",
        "Any of these puts a relay between client and server (netsim relay). " + TCP_LOSS_NOTE,
    )
    w.add_argument(
        "--mss",
        type=int,
        metavar="B",
        help="TCP: largest segment the relay writes (1448 Ethernet, 536 the minimum, 65483 loopback)",
    )
    w.add_argument("--wire-delay-ms", type=float, metavar="MS", help="delay each segment/datagram")
    w.add_argument("--wire-jitter-ms", type=float, metavar="MS", help="± random jitter on that delay")
    w.add_argument("--wire-rate-kbps", type=float, metavar="KBIT", help="bandwidth limit (kbit/s)")
    w.add_argument("--loss", type=float, metavar="F", help="UDP: fraction of datagrams lost (0..1)")
    w.add_argument("--dup", type=float, metavar="F", help="UDP: fraction duplicated (0..1)")
    w.add_argument("--reorder", type=float, metavar="F", help="UDP: fraction held back and overtaken (0..1)")
    w.add_argument("--seed", type=int, metavar="N", help="fix every random choice (same seed, same run)")
    p.add_argument("--step", action="store_true", help="stop before every socket call (Enter steps)")
    p.add_argument("--save", metavar="FILE", help="write the run as a JSON Lines trace")
    p.add_argument("--replay", metavar="FILE", help="analyse a saved trace instead of running")
    p.add_argument(
        "--max-trace-mb",
        type=float,
        default=MAX_TRACE_MB,
        metavar="MB",
        help=f"refuse to replay trace files larger than this (default {MAX_TRACE_MB} MB)",
    )
    p.add_argument(
        "--timeout",
        type=float,
        metavar="S",
        help="give up after S seconds (default: 60 s, more for long runs)",
    )
    p.add_argument(
        "--json",
        action="store_true",
        help="print a JSON summary; recv_chunks lists each recv() result in order (the first "
        f'{JSON_MAX_ITEMS}) as a string when it is UTF-8, else as {{"hex": "..."}}, null when the '
        "bytes were not kept; the b'' of the end of the stream is the final \"\"",
    )
    p.set_defaults(func=run)


def scenario_from_args(args: argparse.Namespace) -> Scenario:
    timeout = getattr(args, "timeout", None)  # None: default_timeout_s() sizes it to the run
    if timeout is not None and (not math.isfinite(timeout) or not 0 < timeout <= 86_400):
        raise ValueError(f"--timeout must be a number of seconds between 0 and 86400, not {timeout}")
    base = preset(args.preset).scenario if args.preset else Scenario()
    changes: dict[str, Any] = {}
    if args.transport:
        changes["transport"] = args.transport
    if args.framing is not None:
        changes["framing"] = args.framing
    if args.messages is not None and args.count is not None:
        raise ValueError("give --messages or --count, not both")
    if args.messages is not None:
        changes["messages"] = tuple(m.encode() for m in args.messages.split(","))
        changes["count"] = 0
    if args.count is not None:
        changes["count"] = args.count
        if args.count <= 0:
            raise ValueError("--count must be at least 1")
    if args.size is not None:
        changes["size"] = args.size
    if args.burst:
        changes["send_mode"] = "burst"
    for name in (
        "send_delay_ms",
        "receiver_delay_ms",
        "recv_bytes",
        "rcvbuf",
        "sndbuf",
        "port",
        "sender",
        "receiver",
        "mss",
        "wire_delay_ms",
        "wire_jitter_ms",
        "wire_rate_kbps",
        "loss",
        "dup",
        "reorder",
        "seed",
    ):
        value = getattr(args, name)
        if value is not None:
            changes[name] = value
    if args.nodelay:
        changes["nodelay"] = True
    return base.replace(**changes)


def _drive_steps(lab: StreamLab, timeout_s: float, interactive: bool) -> None:
    # Unattended stepping honours --timeout (a human pressing Enter sets their own pace).
    deadline = time.monotonic() + timeout_s
    while not lab.finished:
        if not interactive and time.monotonic() > deadline:
            return
        if not lab.gate.wait_pending(0.2):
            continue
        pending = lab.gate.pending()
        if not pending:
            continue
        print(f"next: {pending[0].label()}", flush=True)
        if interactive:
            try:
                input("  [Enter] step ")
            except EOFError:
                interactive = False
        lab.step()


def run(args: argparse.Namespace) -> int:
    if args.list_presets:
        for p in PRESETS:
            print(f"{p.preset_id:18} {p.title}\n{'':18} {p.lesson}")
        return 0
    tune_allocator()  # a run of millions of messages grows big columns
    died: str | None = None  # a worker died: the run ended at once with this error
    if args.replay:
        if not args.max_trace_mb > 0:
            print("netsim sticky: --max-trace-mb must be a positive number", file=sys.stderr)
            return 2
        try:
            trace = Trace.load(
                args.replay,
                max_mb=args.max_trace_mb,
                keep_bytes=REPLAY_KEEP_BYTES,  # what a live run records, at most
                validate_config=check_trace_config,
            )
        except (OSError, TraceFormatError) as exc:
            print(f"netsim sticky: cannot replay {args.replay}: {exc}", file=sys.stderr)
            return 2
    else:
        try:
            scenario = scenario_from_args(args)
            lab = StreamLab(scenario, stepping=args.step)
        except ValueError as exc:
            print(f"netsim sticky: {exc}", file=sys.stderr)
            return 2
        timeout_s = args.timeout if args.timeout is not None else default_timeout_s(scenario)
        try:
            lab.start()
            if args.step:
                _drive_steps(lab, timeout_s, sys.stdin.isatty())
            if not lab.wait(timeout_s):
                print(f"netsim sticky: the run did not finish within {timeout_s:g} s", file=sys.stderr)
                return 1
        finally:
            lab.close()
        trace = Trace(lab.recorder.events)
        if args.save:
            trace.save(args.save)
        died = lab.died
    analysis = trace.analyze()
    if args.json:
        summary = analysis.summary()
        summary.update(wire_summary(trace))
        summary["app_message_payloads"] = [
            p.decode("utf-8", "backslashreplace") for p in islice(_payloads(trace), JSON_MAX_ITEMS)
        ]
        config = trace.config
        summary["sender"] = str(config.get("sender", "client"))
        summary["receiver"] = str(config.get("receiver", "exact"))
        summary["recv_chunks"] = recv_chunks(trace, JSON_MAX_ITEMS)
        summary["lesson_failure"] = lesson_failure(trace)
        print(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        print(render(trace, analysis))
    if died is not None:
        print(f"netsim sticky: the run failed: {died}", file=sys.stderr)
        return 1
    # Socket errors (EMSGSIZE, a reset) are part of the lesson and were printed: still exit 0.
    return 0


def _payloads(trace: Trace) -> Iterator[bytes]:
    return (e.payload for e in trace.of_type(FrameDecoded))


def default_timeout_s(scenario: Scenario) -> float:
    """60 s, or more for long runs (40 µs a message: a loaded two-core machine)."""
    return max(60.0, scenario.message_count * 40e-6)


def _chunk_json(data: bytes, size: int) -> str | dict[str, str] | None:
    if len(data) != size:
        return None  # past the run's byte budget: the offsets are exact, the bytes were not kept
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return {"hex": data.hex()}


def recv_chunks(trace: Trace, limit: int | None = None) -> list[str | dict[str, str] | None]:
    """Each recv() result in order: text where it is UTF-8, else ``{"hex": ...}``; ``""`` for the EOF b''.

    ``limit``: stop after that many (a run of millions of recv() calls is not read to the end).
    """
    out: list[str | dict[str, str] | None] = []
    for e in trace.events:
        if limit is not None and len(out) >= limit:
            break
        if isinstance(e, BytesReceived):
            out.append(_chunk_json(e.data, e.end - e.start))
        elif isinstance(e, SocketCalled) and e.result == EOF_RESULT:
            out.append("")
    return out


def lesson_failure(trace: Trace) -> str | None:
    """The lesson receiver's failure (``"server: struct.unpack(...): the lesson's bug: ..."``), if any."""
    for e in trace.of_type(SocketFailed):
        if e.message.startswith(LESSON_BUG):
            return f"{e.endpoint}: {e.call}: {e.error}: {e.message}"
    return None
