"""Fixed-length framing: every frame is exactly ``frame_bytes`` long, short payloads NUL-padded.

The decoder strips trailing NUL bytes, so a payload that itself *ends* in ``b"\\0"`` loses
those bytes on the way through.  That is a lesson in itself: padding needs an unambiguous
rule (or a length field), otherwise the receiver cannot tell padding from data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from netsim.framing.base import DecoderBase
from netsim.framing.errors import FrameTooLargeError

MAX_FIXED_FRAME_BYTES = 16 * 1024 * 1024
"""Largest fixed frame: a decoder buffers up to one frame, so the size is a memory bound too."""


@dataclass(frozen=True)
class FixedLengthCodec:
    frame_bytes: int

    def __post_init__(self) -> None:
        if isinstance(self.frame_bytes, bool) or not isinstance(self.frame_bytes, int):
            raise ValueError(f"frame_bytes must be an int, not {self.frame_bytes!r}")
        if self.frame_bytes < 1:
            raise ValueError(f"frame_bytes must be at least 1, not {self.frame_bytes}")
        if self.frame_bytes > MAX_FIXED_FRAME_BYTES:
            raise ValueError(
                f"frame_bytes must be at most {MAX_FIXED_FRAME_BYTES} (16 MiB), not {self.frame_bytes}"
            )

    @property
    def spec(self) -> str:
        return f"fixed:{self.frame_bytes}"

    @property
    def label(self) -> str:
        return f"fixed length ({self.frame_bytes}-byte frames, NUL-padded)"

    def encode(self, payload: bytes) -> bytes:
        if len(payload) > self.frame_bytes:
            raise FrameTooLargeError(
                f"payload of {len(payload)} bytes does not fit a {self.frame_bytes}-byte fixed frame"
            )
        return bytes(payload).ljust(self.frame_bytes, b"\0")

    def overhead(self, payload: bytes) -> tuple[int, int]:
        """The NUL padding is the trailer."""
        return (0, max(0, self.frame_bytes - len(payload)))

    def decoder(self) -> FixedLengthDecoder:
        return FixedLengthDecoder(self.frame_bytes)


class FixedLengthDecoder(DecoderBase):
    __slots__ = ("_buf", "_fed", "_size", "_start")

    def __init__(self, frame_bytes: int) -> None:
        super().__init__()
        self._size = frame_bytes
        self._buf = bytearray()
        self._fed = 0
        self._start = 0

    def _decode(self, data: bytes, out: list[Any], spans: bool) -> None:
        size = self._size
        base = self._fed
        n = len(data)
        self._fed = base + n
        buf = self._buf
        i = 0
        if buf:
            i = min(size - len(buf), n)
            buf += data[:i]
            if len(buf) < size:
                return
            message = bytes(buf).rstrip(b"\0")
            out.append((self._start, base + i, message) if spans else message)
            buf.clear()
        if spans:
            while i + size <= n:
                out.append((base + i, base + i + size, data[i : i + size].rstrip(b"\0")))
                i += size
        else:
            while i + size <= n:
                out.append(data[i : i + size].rstrip(b"\0"))
                i += size
        if i < n:
            buf += data[i:]
            self._start = base + i

    def _pending(self) -> tuple[bytes, int | None] | None:
        if not self._buf:
            return None
        return bytes(self._buf), self._size
