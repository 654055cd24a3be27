"""``netsim relay`` as a real program between real programs (all on 127.0.0.1, every wait bounded)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys

import pytest

from tests.lesson_programs import PORT_ENV, path
from tests.procs import TIMEOUT_S, netsim, running


def test_relay_between_the_lessons_chat_client_and_netsim_chat_server() -> None:
    with running(
        netsim("chat-server", "--port", "0", "--framing", "none", "--once", "--timeout", "10")
    ) as srv:
        port = int(srv.expect(r"TCP server listening on 127\.0\.0\.1:(\d+)").group(1))
        relay_args = ("relay", "--listen", "127.0.0.1:0", "--to", f"127.0.0.1:{port}", "--mss", "1448")
        with running(netsim(*relay_args, "--wire-delay-ms", "5", "--duration", "20")) as relay:
            rport = relay.expect(r"listening on 127\.0\.0\.1:(\d+) -> ").group(1)
            assert "MSS 1448, delay 5 ms" in relay.lines[-1]
            client = [sys.executable, str(path("s4_chat_client.py"))]
            with running(client, {PORT_ENV: rport}) as cli:
                srv.expect("client connected")
                srv.type("hi from the server")  # the lesson's client reads first
                relay.expect(
                    r"server → client\s+segment \[0, 18\) 18 B  held \d+\.\d+ ms  b'hi from the serv'"
                )
                cli.expect(r"^hi from the server$")
                cli.type("hello")
                srv.expect(r"^peer> hello$")
                relay.expect(r"client → server\s+segment \[0, 5\) 5 B .* b'hello'$")
                srv.type("q")  # the lesson's client is back in recv(): the server ends it
                srv.expect("conversation ended")
                assert cli.proc.wait(TIMEOUT_S) == 0


def test_udp_relay_prints_every_datagram_lost_or_forwarded() -> None:
    server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    server.bind(("127.0.0.1", 0))
    server.settimeout(0.5)
    port = server.getsockname()[1]
    args = ("relay", "--udp", "--listen", "127.0.0.1:0", "--to", f"127.0.0.1:{port}", "--loss", "0.5")
    try:
        with (
            running(netsim(*args, "--seed", "3", "--duration", "20")) as relay,
            socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as client,
        ):
            rport = int(relay.expect(r"relay \(UDP\) listening on 127\.0\.0\.1:(\d+) -> ").group(1))
            for i in range(20):
                client.sendto(b"d%02d" % i, ("127.0.0.1", rport))
            got = []
            while True:
                try:
                    got.append(server.recv(100))
                except TimeoutError:
                    break
            lines = [relay.expect(rf"datagram {i} 3 B") for i in range(20)]
            lost = [m.string for m in lines if m.string.endswith("LOST")]
            assert 0 < len(lost) < 20
            assert len(got) == 20 - len(lost)
    finally:
        server.close()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("--to", "192.0.2.1:9"), "--allow-remote"),  # refused before any packet is sent
        (("--to", "127.0.0.1:9", "--loss", "0.1"), "TCP cannot lose bytes"),
        (("--to", "nowhere"), "not a HOST:PORT"),
        (("--to", "127.0.0.1:9", "--mss", "0"), "MSS must be"),
    ],
)
def test_refusals_are_clear(extra: tuple[str, ...], message: str) -> None:
    done = subprocess.run(
        netsim("relay", "--listen", "127.0.0.1:0", *extra), capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 2
    assert message in done.stderr


def test_relay_bench_prints_figures_and_checks_every_byte() -> None:
    done = subprocess.run(
        netsim("relay-bench", "--pings", "20", "--megabytes", "4", "--json"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["verified"] is True
    assert report["relay_rtt_ms"] > 0 and report["relay_mbps"] > 0  # figures, not verdicts: no timing asserts
