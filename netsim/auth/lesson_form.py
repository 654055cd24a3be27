"""The lesson's own unframed exchange on real sockets (``--protocol lesson``).

The lesson's wire carries bare bytes: 32 random bytes, then the client's answer, nothing else -
no header, no verdict.  This module is the small unframed transport for it:

* :class:`RawConn` reads **exactly** ``n`` bytes (looping over ``recv``) with the exchange's one
  deadline and a stop flag, and never more than the machine asked for before authentication
  (the pre-authentication limit is the answer's own size, at most 64 bytes); or, when asked to
  read "as written", makes the lesson's single ``recv(32)`` / ``recv(1024)`` call and trusts it -
  the weakness shown, not the default;
* a slow, segmenting sender (``segment_bytes`` with ``segment_pause_s`` between pieces) makes
  ``recv(32)`` come back short for real;
* :func:`serve_lesson_conn` is one server connection (called by
  :class:`~netsim.auth.transport.AuthServer`), :func:`run_lesson_client` the client.

After the check our server goes on with an unframed echo (each ``recv`` chunk comes back after
``echo: ``) - the lesson leaves that part to the reader ("进行接下来的交互"), and it has no framing.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Sequence

from netsim.auth import macs
from netsim.auth.events import STEP_CHAT, STEP_RECEIVED, STEP_SENT, WHAT_CHAT, AuthStep, AuthVerdict
from netsim.auth.machines import (
    READS_AS_WRITTEN,
    AuthConfig,
    LessonClient,
    LessonServer,
    Note,
)
from netsim.auth.transport import (
    CHAT_RECV_BYTES,
    POLL_S,
    ClientResult,
    ConnectionResult,
    DeadlineExceeded,
    Stopped,
    connect_or_report,
    failure_reason,
)
from netsim.core.events import failed_call, now_ns
from netsim.core.gate import Gate, GateClosed
from netsim.core.recorder import Recorder

MAX_LESSON_READ = 1024  # the lesson's largest read (its server's recv(1024)); nothing bigger pre-auth
CHAT_REPLY_PREFIX = b"echo: "


class ShortRead(EOFError):
    """The peer closed before the exact number of bytes arrived."""

    def __init__(self, got: int, wanted: int) -> None:
        super().__init__(f"the peer closed after {got} of {wanted} bytes")
        self.got, self.wanted = got, wanted


class RawConn:
    """One socket, unframed, with a deadline, a stop flag, an optional step gate and a recorder."""

    def __init__(
        self,
        sock: socket.socket,
        *,
        recorder: Recorder,
        who: str,
        endpoint: str,
        conn: int,
        deadline_s: float,
        stop: threading.Event | None = None,
        gate: Gate | None = None,
        segment_bytes: int = 0,
        segment_pause_s: float = 0.0,
    ) -> None:
        self.sock = sock
        self.recorder = recorder
        self.who = who
        self.endpoint = endpoint
        self.conn = conn
        self._stop = stop or threading.Event()
        self._gate = gate
        self._segment = segment_bytes
        self._pause_s = segment_pause_s
        self.bytes_read = 0
        self.deadline = time.monotonic() + deadline_s

    def step(
        self, step: str, *, what: str = "", data: bytes = b"", inputs: bytes = b"", detail: str = ""
    ) -> None:
        self.recorder.emit(
            AuthStep(now_ns(), self.endpoint, self.conn, self.who, step, what, data, inputs, 0, detail)
        )

    def note(self, note: Note) -> None:
        self.step(note.step, what=note.what, data=note.data, inputs=note.inputs, detail=note.detail)

    def verdict(self, accepted: bool, reason: str) -> None:
        self.recorder.emit(AuthVerdict(now_ns(), self.endpoint, self.conn, self.who, accepted, reason))

    def send(self, payload: bytes, what: str, *, segmented: bool = False) -> None:
        """``sendall`` the bytes; ``segmented``: in pieces with a pause between (a slow sender)."""
        if self._gate is not None:
            self._gate.wait(self.endpoint, f"send({what})", f"{self.who}: {len(payload)} bytes")
        size = self._segment if segmented and self._segment > 0 else len(payload) or 1
        pieces = [payload[i : i + size] for i in range(0, len(payload), size)] or [b""]
        for index, piece in enumerate(pieces):
            if self._stop.is_set():
                raise Stopped
            if index and self._pause_s > 0 and self._stop.wait(self._pause_s):
                raise Stopped
            detail = ""
            if len(pieces) > 1:
                pause = f", after a {self._pause_s:g} s pause" if index else ""
                detail = f"piece {index + 1} of {len(pieces)} ({len(piece)} bytes{pause}) - a slow sender"
            # Recorded before the call so the peer's "received" never precedes our "sent".
            self.step(STEP_SENT, what=what, data=piece, detail=detail)
            self.sock.sendall(piece)

    def _recv_some(self, limit: int) -> bytes:
        """One ``recv(limit)`` that waits (in short polls) for data, the deadline or the stop flag."""
        while True:
            if self._stop.is_set():
                raise Stopped
            remaining = self.deadline - time.monotonic()
            if remaining <= 0:
                raise DeadlineExceeded
            self.sock.settimeout(min(POLL_S, remaining))
            try:
                chunk = self.sock.recv(limit)
            except TimeoutError:
                continue
            self.bytes_read += len(chunk)
            return chunk

    def recv_exact(self, n: int, what: str) -> bytes:
        """Exactly ``n`` bytes (``n`` checked against the limit first); :class:`ShortRead` at EOF."""
        if not 0 < n <= MAX_LESSON_READ:
            raise ValueError(f"refusing to read {n} bytes before authentication")
        data = bytearray()
        calls = 0
        while len(data) < n:
            chunk = self._recv_some(n - len(data))
            calls += 1
            if not chunk:
                raise ShortRead(len(data), n)
            data += chunk
        detail = f"exact read: {n} bytes in {calls} recv() call{'s' if calls != 1 else ''}"
        self.step(STEP_RECEIVED, what=what, data=bytes(data), detail=detail)
        return bytes(data)

    def recv_once(self, limit: int, what: str) -> bytes:
        """The lesson's code: one ``recv(limit)``, whatever it returns is taken as the whole thing."""
        chunk = self._recv_some(min(limit, MAX_LESSON_READ))
        self.step(
            STEP_RECEIVED,
            what=what,
            data=chunk,
            detail=f"as written: one recv({limit}) returned {len(chunk)} bytes, trusted whole",
        )
        return chunk


