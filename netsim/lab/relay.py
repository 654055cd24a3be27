"""A network in the middle, in user space: client -> relay -> server on loopback.

Loopback is a kind network: 64 KiB segments, no delay, no loss.  The relay makes it behave
like a real path, reproducibly, without root or kernel modules:

* **TCP**: the relay reads the client's byte stream and writes it on to the server in
  *segments* of at most ``mss`` bytes (``TCP_NODELAY`` on its outgoing sockets, so each write
  leaves as its own segment), each one ``delay_ms`` (+/- ``jitter_ms``) after its bytes
  arrived, no faster than ``rate_kbps`` (a token bucket), optionally holding small writes for
  ``coalesce_ms`` to fill a segment (like Nagle's algorithm).  Both directions.
  A TCP relay **cannot lose, duplicate or reorder bytes**: it speaks TCP on both sides, and TCP
  would resend anything lost.  The loss knobs apply to UDP only; nothing here pretends otherwise.
* **UDP**: each datagram may be lost (``loss``), duplicated (``dup``), held back so that later
  ones overtake it (``reorder``), delayed (``delay_ms`` +/- ``jitter_ms``); datagrams whose IP
  packet would exceed ``mtu`` are dropped, as with the don't-fragment bit set.

Every random choice comes from ``seed``: one ``random.Random`` per direction and datagram
index, so the same seed makes the same choices whatever the threads' timing.

The relay is a small lab of its own: worker threads with a stop flag, every socket closed and
every thread joined in :meth:`Relay.close` (no daemon threads).  Each forwarded segment or
datagram is an event (:class:`SegmentForwarded`, :class:`DatagramForwarded`,
:class:`DatagramDropped`) with its place on the stream axis or its datagram index.
"""

from __future__ import annotations

import heapq
import ipaddress
import random
import select
import socket
import struct
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from netsim.core.events import Event, SocketFailed, errno_name, now_ns, register_event
from netsim.core.recorder import Recorder

MSS_PRESETS: dict[str, int] = {"Ethernet": 1448, "the minimum": 536, "loopback": 65_483}
MSS_MIN = 1  # any positive MSS works; 536 is the smallest every IPv4 host must accept
MSS_MAX = 65_483
# A real path has a bottleneck link: segments arrive one after another, not all at once, and
# that spacing is what lets a prompt reader see them one by one.  With an MSS below loopback's
# and no rate given, the relay models a 10 Mbit/s link (1,448 B every 1.16 ms); give a rate to
# change it, or 0 for none (then segments written back to back may well be read together).
DEFAULT_LINK_KBPS = 10_000.0
UDP_HEADERS = 28  # IPv4 (20) + UDP (8): what a datagram adds to its payload on the wire
TCP_LOSS_NOTE = (
    "TCP cannot lose bytes through a relay: it speaks TCP on both sides, and TCP resends what is "
    "lost, so loss, duplication and reordering apply to UDP only."
)

_POLL_S = 0.05  # how often a waiting worker looks at the stop flag
_READ_BYTES = 256 * 1024  # one read from the source socket
_QUEUE_LIMIT = 256 * 1024  # bytes held per direction before the relay stops reading (back-pressure)
_SLOW_LINK_QUEUE_LIMIT = 32 * 1024  # the same, in front of a rate-limited link
_SLOW_LINK_RCVBUF = 32 * 1024
_REORDER_HOLD_MAX_S = 0.2  # a held-back datagram waits for 1-3 later ones, or this long at most
_HEAD_BYTES = 16  # how much of each segment or datagram an event keeps (for printing)
_MAX_CONNECTIONS = 64  # standalone relay: connections served at once
_MAX_UDP_PEERS = 64  # standalone relay: distinct UDP clients remembered


# ------------------------------------------------------------------ events
@register_event
@dataclass(frozen=True, slots=True)
class SegmentForwarded(Event):
    """The relay wrote bytes ``[start, end)`` of one direction's stream as one segment.

    ``direction`` is ``"c2s"`` (client to server) or ``"s2c"``; ``connection`` numbers the
    relay's connections from 0; ``arrived_ns`` is when those bytes reached the relay, so
    ``t_ns - arrived_ns`` is the time the wire held them.  ``head`` is the segment's first bytes.
    """

    direction: str
    connection: int
    start: int
    end: int
    arrived_ns: int
    head: bytes = b""
    kind: ClassVar[str] = "relay.SegmentForwarded"


