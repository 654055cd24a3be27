"""The compact event store behind Recorder and Trace: lossless, ordered, and small."""

from __future__ import annotations

import threading
import time
import tracemalloc

from hypothesis import given, settings
from hypothesis import strategies as st

from netsim.core.events import (
    BytesReceived,
    BytesSent,
    Event,
    FrameDecoded,
    QueueSampled,
    RunFinished,
    RunStarted,
    SocketCalled,
)
from netsim.core.recorder import Recorder
from netsim.core.store import EventStore
from netsim.core.trace import BoundaryTracker, Trace, analyze

ints = st.one_of(st.integers(-5, 300), st.integers(-(2**63), 2**63 - 1), st.integers(2**63, 2**70))
texts = st.text(max_size=6)
blobs = st.binary(max_size=12)

events = st.one_of(
    st.builds(BytesSent, ints, texts, ints, ints, ints, ints, blobs, ints),
    st.builds(BytesReceived, ints, texts, ints, ints, blobs, ints, st.booleans(), ints),
    st.builds(FrameDecoded, ints, texts, ints, ints, ints, blobs, st.booleans()),
    st.builds(QueueSampled, ints, texts, texts, ints),
    st.builds(SocketCalled, ints, texts, texts, ints, texts),
    st.builds(RunStarted, ints, texts, st.dictionaries(texts, ints, max_size=2)),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(events, max_size=60))
def test_store_gives_back_exactly_what_went_in(evs: list[Event]) -> None:
    store = EventStore()
    store.extend(evs)
    view = store.view()
    assert list(view) == evs
    assert [view[i] for i in range(len(evs))] == evs
    for a in range(0, len(evs), 7):
        assert list(store.iter_range(a, len(evs))) == evs[a:]
        assert view[a : a + 5] == evs[a : a + 5]


def test_store_positions_across_checkpoints() -> None:
    evs: list[Event] = []
    for i in range(10_000):
        evs.append(BytesSent(i, "client", i, i, i + 1, 0, b"x"))
        if i % 3 == 0:
            evs.append(SocketCalled(i, "server", "recv()", 1, "ok"))
        if i % 5 == 0:
            evs.append(QueueSampled(i, "server", "recv", i * 1000))
    store = EventStore()
    store.extend(evs)
    for k in (0, 4095, 4096, 4097, 8191, 8192, 12000, len(evs) - 1):
        assert store.get(k) == evs[k]
        assert list(store.iter_range(k, min(len(evs), k + 50))) == evs[k : k + 50]


def test_differences_survive_blocks_new_runs_pauses_and_odd_values() -> None:
    """t_ns / msg_id / index are kept minus a per-block base, end minus start: across blocks, a
    counter starting again (a second run), a pause of seconds mid-block, sizes that are negative
    or huge, and values at the edges of 64 bits, every event comes back as it went in."""
    evs: list[Event] = []
    t = 10**15
    for i in range(13_000):
        t += 50_000 if i != 7000 else 9 * 10**9  # a 9 s pause in the middle of a block
        msg = i if i < 6000 else i - 6000  # the counter starts again
        start = 20 * i
        end = start + (20 if i % 997 else -5)
        if i == 9001:
            end = 2**63 - 1  # a size that needs 8 bytes
        if i == 9002:
            start, end = -(2**63), 2**63 - 1  # a difference that fits no width: kept as an object
        if i == 9003:
            t_odd = 2**63 - 1  # a time far from its block's base
            evs.append(BytesSent(t_odd, "client", msg, start, end, 4, b"x"))
            continue
        evs.append(BytesSent(t, "client", msg, start, end, 4, b"x"))
        evs.append(FrameDecoded(t + 7, "server", msg if i % 1000 else -3, start, end, b"p", True))
    store = EventStore()
    store.extend(evs)
    assert len(store.objects()) == 2  # the send and the frame of message 9002
    assert list(store.view()) == evs
    for k in (0, 4095, 4096, 4097, 8191, 8192, 12000, 13_998, 14_004, 18_004, 18_006, len(evs) - 1):
        assert store.get(k) == evs[k]
    cols = store.columns(BytesSent, ("start", "end"))
    assert cols is None  # one send is an object
    sends = [ev for ev in evs[:18_000] if isinstance(ev, BytesSent)]
    cols = store.columns(BytesSent, ("start", "end"), 18_000)
    assert cols is not None
    assert list(cols[0]) == [ev.start for ev in sends] and list(cols[1]) == [ev.end for ev in sends]


