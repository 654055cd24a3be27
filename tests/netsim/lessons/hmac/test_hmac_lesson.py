"""``--protocol lesson``: the lesson's own unframed exchange, against the lesson's own programs.

The lesson's four section-7 scripts (tests/lesson_programs/s7_*.py, verbatim but for address,
key and digest from the environment) run as subprocesses on 127.0.0.1.  Every wait is bounded;
every process is started in its own session and its whole group killed in ``finally``.
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from netsim.auth import macs
from netsim.auth.events import STEP_LESSON_VERDICT, STEP_WEAKNESS, AuthStep, AuthVerdict
from netsim.auth.lesson_form import run_lesson_client
from netsim.auth.machines import (
    LESSON,
    READS_AS_WRITTEN,
    AuthConfig,
    LessonClient,
    LessonServer,
    Outgoing,
)
from netsim.auth.transport import AuthServer, run_client
from netsim.core.recorder import Recorder
from netsim.lessons.hmac.scenarios import Setup, run_scenario
from tests.lesson_programs import path as lesson_path
from tests.procs import TIMEOUT_S, Proc, free_port, netsim, running, wait_listening

KEY = "hello"


# --- processes ------------------------------------------------------------------------------


@contextmanager
def proc(argv: list[str], env: dict[str, str] | None = None) -> Iterator[Proc]:
    """The lesson's scripts read no stdin: it is /dev/null."""
    with running(argv, env, stdin=subprocess.DEVNULL) as p:
        yield p


def lesson(name: str) -> list[str]:
    return [sys.executable, str(lesson_path(name))]


def lesson_env(port: int, key: str = KEY, **extra: str) -> dict[str, str]:
    return {"LESSON_HOST": "127.0.0.1", "LESSON_PORT": str(port), "LESSON_KEY": key, **extra}


@contextmanager
def auth_server(*args: str) -> Iterator[tuple[Proc, int]]:
    """``netsim auth-server --protocol lesson --once`` on a port the kernel picks."""
    with proc(netsim("auth-server", "--protocol", "lesson", "--port", "0", "--once", *args)) as p:
        match = re.match(r"listening on 127\.0\.0\.1:(\d+) \(lesson ", p.read_line())
        assert match, p.lines
        yield p, int(match.group(1))


@contextmanager
def lesson_server(name: str, env: dict[str, str]) -> Iterator[Proc]:
    with proc(lesson(name), env) as p:
        wait_listening(p, int(env["LESSON_PORT"]), name)
        yield p


# --- the lesson's clients against netsim auth-server --protocol lesson ------------------------

CLIENTS = [
    ("s7_hmac_client.py", [], {"LESSON_DIGEST": "md5"}),
    ("s7_hmac_client.py", ["--digest", "sha256"], {"LESSON_DIGEST": "sha256"}),
    ("s7_hashlib_client.py", ["--variant", "legacy-sha1"], {}),
]


@pytest.mark.parametrize(("client", "server_args", "env"), CLIENTS)
@pytest.mark.parametrize(("key", "words"), [(KEY, macs.LESSON_ACCEPTED), ("wrong", macs.LESSON_REFUSED)])
def test_the_lessons_clients_against_our_lesson_server(
    client: str, server_args: list[str], env: dict[str, str], key: str, words: str
) -> None:
    with auth_server(*server_args) as (srv, port):
        with proc(lesson(client), lesson_env(port, key, **env)) as cli:
            code, out, err = cli.finish()
            assert code == 0, (out, err)
        code, out, err = srv.finish()
    assert code == 0, err
    printed = [line for line in out.splitlines() if " prints " in line]
    assert len(printed) == 1, out
    assert printed[0].split(" prints ")[1].split(" (")[0] == words
    gloss = macs.LESSON_ACCEPTED_GLOSS if words == macs.LESSON_ACCEPTED else macs.LESSON_REFUSED_GLOSS
    assert f"({gloss})" in printed[0]
    assert ("VERDICT ACCEPTED" in out) == (words == macs.LESSON_ACCEPTED)
    assert "Traceback" not in err


def test_the_lessons_hmac_client_trusts_a_short_recv_and_is_refused_with_the_right_key() -> None:
    """A slow server (8-byte pieces, 0.3 s apart): the lesson's recv(32) returns 8 bytes."""
    with auth_server("--segment", "8", "--pause", "0.3") as (srv, port):
        with proc(lesson("s7_hmac_client.py"), lesson_env(port, KEY, LESSON_DIGEST="md5")) as cli:
            code, out, err = cli.finish()
            assert code == 0, (out, err)
        code, out, err = srv.finish()
    assert code == 0, err
    assert f"prints {macs.LESSON_REFUSED}" in out
    assert "piece 1 of 4 (8 bytes)" in out


