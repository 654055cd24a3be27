"""The sans-I/O HTTP reader: any chunking gives the same messages and offsets; hostile input
gives an HttpError with the status a server answers, never another exception."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netsim.lessons.clientserver.http import (
    MAX_HEAD_BYTES,
    HttpError,
    MessageReader,
    build_request,
    build_response,
)

WIRE = (
    build_request("GET", "/api/greeting", "h")
    + build_request("POST", "/api/greeting", "h", "学生".encode())
    + b"\r\n"  # an empty line between requests is allowed
    + build_request("GET", "/", "h", close=True)
)


def split_feed(wire: bytes, size: int) -> list[tuple[str, int, int, int, int, bytes]]:
    r = MessageReader("request")
    out = []
    for i in range(0, len(wire), size):
        out += [
            (m.start_line, m.start, m.delimiter, m.header_end, m.end, m.body)
            for m in r.feed(wire[i : i + size])
        ]
    assert not r.in_message
    return out


def test_every_chunking_gives_the_same_messages() -> None:
    whole = split_feed(WIRE, len(WIRE))
    assert [m[0] for m in whole] == [
        "GET /api/greeting HTTP/1.1",
        "POST /api/greeting HTTP/1.1",
        "GET / HTTP/1.1",
    ]
    post = whole[1]
    assert post[5] == "学生".encode() and post[4] - post[3] == 6
    assert WIRE[post[2] : post[3]] == b"\r\n\r\n"  # the delimiter is exactly where it says
    for size in range(1, 40):
        assert split_feed(WIRE, size) == whole


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=len(WIRE)), max_size=20))
def test_random_chunkings(cuts: list[int]) -> None:
    r = MessageReader("request")
    got, last = [], 0
    for c in [*sorted(set(cuts)), len(WIRE)]:
        got += r.feed(WIRE[last:c])
        last = c
    assert [m.raw for m in got] == [m.raw for m in MessageReader("request").feed(WIRE)]


def test_keep_alive_rules() -> None:
    r = MessageReader("request")
    a, b = r.feed(build_request("GET", "/", "h") + build_request("GET", "/", "h", close=True))
    assert a.keep_alive and not b.keep_alive
    (c,) = MessageReader("request").feed(b"GET / HTTP/1.0\r\n\r\n")
    assert not c.keep_alive


def test_response_framing_by_content_length() -> None:
    wire = build_response(200, b"hello") + build_response(404, b"")
    r = MessageReader("response")
    one, two = r.feed(wire[:7]) + r.feed(wire[7:])
    assert one.status == 200 and one.body == b"hello" and two.status == 404 and two.body == b""
    with pytest.raises(HttpError):
        MessageReader("response").feed(b"HTTP/1.1 200 OK\r\n\r\n")  # no Content-Length


@pytest.mark.parametrize(
    ("wire", "status"),
    [
        (b"GARBAGE\r\n\r\n", 400),
        (b"GET /\r\n\r\n", 400),
        (b"GET / HTTP/2.0\r\n\r\n", 400),
        (b"GET  / HTTP/1.1\r\n\r\n", 400),
        (b"GET / HTTP/1.1\nHost: x\n\n\r\n\r\n", 400),  # bare LF
        (b"GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", 400),
        (b"GET / HTTP/1.1\r\nno colon\r\n\r\n", 400),
        (b"GET / HTTP/1.1\r\nX: a\x00b\r\n\r\n", 400),
        (b"POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400),
        (b"POST / HTTP/1.1\r\nContent-Length: 1e3\r\n\r\n", 400),
        (b"POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", 400),
        (b"POST / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n", 400),
        (b"POST / HTTP/1.1\r\nContent-Length: 9999999\r\n\r\n", 413),
        (b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", 501),
        (b"GET / HTTP/1.1\r\n" + b"X: y\r\n" * 100 + b"\r\n", 431),
        (b"GET / HTTP/1.1\r\nX: " + b"a" * MAX_HEAD_BYTES, 431),  # never ends: refused at the limit
    ],
)
def test_hostile_requests_get_their_status(wire: bytes, status: int) -> None:
    with pytest.raises(HttpError) as err:
        MessageReader("request").feed(wire)
    assert err.value.status == status


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400), st.integers(min_value=1, max_value=50))
def test_any_bytes_give_messages_or_http_errors(data: bytes, size: int) -> None:
    r = MessageReader("request", max_head_bytes=256, max_body_bytes=64)
    try:
        for i in range(0, len(data), size):
            for m in r.feed(data[i : i + size]):
                assert m.end - m.header_end <= 64
    except HttpError as exc:
        assert exc.status in (400, 413, 431, 501)
