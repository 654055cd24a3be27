"""The byte ribbon as text: messages, recv() chunks and application messages on one axis."""

from __future__ import annotations

from typing import Any

from netsim.core.events import BytesReceived, BytesSent, FrameDecoded, SocketCalled, SocketFailed
from netsim.core.trace import Analysis, Trace
from netsim.lab.relay import DatagramDropped, DatagramForwarded, SegmentForwarded
from netsim.lessons.sticky.wire import data_direction

RIBBON_MAX_BYTES = 160  # draw the character ribbon only for streams this short
TABLE_MAX_ROWS = 24


def _printable(data: bytes) -> str:
    return "".join(chr(b) if 32 <= b < 127 else "·" for b in data)


def _bounds(spans: list[tuple[int, int, bytes]]) -> set[int]:
    return {k for s, e, _ in spans if e > s for k in (s, e)}


def _lane(spans: list[tuple[int, int, bytes]], total: int, cuts: set[int], wire: bytes = b"") -> str:
    """``|hello|world|`` laid out so that every lane puts byte k in the same column.

    ``cuts`` is the union of all lanes' boundaries: each gets one column in every lane, drawn
    as ``|`` where this lane has a boundary and as a space where it has none.
    """
    cells = [" "] * total
    for start, end, data in spans:
        width = end - start
        text = _printable(data[:width])
        # A decoded payload is shorter than its frame: put it where it sits between header and trailer.
        at = start + (wire.find(data, start, end) - start if wire and data and len(data) < width else 0)
        at = max(start, min(at, end - len(text)))
        for i, ch in enumerate(text):
            cells[at + i] = ch
    mine = _bounds(spans)
    out: list[str] = []
    for k in range(total + 1):
        if k in cuts:
            out.append("|" if k in mine else " ")
        if k < total:
            out.append(cells[k])
    return "".join(out).rstrip()


def _short(data: bytes, limit: int = 40) -> str:
    return repr(data) if len(data) <= limit else repr(data[:limit]) + f"…({len(data)} B)"


