"""JSON-header framing, the classic file-transfer layout of the lesson::

    !I length of the header | header: UTF-8 JSON object {"size": N, ...} | body: N bytes

Extra header fields (``filename``, ``md5``...) travel alongside ``size``.  Every check — header
length limit, valid JSON object, a non-negative int ``size``, body limit — happens as soon as
the part it concerns has arrived, before the body is buffered.

A header is hostile until parsed: its size is bounded by its length prefix (checked before any
of it is buffered) and its nesting depth by a scan before ``json.loads`` (a header of 2,000
``[`` would otherwise raise ``RecursionError``).  Every parse failure is a
:class:`~netsim.framing.errors.MalformedFrameError`, never another exception.
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass
from typing import Any

from netsim.framing.base import DecoderBase
from netsim.framing.errors import FrameTooLargeError, MalformedFrameError

DEFAULT_MAX_HEADER_BYTES = 8192
DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024
MAX_HEADER_DEPTH = 32
"""Deepest nesting of arrays/objects a header may have (``{"size": 1}`` is depth 1)."""

_HEADER_LENGTH = struct.Struct("!I")


@dataclass(frozen=True, slots=True)
class JsonFrame:
    """One decoded frame: the JSON header (``header["size"] == len(body)``) and the body."""

    header: dict[str, Any]
    body: bytes


@dataclass(frozen=True)
class JsonHeaderCodec:
    max_header_bytes: int = DEFAULT_MAX_HEADER_BYTES
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES

    def __post_init__(self) -> None:
        for name in ("max_header_bytes", "max_body_bytes"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"{name} must be an int >= 0, not {value!r}")

    @property
    def spec(self) -> str:
        return "json"

    @property
    def label(self) -> str:
        return 'JSON header (!I header length, UTF-8 JSON object with "size", then the body)'

    def _header(self, payload: bytes, fields: dict[str, Any]) -> bytes:
        if "size" in fields:
            raise ValueError('"size" is set from the payload; do not pass it as a field')
        if len(payload) > self.max_body_bytes:
            raise FrameTooLargeError(
                f"payload of {len(payload)} bytes exceeds the body limit of {self.max_body_bytes} bytes"
            )
        header = json.dumps(
            {"size": len(payload), **fields}, ensure_ascii=False, separators=(",", ":")
        ).encode("utf-8")
        if len(header) > self.max_header_bytes:
            raise FrameTooLargeError(
                f"JSON header of {len(header)} bytes exceeds the limit of {self.max_header_bytes} bytes"
            )
        return header

    def encode(self, payload: bytes, **fields: Any) -> bytes:
        """Frame ``payload`` with a header holding ``size`` plus ``fields`` (JSON-able values)."""
        header = self._header(payload, fields)
        return b"".join((_HEADER_LENGTH.pack(len(header)), header, payload))

    def overhead(self, payload: bytes, **fields: Any) -> tuple[int, int]:
        return (_HEADER_LENGTH.size + len(self._header(payload, fields)), 0)

    def decoder(self) -> JsonHeaderDecoder:
        return JsonHeaderDecoder(self.max_header_bytes, self.max_body_bytes)


def header_depth(raw: bytes) -> int:
    """Deepest ``[``/``{`` nesting in ``raw``, ignoring brackets inside JSON strings.

    Cheap for ordinary headers: with fewer brackets than the limit no scan is needed.
    """
    if raw.count(b"[") + raw.count(b"{") <= MAX_HEADER_DEPTH:
        return raw.count(b"[") + raw.count(b"{")
    depth = deepest = 0
    in_string = escaped = False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):
            depth = max(0, depth - 1)
    return deepest


class JsonHeaderDecoder(DecoderBase):
    __slots__ = ("_buf", "_header", "_header_len", "_max_body", "_max_header", "_size", "_start")

    def __init__(self, max_header_bytes: int, max_body_bytes: int) -> None:
        super().__init__()
        self._max_header = max_header_bytes
        self._max_body = max_body_bytes
        self._buf = bytearray()  # bytes of the pending frame(s), from its first byte
        self._start = 0  # stream offset of _buf[0]
        self._header_len = -1  # of the pending frame, once its 4-byte prefix is in
        self._header: dict[str, Any] | None = None  # of the pending frame, once parsed
        self._size = -1  # body size of the pending frame, once the header is parsed

    def _parse_header(self, raw: bytes) -> dict[str, Any]:
        depth = header_depth(raw)
        if depth > MAX_HEADER_DEPTH:
            raise MalformedFrameError(
                f"frame header nests arrays/objects {depth} deep; limit is {MAX_HEADER_DEPTH}"
            )
        try:
            header = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise MalformedFrameError(f"frame header is not UTF-8 JSON: {exc}") from None
        except (RecursionError, MemoryError, OverflowError, TypeError) as exc:  # belt and braces
            raise MalformedFrameError(f"frame header cannot be parsed: {type(exc).__name__}") from None
        if not isinstance(header, dict):
            raise MalformedFrameError(f"frame header is JSON but not an object: {raw[:80]!r}")
        size = header.get("size")
        if "size" not in header:
            raise MalformedFrameError('frame header has no "size" field')
        if type(size) is not int:
            raise MalformedFrameError(f'frame header "size" is not an integer: {size!r}')
        if size < 0:
            raise MalformedFrameError(f'frame header announces a negative "size" ({size})')
        if size > self._max_body:
            raise FrameTooLargeError(f"frame header announces {size} bytes; limit is {self._max_body}")
        return header

    def _decode(self, data: bytes, out: list[Any], spans: bool) -> None:
        buf = self._buf
        buf += data
        pos = 0
        prefix = _HEADER_LENGTH.size
        while True:
            have = len(buf) - pos
            if self._header_len < 0:
                if have < prefix:
                    break
                header_len: int = _HEADER_LENGTH.unpack_from(buf, pos)[0]
                if header_len > self._max_header:
                    raise FrameTooLargeError(
                        f"JSON header length announces {header_len} bytes; limit is {self._max_header}"
                    )
                self._header_len = header_len
            if self._header is None:
                if have < prefix + self._header_len:
                    break
                raw = bytes(buf[pos + prefix : pos + prefix + self._header_len])
                self._header = self._parse_header(raw)
                self._size = self._header["size"]
            total = prefix + self._header_len + self._size
            if have < total:
                break
            body = bytes(buf[pos + total - self._size : pos + total])
            frame = JsonFrame(self._header, body)
            out.append((self._start, self._start + total, frame) if spans else frame)
            self._start += total
            pos += total
            self._header_len = -1
            self._header = None
            self._size = -1
        del buf[:pos]

    def _pending(self) -> tuple[bytes, int | None] | None:
        if not self._buf:
            return None
        expected = None if self._header is None else 4 + self._header_len + self._size
        return bytes(self._buf), expected
