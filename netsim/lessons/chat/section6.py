"""``netsim chat-server --lesson 6``: section 六's ``socketserver`` server, many clients at once.

The lesson's server (tests/lesson_programs/s6_socketserver_server.py)::

    class Myserver(socketserver.BaseRequestHandler):
        def handle(self):
            conn = self.request
            while 1:
                conn.send('嘿嘿嘿'.encode())
                print(conn.recv(1024).decode('utf-8'))
    server = socketserver.ThreadingTCPServer((HOST, PORT), Myserver)
    server.serve_forever()

``ThreadingTCPServer`` gives every client its own thread running ``handle``: each client's turn
starts with ``'嘿嘿嘿'``, sent by the server by itself (nobody types), then whatever one
``recv(1024)`` returns is printed.  Clients are served concurrently: one that never answers
holds up only its own thread.  Its client is section 四's (``"client端没有改变"``): it prints
what it received, prompts ``>>>``, sends the line, and leaves after sending ``q``.

Kept here: the turns (``'嘿嘿嘿'`` at the start of each of a client's turns, then one message
printed), ``recv(1024)`` with framing none (one read is one message - a read that comes back
full is *said* to be possibly cut, since the rest arrives as the next "message"), many clients
at once, the server never stopping for a client.  Added: each message is printed after the
client's address (``[127.0.0.1:50312] hi``; the lesson prints the bare text, which with several
clients cannot be told apart), each line of it labelled and control characters escaped, so no
client can print a line that looks like another's.

What the lesson's handler does when its client leaves (measured on Linux, Python 3.11.7): it
never checks for ``b''``.  After the lesson's client sends ``q`` and closes, the handler prints
``q``, sends ``'嘿嘿嘿'`` (the client's kernel answers with a reset), ``recv`` returns ``b''``
and an empty line is printed, and the next ``send`` raises ``BrokenPipeError``: that handler
thread dies with a traceback (the server goes on).  A client that only half-closes
(``shutdown(SHUT_WR)``) and keeps reading gets the loop for ever: ``recv`` returns ``b''`` at
once, every time - about 470 KB of ``'嘿嘿嘿'`` a second, an empty line printed each turn,
half a CPU.  Here a handler ends at ``b''`` (or a reset) and says so; the others go on.

One ``selectors`` loop instead of a thread per client (nothing to join, nothing to leak), with
the same observable concurrency: sockets are non-blocking, a client's pending ``'嘿嘿嘿'``
waits for it to become writable while the others are served.  Robustness, as in the other
chat servers: at most :data:`~netsim.lessons.chat.peer.MAX_CLIENTS` clients (one more closes
the longest-idle one); ``--timeout S`` closes a client silent for S seconds, or one that leaves
a frame unfinished for S seconds (other framings than none); a client that does not read its
``'嘿嘿嘿'`` for :data:`~netsim.lessons.chat.peer.SEND_TIMEOUT_S` is closed; a reset, a bad
frame or an error ends that client's handler only.  The server reads no standard input (the
lesson's has nothing to type): it runs until Ctrl-C, or with ``--once`` until no client is left
after the first one came.
"""

from __future__ import annotations

import selectors
import socket
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from netsim.framing import Codec, Decoder, FramingError, JsonFrame, RawCodec
from netsim.lessons.chat.hint import framing_hint
from netsim.lessons.chat.peer import (
    ACCEPT_BATCH,
    ACCEPT_PAUSE_S,
    MAX_CLIENTS,
    SEND_TIMEOUT_S,
    ChatOptions,
    explain_os_error,
    one_line,
)

GREETING = "嘿嘿嘿"  # what the lesson's handler sends at the start of every turn
LESSON_RECV_BYTES = 1024  # the lesson's recv(1024)
FRAMED_RECV_BYTES = 65536  # with another framing (--framing), whole frames are decoded from the stream

EOF_NOTE = (
    "(the lesson's handler never checks for b'': it would print an empty line and send again - "
    "after the lesson's client closes, that send fails with BrokenPipeError and the handler thread "
    "dies with a traceback; for a client that only half-closes it loops for ever, sending and "
    "printing empty lines; here the handler ends)"
)
Q_NOTE = (
    "(the lesson's server gives q no meaning: it starts the next turn; the lesson's client "
    "leaves after sending q)"
)


def printable(line: str) -> str:
    """``line`` with control characters (ESC, CR, ...) escaped, so a client cannot redraw the screen."""
    return "".join(
        ch.encode("unicode_escape").decode("ascii") if ch != "\t" and unicodedata.category(ch) == "Cc" else ch
        for ch in line
    )


