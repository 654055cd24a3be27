"""``make_codec(spec)``: build a codec from its short spelling (CLI flags, presets, traces)."""

from __future__ import annotations

from netsim.framing.base import Codec
from netsim.framing.delimiter import DelimiterCodec, unescape_bytes
from netsim.framing.fixed import FixedLengthCodec
from netsim.framing.jsonheader import JsonHeaderCodec
from netsim.framing.length import LengthPrefixCodec
from netsim.framing.raw import RawCodec

CODEC_SPECS: tuple[str, ...] = (
    "none",
    "length",
    "length:!H",
    "length:!Q",
    "length:i",
    "delimiter",
    "delimiter:\\r\\n",
    "fixed:16",
    "json",
)
"""Example spellings, for UIs and ``--help``."""

VALID_SPELLINGS = (
    "none | length | length:FMT (a struct integer format: !B !H !I !Q !i ..., or the lesson's "
    "native i / =i) | delimiter | delimiter:ESCAPED (escapes \\n \\r \\t \\0 \\\\ \\xNN, "
    "e.g. delimiter:\\r\\n) | fixed:N (1 <= N <= 16777216) | json"
)


def _bad(spec: object, why: str) -> ValueError:
    return ValueError(f"bad framing spec {spec!r}: {why}. Valid spellings: {VALID_SPELLINGS}")


def make_codec(spec: str) -> Codec:
    """The codec a spec names; ``make_codec(codec.spec)`` re-creates ``codec``.

    Limits (``max_frame_bytes`` ...) are not part of the spelling: codecs made here use the
    defaults.
    """
    if not isinstance(spec, str):
        raise _bad(spec, "a spec is a string")
    name, colon, arg = spec.partition(":")
    try:
        if name == "none" and not colon:
            return RawCodec()
        if name == "json" and not colon:
            return JsonHeaderCodec()
        if name == "length":
            if not colon:
                return LengthPrefixCodec()
            return LengthPrefixCodec(arg)
        if name == "delimiter":
            if not colon:
                return DelimiterCodec()
            if not arg:
                raise ValueError("the delimiter is empty")
            return DelimiterCodec(unescape_bytes(arg))
        if name == "fixed":
            if not colon or not arg.isascii() or not arg.isdigit():
                raise ValueError("fixed needs a frame size in bytes, e.g. fixed:16")
            if len(arg) > 12:
                raise ValueError(f"fixed frame size {arg[:12]}... is far too large")
            return FixedLengthCodec(int(arg))
    except ValueError as exc:
        raise _bad(spec, str(exc)) from None
    raise _bad(spec, "unknown framing")