def _flush(hs: LessonServer | LessonClient, rc: RawConn, *, segmented: bool) -> None:
    for action in hs.take_actions():
        if isinstance(action, Note):
            rc.note(action)
            continue
        try:
            rc.send(action.payload, action.what, segmented=segmented)
        except OSError as exc:
            # A lesson client that answered a short challenge may hang up while the slow server
            # is still sending; its answer is already here, so the server goes on to read it.
            rc.recorder.emit(failed_call(now_ns(), rc.endpoint, "send", exc))
            if hs.finished or not (segmented and isinstance(hs, LessonServer)):
                raise


def drive_lesson(hs: LessonServer | LessonClient, rc: RawConn, config: AuthConfig) -> None:
    """Run a lesson machine over a raw connection until it is finished (never raises)."""
    as_written = config.reads == READS_AS_WRITTEN
    try:
        hs.start()
        _flush(hs, rc, segmented=isinstance(hs, LessonServer))
        while not hs.finished:
            if as_written:
                # The lesson: rand = sk.recv(32) on the client, ret = conn.recv(1024) on the server.
                limit = config.challenge_bytes if isinstance(hs, LessonClient) else macs.LESSON_SERVER_RECV
                data = rc.recv_once(limit, hs.expecting)
                if not data:
                    raise ShortRead(0, hs.want)
            else:
                data = rc.recv_exact(hs.want, hs.expecting)
            hs.receive(data)
            _flush(hs, rc, segmented=False)
    except Exception as exc:  # every failure becomes a verdict, never a dead thread
        reason = "eof" if isinstance(exc, ShortRead) else failure_reason(exc)
        if reason in ("socket_error", "internal_error"):
            rc.recorder.emit(failed_call(now_ns(), rc.endpoint, "handshake", exc))
        hs.fail(reason)
        for action in hs.take_actions():
            if isinstance(action, Note):
                rc.note(action)


def serve_lesson_conn(
    sock: socket.socket,
    conn: int,
    config: AuthConfig,
    key: bytes,
    recorder: Recorder,
    *,
    who: str,
    stop: threading.Event,
    gate: Gate | None,
    chat_idle_s: float,
) -> ConnectionResult:
    """One connection of the lesson's server: challenge, check, printed verdict; then, if
    accepted, an unframed echo until the peer closes or idles; refused: the connection closes
    (as the lesson's ``conn.close()``).  The caller owns and closes ``sock``."""
    rc = RawConn(
        sock,
        recorder=recorder,
        who=who,
        endpoint="server",
        conn=conn,
        deadline_s=config.deadline_s,
        stop=stop,
        gate=gate,
        segment_bytes=config.segment_bytes,
        segment_pause_s=config.segment_pause_s,
    )
    hs = LessonServer(config, key)
    drive_lesson(hs, rc, config)
    accepted = bool(hs.accepted)
    rc.verdict(accepted, hs.reason)
    if accepted:
        _echo(rc, chat_idle_s)
    return ConnectionResult(conn, who, accepted, hs.reason, bytes_read=rc.bytes_read)


