"""Limits, malformed headers, EOF mid-frame, poisoning, encode-side checks and make_codec."""

from __future__ import annotations

import itertools
import json
import struct
import tracemalloc

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netsim.framing import (
    CODEC_SPECS,
    DelimiterCodec,
    FixedLengthCodec,
    FrameTooLargeError,
    FramingError,
    IncompleteFrameError,
    JsonHeaderCodec,
    LengthPrefixCodec,
    MalformedFrameError,
    RawCodec,
    escape_bytes,
    make_codec,
    unescape_bytes,
)

MiB = 1024 * 1024

# -- length prefix -------------------------------------------------------------------------------


def test_oversized_header_rejected_as_soon_as_it_arrives() -> None:
    decoder = LengthPrefixCodec("!I", max_frame_bytes=4 * MiB).decoder()
    assert decoder.feed(b"\x7f\xff") == []
    with pytest.raises(FrameTooLargeError, match=r"announces 2147483647 bytes; limit is 4194304"):
        decoder.feed(b"\xff\xff")  # the header is complete: no body byte needed to decide


def test_header_at_exactly_the_limit_is_accepted() -> None:
    codec = LengthPrefixCodec("!H", max_frame_bytes=10)
    decoder = codec.decoder()
    assert decoder.feed(struct.pack("!H", 10) + b"0123456789") == [b"0123456789"]
    with pytest.raises(FrameTooLargeError, match="announces 11 bytes; limit is 10"):
        decoder.feed(struct.pack("!H", 11))


def test_rejecting_a_huge_header_allocates_almost_nothing() -> None:
    codec = LengthPrefixCodec("!I", max_frame_bytes=4 * MiB)
    junk = b"\0" * 4096
    tracemalloc.start()
    try:
        for split in (4, 2):  # header whole, and header split across feeds
            decoder = codec.decoder()
            wire = b"\x7f\xff\xff\xff" + junk
            with pytest.raises(FrameTooLargeError):
                decoder.feed(wire[:split])
                decoder.feed(wire[split:])
            with pytest.raises(FrameTooLargeError):  # poisoned: later bytes are not buffered
                decoder.feed(junk)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000


def test_native_i_max_positive_is_too_large_not_negative() -> None:
    decoder = make_codec("length:i").decoder()
    with pytest.raises(FrameTooLargeError, match="2147483647"):
        decoder.feed(struct.pack("i", 0x7FFFFFFF))


@pytest.mark.parametrize(
    ("fmt", "header"), [("!i", b"\xff\xff\xff\xff"), ("!b", b"\x80"), ("<h", b"\x00\x80")]
)
def test_negative_length_is_malformed(fmt: str, header: bytes) -> None:
    decoder = LengthPrefixCodec(fmt).decoder()
    with pytest.raises(MalformedFrameError, match="negative"):
        decoder.feed(header)


def test_negative_length_split_across_feeds() -> None:
    decoder = LengthPrefixCodec("!i").decoder()
    assert decoder.feed(b"\xff") == []
    with pytest.raises(MalformedFrameError, match=r"\(-1 bytes\)"):
        decoder.feed(b"\xff\xff\xff")


def test_signed_positive_lengths_still_work() -> None:
    codec = LengthPrefixCodec("!b")
    payload = b"x" * 127
    assert codec.decoder().feed(codec.encode(payload)) == [payload]


def test_error_keeps_the_frames_decoded_before_it_and_poisons_the_decoder() -> None:
    codec = LengthPrefixCodec(max_frame_bytes=100)
    good = codec.encode(b"ok") + codec.encode(b"fine")
    decoder = codec.decoder()
    with pytest.raises(FrameTooLargeError) as info:
        decoder.feed(good + struct.pack("!I", 101))
    assert info.value.decoded == [b"ok", b"fine"]
    with pytest.raises(FrameTooLargeError, match="unusable after an earlier error"):
        decoder.feed(codec.encode(b"more"))
    with pytest.raises(FrameTooLargeError):
        decoder.close()

    spans_decoder = codec.decoder()
    with pytest.raises(FrameTooLargeError) as info:
        spans_decoder.feed_spans(good + struct.pack("!I", 101))
    assert info.value.decoded == [(0, 6, b"ok"), (6, 14, b"fine")]


