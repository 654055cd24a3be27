"""HTTP/1.1 messages, sans-I/O: bytes in, whole messages out — with every boundary's offset.

This is the lesson's 黏包 fix as a real protocol does it.  HTTP frames a message with the two
techniques the lesson teaches: a **delimiter** ends the head (the first ``\\r\\n\\r\\n``), and a
**length** (``Content-Length``) gives the body.  :class:`MessageReader` is fed whatever
``recv()`` returned, in any chunking, and returns each message with its stream offsets
(``start``, ``delimiter`` where ``\\r\\n\\r\\n`` begins, ``header_end`` after it, ``end``), so a view
can mark exactly where HTTP found each boundary.

Everything a peer sends is checked before it is used: the head's size (431 past the limit), the
request line (400), header syntax (400, including bare LF and obsolete line folding), the
``Content-Length`` (digits only, one value, at most the body limit: 400/413), and
``Transfer-Encoding`` (501: this small server does not take chunked bodies).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Role = Literal["request", "response"]

CRLF = b"\r\n"
HEAD_END = b"\r\n\r\n"
MAX_HEAD_BYTES = 8 * 1024
MAX_BODY_BYTES = 64 * 1024
MAX_HEADERS = 64

_TOKEN = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_TARGET = re.compile(rb"[\x21-\x7e]+")
_VERSION = re.compile(rb"HTTP/1\.[01]")
_STATUS = re.compile(rb"HTTP/1\.[01] [0-9]{3}( [\t\x20-\x7e\x80-\xff]*)?")

REASONS = {
    200: "OK",
    400: "Bad Request",
    404: "Not Found",
    405: "Method Not Allowed",
    408: "Request Timeout",
    413: "Content Too Large",
    431: "Request Header Fields Too Large",
    501: "Not Implemented",
    503: "Service Unavailable",
}


class HttpError(Exception):
    """A message that cannot be accepted; ``status`` is the answer a server gives."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True, slots=True)
class Message:
    """One whole message.  Offsets are on the connection's byte stream in this direction."""

    role: Role
    index: int  # 1, 2, … on this connection
    start_line: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    start: int
    delimiter: int  # where b"\r\n\r\n" begins
    header_end: int  # just after it: the body starts here
    end: int
    raw: bytes  # the whole message as it was on the wire

    @property
    def content_length(self) -> int:
        return self.end - self.header_end

    def header(self, name: str) -> str | None:
        low = name.lower()
        for k, v in self.headers:
            if k.lower() == low:
                return v
        return None

    @property
    def method(self) -> str:
        return self.start_line.split(" ", 1)[0] if self.role == "request" else ""

    @property
    def target(self) -> str:
        parts = self.start_line.split(" ")
        return parts[1] if self.role == "request" and len(parts) > 1 else ""

    @property
    def version(self) -> str:
        parts = self.start_line.split(" ")
        return parts[-1] if self.role == "request" else parts[0]

    @property
    def status(self) -> int:
        return int(self.start_line.split(" ")[1]) if self.role == "response" else 0

    @property
    def keep_alive(self) -> bool:
        """HTTP/1.1 keeps the connection open unless ``Connection: close``; HTTP/1.0 closes it."""
        tokens = {t.strip().lower() for t in (self.header("Connection") or "").split(",")}
        if self.version == "HTTP/1.0":
            return "keep-alive" in tokens
        return "close" not in tokens


def _parse_head(role: Role, head: bytes) -> tuple[str, tuple[tuple[str, str], ...], int]:
    """(start line, headers, Content-Length) of a head without its final CRLFCRLF."""
    if b"\n" in head.replace(CRLF, b""):
        raise HttpError(400, "a line ends in a bare LF: HTTP lines end with CR LF")
    lines = head.split(CRLF)
    first = lines[0]
    if role == "request":
        parts = first.split(b" ")
        if len(parts) != 3 or not _TOKEN.fullmatch(parts[0]) or not _TARGET.fullmatch(parts[1]):
            raise HttpError(400, f"bad request line {first[:80]!r}: expected METHOD SP TARGET SP HTTP/1.1")
        if not _VERSION.fullmatch(parts[2]):
            raise HttpError(400, f"unsupported HTTP version {parts[2][:20]!r}")
    elif not _STATUS.fullmatch(first):
        raise HttpError(400, f"bad status line {first[:80]!r}")
    if len(lines) - 1 > MAX_HEADERS:
        raise HttpError(431, f"more than {MAX_HEADERS} header lines")
    headers: list[tuple[str, str]] = []
    lengths: set[int] = set()
    for line in lines[1:]:
        if line[:1] in (b" ", b"\t"):
            raise HttpError(400, "obsolete line folding (a header line starting with a space)")
        name, colon, value = line.partition(b":")
        if not colon or not _TOKEN.fullmatch(name):
            raise HttpError(400, f"bad header line {line[:60]!r}")
        if any((b < 0x20 and b != 0x09) or b == 0x7F for b in value):
            raise HttpError(400, f"control characters in header {name.decode('ascii')}")
        text = value.strip(b" \t").decode("latin-1")
        key = name.decode("ascii")
        if key.lower() == "transfer-encoding":
            raise HttpError(501, "Transfer-Encoding (chunked bodies) is not supported by this small server")
        if key.lower() == "content-length":
            for item in text.split(","):
                item = item.strip()
                if not item.isdigit() or not item.isascii() or len(item) > 12:
                    raise HttpError(400, f"bad Content-Length {text[:30]!r}")
                lengths.add(int(item))
        headers.append((key, text))
    if len(lengths) > 1:
        raise HttpError(400, "two different Content-Length values")
    length = lengths.pop() if lengths else 0
    if length > MAX_BODY_BYTES:
        raise HttpError(413, f"a body of {length} bytes is more than the limit of {MAX_BODY_BYTES}")
    return first.decode("latin-1"), tuple(headers), length


