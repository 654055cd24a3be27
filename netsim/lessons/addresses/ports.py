"""Ports: IANA's ranges, this kernel's own limits, the local services database, who listens.

:func:`port_info` places a port in IANA's ranges and this kernel's limits (privileged ports, the
ephemeral range), names its service from ``/etc/services``, and lists who listens on it
(:func:`scan_listening`).  Nothing is sent and no name is resolved.
"""

from __future__ import annotations

import socket
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import psutil

from netsim.lessons.addresses.classify import article

PortRange = Literal["well-known", "registered", "dynamic"]
IANA_EPHEMERAL = (49152, 65535)
PROC_UNPRIVILEGED = Path("/proc/sys/net/ipv4/ip_unprivileged_port_start")
PROC_LOCAL_RANGE = Path("/proc/sys/net/ipv4/ip_local_port_range")


@dataclass(frozen=True, slots=True)
class ListeningSocket:
    transport: Literal["tcp", "udp"]
    family: Literal["IPv4", "IPv6"]
    address: str
    port: int
    pid: int | None
    process: str | None

    @property
    def endpoint(self) -> str:
        return f"[{self.address}]:{self.port}" if ":" in self.address else f"{self.address}:{self.port}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "transport": self.transport,
            "family": self.family,
            "address": self.address,
            "port": self.port,
            "pid": self.pid,
            "process": self.process,
        }


@dataclass(frozen=True, slots=True)
class ListeningScan:
    sockets: tuple[ListeningSocket, ...]
    complete: bool  # False when the OS hid other users' sockets (psutil.AccessDenied)
    note: str


def _process_name(pid: int | None, cache: dict[int, str | None]) -> str | None:
    if pid is None:
        return None
    if pid not in cache:
        try:
            cache[pid] = psutil.Process(pid).name()
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            cache[pid] = None
    return cache[pid]


def _listening_from(
    conns: Any, names: dict[int, str | None], pid: int | None = None
) -> list[ListeningSocket]:
    out = []
    for c in conns:
        tcp = c.type == socket.SOCK_STREAM
        if tcp and c.status != psutil.CONN_LISTEN:
            continue
        if not tcp and (c.raddr or not c.laddr):  # UDP: a bound socket with no fixed peer
            continue
        owner = getattr(c, "pid", None) or pid
        out.append(
            ListeningSocket(
                transport="tcp" if tcp else "udp",
                family="IPv6" if c.family == socket.AF_INET6 else "IPv4",
                address=str(c.laddr.ip),
                port=int(c.laddr.port),
                pid=owner,
                process=_process_name(owner, names),
            )
        )
    return out


def scan_listening(*, udp: bool = True) -> ListeningScan:
    """Sockets listening on this machine now: TCP in LISTEN, and (``udp``) bound, unconnected UDP."""
    names: dict[int, str | None] = {}
    kind = "inet" if udp else "tcp"
    try:
        found = _listening_from(psutil.net_connections(kind=kind), names)
        complete, note = True, ""
    except psutil.AccessDenied:
        # macOS (and hardened systems) refuse the system-wide list; our own processes remain.
        found = []
        for proc in psutil.process_iter(["pid"]):
            try:
                conns = proc.net_connections(kind=kind)
            except (psutil.AccessDenied, psutil.NoSuchProcess, psutil.ZombieProcess):
                continue
            found.extend(_listening_from(conns, names, proc.pid))
        complete, note = False, "access denied: only the sockets of processes we may inspect are listed"
    if complete and any(s.pid is None for s in found):
        note = "some owners are hidden (processes of other users or outside this container)"
    found.sort(key=lambda s: (s.port, s.transport, s.family, s.address))
    return ListeningScan(tuple(dict.fromkeys(found)), complete, note)


def listening_sockets(*, udp: bool = True) -> list[ListeningSocket]:
    return list(scan_listening(udp=udp).sockets)


def _read_ints(path: Path) -> list[int] | None:
    try:
        return [int(x) for x in path.read_text().split()]
    except (OSError, ValueError):
        return None


def unprivileged_port_start() -> tuple[int, str]:
    """The first port an unprivileged program may bind, and where that number comes from."""
    platform: str = sys.platform  # a plain str, so mypy checks every branch on every OS
    if platform.startswith("linux"):
        values = _read_ints(PROC_UNPRIVILEGED)
        if values:
            return values[0], str(PROC_UNPRIVILEGED)
        return 1024, "Linux default (sysctl not readable)"
    if platform == "win32":
        return 0, "Windows has no privileged ports"
    return 1024, "traditional Unix rule (assumed)"


