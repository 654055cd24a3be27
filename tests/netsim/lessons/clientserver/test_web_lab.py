"""The C/S + B/S lab on 127.0.0.1: the C/S client's three requests (two glued in one sendall),
hostile clients answered and the server still serving, every thread joined; a real browser
(Debian's headless Chromium) when installed; the ``netsim cs-bs`` CLI."""

from __future__ import annotations

import io
import json
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from netsim.cli import build_parser
from netsim.core.events import event_from_dict, event_to_dict
from netsim.lessons.clientserver.analysis import connections
from netsim.lessons.clientserver.browser import find_browser, run_browser
from netsim.lessons.clientserver.cli import run
from netsim.lessons.clientserver.events import HttpMessageFramed, HttpRefused
from netsim.lessons.clientserver.http import MessageReader
from netsim.lessons.clientserver.lab import WebLab


@pytest.fixture
def lab() -> Iterator[WebLab]:
    lab = WebLab(request_deadline_s=0.5, idle_timeout_s=2.0, max_connections=4)
    lab.start()
    assert lab.wait_listening()
    yield lab
    lab.close()


def address(lab: WebLab) -> tuple[str, int]:
    port = int(lab.url.rsplit(":", 1)[1].rstrip("/"))
    return "127.0.0.1", port


def wait(cond: object, timeout_s: float = 5.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not cond() and time.monotonic() < deadline:  # type: ignore[operator]
        time.sleep(0.01)
    assert cond(), "timed out"  # type: ignore[operator]


def exchange(lab: WebLab, data: bytes, *, shut: bool = False) -> bytes:
    with socket.create_connection(address(lab), timeout=5) as s:
        s.sendall(data)
        if shut:
            s.shutdown(socket.SHUT_WR)
        out = b""
        while chunk := s.recv(65536):
            out += chunk
        return out


def get_ok(lab: WebLab) -> bytes:
    with socket.create_connection(address(lab), timeout=5) as s:
        s.sendall(b"GET /api/greeting HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        out = b""
        while chunk := s.recv(65536):
            out += chunk
    return out


def test_cs_client_three_requests_one_connection_two_glued(lab: WebLab) -> None:
    lab.run_client("学生")
    wait(lab.clients_idle)
    wait(lambda: any(v.closed for v in connections(lab.recorder.events)))
    (v,) = connections(lab.recorder.events)
    assert v.client == "cs"
    assert [m.start_line for m in v.requests] == [
        "GET /api/greeting HTTP/1.1",
        "POST /api/greeting HTTP/1.1",
        "GET /api/greeting HTTP/1.1",
    ]
    assert len(v.responses) == 3
    assert "你好, 学生!".encode() in v.responses[1].data
    # the POST and the GET came in one sendall; the server's framing took them apart
    assert v.glued() and v.glued()[0][1] == 2
    for m in v.requests + v.responses:
        assert m.data[m.delimiter - m.start : m.header_end - m.start] == b"\r\n\r\n"
        assert m.end - m.header_end == len(m.data) - (m.header_end - m.start)
    # the client framed the responses the same way, from its own recv() chunks
    client_side = [
        e for e in lab.recorder.events if isinstance(e, HttpMessageFramed) and e.endpoint == "client"
    ]
    assert [(m.start, m.end) for m in client_side] == [(m.start, m.end) for m in v.responses]
    for e in lab.recorder.events:  # every event survives a trace round trip
        assert event_from_dict(json.loads(json.dumps(event_to_dict(e)))) == e


@pytest.mark.parametrize(
    ("wire", "status"),
    [
        (b"HELLO\r\n\r\n", 400),
        (b"GET / HTTP/1.1\r\n" + b"X-Long: " + b"a" * 9000 + b"\r\n\r\n", 431),
        (b"POST / HTTP/1.1\r\nContent-Length: 9999999\r\n\r\n", 413),
        (b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", 501),
    ],
)
def test_hostile_request_is_answered_and_others_still_served(lab: WebLab, wire: bytes, status: int) -> None:
    answer = exchange(lab, wire)
    assert answer.startswith(f"HTTP/1.1 {status} ".encode())
    assert (m := MessageReader("response").feed(answer)) and not m[0].keep_alive
    assert get_ok(lab).startswith(b"HTTP/1.1 200 ")
    assert any(isinstance(e, HttpRefused) and e.status == status for e in lab.recorder.events)


def test_slow_client_gets_408_at_its_deadline_and_does_not_block_others(lab: WebLab) -> None:
    with socket.create_connection(address(lab), timeout=5) as slow:
        slow.sendall(b"GET / HTTP/1.1\r\n")
        t0 = time.monotonic()
        assert get_ok(lab).startswith(b"HTTP/1.1 200 ")  # served while the slow one waits
        assert time.monotonic() - t0 < 0.5
        for _ in range(3):  # trickling bytes does not extend the deadline
            time.sleep(0.15)
            try:
                slow.sendall(b"X")
            except OSError:
                break
        answer = b""
        while chunk := slow.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 408 ")
    assert time.monotonic() - t0 < 3


def test_connections_past_the_cap_get_503(lab: WebLab) -> None:
    held = [socket.create_connection(address(lab), timeout=5) for _ in range(4)]
    try:
        wait(lambda: sum(e.kind == "HttpConnectionOpened" for e in lab.recorder.events) >= 4)
        answer = exchange(lab, b"")
        assert answer.startswith(b"HTTP/1.1 503 ")
    finally:
        for s in held:
            s.close()
    wait(lambda: sum(e.kind == "HttpConnectionClosed" for e in lab.recorder.events) >= 5)
    assert get_ok(lab).startswith(b"HTTP/1.1 200 ")


def test_idle_keep_alive_connection_is_closed_and_unknown_paths_are_404(lab: WebLab) -> None:
    with socket.create_connection(address(lab), timeout=5) as s:
        s.sendall(b"GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n")
        reader, got = MessageReader("response"), []
        while not got:
            got = reader.feed(s.recv(65536))
        assert got[0].status == 404 and got[0].keep_alive
        t0 = time.monotonic()
        assert s.recv(10) == b""  # closed by the idle timeout (2 s here)
        assert 1.0 < time.monotonic() - t0 < 5


def test_close_joins_everything_and_a_used_port_is_reported() -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        lab = WebLab(port=port)
        lab.start()
        assert lab.wait_listening() == ""
        lab.close()
        assert "EADDRINUSE" in lab.error
        assert lab.finished


@pytest.mark.skipif(
    find_browser() is None, reason="no Chromium-family browser installed (apt-get install chromium)"
)
def test_real_browser_reaches_the_same_service(lab: WebLab) -> None:
    browser = find_browser()
    assert browser is not None
    ok, dom = run_browser(browser, lab.url)
    assert ok, dom
    assert "你好, visitor!" in dom and 'id="greeting"' in dom
    wait(
        lambda: any(v.client == "browser" and len(v.requests) >= 2 for v in connections(lab.recorder.events))
    )
    v = next(v for v in connections(lab.recorder.events) if v.client == "browser" and len(v.requests) >= 2)
    # several requests on one keep-alive connection: the page, then its stylesheet
    assert v.requests[0].start_line == "GET / HTTP/1.1"
    assert any(m.start_line.startswith("GET /style.css ") for m in v.requests)
    assert v.responses[0].data.split(b"\r\n\r\n", 1)[0].count(b"Content-Length:") == 1


def test_cli_json_runs_the_cs_client() -> None:
    out = io.StringIO()
    args = build_parser().parse_args(["cs-bs", "--no-browser", "--json"])
    assert run(args, out=out) == 0
    doc = json.loads(out.getvalue())
    (conn,) = doc["connections"]
    assert conn["client"] == "cs" and len(conn["requests"]) == 3
    assert conn["requests_glued_in_one_recv"] == [{"chunk": 1, "messages": 2}]
    assert conn["requests"][1]["content_length"] == len("学生".encode())
    assert doc["browser"]["ran"] is False and doc["errors"] == []


def test_cli_text_with_browser_when_installed() -> None:
    out = io.StringIO()
    argv = ["cs-bs"] if shutil.which("chromium") else ["cs-bs", "--no-browser"]
    assert run(build_parser().parse_args(argv), out=out) == 0
    text = out.getvalue()
    assert "␍␊␍␊" in text and "Content-Length" in text and "黏包" in text
    if shutil.which("chromium"):
        assert "B/S: a web browser" in text and "greeting seen" in text


def test_the_lab_protocol_and_step_mode_gate_the_cs_client() -> None:
    from netsim.lab.base import Lab

    lab = WebLab(stepping=True)
    assert isinstance(lab, Lab)
    lab.start()
    try:
        assert lab.wait_listening()
        lab.run_client()
        seen = []
        deadline = time.monotonic() + 10
        while not lab.clients_idle() and time.monotonic() < deadline:
            call = lab.step()
            if call is None:
                time.sleep(0.01)
                continue
            seen.append(call.call)
        assert seen[0].startswith("connect(") and sum(c.startswith("sendall(") for c in seen) == 2
        assert sum(c.startswith("recv(") for c in seen) >= 2
        assert not lab.finished  # the run is the server's: it goes on until close()
    finally:
        lab.close()
    assert lab.wait(1) and lab.finished


def test_run_browser_is_ended_by_stop_and_by_its_timeout(tmp_path: Any) -> None:
    # A stand-in "browser" that never finishes (and starts a child, as Chromium does).
    fake = tmp_path / "slow-browser"
    fake.write_text("#!/bin/sh\nsleep 30 &\nsleep 30\n")
    fake.chmod(0o755)
    t0 = time.monotonic()
    ok, why = run_browser(str(fake), "http://127.0.0.1:1/", timeout_s=0.3)
    assert not ok and "did not finish within 0.3 s" in why
    stop = threading.Event()
    stop.set()
    ok, why = run_browser(str(fake), "http://127.0.0.1:1/", stop=stop)
    assert not ok and why == "stopped"
    assert time.monotonic() - t0 < 5
    ok, why = run_browser(str(tmp_path / "missing"), "http://127.0.0.1:1/")
    assert not ok and "cannot run" in why
