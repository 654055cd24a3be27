"""The stream model's compact columns: progressions that turn into arrays, offsets that widen
past 4 GiB, and what a message costs (tracemalloc, a bound with a margin - not a timed test)."""

from __future__ import annotations

import time
import tracemalloc
from array import array
from bisect import bisect_left, bisect_right

import pytest

from app.widgets.stream_model import (
    KEEP_BYTES_ITEMS,
    ProgressionColumn,
    StreamModel,
    column_bisect_left,
    column_bisect_right,
)
from netsim.core.events import BytesReceived, BytesSent, Event, FrameDecoded, RunFinished, RunStarted


def _stored(col: ProgressionColumn) -> bool:
    return not col.is_progression


def test_progression_column_is_a_sequence_of_what_went_in() -> None:
    col = ProgressionColumn("i")
    assert len(col) == 0 and not col and list(col) == []
    for v in range(5, 50, 3):
        col.append(v)
    assert not _stored(col) and col.nbytes == 0
    assert list(col) == list(range(5, 50, 3)) and col[0] == 5 and col[-1] == 47 and col[3] == 14
    assert col[2:5] == array("q", [11, 14, 17]) and col == list(range(5, 50, 3))
    assert bisect_left(col, 20) == 5
    with pytest.raises(IndexError):
        col[len(col)]
    col.append(7)  # breaks the pattern: stored from now on
    assert _stored(col) and col.nbytes == 4 * len(col)
    assert list(col) == [*range(5, 50, 3), 7] and col[-1] == 7
    col.append(2**40)  # does not fit "i": widened, nothing lost
    assert list(col)[-2:] == [7, 2**40]
    with pytest.raises(OverflowError):
        col.append(2**63)


def test_progression_column_constant_and_single_values() -> None:
    col = ProgressionColumn("b")
    for _ in range(1000):
        col.append(1)
    assert col.is_progression and list(col) == [1] * 1000 and col[999] == 1
    col.append(0)
    assert list(col) == [1] * 1000 + [0] and col.nbytes == 1001
    one = ProgressionColumn("h")
    one.append(-3)
    assert list(one) == [-3] and one[-1] == -3
    big = ProgressionColumn("b")
    big.append(1000)  # fits no "b": kept anyway (the column widens when it is stored)
    big.append(1000)
    big.append(5)
    assert list(big) == [1000, 1000, 5]
    with pytest.raises(OverflowError):
        ProgressionColumn().append(-(2**63) - 1)


@pytest.mark.parametrize(
    ("first", "step", "n", "stored"),
    [
        (0, 1, 300, False),
        (5, 3, 100, False),
        (7, 0, 50, False),
        (0, 1, 0, False),
        (3, 1, 1, False),
        (10, 20, 120, True),
    ],
)
def test_column_bisect_matches_the_stdlib(first: int, step: int, n: int, stored: bool) -> None:
    """The ribbon's O(1) bisection of a progression gives what bisect gives on a list."""
    col = ProgressionColumn("i")
    for k in range(n):
        col.append(first + k * step)
    if stored:
        col.append(first + n * step + 1)  # off the pattern: an array from now on
    ref = list(col)
    top = first + step * len(ref) + 3
    probes = [x / 2 for x in range(2 * (first - 3), 2 * top)]
    for x in probes:
        for lo in sorted({0, len(ref) // 2, len(ref)}):
            assert column_bisect_right(col, x, lo) == bisect_right(ref, x, lo), (x, lo)
            assert column_bisect_left(col, x, lo) == bisect_left(ref, x, lo), (x, lo)
            assert column_bisect_right(ref, x, lo) == bisect_right(ref, x, lo)


def _run(n: int, *, start: int = 0, t0: int = 0) -> list[Event]:
    """n messages of 16 B with a 4-byte length prefix, received in 64-message chunks."""
    config = {"transport": "tcp", "framing": "length", "count": n, "size": 16}
    wire = b"\x00\x00\x00\x10" + b"m" * 16
    evs: list[Event] = [RunStarted(t0, "lab", config)]
    for i in range(n):
        s = start + 20 * i
        evs.append(BytesSent(t0 + 1000 * i + 1, "client", i, s, s + 20, 4, wire))
        if i % 64 == 63 or i == n - 1:
            lo = start + 20 * (i - i % 64)
            evs.append(BytesReceived(t0 + 1000 * i + 2, "server", lo, s + 20, wire * (i % 64 + 1)))
            for j in range(i - i % 64, i + 1):
                evs.append(
                    FrameDecoded(
                        t0 + 1000 * i + 3, "server", j, start + 20 * j, start + 20 * j + 20, b"m" * 16
                    )
                )
    evs.append(RunFinished(t0 + 1000 * n + 5, "lab", True, "done"))
    return evs


def test_offsets_past_4_gib_widen_every_offset_column(qapp: object) -> None:
    model = StreamModel()
    model.load(_run(200))
    assert model.offsets_typecode == "I" and model.msg_start.typecode == "I"
    assert model.app_messages_match and model.msg_head.is_progression and model.msg_id.is_progression
    far = 2**32 - 100  # the 6th message crosses 4 GiB
    model.load(_run(200, start=far))
    assert model.offsets_typecode == "q"
    for col in (model.msg_start, model.msg_end, model.chunk_start, model.chunk_end):
        assert col.typecode == "q"
    assert list(model.frame_end) == [far + 20 * i + 20 for i in range(200)]
    assert model.tracker.msg_start is model.msg_start and model.tracker.chunk_end is model.chunk_end
    assert list(model.msg_start) == [far + 20 * i for i in range(200)]
    assert model.sent_bytes == model.received_bytes == model.decoded_bytes == far + 4000
    assert model.app_messages == 200 and model.app_messages_match
    assert model.merged_chunks == 4 and model.split_messages == 0
    assert model.message_at(far + 20 * 7 + 3) == 7
    assert model.message_wire(7) == b"\x00\x00\x00\x10" + b"m" * 16


MESSAGES = 40_000


def test_stream_model_memory_per_message_stays_small(qapp: object) -> None:
    """What each message past the first KEEP_BYTES_ITEMS (whose bytes are kept) costs the model:
    ~22 B (4-byte times and offsets; message numbers, framing sizes, verdicts and equal-sized
    frames as progressions), ~57 before.  The bound has a margin; it would fail if a column went
    back to 8 bytes or to a list, or the progressions stopped working."""
    n = KEEP_BYTES_ITEMS + MESSAGES
    evs = _run(n, t0=time.monotonic_ns())
    cut = next(k for k, ev in enumerate(evs) if isinstance(ev, BytesSent) and ev.msg_id == KEEP_BYTES_ITEMS)
    tracemalloc.start()  # before the model: its columns grow by realloc, traced from the first
    try:
        model = StreamModel()
        model.load(evs[:cut])
        before = tracemalloc.get_traced_memory()[0]
        model.load(evs[cut:])
        used = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert model.app_messages == n and model.app_messages_match and model.finished
    assert used / MESSAGES < 34, f"{used / MESSAGES:.0f} B per message"
