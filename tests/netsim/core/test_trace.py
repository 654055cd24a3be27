"""Trace: boundary analysis on hand-built ranges, JSON Lines round trips, and ``analyze``."""

from __future__ import annotations

import io
import json
import random
from itertools import accumulate, pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netsim.core.events import (
    BytesReceived,
    BytesSent,
    CallPending,
    Event,
    FrameDecoded,
    QueueSampled,
    RunFinished,
    RunStarted,
    SocketCalled,
    SocketFailed,
    TcpStateChanged,
)
from netsim.core.trace import TRACE_FORMAT, TRACE_VERSION, BoundaryTracker, Trace, TraceFormatError, analyze

# ------------------------------------------------------------------------------- helpers


def ranges(sizes: list[int]) -> list[tuple[int, int]]:
    """Consecutive half-open ranges of the given sizes on the stream axis, from 0."""
    ends = list(accumulate(sizes))
    return [(e - s, e) for s, e in zip(sizes, ends, strict=True)]


def track(
    messages: list[tuple[int, int]], chunks: list[tuple[int, int]], *, chunks_first: bool = False
) -> BoundaryTracker:
    t = BoundaryTracker()
    if chunks_first:
        for c in chunks:
            t.add_chunk(*c)
        for m in messages:
            t.add_message(*m)
    else:
        for m in messages:
            t.add_message(*m)
        for c in chunks:
            t.add_chunk(*c)
    t.finish()
    return t


def brute_force(
    messages: list[tuple[int, int]], chunks: list[tuple[int, int]]
) -> tuple[int, int, list[int], list[tuple[int, int]]]:
    """(merged chunks, split messages, chunks per message, (first, last) per chunk) the slow way."""
    per_message = [0] * len(messages)
    first_last: list[tuple[int, int]] = []
    merged = 0
    for cs, ce in chunks:
        touched = [i for i, (ms, me) in enumerate(messages) if max(ms, cs) < min(me, ce)]
        for i in touched:
            per_message[i] += 1
        merged += len(touched) >= 2
        first_last.append((touched[0], touched[-1]) if touched else (-1, -1))
    split = sum(n >= 2 for n in per_message)
    return merged, split, per_message, first_last


# ------------------------------------------------------------------------ BoundaryTracker


def test_exact_chunks_are_neither_merged_nor_split() -> None:
    msgs = ranges([5, 5, 3])
    t = track(msgs, msgs)
    assert (t.merged_chunks, t.split_messages) == (0, 0)
    assert list(t.msg_chunks) == [1, 1, 1]
    assert list(zip(t.chunk_first, t.chunk_last, strict=True)) == [(0, 0), (1, 1), (2, 2)]


def test_chunk_spanning_two_messages_is_one_merge() -> None:
    t = track(ranges([5, 5]), [(0, 10)])
    assert (t.merged_chunks, t.split_messages) == (1, 0)
    assert (list(t.chunk_first), list(t.chunk_last)) == ([0], [1])


def test_chunk_spanning_three_messages_is_still_one_merge() -> None:
    # hello|world|!!  read as one chunk, then an exact one
    t = track(ranges([5, 5, 2, 4]), [(0, 12), (12, 16)])
    assert (t.merged_chunks, t.split_messages) == (1, 0)
    assert (list(t.chunk_first), list(t.chunk_last)) == ([0, 3], [2, 3])


def test_chunk_touching_only_the_edge_of_the_next_message_is_not_merged() -> None:
    # [0, 5) ends exactly where message 2 starts: half-open ranges do not overlap.
    t = track(ranges([5, 5]), [(0, 5), (5, 10)])
    assert t.merged_chunks == 0


def test_message_across_two_chunks_counts_once() -> None:
    t = track(ranges([10]), [(0, 4), (4, 10)])
    assert (t.merged_chunks, t.split_messages) == (0, 1)
    assert list(t.msg_chunks) == [2]


def test_message_across_three_chunks_still_counts_once() -> None:
    t = track(ranges([26]), [(0, 4), (4, 8), (8, 26)])
    assert t.split_messages == 1
    assert list(t.msg_chunks) == [3]


def test_merged_and_split_together() -> None:
    # messages [0,5) [5,10) [10,15); chunks [0,7) [7,15): chunk 1 merges 1+2, chunk 2 merges 2+3,
    # message 2 is split over both.
    t = track(ranges([5, 5, 5]), [(0, 7), (7, 15)])
    assert (t.merged_chunks, t.split_messages) == (2, 1)
    assert list(t.msg_chunks) == [1, 2, 1]


