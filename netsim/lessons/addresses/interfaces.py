"""This machine's network cards (网卡), its default gateway and its ARP cache.

:func:`interfaces` lists the cards with MAC, addresses, prefix lengths and networks;
:func:`default_gateway` reads the kernel's routing table and says "unknown" rather than guess;
:func:`neighbours` is the ARP cache (IP -> MAC, the ARP lesson on real entries).  Nothing is sent.
"""

from __future__ import annotations

import ipaddress
import socket
import struct
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import psutil

from netsim.lessons.addresses.classify import AddressInfo, classify


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
        try:
            complete = len(f) >= 6 and int(f[2], 16) & 0x2  # ATF_COM: the MAC is known
        except ValueError:
            continue
        if complete:
            out.append(Neighbour(f[0], _normal_mac(f[3]), f[5]))
    return out
