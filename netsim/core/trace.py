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
import math
import os
import threading
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, TypeVar

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
from netsim.core.store import COMPACT_TYPES, EventLog, EventStore

E = TypeVar("E", bound=Event)

TRACE_FORMAT = "netsim-trace"
TRACE_VERSION = 1


# Characters str.splitlines() (and many editors) treat as line ends, which json.dumps leaves raw
# with ensure_ascii=False: written as \u escapes, every event stays on one line for any reader.
_LINE_BREAKS_ESCAPED = {c: f"\\u{c:04x}" for c in (0x85, 0x2028, 0x2029)}


class TraceFormatError(ValueError):
    """A file that is not a NetSim trace, or a damaged one."""


def _q(values: array[int]) -> array[int]:
    return values if values.typecode == "q" else array("q", values)


class BoundaryTracker:
    """Incremental merged/split analysis of messages against recv chunks (TCP).

    ``add_message`` and ``add_chunk`` may arrive in any interleaving (the receiver can record a
    chunk before the sender records the send that produced it); each list must itself be in
    offset order, which one sender thread and one receiver thread guarantee.  A chunk is
    classified once the messages covering it are known, or at ``finish()``.
    """

    def __init__(
        self,
        msg_start: array[int] | None = None,
        msg_end: array[int] | None = None,
        chunk_start: array[int] | None = None,
        chunk_end: array[int] | None = None,
    ) -> None:
        """The offset columns may be handed in (empty, typecode "q") to share them with a model
        that shows the same ranges; ``add_message``/``add_chunk`` then fill them."""
        # Columns, not lists: ten million messages cost 200 MB here, not a gigabyte of int objects.
        self.msg_start = msg_start if msg_start is not None else array("q")
        self.msg_end = msg_end if msg_end is not None else array("q")
        self.msg_chunks = array("i")  # how many chunks touch each message
        self.chunk_start = chunk_start if chunk_start is not None else array("q")
        self.chunk_end = chunk_end if chunk_end is not None else array("q")
        self.chunk_first = array("q")  # first message index a chunk touches, -1 if none
        self.chunk_last = array("q")
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

    def add_messages(self, starts: array[int], ends: array[int]) -> None:
        """Many messages at once (in offset order): the same result as one ``add_message`` each."""
        if not len(starts):
            return
        self.msg_start.extend(_q(starts))
        self.msg_end.extend(_q(ends))
        self.msg_chunks.extend(array("i", [0]) * len(starts))
        self._sent_end = max(self._sent_end, max(ends))
        self._advance(final=False)

    def add_chunks(self, starts: array[int], ends: array[int]) -> None:
        """Many recv chunks at once (in offset order), as ``add_chunk`` each."""
        self.chunk_start.extend(_q(starts))
        self.chunk_end.extend(_q(ends))
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


MiB = 1024 * 1024
#: The largest trace file loaded by default (``--max-trace-mb`` / the GUI's setting change it).
MAX_TRACE_MB = 256
MAX_LINE_BYTES = 64 * MiB  # one event: a 32 MiB payload in base64, and then some
MAX_HEADER_BYTES = 4096
_PROGRESS_EVERY_BYTES = MiB // 4

#: ``progress(done, total)``: bytes (or characters) read so far, and the size (0 if unknown).
Progress = Callable[[int, int], None]


def max_trace_mb() -> float:
    """The trace size limit: ``NETSIM_MAX_TRACE_MB`` from the environment if set, else the default."""
    try:
        value = float(os.environ.get("NETSIM_MAX_TRACE_MB", MAX_TRACE_MB))
    except ValueError:
        return MAX_TRACE_MB
    return value if value > 0 and math.isfinite(value) else MAX_TRACE_MB


class TraceLoadCancelled(Exception):
    """Loading was cancelled (the ``cancel`` callback said so); nothing was loaded."""


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


_DECODER = json.JSONDecoder(parse_constant=_reject_constant)


def _parse_json(text: str) -> Any:
    """One line's JSON, any failure (nesting, a 5,000-digit number, NaN) a ValueError saying so."""
    try:
        return _DECODER.decode(text)
    except RecursionError:
        raise ValueError("nested too deeply") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON ({exc.msg} at column {exc.colno})") from None
    except ValueError as exc:  # the int digit limit, or a constant rejected above
        raise ValueError(f"not a usable JSON value ({str(exc)[:120]})") from None


