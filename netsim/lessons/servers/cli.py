"""``netsim servers``: the servers panel's headless twin (blocking / threaded / non-blocking).

Runs one mode against N loopback clients and prints a text timeline (waiting vs being served,
and the server's CPU use) with a summary; ``--json`` prints the figures as one JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from netsim.lessons.servers import (
    MAX_CLIENTS,
    MAX_REQUESTS,
    MAX_THINK_MS,
    MODES,
    VERDICTS,
    ServersConfig,
    ServersLab,
    ServersResult,
    gantt,
)


def register(sub: Any) -> None:
    p = sub.add_parser(
        "servers",
        help="serve many clients: blocking vs threaded vs non-blocking (busy loop, the lesson's code as "
        "written, or selectors)",
        description="Run one server design against N loopback clients; print who waited, who was "
        "served when, and how much CPU the server burned doing it.",
    )
    p.add_argument(
        "--mode",
        choices=MODES,
        default="blocking",
        help="server design (default: blocking); nonblocking-lesson is the lesson's loop as written, "
        "accepted sockets left blocking, so it stalls on one client; nonblocking-busy is it fixed",
    )
    p.add_argument(
        "--clients", type=int, default=3, metavar="N", help=f"clients, 1…{MAX_CLIENTS} (default 3)"
    )
    p.add_argument(
        "--requests",
        type=int,
        default=3,
        metavar="K",
        help=f"requests per client, 1…{MAX_REQUESTS} (default 3)",
    )
    p.add_argument(
        "--think-ms",
        type=float,
        default=100.0,
        metavar="MS",
        help=f"client pause between requests, 0…{MAX_THINK_MS:g} ms (default 100)",
    )
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    p.set_defaults(func=run)


def format_text(result: ServersResult) -> str:
    lines = [
        f"mode {result.mode}: {result.config.get('clients')} clients × {result.config.get('requests')} "
        f"requests, think {result.config.get('think_ms'):g} ms",
        "",
        "  . connected, waiting    # being served    | reply received    server CPU: ' ' idle … '@' 100 %",
        *gantt(result),
        "",
    ]
    for r in result.clients:
        wait = f"{r.wait_ns / 1e6:8.1f} ms" if r.wait_ns is not None else "       - ms"
        total = f"{r.total_ns / 1e6:8.1f} ms" if r.total_ns is not None else "       - ms"
        lines.append(
            f"client {r.client:<3} waited {wait} for its first reply, connected {total}, "
            f"{r.replies_ok}/{len(r.requests)} echoes correct"
            + (f", served by {r.thread}" if r.thread else "")
        )
    lines += [
        "",
        f"wall time        {result.wall_s * 1000:9.1f} ms (first connect → last client closed)",
        f"server CPU time  {result.server_cpu_s * 1000:9.1f} ms over {result.server_wall_s * 1000:.1f} ms "
        f"= {result.cpu_percent:.1f} % of a CPU ({result.spins} times found nothing to do)",
        f"verdict          {VERDICTS.get(result.mode, '')}",
    ]
    if result.failures:
        lines += ["", "failures:", *(f"  {f}" for f in result.failures)]
    elif not result.all_echoed:
        lines += ["", "not every request was echoed correctly"]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    try:
        config = ServersConfig(
            mode=args.mode, clients=args.clients, requests=args.requests, think_ms=args.think_ms
        )
    except ValueError as exc:
        print(f"netsim servers: {exc}", file=sys.stderr)
        return 2
    lab = ServersLab(config)
    lab.start()
    try:
        lab.wait(config.timeout_s + 5)
    finally:
        lab.close()
    result = lab.result()
    if args.json:
        print(json.dumps(result.to_dict(), indent=2))
    else:
        print(format_text(result))
    return 0 if result.ok and result.all_echoed else 1
