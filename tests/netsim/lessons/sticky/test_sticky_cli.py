"""``netsim sticky`` end to end: real loopback runs through ``netsim.cli.main``, text and JSON."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

import netsim.lessons.sticky.cli
from netsim.cli import main
from netsim.lessons.sticky import StreamLab
from netsim.lessons.sticky.presets import PRESETS

DEMO = ["--messages", "hello,world", "--receiver-delay-ms", "100", "--recv-bytes", "1024"]


def sticky(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["sticky", *args])
    out, err = capsys.readouterr()
    return code, out, err


def sticky_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    code, out, err = sticky(capsys, *args, "--json")
    assert code == 0, err
    summary = json.loads(out)
    assert isinstance(summary, dict)
    return summary


def test_the_demo_merges_hello_and_world(capsys: pytest.CaptureFixture[str]) -> None:
    s = sticky_json(capsys, *DEMO)
    assert s["transport"] == "tcp"
    assert s["framing"] == "none"
    assert s["messages_sent"] == 2
    assert s["recv_calls"] == 1
    assert s["merged_chunks"] == 1
    assert s["app_message_payloads"] == ["helloworld"]
    assert s["app_messages_match"] is False
    assert s["finished"] is True
    assert s["errors"] == []


def test_length_framing_fixes_the_demo(capsys: pytest.CaptureFixture[str]) -> None:
    s = sticky_json(capsys, *DEMO, "--framing", "length")
    assert s["framing"] == "length"
    assert s["merged_chunks"] == 1  # the bytes still arrive in one recv()...
    assert s["app_message_payloads"] == ["hello", "world"]  # ...and come out as two messages
    assert s["app_messages_match"] is True
    assert s["bytes_sent"] == 18  # 4-byte header each


def test_half_packet_preset_splits(capsys: pytest.CaptureFixture[str]) -> None:
    s = sticky_json(capsys, "--preset", "half-packet")
    assert s["split_messages"] == 1
    assert s["recv_calls"] == 7  # 26 bytes, recv(4)
    assert s["app_messages_match"] is False
    assert "".join(s["app_message_payloads"]) == "hello, this is one message"


def test_udp_keeps_the_two_messages_apart(capsys: pytest.CaptureFixture[str]) -> None:
    s = sticky_json(capsys, "--transport", "udp", "--messages", "a,b")
    assert s["transport"] == "udp"
    assert s["recv_calls"] == 2
    assert s["merged_chunks"] == 0
    assert s["app_message_payloads"] == ["a", "b"]
    assert s["app_messages_match"] is True


def test_text_output_draws_the_ribbon(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = sticky(capsys, *DEMO)
    assert code == 0
    lines = out.splitlines()
    # Every lane puts byte k in the same column; a boundary only one lane has is a space elsewhere.
    assert "  send() |hello|world|" in lines
    assert "  recv() |hello world|" in lines
    assert "  app    |hello world|" in lines
    assert any("MERGED: bytes of messages #1..#2" in line for line in lines)
    assert "the application did NOT get the messages that were sent" in lines


def test_text_output_marks_a_split_message(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = sticky(capsys, "--preset", "half-packet")
    assert code == 0
    assert "SPLIT over 7 recv() calls" in out


def test_bad_framing_spec_exits_2_and_names_the_valid_ones(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = sticky(capsys, "--framing", "bogus", "--json")
    assert code == 2
    assert out == ""
    assert "bogus" in err
    for spelling in ("length", "delimiter", "fixed:N", "json"):
        assert spelling in err


def test_messages_and_count_together_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = sticky(capsys, "--messages", "a", "--count", "3")
    assert code == 2
    assert out == ""
    assert "--messages or --count" in err


def test_count_must_be_positive(capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = sticky(capsys, "--count", "0")
    assert code == 2
    assert "--count" in err


def test_recv_bytes_zero_is_refused_not_corrected(capsys: pytest.CaptureFixture[str]) -> None:
    """The panel says the same: recv(0) is refused, never run as another size (issue 8)."""
    code, out, err = sticky(capsys, "--recv-bytes", "0")
    assert code == 2 and out == ""
    assert "recv() size must be at least 1 byte" in err


def test_unknown_preset_is_an_argparse_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["sticky", "--preset", "no-such-preset"])
    assert info.value.code == 2
    assert "hello-world" in capsys.readouterr().err


def test_save_then_replay_gives_the_same_summary(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "demo.jsonl"
    live = sticky_json(capsys, *DEMO, "--messages", "hello,世界", "--save", str(path))
    assert path.read_text(encoding="utf-8").startswith('{"format": "netsim-trace"')
    replayed = sticky_json(capsys, "--replay", str(path))
    assert replayed == live
    assert replayed["app_message_payloads"] == ["hello世界"]


def test_replay_of_a_text_file_that_is_not_a_trace_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("just some notes\n", encoding="utf-8")
    code, out, err = sticky(capsys, "--replay", str(path), "--json")
    assert code == 2
    assert out == ""
    assert f"cannot replay {path}" in err
    assert "not a NetSim trace" in err


def test_replay_of_a_binary_file_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "photo.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)))
    code, _out, err = sticky(capsys, "--replay", str(path))
    assert code == 2
    assert "not a NetSim trace" in err


def test_replay_of_a_missing_file_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _out, err = sticky(capsys, "--replay", str(tmp_path / "nope.jsonl"))
    assert code == 2
    assert "cannot replay" in err


def test_list_presets_names_every_preset(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = sticky(capsys, "--list-presets")
    assert code == 0
    for p in PRESETS:
        assert p.preset_id in out
        assert p.title in out


def test_step_without_a_tty_runs_to_completion(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    stdin = io.StringIO("")
    assert not stdin.isatty()
    monkeypatch.setattr(sys, "stdin", stdin)
    code, out, err = sticky(capsys, "--step", "--messages", "hello,world", "--json", "--timeout", "10")
    assert code == 0, err
    steps = [line for line in out.splitlines() if line.startswith("next: ")]
    assert "next: client: sendall(b'hello')" in steps
    assert "next: client: sendall(b'world')" in steps
    assert steps.index("next: client: sendall(b'hello')") < steps.index("next: client: sendall(b'world')")
    assert steps[0] == "next: server: socket(SOCK_STREAM)"
    summary = json.loads(out[out.index("{") :])
    assert summary["finished"] is True
    assert summary["messages_sent"] == 2
    assert "".join(summary["app_message_payloads"]) == "helloworld"


def test_module_entry_point_runs() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "netsim", "sticky", "--preset", "hello-world", "--json"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    assert summary["merged_chunks"] == 1
    assert summary["app_message_payloads"] == ["helloworld"]


def test_unattended_step_mode_honours_the_timeout(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A --step run that never finishes gives up after --timeout instead of stepping forever."""
    started = time.monotonic()

    class NeverFinishes(StreamLab):
        @property
        def finished(self) -> bool:
            # Pretend the run hangs; the 5 s cap only keeps a regression from hanging the suite.
            return time.monotonic() - started > 5.0

        def wait(self, timeout_s: float) -> bool:
            return False

    monkeypatch.setattr(netsim.lessons.sticky.cli, "StreamLab", NeverFinishes)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    code, _out, err = sticky(capsys, "--step", "--messages", "hello,world", "--timeout", "0.5")
    assert time.monotonic() - started < 3.0
    assert code == 1
    assert "did not finish within 0.5 s" in err


