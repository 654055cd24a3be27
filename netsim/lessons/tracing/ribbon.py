"""The traced connections as text: per direction, send() boundaries above recv() chunks."""

from __future__ import annotations

from netsim.core.events import BytesReceived, BytesSent, FrameDecoded
from netsim.lessons.tracing.analysis import CLIENT, Connection, Direction
from netsim.lessons.tracing.events import ProgramCalled

RIBBON_MAX_BYTES = 120
TABLE_MAX_ROWS = 20


def _printable(data: bytes) -> str:
    return "".join(chr(b) if 32 <= b < 127 else "·" for b in data)


def _short(data: bytes, limit: int = 40) -> str:
    return repr(data) if len(data) <= limit else repr(data[:limit]) + f"…({len(data)} B)"


def _lane(spans: list[tuple[int, int, bytes]], total: int, cuts: set[int], wire: bytes) -> str:
    """Byte k in the same column in every lane; ``|`` where this lane has a boundary."""
    cells = [" "] * total
    for start, end, data in spans:
        text = _printable(data[: end - start])
        at = start
        if wire and data and len(data) < end - start:  # a payload inside its frame
            found = wire.find(data, start, end)
            at = found if found >= 0 else start
        at = max(start, min(at, end - len(text)))
        for i, ch in enumerate(text):
            if at + i < total:
                cells[at + i] = ch
    mine = {k for s, e, _ in spans if e > s for k in (s, e)}
    out: list[str] = []
    for k in range(total + 1):
        if k in cuts:
            out.append("|" if k in mine else " ")
        if k < total:
            out.append(cells[k])
    return "".join(out).rstrip()


def _call_name(c: ProgramCalled) -> str:
    return c.call if not c.syscall or c.call == c.syscall else f"{c.call} [{c.syscall}]"


def render_direction(conn: Connection, d: Direction) -> list[str]:
    receiver = "server" if d.sender == CLIENT else "client"
    lines = [f"  {d.sender} → {receiver}:"]
    events = d.trace.events
    sends = [e for e in events if isinstance(e, BytesSent)]
    recvs = [e for e in events if isinstance(e, BytesReceived)]
    frames = [e for e in events if isinstance(e, FrameDecoded)]
    total = max([e.end for e in sends] + [e.end for e in recvs] + [0])
    if conn.transport == "tcp" and 0 < total <= RIBBON_MAX_BYTES:
        lanes = {
            "send()": [(e.start, e.end, e.data) for e in sends],
            "recv()": [(e.start, e.end, e.data) for e in recvs],
        }
        if d.analysis is not None:
            lanes["app"] = [(e.start, e.end, e.payload) for e in frames]
        cuts = {k for spans in lanes.values() for s, e, _ in spans if e > s for k in (s, e)}
        wire = b"".join(e.data for e in sends)
        for name, spans in lanes.items():
            lines.append(f"    {name:6} " + _lane(spans, total, cuts, wire if len(wire) == total else b""))
    tracker = d.analysis.tracker if d.analysis is not None else None
    lines.append(f"    {d.sender}'s sends: {len(sends)}")
    for i, e in enumerate(sends[:TABLE_MAX_ROWS]):
        note = ""
        if tracker is not None and i < len(tracker.msg_chunks) and tracker.msg_chunks[i] > 1:
            note = f"  SPLIT over {tracker.msg_chunks[i]} recv() calls"
        lines.append(f"      [{e.start}, {e.end})  {_short(e.data)}{note}")
    if len(sends) > TABLE_MAX_ROWS:
        lines.append(f"      … {len(sends) - TABLE_MAX_ROWS} more")
    if d.analysis is None:
        lines.append(f"    {receiver}: not traced (its recv() calls are not known)")
        return lines
    lines.append(f"    {receiver}'s recv() calls: {len(recvs)}")
    for i, r in enumerate(recvs[:TABLE_MAX_ROWS]):
        note = ""
        if tracker is not None and i < len(tracker.chunk_first) and tracker.chunk_first[i] >= 0:
            first, last = tracker.chunk_first[i], tracker.chunk_last[i]
            if last > first:
                note = f"  MERGED: bytes of {last - first + 1} sends"
        if r.end == r.start:
            note = "  (end of stream: the peer closed)" if conn.transport == "tcp" else ""
        lines.append(f"      [{r.start}, {r.end})  {_short(r.data)}{note}")
    if len(recvs) > TABLE_MAX_ROWS:
        lines.append(f"      … {len(recvs) - TABLE_MAX_ROWS} more")
    a = d.analysis
    lines.append(
        f"    merged chunks {a.merged_chunks}, split sends {a.split_messages}, "
        f"app messages {a.app_messages} of {a.messages_intended}, wrong {a.wrong_app_messages}"
        + (", strace cut some bytes: not compared" if d.truncated else "")
    )
    for n in d.notes:
        lines.append(f"    note: {n}")
    return lines


def render(conns: list[Connection], framing: str) -> str:
    if not conns:
        return "no connection was traced (did the programs open any TCP or UDP socket?)"
    lines: list[str] = [f"framing for the analysis: {framing}", ""]
    for n, conn in enumerate(conns, start=1):
        lines.append(f"connection {n}: {conn.label}")
        for d in conn.directions:
            lines.extend(render_direction(conn, d))
        if not conn.directions:
            lines.append("  no bytes either way")
        errors = [(side, c) for side, c in conn.calls() if c.error]
        for side, c in errors[:TABLE_MAX_ROWS]:
            times = f" ×{c.repeat}" if c.repeat > 1 else ""
            lines.append(f"  {side} {_call_name(c)}: {c.error}{times}")
        match = conn.app_messages_match
        verdict = {
            True: "the receiving programs got exactly the messages that were sent",
            False: "the receiving programs did NOT get the messages that were sent",
            None: "what the receiving program got cannot be judged (one side not traced)",
        }[match]
        lines.append(f"  merged chunks {conn.merged_chunks}, split sends {conn.split_messages}: {verdict}")
        lines.append("")
    return "\n".join(lines).rstrip()
