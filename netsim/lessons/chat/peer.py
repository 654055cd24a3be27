"""The lesson's interactive chat programs, done robustly.

One loop, no threads: ``selectors`` watches standard input and the socket together, so either
side may type at any time (the lesson's programs must take turns).  Every message is framed
with the chosen codec; each side quits on ``q``.  Works against itself, against ``nc`` (with
delimiter framing, the default) and against the lesson's own scripts (``--framing length:i``).

Every peer is hostile until its bytes are checked, and no peer can stop the server serving others:

* the TCP server keeps accepting while it talks: every connected client is read (its messages
  are shown), typed lines go to the *current* peer - the one that spoke last (with one client,
  simply that client);
* deadlines (``--timeout S``) belong to a connection, never to the server: a client idle for S
  seconds, or one that leaves a frame unfinished for S seconds (a slowloris), is closed alone;
* at most :data:`MAX_CLIENTS` clients are held; one more closes the longest-idle one, so a pile
  of idle connections can never lock a new client out, and the accept queue is always drained;
* a bad frame closes that client's connection (TCP) or drops that datagram (UDP), with one line
  saying why; a reset, a half-close or a client that stops reading (sends time out after
  :data:`SEND_TIMEOUT_S`) ends that conversation only.
"""

from __future__ import annotations

import errno
import os
import selectors
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

from netsim.framing import Codec, FramingError, JsonFrame, RawCodec
from netsim.lessons.chat.hint import framing_hint

QUIT = "q"
MAX_CLIENTS = 64  # TCP clients held at once; one more evicts the longest-idle one
SEND_TIMEOUT_S = 5.0  # a client that does not read for this long is cut off
ACCEPT_BATCH = 16  # connections accepted per turn of the loop before reading the clients again
ACCEPT_PAUSE_S = 0.5  # after accept() fails for lack of descriptors, before trying again
REASON_CHARS = 300  # a peer's bad bytes are quoted in one bounded line


class ChatError(Exception):
    """A clean, printable reason the chat could not go on."""


@dataclass
class ChatOptions:
    role: str  # "server" or "client"
    host: str = "127.0.0.1"
    port: int = 9001
    udp: bool = False
    once: bool = False  # server: stop after the first conversation
    timeout_s: float = 0.0  # 0: wait forever (tests set a bound)


def explain_os_error(exc: OSError, host: str, port: int) -> str:
    if exc.errno == errno.EADDRINUSE:
        return f"port {port} on {host} is already in use (EADDRINUSE); pick another with --port"
    if exc.errno == errno.ECONNREFUSED:
        return f"nobody is listening on {host}:{port} (connection refused)"
    if exc.errno == errno.ECONNRESET:
        return "the peer reset the connection"
    if exc.errno == errno.EACCES:
        return f"not allowed to use port {port} (ports below 1024 need privileges)"
    name = errno.errorcode.get(exc.errno or 0, "")
    return f"{exc.strerror or exc} ({name})" if name else str(exc)


def one_line(text: str) -> str:
    """``text`` as one bounded line (an error may quote a hostile peer's bytes)."""
    flat = " ".join(text.split())
    return flat if len(flat) <= REASON_CHARS else flat[:REASON_CHARS] + "..."


def _text(message: object) -> str:
    data = message.body if isinstance(message, JsonFrame) else message
    assert isinstance(data, bytes)
    return data.decode("utf-8", "replace")


