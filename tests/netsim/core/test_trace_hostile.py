"""Hostile trace files (issue 10, defects 5 and 6): each is a clear TraceFormatError naming its
line - never a RecursionError, ValueError, OverflowError or a crash later in analysis."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from netsim.core.events import BytesSent, FrameDecoded, RunFinished, RunStarted
from netsim.core.trace import (
    TRACE_FORMAT,
    TRACE_VERSION,
    Trace,
    TraceFormatError,
    TraceLoadCancelled,
    TraceLoader,
    analyze,
)
from netsim.lessons.sticky.scenario import Scenario, check_trace_config

HEADER = json.dumps({"format": TRACE_FORMAT, "version": TRACE_VERSION})


def started(config: object) -> str:
    return json.dumps({"type": "RunStarted", "t_ns": 1, "endpoint": "lab", "config": config})


def sent(start: int, end: int) -> str:
    return json.dumps(
        {
            "type": "BytesSent",
            "t_ns": 2,
            "endpoint": "client",
            "msg_id": 0,
            "start": start,
            "end": end,
            "header_bytes": 0,
            "data": {"b64": ""},
        }
    )


def write(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "hostile.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def load(path: Path) -> Trace:
    return Trace.load(path, validate_config=check_trace_config)


HOSTILE = {
    "nested header": (("[" * 5000 + "]" * 5000,), "line 1"),
    "nested header object": (('{"a":' * 3000 + "1" + "}" * 3000,), "line 1"),
    "nested event": ((HEADER, "[" * 100_000 + "]" * 100_000), "line 2: nested too deeply"),
    "nested config": (
        (HEADER, '{"type": "RunStarted", "t_ns": 1, "endpoint": "lab", "config": ' + "[" * 50_000),
        "line 2",
    ),
    "config nested below the JSON limit": (
        (HEADER, started({"x": json.loads("[" * 500 + "]" * 500)})),
        "line 2: RunStarted.config.x.* nested more than 8 levels",
    ),
    "5,000-digit integer in the header": (
        ('{"format": "netsim-trace", "version": ' + "9" * 5000 + "}",),
        "not a NetSim trace",
    ),
    "4,000-digit version": (
        ('{"format": "netsim-trace", "version": ' + "9" * 4000 + "}",),
        "unsupported trace version 99999",
    ),
    "5,000-digit integer in an event": (
        (HEADER, '{"type": "RunFinished", "t_ns": ' + "1" * 5000 + ', "endpoint": "lab", "ok": true}'),
        "line 2: not a usable JSON value",
    ),
    "count 'abc'": ((HEADER, started({"count": "abc"})), "line 2: config.count should be a whole number"),
    "count [1]": ((HEADER, started({"count": [1]})), "line 2: config.count should be a whole number"),
    "messages 5": ((HEADER, started({"messages": 5})), "line 2: config.messages should be a list"),
    "messages [5, 6]": ((HEADER, started({"messages": [5, 6]})), "line 2: config.messages should be a list"),
    "count as true": ((HEADER, started({"count": True})), "line 2: config.count"),
    "negative count": ((HEADER, started({"count": -5})), "line 2: message count"),
    "huge message size": ((HEADER, started({"count": 1, "size": 10**15})), "line 2: message size"),
    "unknown framing": ((HEADER, started({"framing": "nonsense:9"})), "line 2"),
    "offset 10^30": ((HEADER, started({}), sent(0, 10**30)), "line 3: BytesSent.end is out of range"),
    "offset past 2^53": ((HEADER, started({}), sent(0, 2**60)), "line 3: BytesSent: the range"),
    "negative offset": ((HEADER, started({}), sent(-5, 3)), "line 3: BytesSent: the range"),
    "reversed range": ((HEADER, started({}), sent(9, 3)), "line 3: BytesSent: the range"),
    "NaN in the config": ((HEADER, started({}).replace("{}", '{"sample_hz": NaN}')), "line 2"),
    "bool as int": ((HEADER, started({}), sent(0, 5).replace('"msg_id": 0', '"msg_id": false')), "line 3"),
    "int as bool": ((HEADER, '{"type": "RunFinished", "t_ns": 1, "endpoint": "lab", "ok": 1}'), "line 2"),
    "event not an object": ((HEADER, '"RunFinished"'), "line 2: an event should be a JSON object"),
    "bytes as a list": ((HEADER, started({}), sent(0, 5).replace('{"b64": ""}', "[104, 105]")), "line 3"),
    "type not a string": ((HEADER, '{"type": ["RunFinished"], "t_ns": 1}'), "line 2: unknown event type"),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_each_hostile_trace_is_a_trace_format_error_naming_the_line(tmp_path: Path, name: str) -> None:
    lines, message = HOSTILE[name]
    path = write(tmp_path, *lines)
    with pytest.raises(TraceFormatError, match=message.replace("(", r"\(").replace("[", r"\[")):
        load(path)


@pytest.mark.parametrize(
    "name", ["nested event", "count 'abc'", "offset 10^30", "5,000-digit integer in the header"]
)
def test_replay_of_a_hostile_trace_exits_2_with_no_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    from netsim.cli import main

    path = write(tmp_path, *HOSTILE[name][0])
    assert main(["sticky", "--replay", str(path), "--json"]) == 2
    err = capsys.readouterr().err
    assert "cannot replay" in err and "Traceback" not in err


def test_analysis_survives_odd_configs_that_no_lab_checked() -> None:
    """Without a lab's config check (a generic load), analysis still never crashes on a config."""
    for config in ({"count": "abc"}, {"count": [1]}, {"messages": 5}, {"messages": [5, 6]}, {"count": 2.5}):
        trace = Trace.loads(
            [
                HEADER,
                started(config),
                json.dumps({"type": "RunFinished", "t_ns": 3, "endpoint": "lab", "ok": True}),
            ]
        )
        assert trace.analyze().messages_intended in (0, 2)
        assert analyze(trace.events).messages_intended in (0, 2)