class _Loader:
    """Checks a trace line by line: the header first, then each event (see :func:`event_from_dict`)."""

    def __init__(
        self,
        *,
        keep_bytes: int | None,
        validate_config: Callable[[dict[str, Any]], object] | None,
    ) -> None:
        self.trace = Trace()
        self._keep_left = keep_bytes
        self._validate_config = validate_config
        self._bytes_fields: dict[type[Event], list[str]] = {}
        self.have_header = False

    def header(self, number: int, text: str) -> None:
        if len(text) > MAX_HEADER_BYTES:
            raise TraceFormatError(f"not a NetSim trace: line {number} is too long for its header")
        try:
            head = _parse_json(text)
        except ValueError as exc:
            raise TraceFormatError(
                f"not a NetSim trace: the first line is not its JSON header (line {number}: {exc})"
            ) from None
        if not isinstance(head, dict) or head.get("format") != TRACE_FORMAT:
            raise TraceFormatError("not a NetSim trace: missing the netsim-trace header")
        version = head.get("version")
        if version != TRACE_VERSION or type(version) is not int:
            shown = repr(version) if len(repr(version)) <= 20 else repr(version)[:20] + "…"
            raise TraceFormatError(f"unsupported trace version {shown}")
        self.have_header = True

    def line(self, number: int, text: str) -> None:
        if not self.have_header:
            self.header(number, text)
            return
        if not text.strip():
            return
        try:
            event = event_from_dict(_parse_json(text))
            if isinstance(event, RunStarted) and self._validate_config is not None:
                self._validate_config(event.config)
        except (ValueError, TypeError, KeyError) as exc:
            raise TraceFormatError(f"line {number}: {exc}") from None
        if self._keep_left is not None:
            event = self._within_budget(event)
        self.trace.append(event)

    def _within_budget(self, event: Event) -> Event:
        names = self._bytes_fields.get(type(event))
        if names is None:
            names = [f.name for f in dataclasses.fields(event) if str(f.type) == "bytes"]
            self._bytes_fields[type(event)] = names
        if not names:
            return event
        size = sum(len(getattr(event, n)) for n in names)
        assert self._keep_left is not None
        if size <= self._keep_left:
            self._keep_left -= size
            return event
        self.trace.bytes_dropped += size
        empty: dict[str, Any] = {n: b"" for n in names}
        return dataclasses.replace(event, **empty)

    def finish(self) -> Trace:
        if not self.have_header:
            raise TraceFormatError("not a NetSim trace: the first line is not its JSON header (empty file)")
        return self.trace


