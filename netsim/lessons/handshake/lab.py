"""Handshake scenarios: one real loopback TCP connection, stepped call by call.

A scenario is a script of socket calls, each owned by the ``client`` or the ``server`` worker
thread.  The workers take turns in script order; before each call a worker waits at the
:class:`~netsim.core.gate.Gate`, so in step mode the GUI (or the CLI) releases one call at a time.
A call marked ``blocks`` (``accept()`` before anyone connects) hands the turn on as soon as it
is released, and returns later - exactly as a real server sits in ``accept()``.

After each call the worker waits until the wire and the kernel have settled: the segments the
model expects were captured (or, without capture, the model's segments were emitted, marked
``captured=False``) and the kernel reports the states the model expects - or a timeout passed,
in which case reality simply differs from the textbook and is shown as it is.

Events, all into one :class:`~netsim.core.recorder.Recorder`: ``RunStarted`` (scenario, capture
status), ``CallPending``, ``SocketCalled``/``SocketFailed``, ``SegmentSeen``, ``StateModelled``,
``TcpStateChanged`` (the kernel's view), ``RunFinished``.
"""

from __future__ import annotations

import errno
import functools
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from netsim.core.events import SocketCalled, SocketFailed, errno_name, now_ns
from netsim.core.gate import GateClosed
from netsim.core.recorder import Recorder
from netsim.lab.base import Lab, LabBase
from netsim.lab.kqueue import recv_queue_bytes
from netsim.lessons.handshake.capture import (
    CaptureUnavailable,
    LoopbackCapture,
    capture_available,
    write_pcap,
)
from netsim.lessons.handshake.kstate import StateObserver
from netsim.lessons.handshake.tcpstate import (
    ConnectionModel,
    Ev,
    ModelError,
    Modelled,
    SegmentSeen,
    State,
    StateModelled,
)

HOST = "127.0.0.1"
RECV_BYTES = 1024


@dataclass(frozen=True, slots=True)
class Step:
    """One socket call in a scenario.

    ``call`` is one of socket, setsockopt, bind, listen, accept, connect, send, recv, shutdown,
    close.  ``sock`` names the socket it acts on (``listener``, ``conn``, ``rebind``); ``arg`` is
    the data to send.  ``expect_error`` marks a call whose failure is the lesson (connection
    refused, reset, EADDRINUSE).  ``together`` releases this call with the next one at the same
    moment (both ends closing at once).
    """

    endpoint: str
    call: str
    sock: str = "conn"
    arg: bytes = b""
    blocks: bool = False
    expect_error: bool = False
    together: bool = False
    note: str = ""

    def label(self) -> str:
        if self.call == "send":
            return f"send({self.arg!r})"
        if self.call == "recv":
            return f"recv({RECV_BYTES})"
        if self.call == "shutdown":
            return "shutdown(SHUT_WR)"
        if self.call == "setsockopt":
            return "setsockopt(SO_REUSEADDR)"
        if self.call == "close" and self.sock in ("listener", "rebind"):
            return f"close() [{self.sock}]"
        return f"{self.call}()"


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    title: str
    steps: tuple[Step, ...]
    description: str = ""
    refused: bool = False  # the client connects to a port nobody listens on


def _server_open(reuse: bool = False) -> tuple[Step, ...]:
    steps = [Step("server", "socket", "listener")]
    if reuse:
        steps.append(Step("server", "setsockopt", "listener"))
    steps += [
        Step("server", "bind", "listener"),
        Step("server", "listen", "listener"),
        Step("server", "accept", "listener", blocks=True, note="blocks until a client connects"),
        Step("client", "socket"),
        Step("client", "connect"),
    ]
    return tuple(steps)


