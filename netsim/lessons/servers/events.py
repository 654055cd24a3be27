"""The servers lesson's events (``servers.*`` in a trace): what each client and the server did."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from netsim.core.events import Event, register_event


@register_event
@dataclass(frozen=True, slots=True)
class ClientConnected(Event):
    """Client number ``client`` (1-based) is connected; ``conn`` is its local port.

    The server knows that port as its peer's, so ``conn`` ties both ends' events together.
    """

    client: int
    conn: int
    kind: ClassVar[str] = "servers.ClientConnected"


@register_event
@dataclass(frozen=True, slots=True)
class RequestSent(Event):
    client: int
    conn: int
    index: int  # 1-based
    data: bytes
    kind: ClassVar[str] = "servers.RequestSent"


@register_event
@dataclass(frozen=True, slots=True)
class ReplyReceived(Event):
    """The whole reply to request ``index`` arrived ``latency_ns`` after it was sent; ``ok``: it
    is the request upper-cased."""

    client: int
    conn: int
    index: int
    data: bytes
    latency_ns: int
    ok: bool
    kind: ClassVar[str] = "servers.ReplyReceived"


@register_event
@dataclass(frozen=True, slots=True)
class ClientClosed(Event):
    client: int
    conn: int
    kind: ClassVar[str] = "servers.ClientClosed"


@register_event
@dataclass(frozen=True, slots=True)
class ConnAccepted(Event):
    """The server's ``accept()`` returned the connection from port ``conn``; ``thread`` serves it."""

    conn: int
    thread: str
    kind: ClassVar[str] = "servers.ConnAccepted"


@register_event
@dataclass(frozen=True, slots=True)
class RequestServed(Event):
    """The server read ``size`` bytes from ``conn`` and queued/sent them back upper-cased."""

    conn: int
    thread: str
    size: int
    kind: ClassVar[str] = "servers.RequestServed"


@register_event
@dataclass(frozen=True, slots=True)
class ConnClosed(Event):
    """The server saw the client leave (``recv() == b''``) and closed its end."""

    conn: int
    thread: str
    kind: ClassVar[str] = "servers.ConnClosed"


@register_event
@dataclass(frozen=True, slots=True)
class ServerCpuSampled(Event):
    """CPU seconds used by the server's threads so far, ``wall_s`` after the server started.

    ``spins`` counts the times the server found nothing to do: ``BlockingIOError`` caught (the
    busy loop), a ``select()``/``accept()``/``recv()`` that timed out with nothing ready.
    ``final`` marks the last sample, taken after every server thread has stopped.
    """

    cpu_s: float
    wall_s: float
    spins: int
    final: bool = False
    kind: ClassVar[str] = "servers.ServerCpuSampled"


SERVER_EVENTS = (ConnAccepted, RequestServed, ConnClosed, ServerCpuSampled)
CLIENT_EVENTS = (ClientConnected, RequestSent, ReplyReceived, ClientClosed)
