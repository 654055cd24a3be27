"""The addresses lesson (`netsim.lessons.addresses`): classification, interfaces, ports, frames by layer, the CLI.

Only loopback is touched: one listening socket on 127.0.0.1, no name lookups.
"""

from __future__ import annotations

import io
import itertools
import json
import socket
import struct
import sys
from pathlib import Path
from typing import Any

import dpkt
import pytest

from netsim.cli import build_parser
from netsim.lab.packets import layer_spans
from netsim.lessons.addresses import (
    checksums_ok,
    classify,
    default_gateway,
    encapsulate,
    interfaces,
    layers,
    listening_sockets,
    neighbours,
    port_info,
    port_range,
    prefix_length,
    scan_listening,
)
from netsim.lessons.addresses.cli import run

LINUX = sys.platform.startswith("linux")


# ======================================================================== classify
@pytest.mark.parametrize(
    ("address", "kind", "block"),
    [
        ("127.0.0.1", "loopback", "127.0.0.0/8"),
        ("10.1.2.3", "private", "10.0.0.0/8"),
        ("172.16.0.1", "private", "172.16.0.0/12"),
        ("172.31.255.255", "private", "172.16.0.0/12"),
        ("192.168.16.67", "private", "192.168.0.0/16"),
        ("172.32.0.1", "global", ""),
        ("172.15.255.255", "global", ""),
        ("0.0.0.0", "unspecified", "0.0.0.0/32"),
        ("::", "unspecified", "::/128"),
        ("::1", "loopback", "::1/128"),
        ("8.8.8.8", "global", ""),
        ("169.254.1.2", "link-local", "169.254.0.0/16"),
        ("fe80::1", "link-local", "fe80::/10"),
        ("fd00::2", "private", "fc00::/7"),
        ("224.0.0.251", "multicast", "224.0.0.0/4"),
        ("ff02::1", "multicast", "ff00::/8"),
        ("255.255.255.255", "broadcast", "255.255.255.255/32"),
        ("192.0.2.2", "documentation", "192.0.2.0/24"),
        ("2001:db8::1", "documentation", "2001:db8::/32"),
        ("100.64.0.1", "shared", "100.64.0.0/10"),
        ("2001:4860:4860::8888", "global", "2000::/3"),
        ("240.0.0.1", "reserved", "240.0.0.0/4"),
    ],
)
def test_classify_the_lessons_examples(address: str, kind: str, block: str) -> None:
    info = classify(address)
    assert info.kind == kind
    assert info.block == block
    assert info.version == (6 if ":" in address else 4)
    assert info.description.startswith(info.address)


def test_private_blocks_are_named_as_rfc_1918_names_them() -> None:
    # The lesson calls 172.16/12 the "16-bit block" and 192.168/16 the "8-bit block"; RFC 1918 says
    # 20-bit and 16-bit (the number of host bits).
    assert "24-bit" in classify("10.0.0.1").block_name
    assert "20-bit" in classify("172.20.0.1").block_name
    assert "16-bit" in classify("192.168.0.1").block_name
    assert "NAT" in classify("192.168.16.67").description


def test_classify_with_prefix_zone_and_mapped() -> None:
    info = classify("192.168.1.5/24")
    assert (info.address, info.network, info.netmask) == ("192.168.1.5", "192.168.1.0/24", "255.255.255.0")
    assert classify("fe80::1%eth0").kind == "link-local"
    mapped = classify("::ffff:192.168.1.1")
    assert mapped.kind == "ipv4-mapped" and mapped.mapped is not None and mapped.mapped.kind == "private"
    assert classify("  10.0.0.1 ").address == "10.0.0.1"


@pytest.mark.parametrize("bad", ["", "garbage", "256.1.1.1", "1.2.3", "192.168.1.1.1", "::g", "1.2.3.4/33"])
def test_malformed_addresses_raise_a_clear_value_error(bad: str) -> None:
    with pytest.raises(ValueError, match="address"):
        classify(bad)


def test_prefix_length() -> None:
    assert prefix_length("255.255.255.0") == 24
    assert prefix_length("255.0.0.0") == 8
    assert prefix_length("0.0.0.0") == 0
    assert prefix_length("ffff:ffff:ffff:ffff::") == 64
    assert prefix_length("255.255.0.255") is None
    assert prefix_length("nonsense") is None


