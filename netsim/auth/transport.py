"""The part of :mod:`netsim.auth` that touches sockets: framed connections, a threaded
server and a client, both driving the sans-I/O machines of :mod:`netsim.auth.machines`.

Robustness rules, all enforced here:

* every message is a length-prefixed frame (``!I``, or ``!i`` for multiprocessing);
* before authentication a frame may be at most 256 bytes, and the limit is checked on the
  header alone - a "1 MB response" is refused after its 4-byte header, never buffered;
* the whole exchange has one deadline: a peer trickling one byte at a time is cut off;
* no exception escapes a worker: each ends as an :class:`~netsim.auth.events.AuthVerdict`
  with a reason code;
* no daemon threads: :meth:`AuthServer.stop` closes the listener and joins every thread;
* the server holds nothing per connection once it has ended (finished threads are dropped, only
  the last :data:`RECENT_RESULTS` results are kept, plus counters), and at most
  ``max_concurrent`` connections are served at once: one past the cap gets a ``#BUSY#`` frame
  and is closed at once (a ``busy`` verdict, counted in :attr:`AuthServer.refused_count`).
"""

from __future__ import annotations

import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from netsim.auth import macs
from netsim.auth.events import (
    STEP_ATTACK,
    STEP_RECEIVED,
    STEP_SENT,
    WHAT_CHAT,
    AuthStep,
    AuthVerdict,
)
from netsim.auth.machines import (
    LESSON,
    AuthConfig,
    Handshake,
    Note,
    client_handshake,
    server_handshake,
)
from netsim.core.events import failed_call, now_ns
from netsim.core.gate import Gate, GateClosed
from netsim.core.recorder import Recorder
from netsim.framing import (
    FrameTooLargeError,
    FramingError,
    IncompleteFrameError,
    LengthPrefixCodec,
    MalformedFrameError,
)

POLL_S = 0.05  # how often blocked calls look at the stop flag
PREAUTH_RECV_BYTES = 512  # small reads before authentication: nothing big is ever pulled in
CHAT_RECV_BYTES = 4096
JOIN_TIMEOUT_S = 5.0
RECENT_RESULTS = 256  # results kept for inspection; older ones live on only in the counters
DEFAULT_MAX_CONCURRENT = 64
LISTEN_BACKLOG = max(128, socket.SOMAXCONN)  # a burst of connects must not wait for a SYN retry
BUSY = b"#BUSY#"


class DeadlineExceeded(Exception):
    """The exchange (or the chat's idle time) ran out."""


class Stopped(Exception):
    """The owner asked the worker to stop."""


