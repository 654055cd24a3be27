"""One run's append-only record, its JSON Lines form, and boundary analysis.

The analysis works on the stream-offset axis.  Messages (what each ``send()`` put on the wire)
and recv chunks (what each ``recv()`` returned) are both sorted ranges of that axis, so one
sweep finds, for each chunk, the messages it touches:

* a chunk touching two or more messages is **merged** (sticky packets, 黏包);
* a message touched by two or more chunks is **split** (half packet, 半包).

:class:`BoundaryTracker` does that sweep incrementally, so the GUI can feed it batch by batch
and the CLI can feed it a whole trace; both get the same numbers.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from netsim.core.events import (
    BytesReceived,
    BytesSent,
    Event,
    FrameDecoded,
    RunFinished,
    RunStarted,
    SocketFailed,
    event_from_dict,
    event_to_dict,
)

TRACE_FORMAT = "netsim-trace"
TRACE_VERSION = 1


# Characters str.splitlines() (and many editors) treat as line ends, which json.dumps leaves raw
# with ensure_ascii=False: written as \u escapes, every event stays on one line for any reader.
_LINE_BREAKS_ESCAPED = {c: f"\\u{c:04x}" for c in (0x85, 0x2028, 0x2029)}


class TraceFormatError(ValueError):
    """A file that is not a NetSim trace, or a damaged one."""


# Field annotations (strings, under `from __future__ import annotations`) a loaded value must match.
_FIELD_TYPES: dict[str, type | tuple[type, ...]] = {
    "int": int,
    "str": str,
    "bytes": bytes,
    "bool": bool,
    "dict[str, Any]": dict,
}


def _checked(event: Event) -> Event:
    """``event`` if every field has its declared type; else ValueError (a damaged trace line)."""
    for f in dataclasses.fields(event):
        expected = _FIELD_TYPES.get(str(f.type))
        value = getattr(event, f.name)
        if expected is not None and not isinstance(value, expected):
            raise ValueError(f"{event.kind}.{f.name} should be {f.type}, not {value!r}")
    return event


class BoundaryTracker:
    """Incremental merged/split analysis of messages against recv chunks (TCP).

    ``add_message`` and ``add_chunk`` may arrive in any interleaving (the receiver can record a
    chunk before the sender records the send that produced it); each list must itself be in
    offset order, which one sender thread and one receiver thread guarantee.  A chunk is
    classified once the messages covering it are known, or at ``finish()``.
    """

    def __init__(self) -> None:
        self.msg_start: list[int] = []
        self.msg_end: list[int] = []
        self.msg_chunks: list[int] = []  # how many chunks touch each message
        self.chunk_start: list[int] = []
        self.chunk_end: list[int] = []
        self.chunk_first: list[int] = []  # first message index a chunk touches, -1 if none
        self.chunk_last: list[int] = []
        self.merged_chunks = 0
        self.split_messages = 0
        self._sent_end = 0
        self._done_chunks = 0
        self._mi = 0

    def add_message(self, start: int, end: int) -> None:
        self.msg_start.append(start)
        self.msg_end.append(end)
        self.msg_chunks.append(0)
        self._sent_end = max(self._sent_end, end)
        self._advance(final=False)

    def add_chunk(self, start: int, end: int) -> None:
        self.chunk_start.append(start)
        self.chunk_end.append(end)
        self._advance(final=False)

    def finish(self) -> None:
        self._advance(final=True)

    @property
    def classified_chunks(self) -> int:
        return self._done_chunks

    def _advance(self, *, final: bool) -> None:
        ms, me, counts = self.msg_start, self.msg_end, self.msg_chunks
        nmsg = len(ms)
        while self._done_chunks < len(self.chunk_start):
            c = self._done_chunks
            cs, ce = self.chunk_start[c], self.chunk_end[c]
            if ce > self._sent_end and not final:
                return  # the messages this chunk belongs to are not all known yet
            mi = self._mi
            while mi < nmsg and me[mi] <= cs:
                mi += 1
            self._mi = mi
            first = last = -1
            touched = 0
            j = mi
            while j < nmsg and ms[j] < ce and ce > cs:  # an empty chunk holds no message's bytes
                if me[j] > cs and me[j] > ms[j]:
                    touched += 1
                    if first < 0:
                        first = j
                    last = j
                    counts[j] += 1
                    if counts[j] == 2:
                        self.split_messages += 1
                j += 1
            if touched >= 2:
                self.merged_chunks += 1
            self.chunk_first.append(first)
            self.chunk_last.append(last)
            self._done_chunks += 1


@dataclass
class Analysis:
    transport: str
    framing: str
    messages_intended: int
    messages_sent: int
    bytes_sent: int
    recv_calls: int
    bytes_received: int
    merged_chunks: int
    split_messages: int
    app_messages: int
    app_messages_intact: int
    truncated_datagrams: int
    lost_datagrams: int
    errors: list[str]
    finished: bool
    tracker: BoundaryTracker = field(repr=False)
    duplicated_datagrams: int = 0  # UDP: received again (a datagram the receiver already had)
    reordered_datagrams: int = 0  # UDP: received after a datagram that was sent later

    @property
    def app_messages_match(self) -> bool:
        """Did the receiving application obtain exactly the messages the sender meant to send?"""
        return (
            self.app_messages == self.messages_intended
            and self.app_messages_intact == self.app_messages
            and not self.truncated_datagrams
        )

    @property
    def wrong_app_messages(self) -> int:
        """Messages the application obtained that differ from the message sent in that place."""
        return self.app_messages - self.app_messages_intact

    @property
    def missing_app_messages(self) -> int:
        """Messages meant to be sent that the application never obtained as such."""
        return max(0, self.messages_intended - self.app_messages)

    def summary(self) -> dict[str, Any]:
        return {
            "transport": self.transport,
            "framing": self.framing,
            "messages_intended": self.messages_intended,
            "messages_sent": self.messages_sent,
            "bytes_sent": self.bytes_sent,
            "recv_calls": self.recv_calls,
            "bytes_received": self.bytes_received,
            "merged_chunks": self.merged_chunks,
            "split_messages": self.split_messages,
            "app_messages": self.app_messages,
            "app_messages_intact": self.app_messages_intact,
            "wrong_app_messages": self.wrong_app_messages,
            "missing_app_messages": self.missing_app_messages,
            "app_messages_match": self.app_messages_match,
            "truncated_datagrams": self.truncated_datagrams,
            "lost_datagrams": self.lost_datagrams,
            "duplicated_datagrams": self.duplicated_datagrams,
            "reordered_datagrams": self.reordered_datagrams,
            "errors": list(self.errors),
            "finished": self.finished,
        }


class Trace:
    """The append-only record of one run."""

    def __init__(self, events: Iterable[Event] = ()) -> None:
        self._events: list[Event] = list(events)

    def append(self, event: Event) -> None:
        self._events.append(event)

    def extend(self, events: Iterable[Event]) -> None:
        self._events.extend(events)

    @property
    def events(self) -> list[Event]:
        return self._events

    def __len__(self) -> int:
        return len(self._events)

    def __iter__(self) -> Iterator[Event]:
        return iter(self._events)

    @property
    def config(self) -> dict[str, Any]:
        for ev in self._events:
            if isinstance(ev, RunStarted):
                return ev.config
        return {}

    # ---------------------------------------------------------------- files
    def dump(self, fp: IO[str]) -> None:
        fp.write(json.dumps({"format": TRACE_FORMAT, "version": TRACE_VERSION}) + "\n")
        for ev in self._events:
            line = json.dumps(event_to_dict(ev), ensure_ascii=False)
            fp.write(line.translate(_LINE_BREAKS_ESCAPED) + "\n")

    def save(self, path: str | Path) -> None:
        with open(path, "w", encoding="utf-8") as fp:
            self.dump(fp)

    @classmethod
    def load(cls, path: str | Path) -> Trace:
        try:
            with open(path, encoding="utf-8") as fp:
                return cls.loads(fp)
        except UnicodeDecodeError as exc:  # a binary file: say so instead of a traceback
            raise TraceFormatError(f"not a NetSim trace: not UTF-8 text ({exc.reason})") from exc

    @classmethod
    def loads(cls, lines: Iterable[str]) -> Trace:
        """Parse JSON Lines: an open text file, a list of lines, or the whole text as one string."""
        if isinstance(lines, str):
            # Iterating a str would give characters.  Split on "\n" only: str.splitlines() would also
            # cut at U+2028 and friends, which json.dumps(ensure_ascii=False) leaves inside strings.
            lines = lines.split("\n")
        it = iter(lines)
        try:
            head = json.loads(next(it))
        except (StopIteration, json.JSONDecodeError) as exc:
            raise TraceFormatError("not a NetSim trace: the first line is not its JSON header") from exc
        if not isinstance(head, dict) or head.get("format") != TRACE_FORMAT:
            raise TraceFormatError("not a NetSim trace: missing the netsim-trace header")
        if head.get("version") != TRACE_VERSION:
            raise TraceFormatError(f"unsupported trace version {head.get('version')!r}")
        trace = cls()
        for number, line in enumerate(it, start=2):
            if not line.strip():
                continue
            try:
                trace.append(_checked(event_from_dict(json.loads(line))))
            except (ValueError, TypeError, KeyError) as exc:
                raise TraceFormatError(f"line {number}: {exc}") from exc
        return trace

    # ------------------------------------------------------------- analysis
    def analyze(self) -> Analysis:
        return analyze(self._events)


def analyze(events: Iterable[Event]) -> Analysis:
    config: dict[str, Any] = {}
    tracker = BoundaryTracker()
    messages_sent = bytes_sent = recv_calls = bytes_received = 0
    app = intact = truncated = 0
    seen: set[int] = set()  # UDP: datagram numbers received
    unnumbered = duplicated = reordered = 0
    highest = -1
    errors: list[str] = []
    finished = False
    for ev in events:
        if isinstance(ev, BytesSent):
            messages_sent += 1
            bytes_sent += ev.end - ev.start
            if config.get("transport", "tcp") == "tcp":
                tracker.add_message(ev.start, ev.end)
        elif isinstance(ev, BytesReceived):
            recv_calls += 1
            bytes_received += ev.end - ev.start
            truncated += ev.truncated
            if ev.datagram < 0:
                unnumbered += 1
            elif ev.datagram in seen:
                duplicated += 1
            else:
                reordered += ev.datagram < highest
                highest = max(highest, ev.datagram)
                seen.add(ev.datagram)
            if config.get("transport", "tcp") == "tcp":
                tracker.add_chunk(ev.start, ev.end)
        elif isinstance(ev, FrameDecoded):
            app += 1
            intact += ev.intact
        elif isinstance(ev, SocketFailed):
            errors.append(f"{ev.endpoint}: {ev.call}: {ev.message}")
        elif isinstance(ev, RunStarted):
            config = ev.config
        elif isinstance(ev, RunFinished):
            finished = True
    tracker.finish()
    transport = str(config.get("transport", "tcp"))
    intended = int(config.get("count") or 0) or len(config.get("messages", ()))
    return Analysis(
        transport=transport,
        framing=str(config.get("framing", "none")),
        messages_intended=intended,
        messages_sent=messages_sent,
        bytes_sent=bytes_sent,
        recv_calls=recv_calls,
        bytes_received=bytes_received,
        merged_chunks=tracker.merged_chunks,
        split_messages=tracker.split_messages,
        app_messages=app,
        app_messages_intact=intact,
        truncated_datagrams=truncated,
        lost_datagrams=max(0, messages_sent - len(seen) - unnumbered) if transport == "udp" else 0,
        errors=errors,
        finished=finished,
        tracker=tracker,
        duplicated_datagrams=duplicated if transport == "udp" else 0,
        reordered_datagrams=reordered if transport == "udp" else 0,
    )
