"""The sticky lab through the relay (the network in the middle): the issue's acceptance runs."""

from __future__ import annotations

import json
from typing import Any

import pytest

from netsim.cli import main
from netsim.core.events import BytesReceived, QueueSampled
from netsim.core.trace import Trace
from netsim.lab.relay import TCP_LOSS_NOTE, SegmentForwarded
from netsim.lessons.sticky import QUEUES_AVAILABLE, Scenario, StreamLab
from netsim.lessons.sticky.presets import preset

INTERNET = [
    "--count",
    "20",
    "--size",
    "4096",
    "--recv-bytes",
    "65536",
    "--mss",
    "1448",
    "--wire-delay-ms",
    "5",
]
WIFI = ["--transport", "udp", "--count", "200", "--size", "100", "--loss", "0.1", "--reorder", "0.1"]


def sticky_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    code = main(["sticky", *args, "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    summary = json.loads(out)
    assert isinstance(summary, dict)
    return summary


def test_segments_split_every_4k_message_for_a_prompt_reader(capsys: pytest.CaptureFixture[str]) -> None:
    # The issue asks for 20 of 20 messages split on 20 runs of 20 (measured by hand: see the
    # report).  Segments arrive 1.16 ms apart (the 10 Mbit/s default link); a reader thread that
    # the OS deschedules for longer than two of those gaps - on a machine loaded several times
    # over - reads a whole message in one go.  So CI asks for all 20 in one run of three and
    # nearly all in every run: a relay that did not segment (or burst its segments) fails both.
    splits = []
    for _ in range(3):
        s = sticky_json(capsys, *INTERNET)
        assert s["wire"] and s["wire_segments"] >= 57  # ceil(81920 / 1448)
        assert s["errors"] == []
        splits.append(s["split_messages"])
    assert 20 in splits and min(splits) >= 16, splits


def test_a_length_prefix_puts_the_pieces_back_together(capsys: pytest.CaptureFixture[str]) -> None:
    s = sticky_json(capsys, *INTERNET, "--framing", "length")
    assert s["split_messages"] >= 16  # the pieces are still pieces (see above)...
    assert s["app_messages_match"] is True  # ...but the application gets every message whole


def test_udp_loss_and_reordering_repeat_with_the_seed(capsys: pytest.CaptureFixture[str]) -> None:
    first = sticky_json(capsys, *WIFI, "--seed", "7")
    second = sticky_json(capsys, *WIFI, "--seed", "7")
    keys = ("lost_datagrams", "reordered_datagrams", "duplicated_datagrams", "wire_segments", "wire_dropped")
    assert first["lost_datagrams"] > 0 and first["reordered_datagrams"] > 0
    assert {k: first[k] for k in keys} == {k: second[k] for k in keys}
    assert first["wire_seed"] == 7
    assert first["lost_datagrams"] == first["wire_dropped"]  # every gap is one the relay made
    assert first["app_messages"] == 200 - first["lost_datagrams"]
    assert first["wrong_app_messages"] == 0  # late, not garbled: matched to the right message


def test_duplicates_are_recognised(capsys: pytest.CaptureFixture[str]) -> None:
    s = sticky_json(
        capsys, "--transport", "udp", "--count", "50", "--size", "20", "--dup", "0.2", "--seed", "1"
    )
    assert s["duplicated_datagrams"] == s["wire_duplicated"] > 0  # late copies waited for, too
    assert s["lost_datagrams"] == 0
    assert not s["app_messages_match"]  # the application got some messages twice


def test_no_knob_no_relay(capsys: pytest.CaptureFixture[str]) -> None:
    s = sticky_json(capsys, "--messages", "hello,world")
    assert s["wire"] is False and s["wire_segments"] == 0


def test_tcp_loss_is_refused_honestly(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sticky", "--loss", "0.1"]) == 2
    assert "TCP cannot lose bytes" in capsys.readouterr().err
    with pytest.raises(ValueError, match="TCP cannot lose bytes"):
        Scenario(reorder=0.1)
    assert "UDP only" in TCP_LOSS_NOTE


@pytest.mark.parametrize(
    "bad", [{"mss": -1}, {"mss": 70_000}, {"transport": "udp", "loss": 2.0}, {"seed": -1}]
)
def test_wire_knobs_are_validated(bad: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        Scenario(**bad)


def test_the_wire_is_in_the_trace_and_the_seed_in_the_config() -> None:
    with StreamLab(Scenario(count=4, size=3000, mss=1000, recv_bytes=65536)) as lab:
        lab.start()
        assert lab.wait(20)
    trace = Trace(lab.recorder.events)
    segs = [e for e in trace.events if isinstance(e, SegmentForwarded)]
    assert [(s.start, s.end) for s in segs][:3] == [(0, 1000), (1000, 2000), (2000, 3000)]
    assert segs[-1].end == 12_000
    received = [e for e in trace.events if isinstance(e, BytesReceived)]
    assert received[-1].end == 12_000
    assert isinstance(trace.config["wire_seed"], int)
    reloaded = Trace.loads(_dump(trace))
    assert [e for e in reloaded.events if isinstance(e, SegmentForwarded)] == segs


def _dump(trace: Trace) -> str:
    import io

    buf = io.StringIO()
    trace.dump(buf)
    return buf.getvalue()


def test_a_reset_passes_through_the_relay() -> None:
    sc = Scenario(messages=(b"x" * 100, b"y" * 100), framing="length", reset_after_bytes=150, mss=536)
    with StreamLab(sc) as lab:
        lab.start()
        assert lab.wait(20)
    a = Trace(lab.recorder.events).analyze()
    assert any(e.startswith("server:") for e in a.errors), a.errors


def test_a_slow_link_fills_the_senders_queue() -> None:
    with StreamLab(preset("slow-link").scenario) as lab:
        lab.start()
        assert lab.wait(30)
    queued = [e.nbytes for e in lab.recorder.events if isinstance(e, QueueSampled) and e.queue == "send"]
    if QUEUES_AVAILABLE:  # the relay's own buffers hold ~64 KiB: the rest waits in the sender's queue
        assert max(queued) > 150_000


def test_the_text_ribbon_draws_the_wire_lane(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sticky", "--messages", "hello,world", "--mss", "3", "--receiver-delay-ms", "50"]) == 0
    out = capsys.readouterr().out
    lanes = {line.split()[0]: line for line in out.splitlines() if line.startswith("  ") and "|" in line}
    assert list(lanes)[:4] == ["send()", "wire", "recv()", "app"]
    wire = lanes["wire"].split("|")[1:-1]
    assert "".join(p.replace(" ", "") for p in wire) == "helloworld"
    assert all(len(p.replace(" ", "")) <= 3 for p in wire)  # no segment longer than the MSS
    assert "wire (relay): " in out and "largest 3 B" in out