class FramedConn:
    """One socket, framed, with a deadline, a stop flag, an optional step gate and a recorder.

    ``conn`` identifies the connection in every step: the client's port number.
    """

    def __init__(
        self,
        sock: socket.socket,
        *,
        recorder: Recorder,
        who: str,
        endpoint: str,
        conn: int,
        length_format: str,
        max_frame_bytes: int,
        deadline_s: float,
        stop: threading.Event | None = None,
        gate: Gate | None = None,
        tamper: Callable[[bytes], bytes] | None = None,
    ) -> None:
        self.sock = sock
        self.recorder = recorder
        self.who = who
        self.endpoint = endpoint
        self.conn = conn
        self._format = length_format
        self._stop = stop or threading.Event()
        self._gate = gate
        self._tamper = tamper
        self._frames: deque[bytes] = deque()
        self._recv_size = PREAUTH_RECV_BYTES
        self.bytes_read = 0
        self._set_codec(max_frame_bytes)
        self._tail = bytearray()  # raw bytes fed after the last whole frame (one partial frame)
        self._tail_base = 0
        self.deadline = time.monotonic() + deadline_s

    def __enter__(self) -> FramedConn:
        return self

    def __exit__(self, *exc: object) -> None:
        self.sock.close()

    def _set_codec(self, max_frame_bytes: int) -> None:
        self.codec = LengthPrefixCodec(self._format, max_frame_bytes=max_frame_bytes)
        self._decoder = self.codec.decoder()

    def after_auth(self, max_frame_bytes: int, idle_s: float) -> None:
        """Lift the pre-authentication limit: a fresh decoder, fed the partial frame (if any)
        that the old one held - sticky packets may have glued the first chat bytes on."""
        leftover = bytes(self._tail)
        self._tail.clear()
        self._tail_base = 0
        self._set_codec(max_frame_bytes)
        self._recv_size = CHAT_RECV_BYTES
        self.deadline = time.monotonic() + idle_s
        if leftover:
            self._feed(leftover)

    def step(
        self,
        step: str,
        *,
        what: str = "",
        data: bytes = b"",
        inputs: bytes = b"",
        header_bytes: int = 0,
        detail: str = "",
    ) -> None:
        self.recorder.emit(
            AuthStep(
                now_ns(), self.endpoint, self.conn, self.who, step, what, data, inputs, header_bytes, detail
            )
        )

    def note(self, note: Note) -> None:
        self.step(note.step, what=note.what, data=note.data, inputs=note.inputs, detail=note.detail)

    def send(self, payload: bytes, what: str) -> None:
        wire = self.codec.encode(payload)
        if self._gate is not None:
            self._gate.wait(self.endpoint, f"send({what})", f"{self.who}: {len(wire)} bytes")
        if self._stop.is_set():
            raise Stopped
        # Recorded before the call so the peer's "received" never precedes our "sent".
        self.step(STEP_SENT, what=what, data=wire, header_bytes=len(wire) - len(payload))
        self.sock.sendall(wire)

    def _feed(self, chunk: bytes) -> None:
        spans = self._decoder.feed_spans(chunk)
        self._tail += chunk
        if spans:
            cut = spans[-1][1] - self._tail_base
            del self._tail[:cut]
            self._tail_base = spans[-1][1]
        self._frames.extend(bytes(payload) for _s, _e, payload in spans)

    def recv(self, what: str) -> bytes | None:
        """The next whole frame's payload, or ``None`` at a clean EOF."""
        while not self._frames:
            if self._stop.is_set():
                raise Stopped
            remaining = self.deadline - time.monotonic()
            if remaining <= 0:
                raise DeadlineExceeded
            self.sock.settimeout(min(POLL_S, remaining))
            try:
                chunk = self.sock.recv(self._recv_size)
            except TimeoutError:
                continue
            self.bytes_read += len(chunk)
            if not chunk:
                self._decoder.close()  # IncompleteFrameError if EOF came mid-frame
                return None
            self._feed(chunk)
        payload = self._frames.popleft()
        self.step(
            STEP_RECEIVED, what=what, data=self.codec.encode(payload), header_bytes=self.codec.header_bytes
        )
        if self._tamper is not None:
            changed = self._tamper(payload)
            if changed != payload:
                self.step(STEP_ATTACK, what=what, data=changed, detail="on-path attacker rewrote this frame")
                payload = changed
        return payload

    def verdict(self, accepted: bool, reason: str) -> None:
        self.recorder.emit(AuthVerdict(now_ns(), self.endpoint, self.conn, self.who, accepted, reason))


def failure_reason(exc: BaseException) -> str:
    """Map what stopped a worker to a reason code (see :data:`netsim.auth.macs.REASONS`)."""
    if isinstance(exc, FrameTooLargeError):
        return "frame_too_large"
    if isinstance(exc, IncompleteFrameError):
        return "eof"
    if isinstance(exc, MalformedFrameError | FramingError):
        return "malformed"
    if isinstance(exc, DeadlineExceeded):
        return "timeout"
    if isinstance(exc, Stopped | GateClosed):
        return "stopped"
    if isinstance(exc, OSError):
        return "socket_error"
    return "internal_error"