def test_old_traces_still_load(tmp_path: Path) -> None:
    """The format on disk is unchanged: a trace written the old way (defaults omitted) loads."""
    config = Scenario().to_dict()
    lines = [
        HEADER,
        started(config),
        '{"type": "BytesSent", "t_ns": 2, "endpoint": "client", "msg_id": 0, "start": 0, "end": 5, '
        '"header_bytes": 0, "data": {"b64": "aGVsbG8="}}',
        '{"type": "RunFinished", "t_ns": 9, "endpoint": "lab", "ok": true}',
    ]
    trace = load(write(tmp_path, *lines))
    assert list(trace.events)[1] == BytesSent(2, "client", 0, 0, 5, 0, b"hello")
    assert trace.events[-1] == RunFinished(9, "lab", True)


# ----------------------------------------------------------------- size limits, streaming


def big_trace(tmp_path: Path, messages: int, payload: bytes = b"x" * 16) -> Path:
    events = [RunStarted(1, "lab", Scenario(count=messages, size=len(payload)).to_dict())]
    for i in range(messages):
        events.append(BytesSent(2 + i, "client", i, i * len(payload), (i + 1) * len(payload), 0, payload))
        events.append(
            FrameDecoded(3 + i, "server", i, i * len(payload), (i + 1) * len(payload), payload, True)
        )
    events.append(RunFinished(10**9, "lab", True))
    path = tmp_path / "big.jsonl"
    Trace(events).save(path)
    return path


def test_a_file_past_the_size_limit_is_refused_before_reading(tmp_path: Path) -> None:
    path = big_trace(tmp_path, 3000)
    size_mb = path.stat().st_size / 2**20
    with pytest.raises(TraceFormatError, match=r"MB, more than the 0\.1 MB limit.*--max-trace-mb"):
        Trace.load(path, max_mb=0.1)
    assert len(Trace.load(path, max_mb=size_mb + 0.01)) == 6002


def test_the_cli_size_limit_is_a_flag(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from netsim.cli import main

    path = big_trace(tmp_path, 3000)
    assert main(["sticky", "--replay", str(path), "--max-trace-mb", "0.1"]) == 2
    assert "more than the 0.1 MB limit" in capsys.readouterr().err
    assert main(["sticky", "--replay", str(path), "--max-trace-mb", "5", "--json"]) == 0


def test_a_line_past_the_line_limit_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER, started({}), sent(0, 5).replace('""', '"' + "A" * 4000 + '"'))
    with pytest.raises(TraceFormatError, match="line 3 is longer than"):
        Trace.load(path, max_line_bytes=1000)


def test_loading_streams_with_progress_and_can_be_cancelled(tmp_path: Path) -> None:
    path = big_trace(tmp_path, 20_000)  # ~4 MB: progress every quarter MiB
    total = path.stat().st_size
    seen: list[tuple[int, int]] = []
    trace = Trace.load(path, progress=lambda done, size: seen.append((done, size)))
    assert len(trace) == 40_002
    assert len(seen) >= 10 and seen[-1] == (total, total)
    assert all(size == total for _, size in seen)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)

    calls: list[int] = []

    def cancel() -> bool:
        calls.append(1)
        return len(calls) >= 3

    with pytest.raises(TraceLoadCancelled):
        Trace.load(path, cancel=cancel)
    assert len(calls) == 3  # it stopped at the third look, a long way before the end


def test_keep_bytes_keeps_offsets_and_drops_payloads_past_the_budget(tmp_path: Path) -> None:
    path = big_trace(tmp_path, 1000)
    trace = Trace.load(path, keep_bytes=16 * 100)
    sends = list(trace.of_type(BytesSent))
    assert [s.data for s in sends[:50]] == [b"x" * 16] * 50  # sends and frames share the budget
    assert sends[-1].data == b"" and sends[-1].end == 16_000
    assert trace.bytes_dropped == 2 * 16 * 1000 - 16 * 100
    assert trace.analyze().app_messages == 1000


def test_trace_loader_runs_in_a_thread_and_reports(tmp_path: Path) -> None:
    path = big_trace(tmp_path, 2000)
    loader = TraceLoader(str(path), validate_config=check_trace_config)
    loader.start()
    loader.join(10)
    assert loader.finished and loader.trace is not None and not loader.error
    assert loader.progress == (path.stat().st_size,) * 2

    bad = write(tmp_path, HEADER, started({"count": "abc"}))
    loader = TraceLoader(str(bad), validate_config=check_trace_config)
    loader.start()
    loader.join(10)
    assert loader.trace is None and "line 2" in loader.error
    assert not [t for t in threading.enumerate() if t.name == "netsim-trace-loader"]


def test_every_declared_event_field_type_can_be_checked() -> None:
    """The loader checks fields by their annotation: every lesson's event types must be covered."""
    import dataclasses

    from netsim.core.events import EVENT_TYPES, _field_value, register_declared_events

    register_declared_events()
    for cls in EVENT_TYPES.values():
        for f in dataclasses.fields(cls):
            with pytest.raises(ValueError) as info:
                _field_value(f"{cls.kind}.{f.name}", str(f.type), object())
            assert "cannot check" not in str(info.value), f"{cls.kind}.{f.name}: {f.type}"
