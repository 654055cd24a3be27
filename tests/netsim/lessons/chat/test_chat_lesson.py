"""``netsim chat-server/chat-client --lesson 4|5|6`` against the lesson's own chat programs, and
the one-line framing hint.

The lesson's programs (tests/lesson_programs/, verbatim) and ours run as subprocesses on
127.0.0.1; both stdins are driven line by line, each turn waited for; every read has a deadline
(``--timeout 10`` inside our programs too) and every process group is killed in ``finally``.
Prompts are ``input('>>>')``'s bare ``>>>`` (no newline), so output is matched as a stream.
"""

from __future__ import annotations

import re
import socket
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import psutil
import pytest

from netsim.framing import make_codec
from netsim.lessons.chat.hint import framing_hint
from tests.lesson_programs import path as lesson_path
from tests.procs import TIMEOUT_S, Proc, free_port, netsim, wait_listening


class StreamProc(Proc):
    """Prompts are a bare ``>>>`` with no newline: stdout is matched as a stream, not line by line."""

    decode_errors = "replace"
    _pos = 0  # how far expect() has consumed

    @property
    def out(self) -> str:
        """Everything read from stdout so far."""
        return self.raw.decode("utf-8", "replace")

    def expect(self, pattern: str, timeout_s: float = TIMEOUT_S) -> re.Match[str]:
        """Wait until ``pattern`` (regex) appears in stdout after what was matched before."""
        deadline = time.monotonic() + timeout_s
        while True:
            match = re.compile(pattern).search(self.out, self._pos)
            if match:
                self._pos = match.end()
                return match
            self.read_more(deadline, repr(pattern))


@contextmanager
def proc(argv: list[str], env: dict[str, str] | None = None) -> Iterator[StreamProc]:
    p = StreamProc(argv, env)
    try:
        yield p
    finally:
        p.kill()


@contextmanager
def chat_server(*args: str) -> Iterator[tuple[StreamProc, int]]:
    argv = netsim("chat-server", "--port", "0", "--timeout", "10", *args)
    with proc(argv) as p:
        yield p, int(p.expect(r"TCP server listening on 127\.0\.0\.1:(\d+)").group(1))


def lesson_client(name: str, port: int) -> list[str]:
    return [sys.executable, str(lesson_path(name))]


def env_for(port: int) -> dict[str, str]:
    return {"LESSON_HOST": "127.0.0.1", "LESSON_PORT": str(port)}


# --- the lesson's clients against our --lesson servers ---------------------------------------


def test_section_4_client_chats_both_ways_with_chat_server_lesson_4() -> None:
    with chat_server("--lesson", "4", "--once") as (srv, port):
        assert "section 四" in srv.out and "no framing" in srv.out
        with proc(lesson_client("s4_chat_client.py", port), env_for(port)) as cli:
            srv.expect(r"client connected from 127\.0\.0\.1:\d+\n>>>")  # the server speaks first
            srv.type("hi 你好")
            cli.expect(r"hi 你好\n>>>")
            cli.type("yo from the lesson")
            srv.expect(r"yo from the lesson\n>>>")
            srv.type("second round")
            cli.expect(r"second round\n>>>")
            cli.type("q")  # the lesson's client sends q and leaves
            code, out, err = cli.finish()
            assert code == 0, (out, err)
        srv.expect(r"conversation ended \(peer-quit\)\n")
        code, out, err = srv.finish()
    assert code == 0, err
    assert "hint:" not in out


def test_section_4_server_typing_q_ends_the_lessons_client() -> None:
    with chat_server("--lesson", "4", "--once") as (srv, port):
        with proc(lesson_client("s4_chat_client.py", port), env_for(port)) as cli:
            srv.expect(r">>>")
            srv.type("q")
            code, out, err = cli.finish()
            assert (code, out) == (0, ""), err
        srv.expect(r"conversation ended \(quit\)")
        assert srv.finish()[0] == 0


def test_section_5_client_chats_both_ways_with_chat_server_lesson_5() -> None:
    with chat_server("--lesson", "5", "--once") as (srv, port):
        assert "section 五" in srv.out and "native 'i'" in srv.out
        with proc(lesson_client("s5_struct_client.py", port), env_for(port)) as cli:
            cli.expect(r">>>")  # the client speaks first
            srv.expect(r"client connected from 127\.0\.0\.1:\d+\n")
            cli.type("hello 你好")
            srv.expect(r"hello 你好\n>>>")
            srv.type("回复 reply")
            cli.expect(r"回复 reply\n>>>")
            cli.type("again")
            srv.expect(r"again\n>>>")
            srv.type("ok")
            cli.expect(r"ok\n>>>")
            cli.type("q")
            code, out, err = cli.finish()
            assert code == 0, (out, err)
        srv.expect(r"conversation ended \(peer-quit\)")
        code, out, err = srv.finish()
    assert code == 0, err


# --- our --lesson clients against the lesson's servers ----------------------------------------


@contextmanager
def lesson_server(name: str) -> Iterator[tuple[StreamProc, int]]:
    port = free_port()
    with proc([sys.executable, str(lesson_path(name))], env_for(port)) as p:
        wait_listening(p, port, name)
        yield p, port


def our_client(section: str, port: int) -> list[str]:
    return [
        *(sys.executable, "-m", "netsim", "chat-client", "--lesson", section),
        *("--port", str(port), "--timeout", "10"),
    ]


