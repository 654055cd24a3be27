"""A servers run, analysed: per-client timelines, the server's CPU, and a text Gantt chart."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from netsim.core.events import Event, RunFinished, RunStarted, SocketFailed
from netsim.lessons.servers.events import (
    ClientClosed,
    ClientConnected,
    ConnAccepted,
    ConnClosed,
    ReplyReceived,
    RequestSent,
    ServerCpuSampled,
)
from netsim.lessons.servers.scenario import BLOCKING, BUSY, LESSON_NB, SELECTORS, THREADED


@dataclass
class ClientRow:
    """One client's life, in ns since the run started (None: not (yet) happened)."""

    client: int
    conn: int = 0
    connected: int | None = None
    accepted: int | None = None  # the server's accept() returned this connection
    first_reply: int | None = None
    closed: int | None = None  # the client closed its socket
    server_closed: int | None = None  # the server closed its end
    thread: str = ""  # server thread that served it
    requests: list[int] = field(default_factory=list)
    replies: list[int] = field(default_factory=list)
    latencies_ns: list[int] = field(default_factory=list)
    replies_ok: int = 0

    @property
    def wait_ns(self) -> int | None:
        """Connected → first reply: how long the client waited before anyone answered."""
        if self.connected is None or self.first_reply is None:
            return None
        return self.first_reply - self.connected

    @property
    def total_ns(self) -> int | None:
        if self.connected is None or self.closed is None:
            return None
        return self.closed - self.connected


def served_from(row: ClientRow, mode: str) -> int | None:
    """When the server started serving this client, as a timeline draws it.

    Usually the server's ``accept()``.  The lesson's non-blocking code accepts a client and then
    sits in another client's blocking ``recv()``: accepted is not served, so its clients count as
    waiting until their first answer.
    """
    if mode == LESSON_NB and row.first_reply is not None:
        return row.first_reply
    return row.accepted


@dataclass(frozen=True)
class CpuPoint:
    t_ns: int  # since the run started
    cpu_s: float
    wall_s: float
    spins: int