def drive(hs: Handshake, fc: FramedConn) -> bool:
    """Run a handshake over a framed connection; emit its verdict; True if accepted."""
    try:
        hs.start()
        _flush(hs, fc)
        while not hs.finished:
            payload = fc.recv(hs.expecting)
            if payload is None:
                hs.fail("eof")
                break
            hs.receive(payload)
            _flush(hs, fc)
    except Exception as exc:  # every failure becomes a verdict, never a dead thread
        reason = failure_reason(exc)
        if reason in ("socket_error", "internal_error"):
            fc.recorder.emit(failed_call(now_ns(), fc.endpoint, "handshake", exc))
        if not hs.finished:
            _flush_notes(hs, fc)
        hs.fail(reason)
    fc.verdict(bool(hs.accepted), hs.reason)
    return bool(hs.accepted)


def _flush_notes(hs: Handshake, fc: FramedConn) -> None:
    for action in hs.take_actions():
        if isinstance(action, Note):
            fc.note(action)


def _flush(hs: Handshake, fc: FramedConn) -> None:
    for action in hs.take_actions():
        if isinstance(action, Note):
            fc.note(action)
            continue
        try:
            fc.send(action.payload, action.what)
        except OSError:
            # The peer may hang up as soon as it has what it needs (after #FAILURE#, say);
            # an exchange that is already decided keeps its verdict.
            if not hs.finished:
                raise


# --- server ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ConnectionResult:
    conn: int
    who: str
    accepted: bool
    reason: str
    answers: tuple[bytes, ...] = ()
    replies: tuple[bytes, ...] = ()
    bytes_read: int = 0


