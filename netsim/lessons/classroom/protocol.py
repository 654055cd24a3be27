"""The classroom's wire rules: two handshake forms on one port, the limits, the verdicts, safe text.

Telling the two forms apart
---------------------------
In both challenge-response forms the *server* speaks first, so the server cannot wait for a
challenge-less hint from the protocol itself.  The classroom adds one rule:

* a netsim student (``netsim classroom join``, the panel's Join) **announces itself first**: as
  soon as it is connected it sends one ``!I``-length-prefixed *hello* frame,
  ``#NETSIM-CLASSROOM/1#`` followed by its name in UTF-8.  The server answers with the netsim
  challenge frame (``#CHALLENGE#{hmac:sha256}`` + 32 random bytes), the student its MAC, the
  server ``#WELCOME#`` or ``#FAILURE#`` (:mod:`netsim.auth.machines`, ``NetsimServer``);
* a student running the lesson's own script says nothing (the lesson's client starts with
  ``sk.recv(32)``).  After a **grace period** with no byte from the peer (300 ms by default) the
  server sends the lesson's bare 32-byte challenge and reads exactly the raw HMAC digest back
  (16 bytes for the lesson's md5) - ``LessonServer``.  No verdict goes back on the wire, as in
  the lesson; a refused student is disconnected (the lesson's ``conn.close()``).

Anything else a peer sends before the challenge (first bytes that are not a hello frame) is
refused as a protocol error.  The cost of the rule: every lesson-form student waits the grace
period for its challenge, and a netsim student whose hello takes longer than the grace period
(a very slow link) gets the lesson's challenge and is refused - ``--grace-ms`` raises it.

After the handshake every message, both ways, uses the class's framing (default the lesson's
``length:i``, native byte order).  The server answers each student message with
``echo: <message>``; broadcasts and the "two messages back to back" challenge are sent to every
accepted student.  The netsim student answers every server message that is not an echo with
``got: <message>`` - that is how the class sees who got ``hello`` and ``world`` separately and
who got ``helloworld``.
"""

from __future__ import annotations

import dataclasses
import struct
import unicodedata
from dataclasses import dataclass

from netsim.auth import macs
from netsim.framing import (
    Codec,
    DelimiterCodec,
    FixedLengthCodec,
    JsonHeaderCodec,
    LengthPrefixCodec,
    make_codec,
)

HELLO_MAGIC = b"#NETSIM-CLASSROOM/1#"
HELLO_HEADER = struct.Struct("!I")  # the netsim handshake's frames: unsigned 4-byte big-endian
DEFAULT_FRAMING = "length:i"
DEFAULT_PORT = 9001

FORM_NETSIM = "netsim"
FORM_LESSON = "lesson"
FORMS: tuple[str, ...] = (FORM_NETSIM, FORM_LESSON)

# Verdicts (the status JSON's "verdict").  The handshake decides the first five; an accepted
# student may later become "kicked" or "cut off" (a limit ended the connection).
PENDING = "pending"
ACCEPTED = "accepted"
REFUSED = "refused"  # wrong key
TIMED_OUT = "timed out"  # no answer before the handshake deadline
PROTOCOL_ERROR = "protocol error"  # garbage, an oversized pre-authentication frame, a bad hello
ROOM_FULL = "room full"
ROOM_LOCKED = "room locked"
KICKED = "kicked"
CUT_OFF = "cut off"
VERDICTS: tuple[str, ...] = (
    PENDING,
    ACCEPTED,
    REFUSED,
    TIMED_OUT,
    PROTOCOL_ERROR,
    ROOM_FULL,
    ROOM_LOCKED,
    KICKED,
    CUT_OFF,
)

ECHO_PREFIX = b"echo: "
GOT_PREFIX = b"got: "
CHALLENGE_MESSAGES: tuple[bytes, bytes] = (b"hello", b"world")  # the lesson's section 五 pair

# Results of the back-to-back challenge for one student (what its "got:" answers showed).
CHALLENGE_NONE = ""
CHALLENGE_WAITING = "waiting"
CHALLENGE_SEPARATE = "separate"
CHALLENGE_GLUED = "glued"
CHALLENGE_OTHER = "other"

MAX_NAME_CHARS = 32
MAX_TEXT_CHARS = 120  # a message as shown (table, lanes, status)
MAX_ERRORS_KEPT = 8  # per student
MAX_BROADCAST_BYTES = 1024


