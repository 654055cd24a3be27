"""Addresses, ports and layers: the lesson's network basics, on this machine's real data.

* :func:`classify` says what kind of address a string is (loopback, one of the three RFC 1918
  private blocks, link-local, "all interfaces" ``0.0.0.0``/``::``, multicast, documentation,
  global/public…), from fixed tables of the RFC blocks rather than ``ipaddress.is_private``,
  whose answers changed between Python releases.
* :func:`interfaces` lists the network cards (网卡) with MAC, addresses, prefix lengths and
  networks; :func:`default_gateway` reads the kernel's routing table and says "unknown" rather
  than guess; :func:`neighbours` is the ARP cache (IP -> MAC, the ARP lesson on real entries).
* :func:`port_info` places a port in IANA's ranges and this kernel's own limits (privileged
  ports, the ephemeral range), names its service from the local services database, and lists
  who listens on it (:func:`scan_listening`).
* :func:`encapsulate` builds a real Ethernet/IPv4/TCP-or-UDP frame around a payload (as a
  loopback frame would be: zero MACs, 127.0.0.1 to itself) and :func:`layers` takes a frame
  apart into OSI / TCP-IP layers with byte ranges and key fields.

Nothing here sends a packet or resolves a name: everything is read from the kernel or built in
memory.
"""

from __future__ import annotations

import ipaddress
import socket
import struct
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import dpkt
import psutil

from netsim.lab.packets import ETH_HEADER_BYTES, layer_spans

AddressKind = Literal[
    "loopback",
    "private",
    "link-local",
    "unspecified",
    "multicast",
    "broadcast",
    "shared",
    "documentation",
    "reserved",
    "ipv4-mapped",
    "global",
]
KINDS: tuple[AddressKind, ...] = (
    "loopback",
    "private",
    "link-local",
    "unspecified",
    "multicast",
    "broadcast",
    "shared",
    "documentation",
    "reserved",
    "ipv4-mapped",
    "global",
)

# (block, kind, name): first match wins, so the more specific blocks come first.
_V4_BLOCKS: tuple[tuple[str, AddressKind, str], ...] = (
    ("0.0.0.0/32", "unspecified", "unspecified address: all local interfaces when binding"),
    ("0.0.0.0/8", "reserved", "'this network' (RFC 1122)"),
    ("127.0.0.0/8", "loopback", "loopback (RFC 1122)"),
    ("10.0.0.0/8", "private", "RFC 1918 24-bit block"),
    ("172.16.0.0/12", "private", "RFC 1918 20-bit block"),
    ("192.168.0.0/16", "private", "RFC 1918 16-bit block"),
    ("100.64.0.0/10", "shared", "carrier-grade NAT shared space (RFC 6598)"),
    ("169.254.0.0/16", "link-local", "link-local (RFC 3927)"),
    ("192.0.2.0/24", "documentation", "TEST-NET-1 (RFC 5737)"),
    ("198.51.100.0/24", "documentation", "TEST-NET-2 (RFC 5737)"),
    ("203.0.113.0/24", "documentation", "TEST-NET-3 (RFC 5737)"),
    ("192.0.0.0/24", "reserved", "IETF protocol assignments (RFC 6890)"),
    ("198.18.0.0/15", "reserved", "benchmarking (RFC 2544)"),
    ("224.0.0.0/4", "multicast", "multicast (RFC 5771)"),
    ("255.255.255.255/32", "broadcast", "limited broadcast (RFC 919)"),
    ("240.0.0.0/4", "reserved", "reserved for future use (RFC 1112)"),
)
_V6_BLOCKS: tuple[tuple[str, AddressKind, str], ...] = (
    ("::/128", "unspecified", "unspecified address: all local interfaces when binding"),
    ("::1/128", "loopback", "loopback (RFC 4291)"),
    ("::ffff:0:0/96", "ipv4-mapped", "IPv4-mapped IPv6 (RFC 4291)"),
    ("fe80::/10", "link-local", "link-local (RFC 4291)"),
    ("fc00::/7", "private", "unique local addresses, IPv6's private block (RFC 4193)"),
    ("ff00::/8", "multicast", "multicast (RFC 4291)"),
    ("2001:db8::/32", "documentation", "documentation (RFC 3849)"),
    ("3fff::/20", "documentation", "documentation (RFC 9637)"),
    ("2001::/23", "reserved", "IETF protocol assignments (RFC 2928)"),
    ("100::/64", "reserved", "discard-only (RFC 6666)"),
    ("2000::/3", "global", "global unicast (RFC 4291)"),
    ("::/0", "reserved", "reserved by IETF"),
)
_V4_TABLE = [(ipaddress.IPv4Network(n), k, d) for n, k, d in _V4_BLOCKS]
_V6_TABLE = [(ipaddress.IPv6Network(n), k, d) for n, k, d in _V6_BLOCKS]

