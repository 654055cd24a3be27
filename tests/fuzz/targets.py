"""Fuzz targets: one per codec, one per HMAC/auth parser or handshake machine, one for traces.

A target is a Hypothesis strategy for its input plus a function that runs one input.  The
function may raise only the package's own errors (``expected``); anything else - or a broken
invariant, raised as :class:`InvariantBroken` - is a finding.  Strategies mix pure noise with
mutated valid inputs (frames, handshake messages, trace lines) so the fuzzer gets past the
first check of each parser.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from typing import Any

from hypothesis import strategies as st

from netsim.auth import macs
from netsim.auth.machines import (
    MULTIPROCESSING,
    NETSIM,
    AuthConfig,
    Handshake,
    Outgoing,
    client_handshake,
    server_handshake,
)
from netsim.core.trace import Trace, TraceFormatError
from netsim.framing import Codec, FramingError, JsonHeaderCodec, LengthPrefixCodec, make_codec


class InvariantBroken(AssertionError):
    """A property of the code under test does not hold for this input."""


@dataclass(frozen=True)
class Target:
    name: str
    strategy: st.SearchStrategy[Any]
    run: Callable[[Any], bool | None]  # True (or an expected exception): ended in an own error
    size: Callable[[Any], int]  # input size in bytes, for memory-per-input figures
    expected: tuple[type[BaseException], ...]
    note: str = ""


# --- mutation helpers ------------------------------------------------------------------------


@st.composite
def mutated(draw: st.DrawFn, seeds: st.SearchStrategy[bytes]) -> bytes:
    """A seed with a few random edits: flip, insert, delete, truncate, duplicate."""
    data = bytearray(draw(seeds))
    for _ in range(draw(st.integers(0, 4))):
        op = draw(st.sampled_from(("flip", "insert", "delete", "truncate", "dup")))
        pos = draw(st.integers(0, len(data)))
        if op == "flip" and pos < len(data):
            data[pos] = draw(st.integers(0, 255))
        elif op == "insert":
            data[pos:pos] = draw(st.binary(max_size=8))
        elif op == "delete":
            del data[pos : pos + draw(st.integers(1, 8))]
        elif op == "truncate":
            del data[pos:]
        elif op == "dup":
            data += data[pos:]
    return bytes(data)


def _bytes_size(value: Any) -> int:
    return len(value[0]) if isinstance(value, tuple) else len(value)


# --- codecs -----------------------------------------------------------------------------------

CODEC_TARGET_SPECS = (
    "none",
    "length",
    "length:!B",
    "length:!H",
    "length:!Q",
    "length:i",
    "delimiter",
    "delimiter:\\r\\n",
    "fixed:16",
    "json",
)

_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=12,
)


def _frame_strategy(spec: str, codec: Codec) -> st.SearchStrategy[bytes]:
    payloads = st.binary(max_size=64)
    if spec.startswith("delimiter"):
        delimiter = codec.encode(b"")
        payloads = payloads.map(lambda p: p.replace(delimiter, b""))
    if spec.startswith("fixed"):
        payloads = st.binary(max_size=16)
    frames = payloads.map(codec.encode)
    if spec == "json":
        assert isinstance(codec, JsonHeaderCodec)
        json_codec = codec
        fields = st.dictionaries(st.text(max_size=6).filter(lambda k: k != "size"), _JSON_VALUES, max_size=3)
        frames = frames | st.builds(lambda p, f: json_codec.encode(p, **f), st.binary(max_size=32), fields)
    return frames


def _codec_streams(spec: str) -> st.SearchStrategy[tuple[bytes, list[int]]]:
    """(wire bytes, cut points): valid frames, noise and mutated frames, glued together."""
    codec = make_codec(spec)
    frame = _frame_strategy(spec, codec)
    header_bombs = st.sampled_from(
        [
            b"\xff" * 8,
            b"\x7f\xff\xff\xff",
            b"\x00\x00\x20\x00" + b"[" * 8192,
            b"\x00\x00\x00\x20" + b'{"size":' + b"9" * 24,
            b"\n" * 4096,
            b"\r" * 100 + b"\n",
            b"\x00\x00\x00\x0a" + b'{"size":-1}',
        ]
    )
    piece = frame | mutated(frame) | st.binary(max_size=64) | header_bombs
    return st.tuples(
        st.lists(piece, max_size=12).map(b"".join),
        st.lists(st.integers(0, 10_000), max_size=8),
    )


def _chunks(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts})
    edges = [0, *points, len(data)]
    return [data[a:b] for a, b in pairwise(edges)]


def _decode(codec: Codec, chunks: list[bytes], spans: bool) -> tuple[list[Any], str | None]:
    """Messages (or spans) and the error kind; the errors are the codec's own only."""
    decoder = codec.decoder()
    out: list[Any] = []
    try:
        for chunk in chunks:
            out.extend(decoder.feed_spans(chunk) if spans else decoder.feed(chunk))
        decoder.close()
    except FramingError as exc:
        out.extend(exc.decoded)
        return out, type(exc).__name__
    return out, None


