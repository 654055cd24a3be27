"""The students' side: the netsim join client, and the lesson's own form as a student.

:func:`join` is ``netsim classroom join``: hello frame first (see
:mod:`~netsim.lessons.classroom.protocol`), the netsim challenge-response, then the class's
framing.  It answers every server message that is not an echo with ``got: <message>``.

:func:`lesson_student` is what a student running the lesson's section 七 client followed by the
section 五 chat sends: it waits for the 32-byte challenge (saying nothing first), answers with the
raw HMAC digest, then sends ``struct.pack('i', len)`` + message and reads each reply.  Its reads
are exact (a loop over ``recv``) - the lesson's trusting ``recv(32)`` is shown elsewhere.

Both are blocking, with one deadline per wait and an optional stop flag, and never raise for
network trouble: the result says what happened.  They run in a CLI's main thread, a lab's worker
or a test's thread.
"""

from __future__ import annotations

import hmac
import socket
import struct
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from netsim.auth import macs
from netsim.auth.machines import NETSIM, AuthConfig, NetsimClient, Outgoing
from netsim.core.events import Event, now_ns
from netsim.framing import Codec, FramingError
from netsim.lessons.classroom.events import ChunkRead, MessagesQueued, StudentError, StudentVerdict
from netsim.lessons.classroom.protocol import (
    ACCEPTED,
    DEFAULT_FRAMING,
    ECHO_PREFIX,
    GOT_PREFIX,
    HELLO_HEADER,
    MAX_TEXT_CHARS,
    PROTOCOL_ERROR,
    REFUSED,
    TIMED_OUT,
    class_codec,
    hello_frame,
    safe_text,
)

POLL_S = 0.05
MAX_CLIENT_MESSAGE_BYTES = 64 * 1024
Emit = Callable[[Event], None]


class _Timeout(Exception):
    pass


class _Closed(Exception):
    pass


class _Stopped(Exception):
    pass


@dataclass(slots=True)
class JoinResult:
    verdict: str = PROTOCOL_ERROR  # accepted / refused / timed out / protocol error
    reason: str = ""
    replies: list[str] = field(default_factory=list)  # the server's echoes
    received: list[str] = field(default_factory=list)  # everything else (broadcasts, the challenge)
    recv_chunks: int = 0
    merged_chunks: int = 0
    split_messages: int = 0
    framing_ok: bool | None = None
    errors: list[str] = field(default_factory=list)
    local: str = ""

    @property
    def accepted(self) -> bool:
        return self.verdict == ACCEPTED


class _Conn:
    def __init__(self, sock: socket.socket, stop: threading.Event | None) -> None:
        self.sock = sock
        self.stop = stop
        sock.settimeout(POLL_S)

    def recv_some(self, size: int, deadline: float) -> bytes:
        while True:
            if self.stop is not None and self.stop.is_set():
                raise _Stopped
            if time.monotonic() >= deadline:
                raise _Timeout
            try:
                data = self.sock.recv(size)
            except TimeoutError:
                continue
            if not data:
                raise _Closed
            return data

    def recv_exact(self, size: int, deadline: float) -> bytes:
        out = bytearray()
        while len(out) < size:
            out += self.recv_some(size - len(out), deadline)
        return bytes(out)

    def send_all(self, data: bytes, deadline: float) -> None:
        view = memoryview(data)
        while view:
            if self.stop is not None and self.stop.is_set():
                raise _Stopped
            if time.monotonic() >= deadline:
                raise _Timeout
            try:
                sent = self.sock.send(view)
            except TimeoutError:
                continue
            view = view[sent:]


def _noop(_event: Event) -> None:
    pass