def test_empty_messages_are_never_counted() -> None:
    # hello, b'', world: the empty send is the range [5, 5) - no byte of any chunk is in it.
    msgs = [(0, 5), (5, 5), (5, 10)]
    t = track(msgs, [(0, 10)])
    assert (t.merged_chunks, t.split_messages) == (1, 0)
    assert list(t.msg_chunks) == [1, 0, 1]
    t = track(msgs, [(0, 3), (3, 5), (5, 7), (7, 10)])
    assert (t.merged_chunks, t.split_messages) == (0, 2)
    assert list(t.msg_chunks) == [2, 0, 2]
    # An empty message alone touched by "both sides" of a cut at its offset: still nothing.
    t = track([(0, 0), (0, 4)], [(0, 2), (2, 4)])
    assert list(t.msg_chunks) == [0, 2]
    assert (t.merged_chunks, t.split_messages) == (0, 1)


def test_empty_chunks_touch_no_message() -> None:
    t = track(ranges([10]), [(0, 3), (3, 3), (3, 10)])
    assert list(t.msg_chunks) == [2]
    assert (t.chunk_first[1], t.chunk_last[1]) == (-1, -1)
    t = track(ranges([10]), [(0, 10), (10, 10)])
    assert t.split_messages == 0  # a zero-length "chunk" at the end does not split the message


@pytest.mark.parametrize(
    ("sizes", "chunks"),
    [
        ([5, 5], [(0, 10)]),
        ([26], [(0, 4), (4, 8), (8, 26)]),
        ([5, 0, 5, 3], [(0, 7), (7, 8), (8, 13)]),
        ([1, 1, 1, 1], [(0, 1), (1, 4)]),
    ],
)
def test_chunks_before_their_messages_give_the_same_result(
    sizes: list[int], chunks: list[tuple[int, int]]
) -> None:
    """The receiver may record a chunk before the sender records the send that produced it."""
    msgs = ranges(sizes)
    in_order = track(msgs, chunks)
    out_of_order = track(msgs, chunks, chunks_first=True)
    merged, split, per_message, first_last = brute_force(msgs, chunks)
    for t in (in_order, out_of_order):
        assert (t.merged_chunks, t.split_messages) == (merged, split)
        assert list(t.msg_chunks) == per_message
        assert list(zip(t.chunk_first, t.chunk_last, strict=True)) == first_last


def test_chunk_waits_for_the_messages_that_cover_it() -> None:
    t = BoundaryTracker()
    t.add_chunk(0, 10)
    assert t.classified_chunks == 0  # nothing sent yet: the chunk cannot be judged
    t.add_message(0, 5)
    assert t.classified_chunks == 0  # [5, 10) still unknown
    assert t.merged_chunks == 0
    t.add_message(5, 10)
    assert t.classified_chunks == 1
    assert t.merged_chunks == 1


def test_finish_classifies_a_chunk_beyond_the_known_sends() -> None:
    t = BoundaryTracker()
    t.add_message(0, 5)
    t.add_message(5, 10)
    t.add_chunk(0, 12)  # the send of bytes [10, 12) was never recorded (budget, a crash...)
    t.add_chunk(12, 20)  # nothing known covers this one at all
    assert t.classified_chunks == 0
    t.finish()
    assert t.classified_chunks == 2
    assert t.merged_chunks == 1
    assert (list(t.chunk_first), list(t.chunk_last)) == ([0, -1], [1, -1])
    assert list(t.msg_chunks) == [1, 1]


def _interleave(
    t: BoundaryTracker, msgs: list[tuple[int, int]], chunks: list[tuple[int, int]], picks: list[bool]
) -> None:
    """Feed both lists in their own order, interleaved as ``picks`` says (True: a message next)."""
    mi = ci = 0
    for pick_message in picks:
        if pick_message and mi < len(msgs):
            t.add_message(*msgs[mi])
            mi += 1
        elif ci < len(chunks):
            t.add_chunk(*chunks[ci])
            ci += 1
    for m in msgs[mi:]:
        t.add_message(*m)
    for c in chunks[ci:]:
        t.add_chunk(*c)
    t.finish()


