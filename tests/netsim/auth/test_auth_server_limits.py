"""Issue 10, defect 4: the auth server keeps nothing per finished connection, caps concurrency
with a visible refusal, and listens with a backlog that absorbs a burst of connects.

Before: ``_threads`` and ``results`` grew by one entry per connection forever (≈ 2.4 KB each),
every connection got a thread however many were open, and ``listen(16)`` made a burst of
connects wait for the kernel's 1 s SYN retry.
"""

from __future__ import annotations

import socket
import struct
import time

from netsim.auth.events import AuthVerdict
from netsim.auth.machines import AuthConfig
from netsim.auth.transport import BUSY, RECENT_RESULTS, AuthServer, run_client
from netsim.core.recorder import Recorder

KEY = b"hello"


def test_finished_connections_leave_only_counters_and_a_bounded_window() -> None:
    count = RECENT_RESULTS + 100
    server = AuthServer(AuthConfig(), KEY, Recorder(keep=False))
    with server:
        for _ in range(count):
            with socket.create_connection(server.address, timeout=2.0):
                pass  # connect and hang up: an "eof" verdict each
        assert server.wait_results(count, 10.0)
        # One more connection prunes the handler threads that have finished.
        with socket.create_connection(server.address, timeout=2.0):
            pass
        assert server.wait_results(count + 1, 5.0)
        assert server.finished_count == count + 1
        assert len(server.results) == RECENT_RESULTS
        assert server.thread_count <= 1
        assert server.active == 0


def test_past_the_concurrency_cap_a_client_is_refused_visibly_and_counted() -> None:
    recorder = Recorder()
    server = AuthServer(AuthConfig(), KEY, recorder, max_concurrent=2)
    with server:
        holders = [socket.create_connection(server.address, timeout=2.0) for _ in range(2)]
        try:
            deadline = time.monotonic() + 2.0
            while server.active < 2 and time.monotonic() < deadline:
                time.sleep(0.01)
            with socket.create_connection(server.address, timeout=2.0) as third:
                (size,) = struct.unpack("!I", third.recv(4, socket.MSG_WAITALL))
                assert third.recv(size, socket.MSG_WAITALL) == BUSY
                assert third.recv(1) == b""  # and closed
            assert server.refused_count == 1
            busy = [e for e in recorder.events if isinstance(e, AuthVerdict) and e.reason == "busy"]
            assert len(busy) == 1 and not busy[0].accepted
        finally:
            for sock in holders:
                sock.close()
        # Once the holders are gone, a legitimate client is served again.
        assert server.wait_results(2, 5.0)
        result = run_client(AuthConfig(), KEY, server.address, Recorder(keep=False), chat=(b"hi",))
        assert result.accepted and result.replies == [b"echo: hi"]


def test_a_burst_of_connects_is_absorbed_by_the_backlog() -> None:
    """200 connects at once: none waits for a SYN retry (≥ 1 s) with the larger backlog."""
    server = AuthServer(AuthConfig(), KEY, Recorder(keep=False), max_concurrent=512)
    with server:
        socks: list[socket.socket] = []
        try:
            worst = 0.0
            for _ in range(200):
                started = time.monotonic()
                socks.append(socket.create_connection(server.address, timeout=5.0))
                worst = max(worst, time.monotonic() - started)
            assert worst < 0.9, f"a connect waited {worst:.2f} s"
        finally:
            for sock in socks:
                sock.close()
        assert server.wait_results(200, 10.0)


def test_the_cli_holds_a_bounded_backlog_when_its_output_is_slow() -> None:
    """While stdout is blocked, a flood's step events are dropped past a bound (and counted);
    verdicts are kept up to twice the bound.  Without it the backlog (and RSS) grew with the flood."""
    from netsim.auth.events import AuthStep
    from netsim.lessons.hmac.cli import BoundedRecorder

    recorder = BoundedRecorder(limit=100)
    for i in range(1000):
        recorder.emit(AuthStep(i, "server", i, "server", "frame_sent", "challenge", b"x", b"", 4, ""))
        recorder.emit(AuthVerdict(i, "server", i, "server", False, "eof"))
    batch = recorder.drain()
    steps = [e for e in batch if isinstance(e, AuthStep)]
    verdicts = [e for e in batch if isinstance(e, AuthVerdict)]
    assert len(steps) <= 100 and len(batch) <= 200
    assert len(verdicts) >= 100
    assert recorder.take_dropped() == 2000 - len(batch)
    assert recorder.take_dropped() == 0
    recorder.emit(AuthVerdict(0, "server", 0, "server", True, "ok"))  # room again after a drain
    assert len(recorder.drain()) == 1
