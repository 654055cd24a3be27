"""Run one or more programs, traced, and record their socket calls as events.

:class:`TraceLab` starts the programs in order (``gap_ms`` apart), each in its own process
group, with stdout/stderr on pipes (forwarded live to ``on_output`` and kept for the trace)
and stdin from the caller's terminal, given bytes, a pipe the GUI writes to, or nothing.
Python programs run under :mod:`netsim.lessons.tracing.launcher` on *their own* interpreter;
anything else (or everything, with ``force_strace``) under strace.  One supervisor thread
turns what arrives on the private channel into events in ``recorder``; one I/O thread moves
the programs' stdio.  Both are joined by :meth:`close`.
"""

from __future__ import annotations

import array
import json
import os
import re
import selectors
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self

import psutil

from netsim.core.events import Event, RunFinished, RunStarted, now_ns
from netsim.core.gate import PendingCall
from netsim.core.recorder import Recorder
from netsim.framing import make_codec
from netsim.lessons.tracing import launcher
from netsim.lessons.tracing.channel import (
    TAG_CLOSED,
    TAG_FRAME,
    TAG_HELLO,
    TAG_STRACE,
    Collector,
    Item,
    SpillQueue,
)
from netsim.lessons.tracing.events import ProgramCalled, ProgramExited, ProgramStarted
from netsim.lessons.tracing.strace import StraceParser, strace_command

INHERIT = "inherit"
OUTPUT_LIMIT = 4 * 1024 * 1024  # bytes of each program's stdout / stderr kept for the trace
_TICK_S = 0.02
_KILL_GRACE_S = 2.0
_DRAIN_GRACE_S = 3.0
_PYTHON_NAME = re.compile(r"^(python|pypy)(\d+(\.\d+)*)?[a-z]?$")
_OPTS_WITH_ARG = {"-W", "-X", "--check-hash-based-pycs"}


class ProgramError(ValueError):
    """A program that cannot be started: not found, not executable, nothing to run."""


@dataclass
class ProgramSpec:
    argv: list[str]
    stdin: bytes | str | None = None  # bytes to feed, INHERIT (the terminal), or None (nothing)
    keep_stdin_open: bool = False  # the GUI types more lines later

    @property
    def command(self) -> str:
        return shlex.join(self.argv)


@dataclass
class _Running:
    index: int
    spec: ProgramSpec
    method: str
    popen: subprocess.Popen[bytes]
    started: float
    out: bytearray = field(default_factory=bytearray)
    err: bytearray = field(default_factory=bytearray)
    dropped: dict[str, int] = field(default_factory=lambda: {"stdout": 0, "stderr": 0})
    stdin_pending: bytearray = field(default_factory=bytearray)
    close_stdin_when_done: bool = True
    exit_code: int | None = None
    exited_at: float | None = None
    reason: str = ""
    parser: StraceParser | None = None
    strace_buf: bytearray = field(default_factory=bytearray)


def _listening(pid: int) -> bool:
    """Does process ``pid`` or one of its descendants hold a listening TCP or a bound UDP socket?"""
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return False
    for proc in procs:
        try:
            conns = (
                proc.net_connections(kind="inet")
                if hasattr(proc, "net_connections")
                else proc.connections(kind="inet")
            )
        except psutil.Error:
            continue
        for c in conns:
            if c.status == psutil.CONN_LISTEN or (c.type == socket.SOCK_DGRAM and c.laddr and not c.raddr):
                return True
    return False


def _shebang(path: str) -> list[str] | None:
    try:
        with open(path, "rb") as f:
            first = f.readline(256)
    except OSError:
        return None
    if not first.startswith(b"#!"):
        return None
    parts = first[2:].decode("utf-8", "replace").split()
    if not parts:
        return None
    names = [os.path.basename(p) for p in parts]
    if names[0] == "env" and len(parts) > 1:
        return parts if _PYTHON_NAME.match(names[-1]) else None
    return parts if _PYTHON_NAME.match(names[0]) else None