def join(
    address: tuple[str, int],
    name: str,
    key: bytes,
    *,
    framing: str = DEFAULT_FRAMING,
    messages: Sequence[str] = (),
    burst: bool = False,
    stay_s: float = 0.0,
    timeout_s: float = 5.0,
    stop: threading.Event | None = None,
    emit: Emit = _noop,
    on_message: Callable[[str, str], None] | None = None,
) -> JoinResult:
    """Join the class at ``address``: hello, handshake, send ``messages``, then stay ``stay_s``.

    ``burst`` sends all messages back to back in one ``send()`` before reading (they merge);
    otherwise each message waits for its echo, as the lesson's client does.  ``stay_s`` after
    the last echo the student keeps listening (answering ``got:``) - ``float('inf')`` until the
    server closes or ``stop`` is set.  ``on_message(kind, text)`` sees every message received
    (``echo`` or ``server``).  Events (``sid`` 0) go to ``emit`` for the Join lane.
    """
    result = JoinResult()
    codec = class_codec(framing, MAX_CLIENT_MESSAGE_BYTES)
    try:
        sock = socket.create_connection(address, timeout=timeout_s)
    except OSError as exc:
        result.reason = "socket_error"
        result.errors.append(f"connect to {address[0]}:{address[1]} failed: {exc}")
        emit(StudentError(now_ns(), "student", 0, "connect", result.errors[-1]))
        emit(StudentVerdict(now_ns(), "student", 0, PROTOCOL_ERROR, "socket_error"))
        return result
    with sock:
        result.local = f"{sock.getsockname()[0]}:{sock.getsockname()[1]}"
        conn = _Conn(sock, stop)
        try:
            deadline = time.monotonic() + timeout_s
            conn.send_all(hello_frame(name), deadline)  # speak first: "I am a netsim student"
            config = AuthConfig(protocol=NETSIM, variant=macs.HMAC, digest=macs.DEFAULT_DIGEST)
            hs = NetsimClient(config, key)
            hs.start()
            while not hs.finished:
                (size,) = HELLO_HEADER.unpack(conn.recv_exact(HELLO_HEADER.size, deadline))
                if not 0 < size <= macs.MAX_PREAUTH_FRAME_BYTES:
                    hs.fail("frame_too_large")
                    break
                hs.receive(conn.recv_exact(size, deadline))
                for action in hs.take_actions():
                    if isinstance(action, Outgoing):
                        conn.send_all(HELLO_HEADER.pack(len(action.payload)) + action.payload, deadline)
            if hs.accepted:
                result.verdict, result.reason = ACCEPTED, "ok"
            elif hs.reason == "rejected_by_server":
                result.verdict, result.reason = REFUSED, hs.reason
            else:
                result.verdict, result.reason = PROTOCOL_ERROR, hs.reason
            emit(StudentVerdict(now_ns(), "student", 0, result.verdict, result.reason))
            if not hs.accepted:
                return result
            _chat(conn, codec, messages, burst, stay_s, timeout_s, result, emit, on_message)
        except _Timeout:
            if result.verdict != ACCEPTED:
                result.verdict, result.reason = TIMED_OUT, "timeout"
                emit(StudentVerdict(now_ns(), "student", 0, TIMED_OUT, "timeout"))
            else:
                result.errors.append(f"no reply within {timeout_s:g} s")
        except _Closed:
            if result.verdict != ACCEPTED:
                result.reason = "eof"
                result.errors.append("the server closed the connection during the handshake")
                emit(StudentVerdict(now_ns(), "student", 0, PROTOCOL_ERROR, "eof"))
        except _Stopped:
            result.reason = result.reason or "stopped"
        except OSError as exc:
            result.errors.append(f"socket error: {exc}")
            emit(StudentError(now_ns(), "student", 0, "socket", result.errors[-1]))
    return result


