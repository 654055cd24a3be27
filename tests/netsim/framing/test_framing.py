"""The sticky-packet invariant: for every codec, *the chunking does not matter*.

The same wire bytes fed at every split point, byte at a time, in one shot, and in random
chunkings (Hypothesis) must give the same messages, the same wire spans, and the same
end-of-stream verdict.  Expected values are computed independently from ``encode()``.
"""

from __future__ import annotations

import itertools
import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netsim.framing import (
    Codec,
    DelimiterCodec,
    FixedLengthCodec,
    FramingError,
    IncompleteFrameError,
    JsonFrame,
    JsonHeaderCodec,
    LengthPrefixCodec,
    RawCodec,
    make_codec,
)

NIHAO = "你好".encode()
BINARY = bytes([0, 255, 1, 254, 0x0A, 0x0D, 0]) + b"\x00\x80"


@dataclass(frozen=True)
class Case:
    id: str
    codec: Codec
    messages: tuple[bytes, ...]
    fields: tuple[dict[str, Any], ...] = ()  # JSON header fields per message

    def wire_parts(self) -> list[bytes]:
        if isinstance(self.codec, JsonHeaderCodec):
            return [self.codec.encode(m, **f) for m, f in zip(self.messages, self.fields, strict=True)]
        return [self.codec.encode(m) for m in self.messages]

    def expected_messages(self) -> list[Any]:
        if isinstance(self.codec, JsonHeaderCodec):
            return [
                JsonFrame({"size": len(m), **f}, m) for m, f in zip(self.messages, self.fields, strict=True)
            ]
        if isinstance(self.codec, FixedLengthCodec):
            return [m.rstrip(b"\0") for m in self.messages]
        return list(self.messages)

    def expected_spans(self) -> list[tuple[int, int, Any]]:
        spans = []
        offset = 0
        for part, message in zip(self.wire_parts(), self.expected_messages(), strict=True):
            spans.append((offset, offset + len(part), message))
            offset += len(part)
        return spans


LENGTH_MESSAGES = (b"hello", b"", b"world", NIHAO, BINARY, b"", bytes(range(200)), b"x")
CASES = [
    *(
        Case(f"length-{fmt}", LengthPrefixCodec(fmt), LENGTH_MESSAGES)
        for fmt in ("!I", "!H", "!B", "!Q", "!i", "i", "=i", "<I", "!b")
        if fmt != "!b"
    ),
    Case("length-!b", LengthPrefixCodec("!b"), (b"hello", b"", NIHAO, BINARY, bytes(range(127)))),
    Case("delimiter-lf", DelimiterCodec(), (b"hello", b"", b"world", NIHAO, b"\x00\xff\r", b"", b"x")),
    Case(
        "delimiter-crlf",
        DelimiterCodec(b"\r\n"),
        (b"hello", b"", b"x\r", b"\ny", NIHAO, b"a\rb\nc", b"\x00\xff", b""),
    ),
    Case("delimiter-multi", DelimiterCodec(b"<END>"), (b"<EN", b"D>", b"<<END", b"", NIHAO, b"E>")),
    Case(
        "fixed-16",
        FixedLengthCodec(16),
        (b"hello", b"", b"0123456789abcdef", NIHAO, b"\x00\xffbin", b"pad\0\0"),
    ),
    Case("fixed-1", FixedLengthCodec(1), (b"a", b"", b"\xff", b"z")),
    Case(
        "json",
        JsonHeaderCodec(),
        (b"hello", b"", NIHAO, BINARY, bytes(range(100))),
        (
            {"filename": "a.txt"},
            {},
            {"filename": "报告.txt", "note": "你好"},
            {"filename": "bin", "mode": 0o644},
            {"nested": {"k": [1, 2]}},
        ),
    ),
]


def decode(codec: Codec, chunks: Iterable[bytes]) -> tuple[list[Any], list[Any], Any]:
    """(messages via feed, spans via feed_spans, end-of-stream verdict) for one chunking."""
    chunks = list(chunks)
    by_feed = codec.decoder()
    by_spans = codec.decoder()
    messages: list[Any] = []
    spans: list[Any] = []
    for chunk in chunks:
        messages += by_feed.feed(chunk)
        spans += by_spans.feed_spans(chunk)
    assert by_feed.buffered == by_spans.buffered
    verdicts: list[tuple[str, bytes, int | None] | None] = []
    for decoder in (by_feed, by_spans):
        try:
            decoder.close()
        except IncompleteFrameError as exc:
            verdicts.append(("incomplete", exc.partial, exc.expected))
        else:
            verdicts.append(None)
    assert verdicts[0] == verdicts[1]
    return messages, spans, verdicts[0]


