"""Programs under test as subprocesses: started in their own session, read with deadlines, always reaped.

Shared by the tests that drive ``python -m netsim ...`` and the lesson's programs
(tests/lesson_programs/) as real processes on 127.0.0.1.  Every read has a deadline; every
process group is killed, reaped and its pipes closed when its ``running()`` block ends.
"""

from __future__ import annotations

import os
import re
import selectors
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import pytest

TIMEOUT_S = 10.0


def netsim(*args: str) -> list[str]:
    """The argv of ``python -m netsim ARGS`` with this interpreter."""
    return [sys.executable, "-m", "netsim", *args]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (for programs that cannot take port 0)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def listening(port: int) -> bool:
    """Is something listening on 127.0.0.1:port?  Read from /proc, so the lesson's one-shot
    servers do not spend their single accept() on a probe."""
    needle = f"0100007F:{port:04X} 00000000:0000 0A"
    return needle in Path("/proc/net/tcp").read_text()


class Proc:
    """A subprocess in its own process group; stdout read line by line with a deadline.

    ``env`` is added to this process's environment (with ``PYTHONUNBUFFERED=1``); ``stdin`` is
    ``subprocess.PIPE`` (for :meth:`type`) or ``subprocess.DEVNULL``.
    """

    decode_errors = "strict"  # how stdout/stderr bytes become text

    def __init__(
        self, argv: list[str], env: dict[str, str] | None = None, *, stdin: int = subprocess.PIPE
    ) -> None:
        self.proc = subprocess.Popen(
            argv,
            stdin=stdin,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
            start_new_session=True,
            bufsize=0,
        )
        self.raw = b""  # stdout read but not yet taken as a line
        self.lines: list[str] = []  # every stdout line read so far, for failure messages

    def type(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line.encode() + b"\n")
        self.proc.stdin.flush()

    def read_more(self, deadline: float, waiting_for: str) -> None:
        """Add the next chunk of stdout to :attr:`raw`; fails the test at EOF or at ``deadline``."""
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        with selectors.DefaultSelector() as sel:
            sel.register(fd, selectors.EVENT_READ)
            left = deadline - time.monotonic()
            if left <= 0 or not sel.select(left):
                pytest.fail(f"{waiting_for} not seen in time; stdout so far: {[*self.lines, self.raw]!r}")
            chunk = os.read(fd, 4096)
        if not chunk:
            pytest.fail(f"stdout closed before {waiting_for}; stdout so far: {[*self.lines, self.raw]!r}")
        self.raw += chunk

    def read_line(self, timeout_s: float = TIMEOUT_S) -> str:
        """The next stdout line (without the newline)."""
        deadline = time.monotonic() + timeout_s
        while b"\n" not in self.raw:
            self.read_more(deadline, f"a line within {timeout_s} s")
        line, self.raw = self.raw.split(b"\n", 1)
        self.lines.append(line.decode("utf-8", self.decode_errors))
        return self.lines[-1]

    def expect(self, pattern: str) -> re.Match[str]:
        """Read lines until one matches ``pattern`` (a regex, searched)."""
        while True:
            match = re.search(pattern, self.read_line())
            if match:
                return match

    def finish(self, timeout_s: float = TIMEOUT_S) -> tuple[int, str, str]:
        """Close stdin, wait for exit: (status, rest of stdout, stderr)."""
        out, err = self.proc.communicate(timeout=timeout_s)
        rest = (self.raw + out).decode("utf-8", self.decode_errors)
        return self.proc.returncode, rest, err.decode("utf-8", self.decode_errors)

    def kill(self) -> None:
        """Always safe: kill the group if still running, reap, close every pipe."""
        reap(self.proc, group=True)


def reap(proc: subprocess.Popen[bytes], *, group: bool = False) -> None:
    """Kill ``proc`` (its whole process group when ``group``) if still running, reap it and close
    its pipes (no ResourceWarning)."""
    if proc.poll() is None:
        if group:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        else:
            proc.kill()
    try:
        proc.communicate(timeout=TIMEOUT_S)
    except ValueError:  # communicate() already ran and closed the pipes
        proc.wait(timeout=TIMEOUT_S)
    pipes: tuple[IO[bytes] | None, ...] = (proc.stdin, proc.stdout, proc.stderr)
    for pipe in pipes:
        if pipe is not None:
            pipe.close()


@contextmanager
def running(
    argv: list[str], env: dict[str, str] | None = None, *, stdin: int = subprocess.PIPE
) -> Iterator[Proc]:
    """A :class:`Proc` for the block; killed and reaped when it ends, however it ends."""
    p = Proc(argv, env, stdin=stdin)
    try:
        yield p
    finally:
        p.kill()


def wait_listening(p: Proc, port: int, what: str, timeout_s: float = TIMEOUT_S) -> None:
    """Wait until ``p`` listens on 127.0.0.1:port; fails the test if it exits or the time runs out."""
    deadline = time.monotonic() + timeout_s
    while not listening(port):
        if p.proc.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"{what} did not listen on {port}: {p.finish()!r}")
        time.sleep(0.02)
