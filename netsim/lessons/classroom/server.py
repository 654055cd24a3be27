"""The instructor's classroom server: one thread, one ``selectors`` loop, every student.

Why one selector thread: a student that stalls, trickles, floods or never reads costs the
others nothing but its share of one loop iteration - no student's socket call ever blocks
(every socket is non-blocking), reads are bounded (at most :data:`RECV_BYTES` per student per
readiness, so a flooder cannot starve the rest), writes are queued per student with a cap, and
all deadlines are checked by a sweep every :data:`SWEEP_S`.  The benchmark
(``benchmarks/classroom_bench.py``) measures what a well-behaved student pays while others
misbehave.

The loop thread owns every student's state.  Other threads (the CLI's main thread, the GUI)
talk to it through :meth:`ClassroomServer.broadcast`, :meth:`challenge`, :meth:`kick` and
:meth:`lock` (a command queue and a wake-up socket) and read :meth:`ClassroomServer.status`,
a snapshot the loop publishes at most every :data:`PUBLISH_S` (and once more when it ends).
"""

from __future__ import annotations

import json
import os
import selectors
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass
from queue import Empty, SimpleQueue
from typing import Any

from netsim.auth import macs
from netsim.auth.machines import (
    LESSON,
    NETSIM,
    AuthConfig,
    Handshake,
    LessonServer,
    NetsimServer,
    Outgoing,
)
from netsim.core.events import Event, now_ns
from netsim.core.recorder import Recorder
from netsim.framing import Codec, Decoder, FrameTooLargeError, FramingError
from netsim.lab.base import LabBase
from netsim.lessons.classroom.events import (
    ChunkRead,
    ClassAction,
    ClassroomListening,
    MessagesQueued,
    StudentConnected,
    StudentError,
    StudentIdentified,
    StudentLeft,
    StudentVerdict,
)
from netsim.lessons.classroom.protocol import (
    ACCEPTED,
    CHALLENGE_GLUED,
    CHALLENGE_MESSAGES,
    CHALLENGE_NONE,
    CHALLENGE_OTHER,
    CHALLENGE_SEPARATE,
    CHALLENGE_WAITING,
    CUT_OFF,
    DEFAULT_FRAMING,
    ECHO_PREFIX,
    FORM_LESSON,
    FORM_NETSIM,
    GOT_PREFIX,
    HELLO_HEADER,
    KICKED,
    MAX_BROADCAST_BYTES,
    MAX_ERRORS_KEPT,
    MAX_TEXT_CHARS,
    PENDING,
    PROTOCOL_ERROR,
    REFUSED,
    ROOM_FULL,
    ROOM_LOCKED,
    TIMED_OUT,
    Limits,
    class_codec,
    parse_hello,
    safe_text,
)

RECV_BYTES = 4096  # one read per student per readiness: nobody gets more than this in one turn
SWEEP_S = 0.025  # deadlines, the grace period and throttles are checked this often
PUBLISH_S = 0.1  # the status snapshot is refreshed at most this often
CLOSE_AFTER_FLUSH_S = 2.0  # a refused student gets this long to take its #FAILURE#
ACCEPT_PER_TURN = 64

# Phases of one connection.
_GRACE = "grace"  # connected, nothing received, waiting to see whether the peer speaks first
_HELLO = "hello"  # reading the netsim hello frame
_NETSIM = "netsim-answer"  # netsim challenge sent, reading the MAC frame
_LESSON = "lesson-answer"  # the lesson's 32 bytes sent, reading the raw digest
_CHAT = "chat"
_CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class StudentStatus:
    """One student as the loop last published it (immutable, safe to read from any thread)."""

    sid: int
    name: str
    address: str
    form: str
    verdict: str
    reason: str
    connected: bool
    messages_received: int
    messages_sent: int
    recv_chunks: int
    merged_chunks: int
    split_messages: int
    framing_ok: bool | None  # None: no message yet
    last_message: str
    bytes_received: int
    bytes_sent: int
    errors: tuple[str, ...]
    challenge: str
    throttled: int

    @property
    def label(self) -> str:
        """The name, or the address for a student whose form carries none (the lesson's)."""
        return self.name or self.address

    def to_json(self) -> dict[str, Any]:
        """The status file's schema for one student (exactly these keys)."""
        return {
            "name": self.label,
            "address": self.address,
            "form": self.form,
            "verdict": self.verdict,
            "messages_received": self.messages_received,
            "messages_sent": self.messages_sent,
            "merged_chunks": self.merged_chunks,
            "split_messages": self.split_messages,
            "errors": list(self.errors),
        }


