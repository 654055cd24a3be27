"""The challenge-response over real loopback sockets: scenarios, robustness limits, and wire
compatibility with the standard library's ``multiprocessing.connection`` (3.11 in-process,
3.12/3.13 in a subprocess when those interpreters exist)."""

from __future__ import annotations

import glob
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from multiprocessing.connection import AuthenticationError, Client, Listener
from pathlib import Path

import pytest

from netsim.auth import macs
from netsim.auth.events import AuthVerdict
from netsim.auth.machines import LESSON, MULTIPROCESSING, AuthConfig
from netsim.auth.transport import AuthServer, run_client
from netsim.cli import main as cli_main
from netsim.core.gate import PendingCall
from netsim.core.recorder import Recorder
from netsim.lessons.hmac.scenarios import AuthLab, Setup, run_scenario

KEY = b"hello"
REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def mp_server() -> Iterator[AuthServer]:
    server = AuthServer(AuthConfig(protocol=MULTIPROCESSING), KEY, Recorder(), chat_idle_s=2.0)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def server_verdicts(server: AuthServer) -> list[tuple[bool, str]]:
    return [
        (e.accepted, e.reason)
        for e in server.recorder.events
        if isinstance(e, AuthVerdict) and e.endpoint == "server"
    ]


# --- scenarios ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scenario", "expected"),
    [
        ("good", [("good", True, "good")]),
        ("wrong-key", [("wrong-key", False, "wrong_key")]),
        ("replay", [("replay", False, "replay_rejected")]),
        ("fixed-challenge-replay", [("fixed-challenge-replay", True, "replay_accepted")]),
        (
            "reflection",
            [
                ("reflection-unbound", True, "reflection_accepted"),
                ("reflection", False, "reflection_rejected"),
            ],
        ),
        ("downgrade", [("downgrade", False, "downgrade_rejected")]),
        ("multi", [("multi", True, "multi")]),
    ],
)
def test_scenarios_run_for_real(scenario: str, expected: list[tuple[str, bool, str]]) -> None:
    recorder = Recorder()
    outcomes = run_scenario(scenario, Setup(), recorder)
    assert [(o.scenario, o.succeeded, o.explanation) for o in outcomes] == expected


def test_multi_gives_each_client_its_verdict() -> None:
    recorder = Recorder()
    run_scenario("multi", Setup(), recorder)
    verdicts = {
        e.who: e.accepted for e in recorder.events if isinstance(e, AuthVerdict) and e.who != "server"
    }
    assert verdicts == {"client 1": True, "client 2": True, "client 3": True, "client 4 (wrong key)": False}
    server_side = [e for e in recorder.events if isinstance(e, AuthVerdict) and e.who == "server"]
    assert sorted(e.accepted for e in server_side) == [False, True, True, True]
    assert len({e.conn for e in server_side}) == 4  # four connections, four fresh challenges


# --- robustness -------------------------------------------------------------------------------


def _raw_client(server: AuthServer) -> socket.socket:
    sock = socket.create_connection(server.address, timeout=2.0)
    (size,) = struct.unpack("!I", sock.recv(4, socket.MSG_WAITALL))
    sock.recv(size, socket.MSG_WAITALL)  # the challenge
    return sock


def test_a_1mb_response_is_refused_after_its_header_without_buffering() -> None:
    server = AuthServer(AuthConfig(), KEY, Recorder())
    with server:
        sock = _raw_client(server)
        errors: list[BaseException] = []

        def flood() -> None:
            try:
                sock.sendall(struct.pack("!I", 1_000_000) + b"A" * 1_000_000)
            except OSError as exc:  # the server hangs up on us: expected
                errors.append(exc)

        sender = threading.Thread(target=flood)
        sender.start()
        try:
            assert server.wait_results(1, 5.0)
        finally:
            sock.close()
            sender.join()
    (result,) = server.results
    assert (result.accepted, result.reason) == (False, "frame_too_large")
    assert result.bytes_read <= 512  # one small read - the header was enough to refuse


def test_a_one_byte_at_a_time_client_is_cut_off_at_the_deadline() -> None:
    server = AuthServer(AuthConfig(deadline_s=0.4), KEY, Recorder())
    with server:
        sock = _raw_client(server)
        started = time.monotonic()
        try:
            frame = struct.pack("!I", 32) + bytes(32)
            for byte in frame:
                try:
                    sock.send(bytes([byte]))
                except OSError:
                    break
                if server.wait_results(1, 0.05):
                    break
            assert server.wait_results(1, 3.0)
        finally:
            sock.close()
        elapsed = time.monotonic() - started
    assert [(r.accepted, r.reason) for r in server.results] == [(False, "timeout")]
    assert elapsed < 1.5