def test_recorder_api_is_unchanged() -> None:
    rec = Recorder()
    first = [RunStarted(1, "lab", {"count": 2}), BytesSent(2, "client", 0, 0, 5, 0, b"hello")]
    rec.extend(first)
    rec.emit(FrameDecoded(3, "server", 0, 0, 5, b"hello", True))
    assert len(rec) == 3
    assert rec.drain() == [*first, FrameDecoded(3, "server", 0, 0, 5, b"hello", True)]
    assert rec.drain() == []
    rec.emit(RunFinished(4, "lab", True))
    assert rec.drain() == [RunFinished(4, "lab", True)]
    assert rec.events[-1] == RunFinished(4, "lab", True) and len(rec.events) == 4
    assert rec.wait_for("FrameDecoded", 0.01) == FrameDecoded(3, "server", 0, 0, 5, b"hello", True)
    assert rec.wait_for("SocketFailed", 0.01) is None

    light = Recorder(keep=False)
    light.emit(BytesSent(2, "client", 0, 0, 5, 0, b"hello"))
    assert len(light) == 0 and list(light.events) == []
    assert light.drain() == [BytesSent(2, "client", 0, 0, 5, 0, b"hello")]
    assert light.drain() == []


def test_recorder_wait_for_wakes_on_emit_from_another_thread() -> None:
    rec = Recorder()
    t = threading.Timer(0.05, lambda: rec.emit(RunFinished(1, "lab", True)))
    t.start()
    try:
        assert rec.wait_for("RunFinished", 5.0) == RunFinished(1, "lab", True)
    finally:
        t.join()


def test_draining_while_workers_emit_loses_and_repeats_nothing() -> None:
    rec = Recorder()
    n = 20_000

    def work(endpoint: str) -> None:
        for i in range(n):
            rec.emit(BytesSent(i, endpoint, i, i, i + 1, 0, b"ab"))

    threads = [threading.Thread(target=work, args=(side,)) for side in ("client", "server")]
    for t in threads:
        t.start()
    got: list[Event] = []
    while any(t.is_alive() for t in threads):
        got.extend(rec.drain())
        time.sleep(0.001)
    for t in threads:
        t.join()
    got.extend(rec.drain())
    assert len(got) == 2 * n
    for side in ("client", "server"):
        assert [e.msg_id for e in got if e.endpoint == side] == list(range(n))  # type: ignore[attr-defined]
    assert list(rec.events) == got


def test_trace_analysis_from_columns_matches_the_event_by_event_analysis() -> None:
    rec = Recorder()
    rec.emit(RunStarted(0, "lab", {"transport": "tcp", "count": 300, "framing": "length"}))
    offset = 0
    for i in range(300):
        rec.emit(BytesSent(i, "client", i, offset, offset + 20, 4, b"m" * 20))
        offset += 20
    for start in range(0, offset, 33):
        rec.emit(BytesReceived(start, "server", start, min(offset, start + 33), b"c"))
    for i in range(290):
        rec.emit(FrameDecoded(i, "server", i, i * 20, i * 20 + 20, b"p", i % 7 != 0))
    rec.emit(RunFinished(999, "lab", True))
    fast = Trace(rec.events).analyze()
    slow = analyze(list(rec.events))
    assert fast.summary() == slow.summary()
    assert list(fast.tracker.msg_chunks) == list(slow.tracker.msg_chunks)
    assert list(fast.tracker.chunk_first) == list(slow.tracker.chunk_first)


# ------------------------------------------------------------------------------- memory

MESSAGES = 40_000


def test_recorder_memory_per_message_stays_small() -> None:
    """4 x 10^4 messages (16 B, length framing: 20 B on the wire) through the recorder.

    As Python objects this cost ~560 B a message; packed it is ~75 (36 of them the bytes): times
    4 bytes (minus a base per block), message numbers 1 byte, ends kept as sizes.  ~97 before
    those differences.  The bound has a margin, and would fail if either came undone.
    """
    wire, payload = b"\x00\x00\x00\x10" + b"p" * 16, b"p" * 16
    t0 = time.monotonic_ns()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        rec = Recorder()
        for i in range(MESSAGES):
            rec.emit(BytesSent(t0 + i, "client", i, i * 20, i * 20 + 20, 4, wire))
            rec.emit(FrameDecoded(t0 + i, "server", i, i * 20, i * 20 + 20, payload, True))
        used = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert len(rec) == 2 * MESSAGES
    assert used / MESSAGES < 88, f"{used / MESSAGES:.0f} B per message"


def test_boundary_tracker_memory_per_message_stays_small() -> None:
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        t = BoundaryTracker()
        for i in range(MESSAGES):
            t.add_message(i * 20 + 1_000_000, i * 20 + 1_000_020)
        used = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert used / MESSAGES < 30, f"{used / MESSAGES:.0f} B per message"  # lists of ints: ~100
