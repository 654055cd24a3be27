"""``--lesson 4|5|6``: the chat as that section of the lesson wrote it - turns, ``>>>`` prompts,
``q``/``Q`` to quit, and that section's framing - so the lesson's own programs are its peers.

| section | programs | framing | speaks first |
|---|---|---|---|
| 四 | s4_chat_server.py / s4_chat_client.py | none (one ``recv(1024)`` = one message) | server |
| 五 | s5_struct_server.py / s5_struct_client.py | ``length:i`` (native ``struct.pack('i')``) | client |
| 六 | s6_socketserver_server.py, section 四's client ("client端没有改变") | none | server |
| 四, UDP (``--udp``) | s4_udp_chat_server.py / s4_udp_chat_client.py | none (one datagram = one message) | client |

What is kept from the lesson: who speaks when, the bare ``>>>`` prompt (no newline, as
``input('>>>')``), received text printed bare, ``msg.upper() == 'Q'`` ending the conversation
on either side, the server going back to ``accept()`` afterwards.  What is not copied: reads
are whole frames (the lesson trusts ``recv(4)``/``recv(size)``), every wait has the
``--timeout``, an empty line is not sent (an empty TCP send puts nothing on the wire and the
lesson's programs would then wait for each other forever), and errors end with one line.

Section 六's server is its own program (:mod:`netsim.lessons.chat.section6`): like the lesson's
``ThreadingTCPServer`` it serves many clients at once, sends ``'嘿嘿嘿'`` by itself at the start
of each client's turn (nothing is typed) and prints what each client sent, after the client's
address; a client's handler ends when that client closes (the lesson's handler does not check
for ``b''``: see that module).  Section 六's client is section 四's, so ``chat-client --lesson 6``
is section 四's client.
"""

from __future__ import annotations

import os
import selectors
import socket
from collections import deque
from dataclasses import dataclass
from typing import TextIO

from netsim.framing import Codec, Decoder, FramingError, JsonFrame, RawCodec, make_codec
from netsim.lessons.chat.hint import framing_hint
from netsim.lessons.chat.peer import MAX_CLIENTS, ChatError, ChatOptions, explain_os_error
from netsim.lessons.chat.section6 import GREETING, Section6Server

LESSON_RECV_BYTES = 1024  # the lesson's recv(1024): with no framing, one read is one message
PROMPT = ">>>"


@dataclass(frozen=True, slots=True)
class LessonChat:
    section: int
    name: str  # the section's numeral, as the lesson heads it
    framing: str  # a framing spec
    first: str  # "server" or "client": who speaks first
    programs: str


LESSONS: dict[int, LessonChat] = {
    4: LessonChat(4, "四", "none", "server", "s4_chat_server.py / s4_chat_client.py"),
    5: LessonChat(5, "五", "length:i", "client", "s5_struct_server.py / s5_struct_client.py"),
    6: LessonChat(6, "六", "none", "server", "s6_socketserver_server.py with section 四's client"),
}

SECTION6_WHERE = (
    "the lesson's section 六 (s6_socketserver_server.py, a ThreadingTCPServer; its client is section 四's): "
    f"each client's turn starts with {GREETING!r}, sent by the server itself, then what that client "
    f"sent is printed after its address; up to {MAX_CLIENTS} clients at once; nothing to type here, Ctrl-C stops it"
)

HELP = (
    "behave like that section's chat programs (turns, '>>>' prompts, q/Q quits) with its framing: "
    "4 (四, TCP chat: framing none, the server speaks first; with --udp its UDP chat, the client first), "
    "5 (五, struct: framing length:i, the "
    "client speaks first), 6 (六, socketserver: framing none; the server serves many clients at once, "
    "sends '嘿嘿嘿' by itself at the start of each client's turn - nothing is typed - and prints what "
    "each client sent after its address; a client's handler ends when that client closes, where the "
    "lesson's, never checking for b'', dies at its next send with BrokenPipeError, or loops for ever "
    "for a client that only half-closed; the client is section 四's). "
    "--framing still overrides, to see what a mismatch looks like"
)


class _Lines:
    """Lines from standard input, each wait bounded by the timeout."""

    def __init__(self, fd: int, timeout_s: float) -> None:
        self.fd = fd
        self.timeout_s = timeout_s
        self.buffer = b""
        self.eof = False

    def read(self) -> str | None:
        with selectors.DefaultSelector() as sel:
            sel.register(self.fd, selectors.EVENT_READ)
            while b"\n" not in self.buffer and not self.eof:
                if not sel.select(self.timeout_s or None):
                    raise ChatError(f"nothing typed for {self.timeout_s} s; giving up")
                chunk = os.read(self.fd, 4096)
                self.eof = not chunk
                self.buffer += chunk
        if not self.buffer:
            return None
        line, _, self.buffer = self.buffer.partition(b"\n")
        return line.rstrip(b"\r").decode("utf-8", "replace")


