"""The stream lab: a real server and client on loopback, in worker threads, recorded.

The sending end (the client, or the server with ``sender="server"`` as in the lesson's hello/world
demo) sends the scenario's messages; the other end receives them with ``recv(recv_bytes)`` and
feeds every chunk to the scenario's decoder, so the trace holds, on one stream-offset axis, what
``send()`` put on the wire, what each ``recv()`` returned and what the receiving application
believes the messages were.  A sampler thread reads the kernel's queues (~100 Hz).

``receiver="lesson"`` replaces the decoder by the lesson's own reading code (section 五):
``recv(4)`` trusted to return the whole header, then ``recv(size)`` trusted to return the whole
body, each called once.  When a header or a body arrives in pieces, the application gets wrong
messages, and the next "header" is message bytes: ``struct.unpack`` fails on a short one (the
lesson's ``struct.error``), or it announces a negative or absurd size - the lesson's program
would then crash (``recv()`` of a negative size raises) or ask for gigabytes.  That is recorded
as the lesson's failure (a ``SocketFailed`` whose message starts with :data:`LESSON_BUG`), and the
receiver stops there, as the lesson's program does: its connection is closed with the rest
unread.

Every blocking call uses a short socket timeout and re-checks the stop flag, so ``close()``
always returns promptly; every thread is joined there, and a thread that will not stop is an
error, not something to forget about.
"""

from __future__ import annotations

import os
import random
import socket
import struct
import threading
import time
from typing import TYPE_CHECKING, Any

from netsim.core.events import (
    BytesReceived,
    BytesSent,
    FrameDecoded,
    QueueSampled,
    SocketCalled,
    SocketFailed,
    now_ns,
)
from netsim.core.gate import GateClosed
from netsim.core.recorder import Recorder
from netsim.framing import FramingError, JsonFrame, LengthPrefixCodec, RawCodec, make_codec
from netsim.lab.base import JOIN_TIMEOUT_S, POLL_S, Lab, LabBase, Stopped
from netsim.lab.kqueue import QUEUES_AVAILABLE, recv_queue_bytes, send_queue_bytes
from netsim.lab.relay import Relay
from netsim.lessons.sticky.scenario import Scenario

_UDP_IDLE_S = 0.3  # after the sender is done, how long the UDP receiver waits for stragglers
_UDP_MATCH_WINDOW = 4096  # how far ahead a received datagram is looked for among those sent
_BURST_BATCH = 1 << 20  # a burst is sent in batches of at most 1 MiB (bounded memory)
_CALL_SAMPLES_MAX_MESSAGES = 2000  # sample queues at every call only for runs this small
_YIELD_EVERY = 32  # with gui_yield_s: messages between two pauses of a worker
_DUP_IDLE_S = 0.1  # every datagram arrived but the wire duplicates: wait this long for late copies
_WIRE_HOLD_S = 0.25  # a relay may hold a datagram back this long (reordering), past its delay

LESSON_BUG = "the lesson's bug"  # how the lesson receiver's failures begin (CLI and GUI look for it)
EOF_RESULT = "b'' - peer closed"  # SocketCalled.result of the recv() that returned b'' at EOF


def preview(data: bytes, limit: int = 24) -> str:
    """``b'world'`` as Python shows it, shortened for labels: ``b'abcdef…'(4096 B)``."""
    if len(data) <= limit:
        return repr(data)
    return f"{data[:limit]!r}…({len(data)} B)"


