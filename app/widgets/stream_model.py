"""What the sticky-packet panel shows, kept as compact columns and fed by event batches.

Events arrive from the bridge in batches; ``feed`` queues them and ``process`` digests them
within a time budget, so a flood of events never stalls the GUI thread (the rest waits for
the next tick).  Offsets live in ``array('q')`` columns - a million messages cost a few tens of
megabytes, not a million Python objects per lane.  Merged/split analysis is the core's
:class:`~netsim.core.trace.BoundaryTracker`, the same code the CLI uses.
"""

from __future__ import annotations

import operator
import time
from array import array
from bisect import bisect_left, bisect_right
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice, repeat
from typing import Any, overload

from PySide6.QtCore import QObject, Signal

from app.widgets.os_errors import describe, explain
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
)
from netsim.core.trace import BoundaryTracker, messages_intended
from netsim.framing import Codec, FramingError, make_codec
from netsim.lab.relay import DatagramDropped, DatagramForwarded, SegmentForwarded
from netsim.lessons.sticky.lab import EOF_RESULT
from netsim.lessons.sticky.scenario import MAX_TRACE_MESSAGE_BYTES, generated_message
from netsim.lessons.sticky.wire import data_direction

LOG_MAX_ROWS = 5000
_I16_MAX = 2**15 - 1
KEEP_BYTES_ITEMS = 20_000  # per lane: bytes kept for hover/labels for the first items only
_U32_MAX = 2**32 - 1
# Stream offsets: 4 bytes each (unsigned) until one passes 4 GiB, then every offset column is
# copied to 8 bytes at once (the tracker shares the TCP ones).  The frames' offsets are
# progression columns, which widen on their own.
_OFFSET_COLUMNS = ("msg_start", "msg_end", "chunk_start", "chunk_end", "seg_start", "seg_end")


_Q_MIN, _Q_END = -(2**63), 2**63


