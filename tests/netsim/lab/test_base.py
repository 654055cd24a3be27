"""The worker base every lab stands on: guard, a death ends the run at once, close joins or raises."""

from __future__ import annotations

import errno
import functools
import socket
import threading
import time
from collections.abc import Callable

import pytest

from netsim.core.events import RunFinished, RunStarted, SocketFailed
from netsim.core.gate import PendingCall
from netsim.lab.base import Lab, LabBase, Stopped, error_text
from netsim.lessons.handshake.lab import HandshakeLab
from netsim.lessons.hmac.scenarios import AuthLab
from netsim.lessons.servers import ServersConfig, ServersLab
from netsim.lessons.sticky import Scenario, StreamLab

Body = Callable[["ToyLab"], None]


class ToyLab(LabBase):
    """A lab whose workers run the given bodies (one thread each)."""

    def __init__(
        self, bodies: dict[str, Body], *, stepping: bool = False, helper: Body | None = None
    ) -> None:
        super().__init__(stepping=stepping)
        self.bodies = bodies
        self.helper = helper

    def run_config(self) -> dict[str, object]:
        return {"lab": "toy", "workers": sorted(self.bodies)}

    def _launch(self) -> None:
        for name, body in self.bodies.items():
            self._spawn(name, functools.partial(body, self), name=f"toy-{name}")
        if self.helper is not None:
            self._spawn("helper", functools.partial(self.helper, self), name="toy-helper", counted=False)


def finished_event(lab: LabBase) -> RunFinished:
    last = lab.recorder.events[-1]
    assert isinstance(last, RunFinished)
    return last


def failures(lab: LabBase) -> list[SocketFailed]:
    return [e for e in lab.recorder.events if isinstance(e, SocketFailed)]


def idle_until_stopped(lab: ToyLab) -> None:
    while True:
        lab._check()
        time.sleep(0.005)


def test_the_last_worker_out_finishes_the_run() -> None:
    done: list[str] = []
    with ToyLab({"a": lambda lab: done.append("a"), "b": lambda lab: done.append("b")}) as lab:
        lab.start()
        assert lab.wait(2.0) and lab.finished
    events = lab.recorder.events
    assert isinstance(events[0], RunStarted) and events[0].config == {"lab": "toy", "workers": ["a", "b"]}
    assert sorted(done) == ["a", "b"]
    assert [e for e in events if isinstance(e, RunFinished)] == [finished_event(lab)]
    assert finished_event(lab).ok and finished_event(lab).reason == "done"
    assert lab.died is None


def test_a_lab_runs_once() -> None:
    with ToyLab({"a": lambda lab: None}) as lab:
        lab.start()
        with pytest.raises(RuntimeError, match="runs once"):
            lab.start()


def test_a_worker_that_dies_ends_the_run_at_once_with_its_error() -> None:
    def dies(lab: ToyLab) -> None:
        time.sleep(0.05)
        raise ValueError("boom")

    started = time.monotonic()
    with ToyLab({"dies": dies, "waits": idle_until_stopped}) as lab:
        lab.start()
        assert lab.wait(2.0), "the other worker kept the run alive"
        took = time.monotonic() - started
    assert took < 1.0
    [failure] = failures(lab)
    assert (failure.endpoint, failure.call, failure.error, failure.message) == (
        "dies",
        "internal",
        "ValueError",
        "boom",
    )
    end = finished_event(lab)
    assert not end.ok and end.reason == "failed"
    assert lab.died == "dies: boom"


def test_an_os_error_is_recorded_with_its_errno_name() -> None:
    def refused(lab: ToyLab) -> None:
        raise ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused")

    with ToyLab({"client": refused}) as lab:
        lab.start()
        assert lab.wait(2.0)
    [failure] = failures(lab)
    assert failure.message == "[ECONNREFUSED] Connection refused"
    assert failure.errno == errno.ECONNREFUSED and failure.error == "ConnectionRefusedError"
    assert error_text(TimeoutError("no reply")) == ("no reply", 0)


def test_close_stops_blocked_workers_and_the_run_says_stopped() -> None:
    a, b = socket.socketpair()
    a.settimeout(0.05)

    def blocked(lab: ToyLab) -> None:
        lab._blocking(lambda: a.recv(10))  # nobody ever sends

    try:
        lab = ToyLab({"reader": blocked})
        lab.start()
        assert not lab.wait(0.1)
        started = time.monotonic()
        lab.close()
        assert time.monotonic() - started < 1.0
        assert lab.finished
        end = finished_event(lab)
        assert end.ok and end.reason == "stopped"
    finally:
        a.close()
        b.close()