# --- netsim auth-client --protocol lesson against the lesson's servers ------------------------

SERVERS = [
    ("s7_hmac_server.py", [], {"LESSON_DIGEST": "md5"}),
    ("s7_hmac_server.py", ["--digest", "sha512"], {"LESSON_DIGEST": "sha512"}),
    ("s7_hashlib_server.py", ["--variant", "legacy-sha1"], {}),
]


@pytest.mark.parametrize(("server", "client_args", "env"), SERVERS)
@pytest.mark.parametrize(("key", "words"), [(KEY, macs.LESSON_ACCEPTED), ("wrong", macs.LESSON_REFUSED)])
def test_our_lesson_client_against_the_lessons_servers(
    server: str, client_args: list[str], env: dict[str, str], key: str, words: str
) -> None:
    port = free_port()
    with lesson_server(server, lesson_env(port, KEY, **env)) as srv:
        with proc(
            netsim("auth-client", "--protocol", "lesson", "--port", str(port), "--key", key, *client_args)
        ) as cli:
            code, out, err = cli.finish()
        # The lesson's exchange has no verdict on the wire: the client only knows it answered.
        assert code == 0, (out, err)
        assert "VERDICT UNKNOWN" in out
        code, server_out, err = srv.finish()
    assert code == 0, err
    assert server_out.splitlines() == [words]


def test_glued_answer_and_message_are_refused_by_the_lessons_server() -> None:
    """No framing after the check: answer + first message in one send() is one wrong answer to
    the lesson's recv(1024), and the only sign the client gets is the close."""
    port = free_port()
    with lesson_server("s7_hmac_server.py", lesson_env(port, KEY, LESSON_DIGEST="md5")) as srv:
        argv = netsim("auth-client", "--protocol", "lesson", "--port", str(port), "--glue", "--message", "hi")
        with proc(argv) as cli:
            code, out, err = cli.finish()
        assert code == 1, (out, err)
        assert "VERDICT REJECTED" in out
        code, server_out, err = srv.finish()
    assert server_out.splitlines() == [macs.LESSON_REFUSED]


# --- in process: machines, transport limits, scenarios ---------------------------------------


def test_machines_agree_without_sockets() -> None:
    for variant, digest, size in (("hmac", "md5", 16), ("hmac", "sha256", 32), ("legacy-sha1", "md5", 40)):
        cfg = AuthConfig(protocol=LESSON, variant=variant, digest=digest)
        server, client = LessonServer(cfg, b"k"), LessonClient(cfg, b"k")
        server.start()
        client.start()
        (challenge,) = [a for a in server.take_actions() if isinstance(a, Outgoing)]
        assert len(challenge.payload) == 32 == client.want
        client.receive(challenge.payload)
        (answer,) = [a for a in client.take_actions() if isinstance(a, Outgoing)]
        assert len(answer.payload) == size == server.want
        assert client.reason == "no_verdict"
        server.receive(answer.payload)
        words = [a.detail for a in server.take_actions() if getattr(a, "step", "") == STEP_LESSON_VERDICT]
        assert (server.accepted, words) == (True, [macs.LESSON_ACCEPTED])


def test_lesson_server_compares_with_compare_digest(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[bytes, bytes]] = []
    real = macs.hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(macs.hmac, "compare_digest", spy)
    cfg = AuthConfig(protocol=LESSON, digest="md5")
    server = LessonServer(cfg, b"k")
    server.start()
    server.receive(b"x" * 16)
    assert server.accepted is False and len(calls) == 1
    notes = [a for a in server.take_actions() if getattr(a, "step", "") == STEP_WEAKNESS]
    assert [n.detail for n in notes] == ["equals"]


def test_lesson_config_rejects_variants_it_does_not_have() -> None:
    with pytest.raises(ValueError, match="variants"):
        AuthConfig(protocol=LESSON, variant="mutual")
    with pytest.raises(ValueError, match="lesson digest"):
        AuthConfig(protocol=LESSON, digest="whirlpool")


def _events(recorder: Recorder, side: str) -> list[tuple[bool, str]]:
    return [
        (e.accepted, e.reason) for e in recorder.events if isinstance(e, AuthVerdict) and e.endpoint == side
    ]