def test_close_mid_body_reports_partial_and_expected() -> None:
    codec = LengthPrefixCodec()
    decoder = codec.decoder()
    wire = codec.encode(b"hello") + codec.encode(b"world")
    assert decoder.feed(wire[:-2]) == [b"hello"]
    with pytest.raises(IncompleteFrameError, match="7 of 9") as info:
        decoder.close()
    assert info.value.partial == struct.pack("!I", 5) + b"wor"
    assert info.value.expected == 9
    with pytest.raises(IncompleteFrameError):  # poisoned
        decoder.feed(b"ld")


def test_close_mid_header_has_unknown_expected() -> None:
    decoder = LengthPrefixCodec("!Q").decoder()
    decoder.feed(b"\0\0\0")
    with pytest.raises(IncompleteFrameError) as info:
        decoder.close()
    assert (info.value.partial, info.value.expected) == (b"\0\0\0", None)


def test_length_encode_limits() -> None:
    with pytest.raises(FrameTooLargeError, match="does not fit a '!B'"):
        LengthPrefixCodec("!B").encode(b"x" * 256)
    assert len(LengthPrefixCodec("!B").encode(b"x" * 255)) == 256
    with pytest.raises(FrameTooLargeError, match="exceeds the frame limit of 10"):
        LengthPrefixCodec(max_frame_bytes=10).encode(b"x" * 11)
    with pytest.raises(FrameTooLargeError):
        LengthPrefixCodec("!b").encode(b"x" * 128)


@pytest.mark.parametrize("fmt", ["", "!", "!f", "!II", "!?", "I!", "xI", "!s", "4s"])
def test_bad_length_formats(fmt: str) -> None:
    with pytest.raises(ValueError, match="struct integer format"):
        LengthPrefixCodec(fmt)


def test_labels() -> None:
    assert LengthPrefixCodec().label == "length prefix (!I, 4-byte big-endian unsigned)"
    assert LengthPrefixCodec("<h").label == "length prefix (<h, 2-byte little-endian signed)"
    for spec in ("length:i", "length:=i", "length:@i"):
        label = make_codec(spec).label
        assert "lesson-compatible native" in label and "not portable" in label
    labels = {make_codec(spec).label for spec in CODEC_SPECS}
    assert len(labels) == len(CODEC_SPECS) and all(labels)


# -- delimiter -----------------------------------------------------------------------------------


def test_crlf_split_between_chunks() -> None:
    decoder = DelimiterCodec(b"\r\n").decoder()
    assert decoder.feed(b"abc\r") == []
    assert decoder.feed_spans(b"\ndef\r") == [(0, 5, b"abc")]
    assert decoder.feed_spans(b"\n") == [(5, 10, b"def")]
    decoder.close()


def test_over_long_line_rejected_once_limit_exceeded() -> None:
    decoder = DelimiterCodec(b"\n", max_frame_bytes=8).decoder()
    assert decoder.feed(b"12345678") == []  # at the limit: still fine
    with pytest.raises(FrameTooLargeError, match="limit is 8"):
        decoder.feed(b"9")
    # One shot: the delimiter is there, but the line is still too long.
    with pytest.raises(FrameTooLargeError):
        DelimiterCodec(b"\n", max_frame_bytes=8).decoder().feed(b"123456789\n")
    assert DelimiterCodec(b"\n", max_frame_bytes=8).decoder().feed(b"12345678\n") == [b"12345678"]


def test_line_limit_does_not_count_a_possible_delimiter_start() -> None:
    decoder = DelimiterCodec(b"\r\n", max_frame_bytes=4).decoder()
    assert decoder.feed(b"abcd\r") == []  # "\r" may be the start of "\r\n"
    assert decoder.feed(b"\n") == [b"abcd"]
    with pytest.raises(FrameTooLargeError):
        decoder.feed(b"abcde")


