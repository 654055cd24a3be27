"""How many bytes sit in a socket's kernel queues (Linux ioctls, feature-detected).

``FIONREAD`` on a TCP socket: bytes received by the kernel and not yet ``recv()``-ed; on a UDP
socket: the size of the next datagram.  ``TIOCOUTQ`` (alias ``SIOCOUTQ``): bytes in the send
queue that the peer has not acknowledged yet.
"""

from __future__ import annotations

import array
import socket
import sys

try:
    import fcntl
    import termios
except ImportError:  # pragma: no cover - not on Windows
    fcntl = None  # type: ignore[assignment]
    termios = None  # type: ignore[assignment]

_FIONREAD: int | None = getattr(termios, "FIONREAD", None) if termios else None
_TIOCOUTQ: int | None = getattr(termios, "TIOCOUTQ", None) if termios else None

# FIONREAD is portable (Linux, macOS, the BSDs); TIOCOUTQ on a socket is Linux's alone.
RECV_QUEUE_AVAILABLE = fcntl is not None and _FIONREAD is not None
SEND_QUEUE_AVAILABLE = RECV_QUEUE_AVAILABLE and sys.platform.startswith("linux") and _TIOCOUTQ is not None
QUEUES_AVAILABLE = RECV_QUEUE_AVAILABLE and SEND_QUEUE_AVAILABLE
QUEUES_MISSING_REASON = (
    ""
    if QUEUES_AVAILABLE
    else f"this platform ({sys.platform}) cannot report the kernel's send queue (no TIOCOUTQ)"
    if RECV_QUEUE_AVAILABLE
    else f"this platform ({sys.platform}) cannot report kernel socket queues (no FIONREAD/TIOCOUTQ)"
)


def _ioctl_int(sock: socket.socket, request: int | None) -> int | None:
    if request is None or fcntl is None:
        return None
    fd = sock.fileno()
    if fd < 0:
        return None
    buf = array.array("i", [0])
    try:
        fcntl.ioctl(fd, request, buf, True)
    except OSError:
        return None
    return int(buf[0])


def recv_queue_bytes(sock: socket.socket) -> int | None:
    """Bytes waiting in the receive queue (TCP), or the next datagram's size (UDP); None if unknown."""
    return _ioctl_int(sock, _FIONREAD) if RECV_QUEUE_AVAILABLE else None


def send_queue_bytes(sock: socket.socket) -> int | None:
    """Bytes in the send queue not yet acknowledged by the peer; None if unknown."""
    return _ioctl_int(sock, _TIOCOUTQ) if SEND_QUEUE_AVAILABLE else None
