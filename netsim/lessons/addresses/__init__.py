"""The addresses lesson: the network basics (网络基础) on this machine's real data.

* :mod:`.classify` — what kind an address is (loopback, RFC 1918 private, link-local…), with the
  lesson's block names beside RFC 1918's.
* :mod:`.interfaces` — network cards, default gateway, ARP cache.
* :mod:`.ports` — port ranges, this kernel's limits, services, who listens.
* :mod:`.frames` — a frame built and taken apart by layer.
* :mod:`.names` — domain names: ``getaddrinfo`` in a worker, ``/etc/hosts`` vs the resolver.

The public names are re-exported here.
"""

from __future__ import annotations

from netsim.lessons.addresses.classify import (
    KINDS,
    LESSON_BLOCK_BITS,
    LESSON_BLOCK_NAMES,
    RFC1918_HOST_BITS,
    AddressInfo,
    AddressKind,
    article,
    classify,
)
from netsim.lessons.addresses.frames import (
    LOOPBACK_V4,
    Layer,
    Transport,
    checksums_ok,
    encapsulate,
    hex_dump,
    layers,
)
from netsim.lessons.addresses.interfaces import (
    Gateway,
    Interface,
    InterfaceAddress,
    Neighbour,
    default_gateway,
    interfaces,
    neighbours,
    prefix_length,
)
from netsim.lessons.addresses.ports import (
    ListeningScan,
    ListeningSocket,
    PortInfo,
    PortRange,
    ephemeral_range,
    listening_sockets,
    port_info,
    port_range,
    scan_listening,
    service_name,
    unprivileged_port_start,
)

__all__ = [
    "KINDS",
    "LESSON_BLOCK_BITS",
    "LESSON_BLOCK_NAMES",
    "LOOPBACK_V4",
    "RFC1918_HOST_BITS",
    "AddressInfo",
    "AddressKind",
    "Gateway",
    "Interface",
    "InterfaceAddress",
    "Layer",
    "ListeningScan",
    "ListeningSocket",
    "Neighbour",
    "PortInfo",
    "PortRange",
    "Transport",
    "article",
    "checksums_ok",
    "classify",
    "default_gateway",
    "encapsulate",
    "ephemeral_range",
    "hex_dump",
    "interfaces",
    "layers",
    "listening_sockets",
    "neighbours",
    "port_info",
    "port_range",
    "prefix_length",
    "scan_listening",
    "service_name",
    "unprivileged_port_start",
]