# ====================================================================== interfaces
@pytest.mark.skipif(not LINUX, reason="the loopback interface is called lo on Linux")
def test_interfaces_include_lo_with_127_0_0_1_slash_8() -> None:
    found = {i.name: i for i in interfaces()}
    lo = found["lo"]
    assert lo.up and lo.loopback
    v4 = [a for a in lo.addresses if a.family == "IPv4"]
    assert any(a.with_prefix == "127.0.0.1/8" and a.network == "127.0.0.0/8" for a in v4)
    assert all(a.info.kind == "loopback" for a in v4)
    assert interfaces()[0].loopback  # loopback first


def test_gateway_is_read_from_the_routing_table_or_unknown(tmp_path: Path) -> None:
    route = tmp_path / "route"
    route.write_text(
        "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
        "eth0\t00000000\t0110A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n"
        "wlan0\t00000000\t0100000A\t0003\t0\t0\t600\t00000000\t0\t0\t0\n"
        "eth0\t0010A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0\n"
    )
    gw = default_gateway(route_file=route)
    assert (gw.address, gw.interface, gw.known) == ("192.168.16.1", "eth0", True)
    route.write_text(route.read_text().splitlines()[0] + "\n")
    none = default_gateway(route_file=route)
    assert none.address is None and "unknown" in none.source
    missing = default_gateway(route_file=tmp_path / "nope")
    assert missing.address is None and "unknown" in missing.source


def test_ipv6_gateway_and_arp_cache_are_parsed(tmp_path: Path) -> None:
    route6 = tmp_path / "ipv6_route"
    zero = "0" * 32
    route6.write_text(
        f"{zero} 00 {zero} 00 fd000000000000000000000000000001 00000400 00000002 00000000 00000003     eth0\n"
        f"{zero} 00 {zero} 00 {zero} ffffffff 00000001 00000000 00200200       lo\n"
    )
    gw = default_gateway(6, route_file=route6)
    assert (gw.address, gw.interface) == ("fd00::1", "eth0")
    arp = tmp_path / "arp"
    arp.write_text(
        "IP address       HW type     Flags       HW address            Mask     Device\n"
        "192.168.16.1     0x1         0x2         02:FC:00:00:00:05     *        eth0\n"
        "192.168.16.9     0x1         0x0         00:00:00:00:00:00     *        eth0\n"
    )
    (entry,) = neighbours(arp_file=arp)
    assert (entry.address, entry.mac, entry.interface) == ("192.168.16.1", "02:fc:00:00:00:05", "eth0")


def test_real_gateway_is_an_address_or_says_unknown() -> None:
    gw = default_gateway()
    if gw.address is not None:
        assert classify(gw.address).version == 4
    else:
        assert "unknown" in gw.source


# =========================================================================== ports
def test_port_ranges() -> None:
    assert port_range(0) == port_range(80) == port_range(1023) == "well-known"
    assert port_range(1024) == port_range(8000) == port_range(49151) == "registered"
    assert port_range(49152) == port_range(65535) == "dynamic"
    for bad in (-1, 65536):
        with pytest.raises(ValueError, match="0-65535"):
            port_range(bad)


def test_port_info_reads_this_kernels_limits() -> None:
    info = port_info(9001)
    assert info.range_class == "registered" and info.good_for_lab_server
    lo, hi = info.ephemeral
    assert 0 < lo <= hi <= 65535
    if LINUX and Path("/proc/sys/net/ipv4/ip_local_port_range").exists():
        assert info.ephemeral_source == "/proc/sys/net/ipv4/ip_local_port_range"
        start = int(Path("/proc/sys/net/ipv4/ip_unprivileged_port_start").read_text())
        assert info.unprivileged_start == start
        assert port_info(22).privileged == (start > 22)
        assert port_info(lo).in_ephemeral and not port_info(lo).good_for_lab_server
    assert not port_info(0).privileged  # port 0 means "choose one for me"
    assert "0-1023" in port_info(80).description


def test_service_names_come_from_the_local_database() -> None:
    info = port_info(22)
    assert info.service_tcp in (None, "ssh")  # None only where /etc/services is missing
    assert port_info(9).range_class == "well-known"


def test_a_socket_listening_on_127_0_0_1_is_listed_and_explained() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        mine = [s for s in listening_sockets() if s.port == port]
        assert mine and mine[0].transport == "tcp" and mine[0].address == "127.0.0.1"
        assert mine[0].endpoint == f"127.0.0.1:{port}"
        scan = scan_listening()
        info = port_info(port, scan=scan)
        assert [s.port for s in info.listeners] == [port]
        if info.listeners[0].pid is not None:
            assert info.listeners[0].process  # our own process is visible to us
        assert "Listening now" in info.description
    assert not [s for s in listening_sockets(udp=False) if s.port == port and s.address == "127.0.0.1"]