def _chat(
    conn: _Conn,
    codec: Codec,
    messages: Sequence[str],
    burst: bool,
    stay_s: float,
    timeout_s: float,
    result: JoinResult,
    emit: Emit,
    on_message: Callable[[str, str], None] | None,
) -> None:
    decoder = codec.decoder()
    offset = 0
    pending = 0
    reply_by = 0.0
    todo = [m.encode("utf-8") for m in messages]

    def send(payload: bytes, what: str) -> None:
        nonlocal reply_by
        wire = codec.encode(payload)
        emit(MessagesQueued(now_ns(), "student", 0, what, 1, len(wire)))
        conn.send_all(wire, time.monotonic() + timeout_s)
        reply_by = time.monotonic() + timeout_s

    while True:
        if todo and (burst or pending == 0):
            batch = list(todo) if burst else todo[:1]
            del todo[: len(batch)]
            if burst:  # every message in one send(): back to back, as the lesson's hello/world
                wire = b"".join(codec.encode(payload) for payload in batch)
                emit(MessagesQueued(now_ns(), "student", 0, "message", len(batch), len(wire)))
                conn.send_all(wire, time.monotonic() + timeout_s)
                reply_by = time.monotonic() + timeout_s
            else:
                send(batch[0], "message")
            pending += len(batch)
            continue
        if pending:
            stay_until = 0.0
        elif stay_s > 0:
            stay_until = time.monotonic() + min(stay_s, 1e9)
            stay_s = 0.0  # one listening period, on the wall clock
        else:
            return
        try:
            while pending or time.monotonic() < stay_until:
                chunk = conn.recv_some(4096, max(stay_until, reply_by) if pending else stay_until)
                start, offset = offset, offset + len(chunk)
                result.recv_chunks += 1
                try:
                    spans = decoder.feed_spans(chunk)
                except FramingError as exc:
                    result.framing_ok = False
                    result.errors.append(f"framing failed: {exc}")
                    emit(StudentError(now_ns(), "student", 0, "framing", result.errors[-1]))
                    return
                split = sum(1 for s, _e, _p in spans if s < start)
                last_end = spans[-1][1] if spans else start
                touched = len(spans) + (1 if offset > max(start, last_end) else 0)
                result.split_messages += split
                if touched >= 2:
                    result.merged_chunks += 1
                last = ""
                for _s, _e, payload in spans:
                    message = payload if isinstance(payload, bytes) else bytes(getattr(payload, "body", b""))
                    result.framing_ok = True
                    last = safe_text(message, MAX_TEXT_CHARS)
                    if message.startswith(ECHO_PREFIX):
                        result.replies.append(safe_text(message[len(ECHO_PREFIX) :], MAX_TEXT_CHARS))
                        pending = max(0, pending - 1)
                        if on_message is not None:
                            on_message("echo", result.replies[-1])
                    else:
                        result.received.append(last)
                        if on_message is not None:
                            on_message("server", last)
                        send(GOT_PREFIX + message, "got")  # tell the class what arrived, as it arrived
                        pending += 1  # the server echoes the "got:" too
                emit(ChunkRead(now_ns(), "student", 0, start, offset, len(spans), split, touched >= 2, last))
                if not pending and todo:
                    break
        except _Timeout:
            if pending:
                raise
        except _Closed:
            if pending:
                result.errors.append("the server closed the connection")
            return


def lesson_answer(key: bytes, challenge: bytes, digest: str = macs.LESSON_DEFAULT_DIGEST) -> bytes:
    """The lesson's client: ``hmac.new(secret_key, rand, digestmod).digest()`` (raw bytes)."""
    return hmac.new(key, challenge, digest).digest()


@dataclass(slots=True)
class LessonStudentResult:
    answered: bool = False
    replies: list[str] = field(default_factory=list)
    closed_by_server: bool = False
    error: str = ""
    local: str = ""


def lesson_student(
    address: tuple[str, int],
    key: bytes,
    messages: Sequence[str] = (),
    *,
    digest: str = macs.LESSON_DEFAULT_DIGEST,
    timeout_s: float = 5.0,
    stop: threading.Event | None = None,
) -> LessonStudentResult:
    """The lesson's section 七 HMAC client, then section 五's ``struct.pack('i')`` chat."""
    result = LessonStudentResult()
    try:
        sock = socket.create_connection(address, timeout=timeout_s)
    except OSError as exc:
        result.error = str(exc)
        return result
    header = struct.Struct("i")  # the lesson's native header, on purpose (its wire format)
    with sock:
        result.local = f"{sock.getsockname()[0]}:{sock.getsockname()[1]}"
        conn = _Conn(sock, stop)
        try:
            deadline = time.monotonic() + timeout_s
            challenge = conn.recv_exact(macs.LESSON_CHALLENGE_BYTES, deadline)
            conn.send_all(lesson_answer(key, challenge, digest), deadline)
            result.answered = True
            for text in messages:
                body = text.encode("utf-8")
                deadline = time.monotonic() + timeout_s
                conn.send_all(header.pack(len(body)) + body, deadline)
                (size,) = header.unpack(conn.recv_exact(header.size, deadline))
                if not 0 <= size <= MAX_CLIENT_MESSAGE_BYTES:
                    result.error = f"reply header announces {size} bytes"
                    return result
                result.replies.append(conn.recv_exact(size, deadline).decode("utf-8", "replace"))
        except _Closed:
            result.closed_by_server = True
        except (_Timeout, _Stopped) as exc:
            result.error = type(exc).__name__.strip("_").lower()
        except OSError as exc:
            if isinstance(exc, ConnectionResetError):
                result.closed_by_server = True
            result.error = str(exc)
    return result
