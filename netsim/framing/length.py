"""Length-prefix framing: a fixed-size integer header giving the payload size, then the payload.

The decoder is the hot path of the lab (and of ``netsim bench``), so it is written for speed:

* while nothing is buffered, frames are parsed straight out of the ``data`` just fed
  (``struct.Struct.unpack_from`` at an index, one slice per payload), and only the unfinished
  tail is kept;
* when a tail exists, only the one frame straddling the boundary is completed from it, then
  parsing continues in ``data``;
* a header is validated (limit, sign) the moment it is complete, before any of its body is
  buffered, so a hostile ``0x7FFFFFFF`` header costs nothing.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass, field

from netsim.framing.base import Span, incomplete_message
from netsim.framing.errors import (
    FrameTooLargeError,
    FramingError,
    IncompleteFrameError,
    MalformedFrameError,
    refuse_after,
)

DEFAULT_LENGTH_FORMAT = "!I"
DEFAULT_MAX_FRAME_BYTES = 4 * 1024 * 1024

_FORMAT_RE = re.compile(r"([@=<>!]?)([bBhHiIlLqQ])")
_ENDIAN_WORDS = {"!": "big-endian", ">": "big-endian", "<": "little-endian"}


@dataclass(frozen=True)
class LengthPrefixCodec:
    """``struct.pack(length_format, len(payload)) + payload``.

    ``length_format`` is any single-integer :mod:`struct` format: ``"!B"``, ``"!H"``, ``"!I"``,
    ``"!Q"``, ``"!i"``, ``"<I"``...  The native formats ``"i"`` / ``"@i"`` / ``"=i"`` exist only
    to talk to the lesson's original code (``struct.pack('i', n)``): their byte order is the
    machine's, so they are not portable, and the label says so.
    """

    length_format: str = DEFAULT_LENGTH_FORMAT
    max_frame_bytes: int = DEFAULT_MAX_FRAME_BYTES
    _struct: struct.Struct = field(init=False, repr=False, compare=False)
    _unsigned: struct.Struct = field(init=False, repr=False, compare=False)
    _signed: bool = field(init=False, repr=False, compare=False)
    _format_max: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        match = _FORMAT_RE.fullmatch(self.length_format) if isinstance(self.length_format, str) else None
        if match is None:
            raise ValueError(
                f"length format {self.length_format!r} is not a single struct integer format "
                "(examples: '!B', '!H', '!I', '!Q', '!i', or the lesson's native 'i')"
            )
        if isinstance(self.max_frame_bytes, bool) or not isinstance(self.max_frame_bytes, int):
            raise ValueError(f"max_frame_bytes must be an int, not {self.max_frame_bytes!r}")
        if self.max_frame_bytes < 0:
            raise ValueError(f"max_frame_bytes must be >= 0, not {self.max_frame_bytes}")
        prefix, code = match.groups()
        packer = struct.Struct(self.length_format)
        signed = code.islower()
        bits = packer.size * 8
        object.__setattr__(self, "_struct", packer)
        # Decoding reads the unsigned twin, so one `size > limit` test also catches negatives.
        object.__setattr__(self, "_unsigned", struct.Struct(prefix + code.upper()))
        object.__setattr__(self, "_signed", signed)
        object.__setattr__(self, "_format_max", (1 << (bits - 1)) - 1 if signed else (1 << bits) - 1)

    @property
    def header_bytes(self) -> int:
        return self._struct.size

    @property
    def native(self) -> bool:
        """True for the machine-byte-order formats ("i", "@i", "=i"): not portable."""
        return self.length_format[0] not in "!<>"

    @property
    def spec(self) -> str:
        if self.length_format == DEFAULT_LENGTH_FORMAT:
            return "length"
        return f"length:{self.length_format}"

    @property
    def label(self) -> str:
        fmt = self.length_format
        if self.native:
            return f"lesson-compatible native '{fmt}' (platform byte order — not portable)"
        size = self._struct.size
        sign = "signed" if self._signed else "unsigned"
        if size == 1:
            return f"length prefix ({fmt}, 1-byte {sign})"
        return f"length prefix ({fmt}, {size}-byte {_ENDIAN_WORDS[fmt[0]]} {sign})"

    def encode(self, payload: bytes) -> bytes:
        size = len(payload)
        if size > self.max_frame_bytes:
            raise FrameTooLargeError(
                f"payload of {size} bytes exceeds the frame limit of {self.max_frame_bytes} bytes"
            )
        if size > self._format_max:
            raise FrameTooLargeError(
                f"payload of {size} bytes does not fit a '{self.length_format}' length prefix "
                f"(at most {self._format_max})"
            )
        return self._struct.pack(size) + bytes(payload)

    def overhead(self, payload: bytes) -> tuple[int, int]:
        return (self._struct.size, 0)

    def decoder(self) -> LengthPrefixDecoder:
        return LengthPrefixDecoder(self)


class LengthPrefixDecoder:
    """Receive state for :class:`LengthPrefixCodec` (see the module docstring for the design)."""

    __slots__ = (
        "_closed",
        "_error",
        "_fed",
        "_have",
        "_head",
        "_header_size",
        "_limit",
        "_loop_limit",
        "_need",
        "_parts",
        "_sign_bit",
        "_signed",
        "_start",
        "_unpack_from",
    )

    def __init__(self, codec: LengthPrefixCodec) -> None:
        self._header_size = codec._unsigned.size
        self._unpack_from = codec._unsigned.unpack_from
        self._limit = codec.max_frame_bytes
        self._signed = codec._signed
        self._sign_bit = 1 << (self._header_size * 8 - 1)
        # Unsigned read of a signed field: anything above the signed maximum is negative.
        self._loop_limit = min(self._limit, self._sign_bit - 1) if self._signed else self._limit
        self._head = b""  # bytes of the pending frame's header (all of it once known)
        # Body of the pending frame so far, as views of the fed chunks: every body byte is
        # copied once, by the final join (a growing bytearray would copy it twice or more).
        self._parts: list[bytes | memoryview] = []
        self._have = 0  # bytes in _parts
        self._need = -1  # body size of the pending frame, -1 while its header is incomplete
        self._start = 0  # stream offset of the pending frame
        self._fed = 0  # bytes fed before the current call
        self._error: FramingError | None = None
        self._closed = False

    @property
    def buffered(self) -> int:
        return len(self._head) + self._have

    # -- the hot path -------------------------------------------------------------------------

    def feed(self, data: bytes) -> list[bytes]:
        if self._error is not None or self._closed:
            raise self._refusal()
        if type(data) is not bytes:
            data = bytes(data)
        out: list[bytes] = []
        try:
            i = 0
            if self._head:
                message, i = self._resume(data)
                if message is None:
                    self._fed += len(data)
                    return out
                out.append(message)
            n = len(data)
            header_size = self._header_size
            unpack_from = self._unpack_from
            limit = self._loop_limit
            # One header read and one slice per frame, nothing else.  (Caching `out.append`
            # in a local, or folding the limit test away, measured no faster on 3.11.)
            j = i + header_size
            while j <= n:
                (size,) = unpack_from(data, i)
                k = j + size
                if k > n or size > limit:
                    break
                out.append(data[j:k])
                i = k
                j = k + header_size
            if i < n:
                self._stash(data, i)
            self._fed += n
        except FramingError as exc:
            self._error = exc
            exc.decoded = out
            raise
        return out

    def feed_spans(self, data: bytes) -> list[Span]:
        if self._error is not None or self._closed:
            raise self._refusal()
        if type(data) is not bytes:
            data = bytes(data)
        out: list[Span] = []
        try:
            i = 0
            base = self._fed
            if self._head:
                start = self._start
                message, i = self._resume(data)
                if message is None:
                    self._fed += len(data)
                    return out
                out.append((start, base + i, message))
            n = len(data)
            header_size = self._header_size
            unpack_from = self._unpack_from
            limit = self._loop_limit
            j = i + header_size
            while j <= n:
                (size,) = unpack_from(data, i)
                k = j + size
                if k > n or size > limit:
                    break
                out.append((base + i, base + k, data[j:k]))
                i = k
                j = k + header_size
            if i < n:
                self._stash(data, i)
            self._fed += n
        except FramingError as exc:
            self._error = exc
            exc.decoded = out
            raise
        return out

    # -- the frame straddling two feeds --------------------------------------------------------

    def _check(self, buffer: bytes, pos: int) -> int:
        """Body size announced by the header at ``buffer[pos:]``, or raise if it is invalid."""
        size: int = self._unpack_from(buffer, pos)[0]
        if size <= self._loop_limit:
            return size
        if self._signed and size >= self._sign_bit:
            raise MalformedFrameError(
                f"frame header announces a negative length ({size - 2 * self._sign_bit} bytes)"
            )
        raise FrameTooLargeError(f"frame header announces {size} bytes; limit is {self._limit}")

    def _stash(self, data: bytes, i: int) -> None:
        """Keep the unfinished frame starting at ``data[i]`` (validating its header if complete)."""
        self._start = self._fed + i
        j = i + self._header_size
        if j <= len(data):
            self._need = self._check(data, i)
            self._head = data[i:j]
            self._parts = [memoryview(data)[j:]] if j < len(data) else []
            self._have = len(data) - j
        else:
            self._head = data[i:]
            self._need = -1

    def _resume(self, data: bytes) -> tuple[bytes | None, int]:
        """Continue the pending frame with ``data``: (finished message or None, bytes used)."""
        i = 0
        if self._need < 0:
            take = self._header_size - len(self._head)
            head = self._head + data[:take]
            self._head = head
            if len(head) < self._header_size:
                return None, len(data)
            i = take
            self._need = self._check(head, 0)
        missing = self._need - self._have
        available = len(data) - i
        if available < missing:
            if available:
                self._parts.append(memoryview(data)[i:] if i else data)
                self._have += available
            return None, len(data)
        end = i + missing
        if self._parts:
            self._parts.append(memoryview(data)[i:end])
            message = b"".join(self._parts)
            self._parts = []
            self._have = 0
        else:
            message = data[i:end]
        self._head = b""
        self._need = -1
        return message, end

    # -- end of stream -------------------------------------------------------------------------

    def close(self) -> None:
        if self._error is not None:
            raise refuse_after(self._error)
        if self._closed:
            return
        self._closed = True
        if self._head:
            partial = b"".join([self._head, *self._parts])
            expected = self._header_size + self._need if self._need >= 0 else None
            error = IncompleteFrameError(
                incomplete_message(len(partial), expected), partial=partial, expected=expected
            )
            self._error = error
            raise error

    def _refusal(self) -> FramingError:
        if self._error is not None:
            return refuse_after(self._error)
        return FramingError("feed() after close(): this decoder's stream has ended")
