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
``nonblocking-lesson``
    The lesson's non-blocking server *as written* (section 六, ``s6_nonblocking_server.py``): a
    non-blocking listener, and the sockets ``accept()`` returns used as they come - on Linux
    that is blocking (see below).  So the loop stalls in ``conn.recv(1024)`` on the first client
    until that client speaks again, while every other client waits its turn; when a client has
    left, its ``recv()`` returns ``b''`` at once, and the loop keeps it (it prints ``''`` and sends
    ``b''``, as the lesson's code does).  What the lab adds, invisible to the behaviour: each
    blocking ``recv()`` wakes every 50 ms (a socket timeout, retried) only to look at the stop
    flag, and the lesson's endless ``while True`` ends once every client has left.
``nonblocking-selectors``
    The fix: the same single thread and the same non-blocking sockets, but
    ``selectors.DefaultSelector`` puts the thread to sleep until a socket is ready.

Two corrections to the lesson's non-blocking server in ``nonblocking-busy``, both needed for it to
work as its text says: on
Linux a socket returned by ``accept()`` does *not* inherit ``O_NONBLOCK`` from the listening
socket (Python hands it back in blocking mode), so each connection is switched to non-blocking
explicitly, or ``conn.recv()`` would block the whole loop on one quiet client; and ``recv()``
returning ``b''`` means the client left, so the connection is closed and dropped from the list
(the lesson's loop would spin on it forever).

Each client connects, sends K requests (``b'client 1 request 1'``…), waits for the echo
(upper-cased, as in the lesson), thinks a little between requests, then closes.  Every socket
call is bounded by a short timeout and re-checks the stop flag; ``close()`` joins every thread
(socketserver's handler threads included) or raises.  In step mode every worker waits at the
gate before its socket calls (the server's accept/recv/send, each client's connect/send/recv);
the busy loop's every fruitless ``accept()``/``recv()`` is a call of its own, which is the point.
"""

from __future__ import annotations

import functools
import os
import selectors
import socket
import socketserver
import sys
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from netsim.core.events import now_ns
from netsim.core.gate import GateClosed
from netsim.core.recorder import Recorder
from netsim.lab.base import POLL_S, Lab, LabBase, Stopped
from netsim.lessons.servers.analysis import ServersResult, ServersTimeline
from netsim.lessons.servers.events import (
    ClientClosed,
    ClientConnected,
    ConnAccepted,
    ConnClosed,
    ReplyReceived,
    RequestSent,
    RequestServed,
    ServerCpuSampled,
)
from netsim.lessons.servers.scenario import BLOCKING, BUSY, LESSON_NB, SELECTORS, THREADED, ServersConfig

_CPU_SAMPLE_S = 0.05  # how often the server reports its CPU time
_CLIENT_GAP_S = 0.01  # clients start this far apart, so they connect in order
_RECV_BYTES = 1024  # the lesson's recv(1024)


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
class ServersLab(LabBase):
    """Runs one :class:`ServersConfig` (see :class:`netsim.lab.base.Lab` for the lifecycle)."""

    def __init__(
        self, config: ServersConfig, *, recorder: Recorder | None = None, stepping: bool = False
    ) -> None:
        self.config = config
        super().__init__(recorder, stepping=stepping)
        self.port: int | None = None
        self._clients_done = threading.Event()
        self._meter = _CpuMeter()
        self._t0_ns = 0
        self._tcp_server: _LabThreadingServer | None = None

    # ------------------------------------------------------------------------------ control
    def run_config(self) -> dict[str, Any]:
        return self.config.to_dict()

    def _launch(self) -> None:
        # The conductor is the one counted worker: it joins every thread it starts, so when it
        # leaves, the run is over.  A client or server thread that dies stops it at once.
        self._spawn("lab", self._conduct, name="netsim-servers-run")

    def result(self) -> ServersResult:
        """The run's results, from the recorder (which must keep events)."""
        timeline = ServersTimeline()
        timeline.feed(self.recorder.events)
        return timeline.result()

    # ---------------------------------------------------------------------------- plumbing
    def _threads_to_join(self) -> list[threading.Thread]:
        server = self._tcp_server
        handlers = server.handler_threads() if server is not None else []
        return [*super()._threads_to_join(), *handlers]

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

    def _busy_tick(self, spins: int, last: list[float]) -> int:
        """One turn of a non-blocking server loop: stop if asked; every 50 ms hand the ``spins``
        counted so far to the CPU meter and report.  Returns the spins not yet handed over."""
        self._check()
        if time.monotonic() - last[0] < _CPU_SAMPLE_S:
            return spins
        self._meter.spin(spins)
        self._maybe_emit_cpu(last)
        return 0

    # --------------------------------------------------------------------------- conductor
    def _conduct(self) -> None:
        self._t0_ns = now_ns()
        try:
            if self.config.mode == THREADED:
                self._run_threaded()
            else:
                self._run_single_thread()
        finally:
            self._clients_done.set()

    def _start_clients(self) -> list[threading.Thread]:
        clients: list[threading.Thread] = []
        for i in range(1, self.config.clients + 1):
            if self._stop.is_set():
                break
            tried = threading.Event()
            clients.append(
                self._spawn(
                    "client",
                    functools.partial(self._client, i, tried),
                    name=f"netsim-servers-client-{i}",
                    counted=False,
                )
            )
            # Client i+1 starts once client i has connected (or given up), so the clients reach
            # the backlog in their numbered order even when the process is busy (a GUI).
            deadline = time.monotonic() + 2.0
            while not tried.wait(POLL_S) and time.monotonic() < deadline:
                self._check()
            self._stop.wait(_CLIENT_GAP_S)
        return clients

    def _join(self, threads: Iterable[threading.Thread]) -> None:
        for t in threads:
            while t.is_alive():
                t.join(POLL_S)

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
            body = {
                BLOCKING: self._serve_blocking,
                BUSY: self._serve_busy,
                LESSON_NB: self._serve_lesson_nonblocking,
                SELECTORS: self._serve_selectors,
            }[self.config.mode]
            server = self._spawn(
                "server", lambda: body(listener), name="netsim-servers-server", counted=False
            )
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
        serving = self._spawn(
            "server",
            lambda: self._serve_forever(server),
            name="netsim-servers-serve_forever",
            counted=False,
        )
        try:
            try:
                self._join(self._start_clients())
            finally:
                self._clients_done.set()
                # shutdown() asks serve_forever() to return and waits for it; server_close()
                # closes the listener and, with block_on_close, joins every handler thread.
                if serving.is_alive():
                    server.shutdown()
                self._join([serving])
        finally:
            server.server_close()
        self._emit_cpu(final=True)

    # ------------------------------------------------------------------------------ clients
    def _client(self, client: int, tried: threading.Event) -> None:
        cfg = self.config
        me = f"client {client}"
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        conn = 0
        assert self.port is not None
        call = f"connect(('127.0.0.1', {self.port}))"
        try:
            sock.settimeout(min(1.0, cfg.timeout_s))  # loopback: instant, or refused
            if self.gate.stepping:
                tried.set()  # someone steps the calls: the next client may wait at the gate too
            self._gate(me, call)
            sock.connect(("127.0.0.1", self.port))
            sock.settimeout(POLL_S)
            conn = sock.getsockname()[1]
            self.recorder.emit(ClientConnected(now_ns(), "client", client, conn))
            tried.set()
            for index in range(1, cfg.requests + 1):
                if index > 1 and cfg.think_ms and self._stop.wait(cfg.think_ms / 1000):
                    raise Stopped
                data = cfg.message(client, index)
                call = f"send({data!r})"
                self._gate(me, call)
                sent_ns = now_ns()
                self._send_all(sock, data)
                self.recorder.emit(RequestSent(sent_ns, "client", client, conn, index, data))
                call = f"recv({len(data)})"
                self._gate(me, call)
                deadline = time.monotonic() + cfg.timeout_s  # the limit is per reply
                reply = self._recv_exactly(sock, len(data), deadline)
                t = now_ns()
                ok = reply == data.upper()
                self.recorder.emit(ReplyReceived(t, "client", client, conn, index, reply, t - sent_ns, ok))
                if not ok:
                    self.failed = True
        except (Stopped, GateClosed, _ClientGaveUp):
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
            # A person stepping through the server's calls sets the pace: no time limit then.
            if time.monotonic() > deadline and not self.gate.stepping:
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
        listener.settimeout(POLL_S)
        try:
            while not self._clients_done.is_set():
                self._gate("server", "accept()")
                accepted: tuple[socket.socket, Any] | None = None
                while accepted is None and not self._clients_done.is_set():
                    self._check()
                    self._maybe_emit_cpu(last)
                    try:
                        accepted = listener.accept()
                    except TimeoutError:
                        self._meter.spin()
                if accepted is None:
                    break
                conn, addr = accepted
                with conn:
                    conn.settimeout(POLL_S)
                    port = addr[1]
                    self.recorder.emit(ConnAccepted(now_ns(), "server", port, thread))
                    self._echo(conn, port, thread, last)  # this client, and nobody else, until it leaves
                self.recorder.emit(ConnClosed(now_ns(), "server", port, thread))
        finally:
            self._meter.update()

    def _echo(self, conn: socket.socket, port: int, thread: str, last: list[float]) -> None:
        """One client on a blocking server (``conn`` polls every POLL_S): ``recv``, upper-case,
        ``sendall``, until the client leaves (``recv`` returns b'')."""
        while True:
            self._gate("server", f"conn.recv({_RECV_BYTES}) [{port}]")
            data = b""
            while True:
                self._check()
                self._maybe_emit_cpu(last)
                try:
                    data = conn.recv(_RECV_BYTES)
                    break
                except TimeoutError:
                    self._meter.spin()
            if not data:
                return
            reply = data.upper()
            self._gate("server", lambda r=reply, p=port: f"conn.sendall({r!r}) [{p}]")  # type: ignore[misc]
            self._send_all(conn, reply)
            self.recorder.emit(RequestServed(now_ns(), "server", port, thread, len(data)))

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
                spins = self._busy_tick(spins, last)  # the bookkeeping, not the lesson
                self.gate.wait("server", "accept()")
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

    def _serve_lesson_nonblocking(self, listener: socket.socket) -> None:
        """The lesson's loop as written: the listener is non-blocking, the accepted sockets are not.

        The lesson's code, for comparison (``print(msg)`` aside)::

            sk.setblocking(False)
            conn_l = []
            while True:
                try:
                    conn, addr = sk.accept()
                    conn_l.append(conn)
                except BlockingIOError:
                    for conn in conn_l:
                        try:
                            msg = conn.recv(1024).decode('utf-8')
                            conn.send(msg.upper().encode('utf-8'))
                        except BlockingIOError:
                            pass
        """
        thread = threading.current_thread().name
        last = [time.monotonic()]
        listener.setblocking(False)
        conns: list[_LessonConn] = []
        spins = 0
        try:
            while not self._clients_done.is_set():  # the lesson's `while True`, ended once all left
                spins = self._busy_tick(spins, last)  # the bookkeeping, not the lesson
                self.gate.wait("server", "accept()")
                try:
                    sock, addr = listener.accept()
                except BlockingIOError:
                    spins += 1
                    for c in conns:
                        try:
                            spins += self._lesson_turn(c, thread, last)
                        except BlockingIOError:  # only where accept() did pass O_NONBLOCK on
                            spins += 1
                    continue
                # Used as accept() returned it.  Whether that is blocking is read from the
                # descriptor itself, not assumed: on Linux it is (O_NONBLOCK is not inherited).
                c = _LessonConn(sock, addr[1], blocking=os.get_blocking(sock.fileno()))
                if c.blocking:
                    sock.settimeout(POLL_S)  # still a blocking recv() to the loop: see _lesson_turn
                conns.append(c)
                self.recorder.emit(ConnAccepted(now_ns(), "server", c.port, thread))
        finally:
            self._meter.spin(spins)
            for c in conns:  # the lab ends the endless loop: it closes what the lesson never does
                c.sock.close()
                if not c.left:
                    self.recorder.emit(ConnClosed(now_ns(), "server", c.port, thread))
            self._meter.update()

    def _lesson_turn(self, c: _LessonConn, thread: str, last: list[float]) -> int:
        """``msg = conn.recv(1024)``, ``conn.send(msg.upper())`` for one connection; returns spins."""
        self.gate.wait("server", f"conn.recv({_RECV_BYTES}) [{c.port}]")
        if c.blocking:
            # A blocking recv(): it returns when the client speaks or leaves.  The 50 ms timeout
            # only lets the lab see its stop flag; nothing else happens in the meantime.
            while True:
                self._check()
                self._maybe_emit_cpu(last)
                try:
                    data = c.sock.recv(_RECV_BYTES)
                    break
                except TimeoutError:
                    continue
        else:
            data = c.sock.recv(_RECV_BYTES)  # BlockingIOError: the lesson's except
        reply = data.upper()
        self.gate.wait("server", lambda: f"conn.send({reply!r}) [{c.port}]")
        c.sock.send(reply)  # the lesson's send(); b'' after the client left
        if not data:
            if not c.left:
                c.left = True  # it stays in the list, as in the lesson; its recv() no longer waits
                self.recorder.emit(ConnClosed(now_ns(), "server", c.port, thread))
            return 1
        self.recorder.emit(RequestServed(now_ns(), "server", c.port, thread, len(data)))
        return 0

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
                    ready = sel.select(timeout=POLL_S)
                    if not ready:
                        self._meter.spin()
                    for key, mask in ready:
                        if key.data is None:
                            self._gate("server", "accept()")
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
            self.gate.wait("server", lambda: f"conn.send({bytes(c.out)!r}) [{c.port}]")
            c.flush()
        self.gate.wait("server", lambda: f"conn.recv({_RECV_BYTES}) [{c.port}]")
        data = c.sock.recv(_RECV_BYTES)
        if not data:
            c.closed = True  # the caller closes the socket
            conns.remove(c)
            self.recorder.emit(ConnClosed(now_ns(), "server", c.port, thread))
            return
        c.out += data.upper()
        self.gate.wait("server", lambda: f"conn.send({bytes(c.out)!r}) [{c.port}]")
        c.flush()  # a non-blocking send may take only part: the rest waits in c.out
        self.recorder.emit(RequestServed(now_ns(), "server", c.port, thread, len(data)))

    # --------------------------------------------------------------------- threaded server
    def _serve_forever(self, server: _LabThreadingServer) -> None:
        try:
            server.serve_forever(poll_interval=POLL_S)
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


@dataclass
class _LessonConn:
    sock: socket.socket
    port: int
    blocking: bool  # as accept() returned it (Linux: True)
    left: bool = False  # recv() returned b'': the client has gone (the lesson keeps the socket)


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
        conn.settimeout(POLL_S)
        lab.recorder.emit(ConnAccepted(now_ns(), "server", port, me.name))
        last = [time.monotonic()]
        try:
            lab._echo(conn, port, me.name, last)
            lab.recorder.emit(ConnClosed(now_ns(), "server", port, me.name))
        except (Stopped, GateClosed):
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

    def get_request(self) -> tuple[socket.socket, Any]:
        # serve_forever() found the listener readable: in step mode, accept() waits its turn.
        self.lab._gate("server", "accept()")
        return super().get_request()

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


if TYPE_CHECKING:  # mypy --strict checks that ServersLab has the shape of every lab
    _LAB_SHAPE: type[Lab] = ServersLab