def test_a_bound_udp_socket_counts_as_listening() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        assert any(s.port == port and s.transport == "udp" for s in listening_sockets())
        assert not any(s.port == port for s in listening_sockets(udp=False))


# ========================================================================== layers
def ones_complement_sum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\x00"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return int(total)


@pytest.mark.parametrize("payload", [b"hello", b"", b"x" * 1000, "你好".encode()])
def test_tcp_frame_round_trips_and_lengths_add_up(payload: bytes) -> None:
    frame = encapsulate(payload, src_port=50000, dst_port=9001)
    assert len(frame) == 14 + 20 + 20 + len(payload)
    eth = dpkt.ethernet.Ethernet(frame)
    assert eth.src == eth.dst == b"\x00" * 6 and eth.type == dpkt.ethernet.ETH_TYPE_IP
    ip = eth.data
    assert isinstance(ip, dpkt.ip.IP) and ip.len == 20 + 20 + len(payload) and ip.df
    assert socket.inet_ntoa(ip.src) == socket.inet_ntoa(ip.dst) == "127.0.0.1"
    tcp = ip.data
    assert isinstance(tcp, dpkt.tcp.TCP)
    assert (tcp.sport, tcp.dport, bytes(tcp.data)) == (50000, 9001, payload)
    # Checksums computed here, independently of dpkt: a correct one sums to 0xFFFF.
    assert ones_complement_sum(frame[14:34]) == 0xFFFF
    pseudo = ip.src + ip.dst + struct.pack("!BBH", 0, 6, 20 + len(payload))
    assert ones_complement_sum(pseudo + frame[34:]) == 0xFFFF
    assert checksums_ok(frame)


def test_udp_frame_round_trips_and_lengths_add_up() -> None:
    frame = encapsulate(b"hello", src_port=50000, dst_port=9001, transport="udp")
    assert len(frame) == 14 + 20 + 8 + 5
    udp = dpkt.ethernet.Ethernet(frame).data.data
    assert isinstance(udp, dpkt.udp.UDP) and udp.ulen == 13 and bytes(udp.data) == b"hello"
    pseudo = frame[26:34] + struct.pack("!BBH", 0, 17, 13)
    assert ones_complement_sum(pseudo + frame[34:]) == 0xFFFF
    assert checksums_ok(frame)


def test_a_corrupted_frame_fails_the_checksum() -> None:
    frame = bytearray(encapsulate(b"hello", src_port=50000, dst_port=9001))
    frame[-1] ^= 0x01
    assert not checksums_ok(bytes(frame))


def test_layers_name_osi_and_tcpip_and_cover_the_frame() -> None:
    frame = encapsulate(b"hello", src_port=50000, dst_port=9001)
    found = layers(frame)
    assert [x.key for x in found] == ["ethernet", "ipv4", "tcp", "payload"]
    assert [x.osi for x in found] == [(2,), (3,), (4,), (5, 6, 7)]
    assert [x.osi_name for x in found][:3] == ["data link", "network", "transport"]
    assert [x.tcpip_name for x in found] == ["link", "internet", "transport", "application"]
    assert [x.header_bytes for x in found] == [14, 20, 20, 5]
    # Headers tile the frame; each layer carries everything after its header (nesting).
    assert found[0].start == 0 and found[-1].header_end == len(frame)
    for outer, inner in itertools.pairwise(found):
        assert outer.header_end == inner.start and outer.end >= inner.end
    # Same ranges as the capture module's colouring of the hex dump.
    assert [(x.key, x.start, x.header_end) for x in found] == list(layer_spans(frame))
    fields = {x.key: dict(x.fields) for x in found}
    assert fields["ipv4"]["src"] == "127.0.0.1" and fields["ipv4"]["ttl"] == "64"
    assert fields["ipv4"]["proto"] == "6 (TCP)"
    assert fields["tcp"]["dst port"] == "9001" and fields["tcp"]["flags"] == "PSH,ACK"
    assert fields["payload"]["text"] == "'hello'"


def test_udp_layers() -> None:
    found = layers(encapsulate(b"hi", src_port=5, dst_port=9001, transport="udp"))
    assert [x.key for x in found] == ["ethernet", "ipv4", "udp", "payload"]
    assert [x.header_bytes for x in found] == [14, 20, 8, 2]
    assert dict(found[2].fields)["length"] == "10 B"


