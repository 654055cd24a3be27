"""The classroom server on loopback: both handshake forms on one port, the figures, the limits."""

from __future__ import annotations

import hmac
import json
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netsim.core.events import event_from_dict, event_to_dict
from netsim.lessons.classroom.client import join, lesson_student
from netsim.lessons.classroom.events import ChunkRead, StudentVerdict
from netsim.lessons.classroom.protocol import (
    HELLO_HEADER,
    Limits,
    hello_frame,
    parse_hello,
    parse_host_port,
    safe_text,
)
from netsim.lessons.classroom.server import ClassroomServer, StudentStatus, write_status_json

KEY = b"k3y"
NATIVE = struct.Struct("i")


@pytest.fixture
def make_server() -> Iterator[Callable[..., ClassroomServer]]:
    servers: list[ClassroomServer] = []

    def make(**kw: object) -> ClassroomServer:
        limits = kw.pop("limits", Limits(grace_s=0.1, handshake_s=1.0))
        server = ClassroomServer("127.0.0.1", 0, KEY, limits=limits, **kw)  # type: ignore[arg-type]
        servers.append(server)
        server.start()
        return server

    yield make
    for server in servers:
        server.close()


def wait_status(
    server: ClassroomServer, pred: Callable[[list[StudentStatus]], bool], timeout_s: float = 5.0
) -> list[StudentStatus]:
    deadline = time.monotonic() + timeout_s
    while True:
        rows = server.status()
        try:
            matched = pred(rows)
        except IndexError:  # the student's row is not there yet
            matched = False
        if matched:
            return rows
        assert time.monotonic() < deadline, f"status never matched: {rows}"
        time.sleep(0.02)


def lesson_handshake(sock: socket.socket, key: bytes = KEY) -> None:
    challenge = b""
    while len(challenge) < 32:
        challenge += sock.recv(32 - len(challenge))
    sock.sendall(hmac.new(key, challenge, "md5").digest())


def frame(text: bytes) -> bytes:
    return NATIVE.pack(len(text)) + text


def test_both_forms_share_one_port(make_server: Callable[..., ClassroomServer]) -> None:
    server = make_server()
    ok = join(server.address, "Ann", KEY, messages=["a", "bb"])
    bad = join(server.address, "Bob", b"nope", messages=["a"])
    lesson = lesson_student(server.address, KEY, ["x", "y", "z"])
    lesson_bad = lesson_student(server.address, b"nope", ["x"])
    assert (ok.verdict, ok.replies) == ("accepted", ["a", "bb"])
    assert bad.verdict == "refused"
    assert lesson.replies == ["echo: x", "echo: y", "echo: z"]
    assert lesson_bad.replies == [] and lesson_bad.closed_by_server
    rows = wait_status(server, lambda rows: len(rows) == 4 and not any(r.connected for r in rows))
    by_label = {r.label: r for r in rows}
    assert (by_label["Ann"].form, by_label["Ann"].verdict, by_label["Ann"].messages_received) == (
        "netsim",
        "accepted",
        2,
    )
    assert by_label["Bob"].verdict == "refused"
    lesson_row = by_label[lesson.local]
    assert (lesson_row.name, lesson_row.form, lesson_row.messages_received) == ("", "lesson", 3)
    assert by_label[lesson_bad.local].verdict == "refused"


def test_merged_and_split_counted_exactly(make_server: Callable[..., ClassroomServer]) -> None:
    server = make_server()
    with socket.create_connection(server.address) as sock:
        lesson_handshake(sock)
        wait_status(server, lambda rows: rows[0].verdict == "accepted")
        sock.sendall(frame(b"one") + frame(b"two") + frame(b"thr"))  # one send: 粘包 on arrival
        wait_status(server, lambda rows: rows[0].messages_received == 3)
        whole = frame(b"split-me")
        sock.sendall(whole[:6])  # 半包: the rest comes later
        wait_status(server, lambda rows: rows[0].recv_chunks == 2)
        sock.sendall(whole[6:])
        rows = wait_status(server, lambda rows: rows[0].messages_received == 4)
    row = rows[0]
    assert (row.recv_chunks, row.merged_chunks, row.split_messages) == (3, 1, 1)
    assert row.framing_ok is True and row.last_message == "split-me"
    chunks = [e for e in server.recorder.drain() if isinstance(e, ChunkRead)]
    assert [(c.messages, c.merged, c.split) for c in chunks] == [(3, True, 0), (0, False, 0), (1, False, 1)]


