"""``netsim classroom serve`` / ``netsim classroom join``: the Classroom panel's headless twin.

``serve`` runs the instructor's server on an address the instructor names (with no ``--bind``
it lists the machine's interfaces and stops), prints one line per arrival, verdict and
departure, and takes instructor commands on stdin (one per line)::

    broadcast TEXT   (or: b TEXT)     send TEXT to every accepted student
    challenge                        send "hello" and "world" back to back (one send)
    kick ID|NAME                     disconnect a student (ID from the status table)
    lock / unlock                    refuse / accept new students
    status                           print the table
    quit                             stop the server

``--status-json FILE`` is written on SIGUSR1 and when the server stops (Ctrl-C, SIGTERM, quit,
``--duration``): ``{"students": [{"name", "address", "form", "verdict", "messages_received",
"messages_sent", "merged_chunks", "split_messages", "errors"}, ...]}``.
"""

from __future__ import annotations

import argparse
import json
import math
import selectors
import shlex
import signal
import sys
import threading
import time
from types import FrameType
from typing import Any, TextIO

from netsim.auth import macs
from netsim.core.events import Event, RunFinished, SocketFailed
from netsim.lessons.classroom.client import join
from netsim.lessons.classroom.events import (
    ClassAction,
    ClassroomListening,
    StudentConnected,
    StudentError,
    StudentIdentified,
    StudentLeft,
    StudentVerdict,
)
from netsim.lessons.classroom.interfaces import is_wildcard, list_interfaces
from netsim.lessons.classroom.protocol import (
    DEFAULT_FRAMING,
    DEFAULT_PORT,
    Limits,
    parse_host_port,
)
from netsim.lessons.classroom.server import ClassroomServer, StudentStatus, write_status_json

_DEFAULTS = Limits()
_STATUS_COLUMNS = "id  name                 address                form    verdict         recv  sent  chunks merged split bytes"


def register(sub: Any) -> None:
    p = sub.add_parser(
        "classroom",
        help="the instructor's server for a whole class over the LAN, and the students' client",
        description="One server on the classroom network: every student's client passes an HMAC "
        "challenge-response (netsim's, or the lesson's own unframed form) and then chats with the "
        "class's framing.",
    )
    csub = p.add_subparsers(dest="classroom_command", required=True, metavar="ACTION")

    s = csub.add_parser(
        "serve",
        help="run the instructor's server",
        description="Serve the class on one interface.  Both handshake forms share the port: a netsim "
        "student sends a hello frame first; a client that stays silent for the grace period gets the "
        "lesson's bare 32-byte challenge and answers with the raw HMAC digest.  Commands on stdin: "
        "broadcast TEXT, challenge, kick ID|NAME, lock, unlock, status, quit.",
    )
    s.add_argument("--bind", metavar="IP:PORT", help="address to listen on (none: list the interfaces)")
    s.add_argument("--key", required=True, help="the class key (UTF-8)")
    s.add_argument("--framing", default=DEFAULT_FRAMING, help=f"class framing (default {DEFAULT_FRAMING})")
    s.add_argument("--max-students", type=int, default=_DEFAULTS.max_students, metavar="N")
    s.add_argument("--status-json", metavar="FILE", help="write the status here on SIGUSR1 and at exit")
    s.add_argument("--grace-ms", type=float, default=_DEFAULTS.grace_s * 1000, metavar="MS")
    s.add_argument("--handshake-s", type=float, default=_DEFAULTS.handshake_s, metavar="S")
    s.add_argument("--idle-s", type=float, default=_DEFAULTS.idle_s, metavar="S")
    s.add_argument("--max-message", type=int, default=_DEFAULTS.max_message_bytes, metavar="BYTES")
    s.add_argument(
        "--rate", type=float, default=_DEFAULTS.rate_msgs_per_s, metavar="MSGS", help="messages/s per student"
    )
    s.add_argument(
        "--lesson-digest",
        choices=macs.LESSON_DIGESTS,
        default=macs.LESSON_DEFAULT_DIGEST,
        help="digest of the lesson's form (default md5, as the lesson's code relied on)",
    )
    s.add_argument(
        "--lesson-variant",
        choices=macs.LESSON_VARIANTS,
        default=macs.HMAC,
        help="the lesson's form: hmac (s7_hmac_client.py, the default) or legacy-sha1 "
        "(s7_hashlib_client.py: sha1(key + challenge).hexdigest(), 40 characters)",
    )
    s.add_argument("--duration", type=float, metavar="S", help="stop after S seconds")
    s.add_argument("--quiet", action="store_true", help="print no per-student lines")
    s.set_defaults(func=run_serve)

    j = csub.add_parser(
        "join",
        help="join a class as a student",
        description="Connect, say hello, pass the challenge-response, send the messages with the "
        "class's framing and print what comes back.  The lesson's own scripts (section 七's HMAC "
        "client) join the same server without a hello.",
    )
    j.add_argument("address", metavar="HOST:PORT")
    j.add_argument("--name", required=True)
    j.add_argument("--key", required=True)
    j.add_argument("--framing", default=DEFAULT_FRAMING, help=f"default {DEFAULT_FRAMING}")
    j.add_argument("--messages", default="", metavar="A,B", help="messages to send, comma-separated")
    j.add_argument("--burst", action="store_true", help="send all messages back to back, in one send()")
    j.add_argument(
        "--stay",
        type=float,
        metavar="S",
        help="keep listening S seconds after the last reply (default: 0 with --messages, else forever)",
    )
    j.add_argument("--timeout", type=float, default=5.0, metavar="S")
    j.add_argument("--json", action="store_true", help="print the result as JSON")
    j.set_defaults(func=run_join)