class Trace:
    """The append-only record of one run, kept compactly (see :mod:`netsim.core.store`)."""

    def __init__(self, events: Iterable[Event] = ()) -> None:
        self.bytes_dropped = 0  # bytes a loader did not keep (``keep_bytes``); offsets stay exact
        if isinstance(events, EventLog) and events.start == 0:
            # A recorder's events: share its store (append-only) instead of copying ten million rows.
            self._store = events.store
            self._stop: int | None = len(events)
        else:
            self._store = EventStore()
            self._stop = None
            self._store.extend(events)

    def _own(self) -> EventStore:
        if self._stop is not None:  # shared: copy before the first change
            store = EventStore()
            store.extend(self._store.iter_range(0, self._stop))
            self._store, self._stop = store, None
        return self._store

    def append(self, event: Event) -> None:
        self._own().append(event)

    def extend(self, events: Iterable[Event]) -> None:
        self._own().extend(events)

    @property
    def events(self) -> EventLog:
        return self._store.view(0, self._stop)

    def __len__(self) -> int:
        return len(self._store) if self._stop is None else self._stop

    def __iter__(self) -> Iterator[Event]:
        return iter(self.events)

    def of_type(self, cls: type[E]) -> Iterator[E]:
        """The events of one class, in order."""
        store = self._store
        exact = not any(store.compact(c) and issubclass(c, cls) for c in COMPACT_TYPES)
        for ev in store.objects(len(self)) if exact else self.events:
            if isinstance(ev, cls):
                yield ev

    @property
    def config(self) -> dict[str, Any]:
        for ev in self.of_type(RunStarted):
            return ev.config
        return {}

    # ---------------------------------------------------------------- files
    def dump(self, fp: IO[str]) -> None:
        fp.write(json.dumps({"format": TRACE_FORMAT, "version": TRACE_VERSION}) + "\n")
        for ev in self.events:
            line = json.dumps(event_to_dict(ev), ensure_ascii=False)
            fp.write(line.translate(_LINE_BREAKS_ESCAPED) + "\n")

    def save(self, path: str | Path) -> None:
        with open(path, "w", encoding="utf-8") as fp:
            self.dump(fp)

    @classmethod
    def load(
        cls,
        path: str | Path,
        *,
        max_mb: float = MAX_TRACE_MB,
        max_line_bytes: int = MAX_LINE_BYTES,
        keep_bytes: int | None = None,
        validate_config: Callable[[dict[str, Any]], object] | None = None,
        progress: Progress | None = None,
        cancel: Callable[[], bool] | None = None,
    ) -> Trace:
        """Read, check and keep a trace file, streaming it line by line.

        The whole file is checked before the trace is returned: a file past ``max_mb``, a line
        past ``max_line_bytes``, text that is not UTF-8, or any event that is not what its type
        declares is a :class:`TraceFormatError` naming the line.  ``validate_config`` (e.g. a
        lab's scenario parser) checks each ``RunStarted.config``.  ``keep_bytes`` bounds the
        payload bytes kept (later ones are dropped, their offsets kept, as a live run does past
        its recording budget).  ``progress(done, total)`` is called every quarter MiB and at
        the end; ``cancel()`` returning True raises :class:`TraceLoadCancelled`.
        """
        limit = int(max_mb * MiB)
        with open(path, "rb") as fp:
            total = os.fstat(fp.fileno()).st_size
            if total > limit:
                raise TraceFormatError(_too_big(total, max_mb))
            loader = _Loader(keep_bytes=keep_bytes, validate_config=validate_config)
            done = 0
            next_report = _PROGRESS_EVERY_BYTES
            number = 0
            while True:
                raw = fp.readline(max_line_bytes + 2)  # +2: the line end, and one byte too many
                if not raw:
                    break
                number += 1
                done += len(raw)
                if done > limit:  # the file grew while being read
                    raise TraceFormatError(_too_big(done, max_mb))
                if len(raw.rstrip(b"\r\n")) > max_line_bytes:
                    raise TraceFormatError(
                        f"line {number} is longer than {max_line_bytes / MiB:g} MB: not a NetSim trace line"
                    )
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    what = "not a NetSim trace: " if number == 1 else ""
                    raise TraceFormatError(f"{what}line {number}: not UTF-8 text ({exc.reason})") from None
                raw = b""  # a long line is held once (as text) while it is parsed, not twice
                loader.line(number, text)
                text = ""
                if done >= next_report:
                    next_report = done + _PROGRESS_EVERY_BYTES
                    if cancel is not None and cancel():
                        raise TraceLoadCancelled(str(path))
                    if progress is not None:
                        progress(done, total)
            trace = loader.finish()
        if progress is not None:
            progress(done, total)
        return trace

    @classmethod
    def loads(
        cls,
        lines: Iterable[str],
        *,
        keep_bytes: int | None = None,
        validate_config: Callable[[dict[str, Any]], object] | None = None,
    ) -> Trace:
        """Parse JSON Lines: an open text file, a list of lines, or the whole text as one string."""
        if isinstance(lines, str):
            # Iterating a str would give characters.  Split on "\n" only: str.splitlines() would also
            # cut at U+2028 and friends, which json.dumps(ensure_ascii=False) leaves inside strings.
            lines = lines.split("\n")
        loader = _Loader(keep_bytes=keep_bytes, validate_config=validate_config)
        for number, line in enumerate(lines, start=1):
            if len(line) > MAX_LINE_BYTES:
                raise TraceFormatError(f"line {number} is longer than {MAX_LINE_BYTES / MiB:g} MB")
            loader.line(number, line)
        return loader.finish()

    # ------------------------------------------------------------- analysis
    def analyze(self) -> Analysis:
        return _analyze_columns(self._store, len(self)) or analyze(self.events)


class TraceLoader:
    """:meth:`Trace.load` in a worker thread, for a GUI that polls it (this knows nothing of Qt).

    ``progress`` is ``(done, total)`` so far; once ``finished``, ``trace`` is the result, or
    None with ``error`` saying why (empty if it was cancelled).  ``join`` after ``cancel`` is
    prompt: the loader looks at the cancel flag every quarter MiB.
    """

    def __init__(
        self,
        path: str,
        *,
        max_mb: float = MAX_TRACE_MB,
        keep_bytes: int | None = None,
        validate_config: Callable[[dict[str, Any]], object] | None = None,
    ) -> None:
        self.path = path
        self.progress: tuple[int, int] = (0, 0)
        self.trace: Trace | None = None
        self.error = ""
        self.cancelled = False
        self._options: dict[str, Any] = {
            "max_mb": max_mb,
            "keep_bytes": keep_bytes,
            "validate_config": validate_config,
        }
        self._cancel = threading.Event()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="netsim-trace-loader")

    def start(self) -> None:
        self._thread.start()

    @property
    def finished(self) -> bool:
        return self._done.is_set()

    def cancel(self) -> None:
        self._cancel.set()

    def join(self, timeout_s: float | None = None) -> None:
        if self._thread.ident is not None:
            self._thread.join(timeout_s)

    def _report(self, done: int, total: int) -> None:
        self.progress = (done, total)  # one assignment: the GUI reads a consistent pair

    def _run(self) -> None:
        try:
            self.trace = Trace.load(
                self.path, progress=self._report, cancel=self._cancel.is_set, **self._options
            )
        except TraceLoadCancelled:
            self.cancelled = True
        except (OSError, TraceFormatError) as exc:
            self.error = str(exc)
        except MemoryError:
            self.error = "not enough memory to load this trace"
        except Exception as exc:  # a worker never dies silently: the GUI shows what happened
            self.error = f"internal error: {type(exc).__name__}: {exc}"
        finally:
            self._done.set()