def test_untrusted_names_and_messages_are_made_safe(make_server: Callable[..., ClassroomServer]) -> None:
    server = make_server()
    evil = "<b>x</b>\u202e\n" + "y" * 100
    r = join(server.address, evil, KEY, messages=["<img src=x onerror=alert(1)>\r\n\x00"])
    assert r.accepted
    row = wait_status(server, lambda rows: rows and not rows[0].connected)[0]
    # The join client sends 32 characters at most; escapes keep the row on one line, unflipped.
    assert row.name == "<b>x</b>\\u202e\\x0a" + "y" * 22
    assert safe_text(b"a" * 200, 10) == "a" * 10 + "…"
    assert row.last_message == "<img src=x onerror=alert(1)>\\x0d\\x0a\\x00"
    assert safe_text(b"\xff\xfeok") == "\ufffd\ufffdok"
    assert parse_hello(b"nothing") is None
    assert parse_hello(hello_frame("Zoë")[HELLO_HEADER.size :]) == "Zoë"


def test_garbage_and_oversized_preauth_frames_are_refused(
    make_server: Callable[..., ClassroomServer],
) -> None:
    server = make_server()
    with socket.create_connection(server.address) as a, socket.create_connection(server.address) as b:
        a.sendall(HELLO_HEADER.pack(1 << 20))  # "a 1 MB hello": refused from the header alone
        b.sendall(HELLO_HEADER.pack(10) + b"not hello!")
        assert a.recv(100) == b"" and b.recv(100) == b""
    rows = wait_status(server, lambda rows: len(rows) == 2 and not any(r.connected for r in rows))
    assert {r.verdict for r in rows} == {"protocol error"}
    assert any("before authentication" in e for r in rows for e in r.errors)


def test_staller_cut_off_while_others_are_served(make_server: Callable[..., ClassroomServer]) -> None:
    server = make_server(limits=Limits(grace_s=0.1, handshake_s=1.0))
    with socket.create_connection(server.address) as staller:
        me = f"127.0.0.1:{staller.getsockname()[1]}"
        t0 = time.monotonic()
        r = join(server.address, "busy", KEY, messages=[str(i) for i in range(20)])
        served_s = time.monotonic() - t0
        staller.settimeout(5)
        got = b""
        while chunk := staller.recv(100):
            got += chunk
        cut_s = time.monotonic() - t0
    assert r.accepted and len(r.replies) == 20
    assert served_s < 0.9  # before the staller's deadline
    assert len(got) == 32 and 0.9 <= cut_s < 3.0
    rows = wait_status(server, lambda rows: not any(x.connected for x in rows))
    assert {x.label: x.verdict for x in rows}[me] == "timed out"


def test_max_message_and_room_limits(make_server: Callable[..., ClassroomServer]) -> None:
    server = make_server(limits=Limits(grace_s=0.1, handshake_s=1.0, max_students=2, max_message_bytes=64))
    with socket.create_connection(server.address) as big, socket.create_connection(server.address) as other:
        lesson_handshake(big)
        lesson_handshake(other)
        wait_status(server, lambda rows: [r.verdict for r in rows] == ["accepted", "accepted"])
        with socket.create_connection(server.address) as third:
            assert third.recv(10) == b""  # room full: closed at once
        big.sendall(NATIVE.pack(1 << 30))  # a 1 GiB message, announced: cut off from the header
        rows = wait_status(server, lambda rows: any(r.verdict == "cut off" for r in rows))
        server.lock()
        wait_status(server, lambda rows: server.locked)
        with socket.create_connection(server.address) as fourth:
            assert fourth.recv(10) == b""
        rows = wait_status(server, lambda rows: len(rows) == 4)
    verdicts = sorted(r.verdict for r in rows)
    assert verdicts == ["accepted", "cut off", "room full", "room locked"]
    cut = next(r for r in rows if r.verdict == "cut off")
    assert cut.framing_ok is False and any("64" in e for e in cut.errors)