@st.composite
def stream_and_chunking(draw: st.DrawFn) -> tuple[list[tuple[int, int]], list[tuple[int, int]], list[bool]]:
    sizes = draw(st.lists(st.integers(0, 12), min_size=1, max_size=12))
    total = sum(sizes)
    cuts = draw(st.sets(st.integers(1, max(1, total - 1)), max_size=total)) if total > 1 else set()
    points = [0, *sorted(c for c in cuts if 0 < c < total), total]
    chunks = [(a, b) for a, b in pairwise(points) if b > a]
    picks = draw(st.lists(st.booleans(), max_size=len(sizes) + len(chunks)))
    return ranges(sizes), chunks, picks


@settings(max_examples=300, deadline=None)
@given(stream_and_chunking())
def test_counts_match_brute_force_for_any_sizes_chunking_and_arrival_order(
    case: tuple[list[tuple[int, int]], list[tuple[int, int]], list[bool]],
) -> None:
    msgs, chunks, picks = case
    t = BoundaryTracker()
    _interleave(t, msgs, chunks, picks)
    merged, split, per_message, first_last = brute_force(msgs, chunks)
    assert t.merged_chunks == merged
    assert t.split_messages == split
    assert list(t.msg_chunks) == per_message
    assert list(zip(t.chunk_first, t.chunk_last, strict=True)) == first_last
    assert t.classified_chunks == len(chunks)


def test_brute_force_helper_is_not_trivial() -> None:
    """The oracle above must itself see merges and splits, or the property proves nothing."""
    assert brute_force(ranges([5, 5]), [(0, 10)])[:2] == (1, 0)
    assert brute_force(ranges([10]), [(0, 3), (3, 10)])[:2] == (0, 1)


# ------------------------------------------------------------------------------ JSON Lines

ALL_BYTES = bytes(range(256))
CHINESE = "黏包和半包：你好，世界"


def sample_events() -> list[Event]:
    config = {
        "transport": "tcp",
        "framing": "length",
        "messages": [CHINESE.encode().decode("latin-1"), "world"],
        "count": 0,
        "note": CHINESE + "\u2028line\u2029para\x85nel\nnewline\r\x1e",
    }
    wire = b"\x00\x00\x01\x00" + ALL_BYTES
    return [
        RunStarted(1, "lab", config),
        CallPending(2, "client", "sendall(b'hello')", "detail 细节"),
        SocketCalled(3, "server", "bind(('127.0.0.1', 0))", -1, "port 9001"),
        BytesSent(4, "client", 0, 0, 260, 4, wire, 0),
        BytesReceived(5, "server", 0, 260, wire, -1, False, -1),
        BytesReceived(6, "server", 260, 263, CHINESE.encode()[:3], 7, True, 100),
        FrameDecoded(7, "server", 0, 0, 260, ALL_BYTES, True),
        FrameDecoded(8, "server", 1, 260, 263, b"", False),
        QueueSampled(9, "server", "recv", 42),
        TcpStateChanged(10, "client", "FIN_WAIT2", "127.0.0.1:1", "127.0.0.1:2"),
        SocketFailed(11, "client", "sendto()", "OSError", f"[EMSGSIZE] 消息太长 {CHINESE}", 90),
        RunFinished(12, "lab", False, "failed"),
    ]


def test_round_trip_through_text_keeps_every_byte_and_character() -> None:
    events = sample_events()
    buf = io.StringIO()
    Trace(events).dump(buf)
    text = buf.getvalue()
    assert CHINESE in text  # written as UTF-8 text, not \\u escapes
    # One event per line for every reader, even one splitting at U+2028 and friends.
    assert len(text.splitlines()) == len(events) + 1
    assert Trace.loads(io.StringIO(text)).events == events
    assert Trace.loads(text.splitlines(keepends=True)).events == events
    assert Trace.loads(text).events == events  # the whole text as one string


def test_round_trip_through_a_file(tmp_path: Path) -> None:
    events = sample_events()
    path = tmp_path / "run.jsonl"
    Trace(events).save(path)
    loaded = Trace.load(path)
    assert loaded.events == events
    assert loaded.config["note"] == events[0].config["note"]  # type: ignore[attr-defined]
    sent = loaded.events[3]
    assert isinstance(sent, BytesSent)
    assert sent.data[4:] == ALL_BYTES
    first_line = json.loads(path.read_text(encoding="utf-8").split("\n", 1)[0])
    assert first_line == {"format": TRACE_FORMAT, "version": TRACE_VERSION}


