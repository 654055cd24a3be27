"""``netsim chat-server --lesson 6``: section 六's socketserver server, many clients at once.

Against the lesson's own clients (two of section 四's at once, section 六's ping-pong client) and
hostile raw sockets on 127.0.0.1.  Every wait has a deadline; every process is killed in cleanup.
"""

from __future__ import annotations

import os
import re
import selectors
import socket
import struct
import sys
import time
from contextlib import ExitStack

import psutil

from netsim.lessons.chat.peer import MAX_CLIENTS
from netsim.lessons.chat.section6 import printable
from tests.lesson_programs import path as lesson_path
from tests.netsim.lessons.chat.test_chat_lesson import (
    StreamProc,
    chat_server,
    env_for,
    lesson_server,
    our_client,
    proc,
)
from tests.procs import TIMEOUT_S

HEI = "嘿嘿嘿".encode()


def lesson_client(name: str) -> list[str]:
    return [sys.executable, str(lesson_path(name))]


def label_of(p: StreamProc, port: int) -> str:
    """``127.0.0.1:PORT`` of ``p``'s connection to ``port``: how the server labels that client."""
    deadline = time.monotonic() + TIMEOUT_S
    while True:
        for conn in psutil.Process(p.proc.pid).net_connections(kind="tcp4"):
            if conn.raddr and conn.raddr.port == port:
                return f"127.0.0.1:{conn.laddr.port}"
        assert time.monotonic() < deadline, "the client never connected"
        time.sleep(0.02)


def label(sock: socket.socket) -> str:
    host, port = sock.getsockname()
    return f"{host}:{port}"


def recv_exactly(sock: socket.socket, size: int) -> bytes:
    sock.settimeout(TIMEOUT_S)
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        assert chunk, f"closed after {data!r}"
        data += chunk
    return data


def connect(port: int) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT_S)


# --- the lesson's clients against our --lesson 6 server ---------------------------------------


def test_two_section_4_clients_chat_at_once_with_chat_server_lesson_6() -> None:
    """Section 六's client is section 四's: two of them, each at its own point of its turns."""
    with chat_server("--lesson", "6", "--once") as (srv, port):
        assert "section 六" in srv.out and "nothing to type" in srv.out
        env = env_for(port)
        with (
            proc(lesson_client("s4_chat_client.py"), env) as a,
            proc(lesson_client("s4_chat_client.py"), env) as b,
        ):
            a.expect(r"嘿嘿嘿\n>>>")  # the server speaks first, by itself: nobody typed it
            b.expect(r"嘿嘿嘿\n>>>")
            la, lb = label_of(a, port), label_of(b, port)
            assert la != lb
            a.type("from A 你好")
            srv.expect(rf"\[{re.escape(la)}\] from A 你好\n")
            a.expect(r"嘿嘿嘿\n>>>")  # A's next turn, while B still sits at its first prompt
            a.type("A again")
            srv.expect(rf"\[{re.escape(la)}\] A again\n")
            a.expect(r"嘿嘿嘿\n>>>")
            b.type("from B")
            srv.expect(rf"\[{re.escape(lb)}\] from B\n")
            b.expect(r"嘿嘿嘿\n>>>")
            a.type("q")  # the lesson's client sends q and leaves
            code, out, err = a.finish()
            assert code == 0, (out, err)
            srv.expect(rf"\[{re.escape(la)}\] q\n")
            srv.expect(r"the lesson's server gives q no meaning")
            srv.expect(rf"conversation with {re.escape(la)} ended \((closed|reset|gone)\)")
            b.type("still here")  # B is served on after A left
            srv.expect(rf"\[{re.escape(lb)}\] still here\n")
            b.expect(r"嘿嘿嘿\n>>>")
            b.type("Q")
            code, out, err = b.finish()
            assert code == 0, (out, err)
        srv.expect(rf"conversation with {re.escape(lb)} ended .*; 0 client\(s\) still connected\n")
        code, out, err = srv.finish()  # --once: no client left after the first came
    assert code == 0, err
    assert "hint" not in srv.out + out


