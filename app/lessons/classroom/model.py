"""What the Classroom panel shows, built from the server's events and status snapshots (no Qt).

Lanes: one per student, on a shared sliding time axis of :data:`WINDOW_S` seconds cut into
bins of :data:`BIN_NS`.  Each lane has three strips - what the student sent (messages the
server decoded), the server's ``recv()`` chunks (merged and split ones marked), and what the
server sent back (echoes, broadcasts, the challenge).  A bin only stores counts, so a lane costs
the same whatever the traffic; the view draws runs of busy bins, not events.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from netsim.core.events import Event
from netsim.lessons.classroom.events import (
    ChunkRead,
    MessagesQueued,
    StudentConnected,
    StudentError,
    StudentIdentified,
    StudentLeft,
    StudentVerdict,
)
from netsim.lessons.classroom.protocol import PENDING

BIN_NS = 50_000_000
WINDOW_S = 60
MIN_SPAN_BINS = 100  # the axis shows at least 5 s, at most WINDOW_S
BINS = WINDOW_S * 1_000_000_000 // BIN_NS
MAX_LANES = 500  # oldest departed students are dropped beyond this

# Strip kinds of a lane, and the marks inside the chunk strip.
SENT, CHUNK, MERGED, SPLIT, REPLY = range(5)


@dataclass
class Lane:
    sid: int
    address: str = ""
    name: str = ""
    form: str = ""
    verdict: str = PENDING
    connected: bool = True
    errors: int = 0
    # abs bin -> [sent, chunks, merged, split, replies]
    bins: dict[int, list[int]] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return self.name or self.address or f"#{self.sid}"


class ClassModel:
    """Lanes keyed by ``sid`` in arrival order; ``version`` grows with every change."""

    def __init__(self) -> None:
        self.lanes: dict[int, Lane] = {}
        self.version = 0
        self.head_bin = 0  # the newest bin seen (absolute: t_ns // BIN_NS)
        self.origin_ns: int | None = None  # the first event
        self.merged_total = 0
        self.split_total = 0
        self.messages_total = 0

    def clear(self) -> None:
        self.__init__()  # type: ignore[misc]

    def lane(self, sid: int) -> Lane:
        lane = self.lanes.get(sid)
        if lane is None:
            lane = self.lanes[sid] = Lane(sid)
            if len(self.lanes) > MAX_LANES:
                for old in list(self.lanes.values()):
                    if not old.connected:
                        del self.lanes[old.sid]
                        break
        return lane

    def _bin(self, lane: Lane, t_ns: int) -> list[int]:
        b = t_ns // BIN_NS
        if self.origin_ns is None:
            self.origin_ns = t_ns
        if b > self.head_bin:
            self.head_bin = b
        counts = lane.bins.get(b)
        if counts is None:
            counts = lane.bins[b] = [0, 0, 0, 0, 0]
        return counts

    def feed(self, batch: list[Event]) -> None:
        for ev in batch:
            if isinstance(ev, ChunkRead):
                counts = self._bin(self.lane(ev.sid), ev.t_ns)
                counts[SENT] += ev.messages
                counts[CHUNK] += 1
                if ev.merged:
                    counts[MERGED] += 1
                    self.merged_total += 1
                counts[SPLIT] += ev.split
                self.split_total += ev.split
                self.messages_total += ev.messages
            elif isinstance(ev, MessagesQueued):
                self._bin(self.lane(ev.sid), ev.t_ns)[REPLY] += ev.messages
            elif isinstance(ev, StudentConnected):
                lane = self.lane(ev.sid)
                lane.address = ev.address
                self._bin(lane, ev.t_ns)
            elif isinstance(ev, StudentIdentified):
                lane = self.lane(ev.sid)
                lane.form, lane.name = ev.form, ev.name
            elif isinstance(ev, StudentVerdict):
                self.lane(ev.sid).verdict = ev.verdict
            elif isinstance(ev, StudentLeft):
                self.lane(ev.sid).connected = False
            elif isinstance(ev, StudentError):
                self.lane(ev.sid).errors += 1
            else:
                continue
            self.version += 1

    def advance(self, now_ns: int) -> None:
        """Slide the window to ``now_ns`` and forget bins that left it."""
        b = now_ns // BIN_NS
        if b > self.head_bin:
            self.head_bin = b
            self.version += 1
        if b % 16 == 0:
            oldest = self.head_bin - BINS
            for lane in self.lanes.values():
                if lane.bins and min(lane.bins) <= oldest:
                    for key in [k for k in lane.bins if k <= oldest]:
                        del lane.bins[key]

    def span_bins(self) -> int:
        """Bins on the axis: from the first event (at least 5 s back) up to :data:`WINDOW_S`."""
        if self.origin_ns is None:
            return MIN_SPAN_BINS
        return max(MIN_SPAN_BINS, min(BINS, self.head_bin - self.origin_ns // BIN_NS + 1))

    def runs(self, lane: Lane, kind: int, span: int = BINS) -> list[tuple[int, int, int]]:
        """``(first, last, total)`` runs of consecutive bins of the last ``span`` (0 = oldest)
        where ``kind`` > 0."""
        first_bin = self.head_bin - span + 1
        out: list[tuple[int, int, int]] = []
        for b in sorted(lane.bins):
            count = lane.bins[b][kind]
            if not count or b < first_bin:
                continue
            i = b - first_bin
            if out and out[-1][1] == i - 1:
                start, _end, total = out[-1]
                out[-1] = (start, i, total + count)
            else:
                out.append((i, i, count))
        return out

    def ordered(self) -> list[Lane]:
        return [self.lanes[sid] for sid in sorted(self.lanes)]