def test_eof_in_the_middle_of_a_frame_ends_as_eof() -> None:
    server = AuthServer(AuthConfig(), KEY, Recorder())
    with server:
        sock = _raw_client(server)
        sock.sendall(struct.pack("!I", 32) + b"half")
        sock.close()
        assert server.wait_results(1, 3.0)
    assert [(r.accepted, r.reason) for r in server.results] == [(False, "eof")]


def test_negative_length_on_the_multiprocessing_wire_is_malformed(mp_server: AuthServer) -> None:
    sock = socket.create_connection(mp_server.address, timeout=2.0)
    with sock:
        (size,) = struct.unpack("!i", sock.recv(4, socket.MSG_WAITALL))
        sock.recv(size, socket.MSG_WAITALL)
        sock.sendall(struct.pack("!i", -1) + bytes(8))
        assert mp_server.wait_results(1, 3.0)
    assert server_verdicts(mp_server) == [(False, "malformed")]


def test_client_against_nothing_listening_reports_instead_of_raising() -> None:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    result = run_client(AuthConfig(deadline_s=1.0), KEY, ("127.0.0.1", port), Recorder())
    assert (result.accepted, result.reason) == (False, "socket_error")


def test_lesson_client_against_nothing_listening_reports_the_same() -> None:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    recorder = Recorder()
    result = run_client(AuthConfig(protocol=LESSON, deadline_s=1.0), KEY, ("127.0.0.1", port), recorder)
    assert (result.accepted, result.reason) == (False, "socket_error")
    verdicts = [e for e in recorder.events if isinstance(e, AuthVerdict)]
    assert [(v.accepted, v.reason) for v in verdicts] == [(False, "socket_error")]


# --- multiprocessing.connection interop: stock 3.11 in this process ----------------------------


def test_stock_311_client_with_the_right_key_is_accepted(mp_server: AuthServer) -> None:
    conn = Client(mp_server.address, authkey=KEY)
    try:
        conn.send_bytes(b"hi from multiprocessing")
        assert conn.recv_bytes() == b"echo: hi from multiprocessing"
    finally:
        conn.close()
    assert mp_server.wait_results(1, 3.0)
    assert server_verdicts(mp_server) == [(True, "ok")]


def test_stock_311_client_with_a_wrong_key_gets_authentication_error(mp_server: AuthServer) -> None:
    with pytest.raises(AuthenticationError, match="digest sent was rejected"):
        Client(mp_server.address, authkey=b"wrong")
    assert mp_server.wait_results(1, 3.0)
    assert server_verdicts(mp_server) == [(False, "wrong_mac")]


@pytest.mark.skipif(
    sys.version_info >= (3, 12), reason="this interpreter's stock client sends {sha256}, not MD5"
)
def test_strict_server_refuses_the_311_legacy_md5_answer() -> None:
    server = AuthServer(AuthConfig(protocol=MULTIPROCESSING, accept_legacy=False), KEY, Recorder())
    with server:
        with pytest.raises(AuthenticationError):
            Client(server.address, authkey=KEY)
        assert server.wait_results(1, 3.0)
    assert server_verdicts(server) == [(False, "legacy_refused")]


@pytest.mark.skipif(sys.version_info < (3, 12), reason="3.11's stock client answers with legacy MD5")
def test_strict_server_accepts_the_stock_312_sha256_answer() -> None:
    server = AuthServer(AuthConfig(protocol=MULTIPROCESSING, accept_legacy=False), KEY, Recorder())
    with server:
        conn = Client(server.address, authkey=KEY)
        conn.close()
        assert server.wait_results(1, 3.0)
    assert server_verdicts(server) == [(True, "ok")]


