"""The lesson's interactive chat programs, done robustly.

One loop, no threads: ``selectors`` watches standard input and the socket together, so either
side may type at any time (the lesson's programs must take turns).  Every message is framed
with the chosen codec; each side quits on ``q``.  Works against itself, against ``nc`` (with
delimiter framing, the default) and against the lesson's own scripts (``--framing length:i``).
"""

from __future__ import annotations

import errno
import os
import selectors
import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

from netsim.framing import Codec, FramingError, JsonFrame, RawCodec
from netsim.lessons.chat.hint import framing_hint

QUIT = "q"


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
            while True:
                events = self.sel.select(self.opts.timeout_s or None)
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
                        messages = decoder.feed(data)
                        hinted = hinted or bool(messages)
                        if self.opts.udp:
                            decoder.close()  # a datagram is whole: leftovers mean a bad frame
                            decoder = self.codec.decoder()
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
                    sock.listen()
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


def _tcp_server(chat: _Chat, sock: socket.socket) -> None:
    while True:
        conn, addr = sock.accept()
        with conn:
            chat.say(f"client connected from {addr[0]}:{addr[1]}")
            try:
                why = chat.converse(conn.sendall, lambda c=conn: c.recv(65536), conn)  # type: ignore[misc]
            except FramingError as exc:
                chat.say(f"bad frame from the client, connection closed: {exc}")
                why = "error"
            except ConnectionResetError:
                chat.say("the client reset the connection")
                why = "error"
            chat.say(f"conversation ended ({why})")
        if chat.opts.once or why in ("quit", "eof"):
            return


def _udp_server(chat: _Chat, sock: socket.socket) -> None:
    last: list[tuple[str, int]] = []

    def recv() -> bytes | None:
        data, addr = sock.recvfrom(65536)
        if not last or last[0] != addr:
            chat.say(f"datagram from {addr[0]}:{addr[1]}")
        last[:] = [addr]
        return data

    def send(data: bytes) -> None:
        if not last:
            chat.say("(no client has written yet: nobody to answer)")
            return
        sock.sendto(data, last[0])

    chat.converse(send, recv, sock)
