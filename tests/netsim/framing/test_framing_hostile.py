"""Every codec against hostile bytes (issue 10): any chunking equals one shot, any bytes end
only in the package's own :class:`FramingError`, and memory per input is bounded.

The properties run through the fuzz targets of :mod:`tests.fuzz` (same strategies, same checks,
same ``tracemalloc`` accounting), for a fixed number of examples here; ``python -m tests.fuzz``
runs them for as long as asked.
"""

from __future__ import annotations

import struct
import tracemalloc
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netsim.framing import FramingError, JsonHeaderCodec, MalformedFrameError, make_codec
from netsim.framing.jsonheader import MAX_HEADER_DEPTH, header_depth
from tests.fuzz.engine import Stats, run_one
from tests.fuzz.targets import CODEC_TARGET_SPECS, codec_target


@pytest.mark.parametrize("spec", CODEC_TARGET_SPECS)
def test_any_chunking_any_bytes_only_own_errors_bounded_memory(spec: str) -> None:
    target = codec_target(spec)
    stats = Stats(target.name)

    @settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(target.strategy)
    def check(value: Any) -> None:
        run_one(target, value, stats)  # raises on a foreign exception, a broken invariant, memory

    tracemalloc.start()
    try:
        check()
    finally:
        tracemalloc.stop()
    assert stats.inputs >= 25


@pytest.mark.parametrize("spec", CODEC_TARGET_SPECS)
@given(data=st.binary(max_size=2048))
@settings(max_examples=25, deadline=None)
def test_pure_noise_ends_only_in_framing_errors(spec: str, data: bytes) -> None:
    decoder = make_codec(spec).decoder()
    try:
        decoder.feed(data)
        decoder.close()
    except FramingError:
        pass


# --- defect 1: a deeply nested JSON header --------------------------------------------------


@pytest.mark.parametrize("depth", [MAX_HEADER_DEPTH + 1, 2000, 100_000])
def test_a_deeply_nested_json_header_is_a_malformed_frame(depth: int) -> None:
    """Was RecursionError (not a FramingError) from 2,000 '[' up: it killed chat-server --framing json."""
    codec = JsonHeaderCodec(max_header_bytes=600_000)
    for opener in (b"[", b'{"a":'):
        header = opener * depth
        decoder = codec.decoder()
        with pytest.raises(MalformedFrameError, match="deep"):
            decoder.feed(struct.pack("!I", len(header)) + header)


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    header = b'{"size":3,"name":"' + b"[" * 5000 + b'\\"]"}'
    assert header_depth(header) == 1
    (frame,) = (
        JsonHeaderCodec(max_header_bytes=10_000)
        .decoder()
        .feed(struct.pack("!I", len(header)) + header + b"abc")
    )
    assert frame.body == b"abc" and frame.header["name"].startswith("[[[")


def test_nesting_at_the_limit_is_accepted() -> None:
    header = b'{"size":0,"x":' + b"[" * (MAX_HEADER_DEPTH - 1) + b"]" * (MAX_HEADER_DEPTH - 1) + b"}"
    (frame,) = JsonHeaderCodec().decoder().feed(struct.pack("!I", len(header)) + header)
    assert frame.header["size"] == 0


@pytest.mark.parametrize(
    "header",
    [b'{"size":' + b"9" * 5000 + b"}", b"\xff\xfe", b'{"size":1e999}', b'{"size":NaN}', b"[]", b'"x"'],
)
def test_every_bad_header_is_a_framing_error(header: bytes) -> None:
    with pytest.raises(FramingError):
        JsonHeaderCodec().decoder().feed(struct.pack("!I", len(header)) + header + b"x")


# --- defect 8 (part): a flood of empty frames --------------------------------------------------


def _peak_per_byte(spec: str, data: bytes) -> float:
    decoder = make_codec(spec).decoder()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        messages = decoder.feed(data)
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    assert messages
    return peak / len(data)


@pytest.mark.parametrize(
    ("spec", "unit"),
    [("delimiter", b"\n"), ("delimiter:\\r\\n", b"\r\n"), ("length:!B", b"\x00"), ("fixed:1", b"\x00")],
)
def test_a_flood_of_empty_frames_costs_a_list_slot_each(spec: str, unit: bytes) -> None:
    """DelimiterDecoder.feed held ≈ 140 B per input byte on empty lines (10 MB -> 1.4 GB)."""
    per_byte = _peak_per_byte(spec, unit * 50_000)
    assert per_byte <= 12, f"{per_byte:.1f} bytes of memory per input byte"