def _resolve(exe: str) -> str:
    if os.sep in exe:
        if not os.path.exists(exe):
            raise ProgramError(f"program not found: {exe}")
        if os.path.isdir(exe):
            raise ProgramError(f"not a program but a directory: {exe}")
        if not os.access(exe, os.X_OK):
            raise ProgramError(f"not executable: {exe} (make it executable, or name its interpreter first)")
        return exe
    found = shutil.which(exe)
    if found is None:
        raise ProgramError(f"program not found: {exe} (not in PATH)")
    return found


def python_command(argv: list[str], cwd: str | None = None) -> list[str] | None:
    """The launcher command line for a Python program, or None if ``argv`` is not Python.

    ``python3 -u server.py a b`` → ``python3 -u LAUNCHER server.py a b``; ``-m mod`` and ``-c
    code`` work too; ``./server.py`` or ``server.py`` with a python shebang (or none and a
    ``.py`` name) runs on the shebang's interpreter.
    """
    if not argv:
        raise ProgramError("no command given")
    exe = argv[0]
    base = os.path.basename(exe)
    here = launcher.__file__
    if _PYTHON_NAME.match(base):
        _resolve(exe)
        i, opts = 1, list[str]()
        while i < len(argv) and argv[i].startswith("-") and argv[i] != "-":
            a = argv[i]
            if a in ("-m", "-c"):
                if i + 1 >= len(argv):
                    raise ProgramError(f"{a} needs an argument")
                return [exe, *opts, here, *argv[i:]]
            if a in _OPTS_WITH_ARG:
                opts += argv[i : i + 2]
                i += 2
                continue
            if a in ("-i", "-h", "--help", "-V", "--version"):
                raise ProgramError(f"{exe} {a}: nothing to trace (give a script, -m MODULE or -c CODE)")
            opts.append(a)
            i += 1
        if i >= len(argv) or argv[i] == "-":
            raise ProgramError(
                f"{exe} without a script: nothing to trace (give a script, -m MODULE or -c CODE)"
            )
        script = os.path.join(cwd or "", argv[i])
        if not os.path.isfile(script):
            raise ProgramError(f"no such Python script: {argv[i]}")
        return [exe, *opts, here, *argv[i:]]
    path = os.path.join(cwd or "", exe)
    if os.path.isfile(path) and (exe.endswith(".py") or os.sep in exe):
        interp = _shebang(path)
        if interp is None and exe.endswith(".py"):
            interp = ["python3"]
        if interp is not None:
            _resolve(interp[0])
            return [*interp, here, exe, *argv[1:]]
    return None