def test_chat_client_lesson_4_against_the_section_4_server() -> None:
    with lesson_server("s4_chat_server.py") as (srv, port), proc(our_client("4", port)) as cli:
        cli.expect("connected to")
        srv.expect(r">>>")
        srv.type("hi")
        cli.expect(r"hi\n>>>")
        cli.type("yo")
        srv.expect(r"yo\n>>>")
        srv.type("q")
        code, out, err = cli.finish()
        assert code == 0, (out, err)
        assert "the server closed" not in out  # q ended it, not a close


def test_chat_client_lesson_5_against_the_section_5_server() -> None:
    with lesson_server("s5_struct_server.py") as (srv, port), proc(our_client("5", port)) as cli:
        cli.expect(r"connected to .*\n>>>")
        cli.type("hi")
        srv.expect(r"hi\n>>>")
        srv.type("yo")
        cli.expect(r"yo\n>>>")
        cli.type("q")
        code, out, err = cli.finish()
        assert code == 0, (out, err)


# --- the framing hint --------------------------------------------------------------------------


def test_default_framing_server_hints_at_none_for_the_section_4_client() -> None:
    """Today's default (a newline per message) against section 四's client: a hint, not silence."""
    with chat_server("--once") as (srv, port):
        with proc(lesson_client("s4_chat_client.py", port), env_for(port)) as cli:
            srv.expect("client connected")
            srv.type("hello")
            cli.expect(r">>>")
            cli.type("yo")
            hint = srv.expect(r"hint: (.*)\n").group(1)
            assert "try --framing none" in hint
            assert "\n" not in hint
            cli.kill()
        srv.expect(r"conversation ended")


def test_length_i_server_hints_at_none_for_unframed_bytes() -> None:
    with (
        chat_server("--lesson", "5", "--once") as (srv, port),
        socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT_S) as sock,
    ):
        srv.expect("client connected")
        sock.sendall(b"hi")  # two bare bytes: a length:i reader would wait for ever
        assert "try --framing none" in srv.expect(r"hint: (.*)\n").group(1)


@pytest.mark.parametrize(
    ("spec", "data", "advice"),
    [
        ("length:i", b"hello", "--framing none"),
        ("length:i", "你好".encode(), "--framing none"),
        ("length:i", b"yo", "--framing none"),
        ("length", b"\xff\xff\xff\xff", "--framing none"),
        ("delimiter", b"hello", "--framing none"),
        ("delimiter", b"\x05\x00\x00\x00hello", "--framing length:i"),
        ("none", b"\x05\x00\x00\x00hello", "--framing length:i"),
    ],
)
def test_hint_for_a_mismatch(spec: str, data: bytes, advice: str) -> None:
    hint = framing_hint(make_codec(spec), data)
    assert hint is not None and advice in hint and "\n" not in hint


@pytest.mark.parametrize(
    ("spec", "data"),
    [
        ("length:i", b"\x05\x00\x00\x00hello"),
        ("length:i", b"\x05\x00"),
        ("length", b"\x00\x00\x00\x02hi"),
        ("delimiter", b"hello\n"),
        ("none", b"hello"),
        ("none", "你好".encode()),
    ],
)
def test_no_hint_when_the_framing_fits(spec: str, data: bytes) -> None:
    assert framing_hint(make_codec(spec), data) is None


# --- section 四's UDP chat ---------------------------------------------------------------------


def test_section_4_udp_client_chats_both_ways_with_chat_server_lesson_4_udp() -> None:
    argv = netsim("chat-server", "--port", "0", "--timeout", "10", "--lesson", "4", "--udp")
    with proc(argv) as srv:
        port = int(srv.expect(r"UDP server on 127\.0\.0\.1:(\d+)").group(1))
        with proc(lesson_client("s4_udp_chat_client.py", port), env_for(port)) as cli:
            cli.expect(r">>>")  # the client speaks first
            cli.type("hi 你好 over UDP")
            srv.expect(r"hi 你好 over UDP\n>>>")
            srv.type("回复 reply")
            cli.expect(r"回复 reply\n>>>")
            cli.type("q")  # the lesson's client leaves without sending
            code, out, err = cli.finish()
            assert code == 0, (out, err)


def wait_udp_bound(port: int, timeout_s: float = TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout_s
    while not any(c.laddr and c.laddr.port == port for c in psutil.net_connections(kind="udp4")):
        assert time.monotonic() < deadline, f"nothing bound UDP port {port}"
        time.sleep(0.02)


def test_chat_client_lesson_4_udp_chats_with_the_lessons_udp_server() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:  # a UDP port free a moment ago
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    with proc([sys.executable, str(lesson_path("s4_udp_chat_server.py"))], env_for(port)) as srv:
        wait_udp_bound(port)  # a datagram sent before the lesson's server binds would be lost
        argv = netsim("chat-client", "--port", str(port), "--timeout", "10", "--lesson", "4", "--udp")
        with proc(argv) as cli:
            cli.expect(r">>>")
            cli.type("hello from netsim")
            srv.expect(r"hello from netsim\n>>>")
            srv.type("hello back")
            cli.expect(r"hello back\n>>>")
            cli.type("Q")
            code, out, err = cli.finish()
            assert code == 0, (out, err)


def test_lesson_udp_is_section_4_only() -> None:
    argv = netsim("chat-server", "--port", "0", "--timeout", "10", "--lesson", "5", "--udp")
    with proc(argv) as srv:
        code, out, err = srv.finish()
    assert code != 0
    assert "section 四" in out + err
