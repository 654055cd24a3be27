"""Events of a traced run: programs started and ended, and every socket call they made.

These go into the same JSON Lines trace as every lab's events (registered explicitly, so a
saved trace loads in a fresh interpreter once this module is imported).  Each direction of each
connection is later turned into the shared ``BytesSent`` / ``BytesReceived`` / ``FrameDecoded``
events, so the shared analysis and ribbon apply unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from netsim.core.events import Event, register_event

SEND_CALLS = frozenset(
    {"send", "sendall", "sendto", "sendmsg", "write", "writev", "pwrite64", "sendmmsg", "makefile.write"}
)
RECV_CALLS = frozenset(
    {"recv", "recv_into", "recvfrom", "recvfrom_into", "recvmsg", "recvmsg_into", "read", "readv", "pread64"}
)


@register_event
@dataclass(frozen=True, slots=True)
class ProgramStarted(Event):
    """Program number ``program`` (0-based, in start order) was started as ``command``.

    ``method`` is ``"python"`` (the launcher wraps ``socket.socket``) or ``"strace"``.
    """

    program: int
    command: list[str]
    pid: int
    method: str
    cwd: str = ""
    kind: ClassVar[str] = "tracing.ProgramStarted"


@register_event
@dataclass(frozen=True, slots=True)
class ProgramCalled(Event):
    """One socket call of a traced program (``endpoint`` is ``"pid N"``).

    ``data`` is the bytes the call moved (``has_data`` false when it moves none); under strace
    ``truncated`` says strace printed only the first ``len(data)`` of ``result`` bytes.
    ``result`` is the call's return (a count, a new fd, an errno for ``connect_ex``) or ``None``;
    ``error`` the exception (``"BlockingIOError: [Errno 11] …"``) or ``""``.  ``repeat`` counts a
    failing call retried in a busy loop, kept as one record.  ``extra`` holds ``local`` /
    ``peer`` addresses and ``family`` / ``type`` where the call revealed them.
    """

    program: int
    pid: int
    tid: int
    fd: int
    call: str
    arg: Any = None
    result: Any = None
    data: bytes = b""
    has_data: bool = False
    error: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    repeat: int = 1
    truncated: bool = False
    syscall: str = ""
    kind: ClassVar[str] = "tracing.ProgramCalled"


@register_event
@dataclass(frozen=True, slots=True)
class ProgramExited(Event):
    """Program ``program`` ended with ``exit_code`` (negative: killed by that signal).

    ``reason`` says why when netsim ended it (``--timeout``, Stop, its clients had finished).
    ``stdout`` / ``stderr`` are its output as text (the first ``OUTPUT_LIMIT`` bytes of each).
    """

    program: int
    pid: int
    exit_code: int
    stdout: str = ""
    stderr: str = ""
    reason: str = ""
    kind: ClassVar[str] = "tracing.ProgramExited"


def register() -> None:
    """Nothing to do at run time: importing this module registered the events."""