@dataclass(slots=True)
class _HintState:
    first: bytes = b""  # the conversation's first bytes, until a message decodes or a hint is given
    done: bool = False


class _Turns:
    def __init__(
        self, lesson: LessonChat, codec: Codec, lines: _Lines, out: TextIO, timeout_s: float
    ) -> None:
        self.lesson = lesson
        self.codec = codec
        self.lines = lines
        self.out = out
        self.timeout_s = timeout_s

    def say(self, text: str, end: str = "\n") -> None:
        print(text, end=end, file=self.out, flush=True)

    def converse(self, sock: socket.socket, *, me: str) -> str:
        """Take turns until someone types q/Q or the peer goes; returns why it ended."""
        decoder = self.codec.decoder()
        inbox: deque[bytes] = deque()
        state = _HintState()
        speaking = self.lesson.first == me
        while True:
            if speaking:
                self.say(PROMPT, end="")
                line = self.lines.read()
                if line is None:
                    self.say("")
                    return "eof"
                data = line.encode("utf-8")
                if not data and isinstance(self.codec, RawCodec):
                    self.say(
                        "(an empty TCP send puts nothing on the wire: not sent - the lesson's programs would now wait for each other forever)"
                    )
                    continue
                sock.sendall(self.codec.encode(data))
                if line.upper() == "Q":
                    return "quit"
            else:
                message = self._next_message(sock, decoder, inbox, state)
                if message is None:
                    return "peer-closed"
                if message.upper() == "Q":
                    return "peer-quit"
                self.say(message)
            speaking = not speaking

    def _next_message(
        self, sock: socket.socket, decoder: Decoder, inbox: deque[bytes], state: _HintState
    ) -> str | None:
        limit = LESSON_RECV_BYTES if isinstance(self.codec, RawCodec) else 65536
        with selectors.DefaultSelector() as sel:
            sel.register(sock, selectors.EVENT_READ)
            while not inbox:
                if not sel.select(self.timeout_s or None):
                    raise ChatError(f"nothing from the peer for {self.timeout_s} s; giving up")
                data = sock.recv(limit)
                if not data:
                    decoder.close()  # an unfinished frame at EOF is an error worth saying
                    return None
                if not state.done:
                    state.first = (state.first + data)[:64]
                    hint = framing_hint(self.codec, state.first)
                    if hint:
                        self.say(f"hint: {hint}")
                    state.done = hint is not None
                for message in decoder.feed(data):
                    state.done = True
                    body = message.body if isinstance(message, JsonFrame) else message
                    inbox.append(bytes(body))
        return inbox.popleft().decode("utf-8", "replace")


def run_lesson_chat(opts: ChatOptions, section: int, codec: Codec | None, stdin_fd: int, out: TextIO) -> None:
    """Run the chat as section ``section`` wrote it; raises :class:`ChatError` on failure."""
    lesson = LESSONS[section]
    codec = codec or make_codec(lesson.framing)
    if opts.udp:
        if section != 4:
            raise ChatError(
                f"section {lesson.name} has no UDP chat; the lesson's UDP chat is section 四's (--lesson 4)"
            )
        _udp_lesson_chat(opts, codec, _Lines(stdin_fd, opts.timeout_s), out)
        return
    turns = _Turns(lesson, codec, _Lines(stdin_fd, opts.timeout_s), out, opts.timeout_s)
    family = socket.AF_INET6 if ":" in opts.host else socket.AF_INET
    where = f"the lesson's section {lesson.name} ({lesson.programs}): the {lesson.first} speaks first"
    try:
        with socket.socket(family, socket.SOCK_STREAM) as sock:
            if opts.role == "server":
                sock.bind((opts.host, opts.port))
                sock.listen(socket.SOMAXCONN)
                bound = sock.getsockname()[1]
                if section == 6:
                    turns.say(
                        f"TCP server listening on {opts.host}:{bound} ({codec.label}) - {SECTION6_WHERE}"
                    )
                    Section6Server(opts, codec, turns.say).run(sock)
                    return
                turns.say(f"TCP server listening on {opts.host}:{bound} ({codec.label}) - {where}")
                _serve(turns, sock, opts)
            else:
                sock.settimeout(5.0)
                sock.connect((opts.host, opts.port))
                sock.settimeout(None)
                turns.say(f"connected to {opts.host}:{opts.port} ({codec.label}) - {where}")
                why = turns.converse(sock, me="client")
                if why == "peer-closed":
                    turns.say("the server closed the connection")
    except FramingError as exc:
        raise ChatError(f"bad frame from the peer: {exc}") from exc
    except OSError as exc:
        raise ChatError(explain_os_error(exc, opts.host, opts.port)) from exc