_EXPLAIN: dict[str, str] = {
    "loopback": "never leaves this machine: a program reaches another program on the same computer",
    "private": "it works inside a LAN, a router's NAT stands between it and the Internet",
    "link-local": "valid only on one link (one switch/cable), configured automatically; routers do not forward it",
    "unspecified": "it is not a destination: a server bound to it listens on all of this machine's interfaces",
    "multicast": "one packet is delivered to every member of a group",
    "broadcast": "one packet goes to every machine on the local network",
    "shared": "an ISP's carrier-grade NAT uses it between its customers and the Internet",
    "documentation": "reserved for examples in books and documentation; not routed on the Internet",
    "reserved": "reserved by the IETF; not used for ordinary hosts",
    "ipv4-mapped": "an IPv4 address written as IPv6, for dual-stack sockets",
    "global": "it is public: routable on the Internet, unique worldwide",
}


@dataclass(frozen=True, slots=True)
class AddressInfo:
    """What one address is.  ``block`` is the registry block the kind comes from (``""`` if none)."""

    address: str
    version: int
    kind: AddressKind
    block: str
    block_name: str
    network: str | None = None  # when the input had a prefix ("192.168.1.5/24")
    netmask: str | None = None
    mapped: AddressInfo | None = None  # the IPv4 address inside an IPv4-mapped IPv6 address

    @property
    def description(self) -> str:
        """One English sentence (the panel builds its own, translated)."""
        where = f" ({self.block}, {self.block_name})" if self.block else ""
        return f"{self.address} is {article(self.kind)} {self.kind} IPv{self.version} address{where}: {_EXPLAIN[self.kind]}."

    def to_dict(self) -> dict[str, Any]:
        return {
            "address": self.address,
            "version": self.version,
            "kind": self.kind,
            "block": self.block,
            "block_name": self.block_name,
            "network": self.network,
            "netmask": self.netmask,
            "mapped": self.mapped.to_dict() if self.mapped else None,
            "description": self.description,
        }


def article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def classify(address: str) -> AddressInfo:
    """Classify an IPv4 or IPv6 address (optionally with ``/prefix`` or ``%zone``).

    Raises ``ValueError`` naming the input when it is not an address.
    """
    text = address.strip()
    if not text:
        raise ValueError("empty address")
    try:
        iface = ipaddress.ip_interface(text) if "/" in text else None
        ip = iface.ip if iface else ipaddress.ip_address(text)
    except ValueError:
        raise ValueError(
            f"{address!r} is not an IP address (IPv4 is four numbers 0-255 separated by dots, "
            "IPv6 eight groups of hex digits separated by colons)"
        ) from None
    table: list[tuple[Any, AddressKind, str]] = _V4_TABLE if ip.version == 4 else _V6_TABLE
    kind: AddressKind = "global" if ip.version == 4 else "reserved"
    block = block_name = ""
    for net, k, name in table:
        if ip in net:
            kind, block, block_name = k, str(net), name
            break
    mapped = None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        mapped = classify(str(ip.ipv4_mapped))
    return AddressInfo(
        address=str(ip),
        version=ip.version,
        kind=kind,
        block=block,
        block_name=block_name,
        network=str(iface.network) if iface else None,
        netmask=str(iface.netmask) if iface else None,
        mapped=mapped,
    )