def test_a_flooding_client_is_refused_after_the_answers_size_and_nothing_more_is_read() -> None:
    recorder = Recorder()
    cfg = AuthConfig(protocol=LESSON, digest="md5")
    with (
        AuthServer(cfg, b"hello", recorder, chat_idle_s=1.0) as server,
        socket.create_connection(server.address, timeout=TIMEOUT_S) as sock,
    ):
        got = b""
        while len(got) < 32:
            got += sock.recv(32 - len(got))
        try:
            sock.sendall(b"A" * 200_000)
        except OSError:
            pass  # the server may already have hung up: that is the point
        assert server.wait_results(1, TIMEOUT_S)
    assert server.results[0].reason == "wrong_mac"
    assert server.results[0].bytes_read == 16  # the pre-authentication read is the answer's size
    assert _events(recorder, "server") == [(False, "wrong_mac")]


def test_a_trickling_client_is_cut_off_at_the_deadline() -> None:
    recorder = Recorder()
    cfg = AuthConfig(protocol=LESSON, deadline_s=0.5)
    with (
        AuthServer(cfg, b"hello", recorder) as server,
        socket.create_connection(server.address, timeout=TIMEOUT_S) as sock,
    ):
        started = time.monotonic()
        for _ in range(4):
            sock.sendall(b"x")
            time.sleep(0.1)
        assert server.wait_results(1, TIMEOUT_S)
        assert time.monotonic() - started < 3.0
    assert server.results[0].reason == "timeout"
    steps = [e.detail for e in recorder.events if isinstance(e, AuthStep) and e.step == STEP_LESSON_VERDICT]
    assert steps == [macs.LESSON_REFUSED]


def test_our_client_and_server_speak_it_and_learn_acceptance_from_the_echo() -> None:
    recorder = Recorder()
    cfg = AuthConfig(protocol=LESSON, variant="legacy-sha1")
    with AuthServer(cfg, b"hello", recorder, chat_idle_s=1.0) as server:
        good = run_client(cfg, b"hello", server.address, recorder, who="good", chat=(b"hi",))
        bad = run_client(cfg, b"nope", server.address, recorder, who="bad", chat=(b"hi",))
        silent = run_client(cfg, b"hello", server.address, recorder, who="silent", chat=())
        assert server.wait_results(3, TIMEOUT_S)
    assert (good.accepted, good.reason, good.replies) == (True, "lesson_reply", [b"echo: hi"])
    assert (bad.accepted, bad.reason) == (False, "closed_no_verdict")
    assert (silent.accepted, silent.reason) == (False, "no_verdict")
    assert sorted(r.accepted for r in server.results) == [False, True, True]


def test_an_as_written_client_answers_a_short_challenge() -> None:
    recorder = Recorder()
    server_cfg = AuthConfig(protocol=LESSON, segment_bytes=10, segment_pause_s=0.3)
    client_cfg = AuthConfig(protocol=LESSON, reads=READS_AS_WRITTEN)
    with AuthServer(server_cfg, b"hello", recorder) as server:
        res = run_lesson_client(client_cfg, b"hello", server.address, recorder)
        assert server.wait_results(1, TIMEOUT_S)
    assert (res.accepted, res.reason) == (False, "short_challenge")
    assert server.results[0].accepted is False


@pytest.mark.parametrize("scenario", ["lesson-short-read", "lesson-glued", "good", "wrong-key"])
def test_lesson_scenarios_show_what_they_claim(scenario: str) -> None:
    cfg = AuthConfig(protocol=LESSON, digest="md5")
    outcomes = run_scenario(scenario, Setup(server=cfg, client=cfg), Recorder())
    expected = {"wrong-key": False}.get(scenario, True)
    assert [o.succeeded for o in outcomes] == [expected]


# --- netsim hmac --protocol lesson ------------------------------------------------------------


def test_hmac_cli_runs_the_lessons_form_with_md5_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    from netsim.cli import main as cli_main

    assert cli_main(["hmac", "--protocol", "lesson", "--scenario", "lesson-short-read", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert (doc["protocol"], doc["digest"]) == ("lesson", "md5")
    assert [o["explanation"] for o in doc["outcomes"]] == ["lesson_short_read"]
    assert any(s["step"] == "weakness" and s["detail"] == "short_read" for s in doc["steps"])
    words = [s["detail"] for s in doc["steps"] if s["step"] == STEP_LESSON_VERDICT]
    assert words == [macs.LESSON_REFUSED, macs.LESSON_ACCEPTED]


@pytest.mark.parametrize(
    "argv",
    [
        ["hmac", "--protocol", "lesson", "--scenario", "replay"],
        ["hmac", "--scenario", "lesson-glued"],
        ["hmac", "--protocol", "lesson", "--variant", "mutual"],
        ["auth-server", "--segment", "8"],
    ],
)
def test_hmac_cli_refuses_combinations_that_do_not_exist(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    from netsim.cli import main as cli_main

    assert cli_main(argv) == 2
    assert capsys.readouterr().err.strip()