def test_delimiter_eof_and_encode() -> None:
    codec = DelimiterCodec()
    decoder = codec.decoder()
    assert decoder.feed(b"one\ntw") == [b"one"]
    with pytest.raises(IncompleteFrameError) as info:
        decoder.close()
    assert (info.value.partial, info.value.expected) == (b"tw", None)
    with pytest.raises(FramingError, match="contains the delimiter"):
        codec.encode(b"a\nb")
    with pytest.raises(FrameTooLargeError):
        DelimiterCodec(max_frame_bytes=2).encode(b"abc")
    with pytest.raises(ValueError):
        DelimiterCodec(b"")


# -- fixed ---------------------------------------------------------------------------------------


def test_fixed_encode_and_eof() -> None:
    codec = FixedLengthCodec(4)
    with pytest.raises(FrameTooLargeError, match="does not fit a 4-byte"):
        codec.encode(b"12345")
    decoder = codec.decoder()
    assert decoder.feed(b"abcdef") == [b"abcd"]
    with pytest.raises(IncompleteFrameError) as info:
        decoder.close()
    assert (info.value.partial, info.value.expected) == (b"ef", 4)
    with pytest.raises(ValueError):
        FixedLengthCodec(0)


# -- JSON header ---------------------------------------------------------------------------------


def json_wire(header: bytes, body: bytes = b"") -> bytes:
    return struct.pack("!I", len(header)) + header + body


@pytest.mark.parametrize(
    ("header", "error", "match"),
    [
        (b"not json", MalformedFrameError, "not UTF-8 JSON"),
        (b"\xff\xfe", MalformedFrameError, "not UTF-8 JSON"),
        (b"", MalformedFrameError, "not UTF-8 JSON"),
        (b"[1, 2]", MalformedFrameError, "not an object"),
        (b'{"filename": "a"}', MalformedFrameError, 'no "size"'),
        (b'{"size": "5"}', MalformedFrameError, "not an integer"),
        (b'{"size": true}', MalformedFrameError, "not an integer"),
        (b'{"size": 1.5}', MalformedFrameError, "not an integer"),
        (b'{"size": -1}', MalformedFrameError, "negative"),
        (b'{"size": 4194305}', FrameTooLargeError, "announces 4194305 bytes; limit is 4194304"),
    ],
)
def test_json_bad_headers_rejected_before_the_body(header: bytes, error: type, match: str) -> None:
    wire = json_wire(header)  # no body at all: the verdict must not wait for it
    decoder = JsonHeaderCodec().decoder()
    assert decoder.feed(wire[:-1] if header else wire[:3]) == []
    with pytest.raises(error, match=match):
        decoder.feed(wire[-1:] if header else wire[3:])
    with pytest.raises(error):  # poisoned
        decoder.feed(b"")


def test_json_header_length_limit() -> None:
    decoder = JsonHeaderCodec(max_header_bytes=100).decoder()
    with pytest.raises(FrameTooLargeError, match="JSON header length announces 101 bytes; limit is 100"):
        decoder.feed(struct.pack("!I", 101))


def test_json_eof_mid_body() -> None:
    codec = JsonHeaderCodec()
    wire = codec.encode(b"body!", filename="f")
    decoder = codec.decoder()
    assert decoder.feed(wire[:-2]) == []
    with pytest.raises(IncompleteFrameError) as info:
        decoder.close()
    assert info.value.partial == wire[:-2]
    assert info.value.expected == len(wire)


def test_json_encode_limits() -> None:
    with pytest.raises(FrameTooLargeError):
        JsonHeaderCodec(max_body_bytes=3).encode(b"abcd")
    with pytest.raises(FrameTooLargeError):
        JsonHeaderCodec(max_header_bytes=20).encode(b"", filename="x" * 20)
    header = json.loads(JsonHeaderCodec().encode(b"", filename="报告")[4:])
    assert header == {"size": 0, "filename": "报告"}


# -- make_codec ----------------------------------------------------------------------------------

MORE_SPECS = (
    "length:!B",
    "length:=i",
    "length:<I",
    "delimiter:\\0",
    "delimiter:\\t|",
    "delimiter:\\0\\xff",
    "delimiter:\\\\",
    "fixed:1",
)


@pytest.mark.parametrize("spec", CODEC_SPECS + MORE_SPECS)
def test_make_codec_round_trips_its_spec(spec: str) -> None:
    codec = make_codec(spec)
    assert codec.spec == spec
    assert make_codec(codec.spec) == codec
    decoder = codec.decoder()
    assert [getattr(m, "body", m) for m in decoder.feed(codec.encode(b"a"))] == [b"a"]