@pytest.mark.parametrize(("client_key", "accepted"), [(KEY, True), (b"wrong", False)])
def test_our_client_against_a_stock_311_listener(client_key: bytes, accepted: bool) -> None:
    outcome: list[object] = []
    with Listener(("127.0.0.1", 0), authkey=KEY) as listener:

        def serve() -> None:
            try:
                with listener.accept() as conn:
                    conn.send_bytes(b"echo: " + conn.recv_bytes())
                    outcome.append("served")
            except (AuthenticationError, EOFError, OSError) as exc:
                outcome.append(type(exc).__name__)

        thread = threading.Thread(target=serve)
        thread.start()
        try:
            cfg = AuthConfig(protocol=MULTIPROCESSING, deadline_s=3.0)
            result = run_client(cfg, client_key, listener.address, Recorder(), chat=[b"ping"])
        finally:
            thread.join(5.0)
    assert result.accepted is accepted
    if accepted:
        assert result.replies == [b"echo: ping"]
        assert outcome == ["served"]
    else:
        assert result.reason == "rejected_by_server"
        assert outcome == ["AuthenticationError"]


# --- multiprocessing.connection interop: stock 3.12+ ({digest}-prefixed) in a subprocess -------


def _modern_pythons() -> list[str]:
    """Real (not pyenv-shim) Python 3.12+ interpreters on this machine."""
    found = sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.1[2-9]*/bin/python3")))
    for name in ("python3.13", "python3.12"):
        path = shutil.which(name)
        if path and "shims" not in path:
            found.append(path)
    return found


MODERN = _modern_pythons()
needs_modern = pytest.mark.skipif(not MODERN, reason="no Python 3.12+ interpreter to run a stock 3.12 peer")

STOCK_CLIENT = """
import sys
from multiprocessing.connection import Client, AuthenticationError
try:
    c = Client(("127.0.0.1", int(sys.argv[1])), authkey=sys.argv[2].encode())
except AuthenticationError as exc:
    print("AuthenticationError:", exc)
    sys.exit(3)
c.send_bytes(b"hi")
print(sys.version_info[:2], c.recv_bytes().decode())
c.close()
"""

STOCK_LISTENER = """
import sys
from multiprocessing.connection import Listener, AuthenticationError
with Listener(("127.0.0.1", 0), authkey=b"hello") as listener:
    print(listener.address[1], flush=True)
    try:
        conn = listener.accept()
    except AuthenticationError as exc:
        print("AuthenticationError:", exc, flush=True)
        sys.exit(3)
    conn.send_bytes(b"echo: " + conn.recv_bytes())
    conn.close()
print("served", flush=True)
"""


@needs_modern
@pytest.mark.parametrize("strict", [False, True])
def test_stock_312_client_uses_the_prefixed_form_and_is_accepted(strict: bool) -> None:
    recorder = Recorder()
    server = AuthServer(AuthConfig(protocol=MULTIPROCESSING, accept_legacy=not strict), KEY, recorder)
    with server:
        port = str(server.address[1])
        ok = subprocess.run(
            [MODERN[0], "-c", STOCK_CLIENT, port, "hello"], capture_output=True, text=True, timeout=20
        )
        bad = subprocess.run(
            [MODERN[0], "-c", STOCK_CLIENT, port, "wrong"], capture_output=True, text=True, timeout=20
        )
        assert server.wait_results(2, 3.0)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.strip().endswith("echo: hi")
    assert bad.returncode == 3 and "AuthenticationError" in bad.stdout
    answers = [
        e.data
        for e in recorder.events
        if getattr(e, "step", "") == "frame_received" and e.endpoint == "server"
    ]
    assert answers[0][4:].startswith(b"{sha256}")  # the modern answer carries its digest name