C, Srv = "client", "server"
SCENARIOS: dict[str, Scenario] = {
    s.name: s
    for s in (
        Scenario(
            "normal",
            "Normal open, client closes first",
            (
                *_server_open(),
                Step(C, "send", arg=b"hello"),
                Step(Srv, "recv"),
                Step(Srv, "send", arg=b"world!"),
                Step(C, "recv"),
                Step(C, "close", note="active close: FIN"),
                Step(Srv, "recv", note="returns b'' - the peer closed"),
                Step(Srv, "close", note="passive close: FIN"),
                Step(Srv, "close", "listener"),
            ),
            "Three-way handshake, data both ways, four-way teardown; the client ends in TIME-WAIT.",
        ),
        Scenario(
            "server-closes",
            "Server closes first",
            (
                *_server_open(),
                Step(C, "send", arg=b"hi"),
                Step(Srv, "recv"),
                Step(Srv, "close", note="active close: FIN"),
                Step(C, "recv", note="returns b'' - the peer closed"),
                Step(C, "close", note="passive close: FIN"),
                Step(Srv, "close", "listener"),
            ),
            "The server closes first, so the server's end waits in TIME-WAIT.",
        ),
        Scenario(
            "simultaneous",
            "Both close at once",
            (
                *_server_open(),
                Step(C, "close", together=True),
                Step(Srv, "close"),
                Step(Srv, "close", "listener"),
            ),
            "Both close() calls are released at the same moment; if the FINs cross, both ends go "
            "FIN-WAIT-1 -> CLOSING -> TIME-WAIT.  On loopback one FIN often arrives first - the "
            "kernel states show what really happened.",
        ),
        Scenario(
            "reset",
            "Close with unread data (RST)",
            (
                *_server_open(),
                Step(C, "send", arg=b"never read"),
                Step(Srv, "close", note="unread data in the receive queue: RST, not FIN"),
                Step(C, "recv", expect_error=True, note="ECONNRESET"),
                Step(C, "close"),
                Step(Srv, "close", "listener"),
            ),
            "close() with unread received data makes the kernel send RST instead of FIN.",
        ),
        Scenario(
            "refused",
            "Connect to a port nobody listens on",
            (
                Step(C, "socket"),
                Step(C, "connect", expect_error=True, note="ECONNREFUSED"),
                Step(C, "close"),
            ),
            "The kernel answers the SYN with RST/ACK: connection refused.",
            refused=True,
        ),
        Scenario(
            "rebind",
            "Rebind a port in TIME-WAIT without SO_REUSEADDR",
            (
                *_server_open(reuse=True),
                Step(Srv, "close", note="active close: this end will hold TIME-WAIT"),
                Step(C, "recv", note="returns b''"),
                Step(C, "close"),
                Step(Srv, "close", "listener"),
                Step(Srv, "socket", "rebind"),
                Step(Srv, "bind", "rebind", expect_error=True, note="EADDRINUSE: TIME-WAIT holds it"),
                Step(Srv, "close", "rebind"),
            ),
            "A new socket cannot bind the port while a TIME-WAIT connection holds it: EADDRINUSE.",
        ),
        Scenario(
            "rebind-reuseaddr",
            "Rebind a port in TIME-WAIT with SO_REUSEADDR",
            (
                *_server_open(reuse=True),
                Step(Srv, "close", note="active close: this end will hold TIME-WAIT"),
                Step(C, "recv", note="returns b''"),
                Step(C, "close"),
                Step(Srv, "close", "listener"),
                Step(Srv, "socket", "rebind"),
                Step(Srv, "setsockopt", "rebind"),
                Step(Srv, "bind", "rebind", note="allowed: both sockets set SO_REUSEADDR"),
                Step(Srv, "listen", "rebind"),
                Step(Srv, "close", "rebind"),
            ),
            "With SO_REUSEADDR on both the old and the new socket (Linux needs both), the bind works.",
        ),
        Scenario(
            "data",
            "Data in both directions",
            (
                *_server_open(),
                Step(C, "send", arg=b"GET /a"),
                Step(Srv, "recv"),
                Step(Srv, "send", arg=b"alpha-reply"),
                Step(C, "recv"),
                Step(C, "send", arg=b"GET /bb"),
                Step(Srv, "recv"),
                Step(Srv, "send", arg=b"beta-longer-reply"),
                Step(C, "recv"),
                Step(C, "shutdown", note="half-close: FIN, but can still receive"),
                Step(Srv, "recv", note="returns b''"),
                Step(Srv, "send", arg=b"bye"),
                Step(C, "recv"),
                Step(Srv, "close"),
                Step(C, "close"),
                Step(Srv, "close", "listener"),
            ),
            "seq and ack advance by each segment's payload length.",
        ),
    )
}
del C, Srv
DEFAULT_SCENARIO = "normal"


