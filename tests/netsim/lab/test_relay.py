"""The relay: real sockets on 127.0.0.1 through a user-space network in the middle."""

from __future__ import annotations

import itertools
import socket
import threading
import time
from collections.abc import Iterator

import pytest

from netsim.core.events import event_from_dict, event_to_dict
from netsim.core.recorder import Recorder
from netsim.lab.relay import (
    DEFAULT_LINK_KBPS,
    MSS_MAX,
    DatagramDropped,
    DatagramForwarded,
    Relay,
    SegmentForwarded,
    WireConfig,
    check_target,
)


class EchoServer:
    """A TCP server on loopback that echoes one connection, in a joined thread."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.address: tuple[str, int] = self.listener.getsockname()[:2]
        self.reset = False
        self.thread = threading.Thread(target=self._run, name="test-echo")
        self.thread.start()

    def _run(self) -> None:
        self.listener.settimeout(5)
        try:
            conn, _ = self.listener.accept()
        finally:
            self.listener.close()
        with conn:
            conn.settimeout(5)
            try:
                while data := conn.recv(65536):
                    conn.sendall(data)
            except ConnectionResetError:
                self.reset = True  # a relay passing a reset on

    def join(self) -> None:
        self.thread.join(10)
        assert not self.thread.is_alive()


@pytest.fixture
def echo() -> Iterator[EchoServer]:
    server = EchoServer()
    yield server
    server.join()


def recv_exactly(sock: socket.socket, n: int) -> bytes:
    out = b""
    while len(out) < n:
        chunk = sock.recv(n - len(out))
        assert chunk, "peer closed early"
        out += chunk
    return out


def segments(rec: Recorder, direction: str) -> list[SegmentForwarded]:
    return [e for e in rec.events if isinstance(e, SegmentForwarded) and e.direction == direction]


def test_tcp_resegments_both_directions_at_the_mss(echo: EchoServer) -> None:
    rec = Recorder()
    payload = bytes(range(256)) * 20  # 5,120 bytes
    with Relay(echo.address, WireConfig(mss=536, rate_kbps=0), recorder=rec) as relay:
        assert relay.address is not None
        with socket.create_connection(relay.address, timeout=5) as c:
            c.sendall(payload)
            assert recv_exactly(c, len(payload)) == payload
        deadline = time.monotonic() + 5
        while len(segments(rec, "s2c")) < 10 and time.monotonic() < deadline:
            time.sleep(0.01)
    for direction in ("c2s", "s2c"):
        segs = segments(rec, direction)
        assert [s.start for s in segs] == [0, *(s.end for s in segs[:-1])]  # contiguous, in order
        assert segs[-1].end == len(payload)
        assert all(0 < s.end - s.start <= 536 for s in segs)
        assert len(segs) == 10  # ceil(5120 / 536)
        assert segs[0].head == payload[:16]


def test_tcp_delay_holds_every_segment(echo: EchoServer) -> None:
    rec = Recorder()
    with Relay(echo.address, WireConfig(delay_ms=30), recorder=rec) as relay:
        assert relay.address is not None
        with socket.create_connection(relay.address, timeout=5) as c:
            t0 = time.monotonic()
            c.sendall(b"ping")
            assert recv_exactly(c, 4) == b"ping"
            rtt = time.monotonic() - t0
    assert rtt >= 0.06  # 30 ms each way
    for seg in segments(rec, "c2s") + segments(rec, "s2c"):
        assert seg.t_ns - seg.arrived_ns >= 30_000_000


def test_tcp_rate_limit_paces_the_stream(echo: EchoServer) -> None:
    rec = Recorder()
    # 800 kbit/s = 100,000 B/s; 30,000 bytes beyond the first segment's credit take >= 0.25 s.
    with Relay(echo.address, WireConfig(mss=1000, rate_kbps=800), recorder=rec) as relay:
        assert relay.address is not None
        with socket.create_connection(relay.address, timeout=5) as c:
            t0 = time.monotonic()
            c.sendall(b"x" * 30_000)
            recv_exactly(c, 30_000)
            elapsed = time.monotonic() - t0
    assert elapsed >= 0.25
    segs = segments(rec, "c2s")
    span_s = (segs[-1].t_ns - segs[0].t_ns) / 1e9
    assert span_s >= (29_000 / 100_000) * 0.9


def test_default_link_rate_below_loopback_mss() -> None:
    assert WireConfig().link_kbps == 0  # loopback's MSS: no limit
    assert WireConfig(mss=1448).link_kbps == DEFAULT_LINK_KBPS  # a real path has a bottleneck
    assert WireConfig(mss=1448, rate_kbps=0).link_kbps == 0
    assert WireConfig(mss=1448, rate_kbps=64).link_kbps == 64


def test_tcp_coalescing_window_gathers_small_writes(echo: EchoServer) -> None:
    rec = Recorder()
    with Relay(echo.address, WireConfig(coalesce_ms=100), recorder=rec) as relay:
        assert relay.address is not None
        with socket.create_connection(relay.address, timeout=5) as c:
            c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            for _ in range(10):
                c.sendall(b"ab")
                time.sleep(0.002)
            assert recv_exactly(c, 20) == b"ab" * 10
    assert len(segments(rec, "c2s")) < 5  # ten writes within 100 ms: a few segments at most


def test_tcp_end_of_stream_passes_through(echo: EchoServer) -> None:
    with Relay(echo.address) as relay:
        assert relay.address is not None
        with socket.create_connection(relay.address, timeout=5) as c:
            c.sendall(b"last words")
            c.shutdown(socket.SHUT_WR)
            assert recv_exactly(c, 10) == b"last words"
            assert c.recv(10) == b""  # the server's FIN came back through the relay


def test_tcp_target_down_is_reported_not_hung() -> None:
    holder = socket.socket()  # bound, never listening: the port is ours, and connecting is refused
    holder.bind(("127.0.0.1", 0))
    port = holder.getsockname()[1]
    rec = Recorder()
    with holder, Relay(("127.0.0.1", port), recorder=rec) as relay:
        assert relay.address is not None
        try:
            with socket.create_connection(relay.address, timeout=5) as c:
                c.settimeout(5)
                assert c.recv(10) == b""
        except ConnectionResetError:
            pass  # the relay resets the client (even before connect() returned): equally clear
        assert rec.wait_for("SocketFailed", 5) is not None
    assert relay.failed


def udp_run(config: WireConfig, count: int = 200) -> tuple[list[int], list[object]]:
    """Send ``count`` numbered datagrams through a relay; return the numbers received and the events."""
    server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    server.bind(("127.0.0.1", 0))
    server.settimeout(0.4)
    rec = Recorder()
    got: list[int] = []
    try:
        with (
            Relay(server.getsockname(), config, transport="udp", recorder=rec) as relay,
            socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as client,
        ):
            assert relay.address is not None
            for i in range(count):
                client.sendto(b"%05d" % i + b"." * 40, relay.address)
            while True:
                try:
                    got.append(int(server.recv(2048)[:5]))
                except TimeoutError:
                    break
    finally:
        server.close()
    return got, list(rec.events)


def decisions(events: list[object]) -> tuple[set[int], set[int], set[int]]:
    lost = {e.index for e in events if isinstance(e, DatagramDropped)}
    dup = {e.index for e in events if isinstance(e, DatagramForwarded) and e.duplicate}
    held = {e.index for e in events if isinstance(e, DatagramForwarded) and e.reordered}
    return lost, dup, held


def test_udp_same_seed_same_choices_and_the_receiver_sees_them() -> None:
    config = WireConfig(loss=0.1, dup=0.1, reorder=0.1, seed=7)
    got1, ev1 = udp_run(config)
    got2, ev2 = udp_run(config)
    lost, dup, held = decisions(ev1)
    assert (lost, dup, held) == decisions(ev2)
    assert lost and dup and held
    assert got1 == got2  # nothing timing-dependent in these settings
    assert set(got1) == set(range(200)) - lost
    assert len(got1) == 200 - len(lost) + len(dup)
    assert any(b < a for a, b in itertools.pairwise(got1))  # out of order
    assert decisions(udp_run(WireConfig(loss=0.1, dup=0.1, reorder=0.1, seed=8))[1])[0] != lost


def test_udp_mtu_drops_large_datagrams() -> None:
    got, events = udp_run(WireConfig(mtu=60), count=3)  # 45-byte payload + 28 = 73 > 60
    assert got == []
    assert [e.reason for e in events if isinstance(e, DatagramDropped)] == ["mtu"] * 3


def test_udp_replies_come_back_to_the_client() -> None:
    server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    server.bind(("127.0.0.1", 0))
    server.settimeout(5)
    try:
        with (
            Relay(server.getsockname(), transport="udp") as relay,
            socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as client,
        ):
            assert relay.address is not None
            client.settimeout(5)
            client.sendto(b"ping", relay.address)
            data, peer = server.recvfrom(100)
            server.sendto(b"pong:" + data, peer)
            assert client.recvfrom(100) == (b"pong:ping", relay.address)
    finally:
        server.close()


def test_events_round_trip_through_the_registry() -> None:
    for ev in (
        SegmentForwarded(1, "relay", "c2s", 0, 0, 10, 0, b"hello"),
        DatagramForwarded(2, "relay", "s2c", 3, 5, 1, True, False, b"x"),
        DatagramDropped(3, "relay", "c2s", 4, 100, "loss"),
    ):
        assert event_from_dict(event_to_dict(ev)) == ev


@pytest.mark.parametrize(
    "kwargs",
    [{"mss": 0}, {"mss": MSS_MAX + 1}, {"loss": 1.5}, {"reorder": -0.1}, {"delay_ms": -1}, {"mtu": 20}],
)
def test_config_refuses_nonsense(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        WireConfig(**kwargs)  # type: ignore[arg-type]


def test_remote_targets_only_when_asked() -> None:
    check_target("127.0.0.1", allow_remote=False)
    check_target("::1", allow_remote=False)
    with pytest.raises(ValueError, match="--allow-remote"):
        check_target("192.0.2.1", allow_remote=False)  # refused before any socket exists
    check_target("192.0.2.1", allow_remote=True)


def test_a_pump_that_dies_resets_the_connection_and_is_reported(
    echo: EchoServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    rec = Recorder()
    relay = Relay(echo.address, recorder=rec)

    def broken(*_args: object) -> None:
        raise RuntimeError("pump bug")

    monkeypatch.setattr(relay, "_pump", broken)
    with relay:
        assert relay.address is not None
        try:
            with socket.create_connection(relay.address, timeout=5) as c:
                c.settimeout(5)
                assert c.recv(10) == b""
        except ConnectionResetError:
            pass  # reset (perhaps before connect() returned), not left hanging
    assert relay.failed
    assert any(getattr(e, "message", "") == "pump bug" for e in rec.events)
    echo.join()
    assert echo.reset  # the server side was reset too, not left waiting
