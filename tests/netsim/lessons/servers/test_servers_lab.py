"""Serving many clients: blocking vs threaded vs non-blocking, on real loopback sockets."""

from __future__ import annotations

import itertools
import json
import threading
import time

import pytest

from netsim.cli import main
from netsim.core.events import Event, event_from_dict, event_to_dict
from netsim.core.gate import PendingCall
from netsim.core.recorder import Recorder
from netsim.lessons.servers import (
    BLOCKING,
    BUSY,
    LESSON_NB,
    MODES,
    SELECTORS,
    THREADED,
    ClientClosed,
    ConnAccepted,
    ConnClosed,
    ReplyReceived,
    RequestSent,
    ServerCpuSampled,
    ServersConfig,
    ServersLab,
    ServersResult,
    gantt,
    served_from,
)


def run_lab(mode: str, **kw: float) -> tuple[ServersResult, list[Event]]:
    config = ServersConfig(mode=mode, **kw)  # type: ignore[arg-type]
    lab = ServersLab(config)
    lab.start()
    try:
        assert lab.wait(10), "the run did not finish"
    finally:
        lab.close()
    return lab.result(), lab.recorder.events


def first_index(events: list[Event], pred: object) -> int:
    for i, ev in enumerate(events):
        if pred(ev):  # type: ignore[operator]
            return i
    raise AssertionError("no such event")


@pytest.mark.parametrize("mode", MODES)
def test_every_mode_echoes_every_request(mode: str) -> None:
    result, events = run_lab(mode, clients=3, requests=3, think_ms=5)
    assert result.ok, result.failures
    assert result.finished and result.all_echoed
    sent = {(e.client, e.index): e.data for e in events if isinstance(e, RequestSent)}
    replies = {(e.client, e.index): e.data for e in events if isinstance(e, ReplyReceived)}
    assert len(sent) == 9
    assert replies == {key: data.upper() for key, data in sent.items()}
    assert sent[(2, 3)] == b"client 2 request 3"
    # the server accepted and closed every connection, and reported its CPU one last time
    conns = {r.conn for r in result.clients}
    assert {e.conn for e in events if isinstance(e, ConnAccepted)} == conns
    assert {e.conn for e in events if isinstance(e, ConnClosed)} == conns
    assert [e for e in events if isinstance(e, ServerCpuSampled)][-1].final
    assert all(r.wait_ns is not None and r.total_ns is not None for r in result.clients)


def test_blocking_serves_clients_one_after_another() -> None:
    result, events = run_lab(BLOCKING, clients=3, requests=3, think_ms=15)
    # every client connected at once (the backlog), but the server took them one by one:
    # the next connection is accepted, and answered, only after the server saw the last one leave.
    accepted = [e.conn for e in events if isinstance(e, ConnAccepted)]
    assert len(accepted) == 3
    for before, after in itertools.pairwise(accepted):
        closed = first_index(events, lambda e, c=before: isinstance(e, ConnClosed) and e.conn == c)
        acc = first_index(events, lambda e, c=after: isinstance(e, ConnAccepted) and e.conn == c)
        reply = first_index(events, lambda e, c=after: isinstance(e, ReplyReceived) and e.conn == c)
        assert closed < acc < reply
    # ...so the clients connected long before they were served, all by one thread
    rows = {r.conn: r for r in result.clients}
    second = rows[accepted[1]]
    first = rows[accepted[0]]
    assert second.connected is not None and first.closed is not None
    assert second.connected < first.closed
    assert second.first_reply is not None and second.first_reply > first.closed
    assert len({r.thread for r in result.clients}) == 1
    text = gantt(result)
    assert "." in text[1] and "#" in text[1]