# ================================================================== serve
def _print_interfaces(out: TextIO) -> None:
    print("netsim classroom serve: name the address to listen on with --bind IP:PORT.", file=out)
    interfaces = list_interfaces()
    if not interfaces:
        print("  (could not list this machine's interfaces)", file=out)
    for iface in interfaces:
        state = "up" if iface.up else "down"
        note = "  (this machine only)" if iface.loopback else ""
        print(
            f"  {iface.name:<12} {iface.family}  {state:<4}  --bind {iface.bind_text}:{DEFAULT_PORT}{note}",
            file=out,
        )
    print("Every interface at once is 0.0.0.0 - only if you mean it.", file=out)


def _student_line(ev: Event, names: dict[int, str]) -> str | None:
    if isinstance(ev, ClassroomListening):
        return f"listening on {ev.address}, framing {ev.framing}"
    if isinstance(ev, StudentConnected):
        names[ev.sid] = ev.address
        return None
    if isinstance(ev, StudentIdentified):
        if ev.name:
            names[ev.sid] = ev.name
        if ev.form == "lesson":
            return f"#{ev.sid} silent for the grace period: the lesson's form (32-byte challenge sent)"
        return f"#{ev.sid} hello from {ev.name!r}: netsim form"
    if isinstance(ev, StudentVerdict):
        who = names.get(ev.sid) or f"#{ev.sid}"
        return f"#{ev.sid} {who}: {ev.verdict}" + (f" ({ev.reason})" if ev.reason else "")
    if isinstance(ev, StudentLeft):
        return f"#{ev.sid} left ({ev.reason})"
    if isinstance(ev, StudentError):
        return f"#{ev.sid} error: {ev.text}"
    if isinstance(ev, ClassAction):
        return f"instructor: {ev.action} {ev.detail}".rstrip() + (
            f" -> {ev.students} students" if ev.action in ("broadcast", "challenge") else ""
        )
    if isinstance(ev, SocketFailed):
        return f"{ev.endpoint}: {ev.call} failed: {ev.message}"
    return None