def test_replay_of_a_damaged_trace_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "damaged.jsonl"
    path.write_text(
        '{"format": "netsim-trace", "version": 1}\n'
        '{"type": "BytesSent", "t_ns": 1, "endpoint": "client", "msg_id": 0, "start": "0", "end": 5, '
        '"header_bytes": 0, "data": {"b64": "aGVsbG8="}}\n',
        encoding="utf-8",
    )
    code, out, err = sticky(capsys, "--replay", str(path), "--json")
    assert code == 2
    assert out == ""
    assert "line 2" in err


def test_a_worker_that_dies_fails_the_run_at_once_with_its_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 10, defect 7: the CLI used to wait for --timeout and say only "did not finish".

    ``--sndbuf 99999999999`` is now refused up front (exit 2, see test_scenario_validation); the
    value is forced past the validation here so the sending worker still dies."""
    real = netsim.lessons.sticky.cli.scenario_from_args

    def unchecked(args: Any) -> Any:
        sc = real(args)
        object.__setattr__(sc, "sndbuf", 99999999999)  # frozen: bypass __post_init__'s range check
        return sc

    monkeypatch.setattr(netsim.lessons.sticky.cli, "scenario_from_args", unchecked)
    started = time.monotonic()
    code, out, err = sticky(capsys, "--messages", "hello,world", "--json")
    assert time.monotonic() - started < 5.0
    assert code == 1
    assert "the run failed: client: " in err and "did not finish" not in err
    summary = json.loads(out)
    assert summary["finished"] is True
    assert [e for e in summary["errors"] if e.startswith("client: internal: ")]
