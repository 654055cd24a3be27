"""One tiny service, two kinds of client: C/S (our own client program) and B/S (a web browser).

:class:`WebLab` runs a small HTTP/1.1 server in **one** worker thread (a ``selectors`` loop over
non-blocking sockets, so every connection is served and one slow client never blocks another),
and :meth:`WebLab.run_client` runs the app's own client in a second thread.  Both threads are
joined by :meth:`WebLab.close`; nothing is a daemon.

The service: ``GET /`` is a page for the browser (with a stylesheet, so a browser asks twice on
one keep-alive connection), ``GET /api/greeting`` and ``POST /api/greeting`` (the body is a name)
are the same greeting as plain text for the C/S client.  Every visit is counted, whichever
client it came from.

Hostile clients get a clear HTTP answer and the server goes on serving others: a head without
``\\r\\n\\r\\n`` within the limit (431), a bad request line (400), a body past the limit (413), a
chunked body (501), a request not finished within ``request_deadline_s`` of its first byte
(408), more than ``max_connections`` at once (503).  Idle keep-alive connections are closed
after ``idle_timeout_s``.

Everything is recorded: each ``recv()`` and ``send()`` (:class:`HttpBytes`) and each message
HTTP found in the stream (:class:`HttpMessageFramed`), with the offsets of its delimiter and its
Content-Length body.
"""

from __future__ import annotations

import html
import selectors
import socket
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from netsim.core.events import SocketFailed, errno_name, now_ns
from netsim.core.recorder import Recorder
from netsim.lab.base import LabBase
from netsim.lessons.clientserver.events import (
    HttpBytes,
    HttpConnectionClosed,
    HttpConnectionOpened,
    HttpMessageFramed,
    HttpRefused,
    ServerListening,
)
from netsim.lessons.clientserver.http import (
    HttpError,
    Message,
    MessageReader,
    build_request,
    build_response,
)

LOOPBACK = "127.0.0.1"
POLL_S = 0.05
RECV_BYTES = 64 * 1024
OUT_HIGH_WATER = 256 * 1024  # stop reading a client that does not read its answers
MAX_CONNECTIONS = 64
REQUEST_DEADLINE_S = 10.0
IDLE_TIMEOUT_S = 30.0
CLIENT_TIMEOUT_S = 10.0
GREETING_NAME_MAX = 64

SERVER = "server"
CLIENT = "client"
CS_AGENT = "netsim-cs-client/1"


def page_html(greeting: str) -> bytes:
    return (
        "<!doctype html>\n<html lang='zh-CN'><head><meta charset='utf-8'>"
        "<title>NetSim: B/S</title><link rel='stylesheet' href='/style.css'></head>\n"
        f"<body><h1>B/S</h1><p id='greeting'>{html.escape(greeting)}</p>"
        "<p>This page came from the same service that the NetSim client (C/S) asks at /api/greeting.</p>"
        "</body></html>\n"
    ).encode()


STYLE_CSS = b"body { font-family: sans-serif; margin: 2em; } #greeting { font-size: 200%; color: #0072B2; }\n"


@dataclass(slots=True)
class _Conn:
    sock: socket.socket
    conn: int
    peer: str
    reader: MessageReader = field(default_factory=lambda: MessageReader("request"))
    out: bytearray = field(default_factory=bytearray)
    out_offset: int = 0
    request_started: float | None = None  # monotonic time of the current request's first byte
    last_activity: float = 0.0
    close_after_write: bool = False
    agent: str = ""
    responses: int = 0


