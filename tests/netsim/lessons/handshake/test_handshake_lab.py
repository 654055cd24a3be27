"""Handshake scenarios on real loopback sockets: kernel states, modelled and captured segments."""

from __future__ import annotations

import errno
import shutil
import subprocess
from pathlib import Path

import dpkt
import pytest

from netsim.core.events import CallPending, SocketCalled, SocketFailed, TcpStateChanged
from netsim.lessons.handshake.capture import capture_available
from netsim.lessons.handshake.kstate import classify, parse_proc_net_tcp
from netsim.lessons.handshake.lab import SCENARIOS, HandshakeLab
from netsim.lessons.handshake.tcpstate import SegmentSeen, StateModelled

CAN_CAPTURE, WHY = capture_available()
needs_capture = pytest.mark.skipif(not CAN_CAPTURE, reason=WHY)

NORMAL_FLAGS = [
    "SYN",
    "SYN/ACK",
    "ACK",
    "PSH/ACK",
    "ACK",
    "PSH/ACK",
    "ACK",
    "FIN/ACK",
    "ACK",
    "FIN/ACK",
    "ACK",
]


def run(name: str, *, capture: bool | None, settle_timeout_s: float = 1.0) -> HandshakeLab:
    with HandshakeLab(name, capture=capture, settle_timeout_s=settle_timeout_s) as lab:
        lab.start()
        assert lab.wait(15.0)
    return lab


def kernel_states(lab: HandshakeLab, endpoint: str) -> list[str]:
    return [e.state for e in lab.recorder.events if isinstance(e, TcpStateChanged) and e.endpoint == endpoint]


def segments(lab: HandshakeLab) -> list[SegmentSeen]:
    return [e for e in lab.recorder.events if isinstance(e, SegmentSeen)]


def check_seq_ack_consistent(segs: list[SegmentSeen]) -> None:
    """Every segment's seq is what its sender has sent so far; every ACK is what the other side sent."""
    sent = {"client": 0, "server": 0}
    for s in segs:
        other = "server" if s.endpoint == "client" else "client"
        assert s.rel_seq == sent[s.endpoint], s
        if s.flag_text != "SYN":
            assert s.rel_ack == sent[other], s
        sent[s.endpoint] += s.payload_len + (1 if "SYN" in s.flag_text or "FIN" in s.flag_text else 0)


def test_parse_proc_net_tcp_and_classify() -> None:
    text = (
        "  sl  local_address rem_address   st tx_queue rx_queue\n"
        "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000\n"
        "   1: 0100007F:1F90 0100007F:A000 08 00000000:00000000\n"
        "   2: 0100007F:A000 0100007F:1F90 05 00000000:00000000\n"
        "   3: 0100007F:B000 0100007F:1F90 06 00000000:00000000\n"
    )
    conns = parse_proc_net_tcp(text)
    assert conns[0].local == ("127.0.0.1", 8080) and conns[0].state == "LISTEN"
    rows = classify(conns, 8080, 0xA000, server_seen=True)
    assert rows["server"] is not None and rows["server"].state == "CLOSE_WAIT"
    assert rows["client"] is not None and rows["client"].state == "FIN_WAIT2"  # not the 0xB000 one
    assert rows["listener"] is conns[0]
    assert classify(conns[:1], 8080, None, server_seen=False)["server"] is conns[0]


def test_normal_without_capture_models_segments_and_observes_kernel_states() -> None:
    lab = run("normal", capture=False)
    assert lab.ok and not lab.capturing
    segs = segments(lab)
    assert [s.flag_text for s in segs] == NORMAL_FLAGS
    assert not any(s.captured or s.frame for s in segs)  # never pretend a modelled segment was captured
    check_seq_ack_consistent(segs)
    client, server = kernel_states(lab, "client"), kernel_states(lab, "server")
    assert "LISTEN" in server and "ESTABLISHED" in server and "CLOSE_WAIT" in server
    assert "ESTABLISHED" in client and "FIN_WAIT2" in client
    assert client[-1] == "TIME_WAIT"  # the side that closed first
    modelled = [e for e in lab.recorder.events if isinstance(e, StateModelled)]
    assert ("client", "FIN-WAIT-2", "TIME-WAIT") in {(m.endpoint, m.prev, m.next) for m in modelled}
    with pytest.raises(Exception, match="capture"):
        lab.write_pcap("/nonexistent/never-written.pcap")


