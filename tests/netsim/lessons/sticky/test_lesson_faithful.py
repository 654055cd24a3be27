"""Issue 9: the lesson's own receiver (its bugs shown, not repaired) and the lesson's direction."""

from __future__ import annotations

import json
import struct
from typing import Any

import pytest

from netsim.cli import main
from netsim.core.events import BytesReceived, BytesSent, FrameDecoded, RunStarted, SocketCalled, SocketFailed
from netsim.core.trace import Analysis, Trace
from netsim.lessons.sticky import Scenario, StreamLab
from netsim.lessons.sticky.cli import recv_chunks
from netsim.lessons.sticky.lab import EOF_RESULT, LESSON_BUG
from netsim.lessons.sticky.presets import preset


def run(scenario: Scenario, timeout_s: float = 20.0) -> tuple[Trace, Analysis]:
    with StreamLab(scenario) as lab:
        lab.start()
        assert lab.wait(timeout_s), "the run did not finish"
    trace = Trace(lab.recorder.events)
    return trace, trace.analyze()


def of(trace: Trace, kind: type) -> list[Any]:
    return [e for e in trace.events if isinstance(e, kind)]


def sticky_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    code = main(["sticky", *args, "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    summary = json.loads(out)
    assert isinstance(summary, dict)
    return summary


# ------------------------------------------------------------------ acceptance (CLI JSON)
def test_acceptance_lesson_receiver_fails_on_large_messages(capsys: pytest.CaptureFixture[str]) -> None:
    s = sticky_json(
        capsys, "--framing", "length:i", "--receiver", "lesson", "--count", "3", "--size", "300000"
    )
    assert s["receiver"] == "lesson"
    assert s["app_messages_match"] is False
    assert s["wrong_app_messages"] >= 1
    assert s["lesson_failure"] is not None and LESSON_BUG in s["lesson_failure"]
    assert any(LESSON_BUG in e for e in s["errors"])


def test_acceptance_exact_receiver_gets_them_right(capsys: pytest.CaptureFixture[str]) -> None:
    s = sticky_json(
        capsys, "--framing", "length:i", "--receiver", "exact", "--count", "3", "--size", "300000"
    )
    assert s["receiver"] == "exact"
    assert s["app_messages_match"] is True
    assert s["lesson_failure"] is None and s["errors"] == []


def test_acceptance_hello_world_in_the_lessons_direction(capsys: pytest.CaptureFixture[str]) -> None:
    s = sticky_json(capsys, "--preset", "hello-world")
    assert s["sender"] == "server"
    assert s["recv_chunks"] == ["helloworld", ""]


# ------------------------------------------------------------------ the lesson's receiver
def test_lesson_preset_bites_every_time() -> None:
    """SO_RCVBUF 64 KiB < a 300,000-byte body: the one recv(size) can never return it all (5 runs here;
    20 of 20 measured by hand, see the report)."""
    scenario = preset("lesson-recv-trusted").scenario
    for _ in range(5):
        trace, a = run(scenario)
        frames = of(trace, FrameDecoded)
        assert frames and not frames[0].intact
        assert 0 < frames[0].end - frames[0].start - 4 < 300_000  # a piece of the body, believed whole
        fails = [f for f in of(trace, SocketFailed) if f.message.startswith(LESSON_BUG)]
        assert len(fails) == 1 and fails[0].endpoint == "server"
        assert not a.app_messages_match


def test_lesson_receiver_calls_recv4_then_recv_size_once_each() -> None:
    trace, a = run(Scenario(messages=(b"hello", b"world"), framing="length:i", receiver="lesson"))
    assert a.app_messages_match  # small messages arrive whole: the lesson's code works
    sizes = [e.end - e.start for e in of(trace, BytesReceived)]
    assert sizes == [4, 5, 4, 5]
    assert [f.payload for f in of(trace, FrameDecoded)] == [b"hello", b"world"]
    eof = [e for e in of(trace, SocketCalled) if e.result == EOF_RESULT]
    assert [e.call for e in eof] == ["recv(4)"]  # b'' where a header would start: the peer closed


def test_short_header_is_the_lessons_struct_error() -> None:
    """A peer that stops after 2 header bytes: recv(4) returns 2, and struct.unpack('i') fails."""
    trace, a = run(Scenario(messages=(b"hello",), framing="length:i", receiver="lesson", reset_after_bytes=2))
    fails = [f for f in of(trace, SocketFailed) if f.message.startswith(LESSON_BUG)]
    assert len(fails) == 1
    assert fails[0].error == "struct.error" and fails[0].call.startswith("struct.unpack('i'")
    assert "recv(4)" in fails[0].message
    assert not a.app_messages_match


def test_negative_size_is_the_lessons_valueerror() -> None:
    """A body of 0xff bytes split by a small SO_RCVBUF: the next "header" is b'\\xff' * 4 = -1."""
    trace, a = run(
        Scenario(messages=(b"\xff" * 300_000,), framing="length:i", receiver="lesson", rcvbuf=4096)
    )
    fails = [f for f in of(trace, SocketFailed) if f.message.startswith(LESSON_BUG)]
    assert len(fails) == 1
    assert fails[0].error == "ValueError" and fails[0].call == "recv(-1)"
    assert "negative" in fails[0].message
    assert not a.app_messages_match


def test_none_framing_lesson_receiver_is_one_recv_one_message() -> None:
    trace, a = run(preset("hello-world").scenario.replace(receiver="lesson"))
    assert [f.payload for f in of(trace, FrameDecoded)] == [b"helloworld"]
    assert not a.app_messages_match


def test_lesson_receiver_refuses_framings_it_has_no_code_for() -> None:
    with pytest.raises(ValueError, match="lesson's receiver"):
        StreamLab(Scenario(framing="delimiter", receiver="lesson"))
    with pytest.raises(ValueError, match="UDP"):
        Scenario(transport="udp", receiver="lesson")
    with pytest.raises(ValueError, match="receiver"):
        Scenario(receiver="sloppy")


def test_cli_refuses_a_bad_combination(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sticky", "--framing", "json", "--receiver", "lesson"]) == 2
    assert "lesson's receiver" in capsys.readouterr().err


# ------------------------------------------------------------------ direction
def test_server_sends_client_receives() -> None:
    trace, a = run(Scenario(messages=(b"hello", b"world"), sender="server", framing="length"))
    assert {e.endpoint for e in of(trace, BytesSent)} == {"server"}
    assert {e.endpoint for e in of(trace, BytesReceived)} == {"client"}
    assert {e.endpoint for e in of(trace, FrameDecoded)} == {"client"}
    assert a.app_messages_match and a.errors == []
    config = of(trace, RunStarted)[0].config
    assert config["sender"] == "server"
    assert config["roles"] == {"sender": "server", "receiver": "client"}


def test_hello_world_is_the_lessons_two_recvs_20_of_20() -> None:
    """The lesson's client: sleep 0.1 s, recv(1024) -> b'helloworld', recv(1024) -> b''."""
    scenario = preset("hello-world").scenario
    assert scenario.sender == "server" and scenario.receiver_delay_ms == 100
    for _ in range(20):
        trace, _a = run(scenario.replace(receiver_delay_ms=30))  # 30 ms keeps CI quick; 100 by hand
        assert recv_chunks(trace) == ["helloworld", ""]
        calls = [e for e in of(trace, SocketCalled) if e.result == EOF_RESULT]
        assert [(c.endpoint, c.call) for c in calls] == [("client", "recv(1024)")]


def test_server_sender_with_lesson_receiver_on_the_client() -> None:
    trace, a = run(preset("lesson-recv-trusted").scenario.replace(sender="server"))
    fails = [f for f in of(trace, SocketFailed) if f.message.startswith(LESSON_BUG)]
    assert len(fails) == 1 and fails[0].endpoint == "client"
    assert not a.app_messages_match


def test_recv_chunks_text_where_utf8_else_hex() -> None:
    header = struct.pack("<i", 300_000)  # b'\\xe0\\x93\\x04\\x00': not UTF-8
    trace = Trace(
        [
            BytesReceived(1, "server", 0, 4, header),
            BytesReceived(2, "server", 4, 9, "你好".encode()[:5]),  # cut inside a character
            BytesReceived(3, "server", 9, 11, b"ok"),
            BytesReceived(4, "server", 11, 20, b""),  # not kept (past the byte budget)
            SocketCalled(5, "server", "recv(1024)", 0, EOF_RESULT),
        ]
    )
    assert recv_chunks(trace) == [{"hex": "e0930400"}, {"hex": "e4bda0e5a5"}, "ok", None, ""]


def test_text_output_names_the_direction_and_the_eof_recv(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sticky", "--preset", "hello-world"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "the server sends, the client receives"
    assert "recv() calls: 2 (the last one returned b'': the peer closed)" in out
    assert "[10, 10)  b''  the end of the stream" in out


def test_text_output_shows_the_lessons_failure(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sticky", "--preset", "lesson-recv-trusted"]) == 0
    out = capsys.readouterr().out
    assert "with the lesson's code: recv(4), then recv(size), each trusted once" in out
    assert "error: server: recv(" in out and LESSON_BUG in out
    assert "the application did NOT get the messages that were sent" in out


def test_server_sender_through_the_relay(capsys: pytest.CaptureFixture[str]) -> None:
    """The relay's segments are counted in the direction the messages travel (server to client)."""
    s = sticky_json(
        capsys, "--messages", "hello,world", "--sender", "server", "--mss", "3", "--framing", "length"
    )
    assert s["sender"] == "server" and s["app_messages_match"] is True
    assert s["wire_segments"] >= 6  # 18 bytes in segments of at most 3
    assert s["recv_chunks"][-1] == ""
    assert main(["sticky", "--messages", "hello,world", "--sender", "server", "--mss", "3"]) == 0
    assert "segments server → client" in capsys.readouterr().out