class ProgressionColumn(Sequence[int]):
    """An append-only column of ints that costs nothing while it counts ``a, a + d, a + 2d, ...``.

    Message numbers (0, 1, 2 ...), framing bytes per message (4, 4, 4 ...), frames intact
    (1, 1, 1 ...): in the runs a lesson makes, a whole column is usually such a progression, so
    it is kept as (first, step, length).  The first value that breaks the pattern turns it into an
    ``array`` of the given typecode (widened to ``"q"`` the first time a value does not fit); from
    then on it is an ordinary column.  Values must fit 8 bytes, as in an ``array("q")``.
    """

    __slots__ = ("_first", "_n", "_step", "_typecode", "values")

    def __init__(self, typecode: str = "q") -> None:
        self._typecode = typecode
        self._first = 0
        self._step = 0
        self._n = 0
        self.values: array[int] | None = None  # None while the column is a progression

    def append(self, value: int) -> None:
        if type(value) is not int:
            value = operator.index(value)
        values = self.values
        if values is not None:
            try:
                values.append(value)
            except OverflowError:
                if values.typecode == "q":
                    raise
                self.values = array("q", values)
                self.values.append(value)
            return
        if not _Q_MIN <= value < _Q_END:
            raise OverflowError(f"{value} does not fit 8 bytes")
        n = self._n
        if n == 0:
            self._first = value
        elif n == 1:
            self._step = value - self._first
        elif value != self._first + n * self._step:
            self._materialize()
            self.append(value)
            return
        self._n = n + 1

    def _materialize(self) -> None:
        values = array(self._typecode)
        try:
            values.extend(self)
        except OverflowError:
            values = array("q", self)
        self.values = values
        self._n = 0

    @property
    def is_progression(self) -> bool:
        """True while no values are stored (the column is first, first + step, ...)."""
        return self.values is None

    @property
    def nbytes(self) -> int:
        values = self.values
        return 0 if values is None else len(values) * values.itemsize

    def __len__(self) -> int:
        values = self.values
        return self._n if values is None else len(values)

    @overload
    def __getitem__(self, index: int) -> int: ...
    @overload
    def __getitem__(self, index: slice) -> array[int]: ...
    def __getitem__(self, index: int | slice) -> int | array[int]:
        values = self.values
        if values is not None:
            return values[index]
        if isinstance(index, slice):
            return array("q", (self._first + k * self._step for k in range(*index.indices(self._n))))
        n = self._n
        if index < 0:
            index += n
        if not 0 <= index < n:
            raise IndexError("column index out of range")
        return self._first + index * self._step

    def bisect(self, x: float, lo: int = 0, *, right: bool) -> int:
        """``bisect.bisect_right`` (``right``) or ``bisect_left`` of a sorted column, in O(1)
        while it is a progression (the stdlib's would call ``__getitem__`` ~20 times)."""
        values = self.values
        if values is not None:
            return bisect_right(values, x, lo) if right else bisect_left(values, x, lo)
        n, first, step = self._n, self._first, self._step
        if step < 0:  # not sorted: whatever the stdlib makes of it
            return bisect_right(self, x, lo) if right else bisect_left(self, x, lo)
        if step == 0 or n == 0:
            k = n if (first <= x if right else first < x) else 0
        elif right:  # how many of first + k * step are <= x
            k = int((x - first) // step) + 1
        else:  # how many are < x
            k = int(-((first - x) // step))
        return max(lo, min(n, k))

    def __iter__(self) -> Iterator[int]:
        values = self.values
        if values is not None:
            return iter(values)
        if self._step:
            return iter(range(self._first, self._first + self._n * self._step, self._step))
        return repeat(self._first, self._n)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, (str, bytes)):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        if self.values is None:
            return f"ProgressionColumn({self._n} values: {self._first}, {self._first} + {self._step}, …)"
        return f"ProgressionColumn({self.values!r})"


def column_bisect_right(column: Sequence[int], x: float, lo: int = 0) -> int:
    """``bisect.bisect_right`` for any column, O(1) on a :class:`ProgressionColumn` progression."""
    if isinstance(column, ProgressionColumn):
        return column.bisect(x, lo, right=True)
    return bisect_right(column, x, lo)


def column_bisect_left(column: Sequence[int], x: float, lo: int = 0) -> int:
    """``bisect.bisect_left`` for any column, O(1) on a :class:`ProgressionColumn` progression."""
    if isinstance(column, ProgressionColumn):
        return column.bisect(x, lo, right=False)
    return bisect_left(column, x, lo)


class StreamModel(QObject):
    changed = Signal()
    log_appended = Signal(int, int)  # first, last new row

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.reset()

    def reset(self, config: dict[str, Any] | None = None) -> None:
        """Forget everything, queued events included."""
        # batches not yet digested: (events left, how many) - iterators over compact batches,
        # so a model that falls behind holds no event objects
        self._backlog: deque[list[Any]] = deque()
        self._source: Iterator[Event] | None = None  # a trace being drawn, a slice per tick
        self._clear(config)

    def _clear(self, config: dict[str, Any] | None) -> None:
        self.config: dict[str, Any] = dict(config or {})
        try:
            self._codec: Codec | None = make_codec(str(self.config.get("framing", "none")))
        except ValueError:
            self._codec = None
        self.transport: str = self.config.get("transport", "tcp")
        self.framing: str = self.config.get("framing", "none")
        self.queues_available: bool = bool(self.config.get("queues_available", False))
        # Who sends and who receives: the lab says so in its config (older traces: the client sent).
        roles = self.config.get("roles")
        sender = roles.get("sender") if isinstance(roles, dict) else self.config.get("sender")
        self.sending_end: str = sender if sender in ("client", "server") else "client"
        self.receiving_end: str = "server" if self.sending_end == "client" else "client"
        self.data_direction = data_direction({"sender": self.sending_end})  # the relay's c2s or s2c
        self.eof_at: int | None = None  # stream offset where a recv() returned b'' (the peer closed)
        self.t0_ns: int = 0
        self.msg_id = ProgressionColumn("i")
        # Seconds since the run started, as 4-byte floats: to the 10 µs over minutes, which is all a
        # chart or a cursor can show, for half the memory of a million doubles.
        self.msg_t = array("f")
        self.offsets_typecode = "I"  # "q" once an offset passed 4 GiB (see _widen_offsets)
        self.msg_start = array("I")
        self.msg_end = array("I")
        self.msg_head = ProgressionColumn("h")  # framing bytes per message (shown; clamped to 32,767)
        self.msg_tail = ProgressionColumn("h")
        self.msg_data: list[bytes] = []
        self.failed_sends: list[tuple[int, str]] = []  # (message slot, error) - UDP size limit
        self.chunk_t = array("f")
        self.chunk_start = array("I")
        self.chunk_end = array("I")
        self.chunk_data: list[bytes] = []
        self.chunk_truncated: set[int] = set()  # UDP: indexes of truncated datagrams
        self.chunk_slot = ProgressionColumn("q")  # UDP: which message each received datagram carried
        self.chunk_wire = ProgressionColumn("I")  # bytes each datagram had on the wire
        self.frame_t = array("f")
        self.frame_index = ProgressionColumn("i")
        # Decoded frames of equal size (a generated run) are progressions too; others an array.
        self.frame_start = ProgressionColumn("I")
        self.frame_end = ProgressionColumn("I")
        self.frame_intact = ProgressionColumn("b")
        self.frames_intact = 0
        self.frame_payload: list[bytes] = []
        # TCP: the tracker fills the offset columns shown here (one copy of each, not two).
        if self.transport == "udp":
            self.tracker = BoundaryTracker()
        else:
            self.tracker = BoundaryTracker(self.msg_start, self.msg_end, self.chunk_start, self.chunk_end)
        self.chunk_merged = array("b")  # per classified recv chunk: 1 if it holds bytes of 2+ messages
        self.send_t = array("d")
        self.send_q = array("q")
        self.recv_t = array("d")
        self.recv_q = array("q")
        # The wire (a relay between the ends): what it forwarded client -> server.
        self.wire: bool = "wire_seed" in self.config
        self.seg_t = array("d")
        self.seg_start = array("I")  # TCP: stream offsets of each segment
        self.seg_end = array("I")
        self.wire_slot = array("q")  # UDP: the datagram each forwarded copy carried
        self.wire_flags = array("b")  # UDP: 1 duplicate, 2 held back (overtaken)
        self.wire_dropped: dict[int, str] = {}  # UDP: datagram -> "loss" / "mtu"
        self.chunk_slots_sorted = True  # UDP: False once a datagram arrived after a later one
        self.log: list[tuple[float, str, str, int, str]] = []
        self.log_dropped = 0
        self.errors: list[str] = []
        self.error_notes: list[str] = []  # per error: a translated sentence, or ""
        self.finished = False
        self.finish_reason = ""
        # Time the run was held at the gate (paused or stepped): per endpoint, from its
        # CallPending until its next own event; merged, in seconds since the run started.
        self.held: list[tuple[float, float]] = []
        self._waiting_since: dict[str, float] = {}

    # ------------------------------------------------------------ derived
    @property
    def sent_bytes(self) -> int:
        return self.msg_end[-1] if self.msg_end else 0

    @property
    def received_bytes(self) -> int:
        return self.chunk_end[-1] if self.chunk_end else 0

    @property
    def decoded_bytes(self) -> int:
        return self.frame_end[-1] if self.frame_end else 0

    @property
    def messages_intended(self) -> int:
        return messages_intended(self.config)

    @property
    def merged_chunks(self) -> int:
        return self.tracker.merged_chunks

    @property
    def split_messages(self) -> int:
        return self.tracker.split_messages

    @property
    def app_messages(self) -> int:
        return len(self.frame_start)

    @property
    def wrong_app_messages(self) -> int:
        return len(self.frame_intact) - self.frames_intact

    @property
    def truncated_datagrams(self) -> int:
        return len(self.chunk_truncated)

    @property
    def lost_datagrams(self) -> int:
        if self.transport != "udp" or not self.finished:
            return 0
        return max(0, len(self.msg_start) - len(set(self.chunk_slot)))

    @property
    def duplicated_datagrams(self) -> int:
        return len(self.chunk_slot) - len(set(self.chunk_slot)) if self.transport == "udp" else 0

    @property
    def reordered_datagrams(self) -> int:
        """Datagrams received after one sent later (counted as the core's analysis does)."""
        if self.transport != "udp":
            return 0
        seen: set[int] = set()
        highest, late = -1, 0
        for slot in self.chunk_slot:
            if slot in seen:
                continue
            seen.add(slot)
            late += slot < highest
            highest = max(highest, slot)
        return late

    @property
    def wire_segments(self) -> int:
        return len(self.seg_start) if self.transport == "tcp" else len(self.wire_slot)

    @property
    def app_messages_match(self) -> bool:
        return (
            self.app_messages == self.messages_intended
            and self.wrong_app_messages == 0
            and not self.chunk_truncated
        )

    def t_s(self, t_ns: int) -> float:
        return (t_ns - self.t0_ns) / 1e9

    # ------------------------------------------------------------ feeding
    def feed(self, events: Sequence[Event]) -> None:
        if len(events):
            self._backlog.append([iter(events), len(events)])

    def feed_source(self, events: Iterable[Event]) -> None:
        """Draw a whole run (a trace opened from a file) a slice per ``process`` call.

        The events are taken from ``events`` as they are drawn, so they are never all held
        as objects at once; ``loading`` stays True until the last one is in.
        """
        self._source = iter(events)

    @property
    def loading(self) -> bool:
        return self._source is not None

    @property
    def backlog(self) -> int:
        return sum(int(b[1]) for b in self._backlog) + (1 if self._source is not None else 0)

    def process(self, budget_s: float = 0.004) -> bool:
        """Digest queued events for at most ``budget_s``; True if anything changed."""
        if not self._backlog and self._source is None:
            return False
        deadline = time.perf_counter() + budget_s
        log_first = len(self.log)
        while self._backlog:
            batch = self._backlog[0]
            take = list(islice(batch[0], 200))
            batch[1] -= len(take)
            if batch[1] <= 0 or not take:
                self._backlog.popleft()
            self._apply(take)
            if time.perf_counter() > deadline:
                break
        while self._source is not None and time.perf_counter() <= deadline:
            take = list(islice(self._source, 2000))
            self._apply(take)
            if len(take) < 2000:  # the whole run is in
                self._source = None
                self.tracker.finish()
                self._sync_merged()
        if len(self.log) > log_first:
            self.log_appended.emit(log_first, len(self.log) - 1)
        self.changed.emit()
        return True

    def load(self, events: Iterable[Event]) -> None:
        """Take a whole run at once (a trace opened from a file)."""
        it = iter(events)
        while take := list(islice(it, 4096)):
            self._apply(take)
        self.tracker.finish()
        self._sync_merged()
        self.changed.emit()

    def _log(self, t_ns: int, side: str, call: str, size: int, result: str) -> None:
        if len(self.log) >= LOG_MAX_ROWS:
            self.log_dropped += 1
            return
        self.log.append((self.t_s(t_ns) * 1000, side, call, size, result))

    def _apply(self, events: list[Event]) -> None:
        udp = self.transport == "udp"
        narrow = self.offsets_typecode != "q"
        for ev in events:
            if (
                narrow
                and isinstance(ev, (BytesSent, BytesReceived, FrameDecoded, SegmentForwarded))
                and not (0 <= ev.start <= _U32_MAX and 0 <= ev.end <= _U32_MAX)
            ):
                self._widen_offsets()
                narrow = False
            if isinstance(ev, BytesSent):
                self.msg_id.append(ev.msg_id)
                self.msg_t.append(self.t_s(ev.t_ns))
                if udp:
                    self.msg_start.append(ev.start)
                    self.msg_end.append(ev.end)
                else:
                    self.tracker.add_message(ev.start, ev.end)
                self.msg_head.append(min(max(ev.header_bytes, 0), _I16_MAX))
                self.msg_tail.append(min(max(ev.trailer_bytes, 0), _I16_MAX))
                if len(self.msg_data) < KEEP_BYTES_ITEMS:
                    self.msg_data.append(ev.data)
                if len(self.log) < LOG_MAX_ROWS:
                    call = "sendto()" if udp else "sendall()"
                    self._log(ev.t_ns, ev.endpoint, f"{call} #{ev.msg_id + 1}", ev.end - ev.start, "ok")
            elif isinstance(ev, BytesReceived):
                i = len(self.chunk_start)
                self.chunk_t.append(self.t_s(ev.t_ns))
                if udp:
                    self.chunk_start.append(ev.start)
                    self.chunk_end.append(ev.end)
                else:
                    self.tracker.add_chunk(ev.start, ev.end)
                self.chunk_wire.append(ev.wire_size if ev.wire_size >= 0 else ev.end - ev.start)
                if ev.truncated:
                    self.chunk_truncated.add(i)
                slot = ev.datagram if ev.datagram >= 0 else i
                if self.chunk_slot and slot < self.chunk_slot[-1]:
                    self.chunk_slots_sorted = False
                self.chunk_slot.append(slot)
                if len(self.chunk_data) < KEEP_BYTES_ITEMS:
                    self.chunk_data.append(ev.data)
                if len(self.log) < LOG_MAX_ROWS:
                    note = "truncated (MSG_TRUNC)" if ev.truncated else "ok"
                    call = "recvfrom()" if udp else "recv()"
                    self._log(ev.t_ns, ev.endpoint, call, ev.end - ev.start, note)
            elif isinstance(ev, FrameDecoded):
                self.frame_index.append(ev.index)
                self.frame_t.append(self.t_s(ev.t_ns))
                self.frame_start.append(ev.start)
                self.frame_end.append(ev.end)
                self.frame_intact.append(1 if ev.intact else 0)
                self.frames_intact += ev.intact
                if len(self.frame_payload) < KEEP_BYTES_ITEMS:
                    self.frame_payload.append(ev.payload)
            elif isinstance(ev, QueueSampled):
                if ev.queue == "send":
                    self.send_t.append(self.t_s(ev.t_ns))
                    self.send_q.append(ev.nbytes)
                else:
                    self.recv_t.append(self.t_s(ev.t_ns))
                    self.recv_q.append(ev.nbytes)
            elif isinstance(ev, SocketCalled):
                self._log(ev.t_ns, ev.endpoint, ev.call, ev.size, ev.result)
                if ev.result == EOF_RESULT and ev.endpoint == self.receiving_end and not udp:
                    self.eof_at = self.received_bytes
            elif isinstance(ev, SocketFailed):
                self.errors.append(f"{ev.endpoint}: {ev.call}: {ev.message}")
                self.error_notes.append(explain(ev))  # the same error in the UI's language
                self._log(ev.t_ns, ev.endpoint, ev.call, -1, describe(ev))
                if ev.endpoint == self.sending_end and ev.call.startswith("sendto("):
                    self.failed_sends.append((len(self.msg_start) + len(self.failed_sends), ev.message))
            elif isinstance(ev, SegmentForwarded):
                if ev.direction == self.data_direction:
                    self.seg_t.append(self.t_s(ev.t_ns))
                    self.seg_start.append(ev.start)
                    self.seg_end.append(ev.end)
            elif isinstance(ev, DatagramForwarded):
                if ev.direction == self.data_direction:
                    self.seg_t.append(self.t_s(ev.t_ns))
                    self.wire_slot.append(ev.index)
                    self.wire_flags.append((1 if ev.duplicate else 0) | (2 if ev.reordered else 0))
            elif isinstance(ev, DatagramDropped):
                if ev.direction == self.data_direction:
                    self.wire_dropped[ev.index] = ev.reason
                    self._log(
                        ev.t_ns, ev.endpoint, f"datagram #{ev.index + 1}", ev.size, f"dropped ({ev.reason})"
                    )
            elif isinstance(ev, CallPending):
                self._waiting_since.setdefault(ev.endpoint, self.t_s(ev.t_ns))
                continue
            elif isinstance(ev, RunStarted):
                self._clear(ev.config)
                self.t0_ns = ev.t_ns
                udp = self.transport == "udp"
                narrow = True
            elif isinstance(ev, RunFinished):
                self.finished = True
                self.finish_reason = ev.reason
                self.tracker.finish()
                for since in self._waiting_since.values():
                    self._add_held(since, self.t_s(ev.t_ns))
                self._waiting_since.clear()
                continue
            # The endpoint's own next event: its call went ahead (the sampler's readings carry an
            # endpoint too, but go on while the call waits).
            if ev.endpoint in self._waiting_since and not isinstance(ev, QueueSampled):
                self._add_held(self._waiting_since.pop(ev.endpoint), self.t_s(ev.t_ns))
        self._sync_merged()

    def _add_held(self, start: float, end: float) -> None:
        if end <= start:
            return
        held = self.held
        i = bisect_right(held, (start, float("inf")))
        if i > 0 and held[i - 1][1] >= start:  # overlaps the one before: merge
            i -= 1
            start = held[i][0]
            end = max(end, held[i][1])
            del held[i]
        while i < len(held) and held[i][0] <= end:  # swallow the ones it covers
            end = max(end, held[i][1])
            del held[i]
        held.insert(i, (start, end))

    def held_before(self, t: float) -> float:
        """Seconds of held (paused / stepped) time before ``t``."""
        total = 0.0
        for start, end in self.held:
            if start >= t:
                break
            total += min(end, t) - start
        return total

    def active_time(self, t: float) -> float:
        """``t`` (seconds since the start) with the held time before it cut out."""
        return t - self.held_before(t)

    def active_times_ms(self, times: Iterable[float]) -> list[float]:
        """:meth:`active_time` of each of ``times`` (ascending), in milliseconds, in one pass."""
        if not self.held:
            return [t * 1000 for t in times]
        out = []
        held, i, cut = self.held, 0, 0.0
        for t in times:
            while i < len(held) and held[i][1] <= t:
                cut += held[i][1] - held[i][0]
                i += 1
            inside = max(0.0, t - held[i][0]) if i < len(held) and held[i][0] < t else 0.0
            out.append((t - cut - inside) * 1000)
        return out

    def real_time(self, active: float) -> float:
        """The inverse of :meth:`active_time`; a cut point maps to the end of its hold."""
        t = active
        for start, end in self.held:
            if start > t:
                break
            t += end - start
        return t

    def _widen_offsets(self) -> None:
        """Every stream-offset column to 8 bytes (an offset past 4 GiB, or a negative one, came)."""
        for name in _OFFSET_COLUMNS:
            setattr(self, name, array("q", getattr(self, name)))
        self.offsets_typecode = "q"
        if self.transport != "udp":  # the tracker fills the TCP ones: hand it the new columns
            self.tracker.msg_start, self.tracker.msg_end = self.msg_start, self.msg_end
            self.tracker.chunk_start, self.tracker.chunk_end = self.chunk_start, self.chunk_end

    def _sync_merged(self) -> None:
        first, last = self.tracker.chunk_first, self.tracker.chunk_last
        for i in range(len(self.chunk_merged), self.tracker.classified_chunks):
            self.chunk_merged.append(1 if last[i] > first[i] else 0)

    # ------------------------------------------------------------ queries
    def _generated(self) -> tuple[int, int]:
        """(count, size) of a run of generated messages, (0, 0) otherwise (or if the config is odd)."""
        count, size = self.config.get("count"), self.config.get("size")
        if type(count) is int and type(size) is int and count > 0 and 0 <= size <= MAX_TRACE_MESSAGE_BYTES:
            return count, size
        return 0, 0

    def message_wire(self, i: int) -> bytes | None:
        """Wire bytes of message column ``i``: kept, or re-made for generated messages, or None."""
        if i < len(self.msg_data) and (self.msg_data[i] or self.msg_start[i] == self.msg_end[i]):
            return self.msg_data[i]
        count, size = self._generated()
        if count and self._codec is not None and i < len(self.msg_id):
            try:
                return self._codec.encode(generated_message(self.msg_id[i], size))
            except FramingError:
                return None
        return None

    def frame_bytes(self, i: int) -> bytes | None:
        """Payload the application got for frame ``i``: kept, or re-made when it was intact."""
        if i < len(self.frame_payload) and (
            self.frame_payload[i] or self.frame_start[i] == self.frame_end[i]
        ):
            return self.frame_payload[i]
        count, size = self._generated()
        if count and i < len(self.frame_intact) and self.frame_intact[i]:
            return generated_message(self.frame_index[i], size)
        return None

    def state_at(self, t: float) -> dict[str, int]:
        """Where the bytes were at ``t`` seconds: ends of sent/received/decoded, queue sizes."""

        def last(times: array[float], values: Sequence[int], default: int = 0) -> int:
            i = bisect_right(times, t) - 1
            return int(values[i]) if i >= 0 else default

        return {
            "sent": last(self.msg_t, self.msg_end),
            "messages_sent": bisect_right(self.msg_t, t),
            "received": last(self.chunk_t, self.chunk_end),
            "decoded": last(self.frame_t, self.frame_end),
            "send_q": last(self.send_t, self.send_q),
            "recv_q": last(self.recv_t, self.recv_q),
        }

    def peak_recv_queue_time(self) -> float | None:
        """When the receive queue held the most bytes (the moment worth showing after a run)."""
        if not self.recv_q:
            return None
        best = max(range(len(self.recv_q)), key=lambda i: (self.recv_q[i], -i))
        return self.recv_t[best] if self.recv_q[best] > 0 else None

    @property
    def duration(self) -> float:
        ends = [a[-1] for a in (self.msg_t, self.chunk_t, self.frame_t) if len(a)]
        ends += [a[-1] for a in (self.send_t, self.recv_t) if len(a)]
        return max(ends, default=0.0)

    def message_at(self, offset: int) -> int:
        """Index (into the msg columns) of the message holding stream byte ``offset``, or -1."""
        i = bisect_right(self.msg_start, offset) - 1
        while i >= 0 and self.msg_end[i] == self.msg_start[i]:
            i -= 1  # skip empty messages sitting at this offset
        if i >= 0 and self.msg_start[i] <= offset < self.msg_end[i]:
            return i
        return -1

    def stream_bytes(self, start: int, end: int) -> bytes | None:
        """The wire bytes ``[start, end)`` if they are still kept, else None."""
        out = bytearray()
        i = bisect_right(self.msg_start, start) - 1
        i = max(i, 0)
        while i < len(self.msg_start) and self.msg_start[i] < end:
            s, data = self.msg_start[i], self.message_wire(i)
            if data is None:
                return None
            lo, hi = max(start, s), min(end, s + len(data))
            if hi > lo:
                out += data[lo - s : hi - s]
            i += 1
        return bytes(out) if len(out) == end - start else None