def test_threaded_serves_clients_at_the_same_time() -> None:
    result, events = run_lab(THREADED, clients=3, requests=3, think_ms=40)
    rows = sorted(result.clients, key=lambda r: r.connected or 0)
    for a, b in itertools.pairwise(rows):
        # b got its first answer while a was still connected
        first_reply_b = first_index(events, lambda e, c=b.conn: isinstance(e, ReplyReceived) and e.conn == c)
        closed_a = first_index(events, lambda e, c=a.conn: isinstance(e, ClientClosed) and e.conn == c)
        assert first_reply_b < closed_a
    # one handler thread per client, each named after its client's port
    assert len({r.thread for r in result.clients}) == 3
    assert all(r.thread.startswith("netsim-servers-handler-") for r in result.clients)


def test_busy_loop_burns_far_more_cpu_than_selectors() -> None:
    busy, _ = run_lab(BUSY, clients=3, requests=3, think_ms=30)
    calm, _ = run_lab(SELECTORS, clients=3, requests=3, think_ms=30)
    assert busy.all_echoed and calm.all_echoed
    # same work, same wall time (the think times), but the busy loop never sleeps
    assert busy.server_cpu_s >= 5 * max(calm.server_cpu_s, 0.001), (busy.server_cpu_s, calm.server_cpu_s)
    assert busy.cpu_percent >= 5 * max(calm.cpu_percent, 1.0)
    assert busy.spins > 100 * max(calm.spins, 1)  # BlockingIOError caught, again and again


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("after_s", [0.0, 0.03])
def test_close_mid_run_stops_and_joins_everything(mode: str, after_s: float) -> None:
    before = set(threading.enumerate())
    lab = ServersLab(ServersConfig(mode=mode, clients=4, requests=5, think_ms=200))
    lab.start()
    time.sleep(after_s)
    t = time.monotonic()
    lab.close()
    assert time.monotonic() - t < 2.0
    assert lab.finished
    assert [th for th in threading.enumerate() if th not in before and th.is_alive()] == []


def test_close_before_start_and_twice_is_harmless() -> None:
    lab = ServersLab(ServersConfig())
    lab.close()
    lab2 = ServersLab(ServersConfig(mode=THREADED, think_ms=0))
    lab2.start()
    assert lab2.wait(10)
    lab2.close()
    lab2.close()
    with pytest.raises(RuntimeError):
        lab2.start()


@pytest.mark.parametrize(
    "kw",
    [{"mode": "forking"}, {"clients": 0}, {"clients": 99}, {"requests": 0}, {"think_ms": -1.0}],
)
def test_config_is_checked(kw: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        ServersConfig(**kw)  # type: ignore[arg-type]


def test_events_round_trip_through_json() -> None:
    recorder = Recorder()
    lab = ServersLab(ServersConfig(mode=SELECTORS, clients=1, requests=1, think_ms=0), recorder=recorder)
    lab.start()
    assert lab.wait(10)
    lab.close()
    events = recorder.events
    again = [event_from_dict(json.loads(json.dumps(event_to_dict(e)))) for e in events]
    assert again == events


def test_cli_json_has_the_figures(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "servers",
            "--mode",
            "nonblocking-selectors",
            "--clients",
            "2",
            "--requests",
            "2",
            "--think-ms",
            "5",
            "--json",
        ]
    )
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    for key in ("mode", "wall_s", "server_cpu_s", "server_cpu_percent", "waits_s", "per_client", "verdict"):
        assert key in out
    assert out["mode"] == "nonblocking-selectors"
    assert len(out["waits_s"]) == 2 and all(w is not None and w >= 0 for w in out["waits_s"])
    assert [c["replies_ok"] for c in out["per_client"]] == [2, 2]


def test_cli_text_shows_the_timeline(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["servers", "--clients", "2", "--requests", "2", "--think-ms", "10"]) == 0
    out = capsys.readouterr().out
    assert "client 1  [" in out and "server CPU[" in out
    assert "one at a time" in out
    assert main(["servers", "--clients", "0"]) == 2
    assert "clients must be" in capsys.readouterr().err


def test_the_reply_time_limit_is_per_reply_not_per_session() -> None:
    """Think time adds up over a session; only the wait for one reply is bounded."""
    result, _events = run_lab(THREADED, clients=1, requests=3, think_ms=150, timeout_s=0.25)
    assert result.all_echoed and result.ok, result.failures