def test_blank_lines_are_skipped() -> None:
    text = json.dumps({"format": TRACE_FORMAT, "version": TRACE_VERSION}) + "\n\n"
    text += json.dumps({"type": "RunFinished", "t_ns": 1, "endpoint": "lab", "ok": True}) + "\n\n"
    assert Trace.loads(text).events == [RunFinished(1, "lab", True)]


HEADER = json.dumps({"format": TRACE_FORMAT, "version": TRACE_VERSION})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "not a NetSim trace"),
        ("hello world\n", "not a NetSim trace"),
        ('{"format": "something-else", "version": 1}\n', "not a NetSim trace"),
        ("[1, 2, 3]\n", "not a NetSim trace"),
        ("a,b,c\n1,2,3\n", "not a NetSim trace"),
        (f'{{"format": "{TRACE_FORMAT}", "version": 2}}\n', "unsupported trace version 2"),
        (f'{{"format": "{TRACE_FORMAT}"}}\n', "unsupported trace version None"),
        (HEADER + "\nnot json at all\n", "line 2"),
        (HEADER + '\n{"type": "NoSuchEvent", "t_ns": 1, "endpoint": "lab"}\n', "line 2"),
        (HEADER + '\n{"type": "RunFinished", "endpoint": "lab"}\n', "line 2"),  # t_ns missing
        (HEADER + "\n[1, 2]\n", "line 2"),
        (  # the right keys, the wrong types: would crash analyze() later
            HEADER + '\n{"type": "BytesSent", "t_ns": 1, "endpoint": "client", "msg_id": 0, '
            '"start": "0", "end": 5, "header_bytes": 0, "data": "hello"}\n',
            "line 2: BytesSent.start should be int",
        ),
        (
            HEADER + '\n{"type": "BytesSent", "t_ns": 1, "endpoint": "client", "msg_id": 0, '
            '"start": 0, "end": 5, "header_bytes": 0, "data": "hello"}\n',
            "line 2: BytesSent.data should be bytes",
        ),
        (HEADER + '\n{"type": "RunStarted", "t_ns": 1, "endpoint": "lab", "config": []}\n', "line 2"),
        (HEADER + "\nnull\n", "line 2"),
        (
            HEADER + '\n\n{"type": "BytesReceived", "t_ns": 1, "endpoint": "s", "start": 0, "end": 1, '
            '"data": {"b64": "!!not base64!!"}}\n',
            "line 3",
        ),
    ],
)
def test_loads_rejects_what_is_not_a_trace(text: str, message: str) -> None:
    with pytest.raises(TraceFormatError, match=message.replace("(", r"\(")):
        Trace.loads(io.StringIO(text))


def test_load_rejects_a_binary_file_with_trace_format_error(tmp_path: Path) -> None:
    path = tmp_path / "image.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(random.Random(1).randrange(256) for _ in range(200)))
    with pytest.raises(TraceFormatError, match="not a NetSim trace"):
        Trace.load(path)


def test_trace_format_error_is_a_value_error() -> None:
    assert issubclass(TraceFormatError, ValueError)


# ---------------------------------------------------------------------------------- analyze

SUMMARY_KEYS = {
    "transport",
    "framing",
    "messages_intended",
    "messages_sent",
    "bytes_sent",
    "recv_calls",
    "bytes_received",
    "merged_chunks",
    "split_messages",
    "app_messages",
    "app_messages_intact",
    "wrong_app_messages",
    "missing_app_messages",
    "app_messages_match",
    "truncated_datagrams",
    "lost_datagrams",
    "duplicated_datagrams",
    "reordered_datagrams",
    "errors",
    "finished",
}


def hello_world_run(framing: str) -> list[Event]:
    """The lesson's demo by hand: two sends, one recv(1024) returning both."""
    events: list[Event] = [
        RunStarted(
            0, "lab", {"transport": "tcp", "framing": framing, "messages": ["hello", "world"], "count": 0}
        ),
        BytesSent(1, "client", 0, 0, 5, 0, b"hello"),
        BytesSent(2, "client", 1, 5, 10, 0, b"world"),
        BytesReceived(3, "server", 0, 10, b"helloworld"),
    ]
    if framing == "none":
        events.append(FrameDecoded(4, "server", 0, 0, 10, b"helloworld", intact=False))
    else:  # pretend a codec recovered both messages from the one chunk
        events += [
            FrameDecoded(4, "server", 0, 0, 5, b"hello", intact=True),
            FrameDecoded(5, "server", 1, 5, 10, b"world", intact=True),
        ]
    events.append(RunFinished(6, "lab", True, "done"))
    return events