def _serve(turns: _Turns, sock: socket.socket, opts: ChatOptions) -> None:
    with selectors.DefaultSelector() as sel:
        sel.register(sock, selectors.EVENT_READ)
        while True:
            # Deadlines belong to a conversation, never to the server: it waits for the next client.
            if not sel.select(None):
                continue
            try:
                conn, addr = sock.accept()
            except (BlockingIOError, ConnectionAbortedError):
                continue
            with conn:
                turns.say(f"client connected from {addr[0]}:{addr[1]}")
                try:
                    why = turns.converse(conn, me="server")
                except FramingError as exc:
                    turns.say(f"bad frame from the client, connection closed: {exc}")
                    why = "error"
                except ConnectionResetError:
                    turns.say("the client reset the connection")
                    why = "error"
                except ChatError as exc:  # this conversation's deadline: the server goes on
                    turns.say(str(exc))
                    why = "timeout"
                except OSError as exc:
                    turns.say(f"connection failed: {explain_os_error(exc, opts.host, opts.port)}")
                    why = "error"
                turns.say(f"conversation ended ({why})")
            if opts.once or why == "eof":
                return


UDP_FIRST = "client"  # section 四's UDP chat: the client types first, the server answers whoever spoke


def _udp_lesson_chat(opts: ChatOptions, codec: Codec, lines: _Lines, out: TextIO) -> None:
    """Section 四's UDP chat: one datagram is one message, ``recvfrom(1024)``, turns, q/Q.

    As the lesson's server: print each datagram, prompt, send the typed line back to whoever
    sent it (it serves any number of clients, one turn at a time); it ends at the end of its
    input.  As its client: prompt, ``q``/``Q`` leaves without sending, otherwise send and wait
    (``--timeout``) for the answer; a ``q`` answer ends it too.  A datagram that the framing
    cannot decode is reported and dropped, as in the non-lesson UDP chat.
    """

    def say(text: str, end: str = "\n") -> None:
        print(text, end=end, file=out, flush=True)

    def decode(datagram: bytes) -> str | None:
        try:
            decoder = codec.decoder()
            frames = decoder.feed(datagram)
            decoder.close()
        except FramingError as exc:
            say(f"bad datagram dropped ({len(datagram)} bytes): {exc}")
            return None
        bodies = [bytes(f.body if isinstance(f, JsonFrame) else f) for f in frames]
        if not bodies and isinstance(codec, RawCodec):
            bodies = [b""]
        return "\n".join(b.decode("utf-8", "replace") for b in bodies)

    family = socket.AF_INET6 if ":" in opts.host else socket.AF_INET
    where = "the lesson's section 四 UDP chat (s4_udp_chat_server.py / s4_udp_chat_client.py): the client speaks first"
    try:
        with socket.socket(family, socket.SOCK_DGRAM) as sock:
            if opts.role == "server":
                sock.bind((opts.host, opts.port))
                say(f"UDP server on {opts.host}:{sock.getsockname()[1]} ({codec.label}) - {where}")
                while True:
                    datagram, peer = sock.recvfrom(LESSON_RECV_BYTES)  # waits for the next client
                    message = decode(datagram)
                    if message is None:
                        continue
                    say(message)
                    say(PROMPT, end="")
                    line = lines.read()
                    if line is None:
                        say("")
                        return
                    sock.sendto(codec.encode(line.encode("utf-8")), peer)
            else:
                server = (opts.host, opts.port)
                say(f"UDP client to {opts.host}:{opts.port} ({codec.label}) - {where}")
                sock.settimeout(opts.timeout_s or None)
                while True:
                    say(PROMPT, end="")
                    line = lines.read()
                    if line is None:
                        say("")
                        return
                    if line.upper() == "Q":
                        return
                    sock.sendto(codec.encode(line.encode("utf-8")), server)
                    while True:
                        try:
                            datagram = sock.recv(LESSON_RECV_BYTES)
                        except TimeoutError as exc:
                            raise ChatError(
                                f"no answer from the server for {opts.timeout_s} s; giving up"
                            ) from exc
                        message = decode(datagram)
                        if message is not None:
                            break
                    if message.upper() == "Q":
                        return
                    say(message)
    except OSError as exc:
        raise ChatError(explain_os_error(exc, opts.host, opts.port)) from exc