@dataclass(frozen=True, slots=True)
class Limits:
    """What keeps one student from stalling or crashing the class (all checked per student)."""

    grace_s: float = 0.3  # silence after connect that means "the lesson's form"
    handshake_s: float = 5.0  # connect -> verdict
    idle_s: float = 600.0  # an accepted student silent for this long is disconnected
    max_preauth_frame_bytes: int = macs.MAX_PREAUTH_FRAME_BYTES  # hello / answer frames
    max_message_bytes: int = 4096  # one chat message (checked from its header)
    rate_msgs_per_s: float = 200.0  # sustained messages per second (token bucket; throttles)
    burst_msgs: int = 400
    rate_bytes_per_s: float = 256 * 1024.0  # sustained bytes per second (throttles)
    burst_bytes: int = 512 * 1024
    max_students: int = 60  # connected at once (in the handshake or accepted)
    max_queued_bytes: int = 256 * 1024  # bytes waiting to go to a student that does not read
    history: int = 500  # rows of students who left, kept for the table and the status file

    def __post_init__(self) -> None:
        if not 0.05 <= self.grace_s <= 5.0:
            raise ValueError("the grace period must be between 50 ms and 5 s")
        if not self.grace_s < self.handshake_s <= 120.0:
            raise ValueError("the handshake deadline must be longer than the grace period and <= 120 s")
        if not 1.0 <= self.idle_s <= 86400.0:
            raise ValueError("the idle deadline must be between 1 s and a day")
        if not 64 <= self.max_preauth_frame_bytes <= 256:
            raise ValueError("the pre-authentication frame limit must be between 64 and 256 bytes")
        if not 16 <= self.max_message_bytes <= 1 << 20:
            raise ValueError("the maximum message size must be between 16 bytes and 1 MiB")
        if self.rate_msgs_per_s <= 0 or self.burst_msgs < 1:
            raise ValueError("the message rate and burst must be positive")
        if self.rate_bytes_per_s < 64 or self.burst_bytes < self.max_message_bytes:
            raise ValueError("the byte rate must be >= 64/s and its burst at least one maximum message")
        if not 1 <= self.max_students <= 1000:
            raise ValueError("max students must be between 1 and 1000")
        if self.max_queued_bytes < 4096:
            raise ValueError("the queued-bytes limit must be at least 4096")
        if self.history < 0:
            raise ValueError("history must be >= 0")


def hello_frame(name: str) -> bytes:
    """The netsim student's first frame: magic + name (cut to :data:`MAX_NAME_CHARS`)."""
    payload = HELLO_MAGIC + name[:MAX_NAME_CHARS].encode("utf-8")
    return HELLO_HEADER.pack(len(payload)) + payload


def parse_hello(payload: bytes) -> str | None:
    """The (safe) name in a hello payload, or ``None`` if the payload is not a hello."""
    if not payload.startswith(HELLO_MAGIC):
        return None
    return safe_text(payload[len(HELLO_MAGIC) :], MAX_NAME_CHARS).strip()


def safe_text(data: bytes, limit: int = MAX_TEXT_CHARS) -> str:
    """Untrusted bytes as plain, printable, bounded text.

    Invalid UTF-8 becomes U+FFFD; control and format characters (newlines, bidi overrides, zero
    widths) become ``\\xNN``/``\\uNNNN`` escapes, so one name cannot break a table row or flip
    the text around it; at most ``limit`` characters (an ellipsis marks a cut).  Front ends
    still show it as plain text (Qt.PlainText / html.escape): this is not an HTML escape.
    """
    text = data[: limit * 4 + 4].decode("utf-8", errors="replace")
    out: list[str] = []
    for count, ch in enumerate(text):
        if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
            code = ord(ch)
            piece = f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
        else:
            piece = ch
        if count + 1 > limit:
            out.append("…")
            break
        out.append(piece)
    return "".join(out)


def class_codec(spec: str, max_message_bytes: int) -> Codec:
    """The class's framing with the message limit applied (checked from each header)."""
    codec = make_codec(spec)
    if isinstance(codec, LengthPrefixCodec | DelimiterCodec):
        return dataclasses.replace(codec, max_frame_bytes=max_message_bytes)
    if isinstance(codec, JsonHeaderCodec):
        return dataclasses.replace(codec, max_body_bytes=max_message_bytes)
    if isinstance(codec, FixedLengthCodec) and codec.frame_bytes > max_message_bytes:
        raise ValueError(f"fixed frames of {codec.frame_bytes} bytes exceed the message limit")
    return codec


def parse_host_port(text: str, *, default_port: int | None = None) -> tuple[str, int]:
    """``"10.0.0.1:9001"``, ``"[::1]:9001"`` -> (host, port); ``ValueError`` with a reason."""
    text = text.strip()
    if text.startswith("["):
        host, sep, rest = text[1:].partition("]")
        port_text = rest[1:] if rest.startswith(":") else ""
        if not sep or (rest and not rest.startswith(":")):
            raise ValueError(f"{text!r}: write an IPv6 address as [ADDR]:PORT")
    else:
        host, sep, port_text = text.rpartition(":")
        if not sep:
            host, port_text = text, ""
        elif ":" in host:
            raise ValueError(f"{text!r}: write an IPv6 address as [ADDR]:PORT")
    if not host:
        raise ValueError(f"{text!r}: no address")
    if not port_text:
        if default_port is None:
            raise ValueError(f"{text!r}: no port (write IP:PORT)")
        return host, default_port
    if not port_text.isdigit() or not 0 <= int(port_text) <= 65535:
        raise ValueError(f"{text!r}: the port must be a number 0-65535")
    return host, int(port_text)
