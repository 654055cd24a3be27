"""Frame decoding, relative numbers and pcap export; the live capture where privileged."""

from __future__ import annotations

import itertools
import os
import socket
from pathlib import Path

import dpkt
import pytest

from netsim.core.recorder import Recorder
from netsim.lab.packets import layer_spans
from netsim.lessons.handshake.capture import (
    LoopbackCapture,
    RelativeNumbers,
    capture_available,
    decode_frame,
    write_pcap,
)
from netsim.lessons.handshake.tcpstate import ACK, PSH, SYN, SegmentSeen

CAN_CAPTURE, WHY = capture_available()
privileged = pytest.mark.privileged
needs_capture = pytest.mark.skipif(not CAN_CAPTURE, reason=WHY)


def make_frame(sport: int, dport: int, flags: int, seq: int, ack: int, payload: bytes = b"") -> bytes:
    tcp = dpkt.tcp.TCP(sport=sport, dport=dport, flags=flags, seq=seq, ack=ack, win=512, data=payload)
    ip = dpkt.ip.IP(src=socket.inet_aton("127.0.0.1"), dst=socket.inet_aton("127.0.0.1"), p=6, data=tcp)
    ip.len = len(ip)
    eth = dpkt.ethernet.Ethernet(src=b"\0" * 6, dst=b"\0" * 6, type=dpkt.ethernet.ETH_TYPE_IP, data=ip)
    return bytes(eth)


def test_decode_frame_reads_the_tcp_header() -> None:
    d = decode_frame(make_frame(40000, 5000, PSH | ACK, 10, 20, b"hello"))
    assert d is not None
    assert (d.sport, d.dport, d.flags, d.seq, d.ack, d.window, d.payload) == (
        40000,
        5000,
        PSH | ACK,
        10,
        20,
        512,
        b"hello",
    )
    assert (d.ip_header_bytes, d.tcp_header_bytes) == (20, 20)


def test_decode_frame_ignores_non_tcp_and_garbage() -> None:
    assert decode_frame(b"\x00" * 5) is None
    udp = dpkt.ip.IP(src=b"\x7f\0\0\1", dst=b"\x7f\0\0\1", p=17, data=dpkt.udp.UDP(sport=1, dport=2))
    eth = dpkt.ethernet.Ethernet(type=dpkt.ethernet.ETH_TYPE_IP, data=udp)
    assert decode_frame(bytes(eth)) is None


def test_layer_spans_cover_the_frame_in_order() -> None:
    frame = make_frame(1, 2, PSH | ACK, 0, 0, b"abc")
    spans = layer_spans(frame)
    assert [s[0] for s in spans] == ["ethernet", "ipv4", "tcp", "payload"]
    assert spans[0][1] == 0 and spans[-1][2] == len(frame)
    assert all(a[2] == b[1] for a, b in itertools.pairwise(spans))
    assert frame[spans[-1][1] :] == b"abc"


def test_relative_numbers_count_from_each_directions_isn() -> None:
    rel = RelativeNumbers()
    syn = decode_frame(make_frame(1, 2, SYN, 1000, 0))
    synack = decode_frame(make_frame(2, 1, SYN | ACK, 2**32 - 1, 1001))
    data = decode_frame(make_frame(1, 2, PSH | ACK, 1001, 0, b"xy"))
    ack = decode_frame(make_frame(2, 1, ACK, 0, 1003))
    assert syn and synack and data and ack
    assert rel.relative(syn) == (0, 0)
    assert rel.relative(synack) == (0, 1)
    assert rel.relative(data) == (1, 1)  # ack 0 is ISN 2**32-1 plus 1, modulo 2**32
    assert rel.relative(ack) == (1, 3)


def seg(captured: bool, frame: bytes = b"") -> SegmentSeen:
    return SegmentSeen(
        0,
        "client",
        captured=captured,
        flags=SYN,
        seq=0,
        ack=0,
        rel_seq=0,
        rel_ack=0,
        payload_len=0,
        frame=frame,
        wall_ns=1_700_000_000_000_000_000,
    )


def test_pcap_holds_only_captured_segments(tmp_path: Path) -> None:
    frame = make_frame(1, 2, SYN, 5, 0)
    path = tmp_path / "x.pcap"
    assert write_pcap(str(path), [seg(True, frame), seg(False)]) == 1
    with path.open("rb") as fh:
        reader = dpkt.pcap.Reader(fh)
        assert reader.datalink() == dpkt.pcap.DLT_EN10MB
        packets = list(reader)
    assert len(packets) == 1
    assert packets[0][1] == frame
    assert packets[0][0] == pytest.approx(1_700_000_000.0)


def test_capture_available_says_why() -> None:
    ok, why = capture_available()
    assert isinstance(ok, bool) and why
    if os.geteuid() != 0 and ok is False:
        assert "CAP_NET_RAW" in why or "Linux" in why


@privileged
@needs_capture
def test_live_capture_sees_each_frame_once() -> None:
    rec = Recorder()
    cap = LoopbackCapture(rec)
    cap.start()
    try:
        with socket.socket() as ls:
            ls.bind(("127.0.0.1", 0))
            ls.listen()
            port = ls.getsockname()[1]
            cap.add_port(port, server=True)
            with socket.create_connection(("127.0.0.1", port)) as c:
                s, _ = ls.accept()
                with s:
                    c.sendall(b"ping")
                    assert s.recv(10) == b"ping"
            assert cap.wait_for(4, timeout_s=2.0)
    finally:
        cap.close()
    segs = cap.segments()
    flags = [x.flag_text for x in segs]
    assert flags[:4] == ["SYN", "SYN/ACK", "ACK", "PSH/ACK"]
    assert len({(x.seq, x.ack, x.flags, x.endpoint) for x in segs}) == len(segs)  # no duplicate copies
    assert all(x.captured and x.frame for x in segs)
    assert segs[0].endpoint == "client" and segs[1].endpoint == "server"
    assert segs[3].payload == b"ping" and segs[3].rel_seq == 1


def test_only_the_labs_connection_is_kept_from_everything_on_lo() -> None:
    """``lo`` carries every program's loopback traffic: a segment with just one lab port is not the lab's."""
    recorder = Recorder()
    cap = LoopbackCapture(recorder)  # not started: frames are handed in directly
    cap.add_port(5000, server=True)
    cap._handle(make_frame(40000, 5000, SYN, 100, 0), 0)  # the lab's SYN: learns the client port
    cap._handle(make_frame(5000, 40000, SYN | ACK, 900, 101), 0)
    cap._handle(make_frame(5000, 41234, PSH | ACK, 1, 1, b"x"), 0)  # someone else's: 5000 is one end only
    cap._handle(make_frame(40000, 6000, ACK, 1, 1), 0)  # the client's port number, another connection
    cap._handle(make_frame(40000, 5000, ACK, 101, 901), 0)
    segments = [e for e in recorder.events if isinstance(e, SegmentSeen)]
    assert [(s.endpoint, s.flags) for s in segments] == [
        ("client", SYN),
        ("server", SYN | ACK),
        ("client", ACK),
    ]
