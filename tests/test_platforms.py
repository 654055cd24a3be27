"""Other operating systems, honestly: with Linux-only facilities absent, the app and ``netsim``
still import and run, and each missing facility is named instead of faked.

Each test runs a fresh interpreter in which the facility is made unavailable before anything
imports it (a meta-path finder refuses ``fcntl``/``termios``; ``socket.AF_PACKET`` is deleted;
``/proc`` files are pointed at a path that does not exist).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

PRELUDE = textwrap.dedent(
    """
    import sys, socket

    class _Refuse:
        def find_spec(self, name, path=None, target=None):
            if name in {blocked!r}:
                raise ImportError(f"No module named {{name!r}} (simulated absence)")
            return None

    sys.meta_path.insert(0, _Refuse())
    for mod in {blocked!r}:
        sys.modules.pop(mod, None)
    import psutil  # psutil's Linux backend needs AF_PACKET; on other systems it has its own backend
    if {drop_packet!r} and hasattr(socket, "AF_PACKET"):
        del socket.AF_PACKET
    """
)


def run_without(code: str, blocked: tuple[str, ...] = (), drop_packet: bool = False) -> str:
    script = PRELUDE.format(blocked=blocked, drop_packet=drop_packet) + textwrap.dedent(code)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, env=env, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_app_and_cli_import_without_fcntl_termios_and_af_packet() -> None:
    out = run_without(
        """
        import importlib
        import app.main, netsim.cli
        from app.panels import PANELS
        netsim.cli.build_parser()
        for entry in PANELS:  # every panel's module, with Qt and pyqtgraph
            importlib.import_module(entry.partition(":")[0])
        print("imported")
        """,
        blocked=("fcntl", "termios"),
        drop_packet=True,
    )
    assert out.strip() == "imported"


def test_kernel_queues_say_what_is_missing_without_fcntl() -> None:
    out = run_without(
        """
        from netsim.lab import kqueue
        print(kqueue.RECV_QUEUE_AVAILABLE, kqueue.SEND_QUEUE_AVAILABLE, kqueue.QUEUES_AVAILABLE)
        print(kqueue.QUEUES_MISSING_REASON)
        """,
        blocked=("fcntl", "termios"),
    )
    flags, reason = out.splitlines()
    assert flags == "False False False"
    assert "FIONREAD" in reason


def test_sticky_lab_runs_without_queue_probes() -> None:
    out = run_without(
        """
        import netsim.cli
        raise SystemExit(netsim.cli.main(["sticky", "--preset", "hello-world", "--json"]))
        """,
        blocked=("fcntl", "termios"),
    )
    summary = json.loads(out)
    assert summary["app_messages_match"] is False  # the lesson's point still shows: one recv, two messages
    assert summary["merged_chunks"] >= 1


def test_capture_says_af_packet_is_missing() -> None:
    out = run_without(
        """
        from netsim.lessons.handshake.capture import capture_available
        ok, why = capture_available()
        print(ok)
        print(why)
        """,
        drop_packet=True,
    )
    ok, why = out.splitlines()
    assert ok == "False"
    assert "AF_PACKET" in why


def test_handshake_runs_modelled_without_fcntl_and_af_packet() -> None:
    out = run_without(
        """
        import netsim.cli
        raise SystemExit(netsim.cli.main(["handshake", "--scenario", "normal", "--json", "--timeout", "20"]))
        """,
        blocked=("fcntl", "termios"),
        drop_packet=True,
    )
    run = json.loads(out)
    assert run["ok"] is True
    assert run["capture"] is False
    assert "AF_PACKET" in run["capture_reason"]
    segments = [e for e in run["events"] if e["type"] == "SegmentSeen"]
    assert segments, "the modelled segments are still shown"
    assert not any(s["captured"] for s in segments), "a modelled segment is never shown as captured"


@pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="Linux reads /proc; elsewhere psutil is the default"
)
def test_kernel_states_fall_back_to_psutil_without_proc(monkeypatch: pytest.MonkeyPatch) -> None:
    from netsim.lessons.handshake import kstate

    monkeypatch.setattr(kstate, "PROC_NET_TCP", "/nonexistent/proc/net/tcp")
    reader, how = kstate.default_reader()
    assert reader is not None
    assert how == "psutil.net_connections"