def test_rate_limit_throttles_without_losing_messages(make_server: Callable[..., ClassroomServer]) -> None:
    limits = Limits(grace_s=0.1, handshake_s=1.0, rate_msgs_per_s=200, burst_msgs=5)
    server = make_server(limits=limits)
    r = join(server.address, "flood", KEY, messages=[f"m{i}" for i in range(60)], burst=True)
    assert r.accepted and len(r.replies) == 60
    row = wait_status(server, lambda rows: bool(rows) and rows[0].messages_received == 60)[0]
    assert row.throttled >= 1


def test_student_that_never_reads_is_cut_off_and_others_still_served(
    make_server: Callable[..., ClassroomServer],
) -> None:
    server = make_server(limits=Limits(grace_s=0.1, handshake_s=1.0, max_queued_bytes=4096))
    with socket.create_connection(server.address) as deaf:
        deaf.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
        lesson_handshake(deaf)
        wait_status(server, lambda rows: rows[0].verdict == "accepted")
        for i in range(20000):  # at most 20 MB: more than loopback's socket buffers hold
            server.broadcast("x" * 1000)
            if i % 100 == 99:
                time.sleep(0.01)
                if server.status()[0].verdict == "cut off":
                    break
        rows = wait_status(server, lambda rows: rows[0].verdict == "cut off")
        assert any("does not read" in e for e in rows[0].errors)
    assert join(server.address, "fine", KEY, messages=["still here"]).replies == ["still here"]


def test_challenge_shows_who_gets_helloworld(make_server: Callable[..., ClassroomServer]) -> None:
    server = make_server(framing="none")
    results: dict[str, object] = {}

    def student(name: str, framing: str) -> None:
        results[name] = join(server.address, name, KEY, framing=framing, stay_s=1.5)

    threads = [threading.Thread(target=student, args=("raw", "none"))]
    threads[0].start()
    wait_status(server, lambda rows: len(rows) == 1 and rows[0].verdict == "accepted")
    server.challenge()
    for t in threads:
        t.join()
    row = wait_status(server, lambda rows: rows[0].challenge not in ("", "waiting"))[0]
    assert row.challenge == "glued"  # framing "none": one send, one recv, "helloworld"


def test_challenge_with_length_framing_arrives_separately(
    make_server: Callable[..., ClassroomServer],
) -> None:
    server = make_server()
    t = threading.Thread(target=join, args=(server.address, "framed", KEY), kwargs={"stay_s": 1.5})
    t.start()
    wait_status(server, lambda rows: len(rows) == 1 and rows[0].verdict == "accepted")
    server.challenge()
    server.broadcast("hi all")
    t.join()
    row = wait_status(server, lambda rows: rows[0].challenge == "separate")[0]
    assert row.messages_sent == 2 + 1 + 3  # challenge, broadcast, echoes of the three "got:" answers


def test_kick_and_status_file(make_server: Callable[..., ClassroomServer], tmp_path: Path) -> None:
    server = make_server()
    with socket.create_connection(server.address) as sock:
        lesson_handshake(sock)
        row = wait_status(server, lambda rows: rows and rows[0].verdict == "accepted")[0]
        server.kick(row.sid)
        sock.settimeout(5)
        assert sock.recv(10) == b""
    rows = wait_status(server, lambda rows: rows[0].verdict == "kicked")
    path = tmp_path / "s.json"
    write_status_json(str(path), rows)
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc == {
        "students": [
            {
                "name": row.address,
                "address": row.address,
                "form": "lesson",
                "verdict": "kicked",
                "messages_received": 0,
                "messages_sent": 0,
                "merged_chunks": 0,
                "split_messages": 0,
                "errors": [],
            }
        ]
    }