def chunked(wire: bytes, size: int) -> list[bytes]:
    return [wire[i : i + size] for i in range(0, len(wire), size)]


def cut(wire: bytes, points: Sequence[int]) -> list[bytes]:
    edges = [0, *sorted(points), len(wire)]
    return [wire[a:b] for a, b in itertools.pairwise(edges)]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_chunking_does_not_matter(case: Case) -> None:
    wire = b"".join(case.wire_parts())
    expected = (case.expected_messages(), case.expected_spans(), None)
    assert decode(case.codec, [wire]) == expected  # one shot
    for size in range(1, len(wire) + 1):  # includes byte at a time
        assert decode(case.codec, chunked(wire, size)) == expected, f"chunk size {size}"
    for point in range(len(wire) + 1):  # every 2-way split, empty halves included
        assert decode(case.codec, [wire[:point], wire[point:]]) == expected, f"split at {point}"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_truncated_stream_gives_same_verdict_at_every_split(case: Case) -> None:
    parts = case.wire_parts()
    # Cut inside the last frame (or its header), keeping everything before it.
    whole = b"".join(parts[:-1])
    last = parts[-1]
    for keep in range(1, len(last)):
        wire = whole + last[:keep]
        messages, spans, verdict = decode(case.codec, [wire])
        assert messages == case.expected_messages()[:-1]
        assert spans == case.expected_spans()[:-1]
        assert verdict is not None and verdict[1] == last[:keep]
        for size in range(1, len(wire) + 1, 3):
            assert decode(case.codec, chunked(wire, size)) == (messages, spans, verdict)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_mixing_feed_and_feed_spans_keeps_offsets(case: Case) -> None:
    wire = b"".join(case.wire_parts())
    decoder = case.codec.decoder()
    spans: list[Any] = []
    expected = []
    for n, chunk in enumerate(chunked(wire, 3)):
        if n % 2:
            spans += decoder.feed_spans(chunk)
            # Frames completed by this chunk: those ending in (chunk start, chunk end].
            expected += [s for s in case.expected_spans() if 3 * n < s[1] <= 3 * n + len(chunk)]
        else:
            decoder.feed(chunk)
    assert spans == expected
    assert any(spans) or len(wire) < 6


@settings(max_examples=60, deadline=None)
@given(case=st.sampled_from(CASES), data=st.data())
def test_random_chunkings(case: Case, data: st.DataObject) -> None:
    wire = b"".join(case.wire_parts())
    points = data.draw(st.lists(st.integers(0, len(wire)), max_size=12))
    assert decode(case.codec, cut(wire, points)) == (case.expected_messages(), case.expected_spans(), None)


@settings(max_examples=80, deadline=None)
@given(
    fmt=st.sampled_from(["!I", "!H", "!Q", "i", "<I"]),
    messages=st.lists(st.binary(max_size=40), max_size=10),
    data=st.data(),
)
def test_length_prefix_random_messages(fmt: str, messages: list[bytes], data: st.DataObject) -> None:
    case = Case("random", LengthPrefixCodec(fmt), tuple(messages))
    wire = b"".join(case.wire_parts())
    points = data.draw(st.lists(st.integers(0, len(wire)), max_size=15))
    assert decode(case.codec, cut(wire, points)) == (messages, case.expected_spans(), None)


@settings(max_examples=80, deadline=None)
@given(
    delimiter=st.sampled_from([b"\n", b"\r\n", b"ab", b"\x00\x00"]),
    messages=st.lists(st.binary(max_size=20), max_size=10),
    data=st.data(),
)
def test_delimiter_random_messages(delimiter: bytes, messages: list[bytes], data: st.DataObject) -> None:
    codec = DelimiterCodec(delimiter)
    # A message may not contain the delimiter, nor end with a prefix that completes it early.
    messages = [m for m in messages if (m + delimiter).find(delimiter) == len(m)]
    case = Case("random", codec, tuple(messages))
    wire = b"".join(case.wire_parts())
    points = data.draw(st.lists(st.integers(0, len(wire)), max_size=15))
    assert decode(codec, cut(wire, points)) == (messages, case.expected_spans(), None)


