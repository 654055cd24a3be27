"""Sans-I/O framing codecs: push received bytes in, pull whole messages out.

TCP is a byte stream: one ``send()`` may arrive in several ``recv()`` chunks (半包) and several
sends may arrive in one chunk (粘包).  A codec restores message boundaries; the property every
decoder here guarantees — and the tests check at every split point — is that *the chunking does
not matter*: any split of the same wire bytes yields the same messages and the same spans.

>>> codec = make_codec("length")
>>> decoder = codec.decoder()
>>> wire = codec.encode(b"hello") + codec.encode("你好".encode())
>>> decoder.feed(wire[:7]), decoder.feed(wire[7:])
([], [b'hello', b'\\xe4\\xbd\\xa0\\xe5\\xa5\\xbd'])
>>> decoder.close()

No sockets, threads or Qt in here.
"""

from netsim.framing.base import Codec, Decoder, DecoderBase, Span
from netsim.framing.delimiter import DelimiterCodec, DelimiterDecoder, escape_bytes, unescape_bytes
from netsim.framing.errors import (
    FrameTooLargeError,
    FramingError,
    IncompleteFrameError,
    MalformedFrameError,
)
from netsim.framing.fixed import FixedLengthCodec, FixedLengthDecoder
from netsim.framing.jsonheader import JsonFrame, JsonHeaderCodec, JsonHeaderDecoder
from netsim.framing.length import LengthPrefixCodec, LengthPrefixDecoder
from netsim.framing.raw import RawCodec, RawDecoder
from netsim.framing.spec import CODEC_SPECS, make_codec

__all__ = [
    "CODEC_SPECS",
    "Codec",
    "Decoder",
    "DecoderBase",
    "DelimiterCodec",
    "DelimiterDecoder",
    "FixedLengthCodec",
    "FixedLengthDecoder",
    "FrameTooLargeError",
    "FramingError",
    "IncompleteFrameError",
    "JsonFrame",
    "JsonHeaderCodec",
    "JsonHeaderDecoder",
    "LengthPrefixCodec",
    "LengthPrefixDecoder",
    "MalformedFrameError",
    "RawCodec",
    "RawDecoder",
    "Span",
    "escape_bytes",
    "make_codec",
    "unescape_bytes",
]
