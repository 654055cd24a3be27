"""``netsim trace``: run your own programs, unmodified, and see their socket calls on the ribbon."""

from __future__ import annotations

import argparse
import dataclasses
import json
import shlex
import sys
from typing import IO, Any

from netsim.core.events import Event
from netsim.core.trace import Trace, TraceFormatError
from netsim.framing import CODEC_SPECS
from netsim.lessons.tracing import events as _events
from netsim.lessons.tracing.analysis import connections, document
from netsim.lessons.tracing.events import ProgramCalled, ProgramExited, ProgramStarted
from netsim.lessons.tracing.ribbon import render
from netsim.lessons.tracing.session import INHERIT, ProgramError, ProgramSpec, TraceLab
from netsim.lessons.tracing.strace import StraceMissingError

_events.register()

EPILOG = """examples:
  netsim trace -- python3 server.py
  netsim trace --run "python3 s5_hello_server.py" --run "python3 s5_hello_client.py"
  netsim trace --framing length:i --stdin 1=server_in.txt --stdin 2=client_in.txt \\
      --run "python3 s5_struct_server.py" --run "python3 s5_struct_client.py"
  netsim trace --run "python3 server.py" --run "./c_client" --run "node client.js"
Python programs (any python3.8+) are traced by wrapping socket.socket; anything else (or all,
with --strace) runs under strace.  Several programs start --gap-ms apart; while none of them
listens yet, netsim waits up to 5 s more for each to open a listening (or bound UDP) socket, so a
slow server is not refused.  Those still running once every later one has exited (the servers)
are ended after --linger seconds."""


def register(sub: Any) -> None:
    p = sub.add_parser(
        "trace",
        help="trace your own programs' socket calls (send/recv boundaries) on the ribbon",
        description="Run one or more programs unmodified and record every socket call they make; "
        "join the two ends of each connection and show where the send() boundaries fall against "
        "the recv() chunks.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--run",
        action="append",
        metavar='"CMD ARGS"',
        default=[],
        help="a program to run (repeat: started in order)",
    )
    p.add_argument(
        "--framing",
        default="none",
        metavar="SPEC",
        help=f"framing for the analysis: {', '.join(CODEC_SPECS)}",
    )
    p.add_argument("--strace", action="store_true", help="trace Python programs with strace too")
    p.add_argument(
        "--timeout", type=float, metavar="S", help="end every program still running after S seconds"
    )
    p.add_argument(
        "--gap-ms", type=float, default=300.0, metavar="MS", help="pause between starting programs (300)"
    )
    p.add_argument(
        "--linger",
        type=float,
        default=1.0,
        metavar="S",
        help="with several programs: how long the first ones may outlive the rest (1)",
    )
    p.add_argument(
        "--stdin",
        action="append",
        default=[],
        metavar="N=FILE",
        help="feed program N's stdin from FILE ('-': the terminal)",
    )
    p.add_argument("--cwd", metavar="DIR", help="working directory of the programs")
    p.add_argument("--save", metavar="FILE", help="write the run as a JSON Lines trace")
    p.add_argument(
        "--replay",
        action="append",
        metavar="FILE",
        help="analyse saved traces instead of running (repeat: runs saved in separate terminals "
        "on this machine are joined into one picture)",
    )
    p.add_argument(
        "--json", action="store_true", help="print one JSON document (program output goes to stderr)"
    )
    p.add_argument("command", nargs=argparse.REMAINDER, help="-- CMD ARGS…: one program")
    p.set_defaults(func=run)