def codec_target(spec: str) -> Target:
    codec = make_codec(spec)

    def run(case: tuple[bytes, list[int]]) -> bool:
        data, cuts = case
        whole = _decode(codec, [data], spans=False)
        chunked = _decode(codec, _chunks(data, cuts), spans=True)
        messages = [span[2] for span in chunked[0]]
        if spec == "none":
            # No framing: each chunk is a "message" (the lesson) - only the bytes must survive.
            if b"".join(messages) != data or b"".join(whole[0]) != data:
                raise InvariantBroken("the raw codec lost or changed bytes")
        elif (whole[0], whole[1]) != (messages, chunked[1]):
            raise InvariantBroken(
                f"chunking changed the result: one shot {whole[1]} {len(whole[0])} messages, "
                f"chunked {chunked[1]} {len(messages)} messages"
            )
        end = 0
        for start, stop, _message in chunked[0]:
            if not 0 <= start <= stop <= len(data) or start < end:
                raise InvariantBroken(f"span ({start}, {stop}) out of order or outside the input")
            end = stop
        return whole[1] is not None

    return Target(f"codec:{spec}", _codec_streams(spec), run, _bytes_size, (FramingError,))


# --- HMAC / auth parsers -------------------------------------------------------------------------

KEY = b"hello"


def _fixed_nonce(size: int) -> bytes:
    return bytes(range(size))


@cache
def _transcript(protocol: str, variant: str) -> tuple[tuple[bytes, ...], tuple[bytes, ...]]:
    """What a real client and a real server send each other (fixed nonces), in order."""
    config = AuthConfig(protocol=protocol, variant=variant)
    server = server_handshake(config, KEY, _fixed_nonce)
    client = client_handshake(config, KEY, _fixed_nonce)
    to_client: list[bytes] = []
    to_server: list[bytes] = []
    server.start()
    client.start()
    for _ in range(10):
        moved = False
        for src, dst, log in ((server, client, to_client), (client, server, to_server)):
            for action in src.take_actions():
                if isinstance(action, Outgoing):
                    log.append(action.payload)
                    moved = True
                    if not dst.finished:
                        dst.receive(action.payload)
        if not moved:
            break
    return tuple(to_client), tuple(to_server)


def _messages_for(seeds: tuple[bytes, ...]) -> st.SearchStrategy[list[bytes]]:
    seed = st.sampled_from(seeds) if seeds else st.just(b"")
    one = seed | mutated(seed) | st.binary(max_size=300)
    return st.lists(one, min_size=1, max_size=5)


def handshake_target(side: str, protocol: str, variant: str = macs.HMAC) -> Target:
    """Drive one side's machine with messages as its peer might send them, through the same
    length-prefix decoder (with the pre-authentication limit) as the real transport."""
    config = AuthConfig(protocol=protocol, variant=variant)
    make = server_handshake if side == "server" else client_handshake
    to_client, to_server = _transcript(protocol, variant)
    seeds = to_server if side == "server" else to_client
    codec = LengthPrefixCodec(config.length_format, max_frame_bytes=config.max_preauth_frame_bytes)

    def run(messages: list[bytes]) -> None:
        hs: Handshake = make(config, KEY, _fixed_nonce)
        hs.start()
        hs.take_actions()
        decoder = codec.decoder()
        wire = b"".join(LengthPrefixCodec(config.length_format).encode(m) for m in messages)
        last = b""
        for payload in decoder.feed(wire):  # FramingError for an oversized frame: expected
            if hs.finished:
                break
            hs.receive(payload)
            last = payload
            for action in hs.take_actions():
                if isinstance(action, Outgoing) and not isinstance(action.payload, bytes):
                    raise InvariantBroken("an outgoing payload is not bytes")
        if hs.finished and hs.reason not in macs.REASONS:
            raise InvariantBroken(f"unknown reason code {hs.reason!r}")
        if side == "server" and hs.accepted and last != seeds[-1]:
            # The server accepts only the one right answer to its (fixed here) challenge.
            raise InvariantBroken(f"server accepted a forged answer: {last!r}")

    name = f"auth:{protocol}-{side}" + (f"-{variant}" if protocol == NETSIM and variant != macs.HMAC else "")
    return Target(name, _messages_for(seeds), run, lambda ms: sum(map(len, ms)), (FramingError,))