@pytest.mark.privileged
@needs_capture
def test_normal_with_capture_matches_the_textbook_and_writes_pcap(tmp_path: Path) -> None:
    lab = run("normal", capture=True)
    assert lab.ok and lab.capturing
    segs = segments(lab)
    assert [s.flag_text for s in segs] == NORMAL_FLAGS
    assert all(s.captured and s.frame and s.window >= 0 for s in segs)
    check_seq_ack_consistent(segs)
    assert [s.payload for s in segs if s.payload] == [b"hello", b"world!"]
    assert segs[7].cause == "client close()" and segs[9].cause == "server close()"
    assert kernel_states(lab, "client")[-1] == "TIME_WAIT"
    path = tmp_path / "normal.pcap"
    assert lab.write_pcap(str(path)) == len(NORMAL_FLAGS)
    with path.open("rb") as fh:
        frames = [buf for _, buf in dpkt.pcap.Reader(fh)]
    assert frames == [s.frame for s in segs]
    tshark = shutil.which("tshark")
    if tshark:
        out = subprocess.run(
            [
                tshark,
                "-r",
                str(path),
                "-T",
                "fields",
                "-e",
                "tcp.flags.str",
                "-e",
                "tcp.seq",
                "-e",
                "tcp.ack",
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        ).stdout.split("\n")
        assert len([line for line in out if line.strip()]) == len(NORMAL_FLAGS)


def test_refused_is_rst_and_econnrefused() -> None:
    lab = run("refused", capture=None)
    assert lab.ok
    fails = [e for e in lab.recorder.events if isinstance(e, SocketFailed)]
    assert [(f.call, f.errno) for f in fails] == [("connect()", errno.ECONNREFUSED)]
    assert [s.flag_text for s in segments(lab)] == ["SYN", "RST/ACK"]


def test_close_with_unread_data_resets() -> None:
    lab = run("reset", capture=None)
    assert lab.ok
    assert [s.flag_text for s in segments(lab)][-1] == "RST/ACK"
    fails = [e for e in lab.recorder.events if isinstance(e, SocketFailed)]
    assert [(f.endpoint, f.errno) for f in fails] == [("client", errno.ECONNRESET)]


def test_server_closing_first_holds_time_wait() -> None:
    lab = run("server-closes", capture=None)
    assert lab.ok
    assert kernel_states(lab, "server")[-1] == "TIME_WAIT"
    assert "CLOSE_WAIT" in kernel_states(lab, "client")


@pytest.mark.parametrize(("name", "bind_ok"), [("rebind", False), ("rebind-reuseaddr", True)])
def test_rebinding_a_port_in_time_wait(name: str, bind_ok: bool) -> None:
    lab = run(name, capture=None)
    assert lab.ok
    assert "TIME_WAIT" in kernel_states(lab, "server")
    binds = [e for e in lab.recorder.events if getattr(e, "call", "") == "bind()" and e.endpoint == "server"]
    first, second = binds
    assert isinstance(first, SocketCalled)
    if bind_ok:
        assert isinstance(second, SocketCalled) and second.result == first.result  # same port
    else:
        assert isinstance(second, SocketFailed) and second.errno == errno.EADDRINUSE
        assert "EADDRINUSE" in second.message


def test_data_both_ways_advances_seq_by_payload() -> None:
    lab = run("data", capture=None)
    assert lab.ok
    segs = segments(lab)
    check_seq_ack_consistent(segs)
    data = [s for s in segs if s.payload_len]
    assert [s.payload_len for s in data] == [6, 11, 7, 17, 3]
    assert "FIN_WAIT2" in kernel_states(lab, "client")


def test_simultaneous_close_runs_and_reports_what_really_happened() -> None:
    lab = run("simultaneous", capture=None, settle_timeout_s=0.3)
    assert lab.ok
    finals = {kernel_states(lab, e)[-1] for e in ("client", "server")}
    assert "TIME_WAIT" in finals
    model = [(e.endpoint, e.next) for e in lab.recorder.events if isinstance(e, StateModelled)]
    assert ("client", "CLOSING") in model and ("server", "CLOSING") in model


def test_step_mode_releases_one_call_per_step_in_script_order() -> None:
    scenario = SCENARIOS["normal"]
    with HandshakeLab("normal", capture=False, stepping=True) as lab:
        lab.start()
        released = []
        while not lab.finished:
            assert lab.wait_idle(5.0)
            p = lab.step()
            if p is not None:
                released.append((p.endpoint, p.call))
        assert lab.ok
    assert released == [(s.endpoint, s.label()) for s in scenario.steps]
    pending = [e for e in lab.recorder.events if isinstance(e, CallPending)]
    assert len(pending) == len(scenario.steps)


def test_closing_mid_run_unwinds_every_thread_and_socket() -> None:
    lab = HandshakeLab("normal", capture=None, stepping=True)
    lab.start()
    for _ in range(6):  # up to connect(); the server is blocked in accept()
        assert lab.wait_idle(5.0)
        lab.step()
    assert lab.wait_idle(5.0)
    lab.close()
    assert lab.finished and not lab.ok


def test_unknown_scenario() -> None:
    with pytest.raises(ValueError, match="unknown scenario"):
        HandshakeLab("nope")