class MessageReader:
    """Feed bytes in any chunking; get whole messages.  Raises :class:`HttpError` on bad input.

    Responses must carry ``Content-Length`` (this reader is for this lesson's own server); a
    request without one has no body, as RFC 9112 says.
    """

    def __init__(
        self, role: Role, *, max_head_bytes: int = MAX_HEAD_BYTES, max_body_bytes: int = MAX_BODY_BYTES
    ) -> None:
        self.role: Role = role
        self.max_head_bytes = max_head_bytes
        self.max_body_bytes = max_body_bytes
        self._buf = bytearray()
        self._base = 0  # stream offset of _buf[0]
        self._count = 0
        self._head: tuple[str, tuple[tuple[str, str], ...], int, int] | None = (
            None  # line, hdrs, len, head size
        )

    @property
    def offset(self) -> int:
        """Bytes fed so far."""
        return self._base + len(self._buf)

    @property
    def in_message(self) -> bool:
        """Part of a message has arrived (a deadline for the rest applies)."""
        return bool(self._buf) or self._head is not None

    def feed(self, data: bytes) -> list[Message]:
        self._buf += data
        out: list[Message] = []
        while True:
            if self._head is None:
                if self.role == "request" and self._buf[:2] == CRLF:
                    # RFC 9112 §2.2: empty lines before a request line are ignored.
                    del self._buf[:2]
                    self._base += 2
                    continue
                at = self._buf.find(HEAD_END)
                if at < 0:
                    if len(self._buf) > self.max_head_bytes:
                        raise HttpError(
                            431, f"no end of headers (\\r\\n\\r\\n) in the first {self.max_head_bytes} bytes"
                        )
                    return out
                if at + 4 > self.max_head_bytes:
                    raise HttpError(
                        431, f"a head of {at + 4} bytes is more than the limit of {self.max_head_bytes}"
                    )
                line, headers, length = _parse_head(self.role, bytes(self._buf[:at]))
                if self.role == "response" and not any(k.lower() == "content-length" for k, _ in headers):
                    raise HttpError(400, "a response without Content-Length (this reader needs the length)")
                if length > self.max_body_bytes:
                    raise HttpError(
                        413, f"a body of {length} bytes is more than the limit of {self.max_body_bytes}"
                    )
                self._head = (line, headers, length, at + 4)
            line, headers, length, head_size = self._head
            if len(self._buf) < head_size + length:
                return out
            raw = bytes(self._buf[: head_size + length])
            self._count += 1
            out.append(
                Message(
                    role=self.role,
                    index=self._count,
                    start_line=line,
                    headers=headers,
                    body=raw[head_size:],
                    start=self._base,
                    delimiter=self._base + head_size - 4,
                    header_end=self._base + head_size,
                    end=self._base + head_size + length,
                    raw=raw,
                )
            )
            del self._buf[: head_size + length]
            self._base += head_size + length
            self._head = None


def build_response(
    status: int,
    body: bytes,
    *,
    content_type: str = "text/plain; charset=utf-8",
    keep_alive: bool = True,
    head_only: bool = False,
) -> bytes:
    """A response framed as HTTP frames it: head, ``\\r\\n\\r\\n``, then ``Content-Length`` bytes."""
    head = (
        f"HTTP/1.1 {status} {REASONS.get(status, 'Unknown')}\r\n"
        f"Content-Type: {content_type}\r\n"
        f"Content-Length: {len(body)}\r\n"
        f"Connection: {'keep-alive' if keep_alive else 'close'}\r\n"
        "Cache-Control: no-store\r\n"
        "\r\n"
    ).encode("ascii")
    return head if head_only else head + body


def build_request(method: str, target: str, host: str, body: bytes = b"", *, close: bool = False) -> bytes:
    lines = [f"{method} {target} HTTP/1.1", f"Host: {host}", "User-Agent: netsim-cs-client/1"]
    if body or method in ("POST", "PUT"):
        lines += ["Content-Type: text/plain; charset=utf-8", f"Content-Length: {len(body)}"]
    if close:
        lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii") + body
