"""Every lesson's event types load from a trace in a fresh interpreter, whatever was imported."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from netsim.auth.events import AuthStep, AuthVerdict, ScenarioFinished
from netsim.core.events import RunFinished, RunStarted, event_from_dict, event_to_dict
from netsim.core.trace import Trace, TraceFormatError
from netsim.lessons import EVENT_MODULES, LESSONS
from netsim.lessons.handshake.events import StateModelled
from netsim.lessons.servers.events import ClientConnected, ReplyReceived, ServerCpuSampled

ROOT = Path(__file__).resolve().parents[3]


def fresh_python(code: str) -> str:
    """Run ``code`` in a new interpreter (nothing imported yet) and return what it printed."""
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


LOAD = """
import json, sys
from netsim.core.trace import Trace
lessons = sorted(m for m in sys.modules if m.startswith("netsim.lessons."))
trace = Trace.load(sys.argv[1] if len(sys.argv) > 1 else {path!r})
print(json.dumps({{"before": lessons, "kinds": [e.kind for e in trace.events]}}))
"""


def test_a_servers_trace_loads_in_a_fresh_interpreter(tmp_path: Path) -> None:
    path = tmp_path / "servers.jsonl"
    events = [
        RunStarted(1, "lab", {"lab": "servers", "mode": "blocking", "clients": 1, "requests": 1}),
        ClientConnected(2, "client", 1, 40000),
        ReplyReceived(3, "client", 1, 40000, 1, b"CLIENT 1 REQUEST 1", 5, True),
        ServerCpuSampled(4, "server", 0.01, 0.02, 3, True),
        RunFinished(5, "lab", True, "done"),
    ]
    Trace(events).save(path)
    out = json.loads(fresh_python(LOAD.format(path=str(path))))
    assert out["before"] == []  # no lesson was imported before the load...
    assert out["kinds"] == [e.kind for e in events]  # ...and every servers.* event came back


def test_an_hmac_and_a_handshake_trace_load_in_a_fresh_interpreter(tmp_path: Path) -> None:
    path = tmp_path / "hmac.jsonl"
    events = [
        RunStarted(1, "lab", {"scenarios": ["good"]}),
        AuthStep(2, "server", 40001, "server", "challenge", "challenge", b"\x01\x02"),
        AuthVerdict(3, "server", 40001, "server", True, "ok"),
        ScenarioFinished(4, "lab", "good", True, "good"),
        StateModelled(5, "client", "CLOSED", "active open", "SYN-SENT", 1),
        RunFinished(6, "lab", True, "done"),
    ]
    Trace(events).save(path)
    out = json.loads(fresh_python(LOAD.format(path=str(path))))
    assert out["before"] == []
    assert out["kinds"] == [e.kind for e in events]


def test_every_event_type_a_lesson_defines_is_declared() -> None:
    """register_all() alone (a fresh interpreter) reaches every Event subclass in netsim.lessons."""
    code = """
import importlib, json, pkgutil
import netsim.lessons
from netsim.core.events import EVENT_TYPES, Event
netsim.lessons.register_all()
declared = set(EVENT_TYPES)
import netsim.auth
import netsim.lab
for package in (netsim.lessons, netsim.auth, netsim.lab):
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        importlib.import_module(info.name)
seen, todo = {}, [Event]
while todo:
    cls = todo.pop()
    for sub in cls.__subclasses__():
        todo.append(sub)
        if sub.__module__.startswith("netsim."):
            seen[sub.kind] = sub.__module__
print(json.dumps({"missing": sorted(k for k in seen if k not in declared), "count": len(seen)}))
"""
    out = json.loads(fresh_python(code))
    assert out["missing"] == []
    assert (
        out["count"] >= 23
    )  # the core's ten, servers' eight, hmac's three, handshake's two, the relay's three


def test_the_declared_tables_name_real_lessons() -> None:
    for lesson, module in EVENT_MODULES.items():
        assert lesson in LESSONS
        # a lesson's own events module, or a shared one it records with (hmac: netsim.auth,
        # the relay: netsim.lab.relay, which the sticky lab uses as well)
        assert module in (f"netsim.lessons.{lesson}.events", "netsim.auth.events", "netsim.lab.relay")
    for lesson in LESSONS:
        assert (ROOT / "netsim" / "lessons" / lesson / "__init__.py").is_file()


def test_an_unknown_type_is_still_refused() -> None:
    with pytest.raises(ValueError, match=r"unknown event type: 'nobody\.Nothing'"):
        event_from_dict({"type": "nobody.Nothing", "t_ns": 1, "endpoint": "lab"})
    with pytest.raises(TraceFormatError, match="line 2"):
        Trace.loads(['{"format": "netsim-trace", "version": 1}', json.dumps({"type": ["x"]})])
    assert event_from_dict(event_to_dict(RunFinished(1, "lab", True))) == RunFinished(1, "lab", True)


def test_a_relay_trace_loads_in_a_fresh_interpreter(tmp_path: Path) -> None:
    from netsim.lab.relay import DatagramDropped, DatagramForwarded, SegmentForwarded

    path = tmp_path / "relay.jsonl"
    events = [
        RunStarted(1, "lab", {"transport": "tcp", "wire_seed": 7}),
        SegmentForwarded(2, "relay", "c2s", 0, 0, 1448, 1, b"#1:aaaa"),
        DatagramForwarded(3, "relay", "c2s", 4, 100, 2, False, True, b"x"),
        DatagramDropped(4, "relay", "c2s", 5, 100, "loss"),
        RunFinished(5, "lab", True, "done"),
    ]
    Trace(events).save(path)
    out = json.loads(fresh_python(LOAD.format(path=str(path))))
    assert out["kinds"] == [e.kind for e in events]
