"""Issue 8: common OS errors get a sentence in the interface's language beside the system's text."""

from __future__ import annotations

import socket

import pytest
from PySide6.QtCore import QCoreApplication

from app.shell.i18n import Translations
from app.widgets.os_errors import describe, explain, explain_text
from netsim.core.events import SocketFailed, failed_call

NAMES = ["ECONNREFUSED", "EADDRINUSE", "ECONNRESET", "EPIPE", "EMSGSIZE", "ETIMEDOUT"]


def refused() -> SocketFailed:
    """A real ECONNREFUSED: connect to a port nobody listens on (bound, never listening)."""
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    try:
        with socket.socket() as s, pytest.raises(ConnectionRefusedError) as info:
            s.connect(holder.getsockname())
    finally:
        holder.close()
    return failed_call(1, "client", "connect", info.value)


def test_the_event_carries_the_errno_name() -> None:
    ev = refused()
    assert ev.errno_name == "ECONNREFUSED" and ev.errno > 0
    assert "Connection refused" in describe(ev) and "nothing is listening" in describe(ev)


@pytest.mark.parametrize("name", NAMES)
def test_every_common_error_has_a_sentence(qapp: object, name: str) -> None:
    ev = SocketFailed(1, "client", "send", "OSError", "system text", 0, name)
    assert explain(ev)


def test_timeouts_and_older_traces_are_recognised(qapp: object) -> None:
    timeout = SocketFailed(1, "client", "recv", "TimeoutError", "timed out")
    assert "Timed out" in explain(timeout)
    old = SocketFailed(
        1, "client", "connect", "ConnectionRefusedError", "[ECONNREFUSED] Connection refused", 111
    )
    assert "nothing is listening" in explain(old)  # no errno_name: the name in the text
    assert "Broken pipe" in explain_text("client: send: BrokenPipeError: [Errno 32] Broken pipe")
    assert explain_text("something else entirely") == ""


def test_the_sentence_is_chinese_in_the_chinese_interface(qapp: object) -> None:
    translations = Translations()
    translations.install("zh_CN")
    try:
        text = describe(refused())
        assert "Connection refused" in text  # the system's own words stay
        assert "连接被拒绝" in text
    finally:
        translations.install("en")
        assert QCoreApplication.translate("OsErrors", "x") == "x"