def status_document(students: list[StudentStatus]) -> dict[str, Any]:
    return {"students": [s.to_json() for s in students]}


def write_status_json(path: str, students: list[StudentStatus]) -> None:
    """Write the status file atomically (a reader never sees half of it)."""
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(status_document(students), fh, ensure_ascii=False, indent=1)
        fh.write("\n")
    os.replace(tmp, path)


def format_address(addr: Any) -> str:
    host, port = str(addr[0]), int(addr[1])
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


class _Student:
    """The loop thread's mutable state of one connection."""

    __slots__ = (
        "address",
        "body_next",
        "byte_tokens",
        "bytes_received",
        "bytes_sent",
        "challenge",
        "challenge_got",
        "close_by",
        "closing",
        "decoder",
        "errors",
        "form",
        "framing_ok",
        "grace_until",
        "handshake_until",
        "hs",
        "idle_until",
        "inbuf",
        "interest",
        "last_message",
        "merged_chunks",
        "messages_received",
        "messages_sent",
        "msg_tokens",
        "name",
        "out",
        "paused",
        "phase",
        "reason",
        "recv_chunks",
        "refilled",
        "sid",
        "sock",
        "split_messages",
        "stream_end",
        "throttled",
        "verdict",
        "want",
    )

    def __init__(self, sid: int, sock: socket.socket, address: str, now: float, limits: Limits) -> None:
        self.sid = sid
        self.sock = sock
        self.address = address
        self.name = ""
        self.form = ""
        self.verdict = PENDING
        self.reason = ""
        self.phase = _GRACE
        self.hs: Handshake | None = None
        self.inbuf = bytearray()
        self.want = HELLO_HEADER.size
        self.body_next = False
        self.out = bytearray()
        self.interest = 0
        self.decoder: Decoder | None = None
        self.stream_end = 0
        self.grace_until = now + limits.grace_s
        self.handshake_until = now + limits.handshake_s
        self.idle_until = 0.0
        self.close_by = 0.0
        self.closing = False
        self.paused = False
        self.msg_tokens = float(limits.burst_msgs)
        self.byte_tokens = float(limits.burst_bytes)
        self.refilled = now
        self.messages_received = 0
        self.messages_sent = 0
        self.recv_chunks = 0
        self.merged_chunks = 0
        self.split_messages = 0
        self.framing_ok: bool | None = None
        self.last_message = ""
        self.bytes_received = 0
        self.bytes_sent = 0
        self.errors: list[str] = []
        self.challenge = CHALLENGE_NONE
        self.challenge_got: list[bytes] = []
        self.throttled = 0

    def snapshot(self) -> StudentStatus:
        return StudentStatus(
            sid=self.sid,
            name=self.name,
            address=self.address,
            form=self.form,
            verdict=self.verdict,
            reason=self.reason,
            connected=self.phase != _CLOSED,
            messages_received=self.messages_received,
            messages_sent=self.messages_sent,
            recv_chunks=self.recv_chunks,
            merged_chunks=self.merged_chunks,
            split_messages=self.split_messages,
            framing_ok=self.framing_ok,
            last_message=self.last_message,
            bytes_received=self.bytes_received,
            bytes_sent=self.bytes_sent,
            errors=tuple(self.errors),
            challenge=self.challenge,
            throttled=self.throttled,
        )


class _PeerClosed(Exception):
    pass