def parsers_target() -> Target:
    """The byte-level parsers of :mod:`netsim.auth.macs`: they return None, never raise."""
    to_client, _ = _transcript(NETSIM, macs.HMAC)
    mp_client, _ = _transcript(MULTIPROCESSING, macs.HMAC)
    seeds = st.sampled_from(
        [*to_client, *mp_client, b"{hmac:sha256}", b"{sha256}", b"{md5}" + b"x" * 16, b"x" * 20]
    )
    inputs = seeds | mutated(seeds) | st.binary(max_size=300)

    def run(data: bytes) -> None:
        macs.parse_announce(data)
        macs.parse_announce(data[len(macs.CHALLENGE_TAG) :])
        macs.mp_split(data)
        macs.mp_create_response(KEY, data)
        macs.verify(data[:32], data[32:64])

    return Target("auth:parsers", inputs, run, len, ())


# --- traces -----------------------------------------------------------------------------------


@cache
def _seed_trace_lines() -> tuple[str, ...]:
    """A real trace from a real (tiny) lab run."""
    from netsim.lessons.sticky import Scenario, StreamLab

    lab = StreamLab(Scenario(messages=(b"hello", b"world", b"\xe4\xbd\xa0"), framing="length"))
    try:
        lab.start()
        if not lab.wait(20.0):
            raise RuntimeError("the seed lab run did not finish")
    finally:
        lab.close()
    out = io.StringIO()
    Trace(lab.recorder.events).dump(out)
    return tuple(out.getvalue().splitlines())


@st.composite
def _trace_texts(draw: st.DrawFn) -> str:
    lines = list(_seed_trace_lines())
    for _ in range(draw(st.integers(0, 4))):
        index = draw(st.integers(0, len(lines) - 1))
        choice = draw(st.sampled_from(("mutate", "json", "drop", "dup", "nest", "bigint")))
        if choice == "mutate":
            lines[index] = draw(mutated(st.just(lines[index].encode()))).decode("utf-8", "replace")
        elif choice == "json":
            try:
                record = json.loads(lines[index])
            except ValueError:
                continue
            if isinstance(record, dict) and record:
                key = draw(st.sampled_from(sorted(record)))
                record[key] = draw(_JSON_VALUES)
                lines[index] = json.dumps(record)
        elif choice == "drop":
            del lines[index]
            if not lines:
                lines = [""]
        elif choice == "dup":
            lines.insert(index, lines[index])
        elif choice == "nest":
            lines[index] = "[" * draw(st.integers(100, 5000))
        elif choice == "bigint":
            lines[index] = lines[index].replace("1", "9" * draw(st.integers(20, 5000)), 1)
    return "\n".join(lines)


def trace_target() -> Target:
    def run(text: str) -> None:
        trace = Trace.loads(text)
        trace.analyze()  # what --replay and File ▸ Open do next: must not crash on a loaded trace

    return Target(
        "trace",
        _trace_texts() | st.text(max_size=200),
        run,
        lambda text: len(text.encode("utf-8", "surrogatepass")),
        (TraceFormatError,),
        note="Trace.loads + analyze; expected: TraceFormatError only",
    )


def all_targets() -> dict[str, Callable[[], Target]]:
    """Name -> factory (factories are lazy: the trace target runs a lab to get its seed)."""
    makers: dict[str, Callable[[], Target]] = {}
    for spec in CODEC_TARGET_SPECS:
        makers[f"codec:{spec}"] = lambda spec=spec: codec_target(spec)  # type: ignore[misc]
    for protocol in (NETSIM, MULTIPROCESSING):
        for side in ("server", "client"):
            makers[f"auth:{protocol}-{side}"] = lambda s=side, p=protocol: handshake_target(s, p)  # type: ignore[misc]
    for side in ("server", "client"):
        makers[f"auth:netsim-{side}-mutual"] = lambda s=side: handshake_target(s, NETSIM, macs.MUTUAL)  # type: ignore[misc]
    makers["auth:parsers"] = parsers_target
    makers["trace"] = trace_target
    return makers