def test_close_raises_when_a_thread_will_not_stop_and_joins_it_later() -> None:
    release = threading.Event()
    with ToyLab({"stubborn": lambda lab: release.wait(10.0)}) as lab:
        lab.start()
        with pytest.raises(RuntimeError, match="toy-stubborn"):
            lab.close(timeout_s=0.1)
        release.set()
    assert lab.finished  # the second close (on leaving the block) joined it


def test_an_uncounted_helper_is_joined_but_does_not_hold_the_run() -> None:
    def helper(lab: ToyLab) -> None:
        while not lab.finished and not lab._stop.is_set():
            time.sleep(0.005)

    with ToyLab({"a": lambda lab: None}, helper=helper) as lab:
        lab.start()
        assert lab.wait(2.0)
    assert all(not t.is_alive() for t in lab._threads)


def test_step_releases_one_call_and_returns_the_pending_call() -> None:
    sent: list[bytes] = []

    def sender(lab: ToyLab) -> None:
        for data in (b"x", b"y"):
            lab._gate("client", f"send({data!r})")
            sent.append(data)

    with ToyLab({"client": sender}, stepping=True) as lab:
        lab.start()
        assert lab.gate.wait_pending(2.0)
        assert sent == []
        first = lab.step()
        assert isinstance(first, PendingCall) and first.label() == "client: send(b'x')"
        assert lab.gate.wait_pending(2.0)
        assert sent == [b"x"]
        lab.resume()  # the rest goes ahead without steps
        assert lab.wait(2.0)
        assert lab.step() is None  # nothing waits any more
    assert sent == [b"x", b"y"]


def test_pause_holds_a_running_worker_at_its_next_call() -> None:
    calls: list[int] = []

    def counter(lab: ToyLab) -> None:
        for i in range(1000):
            lab._gate("client", f"call {i}")
            calls.append(i)
            time.sleep(0.001)

    with ToyLab({"client": counter}) as lab:
        lab.start()
        lab.pause()
        assert lab.gate.wait_pending(2.0)
        held = len(calls)
        time.sleep(0.05)
        assert len(calls) == held
    end = finished_event(lab)
    assert end.reason == "stopped"  # closing while paused unwinds the waiting worker


def test_stopped_is_not_an_error() -> None:
    def quits(lab: ToyLab) -> None:
        raise Stopped

    with ToyLab({"a": quits}) as lab:
        lab.start()
        assert lab.wait(2.0)
    assert failures(lab) == [] and finished_event(lab).ok


def test_send_all_sends_everything_on_a_timeout_socket() -> None:
    a, b = socket.socketpair()
    a.settimeout(0.05)
    data = bytes(range(256)) * 4096  # 1 MiB: more than a socket buffer takes at once
    received = bytearray()

    def reader() -> None:
        while len(received) < len(data):
            chunk = b.recv(65536)
            if not chunk:
                return
            received.extend(chunk)

    t = threading.Thread(target=reader)
    t.start()
    try:
        with ToyLab({"w": lambda lab: lab._send_all(a, data)}) as lab:
            lab.start()
            assert lab.wait(5.0)
        t.join(5.0)
    finally:
        a.close()
        b.close()
        t.join(5.0)
    assert bytes(received) == data


def test_every_lab_has_the_lab_shape() -> None:
    labs: list[Lab] = [
        StreamLab(Scenario()),
        ServersLab(ServersConfig()),
        HandshakeLab(capture=False),
        AuthLab(),
    ]
    for lab in labs:
        assert isinstance(lab, Lab)
        with lab:  # never started: closing is still fine
            assert not lab.finished
            assert lab.step() is None


def test_a_launch_that_fails_stops_what_it_started_and_finishes_the_run() -> None:
    class BadLaunch(ToyLab):
        def _launch(self) -> None:
            self._spawn("a", functools.partial(idle_until_stopped, self), name="toy-a")
            raise OSError(errno.EADDRINUSE, "Address already in use")

    with BadLaunch({}) as lab:
        with pytest.raises(OSError):
            lab.start()
        assert lab.wait(2.0)
    assert failures(lab)[0].message == "[EADDRINUSE] Address already in use"
    end = finished_event(lab)
    assert not end.ok and end.reason == "failed"
