"""``netsim chat-server`` / ``chat-client`` as real programs: each other, ``nc``, the lesson's scripts.

Every program runs as a subprocess with pipes; every wait is bounded (``--timeout 10`` inside the
programs, a deadline on every read here), and every process is killed and reaped in ``finally``.
Servers listen on ``--port 0`` and announce the port the kernel chose, so there is no race for a
"free" port between choosing it and binding it.
"""

from __future__ import annotations

import re
import socket
import struct
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

from tests.procs import TIMEOUT_S, Proc, free_port, netsim, running

CHAT_TIMEOUT = ["--timeout", "10"]  # the programs give up after 10 idle seconds


def program(*args: str) -> AbstractContextManager[Proc]:
    """``python -m netsim ARGS`` for the block, killed and reaped when it ends."""
    return running(netsim(*args))


@contextmanager
def server(*args: str) -> Iterator[tuple[Proc, int]]:
    """A chat server on a port the kernel picks; yields it once it has announced that port."""
    with program("chat-server", "--port", "0", *CHAT_TIMEOUT, *args) as p:
        first = p.read_line()
        match = re.match(r"(TCP server listening on|UDP server on) 127\.0\.0\.1:(\d+)", first)
        assert match, first
        yield p, int(match.group(2))


def recv_exactly(sock: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        assert chunk, f"the peer closed after {len(data)} of {n} bytes"
        data += chunk
    return data


def recv_line(sock: socket.socket) -> bytes:
    data = b""
    while not data.endswith(b"\n"):
        chunk = sock.recv(1)
        assert chunk, f"the peer closed after {data!r}"
        data += chunk
    return data


# ----------------------------------------------------------------------------- conversations


def test_client_and_server_talk_both_ways_and_q_quits() -> None:
    with server("--once") as (srv, port):
        with program("chat-client", "--port", str(port), *CHAT_TIMEOUT) as cli:
            assert cli.read_line().startswith(f"connected to 127.0.0.1:{port}")
            srv.expect(r"^client connected from 127\.0\.0\.1:\d+$")
            cli.type("hello 你好")
            assert srv.read_line() == "peer> hello 你好"
            srv.type("hi back")
            assert cli.read_line() == "peer> hi back"
            cli.type("q")
            code, _out, err = cli.finish()
            assert code == 0, err
        assert srv.read_line() == "peer> q"
        assert srv.read_line() == "conversation ended (peer-quit)"
        code, _out, err = srv.finish()
        assert code == 0, err


def test_server_typing_q_ends_the_client_too() -> None:
    with server("--once") as (srv, port):
        with program("chat-client", "--port", str(port), *CHAT_TIMEOUT) as cli:
            cli.read_line()
            srv.expect("client connected")
            srv.type("q")
            assert cli.read_line() == "peer> q"
            code, _out, err = cli.finish()
            assert code == 0, err
        code, out, err = srv.finish()
        assert code == 0, err
        assert "conversation ended (quit)" in out


def test_a_raw_socket_like_nc_talks_to_the_server() -> None:
    with server("--once") as (srv, port), socket.create_connection(("127.0.0.1", port), timeout=10) as nc:
        srv.expect("client connected")
        nc.sendall(b"hi there\n")
        assert srv.read_line() == "peer> hi there"
        nc.sendall(b"one\ntwo\nthr")  # two lines and a half in one segment: framing sorts them out
        assert srv.read_line() == "peer> one"
        assert srv.read_line() == "peer> two"
        nc.sendall(b"ee\n")
        assert srv.read_line() == "peer> three"
        srv.type("typed on the server")
        assert recv_line(nc) == b"typed on the server\n"
        nc.shutdown(socket.SHUT_WR)
        assert srv.read_line() == "conversation ended (peer-closed)"
        code, _out, err = srv.finish()
        assert code == 0, err
        assert nc.recv(1) == b""  # the server closed its end too


def test_the_lessons_own_protocol_with_native_i_length_prefix() -> None:
    """The lesson's scripts: ``struct.pack('i', len(data)) + data`` each way."""
    with (
        server("--once", "--framing", "length:i") as (srv, port),
        socket.create_connection(("127.0.0.1", port), timeout=10) as sock,
    ):
        srv.expect("client connected")
        for text in ("hello", "你好，世界"):
            data = text.encode()
            sock.sendall(struct.pack("i", len(data)) + data)
            assert srv.read_line() == f"peer> {text}"
        srv.type("回复 reply")
        (size,) = struct.unpack("i", recv_exactly(sock, struct.calcsize("i")))
        assert recv_exactly(sock, size).decode() == "回复 reply"
        data = b"q"
        sock.sendall(struct.pack("i", len(data)) + data)
        assert srv.read_line() == "peer> q"
        code, _out, err = srv.finish()
        assert code == 0, err


def test_udp_client_and_server_exchange_datagrams() -> None:
    with server("--udp") as (srv, port):
        with program("chat-client", "--udp", "--port", str(port), *CHAT_TIMEOUT) as cli:
            assert cli.read_line().startswith(f"UDP client to 127.0.0.1:{port}")
            cli.type("ping")
            srv.expect(r"^datagram from 127\.0\.0\.1:\d+$")
            assert srv.read_line() == "peer> ping"
            srv.type("pong")
            assert cli.read_line() == "peer> pong"
            cli.type("q")
            code, _out, err = cli.finish()
            assert code == 0, err
        assert srv.read_line() == "peer> q"
        code, _out, err = srv.finish()
        assert code == 0, err


# ------------------------------------------------------------------------------------ failures


def test_port_already_in_use_exits_1_and_says_so() -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        with program("chat-server", "--port", str(port), *CHAT_TIMEOUT) as srv:
            code, out, err = srv.finish()
    assert code == 1, (out, err)
    assert f"port {port} on 127.0.0.1 is already in use" in err
    assert "Traceback" not in err
    assert "listening" not in out


def test_connecting_where_nobody_listens_exits_1() -> None:
    port = free_port()
    with program("chat-client", "--port", str(port), *CHAT_TIMEOUT) as cli:
        code, out, err = cli.finish()
    assert code == 1, (out, err)
    assert f"nobody is listening on 127.0.0.1:{port}" in err
    assert "Traceback" not in err


def test_udp_client_learns_that_nobody_listens() -> None:
    """The ICMP "port unreachable" after a datagram to a dead port ends the client cleanly."""
    port = free_port()
    with program("chat-client", "--udp", "--port", str(port), *CHAT_TIMEOUT) as cli:
        cli.read_line()
        cli.type("anyone there?")
        cli.proc.wait(timeout=TIMEOUT_S)  # stdin stays open: only the error can end it
        code, out, err = cli.finish()
    assert code == 1, (out, err)
    assert "nobody is listening" in err
    assert "Traceback" not in err


def test_an_oversized_length_header_is_a_clean_bad_frame() -> None:
    """A hostile 0x7FFFFFFF header: refused at once, connection closed, server exits (--once)."""
    with (
        server("--once", "--framing", "length") as (srv, port),
        socket.create_connection(("127.0.0.1", port), timeout=10) as sock,
    ):
        srv.expect("client connected")
        started = time.monotonic()
        sock.sendall(struct.pack("!I", 0x7FFFFFFF))
        assert srv.read_line().startswith("hint: these bytes look unframed")  # an implausible size
        line = srv.read_line()
        assert line.startswith("bad frame from the client, connection closed:"), line
        assert "2147483647" in line
        assert srv.read_line() == "conversation ended (error)"
        code, _out, err = srv.finish()
        assert time.monotonic() - started < 5.0  # refused at the header, no waiting for 2 GiB
        assert code == 0, err
        assert "Traceback" not in err
        assert sock.recv(1) == b""  # the server hung up on the bad peer


def test_bad_framing_spec_exits_2() -> None:
    with program("chat-server", "--port", "0", "--framing", "bogus", *CHAT_TIMEOUT) as srv:
        code, out, err = srv.finish()
    assert code == 2, (out, err)
    assert "bad framing spec 'bogus'" in err
    assert out == ""
