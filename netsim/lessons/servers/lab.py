"""Serving many clients: blocking vs threaded (``socketserver``) vs non-blocking, on real sockets.

The lesson (section 六, 并发的socketserver) shows three servers; this lab runs each of them on
``127.0.0.1`` (port 0) against N clients in worker threads and records what every side did:

``blocking``
    The lesson's first server: one thread, ``accept()``, then serve that client until it
    leaves.  The other clients' ``connect()`` succeeds (the kernel completes the handshake and
    parks them in the listen backlog) but nobody answers them until the server comes round.
``threaded``
    ``socketserver.ThreadingTCPServer`` with a ``BaseRequestHandler``, as in the lesson - but
    with ``daemon_threads = False`` and ``block_on_close = True``, and stopped with
    ``shutdown()`` + ``server_close()``, so every handler thread is joined.
``nonblocking-busy``
    The lesson's ``setblocking(False)`` loop over a list of connections, catching
    ``BlockingIOError``.  It works, and it spins: with nothing to do it asks every socket again
    at once, burning a whole CPU.  The server thread's CPU time (``time.thread_time()``) makes
    the cost a number.
``nonblocking-selectors``
    The fix: the same single thread and the same non-blocking sockets, but
    ``selectors.DefaultSelector`` puts the thread to sleep until a socket is ready.

Two corrections to the lesson's non-blocking server, both needed for it to work at all: on
Linux a socket returned by ``accept()`` does *not* inherit ``O_NONBLOCK`` from the listening
socket (Python hands it back in blocking mode), so each connection is switched to non-blocking
explicitly, or ``conn.recv()`` would block the whole loop on one quiet client; and ``recv()``
returning ``b''`` means the client left, so the connection is closed and dropped from the list
(the lesson's loop would spin on it forever).

Each client connects, sends K requests (``b'client 1 request 1'``…), waits for the echo
(upper-cased, as in the lesson), thinks a little between requests, then closes.  Every socket
call is bounded by a short timeout and re-checks the stop flag; ``close()`` joins every thread
(socketserver's handler threads included) or raises.
"""

from __future__ import annotations

import errno
import functools
import selectors
import socket
import socketserver
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from netsim.core.events import Event, RunFinished, RunStarted, SocketFailed, now_ns, register_event
from netsim.core.recorder import Recorder

BLOCKING = "blocking"
THREADED = "threaded"
BUSY = "nonblocking-busy"
SELECTORS = "nonblocking-selectors"
MODES: tuple[str, ...] = (BLOCKING, THREADED, BUSY, SELECTORS)

MAX_CLIENTS = 20
MAX_REQUESTS = 50
MAX_THINK_MS = 5000.0

_POLL_S = 0.05  # how often a blocked call wakes up to look at the stop flag
_CPU_SAMPLE_S = 0.05  # how often the server reports its CPU time
_CLIENT_GAP_S = 0.01  # clients start this far apart, so they connect in order
_RECV_BYTES = 1024  # the lesson's recv(1024)


# ------------------------------------------------------------------------------------- events
@register_event
@dataclass(frozen=True, slots=True)
class ClientConnected(Event):
    """Client number ``client`` (1-based) is connected; ``conn`` is its local port.

    The server knows that port as its peer's, so ``conn`` ties both ends' events together.
    """

    client: int
    conn: int
    kind: ClassVar[str] = "servers.ClientConnected"


@register_event
@dataclass(frozen=True, slots=True)
class RequestSent(Event):
    client: int
    conn: int
    index: int  # 1-based
    data: bytes
    kind: ClassVar[str] = "servers.RequestSent"


@register_event
@dataclass(frozen=True, slots=True)
class ReplyReceived(Event):
    """The whole reply to request ``index`` arrived ``latency_ns`` after it was sent; ``ok``: it
    is the request upper-cased."""

    client: int
    conn: int
    index: int
    data: bytes
    latency_ns: int
    ok: bool
    kind: ClassVar[str] = "servers.ReplyReceived"


@register_event
@dataclass(frozen=True, slots=True)
class ClientClosed(Event):
    client: int
    conn: int
    kind: ClassVar[str] = "servers.ClientClosed"


