"""Hostile peers for the servers' robustness tests (issue 10), and the checks run after each.

Each attack is bounded (counts, sizes, seconds) and talks only to 127.0.0.1.  A server under
test runs as a real ``python -m netsim ...`` subprocess, so its descriptor count and RSS are
its own (``/proc/PID``), not the test process's.  Its stdout and stderr are drained by two
reader threads (joined in :meth:`ServerProcess.stop`): a server that prints a line per
connection must never block on a full pipe while the test floods it.

``NETSIM_HOSTILE_SHORT`` sets how many short connections one round of the "many short
connections" attack makes (default 1,000; the server tests run two rounds, 2,000 in all - CI;
the issue's figure is 10,000 and ``NETSIM_HOSTILE_SHORT=10000`` passes too, in about a minute).
"""

from __future__ import annotations

import os
import re
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

SHORT_CONNECTIONS = int(os.environ.get("NETSIM_HOSTILE_SHORT", "1000"))
IDLE_CONNECTIONS = 300
SERVE_WITHIN_S = 1.0
SETTLE_S = 5.0  # how long the server may take to close what the attack left behind
LOCALHOST = "127.0.0.1"


class ServerProcess:
    """``python -m netsim ARGS``: stdin piped, stdout/stderr collected line by line."""

    def __init__(self, *args: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "netsim", *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            bufsize=-1,  # buffered: readline() must not cost a system call per byte
        )
        self.lines: list[str] = []
        self.errors: list[str] = []
        self._changed = threading.Condition()
        assert self.proc.stdout is not None and self.proc.stderr is not None
        self._readers = [
            threading.Thread(target=self._read, args=(self.proc.stdout, self.lines), name="server-stdout"),
            threading.Thread(target=self._read, args=(self.proc.stderr, self.errors), name="server-stderr"),
        ]
        for reader in self._readers:
            reader.start()

    def _read(self, pipe: object, sink: list[str]) -> None:
        for raw in iter(pipe.readline, b""):  # type: ignore[attr-defined]
            with self._changed:
                sink.append(raw.decode("utf-8", "replace").rstrip("\n"))
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    def wait_line(self, pattern: str, timeout_s: float, since: int = 0) -> re.Match[str]:
        """The first stdout line from index ``since`` on that matches ``pattern``."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout_s
        with self._changed:
            while True:
                for line in self.lines[since:]:
                    match = regex.search(line)
                    if match:
                        return match
                since = len(self.lines)
                left = deadline - time.monotonic()
                if left <= 0 or self.proc.poll() is not None:
                    raise AssertionError(
                        f"no line matching {pattern!r} within {timeout_s} s (exit status "
                        f"{self.proc.poll()}); last lines {self.lines[-8:]!r}; stderr {self.errors[-8:]!r}"
                    )
                self._changed.wait(min(left, 0.05))

    def mark(self) -> int:
        with self._changed:
            return len(self.lines)

    def type(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line.encode() + b"\n")
        self.proc.stdin.flush()

    def alive(self) -> bool:
        return self.proc.poll() is None

    def fd_count(self) -> int:
        return len(os.listdir(f"/proc/{self.proc.pid}/fd"))

    def rss_kib(self) -> int:
        with open(f"/proc/{self.proc.pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        raise AssertionError("no VmRSS")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(10)
        for reader in self._readers:
            reader.join(10)
        for pipe in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            if pipe is not None:
                pipe.close()


@contextmanager
def server_process(*args: str, ready: str) -> Iterator[tuple[ServerProcess, int]]:
    """Start a server, wait for ``ready`` (a regex whose group "port" is the port it listens on)."""
    server = ServerProcess(*args)
    try:
        port = int(server.wait_line(ready, 15.0).group("port"))
        yield server, port
    finally:
        server.stop()


def wait_fds_back(server: ServerProcess, start: int, what: str) -> int:
    """Wait until the server's descriptors are back within 5 % of ``start``; return the count."""
    bound = int(start * 1.05)
    deadline = time.monotonic() + SETTLE_S
    while True:
        count = server.fd_count()
        if count <= bound:
            return count
        if time.monotonic() > deadline:
            raise AssertionError(f"after {what}: {count} descriptors open, started with {start}")
        time.sleep(0.02)


def accept_queue(port: int) -> int | None:
    """Connections waiting in the accept queue of the socket listening on ``port`` (Linux:
    a LISTEN socket's rx_queue in /proc/net/tcp); None if no such socket is found."""
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table, encoding="ascii") as fp:
                rows = fp.read().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            local, state, queues = fields[1], fields[3], fields[4]
            if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:
                return int(queues.split(":")[1], 16)
    return None