def test_make_codec_builds_the_right_things() -> None:
    assert make_codec("none") == RawCodec()
    assert make_codec("length") == LengthPrefixCodec("!I")
    assert make_codec("length:!I").spec == "length"
    assert make_codec("delimiter") == DelimiterCodec(b"\n")
    assert make_codec("delimiter:\\r\\n") == DelimiterCodec(b"\r\n")
    assert make_codec("delimiter:\\x41;") == DelimiterCodec(b"A;")
    assert make_codec("delimiter:\\x00") == make_codec("delimiter:\\0")
    assert make_codec("delimiter:。") == DelimiterCodec("。".encode())
    assert make_codec("fixed:16") == FixedLengthCodec(16)
    assert make_codec("json") == JsonHeaderCodec()
    assert DelimiterCodec(b"\r\n").spec == "delimiter:\\r\\n"


@pytest.mark.parametrize(
    "spec",
    [
        "",
        "nope",
        "raw",
        "none:x",
        "json:1",
        "length:",
        "length:!f",
        "length:II",
        "delimiter:",
        "delimiter:\\q",
        "delimiter:\\x4",
        "delimiter:\\",
        "fixed",
        "fixed:",
        "fixed:0",
        "fixed:-1",
        "fixed:abc",
        "fixed:١٢",
        "LENGTH",
    ],
)
def test_make_codec_rejects_bad_specs(spec: str) -> None:
    with pytest.raises(ValueError, match="Valid spellings: none \\| length") as info:
        make_codec(spec)
    assert repr(spec) in str(info.value)


@given(st.binary(max_size=30))
def test_escape_round_trip(data: bytes) -> None:
    text = escape_bytes(data)
    assert text.isascii() and "\n" not in text and "\r" not in text
    assert unescape_bytes(text) == data


# -- garbage in: the verdict does not depend on the chunking either -------------------------------

GARBAGE_CODECS = [
    LengthPrefixCodec("!B", max_frame_bytes=6),
    LengthPrefixCodec("!b", max_frame_bytes=100),
    LengthPrefixCodec("!H", max_frame_bytes=8),
    DelimiterCodec(b"\n", max_frame_bytes=12),
    DelimiterCodec(b"ab", max_frame_bytes=8),
    FixedLengthCodec(3),
    JsonHeaderCodec(max_header_bytes=12, max_body_bytes=3),
]


def outcome(codec: object, chunks: list[bytes]) -> tuple[list[object], object]:
    """Every message decoded (including those carried by the error) and the final verdict."""
    decoder = codec.decoder()  # type: ignore[attr-defined]
    messages: list[object] = []
    try:
        for chunk in chunks:
            messages += decoder.feed(chunk)
        decoder.close()
    except IncompleteFrameError as exc:
        return messages + exc.decoded, ("incomplete", exc.partial, exc.expected)
    except FramingError as exc:
        return messages + exc.decoded, type(exc)
    return messages, None


@given(
    codec=st.sampled_from(GARBAGE_CODECS),
    stream=st.lists(
        st.sampled_from(
            [
                b"\x00",
                b"\x02",
                b"\x05",
                b"\x09",
                b"\xff",
                b"\n",
                b"a",
                b"b",
                b"xyz",
                b'{"size":1}',
                b"\x00\x00",
                b'\x00\x00\x00\x0a{"size":1}z',  # one whole valid JSON-header frame
                b"\n\n",
            ]
        ),
        max_size=20,
    ),
    cuts=st.lists(st.integers(0, 200), max_size=10),
)
def test_garbage_verdict_independent_of_chunking(codec: object, stream: list[bytes], cuts: list[int]) -> None:
    wire = b"".join(stream)
    expected = outcome(codec, [wire])
    points = sorted(min(c, len(wire)) for c in cuts)
    edges = [0, *points, len(wire)]
    assert outcome(codec, [wire[a:b] for a, b in itertools.pairwise(edges)]) == expected
    assert outcome(codec, [wire[i : i + 1] for i in range(len(wire))]) == expected