@register_event
@dataclass(frozen=True, slots=True)
class ConnAccepted(Event):
    """The server's ``accept()`` returned the connection from port ``conn``; ``thread`` serves it."""

    conn: int
    thread: str
    kind: ClassVar[str] = "servers.ConnAccepted"


@register_event
@dataclass(frozen=True, slots=True)
class RequestServed(Event):
    """The server read ``size`` bytes from ``conn`` and queued/sent them back upper-cased."""

    conn: int
    thread: str
    size: int
    kind: ClassVar[str] = "servers.RequestServed"


@register_event
@dataclass(frozen=True, slots=True)
class ConnClosed(Event):
    """The server saw the client leave (``recv() == b''``) and closed its end."""

    conn: int
    thread: str
    kind: ClassVar[str] = "servers.ConnClosed"


@register_event
@dataclass(frozen=True, slots=True)
class ServerCpuSampled(Event):
    """CPU seconds used by the server's threads so far, ``wall_s`` after the server started.

    ``spins`` counts the times the server found nothing to do: ``BlockingIOError`` caught (the
    busy loop), a ``select()``/``accept()``/``recv()`` that timed out with nothing ready.
    ``final`` marks the last sample, taken after every server thread has stopped.
    """

    cpu_s: float
    wall_s: float
    spins: int
    final: bool = False
    kind: ClassVar[str] = "servers.ServerCpuSampled"


SERVER_EVENTS = (ConnAccepted, RequestServed, ConnClosed, ServerCpuSampled)
CLIENT_EVENTS = (ClientConnected, RequestSent, ReplyReceived, ClientClosed)


# ------------------------------------------------------------------------------------- config
@dataclass(frozen=True)
class ServersConfig:
    mode: str = BLOCKING
    clients: int = 3
    requests: int = 3
    think_ms: float = 100.0
    timeout_s: float = 20.0  # a client that waits longer than this for a reply gives up

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"unknown mode {self.mode!r}; one of {', '.join(MODES)}")
        if not 1 <= self.clients <= MAX_CLIENTS:
            raise ValueError(f"clients must be 1…{MAX_CLIENTS}")
        if not 1 <= self.requests <= MAX_REQUESTS:
            raise ValueError(f"requests must be 1…{MAX_REQUESTS}")
        if not 0 <= self.think_ms <= MAX_THINK_MS:
            raise ValueError(f"think time must be 0…{MAX_THINK_MS:g} ms")
        if self.timeout_s <= 0:
            raise ValueError("timeout must be positive")

    def message(self, client: int, index: int) -> bytes:
        return f"client {client} request {index}".encode("ascii")

    def to_dict(self) -> dict[str, Any]:
        return {
            "lab": "servers",
            "mode": self.mode,
            "clients": self.clients,
            "requests": self.requests,
            "think_ms": self.think_ms,
            "timeout_s": self.timeout_s,
        }


class _Stopped(Exception):
    """The lab is closing; unwind the worker."""