def ephemeral_range() -> tuple[tuple[int, int], str]:
    """The ports the OS picks for ``bind(port 0)`` and outgoing connections."""
    values = _read_ints(PROC_LOCAL_RANGE)
    if values and len(values) == 2:
        return (values[0], values[1]), str(PROC_LOCAL_RANGE)
    return IANA_EPHEMERAL, "IANA's dynamic range (this OS's own range not read)"


def service_name(port: int, transport: str) -> str | None:
    """The local services database's name for a port (``/etc/services``); no network involved."""
    try:
        return socket.getservbyport(port, transport)
    except (OSError, OverflowError, TypeError):
        return None


@dataclass(frozen=True, slots=True)
class PortInfo:
    port: int
    range_class: PortRange
    privileged: bool  # binding it needs privilege on this machine
    unprivileged_start: int
    unprivileged_source: str
    ephemeral: tuple[int, int]
    ephemeral_source: str
    in_ephemeral: bool
    service_tcp: str | None
    service_udp: str | None
    listeners: tuple[ListeningSocket, ...]
    listeners_complete: bool

    @property
    def iana_range(self) -> str:
        return {"well-known": "0-1023", "registered": "1024-49151", "dynamic": "49152-65535"}[
            self.range_class
        ]

    @property
    def good_for_lab_server(self) -> bool:
        """The lesson's rule of thumb: a server of your own on a port from 8000 up, outside the ephemeral range."""
        return self.port >= 8000 and not self.in_ephemeral and not self.privileged

    @property
    def description(self) -> str:
        parts = [
            f"Port {self.port} is {article(self.range_class)} {self.range_class} port (IANA {self.iana_range})."
        ]
        if self.port == 0:
            parts.append("bind() to port 0 asks the OS to choose a free ephemeral port.")
        elif self.privileged:
            parts.append(
                f"Binding it needs privilege here (unprivileged ports start at {self.unprivileged_start})."
            )
        if self.in_ephemeral:
            lo, hi = self.ephemeral
            parts.append(
                f"It is in this OS's ephemeral range {lo}-{hi}: clients' ports are picked from there."
            )
        names = {n for n in (self.service_tcp, self.service_udp) if n}
        if names:
            parts.append(f"Service: {'/'.join(sorted(names))}.")
        if self.listeners:
            who = ", ".join(
                f"{s.transport} {s.endpoint}" + (f" ({s.process}, pid {s.pid})" if s.pid else "")
                for s in self.listeners
            )
            parts.append(f"Listening now: {who}.")
        else:
            parts.append("Nobody listens on it now.")
        return " ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "port": self.port,
            "range_class": self.range_class,
            "iana_range": self.iana_range,
            "privileged": self.privileged,
            "unprivileged_start": self.unprivileged_start,
            "unprivileged_source": self.unprivileged_source,
            "ephemeral_range": list(self.ephemeral),
            "ephemeral_source": self.ephemeral_source,
            "in_ephemeral": self.in_ephemeral,
            "service_tcp": self.service_tcp,
            "service_udp": self.service_udp,
            "listeners": [s.to_dict() for s in self.listeners],
            "listeners_complete": self.listeners_complete,
            "good_for_lab_server": self.good_for_lab_server,
            "description": self.description,
        }


def port_range(port: int) -> PortRange:
    if not 0 <= port <= 65535:
        raise ValueError(f"port {port} is outside 0-65535 (a port is a 16-bit number)")
    if port <= 1023:
        return "well-known"
    if port <= 49151:
        return "registered"
    return "dynamic"


def port_info(port: int, *, scan: ListeningScan | None = None) -> PortInfo:
    """Everything about one port; ``scan`` reuses a listening scan already taken."""
    rc = port_range(port)
    start, start_src = unprivileged_port_start()
    (lo, hi), eph_src = ephemeral_range()
    scan = scan if scan is not None else scan_listening()
    return PortInfo(
        port=port,
        range_class=rc,
        privileged=0 < port < start,
        unprivileged_start=start,
        unprivileged_source=start_src,
        ephemeral=(lo, hi),
        ephemeral_source=eph_src,
        in_ephemeral=lo <= port <= hi,
        service_tcp=service_name(port, "tcp"),
        service_udp=service_name(port, "udp"),
        listeners=tuple(s for s in scan.sockets if s.port == port),
        listeners_complete=scan.complete,
    )
