"""Event types of the classroom (registered for JSON Lines round-trips).

``sid`` numbers the connections of one run (1, 2, ...); every event of one student carries it.
Texts from students (names, messages) are already made safe by
:func:`~netsim.lessons.classroom.protocol.safe_text` and bounded; front ends still show them as
plain text.  Codes (``verdict``, ``reason``, ``what``) are worded by each front end.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from netsim.core.events import Event, register_event


@register_event
@dataclass(frozen=True, slots=True)
class StudentConnected(Event):
    """A connection was accepted from ``address`` (``ip:port``)."""

    sid: int
    address: str
    kind: ClassVar[str] = "StudentConnected"


@register_event
@dataclass(frozen=True, slots=True)
class StudentIdentified(Event):
    """The handshake form is known: ``netsim`` (with the hello's name) or ``lesson`` (no name)."""

    sid: int
    form: str
    name: str = ""
    kind: ClassVar[str] = "StudentIdentified"


@register_event
@dataclass(frozen=True, slots=True)
class StudentVerdict(Event):
    """The verdict changed (accepted, refused, timed out, ..., later kicked or cut off)."""

    sid: int
    verdict: str
    reason: str = ""
    kind: ClassVar[str] = "StudentVerdict"


@register_event
@dataclass(frozen=True, slots=True)
class ChunkRead(Event):
    """One ``recv()`` from an accepted student covered ``[start, end)`` of its chat stream.

    ``messages`` whole messages ended in it, ``split`` of them had started in an earlier chunk
    (半包), ``merged`` says the chunk held bytes of two messages or more (粘包), ``last`` is the
    last completed message as safe text.
    """

    sid: int
    start: int
    end: int
    messages: int
    split: int
    merged: bool
    last: str = ""
    kind: ClassVar[str] = "ChunkRead"


@register_event
@dataclass(frozen=True, slots=True)
class MessagesQueued(Event):
    """The server queued ``messages`` messages (``nbytes`` wire bytes) for a student.

    ``what``: ``echo``, ``broadcast`` or ``challenge`` (the two back to back, queued as one send).
    """

    sid: int
    what: str
    messages: int
    nbytes: int
    kind: ClassVar[str] = "MessagesQueued"


@register_event
@dataclass(frozen=True, slots=True)
class StudentError(Event):
    """Something went wrong with one student; ``text`` is a readable English sentence."""

    sid: int
    code: str
    text: str
    kind: ClassVar[str] = "StudentError"


@register_event
@dataclass(frozen=True, slots=True)
class StudentLeft(Event):
    """The connection is closed (``reason`` a code: eof, kicked, idle, limit, error, stopped...)."""

    sid: int
    reason: str
    kind: ClassVar[str] = "StudentLeft"


@register_event
@dataclass(frozen=True, slots=True)
class ClassAction(Event):
    """The instructor did something: ``broadcast``, ``challenge``, ``kick``, ``lock``, ``unlock``."""

    action: str
    detail: str = ""
    students: int = 0
    kind: ClassVar[str] = "ClassAction"


@register_event
@dataclass(frozen=True, slots=True)
class ClassroomListening(Event):
    """The classroom server is listening on ``address`` (event kinds are global: not "ServerListening")."""

    address: str
    framing: str
    kind: ClassVar[str] = "ClassroomListening"