def render(trace: Trace, analysis: Analysis) -> str:
    # One pass over the trace, keeping only what is printed: a run of ten million messages is
    # never held as objects (the byte ribbon is drawn only for short streams).  Relay events and
    # calls are kept as objects anyway, and of_type reads only those.
    way = data_direction(trace.config)
    segments = [e for e in trace.of_type(SegmentForwarded) if e.direction == way]
    udp = analysis.transport == "udp"
    n_sends, n_recvs, n_frames = analysis.messages_sent, analysis.recv_calls, analysis.app_messages
    keep_all = not udp and max(analysis.bytes_sent, analysis.bytes_received) <= RIBBON_MAX_BYTES
    sends: list[BytesSent] = []
    recvs: list[BytesReceived] = []
    frames: list[FrameDecoded] = []
    rows: dict[type, list[Any]] = {BytesSent: sends, BytesReceived: recvs, FrameDecoded: frames}
    for e in trace.events:
        lane = rows.get(type(e))
        if lane is not None and (keep_all or len(lane) < TABLE_MAX_ROWS):
            lane.append(e)
        if not keep_all and min(len(sends), len(recvs), len(frames)) >= TABLE_MAX_ROWS:
            break  # the tables are full: the rest is only counted (from the analysis)
    # The lab's marker of the recv() that returned b'' (not imported: this module draws any trace).
    eof = [e for e in trace.of_type(SocketCalled) if e.result == "b'' - peer closed"]
    config = trace.config
    sender = str(config.get("sender", "client"))
    receiver = "client" if sender == "server" else "server"
    lines: list[str] = []
    if config:
        lines.append(
            f"the {sender} sends, the {receiver} receives"
            + (
                " with the lesson's code: recv(4), then recv(size), each trusted once"
                if config.get("receiver") == "lesson"
                else ""
            )
        )
    total = max([e.end for e in sends] + [e.end for e in recvs] + [0]) if keep_all else 0
    if not udp and 0 < total <= RIBBON_MAX_BYTES:
        lines.append("stream (1 column = 1 byte, | = a boundary):")
        wire = b"".join(e.data for e in sends)
        lanes = {"send()": [(e.start, e.end, e.data) for e in sends]}
        if segments:  # what the relay put on the wire, between the two ends
            lanes["wire"] = [(e.start, e.end, wire[e.start : e.end]) for e in segments]
        lanes["recv()"] = [(e.start, e.end, e.data) for e in recvs]
        lanes["app"] = [(e.start, e.end, e.payload) for e in frames]
        cuts = set().union(*(_bounds(spans) for spans in lanes.values()))
        for name, spans in lanes.items():
            lines.append(f"  {name:6} " + _lane(spans, total, cuts, wire if len(wire) == total else b""))
        lines.append("")
    tracker = analysis.tracker
    lines.extend(_wire_lines(trace, segments, udp))
    lines.append(f"{'datagrams sent' if udp else 'messages sent'}: {n_sends}")
    for e in sends[:TABLE_MAX_ROWS]:
        note = ""
        if not udp and e.msg_id < len(tracker.msg_chunks) and tracker.msg_chunks[e.msg_id] > 1:
            note = f"  SPLIT over {tracker.msg_chunks[e.msg_id]} recv() calls"
        lines.append(f"  #{e.msg_id + 1:<4} [{e.start}, {e.end})  {_short(e.data)}{note}")
    if n_sends > TABLE_MAX_ROWS:
        lines.append(f"  … {n_sends - TABLE_MAX_ROWS} more")
    lines.append(
        f"{'recvfrom()' if udp else 'recv()'} calls: {n_recvs + len(eof)}"
        + (" (the last one returned b'': the peer closed)" if eof else "")
    )
    for i, r in enumerate(recvs[:TABLE_MAX_ROWS]):
        note = ""
        if udp and r.truncated:
            note = f"  TRUNCATED (datagram was {r.wire_size} B)"
        elif not udp and i < len(tracker.chunk_first) and tracker.chunk_first[i] >= 0:
            first, last = tracker.chunk_first[i], tracker.chunk_last[i]
            if last > first:
                note = f"  MERGED: bytes of messages #{first + 1}..#{last + 1}"
        lines.append(f"  {i + 1:<5} [{r.start}, {r.end})  {_short(r.data)}{note}")
    if n_recvs > TABLE_MAX_ROWS:
        lines.append(f"  … {n_recvs - TABLE_MAX_ROWS} more")
    if eof:
        total_bytes = analysis.bytes_received  # recv() offsets run from 0 without gaps
        lines.append(f"  {n_recvs + 1:<5} [{total_bytes}, {total_bytes})  b''  the end of the stream")
    lines.append(f"application messages: {n_frames}")
    for f in frames[:TABLE_MAX_ROWS]:
        lines.append(f"  {f.index + 1:<5} {_short(f.payload)}  {'ok' if f.intact else 'WRONG'}")
    if n_frames > TABLE_MAX_ROWS:
        lines.append(f"  … {n_frames - TABLE_MAX_ROWS} more")
    failures = list(trace.of_type(SocketFailed))
    for x in failures:
        lines.append(f"error: {x.endpoint}: {x.call}: {x.message}")
    lines.append("")
    s = analysis.summary()
    lines.append(
        f"framing {s['framing']} over {s['transport'].upper()}: merged chunks {s['merged_chunks']}, "
        f"split messages {s['split_messages']}, app messages {s['app_messages']} of "
        f"{s['messages_intended']}, wrong {s['wrong_app_messages']}"
        + (
            f", truncated {s['truncated_datagrams']}, lost {s['lost_datagrams']}, "
            f"duplicated {s['duplicated_datagrams']}, reordered {s['reordered_datagrams']}"
            if udp
            else ""
        )
    )
    lines.append(
        "the application got exactly the messages that were sent"
        if analysis.app_messages_match
        else "the application did NOT get the messages that were sent"
    )
    return "\n".join(lines)


def _wire_lines(trace: Trace, segments: list[SegmentForwarded], udp: bool) -> list[str]:
    """What the relay did, when the run went through one."""
    if "wire_seed" not in trace.config:
        return []
    if not udp:
        sizes = [e.end - e.start for e in segments]
        largest = max(sizes, default=0)
        way = "server → client" if data_direction(trace.config) == "s2c" else "client → server"
        return [f"wire (relay): {len(segments)} segments {way}, largest {largest} B"]
    forwarded = [e for e in trace.of_type(DatagramForwarded) if e.direction == "c2s"]
    dropped = [e for e in trace.of_type(DatagramDropped) if e.direction == "c2s"]

    def numbers(items: list[int]) -> str:
        shown = ", ".join(f"#{i + 1}" for i in items[:12])
        return shown + (f", … ({len(items)})" if len(items) > 12 else "")

    lines = [f"wire (relay): {len(forwarded)} datagrams forwarded, {len(dropped)} dropped"]
    if dropped:
        lines.append(f"  lost on the wire: {numbers([e.index for e in dropped])}")
    late = [e.index for e in forwarded if e.reordered]
    if late:
        lines.append(f"  held back (overtaken): {numbers(late)}")
    twice = [e.index for e in forwarded if e.duplicate]
    if twice:
        lines.append(f"  duplicated: {numbers(twice)}")
    return lines