def _too_big(size: int, max_mb: float) -> str:
    return (
        f"the file is {size / MiB:.1f} MB, more than the {max_mb:g} MB limit for traces "
        "(netsim and netsim-lab take --max-trace-mb to raise it)"
    )


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
    tcp = True
    for ev in events:
        if isinstance(ev, BytesSent):
            messages_sent += 1
            bytes_sent += ev.end - ev.start
            if tcp:
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
            if tcp:
                tracker.add_chunk(ev.start, ev.end)
        elif isinstance(ev, FrameDecoded):
            app += 1
            intact += ev.intact
        elif isinstance(ev, SocketFailed):
            errors.append(f"{ev.endpoint}: {ev.call}: {ev.message}")
        elif isinstance(ev, RunStarted):
            config = ev.config
            tcp = config.get("transport", "tcp") == "tcp"
        elif isinstance(ev, RunFinished):
            finished = True
    tracker.finish()
    transport = str(config.get("transport", "tcp"))
    intended = messages_intended(config)
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


def _analyze_columns(store: EventStore, stop: int) -> Analysis | None:
    """:func:`analyze` read straight from the store's columns (no event objects); None if the
    trace is not the plain shape this needs (one TCP run, its RunStarted first, datagram
    numbers unused - UDP runs take the event-by-event path)."""
    objects = store.objects(stop)
    starts = [ev for ev in objects if isinstance(ev, RunStarted)]
    if len(starts) > 1 or (starts and (not stop or store.get(0) is not starts[0])):
        return None
    if starts and starts[0].config.get("transport", "tcp") != "tcp":
        return None
    sends = store.columns(BytesSent, ("start", "end"), stop)
    recvs = store.columns(BytesReceived, ("start", "end", "truncated", "datagram"), stop)
    frames = store.columns(FrameDecoded, ("intact",), stop)
    if sends is None or recvs is None or frames is None:
        return None
    if len(recvs[3]) and max(recvs[3]) >= 0:
        return None  # numbered datagrams on TCP: not a shape a lab makes; count them one by one
    config = starts[0].config if starts else {}
    transport = str(config.get("transport", "tcp"))
    tracker = BoundaryTracker()
    if config.get("transport", "tcp") == "tcp":
        tracker.add_messages(sends[0], sends[1])
        tracker.add_chunks(recvs[0], recvs[1])
    tracker.finish()
    messages_sent, recv_calls = len(sends[0]), len(recvs[0])
    return Analysis(
        transport=transport,
        framing=str(config.get("framing", "none")),
        messages_intended=messages_intended(config),
        messages_sent=messages_sent,
        bytes_sent=sum(sends[1]) - sum(sends[0]),
        recv_calls=recv_calls,
        bytes_received=sum(recvs[1]) - sum(recvs[0]),
        merged_chunks=tracker.merged_chunks,
        split_messages=tracker.split_messages,
        app_messages=len(frames[0]),
        app_messages_intact=sum(frames[0]),
        truncated_datagrams=sum(recvs[2]),
        lost_datagrams=max(0, messages_sent - recv_calls) if transport == "udp" else 0,
        errors=[f"{ev.endpoint}: {ev.call}: {ev.message}" for ev in objects if isinstance(ev, SocketFailed)],
        finished=any(isinstance(ev, RunFinished) for ev in objects),
        tracker=tracker,
    )


def messages_intended(config: dict[str, Any]) -> int:
    """How many messages a run's config says were meant to be sent (0 if it does not say sanely)."""
    count = config.get("count")
    if type(count) is int and count > 0:
        return count
    messages = config.get("messages")
    return len(messages) if isinstance(messages, list) else 0
