"""The machine's network interfaces, for choosing where the classroom server listens.

The instructor names an interface address; the server never binds every interface (0.0.0.0)
unless told to in so many words.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass

import psutil


@dataclass(frozen=True, slots=True)
class Interface:
    name: str
    address: str
    family: str  # "IPv4" / "IPv6"
    up: bool
    loopback: bool

    @property
    def bind_text(self) -> str:
        """How ``--bind`` spells this address (IPv6 in brackets)."""
        return f"[{self.address}]" if self.family == "IPv6" else self.address


def list_interfaces() -> list[Interface]:
    """Every IPv4/IPv6 address of every interface; the classroom's likely choice first
    (up, not loopback, IPv4), loopback last.  IPv6 link-local addresses are left out (they
    need a scope id a student would have to type)."""
    try:
        addrs = psutil.net_if_addrs()
        stats = psutil.net_if_stats()
    except (OSError, RuntimeError):
        return []
    out: list[Interface] = []
    for name, entries in addrs.items():
        stat = stats.get(name)
        up = bool(stat.isup) if stat is not None else False
        for entry in entries:
            if entry.family == socket.AF_INET:
                family = "IPv4"
            elif entry.family == socket.AF_INET6:
                family = "IPv6"
                if entry.address.lower().startswith("fe80") or "%" in entry.address:
                    continue
            else:
                continue
            loopback = entry.address.startswith("127.") or entry.address == "::1"
            out.append(Interface(name, entry.address, family, up, loopback))
    out.sort(key=lambda i: (i.loopback, not i.up, i.family != "IPv4", i.name, i.address))
    return out


def is_wildcard(host: str) -> bool:
    return host in ("0.0.0.0", "::", "")