def _connected_line(status: list[StudentStatus], out: TextIO) -> None:
    print(_STATUS_COLUMNS, file=out)
    for s in status:
        print(
            f"{s.sid:<3} {s.label[:20]:<20} {s.address:<22} {s.form or '-':<7} {s.verdict:<15} "
            f"{s.messages_received:>5} {s.messages_sent:>5} {s.recv_chunks:>6} {s.merged_chunks:>6} "
            f"{s.split_messages:>5} {s.bytes_received:>5}"
            + ("" if s.connected else "  (gone)")
            + (f"  challenge: {s.challenge}" if s.challenge else ""),
            file=out,
        )


def _command(server: ClassroomServer, line: str, out: TextIO) -> bool:
    """Run one stdin command; False means quit."""
    word, _, rest = line.strip().partition(" ")
    word = word.lower()
    if not word:
        return True
    if word in ("broadcast", "b"):
        if rest:
            server.broadcast(rest)
        else:
            print("broadcast needs a message: broadcast TEXT", file=out)
    elif word == "challenge":
        server.challenge()
    elif word == "kick":
        target = rest.strip()
        matches = [s for s in server.status() if s.connected and (str(s.sid) == target or s.label == target)]
        if not matches:
            print(f"kick: no connected student {target!r}", file=out)
        for s in matches:
            server.kick(s.sid)
    elif word in ("lock", "unlock"):
        server.lock(word == "lock")
    elif word == "status":
        _connected_line(server.status(), out)
    elif word in ("quit", "exit", "q"):
        return False
    else:
        print("commands: broadcast TEXT | challenge | kick ID|NAME | lock | unlock | status | quit", file=out)
    return True


def run_serve(args: argparse.Namespace) -> int:
    out, err = sys.stdout, sys.stderr
    if not args.bind:
        _print_interfaces(err)
        return 2
    try:
        host, port = parse_host_port(args.bind, default_port=DEFAULT_PORT)
        limits = Limits(
            grace_s=args.grace_ms / 1000.0,
            handshake_s=args.handshake_s,
            idle_s=args.idle_s,
            max_message_bytes=args.max_message,
            rate_msgs_per_s=args.rate,
            burst_msgs=max(1, int(args.rate * 2)),
            max_students=args.max_students,
        )
        if not args.key:
            raise ValueError("the class key must not be empty")
        server = ClassroomServer(
            host,
            port,
            args.key.encode("utf-8"),
            framing=args.framing,
            limits=limits,
            lesson_digest=args.lesson_digest,
            lesson_variant=args.lesson_variant,
        )
    except ValueError as exc:
        print(f"netsim classroom serve: {exc}", file=err)
        return 2
    if is_wildcard(host):
        print(f"note: listening on EVERY interface ({host}) because --bind said so", file=err)

    usr1 = threading.Event()
    term = threading.Event()

    def on_usr1(_signum: int, _frame: FrameType | None) -> None:
        usr1.set()

    def on_term(_signum: int, _frame: FrameType | None) -> None:
        term.set()

    old_usr1 = signal.signal(signal.SIGUSR1, on_usr1) if hasattr(signal, "SIGUSR1") else None
    old_term = signal.signal(signal.SIGTERM, on_term)
    status = 0
    try:
        try:
            server.start()
        except OSError as exc:
            print(f"netsim classroom serve: cannot listen on {args.bind}: {exc.strerror or exc}", file=err)
            if exc.errno == 99:  # EADDRNOTAVAIL
                _print_interfaces(err)
            server.close()
            return 1
        bound = f"{args.bind.rsplit(':', 1)[0]}:{server.address[1]}"
        print(f"class key: {args.key}", file=out)
        print(
            f"students join with: netsim classroom join {bound} --name NAME --key {shlex.quote(args.key)} "
            f"--framing {args.framing}",
            file=out,
        )
        script = (
            f"s7_hmac_client.py (digest {args.lesson_digest})"
            if args.lesson_variant == macs.HMAC
            else "s7_hashlib_client.py (sha1 hexdigest)"
        )
        print(
            f"or the lesson's script: LESSON_HOST={host} LESSON_PORT={server.address[1]} "
            f"LESSON_KEY=... python {script}",
            file=out,
        )
        out.flush()
        status = _serve_loop(server, args, usr1, term, out)
    except KeyboardInterrupt:
        print("interrupted: stopping the class", file=err)
        status = 130
    finally:
        try:
            server.close(5.0)
        finally:
            for ev in server.recorder.drain():
                if not args.quiet and (line := _student_line(ev, {})) is not None:
                    print(line, file=out)
            if args.status_json:
                write_status_json(args.status_json, server.status())
            if old_usr1 is not None:
                signal.signal(signal.SIGUSR1, old_usr1)
            signal.signal(signal.SIGTERM, old_term)
            out.flush()
    return status