def wait_caught_up(server: ServerProcess, port: int, timeout_s: float = 30.0) -> float:
    """Wait until the server has accepted everything a flood left queued; the seconds it took.

    A flood made faster than the server can answer (thousands of connects in a fraction of a
    second) queues up in the listen backlog; "after the flood" is once that queue is empty."""
    started = time.monotonic()
    while True:
        queued = accept_queue(port)
        if queued is None or queued == 0:
            return time.monotonic() - started
        if time.monotonic() - started > timeout_s or not server.alive():
            raise AssertionError(f"the server still has {queued} connections to accept after {timeout_s} s")
        time.sleep(0.02)


# --- TCP attacks ----------------------------------------------------------------------------


def _connect(port: int, timeout_s: float = 5.0) -> socket.socket:
    return socket.create_connection((LOCALHOST, port), timeout=timeout_s)


def _send_quietly(sock: socket.socket, data: bytes) -> None:
    try:
        sock.sendall(data)
    except OSError:  # the server hung up on us: that is the point
        pass


def _shutdown_quietly(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_WR)
    except OSError:  # the server has already reset the connection
        pass


def _drain_to_eof(sock: socket.socket, timeout_s: float) -> None:
    """Read (and discard) until the server closes, or the timeout."""
    sock.settimeout(timeout_s)
    deadline = time.monotonic() + timeout_s
    try:
        while time.monotonic() < deadline:
            if not sock.recv(65536):
                return
    except OSError:  # a reset or the timeout: either way we stop
        return


def garbage(port: int) -> None:
    """Random bytes, a lone 0xff, then 64 KiB of noise, each on its own connection."""
    for blob in (b"\xff", os.urandom(512), os.urandom(64 * 1024)):
        with _connect(port) as sock:
            _send_quietly(sock, blob)


def huge_headers(port: int, extra: tuple[bytes, ...] = ()) -> None:
    """Headers announcing 2 GiB, a JSON header nested 3,000 deep, 200 KB with no delimiter."""
    nested = b"[" * 3000
    blobs = (
        struct.pack("!I", 0x7FFFFFFF),
        struct.pack("!I", 0xFFFFFFFF) + b"x" * 16,
        struct.pack("!I", len(nested)) + nested,
        b"A" * 200_000,
        *extra,
    )
    for blob in blobs:
        with _connect(port) as sock:
            _send_quietly(sock, blob)
            _shutdown_quietly(sock)
            _drain_to_eof(sock, 2.0)


@contextmanager
def slowloris(port: int, count: int = 10, byte_every_s: float = 0.1) -> Iterator[None]:
    """``count`` connections each trickling one byte of a frame header at a time (for as long
    as the ``with`` body runs)."""
    socks = [_connect(port) for _ in range(count)]
    stop = threading.Event()

    def trickle() -> None:
        while not stop.wait(byte_every_s):
            for sock in socks:
                _send_quietly(sock, b"\x00")

    worker = threading.Thread(target=trickle, name="slowloris")
    worker.start()
    try:
        yield
    finally:
        stop.set()
        worker.join()
        for sock in socks:
            sock.close()


@contextmanager
def idle(port: int, count: int = IDLE_CONNECTIONS) -> Iterator[None]:
    """``count`` connections that say nothing (held for as long as the ``with`` body runs)."""
    socks: list[socket.socket] = []
    try:
        for _ in range(count):
            socks.append(_connect(port))
        yield
    finally:
        for sock in socks:
            sock.close()


def connect_reset(port: int, count: int = 50) -> None:
    """Connect, then abort with an RST (SO_LINGER 0) before saying anything."""
    for _ in range(count):
        sock = _connect(port)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()


def half_close(port: int, count: int = 20, first: bytes = b"\x00") -> None:
    """Send the start of a frame, shut our sending side, wait for the server to close."""
    socks = [_connect(port) for _ in range(count)]
    try:
        for sock in socks:
            _send_quietly(sock, first)
            _shutdown_quietly(sock)
        for sock in socks:
            _drain_to_eof(sock, 3.0)
    finally:
        for sock in socks:
            sock.close()


def short_connections(port: int, count: int = SHORT_CONNECTIONS) -> None:
    """Connect and close, ``count`` times in a row."""
    for _ in range(count):
        with _connect(port):
            pass


# --- UDP attacks ----------------------------------------------------------------------------


def bad_datagrams(port: int, flood: int = SHORT_CONNECTIONS) -> None:
    """The datagrams that used to kill the UDP chat server, then a bounded flood of noise."""
    nested = b"[" * 3000
    blobs = [
        b"\xff",
        os.urandom(512),
        struct.pack("!I", 0x7FFFFFFF) + b"x",
        struct.pack("!I", len(nested)) + nested,
        os.urandom(60_000),
    ]
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        for blob in blobs:
            sock.sendto(blob, (LOCALHOST, port))
        for i in range(flood):
            sock.sendto(os.urandom(64), (LOCALHOST, port))
            if i % 100 == 99:
                time.sleep(0.002)  # keep within the receive buffer: we test the server, not the queue
