"""Read the kernel's own TCP states for the lab's connection.

On Linux the whole table is ``/proc/net/tcp`` (readable without privilege, and system-wide, so it
lists TIME_WAIT sockets and orphaned FIN_WAIT2 sockets that no process owns any more).  Elsewhere
psutil's ``net_connections`` is used.  Endpoints are recognised by address, not by owner:

* ``client`` - the socket whose remote port is the server's port (and, once known, whose local
  port is the client's port);
* ``server`` - the accepted socket (local port = server port, remote = the client); before it
  exists, the listening socket stands in for it, as in RFC 9293 where one TCB goes
  LISTEN -> SYN-RECEIVED -> ESTABLISHED;
* ``listener`` - the listening socket itself.

``CLOSED`` means the kernel lists no socket for that end.  Only IPv4 (the lab uses 127.0.0.1).
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass

from netsim.core.events import TcpStateChanged, now_ns
from netsim.core.recorder import Recorder

PROC_NET_TCP = "/proc/net/tcp"

# include/net/tcp_states.h
_PROC_STATES = {
    1: "ESTABLISHED",
    2: "SYN_SENT",
    3: "SYN_RECV",
    4: "FIN_WAIT1",
    5: "FIN_WAIT2",
    6: "TIME_WAIT",
    7: "CLOSE",
    8: "CLOSE_WAIT",
    9: "LAST_ACK",
    10: "LISTEN",
    11: "CLOSING",
    12: "NEW_SYN_RECV",
}

ENDPOINTS = ("client", "server", "listener")


@dataclass(frozen=True, slots=True)
class Conn:
    local: tuple[str, int]
    remote: tuple[str, int]
    state: str


def _addr(hexaddr: str) -> tuple[str, int]:
    ip_hex, port_hex = hexaddr.split(":")
    raw = bytes.fromhex(ip_hex)[::-1]  # IPv4 is stored as a little-endian 32-bit word
    return ".".join(str(b) for b in raw), int(port_hex, 16)


def parse_proc_net_tcp(text: str) -> list[Conn]:
    out: list[Conn] = []
    for line in text.splitlines()[1:]:
        parts = line.split()
        if len(parts) < 4:
            continue
        state = _PROC_STATES.get(int(parts[3], 16), f"UNKNOWN_{parts[3]}")
        out.append(Conn(_addr(parts[1]), _addr(parts[2]), state))
    return out


def read_proc_net_tcp(path: str = PROC_NET_TCP) -> list[Conn]:
    with open(path, encoding="ascii") as fh:
        return parse_proc_net_tcp(fh.read())


def read_psutil() -> list[Conn]:
    import psutil

    out: list[Conn] = []
    for c in psutil.net_connections(kind="tcp4"):
        local = (c.laddr.ip, c.laddr.port) if c.laddr else ("0.0.0.0", 0)
        remote = (c.raddr.ip, c.raddr.port) if c.raddr else ("0.0.0.0", 0)
        out.append(Conn(local, remote, str(c.status)))
    return out


def default_reader() -> tuple[Callable[[], list[Conn]] | None, str]:
    """The best way to read the table here, and its name (``None, reason`` when there is none)."""
    if sys.platform.startswith("linux") and os.access(PROC_NET_TCP, os.R_OK):
        return read_proc_net_tcp, PROC_NET_TCP
    try:
        read_psutil()
    except Exception as exc:  # psutil raises AccessDenied on macOS without root
        return None, f"psutil.net_connections failed: {exc}"
    return read_psutil, "psutil.net_connections"


def classify(
    conns: list[Conn], server_port: int, client_port: int | None, server_seen: bool
) -> dict[str, Conn | None]:
    """Pick the client, server and listener rows for the lab's ports out of the kernel table."""
    client = server = listener = None
    for c in conns:
        if c.local[1] == server_port and c.state == "LISTEN":
            listener = c
        elif c.local[1] == server_port and c.remote[1] != 0:
            if client_port is None or c.remote[1] == client_port:
                server = c
        elif c.remote[1] == server_port and (client_port is None or c.local[1] == client_port):
            client = c
    if server is None and not server_seen:
        server = listener
    return {"client": client, "server": server, "listener": listener}


class StateObserver:
    """Polls the kernel table in a worker thread and emits a :class:`TcpStateChanged` per change.

    ``watch(server_port)`` says which connection to follow; ``set_client_port`` narrows it once
    the client's ephemeral port is known.  ``poll_now()`` reads the table at once (any thread) -
    the scenario calls it after each socket call, so a state never slips between two polls.
    ``close()`` stops and joins the thread.
    """

    def __init__(
        self,
        recorder: Recorder,
        *,
        interval_s: float = 0.002,
        reader: Callable[[], list[Conn]] | None = None,
    ) -> None:
        self._recorder = recorder
        self._interval_s = interval_s
        if reader is None:
            reader, self.source = default_reader()
        else:
            self.source = "custom"
        self._reader = reader
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._server_port: int | None = None
        self._client_port: int | None = None
        self._server_seen = False
        self._current: dict[str, str] = dict.fromkeys(ENDPOINTS, "CLOSED")
        self.history: list[TcpStateChanged] = []
        self.error = ""

    @property
    def available(self) -> bool:
        return self._reader is not None

    def watch(self, server_port: int) -> None:
        with self._lock:
            self._server_port = server_port
            self._client_port = None
            self._server_seen = False

    def set_client_port(self, port: int) -> None:
        with self._lock:
            self._client_port = port

    def current(self) -> dict[str, str]:
        with self._lock:
            return dict(self._current)

    def start(self) -> None:
        if self._reader is None or self._thread is not None:
            return
        self._thread = threading.Thread(target=self._loop, name="kstate-poller")
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5.0)
            if self._thread.is_alive():
                raise RuntimeError("kernel state poller did not stop")
            self._thread = None

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.poll_now()
            except OSError as exc:  # the table vanished (unlikely): report once, keep going
                self.error = str(exc)
            self._stop.wait(self._interval_s)

    def poll_now(self) -> dict[str, str]:
        if self._reader is None:
            return self.current()
        with self._lock:
            if self._server_port is None:
                return dict(self._current)
            # Read under the lock: two pollers must not apply an older snapshot after a newer one.
            conns = self._reader()
            rows = classify(conns, self._server_port, self._client_port, self._server_seen)
            srv = rows["server"]
            if srv is not None and srv.state != "LISTEN":
                self._server_seen = True
            t_ns = now_ns()
            changed: list[TcpStateChanged] = []
            for endpoint in ENDPOINTS:
                row = rows[endpoint]
                state = "CLOSED" if row is None else row.state
                if state == "CLOSE":
                    state = "CLOSED"
                if state != self._current[endpoint]:
                    self._current[endpoint] = state
                    local = f"{row.local[0]}:{row.local[1]}" if row else ""
                    remote = f"{row.remote[0]}:{row.remote[1]}" if row and row.remote[1] else ""
                    changed.append(TcpStateChanged(t_ns, endpoint, state, local, remote))
            self.history.extend(changed)
            # Emit under the lock so two pollers (thread + poll_now) cannot reorder changes.
            if changed:
                self._recorder.extend(changed)
            return dict(self._current)