class AuthServer:
    """A threaded challenge-response server: one accept thread, one thread per connection.

    After acceptance the connection becomes an echo chat (``b"echo: " + message``) until the
    peer closes or is idle for ``chat_idle_s``.  Nothing received is ever unpickled - the
    multiprocessing protocol ends at the handshake here.
    """

    def __init__(
        self,
        config: AuthConfig,
        key: bytes,
        recorder: Recorder,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        gate: Gate | None = None,
        max_connections: int | None = None,
        max_concurrent: int = DEFAULT_MAX_CONCURRENT,
        chat_idle_s: float = 5.0,
        who: str = "server",
    ) -> None:
        if max_concurrent < 1:
            raise ValueError(f"max_concurrent must be at least 1, not {max_concurrent}")
        self.config = config
        self._key = key
        self.recorder = recorder
        self._host, self._port = host, port
        self._gate = gate
        self._max = max_connections
        self._max_concurrent = max_concurrent
        self._chat_idle_s = chat_idle_s
        self.who = who
        self._stop = threading.Event()
        self._lock = threading.Condition()
        self._threads: list[threading.Thread] = []  # live handlers only (pruned on every accept)
        self._accepted_count = 0
        self._active = 0
        self.finished_count = 0  # connections served to the end (results may have forgotten some)
        self.accepted_count = 0  # of those, how many authenticated
        self.refused_count = 0  # turned away at the concurrency cap
        self.results: deque[ConnectionResult] = deque(maxlen=RECENT_RESULTS)
        self._listener: socket.socket | None = None
        self._accept_thread: threading.Thread | None = None

    @property
    def address(self) -> tuple[str, int]:
        if self._listener is None:
            raise RuntimeError("server not started")
        host, port = self._listener.getsockname()[:2]
        return str(host), int(port)

    def start(self) -> tuple[str, int]:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind((self._host, self._port))
            listener.listen(LISTEN_BACKLOG)
            listener.settimeout(POLL_S)
        except OSError:
            listener.close()
            raise
        self._listener = listener
        self._accept_thread = threading.Thread(target=self._accept_loop, name="auth-server-accept")
        self._accept_thread.start()
        return self.address

    def _accept_loop(self) -> None:
        assert self._listener is not None
        while not self._stop.is_set():
            if self._max is not None and self._accepted_count >= self._max:
                break
            try:
                sock, peer = self._listener.accept()
            except TimeoutError:
                continue
            except OSError as exc:
                if not self._stop.is_set():
                    self.recorder.emit(failed_call(now_ns(), "server", "accept", exc))
                break
            with self._lock:
                self._threads = [t for t in self._threads if t.is_alive()]
                busy = self._active >= self._max_concurrent
                if busy:
                    self.refused_count += 1
                else:
                    self._accepted_count += 1
                    self._active += 1
                    thread = threading.Thread(
                        target=self._handle, args=(sock, int(peer[1])), name=f"auth-server-conn-{peer[1]}"
                    )
                    self._threads.append(thread)
            if busy:
                self._refuse(sock, int(peer[1]))
                continue
            try:
                thread.start()
            except RuntimeError as exc:  # "can't start new thread": refuse this one, keep serving
                with self._lock:
                    self._threads.remove(thread)
                    self._active -= 1
                    self.refused_count += 1
                self.recorder.emit(failed_call(now_ns(), "server", "thread", exc))
                self._refuse(sock, int(peer[1]))

    def _refuse(self, sock: socket.socket, conn: int) -> None:
        """Past the cap: one short ``#BUSY#`` frame (never blocking), then close."""
        self.recorder.emit(AuthVerdict(now_ns(), "server", conn, self.who, False, "busy"))
        with sock:
            try:
                sock.setblocking(False)
                framed = self.config.protocol != LESSON  # the lesson's form has no frames
                sock.send(LengthPrefixCodec(self.config.length_format).encode(BUSY) if framed else BUSY)
            except OSError:
                pass  # the peer is gone already, or its window is full: closing says enough

    def _handle(self, sock: socket.socket, conn: int) -> None:
        fc: FramedConn | None = None
        result = ConnectionResult(conn, self.who, False, "internal_error")
        try:
            with sock:
                cfg = self.config
                if cfg.protocol == LESSON:  # the lesson's unframed exchange lives in lesson.py
                    from netsim.auth.lesson_form import serve_lesson_conn

                    result = serve_lesson_conn(
                        sock,
                        conn,
                        cfg,
                        self._key,
                        self.recorder,
                        who=self.who,
                        stop=self._stop,
                        gate=self._gate,
                        chat_idle_s=self._chat_idle_s,
                    )
                    return
                fc = FramedConn(
                    sock,
                    recorder=self.recorder,
                    who=self.who,
                    endpoint="server",
                    conn=conn,
                    length_format=cfg.length_format,
                    max_frame_bytes=cfg.max_preauth_frame_bytes,
                    deadline_s=cfg.deadline_s,
                    stop=self._stop,
                    gate=self._gate,
                )
                hs = server_handshake(cfg, self._key)
                accepted = drive(hs, fc)
                result = ConnectionResult(conn, self.who, accepted, hs.reason, bytes_read=fc.bytes_read)
                if accepted:
                    self._chat(fc)
                result = ConnectionResult(conn, self.who, accepted, hs.reason, bytes_read=fc.bytes_read)
        except Exception as exc:  # belt and braces: drive() already turns failures into verdicts
            self.recorder.emit(failed_call(now_ns(), "server", "handle", exc))
        finally:
            with self._lock:
                self.results.append(result)
                self.finished_count += 1
                self.accepted_count += result.accepted
                self._active -= 1
                self._lock.notify_all()

    def _chat(self, fc: FramedConn) -> None:
        fc.after_auth(macs.MAX_CHAT_FRAME_BYTES, self._chat_idle_s)
        try:
            while True:
                message = fc.recv(WHAT_CHAT)
                if message is None:
                    return
                fc.send(b"echo: " + message, WHAT_CHAT)
                fc.deadline = time.monotonic() + self._chat_idle_s
        except (DeadlineExceeded, Stopped, GateClosed, FramingError, OSError):
            return  # the chat is over; the verdict was given already

    def wait_results(self, count: int, timeout_s: float) -> bool:
        """Block until ``count`` connections have finished (or the timeout)."""
        with self._lock:
            return self._lock.wait_for(lambda: self.finished_count >= count, timeout=timeout_s)

    @property
    def active(self) -> int:
        """Connections being served right now."""
        with self._lock:
            return self._active

    @property
    def thread_count(self) -> int:
        """Handler threads the server still holds (live ones, plus any finished since the last accept)."""
        with self._lock:
            return len(self._threads)

    def wait_stop(self, timeout_s: float | None = None) -> bool:
        """Block until another thread calls :meth:`stop` (or the timeout)."""
        return self._stop.wait(timeout_s)

    def stop(self) -> None:
        """Stop accepting, wake every handler, close the listener and join all threads."""
        self._stop.set()
        # A handler may be waiting at a step gate we share with the rest of the run: let it
        # through (it then sees the stop flag), and put the gate back as it was.
        stepping = self._gate is not None and self._gate.stepping
        if self._gate is not None and stepping:
            self._gate.run()
        if self._accept_thread is not None:
            self._accept_thread.join(JOIN_TIMEOUT_S)
        with self._lock:
            threads = list(self._threads)
        for thread in threads:
            thread.join(JOIN_TIMEOUT_S)
        if self._listener is not None:
            self._listener.close()
        if self._gate is not None and stepping:
            self._gate.pause()
        alive = [t.name for t in [self._accept_thread, *threads] if t is not None and t.is_alive()]
        if alive:
            raise RuntimeError(f"auth server threads did not stop: {alive}")

    def __enter__(self) -> AuthServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


