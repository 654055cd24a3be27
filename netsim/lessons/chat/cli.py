"""``netsim chat-server`` / ``netsim chat-client``: the lesson's chat programs, framed and robust."""

from __future__ import annotations

import argparse
import math
import sys
from typing import Any

from netsim.framing import CODEC_SPECS, make_codec
from netsim.lessons.chat.peer import ChatError, ChatOptions, run_chat


def register(sub: Any) -> None:
    for role in ("server", "client"):
        p = sub.add_parser(
            f"chat-{role}",
            help=f"interactive chat {role} (type a line; q quits)",
            description=f"The lesson's chat {role}, framed: works against the other netsim chat "
            "program, against nc (delimiter framing, the default) and against the lesson's "
            "scripts (--framing length:i).",
        )
        p.add_argument("--host", default="127.0.0.1", help="address (default 127.0.0.1)")
        p.add_argument("--port", type=int, default=9001, help="port (default 9001, as in the lesson)")
        p.add_argument("--udp", action="store_true", help="use UDP datagrams instead of a TCP stream")
        p.add_argument(
            "--framing",
            default="delimiter",
            metavar="SPEC",
            help=f"message framing (default: delimiter = one line each). One of: {', '.join(CODEC_SPECS)}",
        )
        p.add_argument(
            "--timeout",
            type=float,
            default=0.0,
            metavar="S",
            help="give up after S idle seconds"
            if role == "client"
            else "close a client idle for S seconds, or one that leaves a frame unfinished for S seconds "
            "(the server itself goes on; default 0 = no deadline)",
        )
        if role == "server":
            p.add_argument("--once", action="store_true", help="exit after the first conversation")
        p.set_defaults(func=run, role=role)


def run(args: argparse.Namespace) -> int:
    try:
        codec = make_codec(args.framing)
    except ValueError as exc:
        print(f"netsim chat-{args.role}: {exc}", file=sys.stderr)
        return 2
    if not (math.isfinite(args.timeout) and 0 <= args.timeout <= 86_400) or not 0 <= args.port <= 65535:
        print(
            f"netsim chat-{args.role}: --timeout must be 0..86400 seconds and --port 0..65535",
            file=sys.stderr,
        )
        return 2
    opts = ChatOptions(
        role=args.role,
        host=args.host,
        port=args.port,
        udp=args.udp,
        once=getattr(args, "once", False),
        timeout_s=args.timeout,
    )
    try:
        run_chat(opts, codec, sys.stdin.fileno(), sys.stdout)
    except ChatError as exc:
        print(f"netsim chat-{args.role}: {exc}", file=sys.stderr)
        return 1
    return 0
