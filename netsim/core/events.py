"""Events: small, frozen, slotted records of what happened, in the past tense.

Every event carries ``t_ns`` (``time.monotonic_ns()`` when it happened) and ``endpoint``
(``"client"``, ``"server"``, or ``"lab"`` for the run itself).  Workers create them and hand them
to a :class:`netsim.core.recorder.Recorder`; nothing downstream ever mutates one.

Stream offsets: on TCP, byte *k* counted by the sender is byte *k* counted by the receiver, so
``start``/``end`` (half-open ``[start, end)``) of sends, receives and decoded frames are ranges on
one axis.  On UDP the "offset" is a datagram-space counter kept by each side (the sum of the
sizes before it), and ``datagram`` numbers each datagram.
"""

from __future__ import annotations

import base64
import dataclasses
import errno as _errno
import importlib
import threading
import time
from dataclasses import dataclass
from typing import Any, ClassVar


def now_ns() -> int:
    return time.monotonic_ns()


@dataclass(frozen=True, slots=True)
class Event:
    t_ns: int
    endpoint: str
    kind: ClassVar[str] = "Event"


@dataclass(frozen=True, slots=True)
class RunStarted(Event):
    """A run began; ``config`` is the scenario as plain JSON-able data."""

    config: dict[str, Any]
    kind: ClassVar[str] = "RunStarted"


@dataclass(frozen=True, slots=True)
class CallPending(Event):
    """Step mode: a worker is waiting at the gate before ``call`` (e.g. ``send(b'world')``)."""

    call: str
    detail: str = ""
    kind: ClassVar[str] = "CallPending"


@dataclass(frozen=True, slots=True)
class SocketCalled(Event):
    """A socket call returned.  ``size`` is the byte count it moved (or -1), ``result`` a short text."""

    call: str
    size: int = -1
    result: str = ""
    kind: ClassVar[str] = "SocketCalled"


@dataclass(frozen=True, slots=True)
class BytesSent(Event):
    """Message ``msg_id`` put on the wire as ``[start, end)``; ``t_ns`` is when ``send`` was called.

    ``data`` is the wire bytes; the first ``header_bytes`` and the last ``trailer_bytes`` of them
    are framing (a length prefix, a delimiter), the rest is the payload.
    """

    msg_id: int
    start: int
    end: int
    header_bytes: int
    data: bytes
    trailer_bytes: int = 0
    kind: ClassVar[str] = "BytesSent"


@dataclass(frozen=True, slots=True)
class BytesReceived(Event):
    """One ``recv()``/``recvfrom()`` returned ``data`` covering ``[start, end)``.

    For UDP, ``datagram`` is the number of the message this datagram carried (found by content
    among those sent, since datagrams can be lost), ``truncated`` says the kernel cut it
    (``MSG_TRUNC``); ``wire_size`` is then the datagram's real size.
    """

    start: int
    end: int
    data: bytes
    datagram: int = -1
    truncated: bool = False
    wire_size: int = -1
    kind: ClassVar[str] = "BytesReceived"


@dataclass(frozen=True, slots=True)
class FrameDecoded(Event):
    """The receiving application obtained message number ``index`` (its wire bytes ``[start, end)``).

    ``intact`` says whether it equals message ``index`` as sent - computed by the lab while the
    run goes, so it stays exact even when a huge run keeps no bytes in the trace.
    """

    index: int
    start: int
    end: int
    payload: bytes
    intact: bool = True
    kind: ClassVar[str] = "FrameDecoded"


@dataclass(frozen=True, slots=True)
class QueueSampled(Event):
    """Kernel queue size: ``queue`` is ``"send"`` (TIOCOUTQ) or ``"recv"`` (FIONREAD)."""

    queue: str
    nbytes: int
    kind: ClassVar[str] = "QueueSampled"


@dataclass(frozen=True, slots=True)
class TcpStateChanged(Event):
    """The kernel reported ``state`` (psutil spelling, e.g. ``FIN_WAIT2``) for this end."""

    state: str
    local: str = ""
    remote: str = ""
    kind: ClassVar[str] = "TcpStateChanged"