def test_section_6_client_ping_pongs_with_chat_server_lesson_6_until_killed() -> None:
    """Section 六's own client answers every '嘿嘿嘿' with '1111' by itself: the ping-pong never
    ends (as with the lesson's server); killing it ends that handler only."""
    with chat_server("--lesson", "6") as (srv, port):
        with proc(lesson_client("s6_socketserver_client.py"), env_for(port)) as cli:
            cli.expect(r"嘿嘿嘿\n")
            who = re.escape(label_of(cli, port))
            for _ in range(20):
                srv.expect(rf"\[{who}\] 1111\n")
        srv.expect(rf"conversation with {who} ended \((closed|reset|gone)\)")
        with connect(port) as sock:  # the server goes on
            assert recv_exactly(sock, len(HEI)) == HEI


# --- our --lesson 6 client against the lesson's server ------------------------------------------


def read_stderr_until(p: StreamProc, needle: str, timeout_s: float = TIMEOUT_S) -> str:
    assert p.proc.stderr is not None
    fd = p.proc.stderr.fileno()
    deadline = time.monotonic() + timeout_s
    err = b""
    with selectors.DefaultSelector() as sel:
        sel.register(fd, selectors.EVENT_READ)
        while needle.encode() not in err:
            left = deadline - time.monotonic()
            assert left > 0 and sel.select(left), f"{needle!r} not on stderr: {err!r}"
            chunk = os.read(fd, 65536)
            assert chunk, f"stderr closed before {needle!r}: {err!r}"
            err += chunk
    return err.decode("utf-8", "replace")


def test_two_chat_clients_lesson_6_against_the_socketserver_server() -> None:
    """Ours is section 四's client; the lesson's ThreadingTCPServer serves two of them at once.
    That server never exits: ``lesson_server`` kills it (SIGKILL to its group, reaped, bounded)."""
    with (
        lesson_server("s6_socketserver_server.py") as (srv, port),
        proc(our_client("6", port)) as a,
        proc(our_client("6", port)) as b,
    ):
        a.expect(r"嘿嘿嘿\n>>>")  # the lesson's server speaks first, by itself
        b.expect(r"嘿嘿嘿\n>>>")
        a.type("one from A")
        srv.expect(r"one from A\n")
        a.expect(r"嘿嘿嘿\n>>>")
        b.type("one from B")
        srv.expect(r"one from B\n")
        b.expect(r"嘿嘿嘿\n>>>")
        a.type("q")
        code, out, err = a.finish()
        assert code == 0, (out, err)
        srv.expect(r"(?m)^q\n")
        # The lesson's handler never checks for b'': it dies at a later send (the server goes on).
        traceback = read_stderr_until(srv, "Error")
        assert "BrokenPipeError" in traceback or "ConnectionResetError" in traceback, traceback
        b.type("B still served")
        srv.expect(r"B still served\n")
        b.expect(r"嘿嘿嘿\n>>>")
        b.type("Q")
        code, out, err = b.finish()
        assert code == 0, (out, err)


# --- hostile clients ------------------------------------------------------------------------------


def test_a_silent_client_delays_nobody_and_is_closed_at_its_deadline() -> None:
    with chat_server("--lesson", "6", "--timeout", "1") as (srv, port), connect(port) as silent:
        assert recv_exactly(silent, len(HEI)) == HEI  # then it never answers
        with connect(port) as busy:
            quiet, talker = re.escape(label(silent)), re.escape(label(busy))
            deadline = time.monotonic() + TIMEOUT_S
            turns = 0
            while f"conversation with {label(silent)} ended (idle)" not in srv.out:
                assert time.monotonic() < deadline, srv.out
                assert recv_exactly(busy, len(HEI)) == HEI  # served at once, every turn
                busy.sendall(f"turn {turns}".encode())
                srv.expect(rf"\[{talker}\] turn {turns}\n")
                turns += 1
                time.sleep(0.1)
            assert turns >= 5  # the silent client's second went by meanwhile
            assert re.search(rf"client {quiet} sent nothing for 1 s", srv.out)
            assert recv_exactly(busy, len(HEI)) == HEI  # and the talker is served on
            busy.sendall(b"after")
            srv.expect(rf"\[{talker}\] after\n")


