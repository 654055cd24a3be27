"""Real programs traced end to end: the lesson's own programs, C and node peers, odd exits."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from netsim.core.events import Event
from netsim.core.trace import Trace
from netsim.lessons.tracing.analysis import connections, document
from netsim.lessons.tracing.events import SEND_CALLS, ProgramCalled
from netsim.lessons.tracing.session import ProgramSpec, TraceLab

from .conftest import LESSON_PROGRAMS, TEST_PROGRAMS

PY = "python3"


def _run(programs: list[ProgramSpec], port: int, **kw: Any) -> list[Event]:
    kw.setdefault("gap_ms", 100)
    kw.setdefault("linger_s", 0.3)
    kw.setdefault("timeout_s", 20)
    lab = TraceLab(programs, env={"LESSON_PORT": str(port), "CLIENTS": "2"}, **kw)
    lab.start()
    try:
        assert lab.wait(40), "the traced run did not finish"
    finally:
        lab.close()
    assert lab.error is None, lab.notes
    return lab.recorder.events


def _lesson(name: str, stdin: bytes | None = None) -> ProgramSpec:
    return ProgramSpec([PY, str(LESSON_PROGRAMS / name)], stdin)


def test_hello_world_pair_via_the_cli_json(free_port: int) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "netsim",
            "trace",
            "--json",
            "--gap-ms",
            "500",
            "--run",
            f"{PY} s5_hello_server.py",
            "--run",
            f"{PY} s5_hello_client.py",
        ],
        cwd=LESSON_PROGRAMS,
        env={**os.environ, "LESSON_PORT": str(free_port)},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    doc = json.loads(proc.stdout)  # stdout holds only the JSON; the programs' output went to stderr
    assert "b'helloworld'" in proc.stderr
    assert [p["exit_code"] for p in doc["programs"]] == [0, 0]
    assert doc["programs"][1]["stdout"] == "b'helloworld'\nb''\n"
    (conn,) = doc["connections"]
    assert conn["transport"] == "tcp" and conn["server"] == f"127.0.0.1:{free_port}"
    sends = [c for c in conn["calls"] if c["call"] == "send"]
    assert [(c["side"], bytes.fromhex(c["bytes_hex"]), c["result"]) for c in sends] == [
        ("server", b"hello", 5),
        ("server", b"world", 5),
    ]
    recvs = [c for c in conn["calls"] if c["call"] == "recv"]
    assert recvs[0]["side"] == "client" and bytes.fromhex(recvs[0]["bytes_hex"]) == b"helloworld"
    assert conn["merged_chunks"] >= 1
    assert conn["app_messages_match"] is False
    assert set(conn["calls"][0]) == {"t_ns", "pid", "side", "call", "bytes_hex", "result", "error"}


def test_struct_chat_pair_through_stdin_matches_with_length_i(free_port: int, tmp_path: Path) -> None:
    events = _run(
        [
            _lesson("s5_struct_server.py", b"hello back\n"),
            _lesson("s5_struct_client.py", "hi 你好\nq\n".encode()),
        ],
        free_port,
        framing="length:i",
    )
    doc = document(events, "length:i")
    (conn,) = doc["connections"]
    assert conn["app_messages_match"] is True
    assert "hi 你好" in doc["programs"][0]["stdout"] and "hello back" in doc["programs"][1]["stdout"]
    # The same trace, saved and replayed, gives the same document.
    path = tmp_path / "chat.jsonl"
    Trace(events).save(path)
    assert document(Trace.load(path).events, "length:i") == doc


def test_socketserver_with_two_traced_clients_joins_two_connections(free_port: int) -> None:
    # The lesson's server and clients never stop: Stop them once both clients have talked.
    lab = TraceLab(
        [
            _lesson("s6_socketserver_server.py"),
            _lesson("s6_socketserver_client.py"),
            _lesson("s6_socketserver_client.py"),
        ],
        env={"LESSON_PORT": str(free_port)},
        gap_ms=100,
        timeout_s=60,
    )
    lab.start()
    try:
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline:
            talked = {
                e.program for e in lab.recorder.events if isinstance(e, ProgramCalled) and e.call == "send"
            }
            if {1, 2} <= talked:
                break
            time.sleep(0.05)
        lab.stop("both clients have talked")
        assert lab.wait(30)
    finally:
        lab.close()
    events = lab.recorder.events
    conns = connections([e for e in events if isinstance(e, ProgramCalled)])
    assert len(conns) == 2
    starts = [e for e in events if type(e).__name__ == "ProgramStarted"]
    client_pids = {starts[1].pid, starts[2].pid}  # type: ignore[attr-defined]
    seen = set()
    for conn in conns:
        assert conn.traced_sides == ["client", "server"]
        (client,) = conn.ends["client"]
        (server,) = conn.ends["server"]
        assert client.pid in client_pids and server.pid == starts[0].pid  # type: ignore[attr-defined]
        assert client.local == conn.client and server.local == conn.server
        first = next(c for side, c in conn.calls() if side == "server" and c.call == "send")
        assert first.data == "嘿嘿嘿".encode()
        seen.add(client.pid)
    assert seen == client_pids


@pytest.mark.skipif(
    not (shutil.which("gcc") and shutil.which("node") and shutil.which("strace")),
    reason="needs gcc, node and strace (CI installs them: .ci/run)",
)
def test_c_and_node_clients_under_strace_against_a_traced_python_server(
    free_port: int, tmp_path: Path
) -> None:
    exe = tmp_path / "cclient"
    subprocess.run(["gcc", "-O0", "-o", str(exe), str(TEST_PROGRAMS / "client.c")], check=True, timeout=60)
    events = _run(
        [
            ProgramSpec([PY, str(TEST_PROGRAMS / "echo_server.py")]),
            ProgramSpec([str(exe)]),
            ProgramSpec(["node", str(TEST_PROGRAMS / "client.js")]),
        ],
        free_port,
    )
    conns = connections([e for e in events if isinstance(e, ProgramCalled)])
    assert len(conns) == 2
    syscalls = []
    for conn in conns:
        assert conn.traced_sides == ["client", "server"]
        sends = [c for side, c in conn.calls() if side == "client" and c.call in SEND_CALLS and c.result]
        assert b"".join(c.data for c in sends) == b"helloworld"
        assert [c.data for c in sends] == [b"hello", b"world"]  # the send boundaries, 100 ms apart
        syscalls.append({c.syscall for c in sends})
        assert all(c.syscall for c in sends)
        assert conn.app_messages_match is True
    assert {"sendto", "write", "writev"} & set().union(*syscalls)


def test_busy_nonblocking_program_retries_are_counted_not_flooded(free_port: int) -> None:
    code = (
        "import socket, time\n"
        "s = socket.socket(); s.bind(('127.0.0.1', 0)); s.setblocking(False); s.listen()\n"
        "end = time.monotonic() + 0.3\n"
        "while time.monotonic() < end:\n"
        "    try:\n        s.accept()\n    except BlockingIOError:\n        pass\n"
        "s.close()\n"
    )
    events = _run([ProgramSpec([PY, "-c", code])], free_port)
    accepts = [e for e in events if isinstance(e, ProgramCalled) and e.call == "accept"]
    assert accepts and all(e.error.startswith("BlockingIOError") for e in accepts)
    assert sum(e.repeat for e in accepts) > 10 * len(accepts)
    assert any(e.call == "setblocking" and e.arg is False for e in events if isinstance(e, ProgramCalled))


def test_a_crash_flushes_what_was_recorded_and_the_traceback_is_the_programs(free_port: int) -> None:
    code = (
        "import socket\n"
        "a, b = socket.socketpair()\n"
        "a.sendall(b'x' * 3000)\n"
        "b.recv(10)\n"
        "raise RuntimeError('boom')\n"
    )
    events = _run([ProgramSpec([PY, "-c", code])], free_port)
    doc = document(events)
    (prog,) = doc["programs"]
    assert prog["exit_code"] == 1
    assert "RuntimeError: boom" in prog["stderr"] and "launcher" not in prog["stderr"]
    calls = [e.call for e in events if isinstance(e, ProgramCalled)]
    assert "sendall" in calls and "recv" in calls


def test_a_server_that_exits_at_once_is_reported(free_port: int) -> None:
    lab = TraceLab(
        [ProgramSpec([PY, "-c", "import sys; sys.exit('cannot bind')"]), ProgramSpec([PY, "-c", "pass"])],
        gap_ms=300,
        timeout_s=10,
    )
    lab.start()
    assert lab.wait(30)
    lab.close()
    assert any(
        "program 1" in n and "exited at once with status 1" in n and "cannot bind" in n for n in lab.notes
    )


def test_makefile_and_stdin_prompt_pass_through(free_port: int) -> None:
    code = (
        "import socket\n"
        "name = input('name>>>')\n"
        "a, b = socket.socketpair()\n"
        "w = a.makefile('wb'); w.write(name.encode() + b'\\n'); w.flush()\n"
        "print('got', b.makefile('rb').readline())\n"
    )
    events = _run([ProgramSpec([PY, "-c", code], b"ann\n")], free_port)
    prog = document(events)["programs"][0]
    assert prog["stdout"] == "name>>>got b'ann\\n'\n"
    via = [e for e in events if isinstance(e, ProgramCalled) and e.extra.get("via") == "makefile"]
    assert {e.call for e in via} >= {"send", "recv_into"}


def test_a_forking_server_s_children_are_traced_too(free_port: int) -> None:
    server = (
        "import os, socketserver\n"
        "class H(socketserver.BaseRequestHandler):\n"
        "    def handle(self):\n"
        "        self.request.sendall(self.request.recv(100).upper())\n"
        "s = socketserver.ForkingTCPServer(('127.0.0.1', int(os.environ['LESSON_PORT'])), H)\n"
        "s.handle_request(); s.handle_request(); s.server_close()\n"
    )
    client = (
        "import os, socket\n"
        "c = socket.create_connection(('127.0.0.1', int(os.environ['LESSON_PORT'])))\n"
        "c.sendall(b'abc'); print(c.recv(100)); c.close()\n"
    )
    events = _run(
        [ProgramSpec([PY, "-c", server]), ProgramSpec([PY, "-c", client]), ProgramSpec([PY, "-c", client])],
        free_port,
    )
    conns = connections([e for e in events if isinstance(e, ProgramCalled)])
    assert len(conns) == 2
    server_pid = next(e for e in events if type(e).__name__ == "ProgramStarted").pid  # type: ignore[attr-defined]
    for conn in conns:
        assert conn.traced_sides == ["client", "server"]
        replies = [c for side, c in conn.calls() if side == "server" and c.call == "sendall"]
        assert [c.data for c in replies] == [b"ABC"]
        assert replies[0].pid != server_pid  # sent by the forked child, and still recorded


def test_udp_chat_pair_datagrams_matched(free_port: int) -> None:
    events = _run(
        [_lesson("s4_udp_chat_server.py", b"yo\n"), _lesson("s4_udp_chat_client.py", b"hi\nq\n")], free_port
    )
    conns = connections([e for e in events if isinstance(e, ProgramCalled)])
    (conn,) = conns
    assert conn.transport == "udp" and conn.server == ("127.0.0.1", free_port)
    assert conn.traced_sides == ["client", "server"]

    def datagrams(side: str) -> list[tuple[str, bytes]]:
        return [(c.call, c.data) for s, c in conn.calls() if s == side and c.has_data]

    # (calls are ordered by when they were made: the server was already waiting in recvfrom)
    assert datagrams("client") == [("sendto", b"hi"), ("recv", b"yo")]
    assert datagrams("server") == [("recvfrom", b"hi"), ("sendto", b"yo")]
    assert conn.app_messages_match is True


def test_python_forced_under_strace_joins_the_same(free_port: int) -> None:
    if not shutil.which("strace"):
        pytest.skip("strace not installed (CI installs it: .ci/run)")
    events = _run(
        [_lesson("s5_hello_server.py"), _lesson("s5_hello_client.py")],
        free_port,
        force_strace=True,
    )
    (conn,) = connections([e for e in events if isinstance(e, ProgramCalled)])
    sends = [c for side, c in conn.calls() if side == "server" and c.call in SEND_CALLS and c.result]
    assert [(c.syscall, c.data) for c in sends] == [("sendto", b"hello"), ("sendto", b"world")]
    assert conn.merged_chunks >= 1


def test_stop_ends_the_whole_process_group(free_port: int) -> None:
    code = (
        "import subprocess, time\n"
        "p = subprocess.Popen(['sleep', '30'])\n"
        "print(p.pid, flush=True)\n"
        "time.sleep(30)\n"
    )
    seen: list[bytes] = []
    lab = TraceLab([ProgramSpec([PY, "-c", code])], on_output=lambda i, s, b: seen.append(b))
    lab.start()
    try:
        deadline = time.monotonic() + 20
        while not seen and time.monotonic() < deadline:
            time.sleep(0.05)
        assert seen, "the program printed nothing"
        child = int(b"".join(seen).split()[0])
        lab.stop("stopped by the test")
        assert lab.wait(20)
    finally:
        lab.close()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and _alive(child):
        time.sleep(0.05)
    assert not _alive(child), "the program's child outlived Stop"
    (exited,) = [e for e in lab.recorder.events if type(e).__name__ == "ProgramExited"]
    assert exited.reason == "stopped by the test"  # type: ignore[attr-defined]


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def test_ssl_sockets_plaintext_is_traced_and_marked_tls(free_port: int, tmp_path: Path) -> None:
    if not shutil.which("openssl"):
        pytest.skip("openssl not installed: no certificate for the TLS test")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    code = (
        "import socket, ssl, threading\n"
        f"srv = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); srv.load_cert_chain({str(cert)!r}, {str(key)!r})\n"
        "cli = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT); cli.check_hostname = False; cli.verify_mode = ssl.CERT_NONE\n"
        "a, b = socket.socketpair()\n"
        "def serve():\n"
        "    s = srv.wrap_socket(b, server_side=True); s.sendall(s.recv(100).upper()); s.close()\n"
        "t = threading.Thread(target=serve); t.start()\n"
        "c = cli.wrap_socket(a); c.sendall(b'secret'); print(c.recv(100)); t.join(); c.close()\n"
    )
    events = _run([ProgramSpec([PY, "-c", code])], free_port)
    tls = [e for e in events if isinstance(e, ProgramCalled) and e.extra.get("tls")]
    assert ("sendall", b"secret") in [(e.call, e.data) for e in tls]
    assert ("recv", b"SECRET") in [(e.call, e.data) for e in tls]


def test_runs_saved_in_two_terminals_are_joined_on_replay(free_port: int, tmp_path: Path) -> None:
    env = {**os.environ, "LESSON_PORT": str(free_port)}
    server_trace, client_trace = tmp_path / "server.jsonl", tmp_path / "client.jsonl"
    netsim = [sys.executable, "-m", "netsim", "trace"]
    server = subprocess.Popen(
        [*netsim, "--save", str(server_trace), "--", PY, "s5_hello_server.py"],
        cwd=LESSON_PROGRAMS,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        time.sleep(1.0)  # the server's terminal first
        subprocess.run(
            [*netsim, "--save", str(client_trace), "--", PY, "s5_hello_client.py"],
            cwd=LESSON_PROGRAMS,
            env=env,
            capture_output=True,
            timeout=60,
            check=True,
        )
        assert server.wait(30) == 0
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
        assert server.stderr is not None
        server.stderr.close()
    out = subprocess.run(
        [*netsim, "--json", "--replay", str(server_trace), "--replay", str(client_trace)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    doc = json.loads(out.stdout)
    assert [p["command"] for p in doc["programs"]] == [
        "python3 s5_hello_server.py",
        "python3 s5_hello_client.py",
    ]
    (conn,) = doc["connections"]
    assert conn["traced_sides"] == ["client", "server"] and conn["merged_chunks"] >= 1