# ======================================================================= interfaces
@dataclass(frozen=True, slots=True)
class InterfaceAddress:
    family: Literal["IPv4", "IPv6"]
    address: str
    netmask: str | None
    prefix_len: int | None
    network: str | None
    broadcast: str | None
    info: AddressInfo

    @property
    def with_prefix(self) -> str:
        return f"{self.address}/{self.prefix_len}" if self.prefix_len is not None else self.address

    def to_dict(self) -> dict[str, Any]:
        return {
            "family": self.family,
            "address": self.address,
            "netmask": self.netmask,
            "prefix_len": self.prefix_len,
            "network": self.network,
            "broadcast": self.broadcast,
            "kind": self.info.kind,
            "block": self.info.block,
        }


@dataclass(frozen=True, slots=True)
class Interface:
    name: str
    up: bool
    mac: str | None
    mtu: int | None
    loopback: bool
    addresses: tuple[InterfaceAddress, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "up": self.up,
            "mac": self.mac,
            "mtu": self.mtu,
            "loopback": self.loopback,
            "addresses": [a.to_dict() for a in self.addresses],
        }


def _normal_mac(mac: str) -> str:
    return mac.replace("-", ":").lower()


def _interface_address(family: Literal["IPv4", "IPv6"], addr: Any) -> InterfaceAddress:
    address = str(addr.address)
    bare = address.split("%", 1)[0]  # IPv6 link-local addresses carry a zone: fe80::1%eth0
    netmask = str(addr.netmask) if addr.netmask else None
    prefix_len = network = None
    if netmask:
        prefix_len = prefix_length(netmask)
        if prefix_len is not None:
            network = str(ipaddress.ip_interface(f"{bare}/{prefix_len}").network)
    broadcast = str(addr.broadcast) if addr.broadcast else None
    return InterfaceAddress(family, address, netmask, prefix_len, network, broadcast, classify(bare))


def prefix_length(netmask: str) -> int | None:
    """255.255.255.0 -> 24, ffff:ffff:: -> 32; ``None`` for a netmask whose ones are not contiguous."""
    try:
        mask = ipaddress.ip_address(netmask)
    except ValueError:
        return None
    bits = mask.max_prefixlen
    value = int(mask)
    ones = bin(value).count("1")
    if value != ((1 << bits) - 1) ^ ((1 << (bits - ones)) - 1):
        return None
    return ones


def interfaces() -> list[Interface]:
    """This machine's interfaces, loopback first, then by name."""
    addrs = psutil.net_if_addrs()
    stats = psutil.net_if_stats()
    out: list[Interface] = []
    for name, entries in addrs.items():
        mac = None
        found: list[InterfaceAddress] = []
        for a in entries:
            if a.family == psutil.AF_LINK:
                mac = _normal_mac(str(a.address))
            elif a.family == socket.AF_INET:
                found.append(_interface_address("IPv4", a))
            elif a.family == socket.AF_INET6:
                found.append(_interface_address("IPv6", a))
        st = stats.get(name)
        flags = str(getattr(st, "flags", "")) if st else ""
        loopback = "loopback" in flags.split(",") or any(x.info.kind == "loopback" for x in found)
        found.sort(key=lambda x: x.family)  # IPv4 before IPv6, psutil's order within each
        out.append(
            Interface(
                name=name,
                up=bool(st.isup) if st else False,
                mac=mac,
                mtu=int(st.mtu) if st and st.mtu else None,
                loopback=loopback,
                addresses=tuple(found),
            )
        )
    out.sort(key=lambda i: (not i.loopback, not i.addresses, i.name))
    return out


# ========================================================================= gateway
@dataclass(frozen=True, slots=True)
class Gateway:
    """The default gateway, or ``address=None`` with ``source`` saying why it is unknown."""

    version: int
    address: str | None
    interface: str | None
    source: str

    @property
    def known(self) -> bool:
        return self.address is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "address": self.address,
            "interface": self.interface,
            "source": self.source,
        }


PROC_ROUTE = Path("/proc/net/route")
PROC_ROUTE6 = Path("/proc/net/ipv6_route")
PROC_ARP = Path("/proc/net/arp")
RTF_UP = 0x0001
RTF_GATEWAY = 0x0002