@register_event
@dataclass(frozen=True, slots=True)
class DatagramForwarded(Event):
    """The relay sent datagram number ``index`` (its ``size`` bytes) on; 0-based per direction.

    ``duplicate`` marks the extra copy of a duplicated datagram; ``reordered`` one that was held
    back so that later datagrams overtook it.
    """

    direction: str
    index: int
    size: int
    arrived_ns: int
    duplicate: bool = False
    reordered: bool = False
    head: bytes = b""
    kind: ClassVar[str] = "relay.DatagramForwarded"


@register_event
@dataclass(frozen=True, slots=True)
class DatagramDropped(Event):
    """The relay dropped datagram ``index``: ``reason`` is ``"loss"`` or ``"mtu"`` (too large)."""

    direction: str
    index: int
    size: int
    reason: str
    head: bytes = b""
    kind: ClassVar[str] = "relay.DatagramDropped"


# ------------------------------------------------------------------ config
@dataclass(frozen=True, slots=True)
class WireConfig:
    """What the relay does to traffic.  The defaults forward everything at once, unchanged."""

    mss: int = MSS_MAX
    delay_ms: float = 0.0
    jitter_ms: float = 0.0
    rate_kbps: float | None = (
        None  # kilobits per second; 0 = no limit; None = DEFAULT_LINK_KBPS below loopback's MSS
    )
    coalesce_ms: float = 0.0  # TCP: hold a short segment this long for more bytes (Nagle-like)
    loss: float = 0.0  # UDP: fraction of datagrams lost
    dup: float = 0.0  # UDP: fraction duplicated
    reorder: float = 0.0  # UDP: fraction held back so that later datagrams overtake them
    mtu: int = 0  # UDP: drop datagrams whose IP packet (payload + 28 B) exceeds this; 0 = no limit
    seed: int = 0

    def __post_init__(self) -> None:
        if not MSS_MIN <= self.mss <= MSS_MAX:
            raise ValueError(f"MSS must be {MSS_MIN}..{MSS_MAX} bytes, not {self.mss}")
        for name in ("delay_ms", "jitter_ms", "rate_kbps", "coalesce_ms"):
            value = getattr(self, name)
            if value is None:
                continue
            if not 0 <= value <= 600_000:  # also refuses NaN
                raise ValueError(f"{name.replace('_', ' ')} must be 0..600000, not {value}")
        for name in ("loss", "dup", "reorder"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be a fraction 0..1, not {value}")
        if self.mtu and not UDP_HEADERS < self.mtu <= 65_535:
            raise ValueError(f"MTU must be {UDP_HEADERS + 1}..65535 bytes (or 0 for none), not {self.mtu}")

    @property
    def link_kbps(self) -> float:
        """The link rate in force (kbit/s; 0 = no limit)."""
        if self.rate_kbps is not None:
            return self.rate_kbps
        return DEFAULT_LINK_KBPS if self.mss < MSS_MAX else 0.0

    @property
    def delay_ns(self) -> int:
        return int(self.delay_ms * 1e6)

    @property
    def jitter_ns(self) -> int:
        return int(self.jitter_ms * 1e6)

    def udp_rng(self, direction: str, index: int) -> random.Random:
        """The random choices for one datagram: fixed by the seed, the direction and its index."""
        return random.Random(f"{self.seed}:{direction}:{index}")


def check_target(host: str, *, allow_remote: bool) -> None:
    """Refuse a non-loopback target unless the user named it explicitly (``allow_remote``)."""
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if not loopback and not allow_remote:
        raise ValueError(
            f"{host} is not a loopback address; the relay forwards to other machines only when "
            "asked explicitly (--allow-remote)"
        )


class _Bucket:
    """A token bucket: ``rate`` bytes per second, holding at most ``capacity`` bytes of credit."""

    def __init__(self, rate_bps: float, capacity: int) -> None:
        self.rate = rate_bps
        self.capacity = float(capacity)
        self.tokens = float(capacity)
        self.t_ns = now_ns()

    def ready_ns(self, n: int) -> int:
        """When ``n`` bytes may go (now or later)."""
        now = now_ns()
        self.tokens = min(self.capacity, self.tokens + (now - self.t_ns) * self.rate / 1e9)
        self.t_ns = now
        if self.tokens >= n:
            return now
        return now + int((n - self.tokens) / self.rate * 1e9) + 1

    def take(self, n: int) -> None:
        self.tokens -= n


def _abort(sock: socket.socket) -> None:
    """Make ``close()`` send a reset (passing a peer's reset on)."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass


# ------------------------------------------------------------------- relay
class Relay:
    """Forwards ``transport`` traffic from a listening address on loopback to ``target``.

    ``start()`` binds and returns the address clients should use; ``close()`` stops the
    workers, closes every socket and joins every thread.  Events go to ``recorder``; ``on_event``
    (if given) is also called with each one, from a worker thread.  With neither, the relay
    forwards and keeps no record.
    """

    def __init__(
        self,
        target: tuple[str, int],
        config: WireConfig | None = None,
        *,
        transport: str = "tcp",
        listen: tuple[str, int] = ("127.0.0.1", 0),
        recorder: Recorder | None = None,
        on_event: Callable[[Event], None] | None = None,
        allow_remote: bool = False,
        max_connections: int = _MAX_CONNECTIONS,
    ) -> None:
        if transport not in ("tcp", "udp"):
            raise ValueError(f"transport must be tcp or udp, not {transport!r}")
        check_target(target[0], allow_remote=allow_remote)
        self.target = target
        self.config = config if config is not None else WireConfig()
        self.transport = transport
        self.listen = listen
        self.recorder = recorder  # None: events only go to on_event (a long-running relay keeps nothing)
        self.on_event = on_event
        self.max_connections = max_connections
        self.address: tuple[str, int] | None = None
        self.failed = False
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._listener: socket.socket | None = None
        self._connections = 0
        self._open_connections = 0
        self._started = False

    # ---------------------------------------------------------------- control
    def start(self) -> tuple[str, int]:
        if self._started:
            raise RuntimeError("a relay starts once; make a new one to start again")
        self._started = True
        family = socket.AF_INET6 if ":" in self.listen[0] else socket.AF_INET
        kind = socket.SOCK_STREAM if self.transport == "tcp" else socket.SOCK_DGRAM
        sock = socket.socket(family, kind)
        try:
            if self.transport == "tcp":
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                if self.config.link_kbps:
                    # A slow link has a router's small queue in front of it, not megabytes: the
                    # sender's own queue fills instead (accepted sockets inherit this size).
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, _SLOW_LINK_RCVBUF)
            sock.bind(self.listen)
            if self.transport == "tcp":
                sock.listen(16)
            sock.settimeout(_POLL_S)
        except OSError:
            sock.close()
            raise
        self._listener = sock
        host, port = sock.getsockname()[:2]
        self.address = (host, port)
        body = self._accept_loop if self.transport == "tcp" else self._udp_loop
        self._spawn(body, "netsim-relay")
        return self.address

    def close(self, timeout_s: float = 2.0) -> None:
        """Stop, close, join; raise if a worker would not stop."""
        self._stop.set()
        deadline = now_ns() + int(timeout_s * 1e9)
        while True:
            with self._lock:
                pending = [t for t in self._threads if t.is_alive()]
            if not pending:
                break
            for t in pending:
                t.join(max(0.0, (deadline - now_ns()) / 1e9))
            if now_ns() >= deadline:
                break
        alive = [t.name for t in self._threads if t.is_alive()]
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        if alive:
            raise RuntimeError(f"relay threads did not stop within {timeout_s} s: {', '.join(alive)}")

    def __enter__(self) -> Relay:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def connections(self) -> int:
        """TCP: connections accepted so far."""
        return self._connections

    # --------------------------------------------------------------- plumbing
    def _spawn(self, body: Callable[[], None], name: str) -> None:
        t = threading.Thread(target=self._guard, args=(body,), name=name)
        with self._lock:
            if self._stop.is_set():
                return
            self._threads = [x for x in self._threads if x.is_alive()]
            self._threads.append(t)
        t.start()

    def _guard(self, body: Callable[[], None]) -> None:
        try:
            body()
        except BaseException as exc:  # a worker never dies silently
            self._fail("internal", exc)

    def _emit(self, event: Event) -> None:
        if self.recorder is not None:
            self.recorder.emit(event)
        if self.on_event is not None:
            self.on_event(event)

    def _fail(self, call: str, exc: BaseException) -> None:
        self.failed = True
        code = exc.errno if isinstance(exc, OSError) and exc.errno else 0
        message = (exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)) or type(
            exc
        ).__name__
        self._emit(SocketFailed(now_ns(), "relay", call, type(exc).__name__, message, code, errno_name(exc)))

    def _jitter(self, rng: random.Random) -> int:
        j = self.config.jitter_ns
        return int(rng.uniform(-j, j)) if j else 0

    # -------------------------------------------------------------------- TCP
    def _accept_loop(self) -> None:
        assert self._listener is not None
        listener = self._listener
        while not self._stop.is_set():
            try:
                client, _addr = listener.accept()
            except TimeoutError:
                continue
            except OSError as exc:
                if not self._stop.is_set():
                    self._fail("accept()", exc)
                return
            with self._lock:
                busy = self._open_connections >= self.max_connections
            if busy:
                _abort(client)
                client.close()
                continue
            number = self._connections
            self._connections += 1
            self._spawn(lambda c=client, n=number: self._serve(c, n), f"netsim-relay-{number}")  # type: ignore[misc]

    def _serve(self, client: socket.socket, number: int) -> None:
        """One connection: connect on to the target, then pump both directions."""
        with self._lock:
            self._open_connections += 1
        server: socket.socket | None = None
        try:
            family = socket.AF_INET6 if ":" in self.target[0] else socket.AF_INET
            server = socket.socket(family, socket.SOCK_STREAM)
            server.settimeout(2.0)
            try:
                server.connect(self.target)
            except OSError as exc:
                self._fail(f"connect({self.target[0]}:{self.target[1]})", exc)
                _abort(client)
                return
            for s in (client, server):
                s.settimeout(_POLL_S)
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # each write leaves as a segment
            pair = _Pair(client, server)
            up = threading.Thread(
                target=self._guard,
                args=(lambda: self._pump_or_break(pair, "c2s", number),),
                name=f"netsim-relay-{number}-c2s",
            )
            up.start()
            try:
                self._guard(lambda: self._pump_or_break(pair, "s2c", number))
            finally:
                up.join()  # the pump re-checks the stop flag every _POLL_S, so this returns
            if pair.reset:
                _abort(client)
                _abort(server)
        finally:
            if server is not None:
                server.close()
            client.close()
            with self._lock:
                self._open_connections -= 1

    def _pump_or_break(self, pair: _Pair, direction: str, number: int) -> None:
        """A pump that fails resets the connection, so the other direction and both peers stop too."""
        try:
            self._pump(pair, direction, number)
        except BaseException:
            pair.break_off(reset=True)
            raise

    def _pump(self, pair: _Pair, direction: str, number: int) -> None:
        """Move one direction's bytes: read, cut into segments, hold each until due, write."""
        src, dst = (pair.client, pair.server) if direction == "c2s" else (pair.server, pair.client)
        cfg = self.config
        rng = random.Random(f"{cfg.seed}:{direction}:{number}")
        bucket = _Bucket(cfg.link_kbps * 125, cfg.mss) if cfg.link_kbps else None
        # (due_ns, start, data, arrived_ns): segments waiting for their time on the wire
        queue: deque[tuple[int, int, bytes, int]] = deque()
        queued = 0
        pending = bytearray()  # read but not yet cut into segments (coalescing)
        pending_since = 0
        offset = 0  # stream offset of the first byte not yet cut
        last_due = 0
        eof = False
        coalesce_ns = int(cfg.coalesce_ms * 1e6)
        queue_limit = _SLOW_LINK_QUEUE_LIMIT if bucket is not None else _QUEUE_LIMIT

        def cut(n: int, arrived: int) -> None:
            nonlocal offset, queued, last_due
            due = max(arrived + cfg.delay_ns + self._jitter(rng), last_due)  # TCP keeps order
            last_due = due
            data = bytes(pending[:n])
            del pending[:n]
            queue.append((due, offset, data, arrived))
            offset += n
            queued += n

        while True:
            if self._stop.is_set() or pair.broken:
                return
            now = now_ns()
            # Cut segments: every full MSS at once; a short tail now, or when its window closes.
            while len(pending) >= cfg.mss:
                cut(cfg.mss, pending_since)
            if pending and (eof or not coalesce_ns or now - pending_since >= coalesce_ns):
                cut(len(pending), pending_since)
            # Write what is due.
            wait_ns = _POLL_S * 1e9
            while queue:
                due, start, data, arrived = queue[0]
                if bucket is not None:
                    due = max(due, bucket.ready_ns(len(data)))
                now = now_ns()
                if due > now:
                    wait_ns = min(wait_ns, due - now)
                    break
                queue.popleft()
                queued -= len(data)
                if not self._send_all(dst, data, pair):
                    return
                if bucket is not None:
                    bucket.take(len(data))
                self._emit(
                    SegmentForwarded(
                        now_ns(),
                        "relay",
                        direction,
                        number,
                        start,
                        start + len(data),
                        arrived,
                        data[:_HEAD_BYTES],
                    )
                )
            if eof and not queue and not pending:
                try:
                    dst.shutdown(socket.SHUT_WR)  # pass the FIN on
                except OSError:
                    pass
                return
            if pending and coalesce_ns:
                wait_ns = min(wait_ns, max(0, pending_since + coalesce_ns - now_ns()))
            if eof or queued >= queue_limit:
                if wait_ns > 0:
                    self._stop.wait(wait_ns / 1e9)
                continue
            try:
                readable, _, _ = select.select([src], [], [], max(0.0, wait_ns / 1e9))
            except (OSError, ValueError):
                pair.break_off(reset=False)
                return
            if not readable:
                continue
            try:
                data = src.recv(_READ_BYTES)
            except TimeoutError:
                continue
            except OSError:  # a reset by the peer: reset the other side too
                pair.break_off(reset=True)
                return
            if not data:
                eof = True
                continue
            if not pending:
                pending_since = now_ns()
            pending += data

    def _send_all(self, dst: socket.socket, data: bytes, pair: _Pair) -> bool:
        view = memoryview(data)
        sent = 0
        while sent < len(data):
            if self._stop.is_set() or pair.broken:
                return False
            try:
                sent += dst.send(view[sent:])
            except TimeoutError:
                continue
            except OSError:
                pair.break_off(reset=True)
                return False
        return True

    # -------------------------------------------------------------------- UDP
    def _udp_loop(self) -> None:
        """One thread: datagrams from clients go up to the target, replies come back down."""
        assert self._listener is not None
        listener = self._listener
        cfg = self.config
        family = socket.AF_INET6 if ":" in self.target[0] else socket.AF_INET
        upstream: dict[tuple[str, int], socket.socket] = {}  # one socket per client (like a NAT)
        owner: dict[socket.socket, tuple[str, int]] = {}
        counters = {"c2s": 0, "s2c": 0}
        # heap of (due_ns, seq, direction, index, data, arrived_ns, duplicate, reordered, peer)
        heap: list[tuple[int, int, str, int, bytes, int, bool, bool, tuple[str, int]]] = []
        held: list[tuple[int, int, str, int, bytes, int, tuple[str, int]]] = []  # (release_after, ...)
        seq = 0

        def schedule(
            due: int,
            direction: str,
            index: int,
            data: bytes,
            arrived: int,
            dup: bool,
            reo: bool,
            peer: tuple[str, int],
        ) -> None:
            nonlocal seq
            heapq.heappush(heap, (due, seq, direction, index, data, arrived, dup, reo, peer))
            seq += 1

        def release_held(direction: str, arrived_count: int, now: int) -> None:
            # A held datagram goes once the 1-3 datagrams after it have arrived (they overtake
            # it), or after _REORDER_HOLD_MAX_S if none come.  It leaves with the same delay as
            # the one that overtook it, queued just behind it.
            for item in list(held):
                after, t_held, d, index, data, arrived, peer = item
                overtaken = arrived_count > after
                if d == direction and (overtaken or now - t_held >= _REORDER_HOLD_MAX_S * 1e9):
                    held.remove(item)
                    schedule(now + cfg.delay_ns, d, index, data, arrived, False, overtaken, peer)

        def arrive(direction: str, data: bytes, peer: tuple[str, int]) -> None:
            index = counters[direction]
            counters[direction] = index + 1
            now = now_ns()
            rng = cfg.udp_rng(direction, index)  # the same draws, in the same order, for every datagram
            lost, dup, hold = rng.random(), rng.random(), rng.random()
            after = index + 1 + rng.randrange(3)
            jitter = [self._jitter(rng) for _ in range(2)]
            if cfg.mtu and len(data) + UDP_HEADERS > cfg.mtu:
                self._emit(
                    DatagramDropped(now, "relay", direction, index, len(data), "mtu", data[:_HEAD_BYTES])
                )
            elif lost < cfg.loss:
                self._emit(
                    DatagramDropped(now, "relay", direction, index, len(data), "loss", data[:_HEAD_BYTES])
                )
            else:
                if hold < cfg.reorder:
                    held.append((after, now, direction, index, data, now, peer))
                else:
                    schedule(
                        now + max(0, cfg.delay_ns + jitter[0]),
                        direction,
                        index,
                        data,
                        now,
                        False,
                        False,
                        peer,
                    )
                if dup < cfg.dup:
                    schedule(
                        now + max(0, cfg.delay_ns + jitter[1]), direction, index, data, now, True, False, peer
                    )
            release_held(direction, index + 1, now)

        try:
            while not self._stop.is_set():
                now = now_ns()
                for direction in ("c2s", "s2c"):
                    release_held(direction, counters[direction], now)  # only the time limit applies here
                while heap and heap[0][0] <= now:
                    _due, _s, direction, index, data, arrived, dup, reo, peer = heapq.heappop(heap)
                    try:
                        if direction == "c2s":
                            upstream[peer].send(data)
                        else:
                            listener.sendto(data, peer)
                    except OSError as exc:  # e.g. nobody listening (ECONNREFUSED): UDP shrugs, so do we
                        self._fail("sendto()", exc)
                        continue
                    self._emit(
                        DatagramForwarded(
                            now_ns(),
                            "relay",
                            direction,
                            index,
                            len(data),
                            arrived,
                            dup,
                            reo,
                            data[:_HEAD_BYTES],
                        )
                    )
                wait = _POLL_S
                if heap:
                    wait = min(wait, max(0.0, (heap[0][0] - now_ns()) / 1e9))
                if held:
                    wait = min(wait, 0.01)
                readable, _, _ = select.select([listener, *upstream.values()], [], [], wait)
                for sock in readable:
                    try:
                        data, addr = sock.recvfrom(65_535)
                    except (TimeoutError, BlockingIOError):
                        continue
                    except OSError:  # ICMP "port unreachable" from an earlier datagram: go on
                        continue
                    if sock is listener:
                        peer = (addr[0], addr[1])
                        if peer not in upstream:
                            if len(upstream) >= _MAX_UDP_PEERS:
                                continue
                            up = socket.socket(family, socket.SOCK_DGRAM)
                            up.settimeout(_POLL_S)
                            up.connect(self.target)
                            upstream[peer] = up
                            owner[up] = peer
                        arrive("c2s", data, peer)
                    else:
                        arrive("s2c", data, owner[sock])
        finally:
            for up in upstream.values():
                up.close()


class _Pair:
    """The two sockets of one relayed connection and whether it broke off."""

    def __init__(self, client: socket.socket, server: socket.socket) -> None:
        self.client = client
        self.server = server
        self.broken = False
        self.reset = False

    def break_off(self, *, reset: bool) -> None:
        self.broken = True
        self.reset = self.reset or reset