# --- client ---------------------------------------------------------------------------------


@dataclass(slots=True)
class ClientResult:
    conn: int = 0
    who: str = "client"
    accepted: bool = False
    reason: str = ""
    answers: list[bytes] = field(default_factory=list)
    replies: list[bytes] = field(default_factory=list)


def connect(address: tuple[str, int], timeout_s: float) -> socket.socket:
    return socket.create_connection(address, timeout=timeout_s)


def connect_or_report(
    address: tuple[str, int], timeout_s: float, recorder: Recorder, result: ClientResult
) -> socket.socket | None:
    """The client's socket to ``address``, or None when it cannot connect: then the failure
    (:class:`SocketFailed` and a ``socket_error`` :class:`AuthVerdict`) is recorded and
    ``result.reason`` says so."""
    who = result.who
    try:
        return connect(address, timeout_s)
    except OSError as exc:
        recorder.emit(failed_call(now_ns(), who, "connect", exc))
        recorder.emit(AuthVerdict(now_ns(), who, 0, who, False, "socket_error"))
        result.reason = "socket_error"
        return None


def run_client(
    config: AuthConfig,
    key: bytes,
    address: tuple[str, int],
    recorder: Recorder,
    *,
    who: str = "client",
    chat: Sequence[bytes] = (b"hello",),
    gate: Gate | None = None,
    stop: threading.Event | None = None,
    tamper: Callable[[bytes], bytes] | None = None,
) -> ClientResult:
    """Authenticate to ``address``, then send each ``chat`` message and read its reply.

    Blocking; the CLI calls it directly, the lab from a worker thread.  Never raises for
    network trouble: the result (and an :class:`AuthVerdict`) says what happened.
    """
    if config.protocol == LESSON:
        from netsim.auth.lesson_form import run_lesson_client

        return run_lesson_client(config, key, address, recorder, who=who, chat=chat, gate=gate, stop=stop)
    result = ClientResult(who=who)
    sock = connect_or_report(address, config.deadline_s, recorder, result)
    if sock is None:
        return result
    with sock:
        result.conn = int(sock.getsockname()[1])
        fc = FramedConn(
            sock,
            recorder=recorder,
            who=who,
            endpoint=who,
            conn=result.conn,
            length_format=config.length_format,
            max_frame_bytes=config.max_preauth_frame_bytes,
            deadline_s=config.deadline_s,
            stop=stop,
            gate=gate,
            tamper=tamper,
        )
        hs = client_handshake(config, key)
        result.accepted = drive(hs, fc)
        result.reason = hs.reason
        result.answers = list(hs.sent_answers)
        if result.accepted and chat:
            fc.after_auth(macs.MAX_CHAT_FRAME_BYTES, config.deadline_s)
            try:
                for message in chat:
                    fc.send(message, WHAT_CHAT)
                    reply = fc.recv(WHAT_CHAT)
                    if reply is None:
                        break
                    result.replies.append(reply)
            except (DeadlineExceeded, Stopped, GateClosed, FramingError, OSError) as exc:
                recorder.emit(failed_call(now_ns(), who, "chat", exc))
    return result