class _CpuMeter:
    """CPU seconds of every server-side thread, each reported by the thread itself."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_thread: dict[int, float] = {}
        self.spins = 0

    def update(self) -> None:
        cpu = time.thread_time()  # this thread's CPU time (user + system), nanosecond clock
        with self._lock:
            self._by_thread[threading.get_ident()] = cpu

    def spin(self, n: int = 1) -> None:
        with self._lock:
            self.spins += n

    def total(self) -> tuple[float, int]:
        with self._lock:
            return sum(self._by_thread.values()), self.spins


# ---------------------------------------------------------------------------------------- lab
class ServersLab:
    """Runs one :class:`ServersConfig`.  ``start`` is non-blocking; ``close`` joins everything."""

    def __init__(self, config: ServersConfig, *, recorder: Recorder | None = None) -> None:
        self.config = config
        self.recorder = recorder if recorder is not None else Recorder()
        self.port: int | None = None
        self.failed = False
        self._stop = threading.Event()
        self._clients_done = threading.Event()
        self._finished = threading.Event()
        self._meter = _CpuMeter()
        self._t0_ns = 0
        self._threads: list[threading.Thread] = []
        self._threads_lock = threading.Lock()
        self._conductor: threading.Thread | None = None
        self._tcp_server: _LabThreadingServer | None = None

    # ------------------------------------------------------------------------------ control
    def start(self) -> None:
        if self._conductor is not None:
            raise RuntimeError("a lab runs once; make a new one to run again")
        self.recorder.emit(RunStarted(now_ns(), "lab", self.config.to_dict()))
        self._conductor = threading.Thread(target=self._conduct, name="netsim-servers-run")
        self._conductor.start()

    @property
    def finished(self) -> bool:
        return self._finished.is_set()

    def wait(self, timeout_s: float) -> bool:
        """Block until the run has finished; False on timeout."""
        return self._finished.wait(timeout_s)

    def close(self, timeout_s: float = 2.0) -> None:
        """Stop everything, close every socket, join every thread (or raise if one won't stop)."""
        self._stop.set()
        deadline = time.monotonic() + timeout_s
        if self._conductor is not None:
            self._conductor.join(max(0.0, deadline - time.monotonic()))
        with self._threads_lock:
            threads = list(self._threads)
        for t in threads:
            t.join(max(0.0, deadline - time.monotonic()))
        server = self._tcp_server
        handlers = list(server.handler_threads()) if server is not None else []
        for t in handlers:
            t.join(max(0.0, deadline - time.monotonic()))
        candidates = [*([self._conductor] if self._conductor else []), *threads, *handlers]
        alive = [t.name for t in candidates if t.is_alive()]
        if alive:
            raise RuntimeError(f"lab threads did not stop within {timeout_s} s: {', '.join(alive)}")

    def __enter__(self) -> ServersLab:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def result(self) -> ServersResult:
        """The run's results, from the recorder (which must keep events)."""
        timeline = ServersTimeline()
        timeline.feed(self.recorder.events)
        return timeline.result()

    # ---------------------------------------------------------------------------- plumbing
    def _spawn(self, name: str, target: Callable[[], None]) -> threading.Thread:
        t = threading.Thread(target=self._guard, args=(name, target), name=name)
        with self._threads_lock:
            self._threads.append(t)
        t.start()
        return t

    def _emit_fail(self, endpoint: str, call: str, exc: BaseException) -> None:
        self.failed = True
        code = exc.errno if isinstance(exc, OSError) and exc.errno else 0
        message = str(exc) or type(exc).__name__
        if isinstance(exc, OSError) and exc.strerror:
            message = exc.strerror
            if code:
                message = f"[{errno.errorcode.get(code, code)}] {message}"
        self.recorder.emit(SocketFailed(now_ns(), endpoint, call, type(exc).__name__, message, code))

    def _guard(self, endpoint: str, body: Callable[[], None]) -> None:
        """Run a worker body; nothing escapes the thread."""
        try:
            body()
        except _Stopped:
            pass
        except BaseException as exc:  # a worker must never die silently
            self._emit_fail(endpoint, "internal", exc)

    def _check(self) -> None:
        if self._stop.is_set():
            raise _Stopped

    def _emit_cpu(self, final: bool = False) -> None:
        cpu_s, spins = self._meter.total()
        wall_s = (now_ns() - self._t0_ns) / 1e9
        self.recorder.emit(ServerCpuSampled(now_ns(), "server", cpu_s, wall_s, spins, final))

    def _maybe_emit_cpu(self, last: list[float]) -> None:
        """From a server loop: refresh this thread's CPU time and report it every 50 ms."""
        now = time.monotonic()
        if now - last[0] >= _CPU_SAMPLE_S:
            last[0] = now
            self._meter.update()
            self._emit_cpu()

    def _send_all(self, sock: socket.socket, data: bytes) -> None:
        """``sendall`` on a timeout socket, but interruptible by the stop flag."""
        view = memoryview(data)
        sent = 0
        while sent < len(data):
            self._check()
            try:
                sent += sock.send(view[sent:])
            except TimeoutError:
                continue

    # --------------------------------------------------------------------------- conductor
    def _conduct(self) -> None:
        cfg = self.config
        try:
            self._t0_ns = now_ns()
            try:
                if cfg.mode == THREADED:
                    self._run_threaded()
                else:
                    self._run_single_thread()
            except _Stopped:
                pass
            except BaseException as exc:
                self._emit_fail("lab", "internal", exc)
        finally:
            self._clients_done.set()
            reason = "stopped" if self._stop.is_set() else ("failed" if self.failed else "done")
            self.recorder.emit(RunFinished(now_ns(), "lab", not self.failed, reason))
            self._finished.set()

    def _start_clients(self) -> list[threading.Thread]:
        clients: list[threading.Thread] = []
        for i in range(1, self.config.clients + 1):
            if self._stop.is_set():
                break
            tried = threading.Event()
            clients.append(
                self._spawn(f"netsim-servers-client-{i}", functools.partial(self._client, i, tried))
            )
            # Client i+1 starts once client i has connected (or given up), so the clients reach
            # the backlog in their numbered order even when the process is busy (a GUI).
            deadline = time.monotonic() + 2.0
            while not tried.wait(_POLL_S) and time.monotonic() < deadline:
                self._check()
            self._stop.wait(_CLIENT_GAP_S)
        return clients

    def _join(self, threads: Iterable[threading.Thread]) -> None:
        for t in threads:
            while t.is_alive():
                t.join(_POLL_S)

    def _listener(self) -> socket.socket:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            sock.bind(("127.0.0.1", 0))
            # The backlog holds every client at once: the blocking server's waiting clients sit
            # here, connected, until it gets round to accept() them.
            sock.listen(max(5, self.config.clients))
        except BaseException:
            sock.close()
            raise
        self.port = sock.getsockname()[1]
        return sock

    def _run_single_thread(self) -> None:
        listener = self._listener()
        try:
            body = {BLOCKING: self._serve_blocking, BUSY: self._serve_busy, SELECTORS: self._serve_selectors}[
                self.config.mode
            ]
            server = self._spawn("netsim-servers-server", lambda: body(listener))
            try:
                self._join(self._start_clients())
            finally:
                self._clients_done.set()
                self._join([server])
        finally:
            listener.close()
        self._emit_cpu(final=True)

    def _run_threaded(self) -> None:
        server = _LabThreadingServer(self)
        self._tcp_server = server
        self.port = server.server_address[1]
        serving = self._spawn("netsim-servers-serve_forever", lambda: self._serve_forever(server))
        try:
            try:
                self._join(self._start_clients())
            finally:
                self._clients_done.set()
                # shutdown() asks serve_forever() to return and waits for it; server_close()
                # closes the listener and, with block_on_close, joins every handler thread.
                server.shutdown()
                self._join([serving])
        finally:
            server.server_close()
        self._emit_cpu(final=True)

    # ------------------------------------------------------------------------------ clients
    def _client(self, client: int, tried: threading.Event) -> None:
        cfg = self.config
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        conn = 0
        call = "connect()"
        try:
            sock.settimeout(min(1.0, cfg.timeout_s))  # loopback: instant, or refused
            assert self.port is not None
            sock.connect(("127.0.0.1", self.port))
            sock.settimeout(_POLL_S)
            conn = sock.getsockname()[1]
            self.recorder.emit(ClientConnected(now_ns(), "client", client, conn))
            tried.set()
            for index in range(1, cfg.requests + 1):
                if index > 1 and cfg.think_ms and self._stop.wait(cfg.think_ms / 1000):
                    raise _Stopped
                data = cfg.message(client, index)
                call = f"send({data!r})"
                sent_ns = now_ns()
                self._send_all(sock, data)
                self.recorder.emit(RequestSent(sent_ns, "client", client, conn, index, data))
                call = f"recv({len(data)})"
                deadline = time.monotonic() + cfg.timeout_s  # the limit is per reply
                reply = self._recv_exactly(sock, len(data), deadline)
                t = now_ns()
                ok = reply == data.upper()
                self.recorder.emit(ReplyReceived(t, "client", client, conn, index, reply, t - sent_ns, ok))
                if not ok:
                    self.failed = True
        except (_Stopped, _ClientGaveUp):
            pass
        except OSError as exc:
            self._emit_fail("client", f"client {client}: {call}", exc)
        finally:
            tried.set()
            closing_ns = now_ns()  # stamped before close(): the server can only see EOF after it
            sock.close()
            if conn:
                self.recorder.emit(ClientClosed(closing_ns, "client", client, conn))

    def _recv_exactly(self, sock: socket.socket, size: int, deadline: float) -> bytes:
        buf = bytearray()
        while len(buf) < size:
            self._check()
            if time.monotonic() > deadline:
                self._emit_fail("client", f"recv({size})", TimeoutError("no reply before the time limit"))
                raise _ClientGaveUp
            try:
                chunk = sock.recv(size - len(buf))
            except TimeoutError:
                continue
            if not chunk:
                self._emit_fail("client", f"recv({size})", ConnectionError("server closed the connection"))
                raise _ClientGaveUp
            buf += chunk
        return bytes(buf)

    # ------------------------------------------------------------------- blocking server
    def _serve_blocking(self, listener: socket.socket) -> None:
        """The lesson's first server: accept one client, serve it until it leaves, then the next."""
        thread = threading.current_thread().name
        last = [time.monotonic()]
        listener.settimeout(_POLL_S)
        try:
            while not self._clients_done.is_set():
                self._check()
                self._maybe_emit_cpu(last)
                try:
                    conn, addr = listener.accept()
                except TimeoutError:
                    self._meter.spin()
                    continue
                with conn:
                    conn.settimeout(_POLL_S)
                    port = addr[1]
                    self.recorder.emit(ConnAccepted(now_ns(), "server", port, thread))
                    while True:  # this client, and nobody else, until it leaves
                        self._check()
                        self._maybe_emit_cpu(last)
                        try:
                            data = conn.recv(_RECV_BYTES)
                        except TimeoutError:
                            self._meter.spin()
                            continue
                        if not data:
                            break
                        self._send_all(conn, data.upper())
                        self.recorder.emit(RequestServed(now_ns(), "server", port, thread, len(data)))
                self.recorder.emit(ConnClosed(now_ns(), "server", port, thread))
        finally:
            self._meter.update()

    # -------------------------------------------------------------- non-blocking servers
    def _serve_busy(self, listener: socket.socket) -> None:
        """The lesson's non-blocking loop, as written: it never waits, so it never rests."""
        thread = threading.current_thread().name
        last = [time.monotonic()]
        listener.setblocking(False)
        conns: list[_Conn] = []
        spins = 0
        try:
            while not (self._clients_done.is_set() and not conns):
                if self._stop.is_set():
                    raise _Stopped
                now = time.monotonic()
                if now - last[0] >= _CPU_SAMPLE_S:  # the bookkeeping, not the lesson
                    self._meter.spin(spins)
                    spins = 0
                    self._maybe_emit_cpu(last)
                try:
                    sock, addr = listener.accept()
                    sock.setblocking(False)  # not inherited on Linux (see the module doc)
                    conns.append(_Conn(sock, addr[1]))
                    self.recorder.emit(ConnAccepted(now_ns(), "server", addr[1], thread))
                except BlockingIOError:
                    spins += 1
                    for c in list(conns):  # ask every client, whether it said anything or not
                        try:
                            self._serve_ready(c, conns, thread)
                        except BlockingIOError:
                            spins += 1
                        if c.closed:
                            c.sock.close()
        finally:
            self._meter.spin(spins)
            for c in conns:
                c.sock.close()
            self._meter.update()

    def _serve_selectors(self, listener: socket.socket) -> None:
        """The fix: the same loop, but the thread sleeps in select() until a socket is ready."""
        thread = threading.current_thread().name
        last = [time.monotonic()]
        listener.setblocking(False)
        conns: list[_Conn] = []
        with selectors.DefaultSelector() as sel:
            sel.register(listener, selectors.EVENT_READ, None)
            try:
                while not (self._clients_done.is_set() and not conns):
                    self._check()
                    self._maybe_emit_cpu(last)
                    ready = sel.select(timeout=_POLL_S)
                    if not ready:
                        self._meter.spin()
                    for key, mask in ready:
                        if key.data is None:
                            try:
                                sock, addr = listener.accept()
                            except BlockingIOError:  # another wake-up took it; nothing to do
                                continue
                            sock.setblocking(False)
                            c = _Conn(sock, addr[1])
                            conns.append(c)
                            sel.register(sock, selectors.EVENT_READ, c)
                            self.recorder.emit(ConnAccepted(now_ns(), "server", addr[1], thread))
                            continue
                        c = key.data
                        assert isinstance(c, _Conn)
                        try:
                            self._serve_ready(c, conns, thread, writable=bool(mask & selectors.EVENT_WRITE))
                        except BlockingIOError:
                            pass
                        if c.closed:
                            sel.unregister(c.sock)
                            c.sock.close()
                        else:
                            want = selectors.EVENT_READ | (selectors.EVENT_WRITE if c.out else 0)
                            if want != key.events:
                                sel.modify(c.sock, want, c)
            finally:
                for c in conns:
                    c.sock.close()
                self._meter.update()

    def _serve_ready(self, c: _Conn, conns: list[_Conn], thread: str, writable: bool = True) -> None:
        """One non-blocking turn for one connection: flush what is owed, then read and answer.

        Raises ``BlockingIOError`` when the client had nothing to say (the lesson's ``except``).
        """
        if c.out and writable:
            c.flush()
        data = c.sock.recv(_RECV_BYTES)
        if not data:
            c.closed = True  # the caller closes the socket
            conns.remove(c)
            self.recorder.emit(ConnClosed(now_ns(), "server", c.port, thread))
            return
        c.out += data.upper()
        c.flush()  # a non-blocking send may take only part: the rest waits in c.out
        self.recorder.emit(RequestServed(now_ns(), "server", c.port, thread, len(data)))

    # --------------------------------------------------------------------- threaded server
    def _serve_forever(self, server: _LabThreadingServer) -> None:
        try:
            server.serve_forever(poll_interval=_POLL_S)
        finally:
            self._meter.update()


class _ClientGaveUp(Exception):
    """A client stopped early; the reason is already recorded."""


@dataclass
class _Conn:
    sock: socket.socket
    port: int
    out: bytearray = field(default_factory=bytearray)
    closed: bool = False

    def flush(self) -> None:
        try:
            sent = self.sock.send(self.out)
        except BlockingIOError:
            return
        del self.out[:sent]


class _EchoHandler(socketserver.BaseRequestHandler):
    """The lesson's ``Myserver``: one of these runs in its own thread for each client."""

    server: _LabThreadingServer
    request: socket.socket

    def handle(self) -> None:
        lab = self.server.lab
        me = threading.current_thread()
        port = self.client_address[1]
        me.name = f"netsim-servers-handler-{port}"
        conn = self.request
        conn.settimeout(_POLL_S)
        lab.recorder.emit(ConnAccepted(now_ns(), "server", port, me.name))
        last = [time.monotonic()]
        try:
            while True:
                if lab._stop.is_set():
                    return
                lab._maybe_emit_cpu(last)
                try:
                    data = conn.recv(_RECV_BYTES)
                except TimeoutError:
                    lab._meter.spin()
                    continue
                if not data:
                    break
                lab._send_all(conn, data.upper())
                lab.recorder.emit(RequestServed(now_ns(), "server", port, me.name, len(data)))
            lab.recorder.emit(ConnClosed(now_ns(), "server", port, me.name))
        except _Stopped:
            return
        except OSError as exc:
            lab._emit_fail("server", f"handler {port}", exc)
        finally:
            lab._meter.update()


class _LabThreadingServer(socketserver.ThreadingTCPServer):
    daemon_threads = False  # every handler thread is a real thread that must end...
    block_on_close = True  # ...and server_close() joins them all
    allow_reuse_address = False

    def __init__(self, lab: ServersLab) -> None:
        self.lab = lab
        self.request_queue_size = max(5, lab.config.clients)
        super().__init__(("127.0.0.1", 0), _EchoHandler)

    def service_actions(self) -> None:
        """Called by serve_forever() on every turn of its loop (each poll or request)."""
        self.lab._meter.update()

    def handle_error(self, request: Any, client_address: Any) -> None:
        # socketserver would print a traceback to stderr; record it instead.
        exc = sys.exc_info()[1]
        if exc is not None:
            self.lab._emit_fail("server", "handler", exc)

    def handler_threads(self) -> list[threading.Thread]:
        threads = getattr(self, "_threads", None)  # socketserver's _Threads list, once one started
        return list(threads) if isinstance(threads, list) else []


# ------------------------------------------------------------------------------- analysis
@dataclass
class ClientRow:
    """One client's life, in ns since the run started (None: not (yet) happened)."""

    client: int
    conn: int = 0
    connected: int | None = None
    accepted: int | None = None  # the server's accept() returned this connection
    first_reply: int | None = None
    closed: int | None = None  # the client closed its socket
    server_closed: int | None = None  # the server closed its end
    thread: str = ""  # server thread that served it
    requests: list[int] = field(default_factory=list)
    replies: list[int] = field(default_factory=list)
    latencies_ns: list[int] = field(default_factory=list)
    replies_ok: int = 0

    @property
    def wait_ns(self) -> int | None:
        """Connected → first reply: how long the client waited before anyone answered."""
        if self.connected is None or self.first_reply is None:
            return None
        return self.first_reply - self.connected

    @property
    def total_ns(self) -> int | None:
        if self.connected is None or self.closed is None:
            return None
        return self.closed - self.connected


@dataclass(frozen=True)
class CpuPoint:
    t_ns: int  # since the run started
    cpu_s: float
    wall_s: float
    spins: int


@dataclass
class ServersResult:
    mode: str
    config: dict[str, Any]
    clients: list[ClientRow]
    cpu: list[CpuPoint]
    wall_s: float  # run start → the last client closed: what the clients lived through
    server_wall_s: float  # run start → the server stopped (its CPU time is measured over this)
    server_cpu_s: float
    spins: int
    finished: bool
    ok: bool
    all_echoed: bool
    failures: list[str]

    @property
    def cpu_percent(self) -> float:
        """CPU time of the server's threads per wall second of its life (100 % = one whole CPU)."""
        return 100.0 * self.server_cpu_s / self.server_wall_s if self.server_wall_s > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        def s(ns: int | None) -> float | None:
            return None if ns is None else round(ns / 1e9, 6)

        return {
            "mode": self.mode,
            "clients": self.config.get("clients"),
            "requests": self.config.get("requests"),
            "think_ms": self.config.get("think_ms"),
            "wall_s": round(self.wall_s, 6),
            "server_wall_s": round(self.server_wall_s, 6),
            "server_cpu_s": round(self.server_cpu_s, 6),
            "server_cpu_percent": round(self.cpu_percent, 2),
            "server_idle_spins": self.spins,
            "all_echoed": self.all_echoed,
            "ok": self.ok,
            "verdict": VERDICTS.get(self.mode, ""),
            "waits_s": [s(r.wait_ns) for r in self.clients],
            "per_client": [
                {
                    "client": r.client,
                    "wait_s": s(r.wait_ns),
                    "total_s": s(r.total_ns),
                    "connected_s": s(r.connected),
                    "accepted_s": s(r.accepted),
                    "first_reply_s": s(r.first_reply),
                    "closed_s": s(r.closed),
                    "replies_ok": r.replies_ok,
                    "requests": len(r.requests),
                    "mean_latency_s": s(sum(r.latencies_ns) // len(r.latencies_ns))
                    if r.latencies_ns
                    else None,
                    "server_thread": r.thread,
                }
                for r in self.clients
            ],
            "failures": self.failures,
        }


VERDICTS: dict[str, str] = {
    BLOCKING: "one at a time: while the server talks to one client, the others wait in the listen backlog",
    THREADED: "one thread per client: every client is served at once (socketserver.ThreadingTCPServer)",
    BUSY: "busy loop: the server burns a CPU doing nothing",
    SELECTORS: "selectors: one thread serves everyone and sleeps until a socket is ready",
}


class ServersTimeline:
    """Builds :class:`ServersResult` from events, incrementally (the panel feeds it batches)."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.config: dict[str, Any] = {}
        self.t0_ns: int | None = None
        self.last_ns = 0
        self.finished = False
        self.ok = True
        self.failures: list[str] = []
        self.cpu: list[CpuPoint] = []
        self._rows: dict[int, ClientRow] = {}
        self._server: dict[int, dict[str, Any]] = {}  # conn -> accepted / closed / thread

    @property
    def mode(self) -> str:
        return str(self.config.get("mode", ""))

    def feed(self, events: Iterable[Event]) -> None:
        for ev in events:
            if isinstance(ev, RunStarted):
                if ev.config.get("lab") != "servers":
                    continue
                self.reset()
                self.config = dict(ev.config)
                self.t0_ns = ev.t_ns
                continue
            if self.t0_ns is None:
                continue
            t = ev.t_ns - self.t0_ns
            self.last_ns = max(self.last_ns, t)
            if isinstance(ev, ClientConnected):
                row = self._row(ev.client)
                row.conn = ev.conn
                row.connected = t
            elif isinstance(ev, RequestSent):
                self._row(ev.client).requests.append(t)
            elif isinstance(ev, ReplyReceived):
                row = self._row(ev.client)
                row.replies.append(t)
                row.latencies_ns.append(ev.latency_ns)
                if row.first_reply is None:
                    row.first_reply = t
                if ev.ok:
                    row.replies_ok += 1
            elif isinstance(ev, ClientClosed):
                self._row(ev.client).closed = t
            elif isinstance(ev, ConnAccepted):
                self._server.setdefault(ev.conn, {}).update(accepted=t, thread=ev.thread)
            elif isinstance(ev, ConnClosed):
                self._server.setdefault(ev.conn, {})["closed"] = t
            elif isinstance(ev, ServerCpuSampled):
                self.cpu.append(CpuPoint(t, ev.cpu_s, ev.wall_s, ev.spins))
            elif isinstance(ev, SocketFailed):
                self.failures.append(f"{ev.endpoint}: {ev.call}: {ev.error}: {ev.message}")
            elif isinstance(ev, RunFinished):
                self.finished = True
                self.ok = ev.ok

    def _row(self, client: int) -> ClientRow:
        row = self._rows.get(client)
        if row is None:
            row = self._rows[client] = ClientRow(client)
        return row

    def rows(self) -> list[ClientRow]:
        """Every expected client (in order), with the server's side of its connection merged in."""
        count = int(self.config.get("clients", 0))
        out = []
        for client in range(1, max(count, max(self._rows, default=0)) + 1):
            row = self._rows.get(client, ClientRow(client))
            side = self._server.get(row.conn) if row.conn else None
            if side:
                row.accepted = side.get("accepted")
                row.server_closed = side.get("closed")
                row.thread = str(side.get("thread", ""))
            out.append(row)
        return out

    def result(self) -> ServersResult:
        rows = self.rows()
        final = self.cpu[-1] if self.cpu else None
        requests = int(self.config.get("requests", 0))
        return ServersResult(
            mode=self.mode,
            config=dict(self.config),
            clients=rows,
            cpu=list(self.cpu),
            wall_s=max((r.closed or 0 for r in rows), default=0) / 1e9 or self.last_ns / 1e9,
            server_wall_s=final.wall_s if final else self.last_ns / 1e9,
            server_cpu_s=final.cpu_s if final else 0.0,
            spins=final.spins if final else 0,
            finished=self.finished,
            ok=self.ok and not self.failures,
            all_echoed=bool(rows) and all(r.replies_ok == requests for r in rows),
            failures=list(self.failures),
        )


# ----------------------------------------------------------------------------- text Gantt
CPU_RAMP = " .:-=+*#%@"  # 0 % … 100 % of one CPU


def gantt(result: ServersResult, width: int = 60) -> list[str]:
    """Text timeline: one row per client (``.`` connected but waiting, ``#`` being served,
    ``|`` a reply arrived) and one for the server threads' CPU use (`` `` idle … ``@`` 100 %)."""
    span_ns = max(1, int(result.wall_s * 1e9))

    def col(t_ns: int) -> int:
        return min(width - 1, max(0, t_ns * width // span_ns))

    lines = []
    for r in result.clients:
        cells = [" "] * width
        if r.connected is not None:
            start = col(r.connected)
            end = col(r.closed if r.closed is not None else span_ns)
            served_from = col(r.accepted) if r.accepted is not None else end + 1
            for i in range(start, end + 1):
                cells[i] = "#" if i >= served_from else "."
            for t in r.replies:
                cells[col(t)] = "|"
        wait = f"{r.wait_ns / 1e6:7.1f} ms" if r.wait_ns is not None else "      - ms"
        lines.append(f"client {r.client:<3}[{''.join(cells)}] wait {wait}")
    cells = [" "] * width
    prev_t, prev_cpu = 0, 0.0
    for p in result.cpu:
        dt = p.t_ns - prev_t
        if dt > 0 and prev_t < span_ns:
            frac = max(0.0, min(1.0, (p.cpu_s - prev_cpu) * 1e9 / dt))
            ch = CPU_RAMP[min(len(CPU_RAMP) - 1, round(frac * (len(CPU_RAMP) - 1)))]
            for i in range(col(prev_t), col(p.t_ns) + 1):
                cells[i] = ch
        prev_t, prev_cpu = p.t_ns, p.cpu_s
    lines.append(f"server CPU[{''.join(cells)}] {result.cpu_percent:5.1f} %")
    return lines