def unread_bytes(sock: socket.socket) -> int | None:
    """Bytes waiting in the receive queue (FIONREAD); ``None`` where the platform cannot say."""
    return recv_queue_bytes(sock)


def free_port() -> int:
    """A port nobody listens on right now (bound then released; the refused scenario's target)."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


@dataclass(slots=True)
class _Shared:
    sockets: dict[str, socket.socket] = field(default_factory=dict)
    server_port: int = 0
    failed: dict[str, bool] = field(default_factory=dict)


class HandshakeLab(LabBase):
    """Runs one scenario (see :class:`netsim.lab.base.Lab` for the lifecycle).

    ``capture``: ``True`` requires capture (:class:`CaptureUnavailable` if impossible), ``False``
    forces the model, ``None`` captures when the platform allows it.
    """

    def __init__(
        self,
        scenario: str = DEFAULT_SCENARIO,
        *,
        recorder: Recorder | None = None,
        capture: bool | None = None,
        stepping: bool = False,
        settle_timeout_s: float = 1.0,
        poll_interval_s: float = 0.002,
    ) -> None:
        if scenario not in SCENARIOS:
            raise ValueError(f"unknown scenario {scenario!r}; choose from {', '.join(SCENARIOS)}")
        super().__init__(recorder, stepping=stepping)
        self.scenario = SCENARIOS[scenario]
        self.settle_timeout_s = settle_timeout_s
        ok, reason = capture_available()
        if capture is True and not ok:
            raise CaptureUnavailable(reason)
        if capture is False:
            ok, reason = False, "capture switched off; segments are modelled"
        self.capturing = ok
        self.capture_reason = reason
        self.model = ConnectionModel()
        self.observer = StateObserver(self.recorder, interval_s=poll_interval_s)
        self._capture = LoopbackCapture(self.recorder) if ok else None
        self._shared = _Shared()
        self._turn = 0
        self._cond = threading.Condition()
        self._model_lock = threading.Lock()
        self._barrier = threading.Barrier(2)
        self._completed = 0  # workers that ran their whole script
        self._reason = ""
        self._together: tuple[str, Ev | None, int] = ("", None, 0)
        self._workers_started: list[str] = []

    # ---- lifecycle -------------------------------------------------------------------------

    def run_config(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario.name,
            "title": self.scenario.title,
            "capture": self.capturing,
            "capture_reason": self.capture_reason,
            "kernel_source": self.observer.source if self.observer.available else "",
            "steps": [[s.endpoint, s.label()] for s in self.scenario.steps],
        }

    def _launch(self) -> None:
        if self.scenario.refused:
            self._shared.server_port = free_port()
        if self._capture is not None:
            self._capture.start()
        if self._shared.server_port:
            self._watch(self._shared.server_port)
        self.observer.start()
        endpoints = [e for e in ("server", "client") if any(s.endpoint == e for s in self.scenario.steps)]
        self._workers_started = endpoints
        for endpoint in endpoints:
            self._spawn(endpoint, functools.partial(self._worker, endpoint), name=f"handshake-{endpoint}")

    @property
    def ok(self) -> bool:
        """The run finished every call of the script (failures the lesson expects are fine)."""
        return (
            self._died is None and self._finished.is_set() and self._completed == len(self._workers_started)
        )

    def wait_idle(self, timeout_s: float) -> bool:
        """Until the run finished or a call waits at the gate (a step has completed)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.finished or self.gate.pending():
                return True
            time.sleep(0.005)
        return False

    def pending(self) -> dict[str, str]:
        return {p.endpoint: p.call for p in self.gate.pending()}

    def segments(self) -> list[SegmentSeen]:
        return [e for e in self.recorder.events if isinstance(e, SegmentSeen)]

    def write_pcap(self, path: str) -> int:
        if not self.capturing:
            raise CaptureUnavailable(self.capture_reason)
        return write_pcap(path, self.segments())

    def close(self, timeout_s: float = 5.0) -> None:
        """Stop the workers, join every thread, close every socket.  Safe to call twice."""
        try:
            super().close(timeout_s)
        finally:
            for s in self._shared.sockets.values():
                s.close()
            self._shared.sockets.clear()
            if self._capture is not None:
                self._capture.close()
            self.observer.close()

    # ---- workers ---------------------------------------------------------------------------

    def _on_stop(self) -> None:
        with self._cond:
            self._cond.notify_all()
        self._barrier.abort()

    def _worker_died(self, endpoint: str, exc: BaseException, call: str = "internal") -> None:
        self._reason = f"{endpoint}: {type(exc).__name__}: {exc}"
        super()._worker_died(endpoint, exc, call="run")

    def _on_finish(self) -> None:
        if self._capture is not None:
            self._capture.set_cause("")
        self.observer.poll_now()

    def _finish_verdict(self) -> tuple[bool, str]:
        ok = self._died is None and self._completed == len(self._workers_started)
        if self._reason:
            return ok, self._reason
        return ok, "done" if ok and not self._stop.is_set() else "stopped"

    def _watch(self, server_port: int) -> None:
        self.observer.watch(server_port)
        if self._capture is not None:
            self._capture.add_port(server_port, server=True)

    def _wait_turn(self, index: int) -> bool:
        with self._cond:
            self._cond.wait_for(lambda: self._turn >= index or self._stop.is_set())
            return not self._stop.is_set()

    def _advance(self, index: int) -> None:
        with self._cond:
            self._turn = max(self._turn, index + 1)
            self._cond.notify_all()

    def _worker(self, endpoint: str) -> None:
        try:
            for index, step in enumerate(self.scenario.steps):
                if step.endpoint != endpoint:
                    continue
                if not self._wait_turn(index):
                    return
                self.gate.wait(endpoint, step.label(), step.note)
                if self._stop.is_set():
                    return
                if step.blocks:
                    self._advance(index)
                self._do(index, step)
                if not step.together:
                    self._advance(index)
            with self._cond:
                self._completed += 1
        except threading.BrokenBarrierError:
            return

    def _model_event(self, endpoint: str, step: Step, sock: socket.socket | None) -> Ev | None:
        if step.call == "listen" and step.sock == "listener":
            return Ev.PASSIVE_OPEN
        if step.call == "connect":
            return Ev.ACTIVE_OPEN
        if step.call == "send":
            return Ev.SEND
        if step.call == "shutdown":
            return Ev.CLOSE
        if step.call == "close" and step.sock == "conn":
            # Unread data makes close() send RST (RFC 2525); unknown (no FIONREAD) models a FIN.
            if (
                sock is not None
                and self.model.state(endpoint) in (State.ESTABLISHED, State.CLOSE_WAIT)
                and (unread_bytes(sock) or 0) > 0
            ):
                return Ev.ABORT
            return Ev.CLOSE
        if step.call == "close" and step.sock == "listener" and self.model.state(endpoint) is State.LISTEN:
            return Ev.CLOSE
        return None

    def _apply_model(self, calls: list[tuple[str, Ev, int]], cause: str) -> list[Modelled]:
        with self._model_lock:
            try:
                steps = self.model.calls(calls, cause=cause)
            except ModelError:
                return []  # e.g. close() after a RST: the table has nothing to do
        for m in steps:
            self.recorder.emit(
                StateModelled(
                    now_ns(), m.endpoint, m.row.state.value, m.row.event.value, m.row.next.value, m.row.send
                )
            )
            if m.segment is not None and self._capture is None:
                self.recorder.emit(m.segment)
        return steps

    def _do(self, index: int, step: Step) -> None:
        endpoint, label = step.endpoint, step.label()
        sh = self._shared
        sock = sh.sockets.get(f"{endpoint}:{step.sock}")
        if self._capture is not None:
            self._capture.set_cause(f"{endpoint} {label}")
        before = self._capture.count() if self._capture is not None else 0
        event = self._model_event(endpoint, step, sock)
        nbytes = len(step.arg) if step.call == "send" else 0
        modelled: list[Modelled] = []
        if step.together:
            # The first of a pair: note the call, hand the turn on, wait for the partner.
            self._together = (endpoint, event, nbytes)
            self._advance(index)
            self._barrier.wait()
        elif index > 0 and self.scenario.steps[index - 1].together:
            # The second of a pair: model both calls as simultaneous, then release both.
            first = self._together
            calls = [c for c in (first, (endpoint, event, nbytes)) if c[1] is not None]
            modelled = self._apply_model(
                [(e, ev, n) for e, ev, n in calls if ev is not None], f"{first[0]} + {endpoint} {label}"
            )
            self._barrier.wait()
        elif event is not None:
            modelled = self._apply_model([(endpoint, event, nbytes)], f"{endpoint} {label}")
        result = ""
        size = -1
        try:
            result, size = self._call(endpoint, step, sock)
        except OSError as exc:
            sh.failed[endpoint] = True
            code = errno.errorcode.get(exc.errno or 0, "") if exc.errno else ""
            self.recorder.emit(
                SocketFailed(
                    now_ns(),
                    endpoint,
                    label,
                    type(exc).__name__,
                    f"{code}: {exc.strerror or exc}" if code else str(exc),
                    exc.errno or 0,
                    errno_name(exc),
                )
            )
            if not step.expect_error:
                raise
        else:
            if step.expect_error:
                raise RuntimeError(f"{label} was expected to fail but returned {result}")
            self.recorder.emit(SocketCalled(now_ns(), endpoint, label, size, result))
        if not step.together and not step.blocks:
            self._settle(before, modelled)

    def _call(self, endpoint: str, step: Step, sock: socket.socket | None) -> tuple[str, int]:
        sh = self._shared
        key = f"{endpoint}:{step.sock}"
        if step.call == "socket":
            new = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sh.sockets[key] = new
            return f"fd {new.fileno()}", -1
        if sock is None:
            raise RuntimeError(f"{step.label()}: no {step.sock} socket")
        if step.call == "setsockopt":
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            return "SO_REUSEADDR=1", -1
        if step.call == "bind":
            sock.bind((HOST, sh.server_port if step.sock == "rebind" else 0))
            port = int(sock.getsockname()[1])
            if step.sock == "listener":
                sh.server_port = port
                self._watch(port)
            return f"{HOST}:{port}", -1
        if step.call == "listen":
            sock.listen(1)
            return "", -1
        if step.call == "accept":
            sock.settimeout(0.05)
            while True:
                try:
                    conn, peer = sock.accept()
                    break
                except TimeoutError:
                    if self._stop.is_set():
                        raise GateClosed("accept") from None
            conn.settimeout(None)
            sh.sockets[f"{endpoint}:conn"] = conn
            return f"{peer[0]}:{peer[1]}", -1
        if step.call == "connect":
            try:
                sock.connect((HOST, sh.server_port))
            finally:
                if sock.getsockname()[1]:
                    self.observer.set_client_port(int(sock.getsockname()[1]))
                    if self._capture is not None:
                        self._capture.add_port(int(sock.getsockname()[1]))
            local = sock.getsockname()
            return f"{local[0]}:{local[1]} -> {HOST}:{sh.server_port}", -1
        if step.call == "send":
            sock.sendall(step.arg)
            return "", len(step.arg)
        if step.call == "recv":
            sock.settimeout(0.05)
            deadline = time.monotonic() + 5.0
            while True:
                try:
                    data = sock.recv(RECV_BYTES)
                    break
                except TimeoutError:
                    if self._stop.is_set():
                        raise GateClosed("recv") from None
                    if time.monotonic() > deadline:
                        raise
            sock.settimeout(None)
            return repr(data), len(data)
        if step.call == "shutdown":
            sock.shutdown(socket.SHUT_WR)
            return "", -1
        if step.call == "close":
            sh.sockets.pop(key, None)
            sock.close()
            return "", -1
        raise ValueError(f"unknown call {step.call!r}")

    def _settle(self, before: int, modelled: list[Modelled]) -> None:
        """Let the wire and the kernel catch up with the call (bounded by ``settle_timeout_s``)."""
        expected_segments = sum(1 for m in modelled if m.segment is not None)
        if self._capture is not None and expected_segments:
            self._capture.wait_for(before + expected_segments, self.settle_timeout_s)
        if not self.observer.available or not self._shared.server_port:
            return
        with self._model_lock:
            want = {e: s.kernel_name for e, s in self.model.states().items()}
        deadline = time.monotonic() + self.settle_timeout_s / 2
        while True:
            seen = self.observer.poll_now()
            if all(seen[e] == want[e] for e in want) or time.monotonic() > deadline:
                return
            if self._stop.wait(0.002):
                return


if TYPE_CHECKING:  # mypy --strict checks that HandshakeLab has the shape of every lab
    _LAB_SHAPE: type[Lab] = HandshakeLab
