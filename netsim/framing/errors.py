"""Framing errors.

All of them derive from :class:`FramingError`.  A decoder that raised one is *poisoned*: the
stream has lost sync (or the peer broke the protocol), so every later ``feed()``/``close()``
raises the same kind of error again instead of guessing where the next frame starts.

``decoded`` holds what the failing call had already produced before it hit the bad bytes
(messages for ``feed()``, ``(start, end, message)`` spans for ``feed_spans()``), so a UI can
still show the good frames that shared a ``recv()`` chunk with the bad header.
"""

from __future__ import annotations

from typing import Any


class FramingError(Exception):
    """Base class: the byte stream does not follow the codec's framing rules."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.decoded: list[Any] = []


class IncompleteFrameError(FramingError):
    """End of stream in the middle of a frame (raised by ``close()``).

    ``partial`` is every byte of the unfinished frame received so far (header included);
    ``expected`` is the frame's total wire size when the header told us, else ``None``.
    """

    def __init__(self, message: str, *, partial: bytes, expected: int | None) -> None:
        super().__init__(message)
        self.partial = partial
        self.expected = expected


class FrameTooLargeError(FramingError):
    """A frame (announced or accumulated) is bigger than the configured limit."""


class MalformedFrameError(FramingError):
    """A header that can never be valid: negative length, bad JSON, missing field..."""


def refuse_after(error: FramingError) -> FramingError:
    """A fresh error of the same kind, for a decoder poisoned by ``error``."""
    message = f"decoder is unusable after an earlier error: {error}"
    if isinstance(error, IncompleteFrameError):
        return IncompleteFrameError(message, partial=error.partial, expected=error.expected)
    return type(error)(message)