def default_gateway(version: int = 4, *, route_file: Path | None = None) -> Gateway:
    """The default route's next hop, read from Linux's routing table; never guessed."""
    path = route_file or (PROC_ROUTE if version == 4 else PROC_ROUTE6)
    try:
        lines = path.read_text().splitlines()
    except OSError:
        why = "unknown: no Linux routing table here" if not sys.platform.startswith("linux") else "unknown"
        return Gateway(version, None, None, f"{why} ({path} not readable)")
    best: tuple[int, str, str] | None = None
    if version == 4:
        for line in lines[1:]:
            f = line.split()
            if len(f) < 8:
                continue
            try:
                dest, gw, flags, metric, mask = (
                    int(f[1], 16),
                    int(f[2], 16),
                    int(f[3], 16),
                    int(f[6]),
                    int(f[7], 16),
                )
            except ValueError:
                continue
            if dest == 0 and mask == 0 and flags & RTF_UP and flags & RTF_GATEWAY:
                addr = socket.inet_ntoa(struct.pack("<I", gw))  # the kernel prints host byte order
                if best is None or metric < best[0]:
                    best = (metric, addr, f[0])
    else:
        for line in lines:
            f = line.split()
            if len(f) < 10:
                continue
            try:
                plen, hop, metric, flags = int(f[1], 16), int(f[4], 16), int(f[5], 16), int(f[8], 16)
            except ValueError:
                continue
            if int(f[0], 16) == 0 and plen == 0 and hop and flags & RTF_UP and flags & RTF_GATEWAY:
                addr = str(ipaddress.IPv6Address(hop))
                if best is None or metric < best[0]:
                    best = (metric, addr, f[9])
    if best is None:
        return Gateway(version, None, None, f"unknown: no default route in {path}")
    return Gateway(version, best[1], best[2], str(path))


@dataclass(frozen=True, slots=True)
class Neighbour:
    """One ARP cache entry: the IP -> MAC mapping ARP learnt on the LAN."""

    address: str
    mac: str
    interface: str

    def to_dict(self) -> dict[str, Any]:
        return {"address": self.address, "mac": self.mac, "interface": self.interface}


def neighbours(*, arp_file: Path | None = None) -> list[Neighbour]:
    """The kernel's ARP cache (complete entries only); empty where it cannot be read."""
    try:
        lines = (arp_file or PROC_ARP).read_text().splitlines()
    except OSError:
        return []
    out = []
    for line in lines[1:]:
        f = line.split()
        if len(f) >= 6 and int(f[2], 16) & 0x2:  # ATF_COM: the MAC is known
            out.append(Neighbour(f[0], _normal_mac(f[3]), f[5]))
    return out


# =========================================================================== ports
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


# ========================================================================== layers
Transport = Literal["tcp", "udp"]
LOOPBACK_V4 = "127.0.0.1"
MAX_IPV4_TOTAL = 65535


def encapsulate(
    payload: bytes,
    *,
    src_port: int,
    dst_port: int,
    transport: Transport = "tcp",
    src: str = LOOPBACK_V4,
    dst: str = LOOPBACK_V4,
    ttl: int = 64,
    seq: int = 1,
    ack: int = 1,
) -> bytes:
    """A real Ethernet II / IPv4 / TCP-or-UDP frame around ``payload``, checksums and lengths filled.

    Like a frame on Linux's ``lo``: all-zero MAC addresses, and (by default) 127.0.0.1 to itself.
    TCP carries PSH|ACK as a data segment of an open connection does, with no options; IPv4 sets
    DF as Linux does.
    """
    for p in (src_port, dst_port):
        port_range(p)
    if transport not in ("tcp", "udp"):
        raise ValueError(f"transport must be 'tcp' or 'udp', not {transport!r}")
    header = 20 + (20 if transport == "tcp" else 8)
    if len(payload) + header > MAX_IPV4_TOTAL:
        raise ValueError(
            f"payload of {len(payload)} bytes does not fit one IPv4 packet "
            f"(at most {MAX_IPV4_TOTAL - header} bytes over {transport.upper()})"
        )
    seg: dpkt.Packet
    if transport == "tcp":
        seg = dpkt.tcp.TCP(
            sport=src_port,
            dport=dst_port,
            seq=seq & 0xFFFFFFFF,
            ack=ack & 0xFFFFFFFF,
            flags=dpkt.tcp.TH_PUSH | dpkt.tcp.TH_ACK,
            win=65535,
            data=bytes(payload),
        )
        proto = dpkt.ip.IP_PROTO_TCP
    else:
        seg = dpkt.udp.UDP(sport=src_port, dport=dst_port, data=bytes(payload))
        seg.ulen = 8 + len(payload)
        proto = dpkt.ip.IP_PROTO_UDP
    ip = dpkt.ip.IP(
        src=socket.inet_aton(src),
        dst=socket.inet_aton(dst),
        ttl=ttl,
        p=proto,
        df=1,
        data=seg,
    )
    ip.len = 20 + len(bytes(seg))
    eth = dpkt.ethernet.Ethernet(dst=b"\x00" * 6, src=b"\x00" * 6, type=dpkt.ethernet.ETH_TYPE_IP, data=ip)
    return bytes(eth)  # dpkt fills the IPv4 header checksum and the TCP/UDP pseudo-header checksum


