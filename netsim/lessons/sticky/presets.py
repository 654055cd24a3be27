"""The lesson's scenarios, as presets shared by the GUI and the CLI.

Each one reproduces on every run, by construction rather than by luck: merges come from a
reader that is late on purpose (the sender is done long before the first ``recv()``) or from
a burst in one ``sendall``; splits come from a ``recv()`` smaller than the message, or from a
message larger than the receiver's ``SO_RCVBUF`` (no single ``recv()`` can return all of it).
"""

from __future__ import annotations

from dataclasses import dataclass

from netsim.lessons.sticky.scenario import UDP_MAX_PAYLOAD, Scenario


@dataclass(frozen=True, slots=True)
class Preset:
    preset_id: str
    title: str  # English; the GUI translates by preset_id
    lesson: str  # one sentence: what the student should see
    scenario: Scenario


_HELLO_WORLD = (b"hello", b"world")

PRESETS: tuple[Preset, ...] = (
    Preset(
        "hello-world",
        "Two sends, a slow receiver (sticky packets)",
        "As in the lesson: the server sends b'hello' and b'world'; the client's first recv(1024) gets "
        "b'helloworld', the second b'' (closed).",
        # The lesson's direction: the server sends; the client sleeps 0.1 s, then calls recv(1024).
        Scenario(messages=_HELLO_WORLD, receiver_delay_ms=100, recv_bytes=1024, sender="server"),
    ),
    Preset(
        "half-packet",
        "Half packet: recv(4) on a longer message",
        "One message comes out of several recv(4) calls; a program that trusts one recv gets pieces.",
        Scenario(messages=(b"hello, this is one message",), recv_bytes=4, receiver_delay_ms=20),
    ),
    Preset(
        "large-message",
        "One large message over many recv() calls",
        "A 200 KB message is returned 64 KiB at a time at most: recv() size caps every chunk.",
        Scenario(count=1, size=200_000, recv_bytes=65_536),
    ),
    Preset(
        "burst",
        "Twenty messages in one sendall burst",
        "Twenty small messages sent in one burst come out of a few recv() calls, boundaries lost.",
        Scenario(count=20, size=16, send_mode="burst", receiver_delay_ms=50, recv_bytes=1024),
    ),
    Preset(
        "length-prefix",
        "The fix: a 4-byte length prefix with struct",
        "struct.pack('!I', len(data)) before each message: the receiver reads exactly one message each time.",
        Scenario(messages=_HELLO_WORLD, receiver_delay_ms=100, recv_bytes=1024, framing="length"),
    ),
    Preset(
        "delimiter",
        "Delimiter framing: one message per line",
        "A newline ends each message; the receiver splits the stream at every b'\\n'.",
        Scenario(
            messages=(b"hello", b"world", "你好".encode()),
            receiver_delay_ms=100,
            recv_bytes=1024,
            framing="delimiter",
        ),
    ),
    Preset(
        "lesson-native-i",
        "The lesson's header: struct.pack('i', n)",
        "The lesson's native 'i' header works here, but its byte order and size depend on the machine.",
        Scenario(messages=_HELLO_WORLD, receiver_delay_ms=100, recv_bytes=1024, framing="length:i"),
    ),
    Preset(
        "lesson-recv-trusted",
        "The lesson's receiver: recv(4), then recv(size), trusted",
        "Three 300,000-byte messages, struct.pack('i') headers, the lesson's receiver: recv(size) returns "
        "only part of a body, the next 'header' is message bytes, and the lesson's code fails.",
        # SO_RCVBUF 64 KiB: the receive queue never holds a whole 300,000-byte body, so the lesson's
        # one recv(size) cannot return it - on every run, not by luck of timing.
        Scenario(count=3, size=300_000, framing="length:i", receiver="lesson", rcvbuf=65_536),
    ),
    Preset(
        "udp-boundaries",
        "UDP keeps message boundaries",
        "The same two sends over UDP: two datagrams, two recvfrom() calls, even with a slow reader.",
        Scenario(transport="udp", messages=_HELLO_WORLD, receiver_delay_ms=100, recv_bytes=1024),
    ),
    Preset(
        "udp-truncation",
        "UDP truncation: recvfrom() smaller than the datagram",
        "A 100-byte datagram read with recvfrom(16): the rest of it is discarded, not kept for later.",
        Scenario(transport="udp", count=2, size=100, recv_bytes=16, receiver_delay_ms=20),
    ),
    Preset(
        "udp-loss",
        "UDP loss: a full receive buffer drops datagrams",
        "Fifty 1,000-byte datagrams in a burst into a small SO_RCVBUF: most are dropped, none resent.",
        Scenario(transport="udp", count=50, size=1000, send_mode="burst", rcvbuf=4096, receiver_delay_ms=20),
    ),
    Preset(
        "udp-size-limit",
        "UDP size limit: 65,507 bytes",
        "65,507 bytes fit in one datagram (65,535 - 20 IP - 8 UDP); 65,508 fail with EMSGSIZE.",
        Scenario(
            transport="udp",
            messages=(b"small", b"x" * UDP_MAX_PAYLOAD, b"y" * (UDP_MAX_PAYLOAD + 1)),
            recv_bytes=65_536,
            receiver_delay_ms=20,
        ),
    ),
    Preset(
        "internet",
        "Across the Internet: MSS 1,448, 30 ms",
        "Each 4 KiB message leaves the relay in 1,448-byte segments: a prompt reader gets every one in pieces.",
        Scenario(count=10, size=4096, recv_bytes=65_536, mss=1448, wire_delay_ms=30),
    ),
    Preset(
        "internet-length",
        "Across the Internet, with a length prefix",
        "The same segments and pieces, but the length prefix puts every 4 KiB message back together.",
        Scenario(count=10, size=4096, recv_bytes=65_536, mss=1448, wire_delay_ms=30, framing="length"),
    ),
    Preset(
        "wifi-loss",
        "Wi-Fi with loss (UDP, 10 % loss, 10 % reordering)",
        "Datagrams go missing and arrive out of order; nobody resends them, nobody puts them back in order.",
        Scenario(transport="udp", count=100, size=100, loss=0.1, reorder=0.1, seed=7),
    ),
    Preset(
        "slow-link",
        "Slow link: 2 Mbit/s",
        "The link drains 250 KB/s; the sender writes faster, so its send queue fills up and sendall() waits.",
        Scenario(count=100, size=4096, recv_bytes=65_536, mss=1448, wire_rate_kbps=2000),
    ),
    Preset(
        "empty-tcp",
        "Empty message over TCP",
        "send(b'') puts nothing on the stream: the receiver never sees the empty message.",
        Scenario(messages=(b"hello", b"", b"world"), receiver_delay_ms=100, recv_bytes=1024),
    ),
    Preset(
        "empty-udp",
        "Empty message over UDP",
        "sendto(b'') sends a real, empty datagram: recvfrom() returns b'' for it.",
        Scenario(transport="udp", messages=(b"hello", b"", b"world"), receiver_delay_ms=100),
    ),
)

PRESETS_BY_ID: dict[str, Preset] = {p.preset_id: p for p in PRESETS}


def preset(preset_id: str) -> Preset:
    try:
        return PRESETS_BY_ID[preset_id]
    except KeyError:
        raise ValueError(f"unknown preset {preset_id!r}; choose one of: {', '.join(PRESETS_BY_ID)}") from None
