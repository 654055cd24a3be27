"""The buffers chart cuts the time a run was held (paused, stepped) out of its time axis."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from app.shell.theme import Theme
from app.widgets.buffers import BuffersView
from app.widgets.stream_model import StreamModel
from netsim.core.events import BytesSent, CallPending, QueueSampled, RunFinished, RunStarted

MS = 1_000_000  # ns


def paused_run() -> list[object]:
    """A 6 ms run with a 5-second pause: the client waits at the gate before its send."""
    config = {"transport": "tcp", "framing": "none", "queues_available": True, "messages": ["hello"]}
    return [
        RunStarted(0, "lab", config),
        QueueSampled(1 * MS, "client", "send", 0),
        CallPending(2 * MS, "client", "sendall(b'hello')", ""),
        QueueSampled(1000 * MS, "client", "send", 0),  # the sampler goes on during the pause
        QueueSampled(3000 * MS, "server", "recv", 0),
        BytesSent(5002 * MS, "client", 0, 0, 5, 0, b"hello"),
        QueueSampled(5003 * MS, "server", "recv", 5),
        QueueSampled(5006 * MS, "client", "send", 0),
        RunFinished(5008 * MS, "lab", True, "done"),
    ]


def test_model_knows_the_held_time() -> None:
    model = StreamModel()
    model.load(paused_run())  # type: ignore[arg-type]
    assert model.held == [(0.002, 5.002)]
    assert abs(model.active_time(5.003) - 0.003) < 1e-9
    assert abs(model.real_time(0.003) - 5.003) < 1e-9
    assert abs(model.active_time(1.0) - 0.002) < 1e-9  # inside the hold: at the cut
    assert [round(x, 6) for x in model.active_times_ms([0.001, 1.0, 5.003])] == [1.0, 2.0, 3.0]


def test_paused_time_does_not_stretch_the_time_axis(qtbot: QtBot) -> None:
    """Issue 8: five seconds paused made the 6 ms run a sliver at the left of a 5,000 ms axis."""
    model = StreamModel()
    view = BuffersView(model, theme=Theme())
    qtbot.addWidget(view)
    model.load(paused_run())  # type: ignore[arg-type]
    view.refresh()
    _x_min, x_max = view.plot.getViewBox().viewRange()[0]
    assert x_max < 20  # ms: the run's own 6 ms (plus padding), not 5,008
    xs, _ys = view.recv_curve.getData()
    assert max(xs) < 10
    assert "5.0 s" in view.time_axis_label()  # the cut is said, not hidden
    marks = [m for m in view._cut_marks if m.isVisible()]
    assert len(marks) == 1 and abs(marks[0].value() - 2.0) < 1e-6
    # The cursor on the cut axis still shows the real moment in the pipe.
    view.time_cursor.setValue(3.0)
    assert view.pipe.t is not None and abs(view.pipe.t - 5.003) < 1e-9


def test_the_legend_sits_above_the_plot_not_on_the_curve(qtbot: QtBot) -> None:
    """Issue 8: the legend box inside the plot covered the curve where the queues are fullest."""
    model = StreamModel()
    view = BuffersView(model, theme=Theme())
    qtbot.addWidget(view)
    view.resize(900, 400)
    view.show()
    model.load(paused_run())  # type: ignore[arg-type]
    view.refresh()
    assert not view.plot.getPlotItem().legend  # nothing drawn over the data
    assert view.legend.geometry().bottom() < view.plot.geometry().top()
    assert "TIOCOUTQ" in view.legend.text() and "FIONREAD" in view.legend.text()
