"""``netsim bench`` end to end at a tiny size: keys, counts and verification, not timing."""

from __future__ import annotations

import json
import socket

import pytest

import netsim.bench as bench
from netsim.bench import MB, plan_stream
from netsim.cli import main

KEYS = {
    "raw_mb_s",
    "decoder_1k_msgs_s",
    "decoder_1k_mb_s",
    "decoder_16b_msgs_s",
    "asyncio_1k_msgs_s",
    "ratio_decoder_vs_asyncio",
    "ratio_decoder_vs_raw_bytes",
    "rounds",
}


def test_bench_json_reports_verified_counts(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["bench", "--json", "--rounds", "1", "--megabytes", "1"])
    report = json.loads(capsys.readouterr().out)
    assert status == 0
    assert report.keys() >= KEYS
    assert report["rounds"] == 1
    assert report["verified"] is True
    plan_1k = plan_stream(1 * MB, 1024)
    plan_16 = plan_stream(1 * MB, 16)
    counts = report["counts"]
    assert counts["decoder_1k"]["received_msgs"] == counts["decoder_1k"]["sent_msgs"] == plan_1k.frames
    assert counts["asyncio_1k"]["received_msgs"] == plan_1k.frames
    assert counts["decoder_16b"]["received_msgs"] == counts["decoder_16b"]["sent_msgs"] == plan_16.frames
    assert counts["raw"]["received_bytes"] == counts["raw"]["sent_bytes"] == plan_1k.wire_bytes >= MB
    for key in KEYS - {"rounds"}:
        assert report[key] > 0, key
    assert report["ratio_decoder_vs_asyncio"] == pytest.approx(
        report["decoder_1k_msgs_s"] / report["asyncio_1k_msgs_s"]
    )


def test_plan_sends_whole_frames_covering_the_byte_count() -> None:
    plan = plan_stream(10_000, 16)
    assert plan.wire_bytes >= 10_000
    assert plan.wire_bytes == plan.frames * 20
    assert plan_stream(3, 1024).frames == 1  # tiny sizes still send a frame


def test_bench_rejects_bad_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["bench", "--rounds", "0"], ["bench", "--megabytes", "-1"]):
        with pytest.raises(SystemExit) as info:
            main(argv)
        assert info.value.code == 2
    assert "must be" in capsys.readouterr().err


def test_bench_exits_non_zero_when_a_message_goes_missing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def lossy(sock: socket.socket) -> tuple[int, int | None, float]:
        total, messages, seconds = bench.receive_decoder(sock)
        return total, (messages or 0) - 1, seconds

    broken = tuple(
        bench.Measurement(m.kind, m.title, m.payload_bytes, lossy) if m.kind == "decoder_16b" else m
        for m in bench.MEASUREMENTS
    )
    monkeypatch.setattr(bench, "MEASUREMENTS", broken)
    status = main(["bench", "--rounds", "1", "--megabytes", "0.05"])
    out = capsys.readouterr().out
    assert status == 1
    assert "VERIFICATION FAILED" in out
