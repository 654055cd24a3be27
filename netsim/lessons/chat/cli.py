"""``netsim chat-server`` / ``netsim chat-client``: the lesson's chat programs, framed and robust."""

from __future__ import annotations

import argparse
import math
import sys
from typing import Any

from netsim.framing import CODEC_SPECS, make_codec
from netsim.lessons.chat.lesson import HELP as LESSON_HELP
from netsim.lessons.chat.lesson import LESSONS, run_lesson_chat
from netsim.lessons.chat.peer import ChatError, ChatOptions, run_chat


def register(sub: Any) -> None:
    for role in ("server", "client"):
        p = sub.add_parser(
            f"chat-{role}",
            help=f"interactive chat {role} (type a line; q quits)",
            description=f"The lesson's chat {role}, framed: works against the other netsim chat "
            "program and against nc (delimiter framing, the default). Against the lesson's own "
            "programs the framing depends on the section: 四 (s4_chat_*) and 六 (s6_socketserver_*) "
            "send bare bytes (--framing none), 五 (s5_struct_*) a native 4-byte header "
            "(--framing length:i); --lesson 4|5|6 picks that framing and that section's turns.",
        )
        p.add_argument("--host", default="127.0.0.1", help="address (default 127.0.0.1)")
        p.add_argument("--port", type=int, default=9001, help="port (default 9001, as in the lesson)")
        p.add_argument("--udp", action="store_true", help="use UDP datagrams instead of a TCP stream")
        p.add_argument(
            "--framing",
            default=None,
            metavar="SPEC",
            help="message framing (default: delimiter = one line each; with --lesson, that section's). "
            f"One of: {', '.join(CODEC_SPECS)}. The lesson's programs: none for 四 and 六, length:i for 五",
        )
        p.add_argument("--lesson", type=int, choices=sorted(LESSONS), default=None, help=LESSON_HELP)
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
            p.add_argument(
                "--once",
                action="store_true",
                help="exit after the first conversation (--lesson 6, which serves many clients at once: "
                "exit when no client is left after the first one came)",
            )
        p.set_defaults(func=run, role=role)


def run(args: argparse.Namespace) -> int:
    try:
        codec = make_codec(args.framing or "delimiter")
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
        if args.lesson is not None:
            chosen = codec if args.framing is not None else None
            run_lesson_chat(opts, args.lesson, chosen, sys.stdin.fileno(), sys.stdout)
        else:
            run_chat(opts, codec, sys.stdin.fileno(), sys.stdout)
    except ChatError as exc:
        print(f"netsim chat-{args.role}: {exc}", file=sys.stderr)
        return 1
    return 0