@pytest.mark.parametrize("mode", MODES)
def test_step_mode_stops_every_worker_at_its_socket_calls(mode: str) -> None:
    """ServersLab follows the Lab protocol: paused, each step releases one socket call."""
    with ServersLab(ServersConfig(mode=mode, clients=2, requests=1, think_ms=0), stepping=True) as lab:
        lab.start()
        released: list[str] = []
        deadline = time.monotonic() + 20.0
        # The busy loop asks again and again: every try is a step (bounded all the same).
        while not lab.finished and len(released) < 5000 and time.monotonic() < deadline:
            if lab.gate.wait_pending(0.05):
                pending = lab.step()
                assert isinstance(pending, PendingCall)
                released.append(pending.label())
        assert lab.wait(10.0)
        result = lab.result()
    assert result.all_echoed and result.ok
    assert "server: accept()" in released
    port = lab.port
    for client in (1, 2):
        connect = f"client {client}: connect(('127.0.0.1', {port}))"
        send = f"client {client}: send(b'client {client} request 1')"
        assert released.index(connect) < released.index(send)
    assert any(label.startswith("server: conn.recv(1024)") for label in released)
    assert any(label.startswith("server: conn.send") for label in released)


def test_the_lessons_nonblocking_code_stalls_on_the_first_client() -> None:
    """Accepted sockets stay blocking (Linux): the loop waits in client 1's recv() while client 2 waits.

    Client 2 is accepted while client 1 thinks; the loop then blocks in client 1's recv() until
    client 1 speaks again, so client 2's first answer comes only after client 1's second request -
    never while client 1 is quiet.  The fixed busy loop answers client 2 at once.
    """
    think_ms = 150
    result, events = run_lab(LESSON_NB, clients=2, requests=3, think_ms=think_ms)
    assert result.ok and result.all_echoed, result.failures
    first, second = sorted(result.clients, key=lambda r: r.client)
    assert first.requests and second.first_reply is not None and second.wait_ns is not None
    assert second.first_reply > first.requests[1]  # served only once client 1 spoke again
    assert second.wait_ns >= think_ms * 1e6 / 2  # measured stall: a think time, not a moment
    # one thread, every connection accepted and seen to leave
    assert len({r.thread for r in result.clients}) == 1
    conns = {r.conn for r in result.clients}
    assert {e.conn for e in events if isinstance(e, ConnClosed)} == conns
    # drawn as waiting until its first answer, not from accept(): accepted is not served here
    assert served_from(second, LESSON_NB) == second.first_reply
    assert served_from(second, BLOCKING) == second.accepted
    fixed, _ = run_lab(BUSY, clients=2, requests=3, think_ms=think_ms)
    fixed_second = sorted(fixed.clients, key=lambda r: r.client)[1]
    assert fixed_second.wait_ns is not None and fixed_second.wait_ns < second.wait_ns


def test_the_lessons_accepted_socket_is_blocking_on_linux() -> None:
    """The fact the mode rests on, read from a real descriptor (not assumed)."""
    import os
    import socket
    import sys

    if not sys.platform.startswith("linux"):
        pytest.skip("the inheritance of O_NONBLOCK differs outside Linux")
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.setblocking(False)
        with socket.create_connection(listener.getsockname(), timeout=2):
            deadline = time.monotonic() + 2
            while True:
                try:
                    conn, _ = listener.accept()
                    break
                except BlockingIOError:
                    assert time.monotonic() < deadline
                    time.sleep(0.005)
            with conn:
                assert os.get_blocking(conn.fileno())  # the listener's O_NONBLOCK was not passed on


def test_cli_runs_the_lessons_nonblocking_mode(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["servers", "--mode", "nonblocking-lesson", "--clients", "2", "--requests", "2", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert out["mode"] == "nonblocking-lesson" and out["all_echoed"]
    assert "blocking" in out["verdict"]
    assert out["per_client"][1]["wait_s"] > out["per_client"][0]["wait_s"]