@dataclass(frozen=True, slots=True)
class Layer:
    """One layer of a frame.  The header is ``[start, header_end)``; what it carries runs to ``end``."""

    key: Literal["ethernet", "ipv4", "tcp", "udp", "payload", "unknown"]
    name: str
    osi: tuple[int, ...]
    osi_name: str
    tcpip_name: str
    start: int
    header_end: int
    end: int
    fields: tuple[tuple[str, str], ...]

    @property
    def header_bytes(self) -> int:
        return self.header_end - self.start

    @property
    def osi_text(self) -> str:
        return f"{self.osi[0]}-{self.osi[-1]}" if len(self.osi) > 1 else str(self.osi[0])

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "osi": list(self.osi),
            "osi_name": self.osi_name,
            "tcpip_name": self.tcpip_name,
            "start": self.start,
            "header_end": self.header_end,
            "end": self.end,
            "header_bytes": self.header_bytes,
            "fields": dict(self.fields),
        }


def _mac(b: bytes) -> str:
    return ":".join(f"{x:02x}" for x in b)


_TCP_FLAGS = (
    (dpkt.tcp.TH_FIN, "FIN"),
    (dpkt.tcp.TH_SYN, "SYN"),
    (dpkt.tcp.TH_RST, "RST"),
    (dpkt.tcp.TH_PUSH, "PSH"),
    (dpkt.tcp.TH_ACK, "ACK"),
    (dpkt.tcp.TH_URG, "URG"),
)


def _payload_layer(data: bytes, start: int, end: int) -> Layer:
    text = data.decode("utf-8", "replace")
    shown = text if len(text) <= 40 else text[:37] + "…"
    return Layer(
        "payload",
        "Application data",
        (5, 6, 7),
        "session / presentation / application",
        "application",
        start,
        end,
        end,
        (("length", f"{len(data)} B"), ("text", repr(shown))),
    )