class StreamLab(LabBase):
    """Runs one :class:`Scenario` (see :class:`netsim.lab.base.Lab` for the lifecycle)."""

    def __init__(
        self,
        scenario: Scenario,
        *,
        recorder: Recorder | None = None,
        stepping: bool = False,
        worker_nice: int = 0,
        gui_yield_s: float = 0.0,
    ) -> None:
        self.scenario = scenario
        self.codec = make_codec(scenario.framing)  # a malformed spec fails here, before any socket
        scenario.check_memory()  # a run too big to record is refused here, with the figures
        if scenario.receiver == "lesson" and not isinstance(self.codec, RawCodec | LengthPrefixCodec):
            raise ValueError(
                "the lesson's receiver exists for framing none (one recv() = one message) and for "
                "length prefixes (recv(4), then recv(size)); choose the exact receiver for "
                f"{scenario.framing!r}"
            )
        super().__init__(recorder, stepping=stepping)
        self.port: int | None = None
        self._ready = threading.Event()
        self._client_done = threading.Event()  # the client thread has finished (sent, or failed)
        self._lock = threading.Lock()
        self._probes: dict[tuple[str, str], socket.socket] = {}
        self._datagrams_sent = 0
        self._budget = {
            "client": scenario.record_bytes_limit // 2,
            "server": scenario.record_bytes_limit // 2,
        }
        self._sample_calls = scenario.message_count <= _CALL_SAMPLES_MAX_MESSAGES
        # A GUI passes a positive nice value so that streaming workers never starve its thread
        # of a CPU (two busy workers on a two-core machine otherwise do).
        self._worker_nice = worker_nice
        # ...and, every few messages, step aside for a moment: CPython hands the GIL to no thread
        # in particular, so a GUI thread may otherwise wait tens of milliseconds for its turn.
        self._yield_s = gui_yield_s
        # The network in the middle (scenario.wire): started by the client once the server
        # listens, closed in close().  The seed is fixed now so that the run's config records it.
        self.relay: Relay | None = None
        self.wire_seed = (
            scenario.seed if scenario.seed is not None else random.SystemRandom().randrange(2**31)
        )

    # ----------------------------------------------------------------- control
    def run_config(self) -> dict[str, Any]:
        config = self.scenario.to_dict()
        config["codec_label"] = self.codec.label
        config["queues_available"] = QUEUES_AVAILABLE
        # Who plays which part: views must not assume that the client is the one sending.
        config["roles"] = {"sender": self.scenario.sender, "receiver": self.scenario.receiving_end}
        if self.scenario.wire:
            config["wire_seed"] = self.wire_seed
        return config

    def _launch(self) -> None:
        self._spawn("server", self._server, name="netsim-server")
        self._spawn("client", self._client, name="netsim-client")
        self._spawn("sampler", self._sampler, name="netsim-sampler", counted=False)

    def close(self, timeout_s: float = JOIN_TIMEOUT_S) -> None:
        """As every lab's; then the relay (started by the client thread, which has been joined)."""
        try:
            super().close(timeout_s)
        finally:
            if self.relay is not None:
                self.relay.close(timeout_s)

    # ------------------------------------------------------------- plumbing
    def _on_worker_start(self, endpoint: str) -> None:
        if self._worker_nice > 0 and hasattr(os, "setpriority"):
            try:  # Linux: a thread's native id is its own scheduling entity
                os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), self._worker_nice)
            except OSError:
                pass  # not allowed here: run at normal priority

    def _keep(self, endpoint: str, data: bytes) -> bytes:
        """Bytes to store in the trace, within the per-side budget (past it: none, offsets still exact)."""
        left = self._budget[endpoint]
        if left < len(data):
            return b""
        self._budget[endpoint] = left - len(data)
        return data

    def _probe(self, endpoint: str, queue: str, sock: socket.socket | None) -> None:
        with self._lock:
            if sock is None:
                self._probes.pop((endpoint, queue), None)
            else:
                self._probes[(endpoint, queue)] = sock

    def _close(self, endpoint: str, sock: socket.socket, label: str = "close()") -> None:
        with self._lock:  # the sampler must not ioctl a descriptor that is being closed
            for key in [k for k, s in self._probes.items() if s is sock]:
                del self._probes[key]
            sock.close()
        self.recorder.emit(SocketCalled(now_ns(), endpoint, label, -1, "closed"))

    def _sample(self, endpoint: str, queue: str, sock: socket.socket) -> None:
        if not QUEUES_AVAILABLE:
            return
        n = recv_queue_bytes(sock) if queue == "recv" else send_queue_bytes(sock)
        if n is not None:
            self.recorder.emit(QueueSampled(now_ns(), endpoint, queue, n))

    def _sampler(self) -> None:
        if not QUEUES_AVAILABLE or self.scenario.sample_hz <= 0:
            return
        period = 1.0 / self.scenario.sample_hz
        while not self._stop.is_set() and not self._finished.is_set():
            with self._lock:
                for (endpoint, queue), sock in self._probes.items():
                    self._sample(endpoint, queue, sock)
            self._stop.wait(period)

    # --------------------------------------------------------------- server
    def _server(self) -> None:
        sc = self.scenario
        tcp = sc.transport == "tcp"
        kind = "SOCK_STREAM" if tcp else "SOCK_DGRAM"
        self._gate("server", f"socket({kind})")
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM if tcp else socket.SOCK_DGRAM)
        conn: socket.socket | None = None
        call = "socket()"
        try:
            sock.settimeout(POLL_S)
            if sc.sender == "client":
                if sc.rcvbuf:  # set on the listener, so the accepted socket has it from the handshake on
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, sc.rcvbuf)
            else:
                self._sender_options(sock)
            self.recorder.emit(SocketCalled(now_ns(), "server", f"socket({kind})", -1, f"fd {sock.fileno()}"))
            call = f"bind(('{sc.host}', {sc.port}))"
            self._gate("server", call)
            sock.bind((sc.host, sc.port))
            self.port = sock.getsockname()[1]
            self.recorder.emit(SocketCalled(now_ns(), "server", call, -1, f"port {self.port}"))
            if tcp:
                call = "listen()"
                self._gate("server", call)
                sock.listen(1)
                self.recorder.emit(SocketCalled(now_ns(), "server", call, -1, "listening"))
                self._ready.set()
                call = "accept()"
                self._gate("server", call)
                conn, addr = self._accept(sock)
                conn.settimeout(POLL_S)
                self.recorder.emit(SocketCalled(now_ns(), "server", call, -1, f"from {addr[0]}:{addr[1]}"))
                if sc.sender == "client":
                    self._receive(conn, "server")
                else:
                    self._probe("server", "send", conn)
                    self._send_stream(conn, "server")
            else:
                self._probe("server", "recv", sock)
                self._ready.set()
                self._receive_datagrams(sock)
        except (Stopped, GateClosed):
            raise
        except FramingError as exc:
            self._emit_fail("server", "decode" if sc.sender == "client" else "encode", exc)
        except OSError as exc:
            self._emit_fail("server", call, exc)
        finally:
            self._ready.set()  # never leave the client waiting for a server that failed
            if conn is not None:
                if sc.sender == "server" and not self._stop.is_set() and not self.gate.closed:
                    try:  # the sender's close() is a step of its own: it is what makes recv() return b''
                        self.gate.wait("server", "conn.close()")
                    except GateClosed:
                        pass
                self._close("server", conn, "conn.close()")
            self._close("server", sock)

    def _accept(self, sock: socket.socket) -> tuple[socket.socket, Any]:
        """``accept()``, interruptible; stops when the client has gone without ever connecting."""
        while True:
            self._check()
            try:
                return sock.accept()
            except TimeoutError:
                if self._client_done.is_set():
                    try:  # a connection that arrived with the client's last breath
                        return sock.accept()
                    except TimeoutError:
                        raise Stopped from None  # the client failed first; its error is recorded

    def _receive(self, conn: socket.socket, me: str) -> None:
        """The receiving application on a connected TCP socket: the exact one, or the lesson's."""
        self._probe(me, "recv", conn)
        if self.scenario.receiver == "lesson" and isinstance(self.codec, LengthPrefixCodec):
            self._receive_lesson(conn, me, self.codec)
        else:  # framing none: the lesson's receiver is the naive one, one recv() = one message
            self._receive_stream(conn, me)

    def _recv_once(self, conn: socket.socket, me: str, size: int, offset: int) -> bytes | None:
        """One ``recv(size)`` as the application calls it: recorded; ``None`` if it failed."""
        call = f"recv({size})"
        if self._sample_calls:
            self._sample(me, "recv", conn)
        self._gate(me, call)
        try:
            data = self._blocking(lambda: conn.recv(size))
        except OSError as exc:
            self._emit_fail(me, call, exc)
            return None
        if data:
            self.recorder.emit(BytesReceived(now_ns(), me, offset, offset + len(data), self._keep(me, data)))
        else:
            self.recorder.emit(SocketCalled(now_ns(), me, call, 0, EOF_RESULT))
        return data

    def _receive_stream(self, conn: socket.socket, me: str) -> None:
        sc = self.scenario
        decoder = self.codec.decoder()
        delay_s = sc.receiver_delay_ms / 1000
        offset = 0
        frames = 0
        while True:
            if delay_s and self._stop.wait(delay_s):
                raise Stopped
            data = self._recv_once(conn, me, sc.recv_bytes, offset)
            if data is None:
                return
            if not data:
                break
            end = offset + len(data)
            for start, stop, message in decoder.feed_spans(data):
                frames = self._emit_frame(frames, start, stop, message, me)
                if self._yield_s and not frames % _YIELD_EVERY:
                    time.sleep(self._yield_s)
            offset = end
        decoder.close()  # raises IncompleteFrameError if the peer stopped mid-frame

    def _receive_lesson(self, conn: socket.socket, me: str, codec: LengthPrefixCodec) -> None:
        """The lesson's receiver, as written (section 五)::

            size = conn.recv(4)                  # trusted to be the whole header
            size = struct.unpack('i', size)[0]
            msg = conn.recv(size)                # trusted to be the whole body

        Each ``recv`` is called once and its result believed.  Its failures are the lesson's
        (see the module docstring); ``b''`` where a header should start is the peer closing
        (the lesson's peers say ``q`` first; ours just close), and ends the loop quietly.
        """
        sc = self.scenario
        header = struct.Struct(codec.length_format)
        fmt = codec.length_format
        delay_s = sc.receiver_delay_ms / 1000
        offset = 0
        frames = 0
        while True:
            if delay_s and self._stop.wait(delay_s):
                raise Stopped
            head = self._recv_once(conn, me, header.size, offset)
            if not head:
                return  # None: the failure is recorded; b'': the peer closed
            start = offset
            offset += len(head)
            try:
                (size,) = header.unpack(head)
            except struct.error as exc:
                self._lesson_failure(
                    me,
                    f"struct.unpack({fmt!r}, {head!r})",
                    "struct.error",
                    f"recv({header.size}) was trusted to return the whole header but returned "
                    f"{len(head)} B; the lesson's program dies here with struct.error: {exc}",
                )
                return
            if size < 0:
                self._lesson_failure(
                    me,
                    f"recv({size})",
                    "ValueError",
                    f"the header {head!r} at byte {start} is message bytes, read as the length {size}; "
                    "the lesson's program dies here: recv() of a negative size raises ValueError",
                )
                return
            if size > codec.max_frame_bytes:
                self._lesson_failure(
                    me,
                    f"recv({size})",
                    "garbage header",
                    f"the header {head!r} at byte {start} is message bytes, read as the length "
                    f"{size:,} B; the lesson's program would now ask recv() for that (a buffer of "
                    f"{size / 1e6:,.0f} MB) and go on reading garbage - stopped here",
                )
                return
            body = b""
            if size:  # the lesson's recv(0) returns b'' at once: nothing to call
                got = self._recv_once(conn, me, size, offset)
                if got is None:
                    return
                body = got
            offset += len(body)
            frames = self._emit_frame(frames, start, offset, body, me)
            if self._yield_s and not frames % _YIELD_EVERY:
                time.sleep(self._yield_s)
            if size and not body:
                return  # the peer closed after a header

    def _lesson_failure(self, me: str, call: str, error: str, why: str) -> None:
        """Record the lesson's code failing, as the lesson's program would (then it stops)."""
        self.failed = True
        self.recorder.emit(SocketFailed(now_ns(), me, call, error, f"{LESSON_BUG}: {why}"))

    def _emit_frame(self, index: int, start: int, end: int, message: object, me: str = "server") -> int:
        payload = message.body if isinstance(message, JsonFrame) else message
        assert isinstance(payload, bytes)
        sc = self.scenario
        intact = index < sc.message_count and payload == sc.message(index)
        self.recorder.emit(FrameDecoded(now_ns(), me, index, start, end, self._keep(me, payload), intact))
        return index + 1

    def _receive_datagrams(self, sock: socket.socket) -> None:
        sc = self.scenario
        delay_s = sc.receiver_delay_ms / 1000
        offset = 0
        seen: set[int] = set()  # datagrams received (a duplicate counts once)
        expected = 0  # the message the next datagram should be, if none was lost
        idle_ns = (
            _UDP_IDLE_S + (_WIRE_HOLD_S + (sc.wire_delay_ms + sc.wire_jitter_ms) / 1000 if sc.wire else 0)
        ) * 1e9
        call = f"recvfrom({sc.recv_bytes})"
        while True:
            if delay_s and self._stop.wait(delay_s):
                raise Stopped
            if self._sample_calls:
                self._sample("server", "recv", sock)
            self._gate("server", call)
            idle_since: int | None = None
            while True:  # wait for a datagram, or decide that none will come
                if self._stop.is_set():
                    raise Stopped
                if self._client_done.is_set():
                    complete = len(seen) >= self._datagrams_sent
                    if complete and not sc.dup:
                        return
                    if idle_since is None:
                        idle_since = now_ns()
                    elif now_ns() - idle_since > (_DUP_IDLE_S * 1e9 if complete else idle_ns):
                        return  # the rest were lost (or, all here, no more copies came)
                try:
                    wire_size = recv_queue_bytes(sock)  # Linux: size of the next datagram
                    data, _anc, flags, _addr = sock.recvmsg(sc.recv_bytes)
                    break
                except TimeoutError:
                    continue
            truncated = bool(flags & getattr(socket, "MSG_TRUNC", 0))
            if wire_size is None or wire_size < len(data):
                wire_size = len(data)
            end = offset + len(data)
            # A datagram is a whole unit: decode it alone, so framing errors stay inside it.
            decoder = self.codec.decoder()
            spans: list[tuple[int, int, object]] = []
            failure: FramingError | None = None
            if not data and isinstance(self.codec, RawCodec):
                spans = [(0, 0, b"")]  # an empty datagram is a message of its own
            else:
                try:
                    spans = decoder.feed_spans(data)
                    decoder.close()
                except FramingError as exc:
                    failure = exc
            # Which message was it?  Datagrams can be lost, so the receive count is no guide:
            # look for it among the next messages the sender meant to send.
            index = expected
            if spans and not truncated:
                index = self._match_datagram(spans[0][2], expected)
            expected = max(expected, index + 1)  # a late datagram does not move the expectation back
            seen.add(index)
            self.recorder.emit(
                BytesReceived(
                    now_ns(), "server", offset, end, self._keep("server", data), index, truncated, wire_size
                )
            )
            if failure is not None:
                self._emit_fail("server", "decode", failure)
            for start, stop, message in spans:
                self._emit_frame(index, offset + start, offset + stop, message)
            offset = end

    def _match_datagram(self, message: object, expected: int) -> int:
        payload = message.body if isinstance(message, JsonFrame) else message
        sc = self.scenario
        # Nearest first, both ways: a datagram can be late (reordered) or come twice (duplicated).
        for d in range(_UDP_MATCH_WINDOW):
            for k in (expected + d, expected - 1 - d):
                if 0 <= k < sc.message_count and sc.message(k) == payload:
                    return k
            if expected + d >= sc.message_count and expected - 1 - d < 0:
                break
        return expected

    # --------------------------------------------------------------- client
    def _client(self) -> None:
        try:
            self._client_body()
        finally:
            self._client_done.set()

    def _sender_options(self, sock: socket.socket) -> None:
        """The sender's socket options (on a listener they pass to the accepted socket)."""
        sc = self.scenario
        if sc.sndbuf:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, sc.sndbuf)
        if sc.transport == "tcp" and sc.nodelay:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _client_body(self) -> None:
        sc = self.scenario
        while not self._ready.wait(POLL_S):
            if self._stop.is_set():
                raise Stopped
        if self.port is None:
            return  # the server failed before listening; its error is already recorded
        tcp = sc.transport == "tcp"
        kind = "SOCK_STREAM" if tcp else "SOCK_DGRAM"
        try:
            address = self._connect_address()
        except OSError as exc:
            self._emit_fail("client", "relay", exc)
            return
        self._gate("client", f"socket({kind})")
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM if tcp else socket.SOCK_DGRAM)
        call = "socket()"
        try:
            sock.settimeout(POLL_S)
            if sc.sender == "client":
                self._sender_options(sock)
            elif sc.rcvbuf:  # before connect(), so the window scale is chosen for it
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, sc.rcvbuf)
            self.recorder.emit(SocketCalled(now_ns(), "client", f"socket({kind})", -1, f"fd {sock.fileno()}"))
            if tcp:
                call = f"connect({address})"
                self._gate("client", call)
                sock.settimeout(2.0)
                sock.connect(address)
                sock.settimeout(POLL_S)
                self.recorder.emit(SocketCalled(now_ns(), "client", call, -1, "connected"))
                if sc.sender == "client":
                    call = "sendall()"
                    self._probe("client", "send", sock)
                    self._send_stream(sock, "client")
                else:
                    call = "recv()"
                    self._receive(sock, "client")
            else:
                self._send_datagrams(sock, address)
        except (Stopped, GateClosed):
            raise
        except FramingError as exc:
            self._emit_fail("client", "encode" if sc.sender == "client" else "decode", exc)
        except OSError as exc:
            self._emit_fail("client", call, exc)
        finally:
            self._client_done.set()
            if not self._stop.is_set() and not self.gate.closed:
                try:
                    self.gate.wait("client", "close()")
                except GateClosed:
                    pass
            self._close("client", sock)

    def _connect_address(self) -> tuple[str, int]:
        """Where the client sends: the server itself, or a relay in front of it (scenario.wire)."""
        sc = self.scenario
        assert self.port is not None
        if not sc.wire:
            return (sc.host, self.port)
        relay = Relay(
            (sc.host, self.port),
            sc.wire_config(self.wire_seed),
            transport=sc.transport,
            listen=(sc.host, 0),
            recorder=self.recorder,
        )
        self.relay = relay
        return relay.start()

    def _send_stream(self, sock: socket.socket, me: str) -> None:
        sc = self.scenario
        codec = self.codec
        offset = 0
        if sc.send_mode == "burst":
            batch: list[bytes] = []
            records: list[tuple[int, int, int, bytes, int, int]] = []
            size = 0
            n = sc.message_count
            for i, message in enumerate(sc.iter_messages()):
                wire = codec.encode(message)
                head, tail = codec.overhead(message)
                records.append((i, offset + size, offset + size + len(wire), wire, head, tail))
                batch.append(wire)
                size += len(wire)
                if size >= _BURST_BATCH or i == n - 1:
                    data = b"".join(batch)
                    label = "sendall(" + (f"{n} messages, " if n > 1 else "") + f"{len(data)} B)"
                    self._gate(me, label)
                    t = now_ns()  # a send is stamped when the application hands the bytes over
                    self._send_all(sock, data)
                    self.recorder.extend(
                        BytesSent(t, me, mid, s, e, h, self._keep(me, w), tr)
                        for mid, s, e, w, h, tr in records
                    )
                    if self._sample_calls:
                        self._sample(me, "send", sock)
                    offset += size
                    batch, records, size = [], [], 0
            return
        delay_s = sc.send_delay_ms / 1000
        for i, message in enumerate(sc.iter_messages()):
            if i and delay_s and self._stop.wait(delay_s):
                raise Stopped
            wire = codec.encode(message)
            head, tail = codec.overhead(message)
            self._gate(me, lambda w=wire: f"sendall({preview(w)})")  # type: ignore[misc]
            if sc.reset_after_bytes and offset + len(wire) > sc.reset_after_bytes:
                self._abort(sock, me, wire[: max(0, sc.reset_after_bytes - offset)])
                return
            t = now_ns()
            self._send_all(sock, wire)
            if self._yield_s and not (i + 1) % _YIELD_EVERY:
                time.sleep(self._yield_s)
            end = offset + len(wire)
            self.recorder.emit(BytesSent(t, me, i, offset, end, head, self._keep(me, wire), tail))
            if self._sample_calls:
                self._sample(me, "send", sock)
            offset = end

    def _abort(self, sock: socket.socket, me: str, partial: bytes) -> None:
        """Send part of a frame, then reset the connection: a peer that dies mid-frame."""
        self._send_all(sock, partial)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.recorder.emit(
            SocketCalled(now_ns(), me, "abort()", len(partial), "SO_LINGER 0: close sends RST")
        )

    def _send_datagrams(self, sock: socket.socket, address: tuple[str, int]) -> None:
        sc = self.scenario
        delay_s = sc.send_delay_ms / 1000 if sc.send_mode == "separate" else 0.0
        offset = 0
        for i, message in enumerate(sc.iter_messages()):
            if i and delay_s and self._stop.wait(delay_s):
                raise Stopped
            wire = self.codec.encode(message)
            head, tail = self.codec.overhead(message)
            call = f"sendto({preview(wire)}, {address})"
            self._gate("client", call)
            t = now_ns()
            try:
                self._blocking(lambda w=wire: sock.sendto(w, address))  # type: ignore[misc]
            except OSError as exc:  # e.g. EMSGSIZE past 65,507 bytes: that datagram is not sent
                self._emit_fail("client", call, exc)
                continue
            end = offset + len(wire)
            self.recorder.emit(BytesSent(t, "client", i, offset, end, head, self._keep("client", wire), tail))
            with self._lock:
                self._datagrams_sent += 1
            offset = end


if TYPE_CHECKING:  # mypy --strict checks that StreamLab has the shape of every lab
    _LAB_SHAPE: type[Lab] = StreamLab