class ClassroomServer(LabBase):
    """The classroom server as a lab: ``start()`` binds and runs the loop; ``close()`` ends it.

    ``host``/``port`` must be given (the CLI lists interfaces instead of guessing); port 0 picks
    a free one (tests).  ``key`` is the class key; ``framing`` the class's message framing;
    ``lesson_digest`` the digest of the lesson's form (md5, as the lesson's code relied on);
    ``lesson_variant`` ``"legacy-sha1"`` takes the lesson's first method instead
    (``s7_hashlib_client.py``: the 40-character ``sha1(key + challenge).hexdigest()``).
    ``yield_s``: a pause before each busy turn of the loop (the GUI sets it: it shares the
    interpreter, and a sleeping thread is the only sure way to hand the GIL over).
    """

    yield_s: float = 0.0

    def __init__(
        self,
        host: str,
        port: int,
        key: bytes,
        *,
        framing: str = DEFAULT_FRAMING,
        limits: Limits | None = None,
        lesson_digest: str = macs.LESSON_DEFAULT_DIGEST,
        lesson_variant: str = macs.HMAC,
        recorder: Recorder | None = None,
    ) -> None:
        super().__init__(recorder if recorder is not None else Recorder(keep=False))
        if not key:
            raise ValueError("the class key must not be empty")
        self.host, self.port = host, port
        self._key = key
        self.framing = framing
        self.limits = limits or Limits()
        self._codec: Codec = class_codec(framing, self.limits.max_message_bytes)
        # Replies are echoes ("echo: " + message): a little longer than the student's message.
        self._reply_codec: Codec = class_codec(framing, self.limits.max_message_bytes + len(ECHO_PREFIX))
        self._netsim_config = AuthConfig(
            protocol=NETSIM,
            variant=macs.HMAC,
            digest=macs.DEFAULT_DIGEST,
            max_preauth_frame_bytes=self.limits.max_preauth_frame_bytes,
            deadline_s=self.limits.handshake_s,
        )
        self._lesson_config = AuthConfig(
            protocol=LESSON, variant=lesson_variant, digest=lesson_digest, deadline_s=self.limits.handshake_s
        )
        self._commands: SimpleQueue[tuple[str, Any]] = SimpleQueue()
        self._wake_lock = threading.Lock()
        self._wake_w: socket.socket | None = None
        self._wake_r: socket.socket | None = None
        self._listener: socket.socket | None = None
        self._sel: selectors.DefaultSelector | None = None
        self._students: dict[int, _Student] = {}  # connected (loop thread only)
        self._gone: deque[_Student] = deque()  # who left, newest last (loop thread only)
        self._next_sid = 1
        self._locked = False
        self._status_lock = threading.Lock()
        self._status: list[StudentStatus] = []
        self._status_locked = False
        self._dirty = True
        self._address: tuple[str, int] | None = None
        self._listening = threading.Event()

    # ================================================================ public, any thread
    def run_config(self) -> dict[str, Any]:
        return {
            "lesson": "classroom",
            "bind": f"{self.host}:{self.port}",
            "framing": self.framing,
            "lesson_digest": self._lesson_config.digest,
            "lesson_variant": self._lesson_config.variant,
            "limits": {
                "grace_s": self.limits.grace_s,
                "handshake_s": self.limits.handshake_s,
                "idle_s": self.limits.idle_s,
                "max_message_bytes": self.limits.max_message_bytes,
                "max_students": self.limits.max_students,
            },
        }

    @property
    def address(self) -> tuple[str, int]:
        """(host, port) the server listens on (after :meth:`start`)."""
        if self._address is None:
            raise RuntimeError("the classroom server is not listening")
        return self._address

    @property
    def codec(self) -> Codec:
        return self._codec

    @property
    def locked(self) -> bool:
        with self._status_lock:
            return self._status_locked

    def status(self) -> list[StudentStatus]:
        """Every student (connected first, then those who left, newest last), as last published."""
        with self._status_lock:
            return list(self._status)

    def status_now(self, timeout_s: float = 2.0) -> list[StudentStatus]:
        """Every student as of now: the server's loop publishes a fresh snapshot first (what
        :meth:`status` returns may be up to ``PUBLISH_S`` old).  If the loop does not answer
        within *timeout_s* (stopped, or busy), the last published snapshot."""
        with self._wake_lock:
            running = self._wake_w is not None
        if running:
            published = threading.Event()
            self._command("publish", published)
            published.wait(timeout_s)
        return self.status()

    def broadcast(self, text: str) -> None:
        self._command("broadcast", text)

    def challenge(self) -> None:
        """Send every accepted student ``hello`` and ``world`` back to back (one send)."""
        self._command("challenge", None)

    def kick(self, sid: int) -> None:
        self._command("kick", sid)

    def lock(self, locked: bool = True) -> None:
        self._command("lock", locked)

    # ================================================================ lab plumbing
    def _command(self, what: str, arg: Any) -> None:
        self._commands.put((what, arg))
        self._wake()

    def _wake(self) -> None:
        with self._wake_lock:
            if self._wake_w is not None:
                try:
                    self._wake_w.send(b"!")
                except (BlockingIOError, OSError):
                    pass  # already awake (buffer full) or closing

    def _on_stop(self) -> None:
        self._wake()

    def _launch(self) -> None:
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        listener = socket.socket(family, socket.SOCK_STREAM)
        try:
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind((self.host, self.port))
            listener.listen(128)
            listener.setblocking(False)
            wake_r, wake_w = socket.socketpair()
        except OSError:
            listener.close()
            raise
        wake_r.setblocking(False)
        wake_w.setblocking(False)
        self._listener = listener
        self._wake_r, self._wake_w = wake_r, wake_w
        sel = selectors.DefaultSelector()
        sel.register(listener, selectors.EVENT_READ)
        sel.register(wake_r, selectors.EVENT_READ, "wake")
        self._sel = sel
        self._address = (str(listener.getsockname()[0]), int(listener.getsockname()[1]))
        self.recorder.emit(
            ClassroomListening(now_ns(), "server", format_address(self._address), self._codec.spec)
        )
        self._listening.set()
        try:
            self._spawn("server", self._loop, name="classroom-server")
        except BaseException:
            self._close_all()
            raise

    # ================================================================ the loop (one thread)
    def _loop(self) -> None:
        sel = self._sel
        assert sel is not None
        next_sweep = time.monotonic() + SWEEP_S
        next_publish = 0.0
        try:
            while not self._stop.is_set():
                timeout = max(0.0, next_sweep - time.monotonic())
                ready = sel.select(timeout)
                if ready and self.yield_s:
                    # Sharing the interpreter with a GUI: step aside (GIL released) before each
                    # busy turn, so the GUI thread never waits behind a burst of students.
                    time.sleep(self.yield_s)
                for key, mask in ready:
                    data = key.data
                    if data is None:
                        self._accept()
                    elif data == "wake":
                        self._drain_wake()
                        self._run_commands()
                    else:
                        st: _Student = data
                        try:
                            if mask & selectors.EVENT_WRITE and st.phase != _CLOSED:
                                self._flush(st)
                            if mask & selectors.EVENT_READ and st.phase != _CLOSED:
                                self._readable(st)
                        except Exception as exc:  # a bug met by one student ends that student only
                            self._internal_error(st, exc)
                now = time.monotonic()
                if now >= next_sweep:
                    self._sweep(now)
                    next_sweep = now + SWEEP_S
                if self._dirty and now >= next_publish:
                    self._publish()
                    next_publish = now + PUBLISH_S
        finally:
            for st in list(self._students.values()):
                self._end(st, "stopped")
            self._close_all()
            self._publish()

    def _close_all(self) -> None:
        if self._sel is not None:
            self._sel.close()
        if self._listener is not None:
            self._listener.close()
        with self._wake_lock:
            for s in (self._wake_r, self._wake_w):
                if s is not None:
                    s.close()
            self._wake_r = self._wake_w = None

    def _drain_wake(self) -> None:
        assert self._wake_r is not None
        try:
            while self._wake_r.recv(512):
                pass
        except (BlockingIOError, OSError):
            pass

    def _emit(self, event: Event) -> None:
        self.recorder.emit(event)

    def _publish(self) -> None:
        rows = [st.snapshot() for st in self._students.values()]
        rows += [st.snapshot() for st in self._gone]
        with self._status_lock:
            self._status = rows
            self._status_locked = self._locked
        self._dirty = False

    # ---------------------------------------------------------------- accept
    def _accept(self) -> None:
        assert self._listener is not None
        for _ in range(ACCEPT_PER_TURN):
            try:
                sock, peer = self._listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:  # EMFILE and friends: say so, keep serving who is here
                self._emit(StudentError(now_ns(), "server", 0, "accept", f"accept() failed: {exc}"))
                return
            sock.setblocking(False)
            sid = self._next_sid
            self._next_sid += 1
            st = _Student(sid, sock, format_address(peer), time.monotonic(), self.limits)
            self._emit(StudentConnected(now_ns(), "server", sid, st.address))
            self._dirty = True
            if self._locked or len(self._students) >= self.limits.max_students:
                verdict = ROOM_LOCKED if self._locked else ROOM_FULL
                self._set_verdict(st, verdict, "locked" if self._locked else "full")
                self._students[sid] = st  # so _end files it with the others
                self._end(st, verdict)
                continue
            self._students[sid] = st
            self._set_interest(st, selectors.EVENT_READ)

    # ---------------------------------------------------------------- reading
    def _readable(self, st: _Student) -> None:
        try:
            if st.phase == _CHAT:
                self._read_chat(st)
            elif st.closing:
                self._discard_input(st)
            else:
                self._read_handshake(st)
        except _PeerClosed:
            if st.phase == _CHAT:
                self._end(st, "eof")
            else:
                self._fail_handshake(st, PROTOCOL_ERROR, "eof", "closed the connection before the verdict")
        except OSError as exc:
            self._error(st, "socket", f"socket error: {exc.strerror or exc}")
            if st.phase == _CHAT or st.verdict != PENDING:
                self._end(st, "error")
            else:
                self._fail_handshake(st, PROTOCOL_ERROR, "socket_error", "")

    def _recv(self, st: _Student, size: int) -> bytes:
        try:
            data = st.sock.recv(size)
        except (BlockingIOError, InterruptedError):
            return b""
        if not data:
            raise _PeerClosed
        st.bytes_received += len(data)
        self._dirty = True
        return data

    def _discard_input(self, st: _Student) -> None:
        """A refused student being closed: read and drop (bounded per turn)."""
        self._recv(st, RECV_BYTES)

    def _read_exact(self, st: _Student) -> bytes | None:
        """Pre-authentication reads never ask for more than the step needs."""
        data = self._recv(st, st.want - len(st.inbuf))
        st.inbuf += data
        if len(st.inbuf) < st.want:
            return None
        whole = bytes(st.inbuf)
        st.inbuf.clear()
        return whole

    def _read_handshake(self, st: _Student) -> None:
        if st.phase == _GRACE:
            st.phase = _HELLO  # the peer spoke first: it must be a netsim hello
            st.form = FORM_NETSIM
        whole = self._read_exact(st)
        if whole is None:
            return
        if st.phase == _LESSON:
            self._lesson_answer(st, whole)
            return
        # netsim pre-authentication frames: a header (checked before any body byte is read),
        # then exactly the body it announced.
        if not st.body_next:
            self._frame_header(st, whole)
            return
        st.body_next = False
        st.want = HELLO_HEADER.size
        if st.phase == _HELLO:
            self._hello(st, whole)
        else:
            self._netsim_answer(st, whole)

    def _frame_header(self, st: _Student, header: bytes) -> None:
        (size,) = HELLO_HEADER.unpack(header)
        if size > self.limits.max_preauth_frame_bytes:
            self._fail_handshake(
                st,
                PROTOCOL_ERROR,
                "frame_too_large",
                f"a {size}-byte frame before authentication (limit {self.limits.max_preauth_frame_bytes})",
            )
            return
        if size == 0:
            self._fail_handshake(st, PROTOCOL_ERROR, "malformed", "an empty frame before authentication")
            return
        st.want = size
        st.body_next = True

    def _hello(self, st: _Student, payload: bytes) -> None:
        name = parse_hello(payload)
        if name is None:
            self._fail_handshake(
                st, PROTOCOL_ERROR, "malformed", "the first bytes were not a classroom hello frame"
            )
            return
        st.name = name
        self._emit(StudentIdentified(now_ns(), "server", st.sid, FORM_NETSIM, name))
        hs = NetsimServer(self._netsim_config, self._key)
        st.hs = hs
        st.phase = _NETSIM
        hs.start()
        self._send_actions(st, hs, framed=True)

    def _netsim_answer(self, st: _Student, payload: bytes) -> None:
        hs = st.hs
        assert hs is not None
        hs.receive(payload)
        self._send_actions(st, hs, framed=True)
        if hs.accepted:
            self._enter_chat(st, hs.reason)
        else:
            self._fail_handshake(st, REFUSED, hs.reason or "wrong_mac", "", flush=True)

    def _start_lesson_form(self, st: _Student) -> None:
        st.form = FORM_LESSON
        st.phase = _LESSON
        self._emit(StudentIdentified(now_ns(), "server", st.sid, FORM_LESSON, ""))
        hs = LessonServer(self._lesson_config, self._key)
        st.hs = hs
        hs.start()
        st.want = hs.want  # the digest's exact size: nothing more is read before the verdict
        self._send_actions(st, hs, framed=False)

    def _lesson_answer(self, st: _Student, answer: bytes) -> None:
        hs = st.hs
        assert hs is not None
        hs.receive(answer)
        hs.take_actions()  # notes only (the lesson's printed verdict, its weaknesses)
        if hs.accepted:
            self._enter_chat(st, hs.reason)
        else:
            # The lesson's server closes without a word: so do we (after nothing to flush).
            self._fail_handshake(st, REFUSED, hs.reason or "wrong_mac", "", flush=True)

    def _send_actions(self, st: _Student, hs: Handshake, *, framed: bool) -> None:
        for action in hs.take_actions():
            if isinstance(action, Outgoing):
                wire = HELLO_HEADER.pack(len(action.payload)) + action.payload if framed else action.payload
                self._queue(st, wire)

    def _enter_chat(self, st: _Student, reason: str) -> None:
        st.phase = _CHAT
        st.hs = None
        st.decoder = self._codec.decoder()
        st.idle_until = time.monotonic() + self.limits.idle_s
        self._set_verdict(st, ACCEPTED, reason)

    # ---------------------------------------------------------------- the chat
    def _refill(self, st: _Student, now: float) -> None:
        elapsed = now - st.refilled
        if elapsed > 0:
            lim = self.limits
            st.msg_tokens = min(float(lim.burst_msgs), st.msg_tokens + elapsed * lim.rate_msgs_per_s)
            st.byte_tokens = min(float(lim.burst_bytes), st.byte_tokens + elapsed * lim.rate_bytes_per_s)
            st.refilled = now

    def _read_chat(self, st: _Student) -> None:
        now = time.monotonic()
        self._refill(st, now)
        size = max(1, min(RECV_BYTES, int(st.byte_tokens)))
        data = self._recv(st, size)
        if not data:
            return
        st.byte_tokens -= len(data)
        st.idle_until = now + self.limits.idle_s
        start = st.stream_end
        end = start + len(data)
        st.stream_end = end
        st.recv_chunks += 1
        decoder = st.decoder
        assert decoder is not None
        failure: FramingError | None = None
        try:
            spans = decoder.feed_spans(data)
        except FramingError as exc:
            failure = exc
            spans = list(exc.decoded)
        split = 0
        touched = len(spans)
        last_end = spans[-1][1] if spans else start
        if end > max(start, last_end) and failure is None:
            touched += 1  # a message that is not finished yet has bytes in this chunk
        replies = bytearray()
        replied = 0
        last = ""
        for s_start, _s_end, payload in spans:
            if s_start < start:
                split += 1
            message = payload if isinstance(payload, bytes) else bytes(getattr(payload, "body", b""))
            st.messages_received += 1
            last = safe_text(message, MAX_TEXT_CHARS)
            if message.startswith(GOT_PREFIX) and st.challenge:
                self._challenge_answer(st, message[len(GOT_PREFIX) :])
            replies += self._reply_wire(message)
            replied += 1
        merged = touched >= 2
        if merged:
            st.merged_chunks += 1
        st.split_messages += split
        if spans:
            st.last_message = last
            st.msg_tokens -= len(spans)
            if st.framing_ok is None:
                st.framing_ok = True
        self._emit(ChunkRead(now_ns(), "server", st.sid, start, end, len(spans), split, merged, last))
        if replied:
            st.messages_sent += replied
            self._emit(MessagesQueued(now_ns(), "server", st.sid, "echo", replied, len(replies)))
            self._queue(st, bytes(replies))
        if failure is not None:
            st.framing_ok = False
            too_big = isinstance(failure, FrameTooLargeError)
            self._error(st, "framing", f"framing ({self._codec.spec}) failed: {failure}")
            if too_big:
                self._cut_off(st, "max_message")
            else:
                self._end(st, "framing")
            return
        if st.phase == _CHAT and (st.msg_tokens <= 0 or st.byte_tokens < 1):
            st.paused = True
            st.throttled += 1
            self._set_interest(st, st.interest & ~selectors.EVENT_READ)

    def _reply_wire(self, message: bytes) -> bytes:
        try:
            return self._reply_codec.encode(ECHO_PREFIX + message)
        except (FramingError, ValueError):
            return self._codec.encode(message)  # fixed-size frames: the message itself comes back

    def _challenge_answer(self, st: _Student, body: bytes) -> None:
        if len(st.challenge_got) < 4:
            st.challenge_got.append(body)
        first, second = CHALLENGE_MESSAGES
        if any(first + second in got for got in st.challenge_got):
            st.challenge = CHALLENGE_GLUED
        elif first in st.challenge_got and second in st.challenge_got:
            st.challenge = CHALLENGE_SEPARATE
        elif len(st.challenge_got) >= 2:
            st.challenge = CHALLENGE_OTHER

    # ---------------------------------------------------------------- writing
    def _queue(self, st: _Student, wire: bytes) -> None:
        if st.phase == _CLOSED:
            return
        if len(st.out) + len(wire) > self.limits.max_queued_bytes:
            self._error(
                st,
                "not_reading",
                f"does not read: {len(st.out)} bytes already waiting (limit {self.limits.max_queued_bytes})",
            )
            self._cut_off(st, "not_reading")
            return
        st.out += wire
        self._flush(st)

    def _flush(self, st: _Student) -> None:
        if st.out:
            try:
                sent = st.sock.send(st.out)
            except (BlockingIOError, InterruptedError):
                sent = 0
            except OSError as exc:
                st.out.clear()
                if st.phase == _CHAT:
                    self._error(st, "socket", f"send failed: {exc.strerror or exc}")
                    self._end(st, "error")
                elif st.closing:
                    self._end(st, st.verdict)
                return
            if sent:
                del st.out[:sent]
                st.bytes_sent += sent
                self._dirty = True
        if st.out:
            self._set_interest(st, st.interest | selectors.EVENT_WRITE)
        elif st.closing:
            self._end(st, st.reason or st.verdict)
        else:
            self._set_interest(st, st.interest & ~selectors.EVENT_WRITE)

    def _set_interest(self, st: _Student, mask: int) -> None:
        if mask == st.interest or self._sel is None:
            return
        if st.interest == 0:
            self._sel.register(st.sock, mask, st)
        elif mask == 0:
            self._sel.unregister(st.sock)
        else:
            self._sel.modify(st.sock, mask, st)
        st.interest = mask

    # ---------------------------------------------------------------- endings
    def _set_verdict(self, st: _Student, verdict: str, reason: str) -> None:
        st.verdict = verdict
        st.reason = reason
        self._dirty = True
        self._emit(StudentVerdict(now_ns(), "server", st.sid, verdict, reason))

    def _error(self, st: _Student, code: str, text: str) -> None:
        if len(st.errors) < MAX_ERRORS_KEPT:
            st.errors.append(text)
        self._dirty = True
        self._emit(StudentError(now_ns(), "server", st.sid, code, text))

    def _fail_handshake(
        self, st: _Student, verdict: str, reason: str, text: str, *, flush: bool = False
    ) -> None:
        if text:
            self._error(st, reason, text)
        self._set_verdict(st, verdict, reason)
        if flush and st.out:
            st.closing = True
            st.close_by = time.monotonic() + CLOSE_AFTER_FLUSH_S
            self._set_interest(st, selectors.EVENT_READ | selectors.EVENT_WRITE)
            return
        self._end(st, reason)

    def _cut_off(self, st: _Student, reason: str) -> None:
        self._set_verdict(st, CUT_OFF, reason)
        self._end(st, reason)

    def _end(self, st: _Student, reason: str) -> None:
        if st.phase == _CLOSED:
            return
        if st.phase == _CHAT and st.decoder is not None and reason in ("eof",):
            try:
                st.decoder.close()
            except FramingError as exc:
                self._error(st, "framing", f"the connection ended inside a message: {exc}")
        if st.verdict == PENDING and reason != "stopped":
            self._set_verdict(st, PROTOCOL_ERROR, reason)
        st.phase = _CLOSED
        st.paused = False
        st.out.clear()
        if st.interest and self._sel is not None:
            try:
                self._sel.unregister(st.sock)
            except (KeyError, ValueError):
                pass
        st.interest = 0
        st.sock.close()
        self._students.pop(st.sid)
        self._gone.append(st)
        while len(self._gone) > self.limits.history:
            self._gone.popleft()
        self._dirty = True
        self._emit(StudentLeft(now_ns(), "server", st.sid, reason))

    def _internal_error(self, st: _Student, exc: Exception) -> None:
        self._error(st, "internal_error", f"internal error ({type(exc).__name__}: {exc}) - disconnected")
        try:
            self._end(st, "internal_error")
        except Exception:  # the socket is closed whatever happens; the class goes on
            st.phase = _CLOSED
            st.sock.close()
            self._students.pop(st.sid, None)

    # ---------------------------------------------------------------- the sweep
    def _sweep(self, now: float) -> None:
        for st in list(self._students.values()):
            try:
                self._sweep_one(st, now)
            except Exception as exc:  # as in the loop: one student's trouble stays its own
                self._internal_error(st, exc)

    def _sweep_one(self, st: _Student, now: float) -> None:
        if st.phase == _CLOSED:
            return
        if st.closing:
            if now >= st.close_by:
                self._end(st, st.reason or st.verdict)
            return
        if st.phase == _GRACE:
            if now >= st.grace_until:
                self._start_lesson_form(st)
            return
        if st.phase != _CHAT:
            if now >= st.handshake_until:
                self._error(
                    st, "timeout", f"no complete answer within {self.limits.handshake_s:g} s - cut off"
                )
                self._set_verdict(st, TIMED_OUT, "timeout")
                self._end(st, "timeout")
            return
        if now >= st.idle_until:
            self._error(st, "idle", f"silent for {self.limits.idle_s:g} s - disconnected")
            self._end(st, "idle")
            return
        if st.paused:
            self._refill(st, now)
            if st.msg_tokens >= 1 and st.byte_tokens >= 1:
                st.paused = False
                self._set_interest(st, st.interest | selectors.EVENT_READ)

    # ---------------------------------------------------------------- commands
    def _run_commands(self) -> None:
        while True:
            try:
                what, arg = self._commands.get_nowait()
            except Empty:
                return
            if what == "broadcast":
                self._do_broadcast(str(arg))
            elif what == "challenge":
                self._do_challenge()
            elif what == "kick":
                self._do_kick(int(arg))
            elif what == "publish":
                self._publish()
                arg.set()
            elif what == "lock":
                self._locked = bool(arg)
                self._dirty = True
                self._emit(ClassAction(now_ns(), "server", "lock" if self._locked else "unlock"))

    def _chatting(self) -> list[_Student]:
        return [st for st in self._students.values() if st.phase == _CHAT and not st.closing]

    def _do_broadcast(self, text: str) -> None:
        payload = text.encode("utf-8")[:MAX_BROADCAST_BYTES]
        try:
            wire = self._reply_codec.encode(payload)
        except (FramingError, ValueError) as exc:
            self._emit(ClassAction(now_ns(), "server", "broadcast", f"not sent: {exc}", 0))
            return
        students = self._chatting()
        self._emit(ClassAction(now_ns(), "server", "broadcast", safe_text(payload), len(students)))
        for st in students:
            st.messages_sent += 1
            self._emit(MessagesQueued(now_ns(), "server", st.sid, "broadcast", 1, len(wire)))
            self._queue(st, wire)

    def _do_challenge(self) -> None:
        first, second = CHALLENGE_MESSAGES
        wire = self._codec.encode(first) + self._codec.encode(second)
        students = self._chatting()
        self._emit(ClassAction(now_ns(), "server", "challenge", "hello + world", len(students)))
        for st in students:
            st.challenge = CHALLENGE_WAITING
            st.challenge_got = []
            st.messages_sent += 2
            self._emit(MessagesQueued(now_ns(), "server", st.sid, "challenge", 2, len(wire)))
            self._queue(st, wire)  # both in one send(): what the lesson's hello/world server did

    def _do_kick(self, sid: int) -> None:
        st = self._students.get(sid)
        if st is None:
            return
        self._emit(ClassAction(now_ns(), "server", "kick", st.name or st.address, 1))
        self._set_verdict(st, KICKED, "kicked")
        self._end(st, "kicked")