@dataclass(frozen=True, slots=True)
class SocketFailed(Event):
    """A call failed; ``error`` is the exception class name, ``message`` the readable text.

    ``errno_name`` is the symbolic errno (``"ECONNREFUSED"``): the GUI keys its translated
    explanation on it (errno numbers differ between systems; the names do not).  Empty in
    traces recorded before it existed, and for errors that are not ``OSError``s.
    """

    call: str
    error: str
    message: str
    errno: int = 0
    errno_name: str = ""
    kind: ClassVar[str] = "SocketFailed"


def failed_call(t_ns: int, endpoint: str, call: str, exc: BaseException) -> SocketFailed:
    """``SocketFailed`` for ``exc``: its class, ``str(exc)``, its errno and the errno's name."""
    code = exc.errno if isinstance(exc, OSError) and isinstance(exc.errno, int) else 0
    return SocketFailed(t_ns, endpoint, call, type(exc).__name__, str(exc), code, errno_name(exc))


def errno_name(exc: BaseException) -> str:
    """``"ECONNREFUSED"`` for an ``OSError`` carrying that errno; ``""`` otherwise."""
    code = exc.errno if isinstance(exc, OSError) else None
    return _errno.errorcode.get(code, "") if isinstance(code, int) else ""


@dataclass(frozen=True, slots=True)
class RunFinished(Event):
    """The run ended; ``ok`` is false after an error, ``reason`` says why it stopped."""

    ok: bool
    reason: str = ""
    kind: ClassVar[str] = "RunFinished"


EVENT_TYPES: dict[str, type[Event]] = {
    cls.kind: cls
    for cls in (
        RunStarted,
        CallPending,
        SocketCalled,
        BytesSent,
        BytesReceived,
        FrameDecoded,
        QueueSampled,
        TcpStateChanged,
        SocketFailed,
        RunFinished,
    )
}


def register_event(cls: type[Event]) -> type[Event]:
    """Let a lesson's events module add its own event type to JSON Lines round-trips."""
    EVENT_TYPES[cls.kind] = cls
    return cls


# Where the lessons declare their events modules (``EVENT_MODULES``, ``register_all``).  The core
# may not import the lessons - they sit above it in the import-linter layers - yet a trace can
# name any lesson's event type, whatever this process imported.  So an unknown type makes the
# registry import that one declared catalogue by name and look again (see netsim.lessons).
EVENT_CATALOGUE = "netsim.lessons"
_catalogue_lock = threading.Lock()
_catalogue_loaded = False


def register_declared_events() -> None:
    """Register every event type the lessons declare (once; later calls return at once)."""
    global _catalogue_loaded
    with _catalogue_lock:
        if _catalogue_loaded:
            return
        catalogue = importlib.import_module(EVENT_CATALOGUE)
        catalogue.register_all()
        _catalogue_loaded = True


def event_type(kind: str) -> type[Event]:
    """The class of event type ``kind``; ``KeyError`` if no lesson declares it."""
    cls = EVENT_TYPES.get(kind)
    if cls is None:
        register_declared_events()
        cls = EVENT_TYPES[kind]
    return cls


def event_to_dict(event: Event) -> dict[str, Any]:
    out: dict[str, Any] = {"type": event.kind}
    for f in dataclasses.fields(event):
        value = getattr(event, f.name)
        if isinstance(value, bytes):
            out[f.name] = {"b64": base64.b64encode(value).decode("ascii")}
        else:
            out[f.name] = value
    return out


def event_from_dict(raw: dict[str, Any]) -> Event:
    try:
        cls = event_type(raw["type"])
    except KeyError as exc:
        raise ValueError(f"unknown event type: {raw.get('type')!r}") from exc
    kwargs: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.name not in raw:
            continue
        value = raw[f.name]
        if isinstance(value, dict) and set(value) == {"b64"}:
            value = base64.b64decode(value["b64"])
        kwargs[f.name] = value
    return cls(**kwargs)
