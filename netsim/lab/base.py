"""One lifecycle for every lab: the :class:`Lab` protocol and the :class:`LabBase` worker base.

Every lesson's lab runs real sockets in worker threads and records what happened into a
:class:`~netsim.core.recorder.Recorder`.  The GUI and the CLI drive all of them the same way::

    lab.start()           # non-blocking: RunStarted, then the workers run
    lab.pause()           # every worker stops at the gate before its next socket call
    lab.step()            # release the oldest waiting call: the PendingCall, or None
    lab.resume()          # stop stepping; everyone goes on
    lab.wait(timeout_s)   # until RunFinished was emitted (False on timeout)
    lab.close()           # stop, close every socket, join every thread - or raise

:class:`LabBase` holds, once, what every lab needs for that: the stop flag, the gate, the guard
that runs a worker body so that nothing escapes a thread, error events with the errno's name,
"the last worker out emits RunFinished", interruptible blocking calls on timeout sockets, and
thread start/join.  A worker that dies (an exception escapes its body) ends the run at once: its
error is recorded, every other worker is stopped, and the run finishes with ``ok=False`` and
reason ``"failed"`` - it never hangs until somebody's timeout.
"""

from __future__ import annotations

import errno
import socket
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any, Protocol, Self, TypeVar, runtime_checkable

from netsim.core.events import RunFinished, RunStarted, SocketFailed, errno_name, now_ns
from netsim.core.gate import Gate, GateClosed, PendingCall
from netsim.core.recorder import Recorder

T = TypeVar("T")

POLL_S = 0.05  # how often a blocked call wakes up to look at the stop flag
JOIN_TIMEOUT_S = 2.0  # how long close() waits for the threads by default


@runtime_checkable
class Lab(Protocol):
    """What the GUI and the CLI may call on any lesson's lab."""

    recorder: Recorder

    def start(self) -> None:
        """Begin the run (non-blocking).  A lab runs once; raises if already started or busy."""

    def pause(self) -> None:
        """Switch to stepping: each worker waits at the gate before its next socket call."""

    def resume(self) -> None:
        """Stop stepping: every waiting call and all later ones go ahead."""

    def step(self) -> PendingCall | None:
        """Release the oldest waiting socket call; returns it, or ``None`` if none was waiting."""

    @property
    def finished(self) -> bool:
        """``RunFinished`` has been emitted."""

    def wait(self, timeout_s: float) -> bool:
        """Block until the run has finished; ``False`` on timeout."""

    def close(self, timeout_s: float = JOIN_TIMEOUT_S) -> None:
        """Stop everything, close every socket, join every thread (raise if one will not stop)."""

    def __enter__(self) -> Self: ...

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...


class Stopped(Exception):
    """The lab is closing (or another worker died); unwind this worker."""


def error_text(exc: BaseException) -> tuple[str, int]:
    """The readable message of ``exc`` and its errno: ``("[ECONNREFUSED] Connection refused", 111)``."""
    code = exc.errno if isinstance(exc, OSError) and exc.errno else 0
    message = str(exc) or type(exc).__name__
    if isinstance(exc, OSError) and exc.strerror:
        message = exc.strerror
        if code:
            message = f"[{errno.errorcode.get(code, code)}] {message}"
    return message, code


