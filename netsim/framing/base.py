"""Typing protocols shared by every codec, and a small base class for the simple decoders.

A *codec* is a description of a framing (how messages are laid out on the wire); it is
immutable and can be shared.  A *decoder* is one stream's worth of receive state: push the
bytes of each ``recv()`` in with ``feed()``, get whole messages out, call ``close()`` at EOF.
Nothing here touches a socket (sans-I/O, like h11 / wsproto).
"""

from __future__ import annotations

from typing import Any, Protocol

from netsim.framing.errors import FramingError, IncompleteFrameError, refuse_after

Span = tuple[int, int, Any]
"""``(start, end, message)``: the frame's half-open wire-byte range, counted from the first
byte ever fed to the decoder, and the decoded message."""


class Decoder(Protocol):
    """Receive side of one stream."""

    def feed(self, data: bytes) -> list[Any]:
        """Push received bytes; return the messages they completed (possibly none)."""
        ...

    def feed_spans(self, data: bytes) -> list[tuple[int, int, Any]]:
        """Like :meth:`feed`, but each message comes with its ``(start, end)`` wire range."""
        ...

    def close(self) -> None:
        """End of stream: raise :class:`IncompleteFrameError` if a frame was left unfinished."""
        ...

    @property
    def buffered(self) -> int:
        """Bytes held that are not yet part of a complete frame."""
        ...


class Codec(Protocol):
    """A framing: how to encode one message, and how to make a decoder for a stream."""

    @property
    def spec(self) -> str:
        """The :func:`~netsim.framing.make_codec` spelling that re-creates this framing."""
        ...

    @property
    def label(self) -> str:
        """Short English description for UIs."""
        ...

    def encode(self, payload: bytes) -> bytes:
        """The wire bytes of one message."""
        ...

    def decoder(self) -> Decoder:
        """Fresh receive state for one stream."""
        ...

    def overhead(self, payload: bytes) -> tuple[int, int]:
        """``(header, trailer)``: framing bytes before and after ``payload`` in ``encode(payload)``."""
        ...


class DecoderBase:
    """Error poisoning, close-once and span/message plumbing for the simple decoders.

    Subclasses implement :meth:`_decode` (append spans — or, for :meth:`feed`, bare messages —
    for ``data``, keep their own offsets) and :meth:`_pending` (the unfinished frame at EOF, if
    any).  :meth:`feed` never builds span tuples: a flood of empty frames then costs one list slot
    (8 bytes) per frame, not a tuple and two ints (≈ 140 bytes).
    """

    __slots__ = ("_closed", "_error")

    def __init__(self) -> None:
        self._error: FramingError | None = None
        self._closed = False

    def _decode(self, data: bytes, out: list[Any], spans: bool) -> None:
        """Append what ``data`` completes to ``out``: spans if ``spans``, else messages only."""
        raise NotImplementedError

    def _pending(self) -> tuple[bytes, int | None] | None:
        """``(partial bytes, expected frame size or None)`` of an unfinished frame, else None."""
        raise NotImplementedError

    @property
    def buffered(self) -> int:
        pending = self._pending()
        return 0 if pending is None else len(pending[0])

    def _check_usable(self) -> None:
        if self._error is not None:
            raise refuse_after(self._error)
        if self._closed:
            raise FramingError("feed() after close(): this decoder's stream has ended")

    def _run(self, data: bytes, spans: bool) -> list[Any]:
        self._check_usable()
        if type(data) is not bytes:
            data = bytes(data)
        out: list[Any] = []
        try:
            self._decode(data, out, spans)
        except FramingError as exc:
            self._error = exc
            exc.decoded = out
            raise
        return out

    def feed_spans(self, data: bytes) -> list[Span]:
        return self._run(data, True)

    def feed(self, data: bytes) -> list[Any]:
        return self._run(data, False)

    def close(self) -> None:
        if self._error is not None:
            raise refuse_after(self._error)
        if self._closed:
            return
        self._closed = True
        pending = self._pending()
        if pending is not None:
            partial, expected = pending
            error = IncompleteFrameError(
                incomplete_message(len(partial), expected), partial=partial, expected=expected
            )
            self._error = error
            raise error


def incomplete_message(received: int, expected: int | None) -> str:
    if expected is None:
        return f"stream ended inside a frame: {received} byte(s) received, frame size not yet known"
    return f"stream ended inside a frame: {received} of {expected} byte(s) received"
