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
import binascii
import dataclasses
import errno as _errno
import importlib
import math
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


# Limits for values read back from a file (a trace is hostile until checked).
INT_MIN, INT_MAX = -(2**63), 2**63 - 1  # what an array('q') column holds
MAX_OFFSET = 2**53  # stream offsets: exact as floats too, which the views compute with
MAX_STR_CHARS = 1 << 20
MAX_CONFIG_DEPTH = 8
MAX_CONFIG_ITEMS = 1_000_000


def _check_int(where: str, value: Any) -> int:
    if type(value) is not int:
        raise ValueError(f"{where} should be int, not {_show(value)}")
    if not INT_MIN <= value <= INT_MAX:
        raise ValueError(f"{where} is out of range ({_show(value)})")
    return value


def _show(value: Any) -> str:
    """A short description of a hostile value for an error message."""
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:40]}… ({type(value).__name__})"


def check_json_value(where: str, value: Any, *, depth: int = MAX_CONFIG_DEPTH) -> int:
    """Check plain JSON data (a run's config): str keys, bounded nesting and size, sane numbers.

    Returns how many items it holds; ValueError names what is wrong.
    """
    items = 1
    stack: list[tuple[str, Any, int]] = [(where, value, 0)]
    while stack:
        path, v, level = stack.pop()
        if isinstance(v, dict):
            children = []
            for k, child in v.items():
                if not isinstance(k, str):
                    raise ValueError(f"{path}: keys must be strings")
                children.append((f"{path}.{k}", child))
        elif isinstance(v, list):
            children = [(f"{path}[{i}]", child) for i, child in enumerate(v)]
        else:
            if type(v) is int:
                _check_int(path, v)
            elif type(v) is float and not math.isfinite(v):
                raise ValueError(f"{path} is not a finite number")
            elif type(v) is str and len(v) > MAX_STR_CHARS:
                raise ValueError(f"{path} is longer than {MAX_STR_CHARS} characters")
            elif v is not None and type(v) not in (int, float, str, bool):
                raise ValueError(f"{path} is not plain JSON data ({type(v).__name__})")
            continue
        if level >= depth and children:
            raise ValueError(f"{path} is nested more than {depth} levels deep")
        items += len(children)
        if items > MAX_CONFIG_ITEMS:
            raise ValueError(f"{where} holds more than {MAX_CONFIG_ITEMS} items")
        stack.extend((p, c, level + 1) for p, c in children)
    return items


def _field_value(where: str, annotation: str, value: Any) -> Any:
    """``value`` read from a file, checked against the field's annotation (ValueError if wrong)."""
    if annotation == "int":
        return _check_int(where, value)
    if annotation == "str":
        if type(value) is not str:
            raise ValueError(f"{where} should be a string, not {_show(value)}")
        if len(value) > MAX_STR_CHARS:
            raise ValueError(f"{where} is longer than {MAX_STR_CHARS} characters")
        return value
    if annotation == "bool":
        if type(value) is not bool:
            raise ValueError(f"{where} should be true or false, not {_show(value)}")
        return value
    if annotation == "float":
        if type(value) not in (int, float) or not math.isfinite(value) or abs(value) > 1e300:
            raise ValueError(f"{where} should be a finite number, not {_show(value)}")
        return float(value)
    if annotation == "bytes":
        if not isinstance(value, dict) or set(value) != {"b64"} or type(value["b64"]) is not str:
            raise ValueError(f'{where} should be bytes ({{"b64": "..."}}), not {_show(value)}')
        try:
            return base64.b64decode(value["b64"], validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ValueError(f"{where} is not valid base64 ({exc})") from exc
    if annotation == "list[str]":
        if not isinstance(value, list) or not all(type(v) is str for v in value):
            raise ValueError(f"{where} should be a list of strings, not {_show(value)}")
        check_json_value(where, value)
        return value
    if annotation == "Any":  # plain JSON, bounded like a config
        check_json_value(where, value)
        return value
    if annotation == "dict[str, Any]":
        if not isinstance(value, dict):
            raise ValueError(f"{where} should be an object, not {_show(value)}")
        check_json_value(where, value)
        return value
    raise ValueError(f"{where}: cannot check a field of type {annotation}")


def event_from_dict(raw: Any) -> Event:
    """The event ``raw`` (one parsed JSON Lines record) describes, every field checked.

    Each field must have the type its dataclass declares (ints within 64 bits, bytes as
    ``{"b64": ...}``, a config as bounded plain JSON); stream ranges must be
    ``0 <= start <= end <= MAX_OFFSET``.  Anything else is a ValueError saying what is wrong.
    """
    if not isinstance(raw, dict):
        raise ValueError(f"an event should be a JSON object, not {_show(raw)}")
    kind = raw.get("type")
    try:
        cls = event_type(kind) if isinstance(kind, str) else None
    except KeyError:
        cls = None
    if cls is None:
        raise ValueError(f"unknown event type: {_show(kind)}")
    kwargs: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.name not in raw:
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                raise ValueError(f"{cls.kind}.{f.name} is missing")
            continue
        kwargs[f.name] = _field_value(f"{cls.kind}.{f.name}", str(f.type), raw[f.name])
    start, end = kwargs.get("start"), kwargs.get("end")
    if isinstance(start, int) and isinstance(end, int) and not 0 <= start <= end <= MAX_OFFSET:
        raise ValueError(f"{cls.kind}: the range [{start}, {end}) is not a stream range")
    return cls(**kwargs)