def _serve_loop(
    server: ClassroomServer,
    args: argparse.Namespace,
    usr1: threading.Event,
    term: threading.Event,
    out: TextIO,
) -> int:
    names: dict[int, str] = {}
    sel = selectors.DefaultSelector()
    stdin_open = False
    try:
        if sys.stdin is not None and not sys.stdin.closed:
            try:
                sel.register(sys.stdin, selectors.EVENT_READ)
                stdin_open = True
            except (ValueError, OSError, PermissionError):
                stdin_open = False  # not selectable (a file on Windows): no commands
        end = time.monotonic() + args.duration if args.duration else math.inf
        while not term.is_set() and time.monotonic() < end:
            for ev in server.recorder.drain():
                if isinstance(ev, RunFinished):
                    print(f"the server stopped ({server.died or ev.reason})", file=out)
                    return 1
                if not args.quiet and (line := _student_line(ev, names)) is not None:
                    print(line, file=out)
            if usr1.is_set():
                usr1.clear()
                if args.status_json:
                    write_status_json(args.status_json, server.status_now())
            out.flush()
            timeout = min(0.1, max(0.0, end - time.monotonic()))
            if stdin_open:
                if sel.select(timeout):
                    line = sys.stdin.readline()
                    if not line:
                        sel.unregister(sys.stdin)
                        stdin_open = False  # stdin closed: keep serving, no more commands
                    elif not _command(server, line, out):
                        return 0
            else:
                time.sleep(timeout)
        return 0
    finally:
        sel.close()


# ================================================================== join
def run_join(args: argparse.Namespace) -> int:
    try:
        host, port = parse_host_port(args.address, default_port=DEFAULT_PORT)
    except ValueError as exc:
        print(f"netsim classroom join: {exc}", file=sys.stderr)
        return 2
    messages = [m for m in args.messages.split(",") if m] if args.messages else []
    stay = args.stay if args.stay is not None else (0.0 if messages else math.inf)
    quiet = args.json

    def on_message(kind: str, text: str) -> None:
        if not quiet:
            print(f"{'echo' if kind == 'echo' else 'from the instructor'}: {text}", flush=True)

    result = join(
        (host, port),
        args.name,
        args.key.encode("utf-8"),
        framing=args.framing,
        messages=messages,
        burst=args.burst,
        stay_s=stay,
        timeout_s=args.timeout,
        on_message=on_message,
    )
    if args.json:
        print(
            json.dumps(
                {
                    "verdict": result.verdict,
                    "reason": result.reason,
                    "local": result.local,
                    "replies": result.replies,
                    "received": result.received,
                    "recv_chunks": result.recv_chunks,
                    "merged_chunks": result.merged_chunks,
                    "split_messages": result.split_messages,
                    "framing_ok": result.framing_ok,
                    "errors": result.errors,
                },
                ensure_ascii=False,
            )
        )
    else:
        print(f"verdict: {result.verdict}" + (f" ({result.reason})" if result.reason else ""))
        for error in result.errors:
            print(f"error: {error}", file=sys.stderr)
    return 0 if result.accepted and not result.errors else 1


__all__ = ["register", "run_join", "run_serve"]