@dataclass
class ServersResult:
    mode: str
    config: dict[str, Any]
    clients: list[ClientRow]
    cpu: list[CpuPoint]
    wall_s: float  # run start → the last client closed: what the clients lived through
    server_wall_s: float  # run start → the server stopped (its CPU time is measured over this)
    server_cpu_s: float
    spins: int
    finished: bool
    ok: bool
    all_echoed: bool
    failures: list[str]

    @property
    def cpu_percent(self) -> float:
        """CPU time of the server's threads per wall second of its life (100 % = one whole CPU)."""
        return 100.0 * self.server_cpu_s / self.server_wall_s if self.server_wall_s > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        def s(ns: int | None) -> float | None:
            return None if ns is None else round(ns / 1e9, 6)

        return {
            "mode": self.mode,
            "clients": self.config.get("clients"),
            "requests": self.config.get("requests"),
            "think_ms": self.config.get("think_ms"),
            "wall_s": round(self.wall_s, 6),
            "server_wall_s": round(self.server_wall_s, 6),
            "server_cpu_s": round(self.server_cpu_s, 6),
            "server_cpu_percent": round(self.cpu_percent, 2),
            "server_idle_spins": self.spins,
            "all_echoed": self.all_echoed,
            "ok": self.ok,
            "verdict": VERDICTS.get(self.mode, ""),
            "waits_s": [s(r.wait_ns) for r in self.clients],
            "per_client": [
                {
                    "client": r.client,
                    "wait_s": s(r.wait_ns),
                    "total_s": s(r.total_ns),
                    "connected_s": s(r.connected),
                    "accepted_s": s(r.accepted),
                    "first_reply_s": s(r.first_reply),
                    "closed_s": s(r.closed),
                    "replies_ok": r.replies_ok,
                    "requests": len(r.requests),
                    "mean_latency_s": s(sum(r.latencies_ns) // len(r.latencies_ns))
                    if r.latencies_ns
                    else None,
                    "server_thread": r.thread,
                }
                for r in self.clients
            ],
            "failures": self.failures,
        }


VERDICTS: dict[str, str] = {
    BLOCKING: "one at a time: while the server talks to one client, the others wait in the listen backlog",
    THREADED: "one thread per client: every client is served at once (socketserver.ThreadingTCPServer)",
    BUSY: "busy loop: the server burns a CPU doing nothing",
    LESSON_NB: "the lesson's code as written: accepted sockets stay blocking on Linux (accept() does not "
    "pass on non-blocking mode), so the loop stalls in the first client's recv() while the others wait",
    SELECTORS: "selectors: one thread serves everyone and sleeps until a socket is ready",
}


class ServersTimeline:
    """Builds :class:`ServersResult` from events, incrementally (the panel feeds it batches)."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.config: dict[str, Any] = {}
        self.t0_ns: int | None = None
        self.last_ns = 0
        self.finished = False
        self.ok = True
        self.failures: list[str] = []
        self.cpu: list[CpuPoint] = []
        self._rows: dict[int, ClientRow] = {}
        self._server: dict[int, dict[str, Any]] = {}  # conn -> accepted / closed / thread

    @property
    def mode(self) -> str:
        return str(self.config.get("mode", ""))

    def feed(self, events: Iterable[Event]) -> None:
        for ev in events:
            if isinstance(ev, RunStarted):
                if ev.config.get("lab") != "servers":
                    continue
                self.reset()
                self.config = dict(ev.config)
                self.t0_ns = ev.t_ns
                continue
            if self.t0_ns is None:
                continue
            t = ev.t_ns - self.t0_ns
            self.last_ns = max(self.last_ns, t)
            if isinstance(ev, ClientConnected):
                row = self._row(ev.client)
                row.conn = ev.conn
                row.connected = t
            elif isinstance(ev, RequestSent):
                self._row(ev.client).requests.append(t)
            elif isinstance(ev, ReplyReceived):
                row = self._row(ev.client)
                row.replies.append(t)
                row.latencies_ns.append(ev.latency_ns)
                if row.first_reply is None:
                    row.first_reply = t
                if ev.ok:
                    row.replies_ok += 1
            elif isinstance(ev, ClientClosed):
                self._row(ev.client).closed = t
            elif isinstance(ev, ConnAccepted):
                self._server.setdefault(ev.conn, {}).update(accepted=t, thread=ev.thread)
            elif isinstance(ev, ConnClosed):
                self._server.setdefault(ev.conn, {})["closed"] = t
            elif isinstance(ev, ServerCpuSampled):
                self.cpu.append(CpuPoint(t, ev.cpu_s, ev.wall_s, ev.spins))
            elif isinstance(ev, SocketFailed):
                self.failures.append(f"{ev.endpoint}: {ev.call}: {ev.error}: {ev.message}")
            elif isinstance(ev, RunFinished):
                self.finished = True
                self.ok = ev.ok

    def _row(self, client: int) -> ClientRow:
        row = self._rows.get(client)
        if row is None:
            row = self._rows[client] = ClientRow(client)
        return row

    def rows(self) -> list[ClientRow]:
        """Every expected client (in order), with the server's side of its connection merged in."""
        count = int(self.config.get("clients", 0))
        out = []
        for client in range(1, max(count, max(self._rows, default=0)) + 1):
            row = self._rows.get(client, ClientRow(client))
            side = self._server.get(row.conn) if row.conn else None
            if side:
                row.accepted = side.get("accepted")
                row.server_closed = side.get("closed")
                row.thread = str(side.get("thread", ""))
            out.append(row)
        return out

    def result(self) -> ServersResult:
        rows = self.rows()
        final = self.cpu[-1] if self.cpu else None
        requests = int(self.config.get("requests", 0))
        return ServersResult(
            mode=self.mode,
            config=dict(self.config),
            clients=rows,
            cpu=list(self.cpu),
            wall_s=max((r.closed or 0 for r in rows), default=0) / 1e9 or self.last_ns / 1e9,
            server_wall_s=final.wall_s if final else self.last_ns / 1e9,
            server_cpu_s=final.cpu_s if final else 0.0,
            spins=final.spins if final else 0,
            finished=self.finished,
            ok=self.ok and not self.failures,
            all_echoed=bool(rows) and all(r.replies_ok == requests for r in rows),
            failures=list(self.failures),
        )


# ----------------------------------------------------------------------------- text Gantt
CPU_RAMP = " .:-=+*#%@"  # 0 % … 100 % of one CPU


def gantt(result: ServersResult, width: int = 60) -> list[str]:
    """Text timeline: one row per client (``.`` connected but waiting, ``#`` being served,
    ``|`` a reply arrived) and one for the server threads' CPU use (`` `` idle … ``@`` 100 %)."""
    span_ns = max(1, int(result.wall_s * 1e9))

    def col(t_ns: int) -> int:
        return min(width - 1, max(0, t_ns * width // span_ns))

    lines = []
    for r in result.clients:
        cells = [" "] * width
        if r.connected is not None:
            start = col(r.connected)
            end = col(r.closed if r.closed is not None else span_ns)
            served = served_from(r, result.mode)
            served_col = col(served) if served is not None else end + 1
            for i in range(start, end + 1):
                cells[i] = "#" if i >= served_col else "."
            for t in r.replies:
                cells[col(t)] = "|"
        wait = f"{r.wait_ns / 1e6:7.1f} ms" if r.wait_ns is not None else "      - ms"
        lines.append(f"client {r.client:<3}[{''.join(cells)}] wait {wait}")
    cells = [" "] * width
    prev_t, prev_cpu = 0, 0.0
    for p in result.cpu:
        dt = p.t_ns - prev_t
        if dt > 0 and prev_t < span_ns:
            frac = max(0.0, min(1.0, (p.cpu_s - prev_cpu) * 1e9 / dt))
            ch = CPU_RAMP[min(len(CPU_RAMP) - 1, round(frac * (len(CPU_RAMP) - 1)))]
            for i in range(col(prev_t), col(p.t_ns) + 1):
                cells[i] = ch
        prev_t, prev_cpu = p.t_ns, p.cpu_s
    lines.append(f"server CPU[{''.join(cells)}] {result.cpu_percent:5.1f} %")
    return lines
