"""``netsim relay``: put a user-space network between any client and server, and watch it.

    netsim relay --listen 127.0.0.1:9002 --to 127.0.0.1:9001 --mss 536 --wire-delay-ms 30

Then point the client (the lesson's own programs, ``nc``, ``netsim chat-client``) at port 9002.
Every forwarded segment or datagram is printed as it goes.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from typing import Any, TextIO

from netsim.core.events import Event, SocketFailed
from netsim.lab.relay import (
    DEFAULT_LINK_KBPS,
    MSS_MAX,
    TCP_LOSS_NOTE,
    DatagramDropped,
    DatagramForwarded,
    Relay,
    SegmentForwarded,
    WireConfig,
    check_target,
)

ARROWS = {"c2s": "client → server", "s2c": "server → client"}


def add_wire_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--mss",
        type=int,
        metavar="B",
        help=f"TCP: largest segment written (1448 Ethernet, 536 the minimum, {MSS_MAX} loopback, the default)",
    )
    p.add_argument(
        "--wire-delay-ms", type=float, default=0.0, metavar="MS", help="delay each segment/datagram"
    )
    p.add_argument(
        "--wire-jitter-ms", type=float, default=0.0, metavar="MS", help="± random jitter on the delay"
    )
    p.add_argument(
        "--wire-rate-kbps",
        type=float,
        metavar="KBIT",
        help=f"TCP: link rate in kbit/s; 0 = none (default: {DEFAULT_LINK_KBPS:g} below loopback's MSS)",
    )
    p.add_argument(
        "--coalesce-ms", type=float, default=0.0, metavar="MS", help="TCP: gather small writes (Nagle-like)"
    )
    p.add_argument(
        "--loss", type=float, default=0.0, metavar="F", help="UDP: fraction of datagrams lost (0..1)"
    )
    p.add_argument("--dup", type=float, default=0.0, metavar="F", help="UDP: fraction duplicated (0..1)")
    p.add_argument(
        "--reorder", type=float, default=0.0, metavar="F", help="UDP: fraction held back and overtaken"
    )
    p.add_argument(
        "--mtu", type=int, default=0, metavar="B", help="UDP: drop datagrams over this MTU (payload + 28)"
    )
    p.add_argument(
        "--seed", type=int, default=0, metavar="N", help="fix every random choice (same seed, same run)"
    )


def register(sub: Any) -> None:
    p = sub.add_parser(
        "relay",
        help="a network in the middle: segment, delay, throttle (TCP); lose, duplicate, reorder (UDP)",
        description="Forward from --listen to --to through a user-space network, printing every "
        "forwarded segment or datagram. " + TCP_LOSS_NOTE,
    )
    p.add_argument("--listen", required=True, metavar="HOST:PORT", help="where clients connect (port 0: any)")
    p.add_argument("--to", required=True, metavar="HOST:PORT", help="the real server")
    p.add_argument("--udp", action="store_true", help="relay UDP datagrams instead of a TCP stream")
    p.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow a non-loopback --listen or --to (without it, only 127.0.0.1 / ::1 / localhost)",
    )
    add_wire_arguments(p)
    p.add_argument(
        "--duration", type=float, default=0.0, metavar="S", help="stop after S seconds (0: on Ctrl-C)"
    )
    p.add_argument("--quiet", action="store_true", help="print only the summary at the end")
    p.set_defaults(func=run)
    b = sub.add_parser(
        "relay-bench",
        help="measure the relay: latency added per message, throughput at loopback's MSS",
        description="Ping-pongs and a bulk transfer between two ends in a child process, directly and "
        "through the relay; prints medians and whether the targets (< 1 ms added, >= 200 MB/s) are met.",
    )
    b.add_argument("--pings", type=int, default=2000, metavar="N", help="ping-pongs per latency figure")
    b.add_argument(
        "--megabytes", type=float, default=512.0, metavar="MB", help="bytes for the throughput figure"
    )
    b.add_argument("--json", action="store_true", help="print the figures as JSON")
    b.set_defaults(func=run_bench)


def run_bench(args: argparse.Namespace) -> int:
    from netsim.lab.relay_bench import format_report
    from netsim.lab.relay_bench import run_bench as bench

    if not (1 <= args.pings <= 1_000_000 and 0 < args.megabytes <= 100_000):
        print("netsim relay-bench: --pings 1..1000000, --megabytes 0..100000", file=sys.stderr)
        return 2
    report = bench(pings=args.pings, megabytes=args.megabytes)
    print(json.dumps(report, indent=2) if args.json else format_report(report))
    return 0 if report["verified"] else 1


def parse_address(text: str) -> tuple[str, int]:
    host, sep, port = text.rpartition(":")
    host = host.strip("[]")
    if not sep or not host or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ValueError(f"not a HOST:PORT address: {text!r}")
    return host, int(port)


def wire_config(args: argparse.Namespace) -> WireConfig:
    return WireConfig(
        mss=args.mss if args.mss is not None else MSS_MAX,
        delay_ms=args.wire_delay_ms,
        jitter_ms=args.wire_jitter_ms,
        rate_kbps=args.wire_rate_kbps,
        coalesce_ms=args.coalesce_ms,
        loss=args.loss,
        dup=args.dup,
        reorder=args.reorder,
        mtu=args.mtu,
        seed=args.seed,
    )


def describe(config: WireConfig, udp: bool) -> str:
    parts = [f"delay {config.delay_ms:g} ms ± {config.jitter_ms:g}"]
    if udp:
        parts += [f"loss {config.loss:g}", f"dup {config.dup:g}", f"reorder {config.reorder:g}"]
        if config.mtu:
            parts.append(f"MTU {config.mtu}")
        parts.append(f"seed {config.seed}")
    else:
        rate = config.link_kbps
        parts = [f"MSS {config.mss}", *parts, f"rate {rate:g} kbit/s" if rate else "no rate limit"]
        if config.coalesce_ms:
            parts.append(f"coalesce {config.coalesce_ms:g} ms")
    return ", ".join(parts)


def format_event(ev: Event, t0_ns: int) -> str | None:
    t = f"{(ev.t_ns - t0_ns) / 1e6:10.3f} ms"
    if isinstance(ev, SegmentForwarded):
        held = (ev.t_ns - ev.arrived_ns) / 1e6
        return (
            f"{t}  #{ev.connection} {ARROWS[ev.direction]}  segment [{ev.start}, {ev.end}) "
            f"{ev.end - ev.start} B  held {held:.2f} ms  {ev.head!r}{'…' if ev.end - ev.start > len(ev.head) else ''}"
        )
    if isinstance(ev, DatagramForwarded):
        flags = "".join([" DUPLICATE" if ev.duplicate else "", " REORDERED" if ev.reordered else ""])
        return f"{t}  {ARROWS[ev.direction]}  datagram {ev.index} {ev.size} B{flags}  {ev.head!r}"
    if isinstance(ev, DatagramDropped):
        why = "LOST" if ev.reason == "loss" else f"DROPPED (over the MTU: {ev.size} + 28 B)"
        return f"{t}  {ARROWS[ev.direction]}  datagram {ev.index} {ev.size} B  {why}"
    if isinstance(ev, SocketFailed):
        return f"{t}  error: {ev.call}: {ev.message}"
    return None


class _Printer:
    """Prints events as they happen (called from the relay's threads, so one lock)."""

    def __init__(self, out: TextIO, quiet: bool) -> None:
        self.out = out
        self.quiet = quiet
        self.t0 = time.monotonic_ns()
        self.lock = threading.Lock()
        self.counts = {"segments": 0, "datagrams": 0, "dropped": 0, "bytes": 0}

    def __call__(self, ev: Event) -> None:
        with self.lock:
            if isinstance(ev, SegmentForwarded):
                self.counts["segments"] += 1
                self.counts["bytes"] += ev.end - ev.start
            elif isinstance(ev, DatagramForwarded):
                self.counts["datagrams"] += 1
                self.counts["bytes"] += ev.size
            elif isinstance(ev, DatagramDropped):
                self.counts["dropped"] += 1
            line = format_event(ev, self.t0)
            if line is not None and (not self.quiet or isinstance(ev, SocketFailed)):
                try:
                    print(line, file=self.out, flush=True)
                except (BrokenPipeError, ValueError):
                    pass  # the reader of our output left; go on relaying


def run(args: argparse.Namespace) -> int:
    try:
        listen = parse_address(args.listen)
        target = parse_address(args.to)
        check_target(listen[0], allow_remote=args.allow_remote)
        config = wire_config(args)
        if not args.udp and (config.loss or config.dup or config.reorder or config.mtu):
            raise ValueError(TCP_LOSS_NOTE)
        printer = _Printer(sys.stdout, args.quiet)
        relay = Relay(
            target,
            config,
            transport="udp" if args.udp else "tcp",
            listen=listen,
            on_event=printer,
            allow_remote=args.allow_remote,
        )
    except ValueError as exc:
        print(f"netsim relay: {exc}", file=sys.stderr)
        return 2
    try:
        address = relay.start()
    except OSError as exc:
        print(f"netsim relay: cannot listen on {args.listen}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    try:
        proto = "UDP" if args.udp else "TCP"
        print(
            f"relay ({proto}) listening on {address[0]}:{address[1]} -> {target[0]}:{target[1]}; "
            f"{describe(config, args.udp)}",
            flush=True,
        )
        deadline = time.monotonic() + args.duration if args.duration > 0 else None
        while deadline is None or time.monotonic() < deadline:
            time.sleep(0.1 if deadline is None else max(0.0, min(0.1, deadline - time.monotonic())))
    except KeyboardInterrupt:
        pass
    finally:
        relay.close()
    c = printer.counts
    unit = f"{c['datagrams']} datagrams, {c['dropped']} dropped" if args.udp else f"{c['segments']} segments"
    print(f"relay stopped: {unit}, {c['bytes']} bytes forwarded", flush=True)
    return 1 if relay.failed else 0
