"""``netsim handshake``: text and JSON output, model fallback marked, step mode without a TTY."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import dpkt
import pytest

from netsim.cli import build_parser
from netsim.lessons.handshake.capture import capture_available
from netsim.lessons.handshake.cli import run

CAN_CAPTURE, WHY = capture_available()


def tcp_flags(frame: bytes) -> int:
    """The TCP flags of one captured frame (as written: Ethernet, IPv4, TCP)."""
    ip = dpkt.ethernet.Ethernet(frame).data
    assert isinstance(ip, dpkt.ip.IP) and isinstance(ip.data, dpkt.tcp.TCP)
    return int(ip.data.flags) & (dpkt.tcp.TH_SYN | dpkt.tcp.TH_ACK | dpkt.tcp.TH_FIN | dpkt.tcp.TH_RST)


def cli(argv: list[str]) -> tuple[int, str]:
    args = build_parser().parse_args(["handshake", *argv])
    out = io.StringIO()
    status = run(args, out=out, stdin=io.StringIO(""))
    return status, out.getvalue()


def test_list() -> None:
    status, out = cli(["--list"])
    assert status == 0
    assert "normal" in out and "rebind-reuseaddr" in out


def test_model_fallback_is_marked_on_every_segment() -> None:
    status, out = cli(["--no-capture", "--scenario", "refused"])
    assert status == 0
    assert "MODELLED from the state table" in out
    seg_lines = [line for line in out.splitlines() if "->" in line and "[" in line and "seq=" in line]
    assert len(seg_lines) == 2
    assert all("MODELLED (not captured)" in line for line in seg_lines)
    assert "ECONNREFUSED" in out


def test_step_without_tty_prints_each_pending_call() -> None:
    status, out = cli(["--no-capture", "--step", "--scenario", "refused"])
    assert status == 0
    assert out.count("-- next:") == 3
    assert out.index("-- next: [client] connect()") < out.index("[SYN]")


def test_json_document() -> None:
    status, out = cli(["--no-capture", "--json"])
    assert status == 0
    doc = json.loads(out)
    assert doc["scenario"] == "normal" and doc["capture"] is False
    assert doc["kernel_states"]["client"][-1] == "TIME_WAIT"
    assert sum(1 for e in doc["events"] if e["type"] == "SegmentSeen") == 11


@pytest.mark.privileged
@pytest.mark.skipif(not CAN_CAPTURE, reason=WHY)
def test_pcap_option(tmp_path: Path) -> None:
    path = tmp_path / "n.pcap"
    status, out = cli(["--pcap", str(path)])
    assert status == 0
    match = re.search(r"pcap: (\d+) captured segments", out)
    assert match, out
    # 11 as a rule; fewer when the kernel's delayed ACK rides on the next data or FIN (a busy
    # machine makes that likelier): real TCP, so the count is checked against the file, not fixed.
    with path.open("rb") as fh:
        frames = [bytes(buf) for _, buf in dpkt.pcap.Reader(fh)]
    assert len(frames) == int(match.group(1))
    assert 9 <= len(frames) <= 11
    flags = [tcp_flags(frame) for frame in frames]
    syn, ack, fin = dpkt.tcp.TH_SYN, dpkt.tcp.TH_ACK, dpkt.tcp.TH_FIN
    assert flags[:2] == [syn, syn | ack]  # the handshake opens every capture
    assert sum(1 for f in flags if f & fin) == 2  # one FIN each way


def test_conflicting_capture_flags_and_a_bad_timeout_are_refused(capsys) -> None:  # type: ignore[no-untyped-def]
    from netsim.cli import main

    assert main(["handshake", "--no-capture", "--pcap", "x.pcap"]) == 2
    assert "--no-capture cannot go with" in capsys.readouterr().err
    assert main(["handshake", "--timeout", "-1"]) == 2


def test_timeout_bounds_a_run_that_is_not_stepped(capsys) -> None:  # type: ignore[no-untyped-def]
    from netsim.cli import main

    assert main(["handshake", "--no-capture", "--scenario", "simultaneous", "--timeout", "0.01"]) == 1
    assert "did not finish within 0.01 s" in capsys.readouterr().err


def test_simultaneous_says_whether_the_fins_crossed(capsys) -> None:  # type: ignore[no-untyped-def]
    from netsim.cli import main

    main(["handshake", "--scenario", "simultaneous", "--no-capture", "--json"])
    doc = json.loads(capsys.readouterr().out)
    both_time_wait = all("TIME_WAIT" in doc["kernel_states"].get(end, []) for end in ("client", "server"))
    assert doc["fins_crossed"] is both_time_wait
    main(["handshake", "--scenario", "normal", "--no-capture", "--json"])
    assert json.loads(capsys.readouterr().out)["fins_crossed"] is None
