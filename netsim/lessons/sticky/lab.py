"""The stream lab: a real server and client on loopback, in worker threads, recorded.

The client sends the scenario's messages; the server receives them with ``recv(recv_bytes)``
and feeds every chunk to the scenario's decoder, so the trace holds, on one stream-offset axis,
what ``send()`` put on the wire, what each ``recv()`` returned and what the receiving
application believes the messages were.  A sampler thread reads the kernel's queues (~100 Hz).

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
    now_ns,
)
from netsim.core.gate import GateClosed
from netsim.core.recorder import Recorder
from netsim.framing import FramingError, JsonFrame, RawCodec, make_codec
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
        super().__init__(recorder, stepping=stepping)
        self.port: int | None = None
        self._ready = threading.Event()
        self._sender_done = threading.Event()
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
            if sc.rcvbuf:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, sc.rcvbuf)
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
                self._probe("server", "recv", conn)
                self._receive_stream(conn)
            else:
                self._probe("server", "recv", sock)
                self._ready.set()
                self._receive_datagrams(sock)
        except (Stopped, GateClosed):
            raise
        except FramingError as exc:
            self._emit_fail("server", "decode", exc)
        except OSError as exc:
            self._emit_fail("server", call, exc)
        finally:
            self._ready.set()  # never leave the client waiting for a server that failed
            if conn is not None:
                self._close("server", conn, "conn.close()")
            self._close("server", sock)

    def _accept(self, sock: socket.socket) -> tuple[socket.socket, Any]:
        """``accept()``, interruptible; stops when the client has gone without ever connecting."""
        while True:
            self._check()
            try:
                return sock.accept()
            except TimeoutError:
                if self._sender_done.is_set():
                    try:  # a connection that arrived with the client's last breath
                        return sock.accept()
                    except TimeoutError:
                        raise Stopped from None  # the client failed first; its error is recorded

    def _receive_stream(self, conn: socket.socket) -> None:
        sc = self.scenario
        decoder = self.codec.decoder()
        delay_s = sc.receiver_delay_ms / 1000
        offset = 0
        frames = 0
        call = f"recv({sc.recv_bytes})"
        while True:
            if delay_s and self._stop.wait(delay_s):
                raise Stopped
            if self._sample_calls:
                self._sample("server", "recv", conn)
            self._gate("server", call)
            try:
                data = self._blocking(lambda: conn.recv(sc.recv_bytes))
            except OSError as exc:
                self._emit_fail("server", call, exc)
                return
            if not data:
                self.recorder.emit(SocketCalled(now_ns(), "server", call, 0, "b'' - peer closed"))
                break
            end = offset + len(data)
            self.recorder.emit(BytesReceived(now_ns(), "server", offset, end, self._keep("server", data)))
            for start, stop, message in decoder.feed_spans(data):
                frames = self._emit_frame(frames, start, stop, message)
                if self._yield_s and not frames % _YIELD_EVERY:
                    time.sleep(self._yield_s)
            offset = end
        decoder.close()  # raises IncompleteFrameError if the peer stopped mid-frame

    def _emit_frame(self, index: int, start: int, end: int, message: object) -> int:
        payload = message.body if isinstance(message, JsonFrame) else message
        assert isinstance(payload, bytes)
        sc = self.scenario
        intact = index < sc.message_count and payload == sc.message(index)
        self.recorder.emit(
            FrameDecoded(now_ns(), "server", index, start, end, self._keep("server", payload), intact)
        )
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
                if self._sender_done.is_set():
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
            self._sender_done.set()

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
            if sc.sndbuf:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, sc.sndbuf)
            if tcp and sc.nodelay:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.recorder.emit(SocketCalled(now_ns(), "client", f"socket({kind})", -1, f"fd {sock.fileno()}"))
            if tcp:
                call = f"connect({address})"
                self._gate("client", call)
                sock.settimeout(2.0)
                sock.connect(address)
                sock.settimeout(POLL_S)
                self.recorder.emit(SocketCalled(now_ns(), "client", call, -1, "connected"))
                self._probe("client", "send", sock)
                self._send_stream(sock)
            else:
                self._send_datagrams(sock, address)
        except (Stopped, GateClosed):
            raise
        except FramingError as exc:
            self._emit_fail("client", "encode", exc)
        except OSError as exc:
            self._emit_fail("client", call, exc)
        finally:
            self._sender_done.set()
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

    def _send_stream(self, sock: socket.socket) -> None:
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
                    self._gate("client", label)
                    t = now_ns()  # a send is stamped when the application hands the bytes over
                    self._send_all(sock, data)
                    self.recorder.extend(
                        BytesSent(t, "client", mid, s, e, h, self._keep("client", w), tr)
                        for mid, s, e, w, h, tr in records
                    )
                    if self._sample_calls:
                        self._sample("client", "send", sock)
                    offset += size
                    batch, records, size = [], [], 0
            return
        delay_s = sc.send_delay_ms / 1000
        for i, message in enumerate(sc.iter_messages()):
            if i and delay_s and self._stop.wait(delay_s):
                raise Stopped
            wire = codec.encode(message)
            head, tail = codec.overhead(message)
            self._gate("client", lambda w=wire: f"sendall({preview(w)})")  # type: ignore[misc]
            if sc.reset_after_bytes and offset + len(wire) > sc.reset_after_bytes:
                self._abort(sock, wire[: max(0, sc.reset_after_bytes - offset)])
                return
            t = now_ns()
            self._send_all(sock, wire)
            if self._yield_s and not (i + 1) % _YIELD_EVERY:
                time.sleep(self._yield_s)
            end = offset + len(wire)
            self.recorder.emit(BytesSent(t, "client", i, offset, end, head, self._keep("client", wire), tail))
            if self._sample_calls:
                self._sample("client", "send", sock)
            offset = end

    def _abort(self, sock: socket.socket, partial: bytes) -> None:
        """Send part of a frame, then reset the connection: a peer that dies mid-frame."""
        self._send_all(sock, partial)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.recorder.emit(
            SocketCalled(now_ns(), "client", "abort()", len(partial), "SO_LINGER 0: close sends RST")
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
