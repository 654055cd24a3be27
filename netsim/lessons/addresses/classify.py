"""What kind of address a string is: loopback, one of the RFC 1918 private blocks, link-local, "all
interfaces" ``0.0.0.0``/``::``, multicast, documentation, global/public…

From fixed tables of the RFC blocks rather than ``ipaddress.is_private``, whose answers changed
between Python releases.  The lesson names the three private IPv4 blocks differently from RFC 1918
(:data:`LESSON_BLOCK_NAMES`); both names are given.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any, Literal, get_args

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
KINDS: tuple[AddressKind, ...] = get_args(AddressKind)  # the kinds above, in that order

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
# The lesson (section 二) names the three private IPv4 blocks 24位块 / 16位块 / 8位块.  RFC 1918 names
# them by their host bits: 24-bit, 20-bit and 16-bit.  Only the first agrees, so both are shown.
LESSON_BLOCK_NAMES: dict[str, str] = {
    "10.0.0.0/8": "24位块",
    "172.16.0.0/12": "16位块",
    "192.168.0.0/16": "8位块",
}
RFC1918_HOST_BITS: dict[str, int] = {"10.0.0.0/8": 24, "172.16.0.0/12": 20, "192.168.0.0/16": 16}
LESSON_BLOCK_BITS: dict[str, int] = {"10.0.0.0/8": 24, "172.16.0.0/12": 16, "192.168.0.0/16": 8}

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
    def lesson_block(self) -> str:
        """The lesson's name for this private block (``"16位块"``), ``""`` outside the three blocks."""
        return LESSON_BLOCK_NAMES.get(self.block, "")

    @property
    def rfc_host_bits(self) -> int | None:
        """RFC 1918's name for the block counts its host bits: 24, 20 or 16 (``None`` elsewhere)."""
        return RFC1918_HOST_BITS.get(self.block)

    @property
    def names_note(self) -> str:
        """Where the lesson's name and RFC 1918's differ, both (English); ``""`` outside the blocks."""
        if not self.lesson_block:
            return ""
        lesson_bits, rfc_bits = LESSON_BLOCK_BITS[self.block], RFC1918_HOST_BITS[self.block]
        if lesson_bits == rfc_bits:
            return (
                f"the lesson and RFC 1918 both call it the {rfc_bits}-bit block "
                f"({self.lesson_block}: {rfc_bits} host bits)"
            )
        return (
            f"the lesson calls it the {lesson_bits}-bit block ({self.lesson_block}); RFC 1918 names "
            f"blocks by their host bits and calls it the {rfc_bits}-bit block"
        )

    @property
    def description(self) -> str:
        """One English sentence (the panel builds its own, translated)."""
        where = f" ({self.block}, {self.block_name})" if self.block else ""
        note = f"; {self.names_note}" if self.names_note else ""
        return (
            f"{self.address} is {article(self.kind)} {self.kind} IPv{self.version} address{where}: "
            f"{_EXPLAIN[self.kind]}{note}."
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "address": self.address,
            "version": self.version,
            "kind": self.kind,
            "block": self.block,
            "block_name": self.block_name,
            "lesson_block": self.lesson_block or None,
            "rfc_host_bits": self.rfc_host_bits,
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