def test_encapsulate_and_layers_reject_bad_input() -> None:
    with pytest.raises(ValueError, match="does not fit"):
        encapsulate(b"x" * 65500, src_port=1, dst_port=2)
    with pytest.raises(ValueError, match="0-65535"):
        encapsulate(b"", src_port=70000, dst_port=2)
    with pytest.raises(ValueError, match="transport"):
        encapsulate(b"", src_port=1, dst_port=2, transport="sctp")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="shorter"):
        layers(b"\x00" * 5)
    assert [x.key for x in layers(b"\x00" * 12 + b"\x86\xdd" + b"\x00" * 4)] == ["ethernet", "unknown"]


# ============================================================================= CLI
def cli(argv: list[str]) -> tuple[int, str]:
    args = build_parser().parse_args(["addresses", *argv])
    out = io.StringIO()
    status = run(args, out=out)
    return status, out.getvalue()


@pytest.mark.skipif(not LINUX, reason="the loopback interface is called lo on Linux")
def test_cli_without_options_prints_the_interfaces() -> None:
    status, out = cli([])
    assert status == 0
    assert "lo: UP" in out and "127.0.0.1/8" in out and "default gateway IPv4" in out


def test_cli_json() -> None:
    status, out = cli(
        ["--json", "--classify", "192.168.16.67", "8.8.8.8", "--port", "9001", "--layers", "hello"]
    )
    assert status == 0
    doc: dict[str, Any] = json.loads(out)
    assert [c["kind"] for c in doc["classify"]] == ["private", "global"]
    assert doc["classify"][0]["block"] == "192.168.0.0/16"
    assert doc["ports"][0]["range_class"] == "registered"
    lay = doc["layers"]
    assert lay["frame_bytes"] == 59 and len(bytes.fromhex(lay["hex"])) == 59
    assert [x["key"] for x in lay["layers"]] == ["ethernet", "ipv4", "tcp", "payload"]
    assert "interfaces" not in doc


def test_cli_json_interfaces_and_udp_layers() -> None:
    status, out = cli(["--json"])
    doc = json.loads(out)
    assert status == 0 and doc["interfaces"] and len(doc["gateways"]) == 2
    status, out = cli(["--json", "--layers", "hello", "--udp"])
    assert [x["key"] for x in json.loads(out)["layers"]["layers"]][2] == "udp"


def test_cli_text_and_errors() -> None:
    status, out = cli(["--classify", "garbage", "127.0.0.1"])
    assert status == 2
    assert "garbage: error" in out and "127.0.0.1: IPv4 loopback" in out
    status, out = cli(["--layers", "hello"])
    assert status == 0 and "[OSI 2 data link | TCP/IP link] Ethernet II" in out and "68 65 6c 6c 6f" in out
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        status, out = cli(["--port", str(port), "--listening"])
        assert status == 0 and f"127.0.0.1:{port}" in out and "listening sockets:" in out
    status, out = cli(["--port", "70000"])
    assert status == 2 and "outside 0-65535" in out


# ================================================================ lesson's names
@pytest.mark.parametrize(
    ("address", "lesson", "rfc_bits"),
    [("10.9.8.7", "24位块", 24), ("172.20.1.1", "16位块", 20), ("192.168.16.67", "8位块", 16)],
)
def test_private_blocks_carry_the_lessons_name_and_rfc_1918s(
    address: str, lesson: str, rfc_bits: int
) -> None:
    info = classify(address)
    assert info.lesson_block == lesson
    assert info.rfc_host_bits == rfc_bits
    doc = info.to_dict()
    assert doc["lesson_block"] == lesson and doc["rfc_host_bits"] == rfc_bits
    assert f"{rfc_bits}-bit block" in info.description
    out = io.StringIO()
    parser = build_parser()
    assert run(parser.parse_args(["addresses", "--classify", address]), out=out) == 0
    text = out.getvalue()
    assert lesson in text and f"RFC 1918 {rfc_bits}-bit block" in text and f"{rfc_bits}位块" in text


def test_only_the_private_blocks_have_a_lesson_name() -> None:
    for address in ("8.8.8.8", "127.0.0.1", "fd00::1", "100.64.0.1"):
        info = classify(address)
        assert info.lesson_block == "" and info.rfc_host_bits is None and info.names_note == ""