def test_analyze_the_merged_demo() -> None:
    summary = analyze(hello_world_run("none")).summary()
    assert set(summary) == SUMMARY_KEYS
    assert summary == {
        "transport": "tcp",
        "framing": "none",
        "messages_intended": 2,
        "messages_sent": 2,
        "bytes_sent": 10,
        "recv_calls": 1,
        "bytes_received": 10,
        "merged_chunks": 1,
        "split_messages": 0,
        "app_messages": 1,
        "app_messages_intact": 0,
        "wrong_app_messages": 1,
        "missing_app_messages": 1,
        "app_messages_match": False,
        "truncated_datagrams": 0,
        "lost_datagrams": 0,
        "duplicated_datagrams": 0,
        "reordered_datagrams": 0,
        "errors": [],
        "finished": True,
    }
    json.dumps(summary)  # the CLI prints it as JSON


def test_udp_analysis_counts_lost_duplicated_and_reordered_datagrams() -> None:
    """Datagrams 0..4 sent; received 0, 2, 1, 2 again; 3 and 4 never: what a lossy network does."""
    events: list[Event] = [
        RunStarted(0, "lab", {"transport": "udp", "framing": "none", "count": 5, "size": 4}),
        *(BytesSent(1 + i, "client", i, 4 * i, 4 * i + 4, 0, b"abcd") for i in range(5)),
    ]
    for n, index in enumerate((0, 2, 1, 2)):
        events.append(BytesReceived(10 + n, "server", 4 * n, 4 * n + 4, b"abcd", datagram=index))
    a = analyze(events)
    assert (a.lost_datagrams, a.duplicated_datagrams, a.reordered_datagrams) == (2, 1, 1)


def test_analyze_the_framed_demo_matches() -> None:
    a = Trace(hello_world_run("length")).analyze()
    assert a.merged_chunks == 1  # the bytes still arrived together...
    assert a.app_messages == 2  # ...but the application got both back
    assert a.app_messages_match
    assert a.summary()["wrong_app_messages"] == 0
    assert a.summary()["missing_app_messages"] == 0


def test_analyze_split_and_errors_and_unfinished() -> None:
    events: list[Event] = [
        RunStarted(0, "lab", {"transport": "tcp", "framing": "none", "count": 1, "size": 10}),
        BytesSent(1, "client", 0, 0, 10, 0, b"#1:aaaaaaa"),
        BytesReceived(2, "server", 0, 4, b"#1:a"),
        BytesReceived(3, "server", 4, 8, b"aaaa"),
        BytesReceived(4, "server", 8, 10, b"aa"),
        SocketFailed(5, "server", "recv(4)", "ConnectionResetError", "[ECONNRESET] reset", 104),
    ]
    a = analyze(events)
    assert (a.messages_intended, a.recv_calls, a.split_messages, a.merged_chunks) == (1, 3, 1, 0)
    assert a.errors == ["server: recv(4): [ECONNRESET] reset"]
    assert a.finished is False
    assert a.app_messages == 0
    assert a.missing_app_messages == 1
    assert not a.app_messages_match


def test_analyze_udp_counts_datagrams_not_boundaries() -> None:
    events: list[Event] = [
        RunStarted(0, "lab", {"transport": "udp", "framing": "none", "messages": ["a" * 100, "b" * 100]}),
        BytesSent(1, "client", 0, 0, 100, 0, b"a" * 100),
        BytesSent(2, "client", 1, 100, 200, 0, b"b" * 100),
        BytesSent(3, "client", 2, 200, 300, 0, b"c" * 100),
        BytesReceived(4, "server", 0, 16, b"a" * 16, 0, True, 100),
        FrameDecoded(5, "server", 0, 0, 16, b"a" * 16, intact=False),
        RunFinished(6, "lab", True),
    ]
    a = analyze(events)
    assert a.transport == "udp"
    assert a.truncated_datagrams == 1
    assert a.lost_datagrams == 2
    assert (a.merged_chunks, a.split_messages) == (0, 0)  # no stream axis on UDP
    assert not a.app_messages_match
