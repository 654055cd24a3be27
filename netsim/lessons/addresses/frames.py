"""A frame built and taken apart by layer (OSI / TCP-IP), in memory.

:func:`encapsulate` builds a real Ethernet/IPv4/TCP-or-UDP frame around a payload (as a loopback
frame would be: zero MACs, 127.0.0.1 to itself) and :func:`layers` takes a frame apart into layers
with byte ranges and key fields.  Nothing is sent.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from typing import Any, Literal

import dpkt

from netsim.lab.packets import ETH_HEADER_BYTES, layer_spans
from netsim.lessons.addresses.ports import port_range

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