@dataclass(eq=False, slots=True)
class _Handler:
    """One connected client: its turn, its bytes, its deadlines."""

    sock: socket.socket
    label: str
    decoder: Decoder
    active_at: float  # last byte received, or the last '嘿嘿嘿' handed to the kernel
    out: bytes = b""  # '嘿嘿嘿' not yet taken by the kernel
    sending_since: float | None = None  # when ``out`` last became non-empty
    frame_since: float | None = None  # when the unfinished frame (if any) began
    first: bytes = b""  # the connection's first bytes, until a message decodes (for the hint)
    hinted: bool = False
    events: int = 0  # what the selector watches for it
    turns: int = 0
    closed: bool = False


class Section6Server:
    """The loop: the listener and every client's handler, each at its own point of its turn."""

    def __init__(self, opts: ChatOptions, codec: Codec, say: Callable[[str], None]) -> None:
        self.opts = opts
        self.codec = codec
        self.say = say
        self.greeting = codec.encode(GREETING.encode("utf-8"))
        self.raw = isinstance(codec, RawCodec)
        self.limit = LESSON_RECV_BYTES if self.raw else FRAMED_RECV_BYTES
        self.sel = selectors.DefaultSelector()
        self.handlers: dict[socket.socket, _Handler] = {}  # oldest first
        self.ended = 0  # handlers ended so far
        self.accept_paused_until = 0.0
        self.eof_noted = False
        self.q_noted = False

    # -- the loop -------------------------------------------------------------------------------

    def run(self, listener: socket.socket) -> None:
        self.listener = listener
        listener.setblocking(False)
        self.sel.register(listener, selectors.EVENT_READ, None)
        try:
            while not (self.opts.once and self.ended and not self.handlers):
                now = time.monotonic()
                wait = self.expire(now)
                if self.accept_paused_until:
                    if now >= self.accept_paused_until:
                        self.accept_paused_until = 0.0
                        self.sel.register(listener, selectors.EVENT_READ, None)
                    else:
                        left = self.accept_paused_until - now
                        wait = left if wait is None else min(wait, left)
                for key, mask in self.sel.select(wait):
                    handler = key.data
                    if handler is None:
                        self.accept()
                        continue
                    assert isinstance(handler, _Handler)
                    if handler.closed:  # ended earlier in this round
                        continue
                    if mask & selectors.EVENT_WRITE:
                        self.flush(handler)
                    elif mask & selectors.EVENT_READ:
                        self.receive(handler)
        finally:
            for handler in list(self.handlers.values()):
                handler.sock.close()
            if self.handlers:
                self.say(f"server stopping: {len(self.handlers)} client(s) disconnected")
            self.handlers.clear()
            self.sel.close()

    # -- clients coming and going ---------------------------------------------------------------

    def accept(self) -> None:
        for _ in range(ACCEPT_BATCH):  # drain the queue, but let the clients have a turn too
            try:
                conn, addr = self.listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except ConnectionAbortedError:  # connected and reset before we got to it
                continue
            except OSError as exc:  # EMFILE / ENFILE / ENOBUFS: say so, pause, keep serving
                self.say(f"cannot accept a client: {explain_os_error(exc, self.opts.host, self.opts.port)}")
                self.accept_paused_until = time.monotonic() + ACCEPT_PAUSE_S
                self.sel.unregister(self.listener)
                if self.handlers:
                    self.evict_one("no descriptors left")
                return
            if len(self.handlers) >= MAX_CLIENTS:
                self.evict_one(f"more than {MAX_CLIENTS} clients")
            conn.setblocking(False)
            handler = _Handler(conn, f"{addr[0]}:{addr[1]}", self.codec.decoder(), time.monotonic())
            self.handlers[conn] = handler
            self.say(f"client connected from {handler.label} ({len(self.handlers)} connected)")
            self.start_turns(handler, 1)

    def evict_one(self, why: str) -> None:
        oldest = min(self.handlers.values(), key=lambda h: h.active_at)
        self.say(f"{why}: closing the longest-idle client {oldest.label}")
        self.end(oldest, "evicted")

    def end(self, handler: _Handler, why: str) -> None:
        if handler.closed:
            return
        handler.closed = True
        if self.handlers.pop(handler.sock, None) is not None and handler.events:
            self.sel.unregister(handler.sock)
        handler.sock.close()
        self.ended += 1
        left = len(self.handlers)
        self.say(
            f"conversation with {handler.label} ended ({why}) after {handler.turns} turn(s); "
            f"{left} client(s) still connected"
        )

    def watch(self, handler: _Handler, events: int) -> None:
        if events == handler.events:
            return
        if handler.events:
            self.sel.modify(handler.sock, events, handler)
        else:
            self.sel.register(handler.sock, events, handler)
        handler.events = events

    # -- a turn: '嘿嘿嘿' out, one message in -----------------------------------------------------

    def start_turns(self, handler: _Handler, count: int) -> None:
        """Queue ``count`` turns' '嘿嘿嘿' (the lesson's ``conn.send``) and hand them to the kernel."""
        if not handler.out:
            handler.sending_since = time.monotonic()
        handler.out += self.greeting * count
        handler.turns += count
        self.flush(handler)

    def flush(self, handler: _Handler) -> None:
        """Send what the kernel takes now; read the client only once its '嘿嘿嘿' is all out."""
        try:
            sent = handler.sock.send(handler.out)
        except (BlockingIOError, InterruptedError):
            sent = 0
        except OSError as exc:  # BrokenPipe / reset: the client is gone
            self.say(f"cannot send to {handler.label}: {self.explain(exc)}")
            self.end(handler, "gone")
            return
        handler.out = handler.out[sent:]
        if handler.out:
            self.watch(handler, selectors.EVENT_WRITE)
            return
        handler.sending_since = None
        handler.active_at = time.monotonic()
        self.watch(handler, selectors.EVENT_READ)

    def receive(self, handler: _Handler) -> None:
        try:
            data = handler.sock.recv(self.limit)
        except (BlockingIOError, InterruptedError):
            return
        except ConnectionResetError:
            self.say(
                f"{handler.label} reset the connection (a client that has closed answers the next "
                f"{GREETING!r} with a reset, so this is often just its leaving)"
            )
            self.end(handler, "reset")
            return
        except OSError as exc:
            self.say(f"receive from {handler.label} failed: {self.explain(exc)}")
            self.end(handler, "error")
            return
        now = time.monotonic()
        handler.active_at = now
        decoder = handler.decoder
        if not data:
            try:
                decoder.close()
            except FramingError as exc:
                self.say(f"{handler.label} closed mid-frame: {one_line(str(exc))}")
            self.say(f"{handler.label} closed the connection (recv returned b''): its handler ends")
            if not self.eof_noted:
                self.eof_noted = True
                self.say(EOF_NOTE)
            self.end(handler, "closed")
            return
        if not handler.hinted:
            handler.first = (handler.first + data)[:64]
            hint = framing_hint(self.codec, handler.first)
            if hint:
                self.say(f"hint ({handler.label}): {hint}")
            handler.hinted = hint is not None
        try:
            messages = decoder.feed(data)
        except FramingError as exc:
            for message in exc.decoded:  # good frames that shared the read with the bad one
                self.show(handler, message)
            self.say(f"bad frame from {handler.label}, connection closed: {one_line(str(exc))}")
            self.end(handler, "bad frame")
            return
        handler.hinted = handler.hinted or bool(messages)
        handler.frame_since = (handler.frame_since or now) if decoder.buffered else None
        for message in messages:
            self.show(handler, message)
        if self.raw and len(data) == self.limit:
            self.say(
                f"({handler.label}: this recv({self.limit}) came back full - the message may go on, "
                "and its rest will be printed as the next message: that is what framing none means)"
            )
        if messages:
            self.start_turns(handler, len(messages))

    def show(self, handler: _Handler, message: object) -> None:
        body = message.body if isinstance(message, JsonFrame) else message
        assert isinstance(body, bytes)
        text = body.decode("utf-8", "replace")
        for line in text.splitlines() or [""]:
            self.say(f"[{handler.label}] {printable(line)}")
        if text.strip().upper() == "Q" and not self.q_noted:
            self.q_noted = True
            self.say(Q_NOTE)

    # -- deadlines ------------------------------------------------------------------------------

    def expire(self, now: float) -> float | None:
        """Close clients past a deadline; seconds until the next deadline (None: none)."""
        limit = self.opts.timeout_s
        soonest: float | None = None
        for handler in list(self.handlers.values()):
            due: float | None = None
            if handler.sending_since is not None:
                if now - handler.sending_since >= SEND_TIMEOUT_S:
                    self.say(f"client {handler.label} has not read its {GREETING!r} for {SEND_TIMEOUT_S:g} s")
                    self.end(handler, "not reading")
                    continue
                due = handler.sending_since + SEND_TIMEOUT_S
            elif limit > 0:
                if handler.frame_since is not None and now - handler.frame_since >= limit:
                    self.say(f"client {handler.label} left a frame unfinished for {limit:g} s")
                    self.end(handler, "too slow")
                    continue
                if now - handler.active_at >= limit:
                    self.say(f"client {handler.label} sent nothing for {limit:g} s")
                    self.end(handler, "idle")
                    continue
                due = handler.active_at + limit
                if handler.frame_since is not None:
                    due = min(due, handler.frame_since + limit)
            if due is not None:
                soonest = due if soonest is None else min(soonest, due)
        return None if soonest is None else max(0.0, soonest - now)

    def explain(self, exc: OSError) -> str:
        return explain_os_error(exc, self.opts.host, self.opts.port)