def _echo(rc: RawConn, idle_s: float) -> None:
    """After the check: echo each chunk as it comes (unframed - a chunk is not a message)."""
    rc.deadline = time.monotonic() + idle_s
    try:
        while True:
            chunk = rc._recv_some(CHAT_RECV_BYTES)
            if not chunk:
                return
            rc.step(
                STEP_CHAT,
                what=WHAT_CHAT,
                data=chunk,
                detail="one recv() chunk; no framing says where it ends",
            )
            rc.send(CHAT_REPLY_PREFIX + chunk, WHAT_CHAT)
            rc.deadline = time.monotonic() + idle_s
    except (DeadlineExceeded, Stopped, GateClosed, OSError):
        return  # the chat is over; the verdict was given already


def run_lesson_client(
    config: AuthConfig,
    key: bytes,
    address: tuple[str, int],
    recorder: Recorder,
    *,
    who: str = "client",
    chat: Sequence[bytes] = (),
    glue_first: bool = False,
    gate: Gate | None = None,
    stop: threading.Event | None = None,
) -> ClientResult:
    """The lesson's client: read the challenge, send the answer.  Then, for each ``chat``
    message (none by default, like the lesson's client), send it unframed and take one
    ``recv`` as the reply.  ``glue_first`` sends the answer and the first message in one
    ``sendall`` (what a fast sender gets anyway), which the lesson's server cannot take apart.

    The lesson's wire has no verdict: with no message the result is ``no_verdict``; a reply
    means the server went on talking (accepted); a close means it hung up (the lesson's refusal).
    """
    result = ClientResult(who=who)
    sock = connect_or_report(address, config.deadline_s, recorder, result)
    if sock is None:
        return result
    with sock:
        result.conn = int(sock.getsockname()[1])
        rc = RawConn(
            sock,
            recorder=recorder,
            who=who,
            endpoint=who,
            conn=result.conn,
            deadline_s=config.deadline_s,
            stop=stop,
            gate=gate,
        )
        hs = LessonClient(config, key)
        messages = list(chat)
        if glue_first and messages:
            hs = _GluingClient(config, key, messages.pop(0))
        drive_lesson(hs, rc, config)
        result.answers = list(hs.sent_answers)
        if hs.short_challenge:
            hs.conclude(False, "short_challenge")
        elif hs.reason == "no_verdict":
            pending = 1 if isinstance(hs, _GluingClient) else 0
            _converse(hs, rc, messages, pending, result, config.deadline_s)
        result.accepted, result.reason = bool(hs.accepted), hs.reason
        rc.verdict(result.accepted, result.reason)
    return result


class _GluingClient(LessonClient):
    """Sends the answer and the first message as one piece of bytes (the no-framing weakness)."""

    def __init__(self, config: AuthConfig, key: bytes, first: bytes) -> None:
        super().__init__(config, key)
        self._first = first

    def receive(self, payload: bytes) -> None:
        super().receive(payload)
        actions = self.take_actions()
        for action in actions:
            if isinstance(action, Note):
                self._actions.append(action)
            else:
                self._send(action.payload + self._first, action.what)
                self._note(
                    STEP_CHAT,
                    what=WHAT_CHAT,
                    data=self._first,
                    detail=f"sent in the same send() as the {len(action.payload)}-byte answer",
                )


def _converse(
    hs: LessonClient,
    rc: RawConn,
    messages: list[bytes],
    pending: int,
    result: ClientResult,
    deadline_s: float,
) -> None:
    try:
        while pending or messages:
            if not pending:
                message = messages.pop(0)
                if not message:
                    continue  # an empty TCP send puts nothing on the wire
                rc.send(message, WHAT_CHAT)
            pending = 0
            rc.deadline = time.monotonic() + deadline_s
            reply = rc._recv_some(CHAT_RECV_BYTES)
            if not reply:
                if not result.replies:
                    hs.conclude(False, "closed_no_verdict")
                return
            rc.step(STEP_CHAT, what=WHAT_CHAT, data=reply, detail="one recv() chunk taken as the reply")
            result.replies.append(reply)
            hs.conclude(True, "lesson_reply")
    except ConnectionResetError:
        # The server closed with our message unread: the kernel answers with a reset - the
        # lesson's conn.close() after a refusal, seen from here.
        if not result.replies:
            hs.conclude(False, "closed_no_verdict")
    except (DeadlineExceeded, Stopped, GateClosed, OSError) as exc:
        rc.recorder.emit(failed_call(now_ns(), rc.endpoint, "chat", exc))
        if not result.replies:
            hs.conclude(False, failure_reason(exc))