def test_status_now_is_current_not_as_last_published(
    make_server: Callable[..., ClassroomServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIGUSR1's status file is the class as of the signal (CI once saw the periodic snapshot,
    up to a publish interval old, miss two students the server had already cut off)."""
    import netsim.lessons.classroom.server as server_module

    monkeypatch.setattr(server_module, "PUBLISH_S", 3600.0)  # one publish at the start, then none
    server = make_server()
    with socket.create_connection(server.address) as sock:
        lesson_handshake(sock)
        deadline = time.monotonic() + 5
        while not [r for r in server.status_now() if r.verdict == "accepted"]:
            assert time.monotonic() < deadline, f"status_now never showed the student: {server.status()}"
            time.sleep(0.02)
        rows = server.status()  # (status_now published it, so the snapshot has it too now)
        assert [r.verdict for r in rows] == ["accepted"]


def test_events_round_trip() -> None:
    for ev in (
        StudentVerdict(1, "server", 3, "accepted", "ok"),
        ChunkRead(2, "server", 3, 0, 9, 2, 1, True, "hé"),
    ):
        assert event_from_dict(json.loads(json.dumps(event_to_dict(ev)))) == ev


def test_parse_host_port() -> None:
    assert parse_host_port("10.0.0.1:9001") == ("10.0.0.1", 9001)
    assert parse_host_port("[::1]:80") == ("::1", 80)
    assert parse_host_port("host", default_port=9001) == ("host", 9001)
    for bad in ("::1:80", "1.2.3.4:x", ":80", "[::1"):
        with pytest.raises(ValueError):
            parse_host_port(bad)


def test_cli_serve_needs_bind_and_lists_interfaces() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "netsim", "classroom", "serve", "--key", "k"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert proc.returncode == 2
    assert "--bind" in proc.stderr and "127.0.0.1:9001" in proc.stderr


def test_cli_serve_commands_and_status_on_quit(tmp_path: Path) -> None:
    status = tmp_path / "status.json"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "netsim",
            "classroom",
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--key",
            "k",
            "--status-json",
            str(status),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None and proc.stdin is not None
        line = ""
        while "students join with" not in line:
            line = proc.stdout.readline()
            assert line, proc.stderr.read() if proc.stderr else ""
        port = int(line.split("127.0.0.1:")[1].split()[0])
        received: list[str] = []
        done = threading.Event()

        def student() -> None:
            r = join(
                ("127.0.0.1", port),
                "Eve",
                b"k",
                messages=["hey"],
                stay_s=3.0,
                on_message=lambda k, t: (received.append(t), done.set() if t == "class!" else None),
            )
            received.append(r.verdict)

        t = threading.Thread(target=student)
        t.start()
        time.sleep(0.5)
        proc.stdin.write("broadcast class!\n")
        proc.stdin.flush()
        assert done.wait(5)
        proc.stdin.write("quit\n")
        proc.stdin.flush()
        out, err = proc.communicate(timeout=20)
        t.join()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err
    assert "class!" in received
    doc = json.loads(status.read_text(encoding="utf-8"))
    (eve,) = doc["students"]
    assert (eve["name"], eve["verdict"], eve["messages_received"]) == (
        "Eve",
        "accepted",
        2,
    )  # hey + got: class!
    assert "instructor: broadcast class!" in out


def test_cli_status_on_sigusr1_and_at_sigint(tmp_path: Path) -> None:
    status = tmp_path / "status.json"
    argv = [sys.executable, "-m", "netsim", "classroom", "serve", "--bind", "127.0.0.1:0", "--key", "k"]
    proc = subprocess.Popen(
        [*argv, "--status-json", str(status), "--quiet"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = ""
        while "students join with" not in line:
            line = proc.stdout.readline()
            assert line, proc.stderr.read() if proc.stderr else ""
        port = int(line.split("127.0.0.1:")[1].split()[0])
        assert join(("127.0.0.1", port), "Sig", b"k", messages=["1", "2", "3"]).accepted
        time.sleep(0.3)  # the loop publishes its snapshot every 0.1 s
        proc.send_signal(signal.SIGUSR1)
        deadline = time.monotonic() + 10
        while not status.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        first = json.loads(status.read_text(encoding="utf-8"))
        status.unlink()
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 130, err
    last = json.loads(status.read_text(encoding="utf-8"))
    assert first == last
    (sig,) = last["students"]
    assert (sig["name"], sig["verdict"], sig["messages_received"], sig["messages_sent"]) == (
        "Sig",
        "accepted",
        3,
        3,
    )


@pytest.fixture
def hostile_target() -> Iterator[ClassroomServer]:
    server = ClassroomServer("127.0.0.1", 0, KEY, limits=Limits(grace_s=0.1, handshake_s=0.3))
    server.start()
    yield server
    server.close()


PEER_BYTES = st.one_of(
    st.binary(min_size=1, max_size=300),
    st.builds(lambda name, rest: hello_frame(name) + rest, st.text(max_size=40), st.binary(max_size=300)),
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=PEER_BYTES, speak_first=st.booleans())
def test_any_bytes_from_a_peer_end_in_a_verdict(
    hostile_target: ClassroomServer, data: bytes, speak_first: bool
) -> None:
    """Hostile peer: whatever it sends, before or after the lesson's challenge, the server gives a
    verdict other than "accepted" (it has no key), closes the connection and goes on serving."""
    server = hostile_target
    before = len(server.status())
    with socket.create_connection(server.address) as sock:
        sock.settimeout(3)
        try:
            if not speak_first:
                challenge = b""
                while len(challenge) < 32 and (chunk := sock.recv(32)):
                    challenge += chunk
            sock.sendall(data)
            while sock.recv(4096):
                pass
        except (ConnectionResetError, BrokenPipeError):
            pass
    rows = wait_status(server, lambda rows: len(rows) == before + 1 and not rows[-1].connected)
    assert rows[-1].verdict in ("refused", "protocol error", "timed out"), rows[-1]


def test_demo_class_has_every_kind_of_student(make_server: Callable[..., ClassroomServer]) -> None:
    from netsim.lessons.classroom.demo import DemoClass, demo_roster

    kinds = [kind for kind, _name in demo_roster(14)]
    assert {"netsim", "lesson", "wrong_key", "no_framing", "burst", "stall", "garbage"} <= set(kinds)
    server = make_server(limits=Limits(grace_s=0.1, handshake_s=1.0))
    with DemoClass(server, KEY, 14, stay_s=1.0) as demo:
        demo.start()
        assert demo.settled.wait(10)
        assert demo.wait(15)
    rows = wait_status(server, lambda rows: len(rows) == 14 and not any(r.connected for r in rows))
    verdicts = sorted(r.verdict for r in rows)
    assert verdicts.count("accepted") == 10  # 7 netsim, burst, 2 lesson
    assert {"refused", "cut off", "timed out", "protocol error"} <= set(verdicts)
    assert any(r.merged_chunks for r in rows)  # the burst student's messages merged
    assert sum(r.challenge == "separate" for r in rows) >= 7


def test_a_bug_met_by_one_student_ends_that_student_only(
    make_server: Callable[..., ClassroomServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    original = ClassroomServer._read_chat

    def read_chat(self: ClassroomServer, st: object) -> None:
        if getattr(st, "name", "") == "boom":
            raise RuntimeError("a bug")
        original(self, st)  # type: ignore[arg-type]

    monkeypatch.setattr(ClassroomServer, "_read_chat", read_chat)
    server = make_server()
    boom = join(server.address, "boom", KEY, messages=["x"], timeout_s=2)
    assert boom.accepted and not boom.replies
    fine = join(server.address, "fine", KEY, messages=["y"])
    assert fine.replies == ["y"]
    rows = wait_status(server, lambda rows: len(rows) == 2 and not any(r.connected for r in rows))
    (row,) = [r for r in rows if r.name == "boom"]
    assert any("internal error (RuntimeError: a bug)" in e for e in row.errors)
    assert not server.finished  # the class goes on


def test_the_lessons_own_scripts_join(make_server: Callable[..., ClassroomServer]) -> None:
    """s7_hmac_client.py (md5, the default) and s7_hashlib_client.py (--lesson-variant legacy-sha1)."""
    from tests.lesson_programs import path

    for variant, script in (("hmac", "s7_hmac_client.py"), ("legacy-sha1", "s7_hashlib_client.py")):
        server = make_server(lesson_variant=variant)
        env = {"LESSON_HOST": "127.0.0.1", "LESSON_PORT": str(server.address[1]), "LESSON_KEY": KEY.decode()}
        proc = subprocess.run(
            [sys.executable, str(path(script))],
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr
        (row,) = wait_status(server, lambda rows: len(rows) == 1 and not rows[0].connected)
        assert (row.form, row.verdict, row.name) == ("lesson", "accepted", ""), (script, row)