class _Chat:
    def __init__(self, opts: ChatOptions, codec: Codec, stdin_fd: int, out: TextIO) -> None:
        self.opts = opts
        self.codec = codec
        self.stdin_fd = stdin_fd
        self.out = out
        self.sel = selectors.DefaultSelector()
        self.pending_input = b""
        self.stdin_open = True

    def say(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    def read_lines(self) -> list[str] | None:
        """Complete lines typed so far; None at end of input."""
        chunk = os.read(self.stdin_fd, 4096)
        if not chunk:
            self.stdin_open = False
            rest, self.pending_input = self.pending_input, b""
            return [rest.decode("utf-8", "replace")] if rest else None
        self.pending_input += chunk
        *lines, self.pending_input = self.pending_input.split(b"\n")
        return [line.rstrip(b"\r").decode("utf-8", "replace") for line in lines]

    def encode(self, line: str) -> bytes:
        data = line.encode("utf-8")
        if isinstance(self.codec, RawCodec) and not data:
            self.say("(an empty TCP send puts nothing on the wire: not sent)")
        return self.codec.encode(data)

    def converse(
        self, send: Callable[[bytes], None], recv: Callable[[], bytes | None], sock: socket.socket
    ) -> str:
        """Run one conversation; returns why it ended ("quit", "peer-quit", "peer-closed", "eof")."""
        decoder = self.codec.decoder()
        first = b""  # the conversation's first bytes, until a message decodes (for the hint)
        hinted = False
        self.sel.register(sock, selectors.EVENT_READ, "net")
        if self.stdin_open:
            self.sel.register(self.stdin_fd, selectors.EVENT_READ, "stdin")
        try:
            # A server has no deadline of its own (only its connections do): the UDP server waits.
            timeout = None if self.opts.role == "server" else (self.opts.timeout_s or None)
            while True:
                events = self.sel.select(timeout)
                if not events:
                    raise ChatError(f"nothing happened for {self.opts.timeout_s} s; giving up")
                for key, _ in events:
                    if key.data == "stdin":
                        lines = self.read_lines()
                        if lines is None:
                            self.sel.unregister(self.stdin_fd)
                            return "eof"
                        for line in lines:
                            send(self.encode(line))
                            if line.strip().lower() == QUIT:
                                return "quit"
                        if not self.stdin_open:
                            self.sel.unregister(self.stdin_fd)
                            return "eof"
                    else:
                        data = recv()
                        if data is None:
                            continue
                        if not data and not self.opts.udp:
                            decoder.close()  # an unfinished frame at EOF is an error worth saying
                            return "peer-closed"
                        if not hinted:
                            first = (first + data)[:64]
                            hint = framing_hint(self.codec, first)
                            if hint:
                                self.say(f"hint: {hint}")
                            hinted = hint is not None
                        if self.opts.udp:
                            try:
                                messages = decoder.feed(data)
                                decoder.close()  # a datagram is whole: leftovers mean a bad frame
                            except FramingError as exc:
                                self.say(f"bad datagram dropped ({len(data)} bytes): {one_line(str(exc))}")
                                continue
                            finally:
                                decoder = self.codec.decoder()
                        else:
                            messages = decoder.feed(data)
                        hinted = hinted or bool(messages)
                        for message in messages:
                            text = _text(message)
                            self.say(f"peer> {text}")
                            if text.strip().lower() == QUIT:
                                return "peer-quit"
        finally:
            self.sel.unregister(sock)
            if self.stdin_open and self.stdin_fd in self.sel.get_map():
                self.sel.unregister(self.stdin_fd)


def run_chat(opts: ChatOptions, codec: Codec, stdin_fd: int, out: TextIO) -> None:
    """Run the chat; raises :class:`ChatError` with a readable reason on failure."""
    chat = _Chat(opts, codec, stdin_fd, out)
    family = socket.AF_INET6 if ":" in opts.host else socket.AF_INET
    kind = socket.SOCK_DGRAM if opts.udp else socket.SOCK_STREAM
    try:
        with socket.socket(family, kind) as sock:
            if opts.role == "server":
                sock.bind((opts.host, opts.port))
                bound = sock.getsockname()[1]
                if opts.udp:
                    chat.say(
                        f"UDP server on {opts.host}:{bound}; type a line to answer the last sender, q quits"
                    )
                    _udp_server(chat, sock)
                else:
                    sock.listen(socket.SOMAXCONN)
                    chat.say(f"TCP server listening on {opts.host}:{bound} ({codec.label})")
                    _tcp_server(chat, sock)
            elif opts.udp:
                # connect() on UDP only fixes the peer: no packet is sent, but the kernel now reports
                # ICMP "port unreachable" as ECONNREFUSED (and drops datagrams from anyone else).
                sock.connect((opts.host, opts.port))
                chat.say(f"UDP client to {opts.host}:{opts.port}; type a line, q quits")

                def send_dgram(data: bytes) -> None:
                    sock.send(data)  # one datagram: all of it or an error, never part

                chat.converse(send_dgram, lambda: _recv_dgram(sock), sock)
            else:
                sock.settimeout(5.0)
                sock.connect((opts.host, opts.port))
                sock.settimeout(None)
                chat.say(f"connected to {opts.host}:{opts.port} ({codec.label}); type a line, q quits")
                why = chat.converse(sock.sendall, lambda: sock.recv(65536), sock)
                if why == "peer-closed":
                    chat.say("the server closed the connection")
    except FramingError as exc:
        raise ChatError(f"bad frame from the peer: {exc}") from exc
    except OSError as exc:
        raise ChatError(explain_os_error(exc, opts.host, opts.port)) from exc
    finally:
        chat.sel.close()


def _recv_dgram(sock: socket.socket) -> bytes | None:
    try:
        return sock.recv(65536)
    except ConnectionRefusedError:  # ICMP port unreachable from an earlier datagram
        raise ChatError("nobody is listening at the other end (port unreachable)") from None


class _Client:
    """One accepted TCP connection and its receive state."""

    def __init__(self, sock: socket.socket, addr: tuple[str, int], codec: Codec, now: float) -> None:
        self.sock = sock
        self.label = f"{addr[0]}:{addr[1]}"
        self.decoder = codec.decoder()
        self.active_at = now  # last byte received or sent
        self.frame_since: float | None = None  # when the unfinished frame (if any) began
        self.first = b""  # the conversation's first bytes, until a message decodes (for the hint)
        self.hinted = False


class _TcpServer:
    """The TCP chat server's one loop: the listener, standard input and every client."""

    def __init__(self, chat: _Chat, listener: socket.socket) -> None:
        self.chat = chat
        self.listener = listener
        self.clients: dict[int, _Client] = {}  # by fd, oldest first
        self.current: _Client | None = None  # who typed lines go to
        self.last_sender: _Client | None = None
        self.accept_paused_until = 0.0
        self.conversations = 0

    # -- clients coming and going -------------------------------------------------------------

    def accept(self) -> None:
        chat = self.chat
        for _ in range(ACCEPT_BATCH):  # drain the queue, but let the clients have a turn too
            try:
                conn, addr = self.listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except ConnectionAbortedError:  # connected and reset before we got to it
                continue
            except OSError as exc:  # EMFILE / ENFILE / ENOBUFS: say so, pause, keep serving
                chat.say(f"cannot accept a client: {explain_os_error(exc, chat.opts.host, chat.opts.port)}")
                self.accept_paused_until = time.monotonic() + ACCEPT_PAUSE_S
                chat.sel.unregister(self.listener)
                if self.clients:
                    self.evict_one("no descriptors left")
                return
            if len(self.clients) >= MAX_CLIENTS:
                self.evict_one(f"more than {MAX_CLIENTS} clients")
            conn.settimeout(SEND_TIMEOUT_S)  # recv() only after select(); sendall() bounded
            client = _Client(conn, addr, chat.codec, time.monotonic())
            self.clients[conn.fileno()] = client
            chat.sel.register(conn, selectors.EVENT_READ, client)
            if self.current is None:
                self.current = client
            chat.say(f"client connected from {client.label}")

    def evict_one(self, why: str) -> None:
        oldest = min(self.clients.values(), key=lambda c: c.active_at)
        self.chat.say(f"{why}: closing the longest-idle client {oldest.label}")
        self.end(oldest, "evicted")

    def end(self, client: _Client, why: str) -> None:
        chat = self.chat
        fd = client.sock.fileno()
        if fd >= 0 and self.clients.pop(fd, None) is not None:
            chat.sel.unregister(client.sock)
        client.sock.close()
        self.conversations += 1
        if self.clients:
            chat.say(f"conversation with {client.label} ended ({why})")
        else:
            chat.say(f"conversation ended ({why})")
        if self.last_sender is client:
            self.last_sender = None
        if self.current is client:
            # The next peer: the last one who spoke, else the oldest still connected.
            self.current = self.last_sender or next(iter(self.clients.values()), None)
            if self.current is not None:
                chat.say(f"now answering {self.current.label}")

    # -- bytes ----------------------------------------------------------------------------------

    def send(self, client: _Client, data: bytes) -> bool:
        try:
            client.sock.sendall(data)
        except TimeoutError:
            self.chat.say(f"client {client.label} has not read for {SEND_TIMEOUT_S:g} s")
            self.end(client, "not reading")
            return False
        except OSError as exc:
            self.chat.say(f"cannot send to {client.label}: {explain_os_error(exc, *self.address())}")
            self.end(client, "error")
            return False
        client.active_at = time.monotonic()
        return True

    def address(self) -> tuple[str, int]:
        return self.chat.opts.host, self.chat.opts.port

    def receive(self, client: _Client) -> str | None:
        """Read from ``client``; the reason its conversation ended, if it did."""
        chat = self.chat
        try:
            data = client.sock.recv(65536)
        except (BlockingIOError, InterruptedError, TimeoutError):
            return None
        except ConnectionResetError:
            chat.say("the client reset the connection")
            return "error"
        except OSError as exc:
            chat.say(f"receive from {client.label} failed: {explain_os_error(exc, *self.address())}")
            return "error"
        now = time.monotonic()
        client.active_at = now
        try:
            if not data:
                client.decoder.close()  # an unfinished frame at EOF is worth saying
                return "peer-closed"
            if not client.hinted:
                client.first = (client.first + data)[:64]
                hint = framing_hint(chat.codec, client.first)
                if hint:
                    chat.say(f"hint: {hint}")
                client.hinted = hint is not None
            messages = client.decoder.feed(data)
            client.hinted = client.hinted or bool(messages)
        except FramingError as exc:
            for message in exc.decoded:  # good frames that shared the chunk with the bad one
                chat.say(f"peer> {_text(message)}")
            chat.say(f"bad frame from the client, connection closed: {one_line(str(exc))}")
            return "error"
        client.frame_since = (client.frame_since or now) if client.decoder.buffered else None
        if messages and self.last_sender is not client:
            if len(self.clients) > 1:
                chat.say(f"messages from {client.label} (typed lines now go there)")
            self.last_sender = self.current = client
        for message in messages:
            text = _text(message)
            chat.say(f"peer> {text}")
            if text.strip().lower() == QUIT:
                return "peer-quit"
        return None

    def expire(self, now: float) -> float | None:
        """Close clients past a deadline; seconds until the next deadline (None: no deadline)."""
        limit = self.chat.opts.timeout_s
        if limit <= 0:
            return None
        soonest: float | None = None
        for client in list(self.clients.values()):
            if client.frame_since is not None and now - client.frame_since >= limit:
                self.chat.say(f"client {client.label} left a frame unfinished for {limit:g} s")
                self.end(client, "too slow")
                continue
            if now - client.active_at >= limit:
                self.chat.say(f"client {client.label} idle for {limit:g} s")
                self.end(client, "idle")
                continue
            due = client.active_at + limit
            if client.frame_since is not None:
                due = min(due, client.frame_since + limit)
            soonest = due if soonest is None else min(soonest, due)
        return None if soonest is None else max(0.0, soonest - now)

    # -- the loop -------------------------------------------------------------------------------

    def typed(self) -> str | None:
        chat = self.chat
        lines = chat.read_lines()
        for line in lines or []:
            if self.current is None:
                if line.strip().lower() == QUIT:
                    return "quit"
                chat.say("(no client is connected: nobody to answer)")
                continue
            current = self.current
            if not self.send(current, chat.encode(line)):
                continue
            if line.strip().lower() == QUIT:
                self.end(current, "quit")
                return "quit"
        if lines is None or not chat.stdin_open:
            if self.current is not None:
                self.end(self.current, "eof")
            return "eof"
        return None

    def run(self) -> None:
        chat = self.chat
        sel = chat.sel
        self.listener.setblocking(False)
        sel.register(self.listener, selectors.EVENT_READ, "accept")
        if chat.stdin_open:
            sel.register(chat.stdin_fd, selectors.EVENT_READ, "stdin")
        try:
            while True:
                now = time.monotonic()
                wait = self.expire(now)
                if self.accept_paused_until:
                    if now >= self.accept_paused_until:
                        self.accept_paused_until = 0.0
                        sel.register(self.listener, selectors.EVENT_READ, "accept")
                    else:
                        left = self.accept_paused_until - now
                        wait = left if wait is None else min(wait, left)
                if chat.opts.once and self.conversations:
                    return
                for key, _ in sel.select(wait):
                    if key.data == "accept":
                        self.accept()
                    elif key.data == "stdin":
                        if self.typed() is not None:
                            return
                    else:
                        client = key.data
                        assert isinstance(client, _Client)
                        if client.sock.fileno() < 0:  # ended earlier in this round
                            continue
                        why = self.receive(client)
                        if why is not None:
                            self.end(client, why)
        finally:
            for client in list(self.clients.values()):
                client.sock.close()
            self.clients.clear()  # the selector itself is closed by run_chat


def _tcp_server(chat: _Chat, sock: socket.socket) -> None:
    _TcpServer(chat, sock).run()


def _udp_server(chat: _Chat, sock: socket.socket) -> None:
    last: list[tuple[str, int]] = []

    def recv() -> bytes | None:
        try:
            data, addr = sock.recvfrom(65536)
        except (BlockingIOError, InterruptedError):
            return None
        except OSError as exc:  # e.g. an ICMP error for an earlier answer: that peer only
            chat.say(f"receive failed: {explain_os_error(exc, chat.opts.host, chat.opts.port)}")
            return None
        if not last or last[0] != addr:
            chat.say(f"datagram from {addr[0]}:{addr[1]}")
        last[:] = [addr]
        return data

    def send(data: bytes) -> None:
        if not last:
            chat.say("(no client has written yet: nobody to answer)")
            return
        try:
            sock.sendto(data, last[0])
        except OSError as exc:
            chat.say(f"cannot send to {last[0][0]}:{last[0][1]}: {explain_os_error(exc, *last[0])}")

    # A peer's "q" ends nothing here (it is one datagram from anyone): only our own q or EOF does.
    while chat.converse(send, recv, sock) not in ("quit", "eof"):
        pass
