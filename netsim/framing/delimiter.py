"""Delimiter framing: each frame ends with a delimiter (``b"\\n"``, ``b"\\r\\n"``, ...).

Handled properly: a delimiter split across two reads, several frames in one read, empty frames.
An over-long frame is rejected with :class:`FrameTooLargeError` as soon as more than
``max_frame_bytes`` bytes are buffered with no delimiter (not counting trailing bytes that may
be the start of a multi-byte delimiter, e.g. the ``\r`` of ``\r\n``) — so the limit means
"frame content of at most ``max_frame_bytes``", whatever the chunking.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from netsim.framing.base import DecoderBase
from netsim.framing.errors import FrameTooLargeError, FramingError

DEFAULT_DELIMITER = b"\n"
DEFAULT_MAX_LINE_BYTES = 64 * 1024

_ESCAPES = {0x0A: "\\n", 0x0D: "\\r", 0x09: "\\t", 0x00: "\\0", 0x5C: "\\\\"}
_UNESCAPES = {"n": b"\n", "r": b"\r", "t": b"\t", "0": b"\0", "\\": b"\\"}


def escape_bytes(data: bytes) -> str:
    """Spell ``data`` for a spec: ``\\n \\r \\t \\0 \\\\``, printable ASCII as is, else ``\\xNN``."""
    parts = []
    for byte in data:
        if byte in _ESCAPES:
            parts.append(_ESCAPES[byte])
        elif 0x20 <= byte < 0x7F:
            parts.append(chr(byte))
        else:
            parts.append(f"\\x{byte:02x}")
    return "".join(parts)


def unescape_bytes(text: str) -> bytes:
    """Inverse of :func:`escape_bytes`; other characters are taken as UTF-8.  ValueError if bad."""
    out = bytearray()
    i = 0
    while i < len(text):
        char = text[i]
        if char != "\\":
            out += char.encode("utf-8")
            i += 1
            continue
        code = text[i + 1 : i + 2]
        if code in _UNESCAPES:
            out += _UNESCAPES[code]
            i += 2
        elif code == "x":
            digits = text[i + 2 : i + 4]
            if len(digits) != 2 or any(d not in "0123456789abcdefABCDEF" for d in digits):
                raise ValueError(f"bad escape {text[i : i + 4]!r}: \\x needs two hex digits")
            out.append(int(digits, 16))
            i += 4
        else:
            raise ValueError(f"unknown escape {text[i : i + 2]!r} (known: \\n \\r \\t \\0 \\\\ \\xNN)")
    return bytes(out)


def _delimiter_start_at_end(data: bytes | bytearray, delimiter: bytes) -> int:
    """Length of the longest proper prefix of ``delimiter`` that ``data`` ends with."""
    for size in range(min(len(delimiter) - 1, len(data)), 0, -1):
        if data.endswith(delimiter[:size]):
            return size
    return 0


@dataclass(frozen=True)
class DelimiterCodec:
    delimiter: bytes = DEFAULT_DELIMITER
    max_frame_bytes: int = DEFAULT_MAX_LINE_BYTES

    def __post_init__(self) -> None:
        if not isinstance(self.delimiter, bytes | bytearray) or not self.delimiter:
            raise ValueError(f"delimiter must be non-empty bytes, not {self.delimiter!r}")
        if isinstance(self.max_frame_bytes, bool) or not isinstance(self.max_frame_bytes, int):
            raise ValueError(f"max_frame_bytes must be an int, not {self.max_frame_bytes!r}")
        if self.max_frame_bytes < 0:
            raise ValueError(f"max_frame_bytes must be >= 0, not {self.max_frame_bytes}")
        object.__setattr__(self, "delimiter", bytes(self.delimiter))

    @property
    def spec(self) -> str:
        if self.delimiter == DEFAULT_DELIMITER:
            return "delimiter"
        return f"delimiter:{escape_bytes(self.delimiter)}"

    @property
    def label(self) -> str:
        return f"delimiter ('{escape_bytes(self.delimiter)}' ends each frame)"

    def encode(self, payload: bytes) -> bytes:
        if self.delimiter in payload:
            raise FramingError(
                f"payload contains the delimiter '{escape_bytes(self.delimiter)}'; "
                "delimiter framing cannot carry it (use a length prefix, or escape it)"
            )
        if len(payload) > self.max_frame_bytes:
            raise FrameTooLargeError(
                f"payload of {len(payload)} bytes exceeds the frame limit of {self.max_frame_bytes} bytes"
            )
        return bytes(payload) + self.delimiter

    def overhead(self, payload: bytes) -> tuple[int, int]:
        return (0, len(self.delimiter))

    def decoder(self) -> DelimiterDecoder:
        return DelimiterDecoder(self.delimiter, self.max_frame_bytes)


class DelimiterDecoder(DecoderBase):
    __slots__ = ("_buf", "_delimiter", "_fed", "_limit", "_start")

    def __init__(self, delimiter: bytes, max_frame_bytes: int) -> None:
        super().__init__()
        self._delimiter = delimiter
        self._limit = max_frame_bytes
        self._buf = bytearray()  # the unfinished frame (no complete delimiter in it)
        self._start = 0  # stream offset of _buf[0]
        self._fed = 0

    def _too_large(self, size: int, complete: bool) -> FrameTooLargeError:
        what = "frame of" if complete else "more than"
        return FrameTooLargeError(
            f"{what} {size} bytes without a delimiter '{escape_bytes(self._delimiter)}'; "
            f"limit is {self._limit}"
        )

    def _decode(self, data: bytes, out: list[Any], spans: bool) -> None:
        delimiter = self._delimiter
        width = len(delimiter)
        limit = self._limit
        buf = self._buf
        work: bytes | bytearray
        if buf:
            # Earlier positions were searched already; a delimiter may straddle the old end.
            scan = max(0, len(buf) - width + 1)
            origin = self._start
            buf += data
            work = buf
        else:
            scan = 0
            origin = self._fed
            work = data
        self._fed += len(data)
        i = 0
        while True:
            j = work.find(delimiter, scan)
            if j < 0:
                break
            if j - i > limit:
                raise self._too_large(j - i, complete=True)
            if spans:
                out.append((origin + i, origin + j + width, bytes(work[i:j])))
            else:
                out.append(bytes(work[i:j]) if j > i else b"")
            i = scan = j + width
        tail = len(work) - i
        if tail > limit:
            # The end of the tail may be the start of a delimiter: that part is not content yet.
            content = tail - _delimiter_start_at_end(work, delimiter)
            if content > limit:
                raise self._too_large(content, complete=False)
        if work is buf:
            del buf[:i]
        elif tail:
            buf += memoryview(data)[i:]
        self._start = origin + i

    def _pending(self) -> tuple[bytes, int | None] | None:
        if not self._buf:
            return None
        return bytes(self._buf), None