class LabBase:
    """The worker side of every lab; subclasses give :meth:`run_config` and :meth:`_launch`.

    ``_launch`` starts the workers with :meth:`_spawn`.  Counted workers (the default) decide
    when the run is over: the last one to leave emits ``RunFinished``.  Helpers such as a queue
    sampler are spawned with ``counted=False``; they must end once :attr:`finished` is set or the
    stop flag is, and are joined by :meth:`close` like every other thread.
    """

    def __init__(self, recorder: Recorder | None = None, *, stepping: bool = False) -> None:
        self.recorder = recorder if recorder is not None else Recorder()
        self.gate = Gate(self.recorder, stepping=stepping)
        self.failed = False  # some call failed (the error is in the trace)
        self._stop = threading.Event()
        self._finished = threading.Event()
        self._died: str | None = None  # "endpoint: error" of the first worker that died
        self._workers_lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._workers_left = 0
        self._started = False

    # ---------------------------------------------------------------- the Lab protocol
    def run_config(self) -> dict[str, Any]:
        """The run's configuration, as plain JSON-able data, for ``RunStarted``."""
        raise NotImplementedError

    def _launch(self) -> None:
        """Start the workers (with :meth:`_spawn`).  Called once, by :meth:`start`."""
        raise NotImplementedError

    def start(self) -> None:
        if self._started:
            raise RuntimeError("a lab runs once; make a new one to run again")
        self._started = True
        self.recorder.emit(RunStarted(now_ns(), "lab", self.run_config()))
        # start() counts as a worker while it launches: a first worker that ends at once must
        # not find itself the last one out before the others exist.
        with self._workers_lock:
            self._workers_left += 1
        try:
            self._launch()
        except BaseException as exc:
            self._worker_died("lab", exc)
            raise
        finally:
            self._worker_left()

    def pause(self) -> None:
        self.gate.pause()

    def resume(self) -> None:
        self.gate.run()

    def step(self) -> PendingCall | None:
        return self.gate.step()

    @property
    def finished(self) -> bool:
        return self._finished.is_set()

    @property
    def died(self) -> str | None:
        """``"endpoint: error"`` of the worker whose death ended the run, if one did."""
        return self._died

    def wait(self, timeout_s: float) -> bool:
        return self._finished.wait(timeout_s)

    def close(self, timeout_s: float = JOIN_TIMEOUT_S) -> None:
        self._stop.set()
        self.gate.close()
        self._on_stop()
        deadline = time.monotonic() + timeout_s
        joined: set[threading.Thread] = set()
        while True:  # a worker may start another thread while we join: join until none is new
            todo = [t for t in self._threads_to_join() if t not in joined]
            if not todo:
                break
            for t in todo:
                if t.ident is not None:  # started (a thread never started cannot be joined)
                    t.join(max(0.0, deadline - time.monotonic()))
                joined.add(t)
        alive = [t.name for t in joined if t.is_alive()]
        if alive:
            raise RuntimeError(f"lab threads did not stop within {timeout_s} s: {', '.join(sorted(alive))}")

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # ---------------------------------------------------------------- for subclasses
    def _threads_to_join(self) -> list[threading.Thread]:
        """Every thread :meth:`close` must join; a subclass adds the ones a library started."""
        with self._workers_lock:
            return list(self._threads)

    def _on_stop(self) -> None:
        """Called when the run is being stopped (close, or a worker died): wake what the gate can't."""

    def _on_worker_start(self, endpoint: str) -> None:
        """Called in each worker thread before its body (e.g. to lower the thread's priority)."""

    def _on_finish(self) -> None:
        """Called by the last worker out, just before ``RunFinished``."""

    def _finish_verdict(self) -> tuple[bool, str]:
        """``(ok, reason)`` for ``RunFinished``."""
        if self._died is not None:
            return False, "failed"
        if self._stop.is_set():
            return not self.failed, "stopped"
        return not self.failed, "failed" if self.failed else "done"

    def _spawn(
        self, endpoint: str, body: Callable[[], None], *, name: str = "", counted: bool = True
    ) -> threading.Thread:
        """Start ``body`` in a thread under :meth:`_guard`; counted workers end the run when all leave."""
        thread = threading.Thread(
            target=self._guard, args=(endpoint, body, counted), name=name or f"netsim-{endpoint}"
        )
        with self._workers_lock:
            if counted:
                self._workers_left += 1
            self._threads.append(thread)
        try:
            thread.start()
        except BaseException:
            with self._workers_lock:
                self._threads.remove(thread)
                if counted:
                    self._workers_left -= 1
            raise
        return thread

    def _guard(self, endpoint: str, body: Callable[[], None], counted: bool = True) -> None:
        """Run a worker body: nothing escapes the thread, a death ends the run, the last out finishes it."""
        try:
            self._on_worker_start(endpoint)
            body()
        except (Stopped, GateClosed):
            pass
        except BaseException as exc:  # a worker must never die silently, nor leave the others waiting
            self._worker_died(endpoint, exc)
        finally:
            if counted:
                self._worker_left()

    def _worker_died(self, endpoint: str, exc: BaseException, call: str = "internal") -> None:
        """Record ``exc`` and stop every other worker: the run ends now, with this error."""
        self._emit_fail(endpoint, call, exc)
        with self._workers_lock:
            if self._died is None:
                self._died = f"{endpoint}: {error_text(exc)[0]}"
        self._halt()

    def _halt(self) -> None:
        self._stop.set()
        self.gate.close()
        self._on_stop()

    def _worker_left(self) -> None:
        with self._workers_lock:
            self._workers_left -= 1
            last = self._workers_left == 0
        if last:
            try:
                self._on_finish()
            finally:
                ok, reason = self._finish_verdict()
                self.recorder.emit(RunFinished(now_ns(), "lab", ok, reason))
                self._finished.set()

    def _emit_fail(self, endpoint: str, call: str, exc: BaseException) -> None:
        """Record a failed call as ``SocketFailed`` (errno name + strerror for an ``OSError``)."""
        self.failed = True
        message, code = error_text(exc)
        self.recorder.emit(
            SocketFailed(now_ns(), endpoint, call, type(exc).__name__, message, code, errno_name(exc))
        )

    def _check(self) -> None:
        """Raise :class:`Stopped` if the lab is stopping."""
        if self._stop.is_set():
            raise Stopped

    def _gate(self, endpoint: str, call: str | Callable[[], str], detail: str = "") -> None:
        """Before a socket call: stop if the lab stops, and wait at the gate while stepping."""
        self._check()
        self.gate.wait(endpoint, call, detail)

    def _blocking(self, fn: Callable[[], T]) -> T:
        """Call ``fn`` (a socket call on a timeout socket) until it completes or the lab stops."""
        while True:
            self._check()
            try:
                return fn()
            except TimeoutError:
                continue

    def _send_all(self, sock: socket.socket, data: bytes) -> None:
        """``sendall`` on a timeout socket, but interruptible: loop on ``send()`` until every byte went."""
        view = memoryview(data)
        sent = 0
        while sent < len(data):
            self._check()
            try:
                sent += sock.send(view[sent:])
            except TimeoutError:
                continue
