"""Event types of the C/S and B/S lesson, registered for JSON Lines round-trips (and declared in
:data:`netsim.lessons.EVENT_MODULES`, so a trace loads in a fresh interpreter).

``conn`` is the client's TCP port, which both ends know, so the server's and the C/S client's
records of one connection share it.  ``direction`` is ``"request"`` (client to server) or
``"response"``; offsets are on that direction's byte stream of the connection.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from netsim.core.events import Event, register_event


@register_event
@dataclass(frozen=True, slots=True)
class ServerListening(Event):
    """The server is bound and listening at ``url``."""

    host: str
    port: int
    url: str
    kind: ClassVar[str] = "ServerListening"


@register_event
@dataclass(frozen=True, slots=True)
class HttpConnectionOpened(Event):
    conn: int
    peer: str
    kind: ClassVar[str] = "HttpConnectionOpened"


@register_event
@dataclass(frozen=True, slots=True)
class HttpBytes(Event):
    """One ``recv()`` (or one ``send()``) on the connection: ``data`` covers ``[start, end)``."""

    conn: int
    direction: str
    start: int
    end: int
    data: bytes
    kind: ClassVar[str] = "HttpBytes"


@register_event
@dataclass(frozen=True, slots=True)
class HttpMessageFramed(Event):
    """A whole HTTP message found in the stream.

    ``[start, delimiter)`` is the head, ``[delimiter, header_end)`` the ``\\r\\n\\r\\n`` that ends
    it, ``[header_end, end)`` the body, whose size ``Content-Length`` gave.  ``agent`` is the
    request's User-Agent (who the client is).
    """

    conn: int
    direction: str
    index: int
    start_line: str
    start: int
    delimiter: int
    header_end: int
    end: int
    data: bytes
    agent: str = ""
    kind: ClassVar[str] = "HttpMessageFramed"


@register_event
@dataclass(frozen=True, slots=True)
class HttpRefused(Event):
    """The server refused what a client sent with ``status`` (400, 408, 413, 431, 501, 503)."""

    conn: int
    status: int
    reason: str
    kind: ClassVar[str] = "HttpRefused"


@register_event
@dataclass(frozen=True, slots=True)
class HttpConnectionClosed(Event):
    conn: int
    reason: str
    kind: ClassVar[str] = "HttpConnectionClosed"
