"""The common socket errors in the interface's language, beside the system's own text.

The operating system's messages ("Connection refused") stay English whatever the interface
language.  Every panel that shows a socket error adds one translated sentence from here, keyed
by the errno *name* the ``SocketFailed`` event carries (numbers differ between systems).  Older
traces without the name, and error texts that only exist as strings (a run's failure list), are
matched by the name or ``[Errno N]`` inside the text.
"""

from __future__ import annotations

import errno
import re

from PySide6.QtCore import QCoreApplication

from netsim.core.events import SocketFailed

_TIMEOUT = "TIMEOUT"  # Python's socket timeout (TimeoutError, no errno) and the kernel's ETIMEDOUT


def _sentences() -> dict[str, str]:
    # Literal QCoreApplication.translate calls: pyside6-lupdate finds them (context "OsErrors").
    return {
        "ECONNREFUSED": QCoreApplication.translate(
            "OsErrors", "Connection refused: nothing is listening on that address and port."
        ),
        "EADDRINUSE": QCoreApplication.translate(
            "OsErrors",
            "Address already in use: another socket holds this port (perhaps one in TIME-WAIT; "
            "SO_REUSEADDR lets a server bind again).",
        ),
        "ECONNRESET": QCoreApplication.translate(
            "OsErrors",
            "Connection reset: the other end aborted the connection (an RST), e.g. it closed with "
            "unread data or its program ended.",
        ),
        "EPIPE": QCoreApplication.translate(
            "OsErrors", "Broken pipe: this end wrote to a connection the other end had already closed."
        ),
        "EMSGSIZE": QCoreApplication.translate(
            "OsErrors",
            "Message too long: one UDP datagram cannot carry this many bytes (65,507 at most over IPv4).",
        ),
        "EADDRNOTAVAIL": QCoreApplication.translate(
            "OsErrors", "Address not available: this machine has no such address to bind to."
        ),
        "ECONNABORTED": QCoreApplication.translate(
            "OsErrors", "Connection aborted by this machine before it was accepted."
        ),
        _TIMEOUT: QCoreApplication.translate("OsErrors", "Timed out: no answer came within the time limit."),
    }


_NAME_IN_TEXT = re.compile(r"\b(E[A-Z]{3,})\b")
_ERRNO_IN_TEXT = re.compile(r"\[Errno (\d+)\]")


def _key(name: str, error: str = "", text: str = "") -> str:
    if name == "ETIMEDOUT" or error in ("TimeoutError", "timeout"):
        return _TIMEOUT
    if name:
        return name
    found = _NAME_IN_TEXT.search(text)
    if found:
        return _TIMEOUT if found.group(1) == "ETIMEDOUT" else found.group(1)
    number = _ERRNO_IN_TEXT.search(text)
    if number:
        return errno.errorcode.get(int(number.group(1)), "")
    if "timed out" in text.lower() or "TimeoutError" in text:
        return _TIMEOUT
    return ""


def explain_name(name: str, error: str = "") -> str:
    """The translated sentence for errno ``name`` (or a timeout ``error``), or ``""``."""
    return _sentences().get(_key(name, error), "")


def explain(ev: SocketFailed) -> str:
    """The translated sentence for a failed call, or ``""`` for an uncommon error."""
    return _sentences().get(_key(ev.errno_name, ev.error, ev.message), "")


def explain_text(text: str) -> str:
    """The translated sentence for an error known only as text (``"[ECONNREFUSED] ..."``)."""
    return _sentences().get(_key("", "", text), "")


def with_explanation(system_text: str, sentence: str) -> str:
    """``system_text`` with ``sentence`` beside it (the system's words are kept as they are)."""
    return f"{system_text} — {sentence}" if sentence else system_text


def describe(ev: SocketFailed) -> str:
    """``"ConnectionRefusedError: [ECONNREFUSED] Connection refused — <translated sentence>"``."""
    return with_explanation(f"{ev.error}: {ev.message}", explain(ev))