def test_raw_codec_returns_chunks_as_is() -> None:
    codec = RawCodec()
    assert codec.encode(b"hello") == b"hello"
    assert codec.overhead(b"hello") == (0, 0)
    decoder = codec.decoder()
    # The naive receiver: two sends merged in one recv come out as one "message".
    assert decoder.feed(b"hellowor") == [b"hellowor"]
    assert decoder.feed(b"") == []
    assert decoder.feed_spans(b"ld") == [(8, 10, b"ld")]
    assert decoder.buffered == 0
    decoder.close()
    assert decode(codec, [b"a", b"bc", b"", b"def"]) == (
        [b"a", b"bc", b"def"],
        [(0, 1, b"a"), (1, 3, b"bc"), (3, 6, b"def")],
        None,
    )


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_overhead_brackets_the_payload(case: Case) -> None:
    for message, part, n in zip(case.messages, case.wire_parts(), range(len(case.messages)), strict=True):
        if isinstance(case.codec, JsonHeaderCodec):
            header, trailer = case.codec.overhead(message, **case.fields[n])
        else:
            header, trailer = case.codec.overhead(message)
        assert header + len(message) + trailer == len(part)
        assert part[header : len(part) - trailer] == message


def test_lesson_native_i_header_decodes() -> None:
    decoder = make_codec("length:i").decoder()
    assert decoder.feed(struct.pack("i", 5) + b"hello" + struct.pack("i", 2)) == [b"hello"]
    assert decoder.feed(b"ok") == [b"ok"]
    decoder.close()


def test_buffered_counts_unfinished_bytes() -> None:
    codec = LengthPrefixCodec()
    decoder = codec.decoder()
    wire = codec.encode(b"hello")
    assert decoder.feed(wire[:2]) == []
    assert decoder.buffered == 2
    assert decoder.feed(wire[2:7]) == []
    assert decoder.buffered == 7
    assert decoder.feed(wire[7:]) == [b"hello"]
    assert decoder.buffered == 0


def test_big_frame_across_many_feeds() -> None:
    codec = LengthPrefixCodec()
    payload = bytes(range(256)) * 4096  # 1 MiB
    wire = codec.encode(payload) + codec.encode(b"after")
    decoder = codec.decoder()
    out: list[bytes] = []
    for chunk in chunked(wire, 65536):
        out += decoder.feed(chunk)
    assert out == [payload, b"after"]
    decoder.close()


def test_non_bytes_input_gives_bytes_messages() -> None:
    for codec in (LengthPrefixCodec(), DelimiterCodec(), FixedLengthCodec(4), RawCodec()):
        wire = codec.encode(b"abcd")
        for data in (bytearray(wire), memoryview(wire)):
            messages = codec.decoder().feed(data)  # type: ignore[arg-type]
            assert messages == [b"abcd"] and type(messages[0]) is bytes


def test_fixed_length_strips_nul_padding_even_from_the_payload() -> None:
    # The lesson: padding needs a rule the receiver can apply; a trailing NUL is ambiguous.
    codec = FixedLengthCodec(8)
    assert codec.encode(b"ab") == b"ab\0\0\0\0\0\0"
    assert codec.decoder().feed(codec.encode(b"ab\0")) == [b"ab"]
    assert codec.overhead(b"ab") == (0, 6)


def test_json_header_with_filename() -> None:
    codec = JsonHeaderCodec()
    wire = codec.encode(b"file body", filename="notes.txt")
    (length,) = struct.unpack("!I", wire[:4])
    assert wire[4 : 4 + length].decode() == '{"size":9,"filename":"notes.txt"}'
    (frame,) = codec.decoder().feed(wire)
    assert frame == JsonFrame({"size": 9, "filename": "notes.txt"}, b"file body")
    assert frame.header["filename"] == "notes.txt"
    with pytest.raises(ValueError, match="size"):
        codec.encode(b"x", size=3)


def test_feed_after_close_is_refused() -> None:
    for codec in (LengthPrefixCodec(), DelimiterCodec(), JsonHeaderCodec(), RawCodec()):
        decoder = codec.decoder()
        decoder.close()
        decoder.close()  # idempotent after a clean end
        with pytest.raises(FramingError, match="after close"):
            decoder.feed(b"x")
