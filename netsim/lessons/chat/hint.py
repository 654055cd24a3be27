"""One line of advice when a peer's first bytes do not look like the framing we expect.

A chat that waits for a length header or a newline the peer never sends is silent forever; a
header that is really text decodes to a size of a gigabyte.  Both are what a student sees when
the two programs disagree on the framing (the lesson's section 四 and 六 programs send bare
bytes, section 五's a native ``struct.pack('i')`` header).  The heuristic only looks at the
first bytes of a conversation (or of a datagram) and only ever *suggests*.
"""

from __future__ import annotations

import struct

from netsim.framing import Codec, DelimiterCodec, LengthPrefixCodec, RawCodec, escape_bytes

PLAUSIBLE_MAX_BYTES = 1 << 20  # a chat line over 1 MiB announced by a header: not a chat line
LESSON_HEADER = struct.Struct("<i")  # struct.pack('i') on the machines the lesson ran on (x86)


def looks_like_text(data: bytes) -> bool:
    """Printable ASCII, or UTF-8 text (a cut at the end forgiven), with no control bytes."""
    if not data:
        return False
    for cut in range(4):
        try:
            text = data[: len(data) - cut].decode("utf-8") if cut else data.decode("utf-8")
        except UnicodeDecodeError:
            continue
        return bool(text) and all(ch.isprintable() or ch in "\t\r\n" for ch in text)
    return False


def looks_like_lesson_header(data: bytes) -> bool:
    """A 4-byte native ``'i'`` header whose size fits what follows it (or is small and binary)."""
    if len(data) < LESSON_HEADER.size:
        return False
    size = int(LESSON_HEADER.unpack_from(data)[0])
    if not 0 <= size <= PLAUSIBLE_MAX_BYTES or looks_like_text(data[: LESSON_HEADER.size]):
        return False
    rest = len(data) - LESSON_HEADER.size
    return size == rest or (rest < size and size < 65536)


def framing_hint(codec: Codec, first: bytes) -> str | None:
    """A one-line hint if ``first`` (a conversation's first bytes) does not fit ``codec``."""
    if isinstance(codec, LengthPrefixCodec):
        size = codec.header_bytes
        head = first[:size]
        if len(head) < size:
            if looks_like_text(head):
                return (
                    f"these {len(head)} bytes look unframed ({head!r}, shorter than the {size}-byte "
                    "length header, waited for in vain); try --framing none"
                )
            return None
        announced = int(struct.unpack(codec.length_format, head)[0])
        if looks_like_text(head) or not 0 <= announced <= PLAUSIBLE_MAX_BYTES:
            return (
                f"these bytes look unframed: the header {head!r} would announce {announced} bytes; "
                "try --framing none"
            )
        return None
    if isinstance(codec, DelimiterCodec):
        if codec.delimiter in first:
            return None
        if looks_like_lesson_header(first):
            return (
                "these bytes look like a 4-byte length header (the lesson's struct.pack('i')); "
                "try --framing length:i"
            )
        return (
            f"no '{escape_bytes(codec.delimiter)}' in these {len(first)} bytes ({first[:24]!r}): if the "
            "peer sends bare messages (the lesson's section 四/六 programs), try --framing none"
        )
    if isinstance(codec, RawCodec) and looks_like_lesson_header(first):
        return (
            "these bytes look like a 4-byte length header (the lesson's struct.pack('i')) before the "
            "text; try --framing length:i"
        )
    return None