class TraceLab:
    """Trace ``programs`` (started in order) until they end, ``timeout_s`` passes, or :meth:`stop`.

    With several programs, once every program after the first has exited the ones still
    running (the servers, which in the lesson never exit) are given ``linger_s`` and then
    ended, and the trace says so.
    """

    def __init__(
        self,
        programs: list[ProgramSpec],
        *,
        framing: str = "none",
        force_strace: bool = False,
        timeout_s: float | None = None,
        gap_ms: float = 300.0,
        linger_s: float = 1.0,
        cwd: str | None = None,
        env: dict[str, str] | None = None,
        on_output: Callable[[int, str, bytes], None] | None = None,
        spill_bound_bytes: int | None = None,
        live: bool = True,
        wait_listening_s: float = 5.0,
    ) -> None:
        if not programs:
            raise ProgramError("no program to trace")
        make_codec(framing)  # a bad spec fails here, before anything starts
        if timeout_s is not None and timeout_s <= 0:
            raise ValueError("--timeout must be more than 0 seconds")
        if gap_ms < 0:
            raise ValueError("--gap-ms must be 0 or more")
        self.programs = programs
        self.framing = framing
        self.force_strace = force_strace
        self.timeout_s = timeout_s
        self.gap_s = gap_ms / 1000.0
        self.linger_s = linger_s
        self.cwd = cwd
        self.env = env or {}
        self.on_output = on_output
        # live: events reach the recorder while the programs run (the GUI).  Headless runs turn
        # it off: the raw records wait in the queue and are parsed after the programs end, so
        # netsim's parsing does not compete with the traced programs for the CPU.
        self.live = live
        # Past the gap, a program followed by others is given this long to open a listening
        # (TCP) or bound (UDP) socket before the next one starts: a slow start is not a refusal.
        self.wait_listening_s = wait_listening_s
        self.recorder = Recorder()
        self.notes: list[str] = []
        self.queue = SpillQueue(spill_bound_bytes) if spill_bound_bytes else SpillQueue()
        self._commands: list[tuple[list[str], str]] = []
        if sum(1 for p in programs if p.stdin == INHERIT) > 1:
            raise ProgramError("only one program can read the terminal's stdin")
        for p in programs:
            cmd = None if force_strace else python_command(p.argv, cwd)
            if cmd is None:
                _resolve(os.path.join(cwd, p.argv[0]) if cwd and os.sep in p.argv[0] else p.argv[0])
                self._commands.append((p.argv, "strace"))
            else:
                self._commands.append((cmd, "python"))
        if any(m == "strace" for _, m in self._commands):
            strace_command([], 0)  # raises StraceMissingError naming the package
        self._collector: Collector | None = None
        self._running: list[_Running] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._stop_reason = ""
        self._done = threading.Event()
        self._supervisor = threading.Thread(target=self._supervise, name="netsim-trace-run")
        self._io = threading.Thread(target=self._pump_io, name="netsim-trace-io")
        self._io_stop = threading.Event()
        self._sel = selectors.DefaultSelector()
        self._conn_program: dict[int, tuple[int, int]] = {}  # channel connection -> (program, pid)
        self._pid_program: dict[int, int] = {}
        self._clock_offset_ns = time.monotonic_ns() - time.time_ns()
        self.error: str | None = None

    # ------------------------------------------------------------------ control
    def start(self) -> None:
        self._collector = Collector(self.queue)
        self._collector.start()
        self._supervisor.start()

    @property
    def finished(self) -> bool:
        return self._done.is_set()

    def wait(self, timeout_s: float | None = None) -> bool:
        """Block until every program has ended and the trace is complete; False on timeout."""
        return self._done.wait(timeout_s)

    def stop(self, reason: str = "stopped") -> None:
        if not self._stop.is_set():
            self._stop_reason = reason
            self._stop.set()

    # The Lab protocol's stepping verbs: traced programs are not ours to hold at a gate.
    def pause(self) -> None:
        raise NotImplementedError("traced programs run freely: netsim cannot pause them")

    def resume(self) -> None:
        """Nothing to resume: traced programs are never paused."""

    def step(self) -> PendingCall | None:
        """No call is ever waiting at a gate here (there is no step mode)."""
        return None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def write_stdin(self, program: int, data: bytes) -> None:
        with self._lock:
            r = self._running[program] if program < len(self._running) else None
            if r is None or r.popen.stdin is None:
                raise ValueError(f"program {program + 1} has no stdin pipe")
            r.stdin_pending += data
        self._wake_io()

    def close_stdin(self, program: int) -> None:
        with self._lock:
            if program < len(self._running):
                self._running[program].close_stdin_when_done = True
                self._running[program].spec.keep_stdin_open = False
        self._wake_io()

    def close(self, timeout_s: float = 30.0) -> None:
        """Stop (ending every program's process group), drain, and join every thread."""
        self.stop("closed")
        if self._supervisor.ident is not None:
            self._supervisor.join(max(timeout_s, 10.0))
            if self._supervisor.is_alive():
                raise RuntimeError("the trace supervisor thread did not stop")
        self.queue.close()

    # ------------------------------------------------------------- supervisor
    def _supervise(self) -> None:
        ok = True
        try:
            self._run_programs()
        except Exception as exc:  # a failure of ours ends the run with its reason shown
            ok = False
            self.error = f"{type(exc).__name__}: {exc}"
            self.notes.append(f"netsim trace failed: {self.error}")
        finally:
            try:
                self._finish()
            finally:
                self.recorder.emit(
                    RunFinished(now_ns(), "lab", ok=ok and self.error is None, reason=self._why())
                )
                self._done.set()

    def _why(self) -> str:
        return "; ".join(self.notes) if self.notes else "all programs ended"

    def _run_programs(self) -> None:
        assert self._collector is not None
        self.recorder.emit(
            RunStarted(
                now_ns(),
                "lab",
                config={
                    "lesson": "tracing",
                    "framing": self.framing,
                    "programs": [p.command for p in self.programs],
                    "methods": [m for _, m in self._commands],
                    "gap_ms": self.gap_s * 1000.0,
                    "timeout_s": self.timeout_s,
                },
            )
        )
        self._io.start()
        t0 = time.monotonic()
        for i, spec in enumerate(self.programs):
            if self._stop.is_set():
                break
            self._spawn(i, spec)
            more = i + 1 < len(self.programs)
            deadline = time.monotonic() + (self.gap_s if more else 0.0)
            while time.monotonic() < deadline and not self._stop.is_set():
                self._pump_queue()
                time.sleep(_TICK_S)
            # Only while no earlier program listens: once a server is up, the rest are its clients.
            if (
                more
                and self.wait_listening_s > 0
                and not any(_listening(r.popen.pid) for r in self._running[:i])
            ):
                self._wait_listening(self._running[i], t0)
            self._check_exits()
            r = self._running[i]
            if r.exit_code == 0 and i == 0 and len(self.programs) > 1:
                self.notes.append(
                    f"program 1 ({spec.command}) exited at once, before the next program started"
                )
        all_clients_done_at: float | None = None
        while True:
            self._pump_queue()
            self._check_exits()
            running = [r for r in self._running if r.exit_code is None]
            if not running:
                break
            now = time.monotonic()
            if self._stop.is_set():
                self._end(running, self._stop_reason or "stopped")
                break
            if self.timeout_s is not None and now - t0 > self.timeout_s:
                self._end(running, f"ended by --timeout after {self.timeout_s:g} s")
                self.notes.append(f"--timeout {self.timeout_s:g} s reached: ended " + self._names(running))
                break
            if len(self._running) > 1 and all(r.exit_code is not None for r in self._running[1:]):
                if all_clients_done_at is None:
                    all_clients_done_at = now
                elif now - all_clients_done_at >= self.linger_s:
                    self._end(running, "ended by netsim: every program started after it had exited")
                    break
            time.sleep(_TICK_S)

    def _wait_listening(self, r: _Running, t0: float) -> None:
        """A server slower to start than the gap: wait (a while) until it listens or binds.

        Read from the kernel (psutil) for the program's whole process tree, so it works the same
        for a Python program and for one under strace.
        """
        deadline = time.monotonic() + self.wait_listening_s
        if self.timeout_s is not None:
            deadline = min(deadline, t0 + self.timeout_s)
        while time.monotonic() < deadline and not self._stop.is_set() and r.popen.poll() is None:
            if _listening(r.popen.pid):
                return
            self._pump_queue()
            time.sleep(_TICK_S * 2)
        if r.popen.poll() is None and not self._stop.is_set():
            self.notes.append(
                f"program {r.index + 1} ({r.spec.command}) opened no listening socket within "
                f"{self.gap_s + self.wait_listening_s:g} s; the next program was started anyway"
            )

    def _names(self, rs: list[_Running]) -> str:
        return ", ".join(f"program {r.index + 1} ({r.spec.command})" for r in rs)

    def _spawn(self, i: int, spec: ProgramSpec) -> None:
        assert self._collector is not None
        cmd, method = self._commands[i]
        env = dict(os.environ)
        env.update(self.env)
        strace_r = -1
        pass_fds: tuple[int, ...] = ()
        if method == "python":
            env.update(self._collector.env)
            env.setdefault("PYTHONUNBUFFERED", "1")  # live output, and none lost when ended
        else:
            strace_r, strace_w = os.pipe()
            pass_fds = (strace_w,)
            cmd = strace_command(cmd, strace_w)
            if _PYTHON_NAME.match(os.path.basename(self.programs[i].argv[0])):
                env.setdefault("PYTHONUNBUFFERED", "1")
        stdin: Any
        if spec.stdin == INHERIT:
            stdin = None
        elif spec.stdin is None and not spec.keep_stdin_open:
            stdin = subprocess.DEVNULL
        else:
            stdin = subprocess.PIPE
        try:
            popen = subprocess.Popen(
                cmd,
                stdin=stdin,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                cwd=self.cwd,
                env=env,
                start_new_session=True,
                pass_fds=pass_fds,
            )
        except OSError as exc:
            if pass_fds:
                os.close(strace_r)
                os.close(pass_fds[0])
            raise ProgramError(f"cannot start {spec.command}: {exc.strerror or exc}") from exc
        if pass_fds:
            os.close(pass_fds[0])
        r = _Running(i, spec, method, popen, time.monotonic())
        if isinstance(spec.stdin, bytes):
            r.stdin_pending += spec.stdin
        r.close_stdin_when_done = not spec.keep_stdin_open
        if method == "strace":
            r.parser = StraceParser(i, self._clock_offset_ns)
        with self._lock:
            self._running.append(r)
            self._pid_program[popen.pid] = i
        self.recorder.emit(
            ProgramStarted(
                now_ns(),
                f"program {i + 1}",
                program=i,
                command=list(spec.argv),
                pid=popen.pid,
                method=method,
                cwd=self.cwd or os.getcwd(),
            )
        )
        for stream, name in ((popen.stdout, "stdout"), (popen.stderr, "stderr")):
            assert stream is not None
            os.set_blocking(stream.fileno(), False)
            self._sel.register(stream, selectors.EVENT_READ, (r, name))
        if strace_r >= 0:
            os.set_blocking(strace_r, False)
            self._sel.register(strace_r, selectors.EVENT_READ, (r, "strace"))
        if popen.stdin is not None:
            os.set_blocking(popen.stdin.fileno(), False)
        self._wake_io()

    def _check_exits(self) -> None:
        for r in self._running:
            if r.exit_code is None:
                code = r.popen.poll()
                if code is not None:
                    r.exit_code = code
                    r.exited_at = time.monotonic()

    def _end(self, rs: list[_Running], reason: str) -> None:
        for r in rs:
            r.reason = reason
            self._signal(r, signal.SIGTERM)
        deadline = time.monotonic() + _KILL_GRACE_S
        while time.monotonic() < deadline and any(r.popen.poll() is None for r in rs):
            self._pump_queue()
            time.sleep(_TICK_S)
        for r in rs:
            if r.popen.poll() is None:
                self._signal(r, signal.SIGKILL)
                r.popen.wait(5.0)
        self._check_exits()

    @staticmethod
    def _signal(r: _Running, sig: int) -> None:
        try:
            os.killpg(r.popen.pid, sig)  # the whole process group: its children too
        except (ProcessLookupError, PermissionError):
            pass

    def _finish(self) -> None:
        for r in self._running:
            if r.popen.poll() is None:
                self._end([r], r.reason or self._stop_reason or "stopped")
            self._signal(r, signal.SIGKILL)  # anything the program left behind in its group
        # Let the channel and the pipes run dry: what a program recorded before it ended arrives.
        deadline = time.monotonic() + _DRAIN_GRACE_S
        while time.monotonic() < deadline:
            self._pump_queue()
            io_open = len(self._sel.get_map() or {}) if self._io.is_alive() else 0
            if (self._collector is None or self._collector.open_connections == 0) and io_open == 0:
                break
            time.sleep(_TICK_S)
        self._io_stop.set()
        if self._io.ident is not None:
            self._io.join(10.0)
        if self._collector is not None:
            self._collector.close()
            if self._collector.error:
                self.notes.append(self._collector.error)
        for r in self._running:
            self._flush_strace(r, final=True)
        while self.queue.nonempty.is_set():
            self._pump_queue(final=True)
        for r in self._running:
            for stream in (r.popen.stdout, r.popen.stderr, r.popen.stdin):
                if stream is not None:
                    try:
                        stream.close()
                    except OSError:
                        pass
            code = r.popen.wait(5.0) if r.exit_code is None else r.exit_code
            r.exit_code = code
            if code != 0 and not r.reason:
                quick = r.exited_at is not None and r.exited_at - r.started < max(self.gap_s, 1.0)
                tail = bytes(r.err[-400:]).decode("utf-8", "replace").strip().splitlines()
                self.notes.append(
                    f"program {r.index + 1} ({r.spec.command}) exited{' at once' if quick else ''} "
                    f"with status {code}" + (f": {tail[-1]}" if tail else "")
                )
            self.recorder.emit(
                ProgramExited(
                    now_ns(),
                    f"program {r.index + 1}",
                    program=r.index,
                    pid=r.popen.pid,
                    exit_code=code,
                    stdout=self._text(r, "stdout"),
                    stderr=self._text(r, "stderr"),
                    reason=r.reason,
                )
            )
        self._sel.close()

    @staticmethod
    def _text(r: _Running, name: str) -> str:
        data = r.out if name == "stdout" else r.err
        text = bytes(data).decode("utf-8", "replace")
        if r.dropped[name]:
            text += f"\n[netsim: {r.dropped[name]} more bytes of {name} were not kept]\n"
        return text

    # -------------------------------------------------------------------- I/O
    def _wake_io(self) -> None:
        pass  # the I/O thread polls every tick; nothing to wake

    def _pump_io(self) -> None:
        while not self._io_stop.is_set():
            try:
                ready = self._sel.select(_TICK_S) if self._sel.get_map() else []
            except (ValueError, OSError):
                ready = []
            if not ready:
                time.sleep(_TICK_S if not self._sel.get_map() else 0)
            for key, _ in ready:
                r, name = key.data
                try:
                    chunk = os.read(key.fd, 1 << 16)
                except BlockingIOError:
                    continue
                except OSError:
                    chunk = b""
                if not chunk:
                    self._sel.unregister(key.fileobj)
                    if name == "strace":
                        os.close(key.fd)
                    continue
                if name == "strace":
                    r.strace_buf += chunk
                    self._flush_strace(r, final=False)
                    continue
                keep = r.out if name == "stdout" else r.err
                room = OUTPUT_LIMIT - len(keep)
                keep += chunk[: max(room, 0)]
                if room < len(chunk):
                    r.dropped[name] += len(chunk) - max(room, 0)
                if self.on_output is not None:
                    self.on_output(r.index, name, chunk)
            self._write_stdin()

    def _write_stdin(self) -> None:
        with self._lock:
            running = list(self._running)
        for r in running:
            stdin = r.popen.stdin
            if stdin is None or stdin.closed:
                continue
            with self._lock:
                pending = bytes(r.stdin_pending)
            if pending:
                try:
                    n = os.write(stdin.fileno(), pending)
                except BlockingIOError:
                    n = 0
                except OSError:  # the program closed its stdin or exited
                    n = len(pending)
                with self._lock:
                    del r.stdin_pending[:n]
            with self._lock:
                done = not r.stdin_pending and r.close_stdin_when_done and not r.spec.keep_stdin_open
            if done:
                try:
                    stdin.close()
                except OSError:
                    pass

    def _flush_strace(self, r: _Running, *, final: bool) -> None:
        buf = r.strace_buf
        end = len(buf) if final else buf.rfind(b"\n") + 1
        if end <= 0:
            return
        lines = bytes(buf[:end])
        del buf[:end]
        self.queue.put(Item(TAG_STRACE, r.index, lines))

    # ----------------------------------------------------------------- events
    def _pump_queue(self, *, final: bool = False) -> None:
        if not (self.live or final):
            return
        items = self.queue.drain()
        if not items:
            return
        out: list[Event] = []
        for item in items:
            try:
                self._parse_item(item, out)
            except (ValueError, TypeError, KeyError, IndexError) as exc:
                self.notes.append(f"a damaged trace record was skipped ({type(exc).__name__}: {exc})")
        if out:
            self.recorder.extend(out)

    def _parse_item(self, item: Item, out: list[Event]) -> None:
        if item.tag == TAG_STRACE:
            parser = self._running[item.source].parser
            assert parser is not None
            for line in item.payload.decode("utf-8", "replace").splitlines():
                ev = parser.feed(line)
                if ev is not None:
                    out.append(ev)
            return
        if item.tag == TAG_HELLO:
            hello = json.loads(item.payload)
            if not isinstance(hello, dict) or hello.get("hello") != "netsim-trace":
                raise ValueError("not a launcher hello")
            pid, ppid = int(hello["pid"]), int(hello["ppid"])
            program = self._pid_program.get(pid, self._pid_program.get(ppid, -1))
            self._pid_program[pid] = program
            self._conn_program[item.source] = (program, pid)
            return
        if item.tag == TAG_CLOSED:
            if item.payload:
                self.notes.append(f"trace channel: {item.payload.decode('utf-8', 'replace')}")
            return
        if item.tag != TAG_FRAME:
            raise ValueError(f"unknown queue item {item.tag}")
        program, pid = self._conn_program[item.source]
        payload = item.payload
        meta_len, blob_len = int.from_bytes(payload[0:4], "big"), int.from_bytes(payload[4:8], "big")
        meta = json.loads(payload[8 : 8 + meta_len])
        blob = memoryview(payload)[8 + meta_len : 8 + meta_len + blob_len]
        if (
            not isinstance(meta, dict)
            or not isinstance(meta.get("n"), int)
            or not isinstance(meta.get("cols"), list)
        ):
            raise ValueError("a launcher frame without its record columns")
        n = meta["n"]
        cols = meta["cols"]
        if len(cols) != 10 or not 0 <= n <= 1_000_000:
            raise ValueError("a launcher frame of the wrong shape")
        order = meta.get("order", sys.byteorder)
        if order not in ("little", "big"):
            raise ValueError("a launcher frame with an unknown byte order")
        columns: list[Any] = []
        at = 0  # packed integer columns come first in the blob, then the data bytes
        for col in cols:
            if isinstance(col, dict) and set(col) == {"all"}:
                columns.append([col["all"]] * n)
            elif isinstance(col, dict) and set(col) == {"i64"}:
                if 8 * n > len(blob) - at:
                    raise ValueError("a launcher frame shorter than its packed columns")
                packed = array.array("q")
                packed.frombytes(blob[at : at + 8 * n])
                if order != sys.byteorder:
                    packed.byteswap()
                columns.append(packed.tolist())
                at += 8 * n
            elif isinstance(col, list) and len(col) == n:
                columns.append(col)
            else:
                raise ValueError("a launcher record column of the wrong length")
        endpoint = f"pid {pid}"
        for rec in zip(*columns, strict=True):
            call, t_ns, tid, fd, arg, result, nbytes, error, extra, repeat = rec
            if not (isinstance(call, str) and isinstance(t_ns, int) and isinstance(fd, int)):
                raise ValueError("a launcher record with wrong field types")
            if not isinstance(nbytes, int) or nbytes > len(blob) - at:
                raise ValueError("a launcher record claims more bytes than its frame holds")
            data = b""
            if nbytes >= 0:
                data = bytes(blob[at : at + nbytes])
                at += nbytes
            out.append(
                ProgramCalled(
                    t_ns=t_ns,
                    endpoint=endpoint,
                    program=program,
                    pid=pid,
                    tid=int(tid),
                    fd=fd,
                    call=call,
                    arg=arg,
                    result=result,
                    data=data,
                    has_data=nbytes >= 0,
                    error=str(error) if error else "",
                    extra=dict(extra) if isinstance(extra, dict) else {},
                    repeat=int(repeat),
                )
            )
