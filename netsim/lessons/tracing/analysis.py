"""Join the traced calls into connections, and analyse each direction like the built-in lab.

Every socket of every program becomes an :class:`Endpoint` (its calls, its local and peer
address, and whether it called ``connect`` — the client — or came from ``accept``).  The two
ends of a TCP connection have mirrored 4-tuples, so they meet in one :class:`Connection`; an
end whose peer was not traced stays one-sided, labelled so.  UDP datagrams are grouped by the
pair of addresses and matched by content.

Each direction of a connection is then turned into the shared events — ``BytesSent`` per send
call (its stream offsets), ``BytesReceived`` per recv call, ``FrameDecoded`` per message the
receiving side obtains under the chosen framing — and analysed with
:func:`netsim.core.trace.analyze`, so the merged / split counters and "app messages match" mean
exactly what they mean in the sticky-packet lab.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from netsim.core.events import BytesReceived, BytesSent, Event, FrameDecoded, RunStarted
from netsim.core.trace import Analysis, Trace, analyze
from netsim.framing import FramingError, make_codec
from netsim.lessons.tracing.events import RECV_CALLS, SEND_CALLS, ProgramCalled, ProgramExited, ProgramStarted

CLIENT = "client"
SERVER = "server"
_SOCK_STREAM = 1
_SOCK_DGRAM = 2


def _norm_host(host: str) -> str:
    return host[7:] if host.startswith("::ffff:") and "." in host else host


def addr_text(addr: Any) -> str:
    if isinstance(addr, list | tuple) and len(addr) >= 2:
        host = _norm_host(str(addr[0]))
        return f"[{host}]:{addr[1]}" if ":" in host else f"{host}:{addr[1]}"
    return str(addr) if addr else "?"


def _addr_key(addr: Any) -> tuple[str, int] | None:
    if isinstance(addr, list | tuple) and len(addr) >= 2 and isinstance(addr[1], int):
        return (_norm_host(str(addr[0])), addr[1])
    return None


@dataclass
class Endpoint:
    program: int
    pid: int
    fd: int
    transport: str = ""
    role: str = ""
    local: tuple[str, int] | None = None
    peer: tuple[str, int] | None = None
    calls: list[ProgramCalled] = field(default_factory=list)

    def learn(self, extra: dict[str, Any]) -> None:
        local, peer = _addr_key(extra.get("local")), _addr_key(extra.get("peer"))
        if local is not None and local[1] != 0:
            self.local = local
        if peer is not None and peer[1] != 0:
            self.peer = peer
        if extra.get("transport") in ("tcp", "udp"):
            self.transport = str(extra["transport"])


@dataclass
class Direction:
    """One direction of one connection: the sender's calls against the receiver's."""

    sender: str  # CLIENT or SERVER
    trace: Trace
    analysis: Analysis | None  # None when one end was not traced
    truncated: bool = False
    notes: list[str] = field(default_factory=list)


@dataclass
class Connection:
    transport: str
    client: tuple[str, int] | None
    server: tuple[str, int] | None
    ends: dict[str, list[Endpoint]]
    directions: list[Direction] = field(default_factory=list)

    @property
    def traced_sides(self) -> list[str]:
        return [side for side in (CLIENT, SERVER) if self.ends.get(side)]

    def calls(self) -> list[tuple[str, ProgramCalled]]:
        out = [(side, c) for side, eps in self.ends.items() for ep in eps for c in ep.calls]
        out.sort(key=lambda sc: sc[1].t_ns)
        return out

    @property
    def label(self) -> str:
        c = addr_text(self.client) + ("" if self.ends.get(CLIENT) else " (not traced)")
        s = addr_text(self.server) + ("" if self.ends.get(SERVER) else " (not traced)")
        return f"{self.transport.upper()} {c} → {s}"

    @property
    def merged_chunks(self) -> int:
        return sum(d.analysis.merged_chunks for d in self.directions if d.analysis is not None)

    @property
    def split_messages(self) -> int:
        return sum(d.analysis.split_messages for d in self.directions if d.analysis is not None)

    @property
    def app_messages_match(self) -> bool | None:
        """All directions with both ends traced delivered what was sent; None if none can be judged."""
        judged = [d for d in self.directions if d.analysis is not None and not d.truncated]
        if not judged:
            return None
        return all(d.analysis is not None and d.analysis.app_messages_match for d in judged)


# ----------------------------------------------------------------------------- endpoints
def endpoints(calls: Iterable[ProgramCalled]) -> list[Endpoint]:
    """Every socket that carried data or was connected, with its calls, in order."""
    out: list[Endpoint] = []
    current: dict[tuple[int, int, int], Endpoint] = {}  # (program, pid, fd) for the launcher
    by_tuple: dict[tuple[Any, ...], Endpoint] = {}  # strace: (program, transport, local, peer)
    strace_client: set[tuple[int, int, int]] = set()

    def fresh(key: tuple[int, int, int], transport: str = "") -> Endpoint:
        ep = Endpoint(key[0], key[1], key[2], transport)
        current[key] = ep
        out.append(ep)
        return ep

    for c in sorted(calls, key=lambda e: e.t_ns):
        if c.syscall:  # strace: the fd's decoration names the socket
            key = (c.program, c.pid, c.fd)
            if c.call == "socket":
                strace_client.discard(key)
                continue
            if c.call == "connect":
                strace_client.add(key)
                continue
            if c.call in ("accept", "accept4"):
                local, peer = _addr_key(c.extra.get("local")), _addr_key(c.extra.get("peer"))
                tkey = (c.program, c.extra.get("transport", "tcp"), local, peer)
                ep = Endpoint(
                    c.program, c.pid, int(c.result) if isinstance(c.result, int) else -1, "tcp", SERVER
                )
                ep.learn(c.extra)
                ep.calls.append(c)
                by_tuple[tkey] = ep
                out.append(ep)
                continue
            local, peer = _addr_key(c.extra.get("local")), _addr_key(c.extra.get("peer"))
            tkey = (c.program, c.extra.get("transport", ""), local, peer)
            ep_or_none = by_tuple.get(tkey)
            if ep_or_none is None:
                ep_or_none = Endpoint(c.program, c.pid, c.fd, str(c.extra.get("transport", "")))
                ep_or_none.learn(c.extra)
                by_tuple[tkey] = ep_or_none
                out.append(ep_or_none)
                if key in strace_client and peer is not None:
                    ep_or_none.role = CLIENT
                    strace_client.discard(key)
            ep_or_none.calls.append(c)
            continue
        key = (c.program, c.pid, c.fd)
        if c.call == "inherited":  # a forked child's copy of its parent's socket
            t = c.extra.get("type", 0)
            ep = fresh(key, "tcp" if isinstance(t, int) and t & 0xF == _SOCK_STREAM else "udp")
            ep.learn(c.extra)
            ep.calls.append(c)
            continue
        if c.call == "socket":
            t = c.extra.get("type", 0)
            transport = "tcp" if isinstance(t, int) and t & 0xF == _SOCK_STREAM else ""
            transport = "udp" if isinstance(t, int) and t & 0xF == _SOCK_DGRAM else transport
            prev = current.get(key)
            if c.extra.get("from_fd") and prev is not None and prev.calls and prev.calls[-1].call == "close":
                prev = None
            if prev is None or not c.extra.get("from_fd"):
                ep = fresh(key, transport)
            else:
                ep = prev
            ep.calls.append(c)
            continue
        if c.call == "accept" and isinstance(c.result, int) and not c.error:
            listener = current.get(key)
            if listener is not None:
                listener.calls.append(c)
            nkey = (c.program, c.pid, c.result)
            found = current.get(nkey)
            if found is None or any(x.call != "socket" for x in found.calls):
                found = fresh(nkey, "tcp")
            ep = found
            ep.transport = "tcp"
            ep.role = SERVER
            ep.learn(c.extra)
            ep.calls.append(c)
            continue
        maybe = current.get(key)
        ep = maybe if maybe is not None else fresh(key)
        if c.call in ("connect", "connect_ex"):
            ep.role = CLIENT
        ep.learn(c.extra)
        ep.calls.append(c)
        if c.call == "close" and c.extra.get("closed", True):
            current.pop(key, None)
        if c.call == "detach":
            current.pop(key, None)
    return out


# --------------------------------------------------------------------------- connections
def connections(calls: Iterable[ProgramCalled], framing: str = "none") -> list[Connection]:
    eps = endpoints(calls)
    conns: list[Connection] = []
    tcp: dict[tuple[Any, ...], Connection] = {}
    for ep in eps:
        if ep.transport != "tcp" or ep.local is None or ep.peer is None:
            continue
        key = (min(ep.local, ep.peer), max(ep.local, ep.peer))
        conn = tcp.get(key)
        if conn is None:
            conn = Connection("tcp", None, None, {CLIENT: [], SERVER: []})
            tcp[key] = conn
            conns.append(conn)
        role = ep.role
        if not role:
            other = conn.ends[CLIENT] or conn.ends[SERVER]
            role = SERVER if conn.ends[CLIENT] else CLIENT if other else ""
        if not role:  # neither end known yet: the end with the lower port is likely the server
            role = SERVER if ep.local[1] < ep.peer[1] else CLIENT
        conn.ends[role].append(ep)
        if role == CLIENT:
            conn.client, conn.server = ep.local, ep.peer
        elif conn.client is None:
            conn.client, conn.server = ep.peer, ep.local
    conns.extend(_udp_connections(eps))
    for conn in conns:
        conn.directions = _directions(conn, framing)
    return conns


def _udp_connections(eps: list[Endpoint]) -> list[Connection]:
    pairs: dict[tuple[Any, ...], Connection] = {}
    order: list[Connection] = []
    per_ep: dict[tuple[int, tuple[Any, ...]], Endpoint] = {}
    for ep in eps:
        if ep.transport != "udp":
            continue
        bound = any(c.call == "bind" for c in ep.calls)
        last_peer = ep.peer  # a plain recv() on a UDP socket names no sender: the last one it talked to
        for c in ep.calls:
            if c.call not in SEND_CALLS and c.call not in RECV_CALLS:
                continue
            local = _addr_key(c.extra.get("local")) or ep.local
            peer = (
                _addr_key(c.extra.get("peer"))
                or _addr_key(c.extra.get("addr"))
                or _addr_key(c.arg)
                or last_peer
            )
            if local is None or peer is None:
                continue
            if local[0] in ("0.0.0.0", "::") and peer[0] in ("127.0.0.1", "::1"):
                # An unbound UDP socket (port given at its first sendto) reports the wildcard; to a
                # loopback peer the kernel sends from the loopback address, which is what the peer saw.
                local = (peer[0], local[1])
            last_peer = peer
            key = (min(local, peer), max(local, peer))
            conn = pairs.get(key)
            if conn is None:
                # The side that sent first is the client, unless it bound its address itself.
                first_is_client = c.call in SEND_CALLS and not bound
                client, server = (local, peer) if first_is_client else (peer, local)
                conn = Connection("udp", client, server, {CLIENT: [], SERVER: []})
                pairs[key] = conn
                order.append(conn)
            side = CLIENT if local == conn.client else SERVER
            sub = per_ep.get((id(ep), key))
            if sub is None:
                sub = Endpoint(ep.program, ep.pid, ep.fd, "udp", side, local, peer)
                per_ep[(id(ep), key)] = sub
                conn.ends[side].append(sub)
            sub.calls.append(c)
    return order


def _moved(c: ProgramCalled) -> int:
    """Bytes a successful send/recv call moved (strace may show fewer: ``truncated``)."""
    if c.error or not c.has_data:
        return -1
    if isinstance(c.result, int) and c.result >= 0:
        return c.result
    return len(c.data)


def _directions(conn: Connection, framing: str) -> list[Direction]:
    out = []
    for sender, receiver in ((CLIENT, SERVER), (SERVER, CLIENT)):
        sends = [c for ep in conn.ends[sender] for c in ep.calls if c.call in SEND_CALLS and _moved(c) >= 0]
        recvs = [c for ep in conn.ends[receiver] for c in ep.calls if c.call in RECV_CALLS and _moved(c) >= 0]
        sends.sort(key=lambda c: c.t_ns)
        recvs.sort(key=lambda c: c.t_ns)
        if not any(_moved(c) for c in sends) and not any(_moved(c) for c in recvs):
            continue
        out.append(
            _direction(conn, sender, sends, recvs, framing, bool(conn.ends[sender] and conn.ends[receiver]))
        )
    return out


def _direction(
    conn: Connection,
    sender: str,
    sends: list[ProgramCalled],
    recvs: list[ProgramCalled],
    framing: str,
    both_traced: bool,
) -> Direction:
    udp = conn.transport == "udp"
    notes: list[str] = []
    truncated = any(c.truncated for c in sends + recvs)
    if truncated:
        notes.append("strace showed only the first bytes of some calls (its -s limit): not compared")
    codec = make_codec(framing)
    events: list[Event] = []
    # What the sender meant: each send() under no framing; the frames it encoded otherwise.
    wire = b"".join(c.data for c in sends)
    intended: list[bytes] = []
    if framing == "none" or udp:
        intended = [c.data for c in sends if _moved(c) > 0]
    else:
        dec = codec.decoder()
        try:
            intended = [
                bytes(m if isinstance(m, bytes) else getattr(m, "payload", b"")) for m in dec.feed(wire)
            ]
        except FramingError as exc:
            notes.append(f"the sender's bytes do not follow {framing}: {exc}")
    label = f"{addr_text(conn.client)} → {addr_text(conn.server)}"
    events.append(
        RunStarted(
            sends[0].t_ns if sends else recvs[0].t_ns,
            "lab",
            config={
                "lesson": "tracing",
                "transport": conn.transport,
                "framing": framing,
                "messages": [],
                "count": len(intended),
                "connection": label,
                "sender": sender,
            },
        )
    )
    off = 0
    sent_of: dict[int, int] = {}
    for i, c in enumerate(sends):
        n = _moved(c)
        if n <= 0 and not udp:
            continue
        events.append(
            BytesSent(c.t_ns, sender, msg_id=i, start=off, end=off + n, header_bytes=0, data=c.data)
        )
        sent_of[i] = off
        off += n
    receiver = SERVER if sender == CLIENT else CLIENT
    off = 0
    dec = codec.decoder()
    index = 0
    decode_ok = True
    unmatched = list(range(len(sends)))
    for c in recvs:
        n = _moved(c)
        datagram = -1
        if udp:
            for j in unmatched:
                if sends[j].data == c.data:
                    datagram = j
                    unmatched.remove(j)
                    break
        events.append(BytesReceived(c.t_ns, receiver, start=off, end=off + n, data=c.data, datagram=datagram))
        if decode_ok and n > 0:
            try:
                spans = dec.feed_spans(c.data) if not udp else [(0, n, c.data)]
            except FramingError as exc:
                notes.append(f"the receiver's bytes do not follow {framing}: {exc}")
                decode_ok = False
                spans = []
            for start, end, msg in spans:
                payload = bytes(msg if isinstance(msg, bytes) else getattr(msg, "payload", b""))
                s, e = (off + start, off + end) if udp else (start, end)
                ok = index < len(intended) and intended[index] == payload
                events.append(
                    FrameDecoded(c.t_ns, receiver, index=index, start=s, end=e, payload=payload, intact=ok)
                )
                index += 1
        off += n
    trace = Trace(events)
    return Direction(sender, trace, analyze(events) if both_traced else None, truncated, notes)


# ------------------------------------------------------------------------------ document
def _exits(events: Iterable[Event]) -> dict[int, ProgramExited]:
    return {e.program: e for e in events if isinstance(e, ProgramExited)}


def document(events: list[Event], framing: str = "none") -> dict[str, Any]:
    """The ``netsim trace --json`` document."""
    starts = [e for e in events if isinstance(e, ProgramStarted)]
    exits = _exits(events)
    programs = []
    for s in starts:
        x = exits.get(s.program)
        programs.append(
            {
                "command": " ".join(_quote(a) for a in s.command),
                "pid": s.pid,
                "method": s.method,
                "exit_code": x.exit_code if x else None,
                "ended_by": x.reason if x else "",
                "stdout": x.stdout if x else "",
                "stderr": x.stderr if x else "",
            }
        )
    conns = connections([e for e in events if isinstance(e, ProgramCalled)], framing)
    out_conns = []
    for conn in conns:
        out_conns.append(
            {
                "transport": conn.transport,
                "client": addr_text(conn.client),
                "server": addr_text(conn.server),
                "traced_sides": conn.traced_sides,
                "calls": [
                    {
                        "t_ns": c.t_ns,
                        "pid": c.pid,
                        "side": side,
                        "call": c.call,
                        "bytes_hex": c.data.hex() if c.has_data else None,
                        "result": c.result,
                        "error": c.error or None,
                    }
                    for side, c in conn.calls()
                ],
                "merged_chunks": conn.merged_chunks,
                "split_messages": conn.split_messages,
                "app_messages_match": conn.app_messages_match,
                "notes": [n for d in conn.directions for n in d.notes],
            }
        )
    return {"framing": framing, "programs": programs, "connections": out_conns}


def _quote(arg: str) -> str:
    import shlex

    return shlex.quote(arg)