class WebLab(LabBase):
    """The server (and, on demand, the C/S client), on the shared :class:`~netsim.lab.base.LabBase`.

    ``start()`` returns at once (the server binds in its worker: the URL arrives as
    :class:`ServerListening`).  The run lasts until ``close()``.  Step mode (``pause``/``step``)
    gates the C/S client's socket calls; the server answers at once, as a browser expects.
    """

    def __init__(
        self,
        recorder: Recorder | None = None,
        *,
        host: str = LOOPBACK,
        port: int = 0,
        max_connections: int = MAX_CONNECTIONS,
        request_deadline_s: float = REQUEST_DEADLINE_S,
        idle_timeout_s: float = IDLE_TIMEOUT_S,
        stepping: bool = False,
    ) -> None:
        if not 0 <= port <= 65535:
            raise ValueError(f"port {port} is outside 0-65535")
        super().__init__(recorder, stepping=stepping)
        self.host, self.port = host, port
        self.max_connections = max_connections
        self.request_deadline_s = request_deadline_s
        self.idle_timeout_s = idle_timeout_s
        self._listening = threading.Event()
        self._clients: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._url = ""
        self._visits = 0

    # ================================================================ control
    def run_config(self) -> dict[str, Any]:
        return {
            "lab": "clientserver",
            "host": self.host,
            "port": self.port,
            "max_connections": self.max_connections,
            "request_deadline_s": self.request_deadline_s,
            "idle_timeout_s": self.idle_timeout_s,
        }

    def _launch(self) -> None:
        self._spawn(SERVER, self._serve_body, name="netsim-web-server")

    def wait_listening(self, timeout_s: float = 5.0) -> str:
        """The URL once listening; ``""`` if the server failed (see :attr:`error`) or did not start in time."""
        self._listening.wait(timeout_s)
        with self._lock:
            return self._url

    @property
    def url(self) -> str:
        with self._lock:
            return self._url

    @property
    def error(self) -> str:
        """Why the server stopped, when it died (e.g. ``"server: [EADDRINUSE] Address already in use"``)."""
        return self.died or ""

    def clients_idle(self) -> bool:
        with self._lock:
            return not any(t.is_alive() for t in self._clients)

    def close(self, timeout_s: float = 10.0) -> None:
        """Stop the server, close every connection, join every thread (raises if one will not end)."""
        super().close(timeout_s)

    # ================================================================ server
    def _serve_body(self) -> None:
        try:
            self._serve()
        finally:
            self._listening.set()  # a waiter learns at once that the server failed

    def _serve(self) -> None:
        conns: dict[int, _Conn] = {}
        with (
            socket.create_server((self.host, self.port), backlog=128) as listener,
            selectors.DefaultSelector() as sel,
        ):
            listener.setblocking(False)
            port = int(listener.getsockname()[1])
            shown_host = f"[{self.host}]" if ":" in self.host else self.host
            url = f"http://{shown_host}:{port}/"
            with self._lock:
                self._url = url
            self.recorder.emit(ServerListening(now_ns(), SERVER, self.host, port, url))
            self._check()
            self._listening.set()
            sel.register(listener, selectors.EVENT_READ, None)
            try:
                while not self._stop.is_set():
                    for key, mask in sel.select(POLL_S):
                        if key.data is None:
                            self._accept(listener, sel, conns)
                            continue
                        c: _Conn = key.data
                        if mask & selectors.EVENT_WRITE:
                            self._flush(c, sel, conns)
                        if mask & selectors.EVENT_READ and c.sock.fileno() in conns:
                            self._read(c, sel, conns)
                    self._check_deadlines(sel, conns)
            finally:
                for c in list(conns.values()):
                    self._drop(c, sel, conns, "server stopped")

    def _accept(self, listener: socket.socket, sel: selectors.BaseSelector, conns: dict[int, _Conn]) -> None:
        for _ in range(64):  # bounded: others get their turn
            try:
                sock, addr = listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:  # e.g. EMFILE: say it, keep serving the others
                self.recorder.emit(
                    SocketFailed(
                        now_ns(),
                        SERVER,
                        "accept",
                        type(exc).__name__,
                        str(exc),
                        exc.errno or 0,
                        errno_name(exc),
                    )
                )
                return
            # Linux: an accepted socket does NOT inherit O_NONBLOCK from the listener (the lesson's
            # non-blocking server forgets this); set it explicitly.
            sock.setblocking(False)
            peer = f"{addr[0]}:{addr[1]}"
            c = _Conn(sock, int(addr[1]), peer, last_activity=time.monotonic())
            self.recorder.emit(HttpConnectionOpened(now_ns(), SERVER, c.conn, peer))
            if len(conns) >= self.max_connections:
                self.recorder.emit(HttpRefused(now_ns(), SERVER, c.conn, 503, "too many connections"))
                try:
                    sock.send(build_response(503, b"too many connections\n", keep_alive=False))
                except OSError:
                    pass
                sock.close()
                self.recorder.emit(
                    HttpConnectionClosed(now_ns(), SERVER, c.conn, "refused: too many connections")
                )
                continue
            conns[sock.fileno()] = c
            sel.register(sock, selectors.EVENT_READ, c)

    def _read(self, c: _Conn, sel: selectors.BaseSelector, conns: dict[int, _Conn]) -> None:
        if c.close_after_write or len(c.out) >= OUT_HIGH_WATER:
            return
        try:
            data = c.sock.recv(RECV_BYTES)
        except (BlockingIOError, InterruptedError):
            return
        except OSError as exc:
            self._drop(c, sel, conns, f"{type(exc).__name__}: {exc.strerror or exc}")
            return
        now = time.monotonic()
        if not data:
            reason = "client closed mid-request" if c.reader.in_message else "client closed"
            self._drop(c, sel, conns, reason)
            return
        start = c.reader.offset
        self.recorder.emit(HttpBytes(now_ns(), SERVER, c.conn, "request", start, start + len(data), data))
        c.last_activity = now
        if c.request_started is None:
            c.request_started = now
        try:
            messages = c.reader.feed(data)
        except HttpError as exc:
            self._refuse(c, sel, exc.status, exc.message)
            return
        for m in messages:
            if not self._answer(c, m, sel):
                break  # Connection: close: what follows it on this connection is not answered
        if messages:  # a slow client's deadline runs from its request's first byte, not its latest
            c.request_started = now if c.reader.in_message else None

    def _answer(self, c: _Conn, m: Message, sel: selectors.BaseSelector) -> bool:
        """Answer one request; False when the connection closes after it."""
        agent = m.header("User-Agent") or ""
        c.agent = agent[:200]
        self.recorder.emit(
            HttpMessageFramed(
                now_ns(), SERVER, c.conn, "request", m.index, m.start_line, m.start, m.delimiter, m.header_end, m.end,
                m.raw, c.agent,
            )
        )  # fmt: skip
        status, body, ctype = self._service(m)
        keep = m.keep_alive
        self._queue(
            c,
            build_response(status, body, content_type=ctype, keep_alive=keep, head_only=m.method == "HEAD"),
            sel,
        )
        if not keep:
            c.close_after_write = True
        return keep

    def _service(self, m: Message) -> tuple[int, bytes, str]:
        path = urllib.parse.urlsplit(m.target).path
        text = "text/plain; charset=utf-8"
        if path not in ("/", "/style.css", "/api/greeting", "/favicon.ico"):
            return 404, f"no such page: {path[:100]}\n".encode(), text
        if path == "/favicon.ico":
            return 404, b"no icon\n", text
        if path == "/api/greeting" and m.method == "POST":
            name = m.body.decode("utf-8", "replace").strip()[:GREETING_NAME_MAX] or "visitor"
        elif m.method in ("GET", "HEAD"):
            name = "visitor"
        else:
            return 405, f"{m.method} is not allowed here\n".encode(), text
        if path == "/style.css":
            return 200, STYLE_CSS, "text/css; charset=utf-8"
        with self._lock:
            self._visits += 1
            visit = self._visits
        greeting = f"你好, {name}! (visit {visit})"
        if path == "/":
            return 200, page_html(greeting), "text/html; charset=utf-8"
        return 200, (greeting + "\n").encode("utf-8"), text

    def _refuse(self, c: _Conn, sel: selectors.BaseSelector, status: int, reason: str) -> None:
        self.recorder.emit(HttpRefused(now_ns(), SERVER, c.conn, status, reason))
        self._queue(c, build_response(status, (reason + "\n").encode("utf-8"), keep_alive=False), sel)
        c.close_after_write = True

    def _queue(self, c: _Conn, data: bytes, sel: selectors.BaseSelector) -> None:
        # We built this response, so its framing is known: head, b"\r\n\r\n", Content-Length bytes.
        start = c.out_offset + len(c.out)
        delimiter = data.find(b"\r\n\r\n")
        c.responses += 1
        self.recorder.emit(
            HttpMessageFramed(
                now_ns(), SERVER, c.conn, "response", c.responses, data[: data.find(b"\r\n")].decode("latin-1"),
                start, start + delimiter, start + delimiter + 4, start + len(data), data,
            )
        )  # fmt: skip
        c.out += data
        sel.modify(c.sock, selectors.EVENT_READ | selectors.EVENT_WRITE, c)

    def _flush(self, c: _Conn, sel: selectors.BaseSelector, conns: dict[int, _Conn]) -> None:
        try:
            n = c.sock.send(c.out)
        except (BlockingIOError, InterruptedError):
            return
        except OSError as exc:
            self._drop(c, sel, conns, f"{type(exc).__name__}: {exc.strerror or exc}")
            return
        sent = bytes(c.out[:n])
        self.recorder.emit(
            HttpBytes(now_ns(), SERVER, c.conn, "response", c.out_offset, c.out_offset + n, sent)
        )
        del c.out[:n]
        c.out_offset += n
        c.last_activity = time.monotonic()
        if not c.out:
            if c.close_after_write:
                self._drop(c, sel, conns, "answered and closed (Connection: close or an error)")
                return
            sel.modify(c.sock, selectors.EVENT_READ, c)

    def _check_deadlines(self, sel: selectors.BaseSelector, conns: dict[int, _Conn]) -> None:
        now = time.monotonic()
        for c in list(conns.values()):
            if c.close_after_write:
                if now - c.last_activity > self.idle_timeout_s:
                    self._drop(c, sel, conns, "the client did not read its answer")
            elif c.request_started is not None and now - c.request_started > self.request_deadline_s:
                self._refuse(
                    c, sel, 408, f"the request was not complete within {self.request_deadline_s:g} s"
                )
            elif not c.out and now - c.last_activity > self.idle_timeout_s:
                self._drop(c, sel, conns, f"idle for {self.idle_timeout_s:g} s (keep-alive ended)")

    def _drop(self, c: _Conn, sel: selectors.BaseSelector, conns: dict[int, _Conn], reason: str) -> None:
        fd = c.sock.fileno()
        if fd >= 0 and fd in conns:
            sel.unregister(c.sock)
            del conns[fd]
        c.sock.close()
        self.recorder.emit(HttpConnectionClosed(now_ns(), SERVER, c.conn, reason))

    # ================================================================ client
    def run_client(self, name: str = "学生") -> None:
        """The C/S client, in a worker thread: three requests on one keep-alive connection.

        The first alone; then a POST (its body framed by Content-Length) and a GET written with
        one ``sendall`` — two requests glued together, as 黏包 glues messages — which the
        server must take apart by HTTP's own framing.  Responses are read the same way.
        """
        url = self.url
        if not url:
            raise RuntimeError("the server is not listening")
        with self._lock:
            self._clients = [x for x in self._clients if x.is_alive()]
            # Not counted: the run is the server's; a client that fails records its error only.
            t = self._spawn(
                CLIENT, lambda: self._client_guarded(url, name), name="netsim-cs-client", counted=False
            )
            self._clients.append(t)

    def _client_guarded(self, url: str, name: str) -> None:
        try:
            self._client(url, name)
        except (OSError, HttpError) as exc:
            if isinstance(exc, HttpError):
                self.recorder.emit(SocketFailed(now_ns(), CLIENT, "recv", "HttpError", exc.message, 0))
                self.failed = True
            else:
                self._emit_fail(CLIENT, "client", exc)

    def _recv_within(self, sock: socket.socket, timeout_s: float) -> bytes:
        """One ``recv()`` on a short-timeout socket: interruptible by close(), given up after ``timeout_s``."""
        deadline = time.monotonic() + timeout_s
        while True:
            self._check()
            try:
                return sock.recv(RECV_BYTES)
            except TimeoutError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"the server did not answer within {timeout_s:g} s") from None

    def _client(self, url: str, name: str) -> None:
        parts = urllib.parse.urlsplit(url)
        host, port = parts.hostname or LOOPBACK, int(parts.port or 80)
        authority = parts.netloc
        self._gate(CLIENT, f"connect(({host!r}, {port}))")
        with socket.create_connection((host, port), timeout=CLIENT_TIMEOUT_S) as sock:
            sock.settimeout(POLL_S)  # short waits, so close() never waits for a blocked recv()
            conn = int(sock.getsockname()[1])
            self.recorder.emit(HttpConnectionOpened(now_ns(), CLIENT, conn, f"{host}:{port}"))
            reader = MessageReader("response")
            sent = 0

            def send(data: bytes) -> None:
                nonlocal sent
                self._gate(CLIENT, f"sendall({len(data)} bytes)")
                self._send_all(sock, data)
                self.recorder.emit(HttpBytes(now_ns(), CLIENT, conn, "request", sent, sent + len(data), data))
                sent += len(data)

            def read(count: int) -> None:
                got = 0
                while got < count:
                    self._gate(CLIENT, f"recv({RECV_BYTES})")
                    start = reader.offset
                    data = self._recv_within(sock, CLIENT_TIMEOUT_S)
                    if not data:
                        raise HttpError(400, "the server closed the connection before answering")
                    self.recorder.emit(
                        HttpBytes(now_ns(), CLIENT, conn, "response", start, start + len(data), data)
                    )
                    for m in reader.feed(data):
                        got += 1
                        self.recorder.emit(
                            HttpMessageFramed(
                                now_ns(), CLIENT, conn, "response", m.index, m.start_line, m.start, m.delimiter,
                                m.header_end, m.end, m.raw,
                            )
                        )  # fmt: skip

            send(build_request("GET", "/api/greeting", authority))
            read(1)
            body = name.encode("utf-8")
            send(
                build_request("POST", "/api/greeting", authority, body)
                + build_request("GET", "/api/greeting", authority)
            )
            read(2)
        self.recorder.emit(HttpConnectionClosed(now_ns(), CLIENT, conn, "client closed"))
