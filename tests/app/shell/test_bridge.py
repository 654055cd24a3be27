"""app/shell/bridge.py: events emitted by workers reach the GUI thread in batches."""

from __future__ import annotations

import threading

from pytestqt.qtbot import QtBot

from app.shell.bridge import Bridge
from netsim.core.events import Event, RunFinished
from netsim.core.recorder import Recorder


def test_own_timer_delivers_events_from_a_worker_in_order(qtbot: QtBot) -> None:
    bridge = Bridge(interval_ms=5)
    batches: list[list[Event]] = []
    bridge.events_batch.connect(batches.append)
    recorder = Recorder()
    bridge.attach(recorder)

    def work() -> None:
        for i in range(50):
            recorder.emit(RunFinished(i, "lab", True))

    t = threading.Thread(target=work, name="bridge-test-worker")
    t.start()
    t.join()
    qtbot.waitUntil(lambda: sum(len(b) for b in batches) == 50, timeout=2000)
    assert [e.t_ns for b in batches for e in b] == list(range(50))
    assert all(b for b in batches)  # no empty batch is ever emitted
    bridge.stop()


def test_attach_drains_the_old_recorder_first_and_stop_detaches() -> None:
    bridge = Bridge(interval_ms=None)  # drained by its owner (a panel's tick)
    got: list[int] = []
    bridge.events_batch.connect(lambda batch: got.extend(e.t_ns for e in batch))
    old, new = Recorder(), Recorder()
    bridge.attach(old)
    old.emit(RunFinished(1, "lab", True))
    bridge.attach(new)  # what the old one still held is not lost
    assert got == [1] and bridge.recorder is new
    old.emit(RunFinished(2, "lab", True))
    new.emit(RunFinished(3, "lab", True))
    bridge.drain()
    assert got == [1, 3]  # the old recorder is no longer followed
    new.emit(RunFinished(4, "lab", True))
    bridge.stop()
    assert got == [1, 3, 4] and bridge.recorder is None
    bridge.drain()  # nothing attached: nothing happens
    assert got == [1, 3, 4]