def test_more_clients_than_the_cap_evict_the_longest_idle_one() -> None:
    with chat_server("--lesson", "6") as (srv, port), ExitStack() as stack:
        socks = []
        for _ in range(MAX_CLIENTS):
            socks.append(stack.enter_context(connect(port)))
            srv.expect(rf"client connected from {re.escape(label(socks[-1]))} ")
        socks.append(stack.enter_context(connect(port)))
        oldest = re.escape(label(socks[0]))
        srv.expect(rf"more than {MAX_CLIENTS} clients: closing the longest-idle client {oldest}\n")
        srv.expect(rf"conversation with {oldest} ended \(evicted\)")
        srv.expect(rf"client connected from {re.escape(label(socks[-1]))} \({MAX_CLIENTS} connected\)")
        assert recv_exactly(socks[-1], len(HEI)) == HEI
        socks[-1].sendall(b"newest")
        srv.expect(rf"\[{re.escape(label(socks[-1]))}\] newest\n")


def test_a_reset_ends_that_client_only() -> None:
    with chat_server("--lesson", "6") as (srv, port), connect(port) as other:
        with connect(port) as rude:
            assert recv_exactly(rude, len(HEI)) == HEI
            rude.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        srv.expect(r"reset the connection")
        srv.expect(r"ended \(reset\)")
        assert recv_exactly(other, len(HEI)) == HEI
        other.sendall(b"fine")
        srv.expect(rf"\[{re.escape(label(other))}\] fine\n")


def test_full_reads_are_said_labels_cannot_be_forged_and_framing_is_hinted() -> None:
    with chat_server("--lesson", "6") as (srv, port), connect(port) as sock:
        who = re.escape(label(sock))
        assert recv_exactly(sock, len(HEI)) == HEI
        sock.sendall(b"\x05\x00\x00\x00hello")  # a length:i frame where none is expected
        srv.expect(rf"hint \({who}\): .*try --framing length:i")
        assert recv_exactly(sock, len(HEI)) == HEI
        sock.sendall(b"x" * 1500)  # one recv(1024) is one message: two messages, and said so
        srv.expect(rf"\[{who}\] {'x' * 1024}\n")
        srv.expect(r"recv\(1024\) came back full")
        srv.expect(rf"\[{who}\] {'x' * 476}\n")
        assert recv_exactly(sock, 2 * len(HEI)) == 2 * HEI  # one '嘿嘿嘿' per turn
        sock.sendall(b"a\n[127.0.0.1:1] forged\x1b[2J")
        srv.expect(rf"\[{who}\] a\n\[{who}\] \[127\.0\.0\.1:1\] forged\\x1b\[2J\n")


def test_length_i_override_closes_a_client_that_leaves_a_frame_unfinished() -> None:
    with (
        chat_server("--lesson", "6", "--framing", "length:i", "--timeout", "1") as (srv, port),
        connect(port) as sock,
    ):
        assert recv_exactly(sock, 4 + len(HEI)) == struct.pack("<i", len(HEI)) + HEI
        sock.sendall(struct.pack("<i", 2) + b"hi" + struct.pack("<i", 5) + b"he")
        srv.expect(rf"\[{re.escape(label(sock))}\] hi\n")
        srv.expect(r"left a frame unfinished for 1 s")
        srv.expect(r"ended \(too slow\)")


def test_printable_escapes_control_characters_only() -> None:
    assert printable("你好\tok") == "你好\tok"
    assert printable("a\x1b[2Jb\r") == "a\\x1b[2Jb\\r"
    assert printable("\u3000全角") == "\u3000全角"  # an ideographic space is text, not a control


def test_a_half_closed_client_ends_its_handler_instead_of_an_endless_loop() -> None:
    """The lesson's handler loops for ever on a client that only half-closes (recv gives b'' at
    once, every turn); ours ends it at the first b'' and says why."""
    with chat_server("--lesson", "6") as (srv, port), connect(port) as sock:
        who = re.escape(label(sock))
        assert recv_exactly(sock, len(HEI)) == HEI
        sock.sendall(b"bye")
        sock.shutdown(socket.SHUT_WR)  # still reading
        srv.expect(rf"\[{who}\] bye\n")
        srv.expect(rf"{who} closed the connection \(recv returned b''\): its handler ends\n")
        srv.expect(r"the lesson's handler never checks for b''")
        srv.expect(rf"conversation with {who} ended \(closed\) after 2 turn\(s\)")
        received = b""
        while chunk := sock.recv(4096):  # timeout set by recv_exactly; ends at the server's close
            received += chunk
        assert received == HEI  # one '嘿嘿嘿' for the turn after 'bye', then the close: no flood
