"""No framing at all: the lesson's naive receiver, which treats each ``recv()`` as a message.

This is deliberately wrong for TCP (a byte stream): run it and watch two sends merge into one
"message" or one send split into two.  That is the point of the lesson.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from netsim.framing.base import DecoderBase


@dataclass(frozen=True)
class RawCodec:
    """Identity encoding; every non-empty chunk fed to the decoder comes out as one message."""

    @property
    def spec(self) -> str:
        return "none"

    @property
    def label(self) -> str:
        return "no framing (each recv() chunk taken as one message — the naive receiver)"

    def encode(self, payload: bytes) -> bytes:
        return bytes(payload)

    def overhead(self, payload: bytes) -> tuple[int, int]:
        return (0, 0)

    def decoder(self) -> RawDecoder:
        return RawDecoder()


class RawDecoder(DecoderBase):
    __slots__ = ("_fed",)

    def __init__(self) -> None:
        super().__init__()
        self._fed = 0

    def _decode(self, data: bytes, out: list[Any], spans: bool) -> None:
        if data:
            start = self._fed
            self._fed = start + len(data)
            out.append((start, self._fed, data) if spans else data)

    def _pending(self) -> tuple[bytes, int | None] | None:
        return None