def _programs(args: argparse.Namespace) -> list[ProgramSpec]:
    command = list(args.command)
    if command and command[0] == "--":
        command = command[1:]
    if command and args.run:
        raise ProgramError("give either -- CMD ARGS… or --run, not both")
    argvs = [shlex.split(r) for r in args.run] if args.run else ([command] if command else [])
    if not argvs or any(not a for a in argvs):
        raise ProgramError('nothing to run: give -- CMD ARGS… or --run "CMD ARGS"')
    stdin: dict[int, bytes | str] = {}
    for item in args.stdin:
        n, eq, path = item.partition("=")
        if not eq or not n.isdigit() or not 1 <= int(n) <= len(argvs):
            raise ProgramError(f"--stdin {item!r}: expected N=FILE with N from 1 to {len(argvs)}")
        if path == "-":
            stdin[int(n) - 1] = INHERIT
        else:
            try:
                with open(path, "rb") as f:
                    stdin[int(n) - 1] = f.read()
            except OSError as exc:
                raise ProgramError(f"--stdin {item!r}: {exc.strerror or exc}") from exc
    specs = []
    for i, argv in enumerate(argvs):
        default: bytes | str | None = INHERIT if len(argvs) == 1 else None
        specs.append(ProgramSpec(argv, stdin.get(i, default)))
    return specs


def _forward(to: IO[bytes]) -> Any:
    def out(program: int, stream: str, data: bytes) -> None:
        try:
            to.write(data)
            to.flush()
        except (OSError, ValueError):
            pass

    return out


def run(args: argparse.Namespace) -> int:
    if args.replay:
        traces = []
        for path in args.replay:
            try:
                traces.append(Trace.load(path))
            except (OSError, TraceFormatError) as exc:
                print(f"netsim trace: cannot replay {path}: {exc}", file=sys.stderr)
                return 2
        events = merge_runs([list(t.events) for t in traces])
        framing = args.framing if args.framing != "none" else str(traces[0].config.get("framing", "none"))
        notes: list[str] = []
    else:
        live = sys.stderr.buffer if args.json else sys.stdout.buffer
        try:
            lab = TraceLab(
                _programs(args),
                framing=args.framing,
                force_strace=args.strace,
                timeout_s=args.timeout,
                gap_ms=args.gap_ms,
                linger_s=args.linger,
                cwd=args.cwd,
                on_output=_forward(live),
            )
        except (ProgramError, StraceMissingError, ValueError) as exc:
            print(f"netsim trace: {exc}", file=sys.stderr)
            return 2
        try:
            lab.start()
            while not lab.wait(0.2):
                pass
        except KeyboardInterrupt:
            lab.stop("interrupted (Ctrl+C)")
            lab.wait(10.0)
        finally:
            lab.close()
        events = list(lab.recorder.events)
        framing = args.framing
        notes = lab.notes
        if args.save:
            try:
                Trace(events).save(args.save)
            except OSError as exc:
                print(f"netsim trace: cannot save {args.save}: {exc}", file=sys.stderr)
    for n in notes:
        print(f"netsim trace: {n}", file=sys.stderr)
    if args.json:
        print(json.dumps(document(events, framing), ensure_ascii=False, indent=2))
    else:
        print(_programs_text(events))
        calls = [e for e in events if isinstance(e, ProgramCalled)]
        print(render(connections(calls, framing), framing))
    return 1 if any(n.startswith("netsim trace failed") for n in notes) else 0


def merge_runs(runs: list[list[Event]]) -> list[Event]:
    """Several saved runs as one: each run's programs renumbered after the previous run's.

    Times are ``time.monotonic_ns()``, one clock for the whole machine, and connections are
    joined by their addresses, so runs started in different terminals meet as one picture.
    """
    out: list[Event] = []
    offset = 0
    for events in runs:
        count = 0
        for ev in events:
            if isinstance(ev, ProgramStarted | ProgramCalled | ProgramExited):
                count = max(count, ev.program + 1)
                if offset:
                    ev = dataclasses.replace(ev, program=ev.program + offset)
            out.append(ev)
        offset += count
    return out


def _programs_text(events: list[Event]) -> str:
    exits = {e.program: e for e in events if isinstance(e, ProgramExited)}
    lines = []
    for s in (e for e in events if isinstance(e, ProgramStarted)):
        x = exits.get(s.program)
        status = "still running" if x is None else f"exit {x.exit_code}"
        if x is not None and x.reason:
            status += f" ({x.reason})"
        lines.append(f"program {s.program + 1} [{s.method}, pid {s.pid}] {shlex.join(s.command)}: {status}")
    return "\n".join(lines) + "\n"