@needs_modern
@pytest.mark.parametrize(("key", "accepted"), [(KEY, True), (b"wrong", False)])
def test_our_client_against_a_stock_312_listener(key: bytes, accepted: bool) -> None:
    proc = subprocess.Popen([MODERN[0], "-c", STOCK_LISTENER], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        port = int(proc.stdout.readline())
        cfg = AuthConfig(protocol=MULTIPROCESSING, accept_legacy=False, deadline_s=5.0)
        recorder = Recorder()
        result = run_client(cfg, key, ("127.0.0.1", port), recorder, chat=[b"ping"])
        out = proc.stdout.read()
    finally:
        proc.wait(10)
        if proc.stdout is not None:
            proc.stdout.close()
    assert result.accepted is accepted
    challenge = next(e.data for e in recorder.events if getattr(e, "what", "") == "challenge")
    assert challenge[4:].startswith(b"#CHALLENGE#{sha256}")
    if accepted:
        assert result.replies == [b"echo: ping"] and "served" in out
    else:
        assert "AuthenticationError" in out


# --- the CLI ------------------------------------------------------------------------------------


def _cli_server(*extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "netsim", "auth-server", "--port", "0", "--once", *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )


@pytest.mark.parametrize(("key", "accepted"), [(KEY, True), (b"nope", False)])
def test_cli_auth_server_accepts_a_stock_multiprocessing_client(key: bytes, accepted: bool) -> None:
    proc = _cli_server("--protocol", "multiprocessing", "--key", "hello")
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("listening on 127.0.0.1:"), line
        address = ("127.0.0.1", int(line.split(":")[1].split()[0]))
        if accepted:
            conn = Client(address, authkey=key)
            conn.send_bytes(b"hi")
            assert conn.recv_bytes() == b"echo: hi"
            conn.close()
        else:
            with pytest.raises(AuthenticationError):
                Client(address, authkey=key)
        out, err = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err
    assert ("VERDICT ACCEPTED" in out) is accepted
    assert "compare_digest" in out


def test_cli_auth_client_against_cli_auth_server() -> None:
    proc = _cli_server("--digest", "sha512")
    try:
        assert proc.stdout is not None
        port = proc.stdout.readline().split(":")[1].split()[0]
        client = subprocess.run(
            [
                sys.executable,
                "-m",
                "netsim",
                "auth-client",
                "--port",
                port,
                "--digest",
                "sha512",
                "--message",
                "hi",
            ],
            capture_output=True,
            text=True,
            timeout=20,
            cwd=REPO,
        )
        proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert client.returncode == 0, client.stdout + client.stderr
    assert "VERDICT ACCEPTED" in client.stdout
    assert "6563686f3a206869" in client.stdout  # "echo: hi" in hex


@pytest.mark.parametrize(
    ("scenario", "verdict"), [("replay", "rejected"), ("fixed-challenge-replay", "accepted")]
)
def test_cli_hmac_json_reports_the_replay(
    scenario: str, verdict: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli_main(["hmac", "--scenario", scenario, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    (outcome,) = doc["outcomes"]
    assert outcome["verdict"] == verdict
    assert outcome["succeeded"] is (verdict == "accepted")
    attacker = [v for v in doc["verdicts"] if v["who"] == "attacker"]
    assert [v["accepted"] for v in attacker] == [verdict == "accepted"]
    assert all(set(s["hex"]) <= set("0123456789abcdef") for s in doc["steps"])


def test_cli_hmac_text_prints_every_step(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["hmac", "--scenario", "wrong-key"]) == 0
    out = capsys.readouterr().out
    for word in (
        "generated challenge",
        "sent challenge",
        "computed response",
        "expects response",
        "compare_digest",
        "VERDICT REJECTED",
        "== wrong-key: failed",
    ):
        assert word in out


def test_cli_rejects_a_digest_the_protocol_does_not_offer(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["hmac", "--digest", "md5"]) == 2
    assert "digest" in capsys.readouterr().err


# --- the lab (what the panel drives) -----------------------------------------------------------


def test_lab_step_mode_waits_at_the_gate_and_close_joins_everything() -> None:
    recorder = Recorder()
    lab = AuthLab(recorder)
    try:
        lab.start("good", Setup(), stepping=True)
        assert lab.gate is not None and lab.gate.wait_pending(3.0)
        assert not lab.is_idle() and not lab.finished
        with pytest.raises(RuntimeError, match="still running"):
            lab.start("good", Setup())  # one job at a time
        released = lab.step()  # the challenge goes out
        assert isinstance(released, PendingCall)
        assert recorder.wait_for("AuthStep", 3.0) is not None
    finally:
        lab.close()  # mid-exchange: wakes the gate, joins the worker and the server
    assert lab.is_idle() and lab.finished


def test_lab_runs_to_the_end_when_not_stepping() -> None:
    recorder = Recorder()
    lab = AuthLab(recorder)
    try:
        lab.start(["replay", "fixed-challenge-replay"], Setup())
        assert lab.wait(10.0)
        assert recorder.wait_for("RunFinished", 0.0) is not None
    finally:
        lab.close()
    assert [(o.scenario, o.succeeded) for o in lab.outcomes] == [
        ("replay", False),
        ("fixed-challenge-replay", True),
    ]
    assert macs.EXPLANATIONS[lab.outcomes[1].explanation].startswith("The insecure server")