def layers(frame: bytes) -> list[Layer]:
    """Take an Ethernet frame apart, outermost layer first (Ethernet, IPv4, TCP/UDP, payload)."""
    if len(frame) < ETH_HEADER_BYTES:
        raise ValueError(f"a frame of {len(frame)} bytes is shorter than an Ethernet header (14 bytes)")
    try:
        eth = dpkt.ethernet.Ethernet(frame)
    except (dpkt.UnpackError, dpkt.NeedData) as exc:
        raise ValueError(f"not an Ethernet frame: {exc}") from exc
    n = len(frame)
    out = [
        Layer(
            "ethernet",
            "Ethernet II",
            (2,),
            "data link",
            "link",
            0,
            ETH_HEADER_BYTES,
            n,
            (
                ("dst MAC", _mac(eth.dst)),
                ("src MAC", _mac(eth.src)),
                ("type", f"0x{eth.type:04x}" + (" (IPv4)" if eth.type == dpkt.ethernet.ETH_TYPE_IP else "")),
            ),
        )
    ]
    ip = eth.data
    if not isinstance(ip, dpkt.ip.IP):
        out.append(Layer("unknown", "Unknown", (3,), "network", "internet", ETH_HEADER_BYTES, n, n, ()))
        return out
    ip_start = ETH_HEADER_BYTES
    ip_end = ip_start + int(ip.hl) * 4
    ip_total_end = min(n, ip_start + int(ip.len))
    proto_names = {dpkt.ip.IP_PROTO_TCP: "TCP", dpkt.ip.IP_PROTO_UDP: "UDP"}
    flags = [name for on, name in ((ip.df, "DF"), (ip.mf, "MF")) if on]
    out.append(
        Layer(
            "ipv4",
            "IPv4",
            (3,),
            "network",
            "internet",
            ip_start,
            ip_end,
            ip_total_end,
            (
                ("src", socket.inet_ntoa(ip.src)),
                ("dst", socket.inet_ntoa(ip.dst)),
                ("proto", f"{ip.p} ({proto_names.get(ip.p, '?')})"),
                ("ttl", str(ip.ttl)),
                ("total length", f"{ip.len} B"),
                ("id", str(ip.id)),
                ("flags", ",".join(flags) or "-"),
                ("checksum", f"0x{ip.sum:04x}"),
            ),
        )
    )
    seg = ip.data
    if isinstance(seg, dpkt.tcp.TCP):
        # netsim.lessons.handshake.capture's spans (the hex colouring of the handshake panel) give the TCP ranges.
        spans = {name: (s, e) for name, s, e in layer_spans(frame[:ip_total_end])}
        t_start, t_end = spans["tcp"]
        flag_text = ",".join(name for bit, name in _TCP_FLAGS if seg.flags & bit) or "-"
        out.append(
            Layer(
                "tcp",
                "TCP",
                (4,),
                "transport",
                "transport",
                t_start,
                t_end,
                ip_total_end,
                (
                    ("src port", str(seg.sport)),
                    ("dst port", str(seg.dport)),
                    ("flags", flag_text),
                    ("seq", str(seg.seq)),
                    ("ack", str(seg.ack)),
                    ("window", str(seg.win)),
                    ("header", f"{int(seg.off) * 4} B"),
                    ("checksum", f"0x{seg.sum:04x}"),
                ),
            )
        )
        data, p_start = bytes(seg.data), t_end
    elif isinstance(seg, dpkt.udp.UDP):
        u_end = ip_end + 8
        out.append(
            Layer(
                "udp",
                "UDP",
                (4,),
                "transport",
                "transport",
                ip_end,
                u_end,
                ip_total_end,
                (
                    ("src port", str(seg.sport)),
                    ("dst port", str(seg.dport)),
                    ("length", f"{seg.ulen} B"),
                    ("checksum", f"0x{seg.sum:04x}"),
                ),
            )
        )
        data, p_start = bytes(seg.data), u_end
    else:
        out.append(
            Layer(
                "unknown",
                f"protocol {ip.p}",
                (4,),
                "transport",
                "transport",
                ip_end,
                ip_total_end,
                ip_total_end,
                (),
            )
        )
        return out
    out.append(_payload_layer(data, p_start, ip_total_end))
    return out


def checksums_ok(frame: bytes) -> bool:
    """Recompute the IPv4 and TCP/UDP checksums and compare them with the frame's."""
    eth = dpkt.ethernet.Ethernet(frame)
    ip = eth.data
    if not isinstance(ip, dpkt.ip.IP):
        return False
    got_ip, seg = ip.sum, ip.data
    got_seg = seg.sum if isinstance(seg, dpkt.tcp.TCP | dpkt.udp.UDP) else None
    ip.sum = 0
    if got_seg is not None:
        seg.sum = 0
    again = dpkt.ip.IP(bytes(ip))
    ok = again.sum == got_ip
    if got_seg is not None:
        ok = ok and again.data.sum == got_seg
    return bool(ok)


def hex_dump(frame: bytes, width: int = 16) -> list[str]:
    """``offset  hex bytes`` lines."""
    return [
        f"{i:04x}  " + " ".join(f"{b:02x}" for b in frame[i : i + width]) for i in range(0, len(frame), width)
    ]
