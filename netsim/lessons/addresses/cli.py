"""``netsim addresses``: this machine's interfaces, what an address or a port is, a frame's layers.

With no option it prints the interfaces (name, up/down, MAC, addresses with prefix and kind)
and the default gateways.  ``--classify``, ``--port``, ``--listening`` and ``--layers`` print
those parts instead (several may be combined); ``--json`` prints one JSON document.  Nothing
is sent on the network, except that ``--resolve`` asks the system's resolver (in a child
process killed at ``--timeout``).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, TextIO

from netsim.lessons.addresses import (
    AddressInfo,
    Interface,
    Layer,
    ListeningScan,
    PortInfo,
    classify,
    default_gateway,
    encapsulate,
    hex_dump,
    interfaces,
    layers,
    neighbours,
    port_info,
    scan_listening,
)
from netsim.lessons.addresses.names import BIND_CHOICES, DEFAULT_TIMEOUT_S, Resolution, resolve

DEFAULT_SRC_PORT = 50000
DEFAULT_DST_PORT = 9001


def register(sub: Any) -> None:
    p = sub.add_parser(
        "addresses",
        help="interfaces, address kinds, ports and a frame's layers on this machine",
        description="The lesson's network basics on this machine's real data: network cards, MAC and IP "
        "addresses, netmasks, the default gateway, what kind an address is (loopback, private, public…), "
        "what a port is and who listens on it, a real Ethernet/IPv4/TCP frame taken apart by layer, and what a domain name resolves to. "
        "With no option, prints the interfaces.",
    )
    p.add_argument(
        "--classify", nargs="+", action="extend", default=[], metavar="ADDR", help="classify addresses"
    )
    p.add_argument(
        "--port", nargs="+", action="extend", type=int, default=[], metavar="N", help="explain ports"
    )
    p.add_argument("--listening", action="store_true", help="list the sockets listening now")
    p.add_argument(
        "--layers", metavar="TEXT", help="build a loopback frame carrying TEXT and show its layers"
    )
    p.add_argument("--udp", action="store_true", help="with --layers: UDP instead of TCP")
    p.add_argument("--src-port", type=int, default=DEFAULT_SRC_PORT, help="with --layers: source port")
    p.add_argument("--dst-port", type=int, default=DEFAULT_DST_PORT, help="with --layers: destination port")
    p.add_argument(
        "--resolve",
        nargs="+",
        action="extend",
        default=[],
        metavar="NAME",
        help="resolve domain names with getaddrinfo (A and AAAA) and say which answers came from "
        "/etc/hosts and which from the resolver in /etc/resolv.conf; also what bind() to localhost, "
        "127.0.0.1 and 0.0.0.0 means",
    )
    p.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT_S,
        metavar="S",
        help=f"with --resolve: give up after S seconds (default {DEFAULT_TIMEOUT_S:g})",
    )
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(func=run)


# =================================================================== text output
def format_interfaces(ifaces: list[Interface]) -> list[str]:
    lines = []
    for i in ifaces:
        state = "UP" if i.up else "down"
        mtu = f" mtu {i.mtu}" if i.mtu else ""
        lines.append(f"{i.name}: {state}{mtu}  MAC {i.mac or '-'}" + ("  (loopback)" if i.loopback else ""))
        for a in i.addresses:
            extra = f"  netmask {a.netmask}" if a.family == "IPv4" and a.netmask else ""
            extra += f"  broadcast {a.broadcast}" if a.broadcast else ""
            block = f" {a.info.block}" if a.info.block and a.info.kind != "global" else ""
            lines.append(f"    {a.family} {a.with_prefix:<28} {a.info.kind}{block}{extra}")
        if not i.addresses:
            lines.append("    (no IP address)")
    return lines


def format_gateways() -> list[str]:
    lines = []
    arp = {n.address: n for n in neighbours()}
    for version in (4, 6):
        gw = default_gateway(version)
        if gw.address is None:
            lines.append(f"default gateway IPv{version}: {gw.source}")
            continue
        mac = f"  MAC {arp[gw.address].mac} (ARP cache)" if gw.address in arp else ""
        lines.append(f"default gateway IPv{version}: {gw.address} via {gw.interface}{mac}")
    return lines


def format_address(info: AddressInfo) -> list[str]:
    lines = [f"{info.address}: IPv{info.version} {info.kind}" + (f" ({info.block})" if info.block else "")]
    if info.network:
        lines.append(f"    network {info.network}  netmask {info.netmask}")
    if info.lesson_block:
        lines.append("    " + block_names_line(info))
    if info.mapped:
        lines.append(f"    carries IPv4 {info.mapped.address}: {info.mapped.kind}")
    lines.append(f"    {info.description}")
    return lines


def block_names_line(info: AddressInfo) -> str:
    """The lesson's name and RFC 1918's for a private block, in English and Chinese."""
    bits = info.rfc_host_bits
    lesson_en = info.lesson_block.replace("位块", "-bit block")
    return (
        f"names: lesson {info.lesson_block} ({lesson_en}); RFC 1918 {bits}-bit block ({bits}位块, by host bits)"
        f"  |  名称: 课程称{info.lesson_block}; RFC 1918 按主机位数称{bits}位块"
    )


def format_resolution(res: Resolution) -> list[str]:
    lines = [res.summary]
    for a in res.addresses:
        where = {"hosts": res.hosts.path, "resolver": res.resolver_text, "literal": "the name itself"}[
            a.source
        ]
        lines.append(f"    {a.record:<4} {a.family} {a.address:<40} from {where}")
    if res.truncated:
        lines.append("    (more addresses were returned; only the first ones are shown)")
    lines.append(f"    order of sources (/etc/nsswitch.conf hosts:): {' '.join(res.nsswitch)}")
    for note in (res.hosts.note, res.resolv.note):
        if note:
            lines.append(f"    note: {note}")
    return lines


def format_bind_choices() -> list[str]:
    lines = ["bind() to:"]
    for c in BIND_CHOICES:
        lines.append(f"    {c.host:<10} {c.meaning}.")
        lines.append(f"    {'':<10} who can connect: {c.who_can_connect}.")
    return lines


def format_port(info: PortInfo) -> list[str]:
    services = "/".join(sorted({s for s in (info.service_tcp, info.service_udp) if s})) or "-"
    lines = [
        f"port {info.port}: {info.range_class} (IANA {info.iana_range})  service {services}",
        f"    needs privilege to bind here: {'yes' if info.privileged else 'no'} "
        f"(unprivileged from {info.unprivileged_start}, {info.unprivileged_source})",
        f"    ephemeral range {info.ephemeral[0]}-{info.ephemeral[1]} ({info.ephemeral_source}): "
        f"{'inside' if info.in_ephemeral else 'outside'}",
    ]
    if info.listeners:
        for s in info.listeners:
            lines.append(f"    listening: {format_listener(s)}")
    else:
        lines.append("    nobody listens on it now")
    return lines


def format_listener(s: Any) -> str:
    who = f"pid {s.pid} {s.process or '?'}" if s.pid else "owner hidden"
    return f"{s.transport} {s.family} {s.endpoint:<28} {who}"


def format_listening(scan: ListeningScan) -> list[str]:
    lines = [f"listening sockets: {len(scan.sockets)}" + (f" ({scan.note})" if scan.note else "")]
    lines.extend(f"    {format_listener(s)}" for s in scan.sockets)
    return lines


def format_layers(frame: bytes, found: list[Layer]) -> list[str]:
    lines = [f"frame: {len(frame)} bytes"]
    for depth, layer in enumerate(found):
        pad = "  " * depth
        lines.append(
            f"{pad}[OSI {layer.osi_text} {layer.osi_name} | TCP/IP {layer.tcpip_name}] {layer.name}: "
            f"bytes {layer.start}-{layer.header_end - 1} ({layer.header_bytes} B)"
        )
        lines.append(f"{pad}    " + "  ".join(f"{k}={v}" for k, v in layer.fields))
        hex_part = frame[layer.start : layer.header_end].hex(" ")
        lines.append(f"{pad}    {hex_part}")
    lines.append("hex:")
    lines.extend(f"    {line}" for line in hex_dump(frame))
    return lines


# ============================================================================ run
def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    want_default = not (
        args.classify or args.port or args.listening or args.resolve or args.layers is not None
    )
    doc: dict[str, Any] = {}
    lines: list[str] = []
    status = 0
    if want_default:
        ifaces = interfaces()
        gws = [default_gateway(4), default_gateway(6)]
        doc["interfaces"] = [i.to_dict() for i in ifaces]
        doc["gateways"] = [g.to_dict() for g in gws]
        doc["neighbours"] = [n.to_dict() for n in neighbours()]
        lines += format_interfaces(ifaces) + format_gateways()
    if args.classify:
        results: list[dict[str, Any]] = []
        for text in args.classify:
            try:
                info = classify(text)
            except ValueError as exc:
                results.append({"input": text, "error": str(exc)})
                lines.append(f"{text}: error: {exc}")
                status = 2
                continue
            results.append({"input": text, **info.to_dict()})
            lines += format_address(info)
        doc["classify"] = results
    if args.resolve:
        if not 0 < args.timeout <= 60:
            print(
                f"netsim addresses: --timeout must be between 0 and 60 s, not {args.timeout}", file=sys.stderr
            )
            return 2
        resolved: list[dict[str, Any]] = []
        for name in args.resolve:
            try:
                res = resolve(name, timeout_s=args.timeout)
            except ValueError as exc:
                resolved.append({"name": name, "status": "error", "message": str(exc)})
                lines.append(f"{name}: error: {exc}")
                status = 2
                continue
            resolved.append(res.to_dict())
            lines += format_resolution(res)
            if res.status != "ok":
                status = max(status, 1)
        doc["resolve"] = resolved
        doc["bind"] = [c.to_dict() for c in BIND_CHOICES]
        lines += format_bind_choices()
    scan = scan_listening() if (args.port or args.listening) else None
    if args.port:
        ports: list[dict[str, Any]] = []
        for n in args.port:
            try:
                pinfo = port_info(n, scan=scan)
            except ValueError as exc:
                ports.append({"port": n, "error": str(exc)})
                lines.append(f"port {n}: error: {exc}")
                status = 2
                continue
            ports.append(pinfo.to_dict())
            lines += format_port(pinfo)
        doc["ports"] = ports
    if args.listening and scan is not None:
        doc["listening"] = {
            "sockets": [s.to_dict() for s in scan.sockets],
            "complete": scan.complete,
            "note": scan.note,
        }
        lines += format_listening(scan)
    if args.layers is not None:
        payload = args.layers.encode("utf-8")
        try:
            frame = encapsulate(
                payload,
                src_port=args.src_port,
                dst_port=args.dst_port,
                transport="udp" if args.udp else "tcp",
            )
        except ValueError as exc:
            print(f"netsim addresses: {exc}", file=sys.stderr)
            return 2
        found = layers(frame)
        doc["layers"] = {
            "frame_bytes": len(frame),
            "hex": frame.hex(),
            "layers": [layer.to_dict() for layer in found],
        }
        lines += format_layers(frame, found)
    if args.json:
        print(json.dumps(doc, indent=2, ensure_ascii=False), file=out)
    else:
        print("\n".join(lines), file=out)
    return status
