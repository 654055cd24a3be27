"""``LessonPanel``: the one shape of every lesson panel, and the interface the main window uses.

A panel gets, from this base:

* a :class:`~app.shell.bridge.Bridge` (``self.bridge``) drained by ONE tick (``self.tick``, a
  ``QTimer`` on the GUI thread): each tick delivers the helper thread's results, drains the
  bridge (``on_events(batch)``) and then calls ``on_tick()``;
* a helper thread for blocking work that must stay off the GUI thread — above all closing a
  lab (it joins worker threads): :meth:`close_off_gui`, :meth:`run_off_gui`.  At most one helper
  thread runs at a time; it ends when it has nothing left to do and is joined on the next tick,
  and at :meth:`shutdown`.  An exception from a helper job is shown in the panel (the error
  banner at its top), never raised on the GUI thread;
* the ``run_finished`` signal;
* the theme (``self.theme``, a :class:`~app.shell.theme.Theme`): :meth:`apply_theme` runs on
  every change (zoom, contrast, palette);
* scrolling: subclasses build their layout in ``self.content``, which sits in a
  ``QScrollArea``; zoom makes the content bigger and the panel scrolls, the window never grows;
* recording and replay for animated export (File ▸ Export animation…, ``--animate``):
  :meth:`start_recording` keeps every event the bridge delivers until :meth:`stop_recording`
  hands them over as a :class:`~netsim.core.trace.Trace`; a panel that can draw such a trace
  as it stood at any instant implements :meth:`show_trace_until` and says so in
  :meth:`can_animate`.  :class:`TraceCursor` does the bookkeeping of feeding it forward.

Translations: ``self.tr()`` in a subclass uses the subclass's name as its context (PySide6
looks the string up along the class's MRO, so ``pyside6-lupdate``'s lexical context matches).
The main window calls :meth:`retranslate` once per language switch; panels do not react to
``LanguageChange`` themselves.
"""

from __future__ import annotations

import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from queue import Empty, SimpleQueue
from typing import Any, ClassVar

from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from app.shell.bridge import Bridge
from app.shell.theme import Theme
from netsim.core.events import Event, RunStarted
from netsim.core.trace import Trace

HELPER_JOIN_S = 20.0  # a lab's close() joins its workers with its own timeouts (15 s at most)


@dataclass
class _Job:
    fn: Callable[[], Any]
    what: str
    generation: int
    done: Callable[[Any], None] | None = None
    discard: Callable[[Any], None] | None = None
    failed: Callable[[BaseException], None] | None = None
    result: Any = None
    error: BaseException | None = field(default=None)


class _Helper:
    """Runs jobs one after another in one helper thread, started on demand.

    The thread ends as soon as the queue is empty (so nothing lingers between runs) and is
    joined by :meth:`reap`; finished jobs wait in ``results`` for the GUI thread.
    """

    def __init__(self, name: str) -> None:
        self._name = name
        self._lock = threading.Lock()
        self._queue: deque[_Job] = deque()
        self._thread: threading.Thread | None = None
        self._exited: list[threading.Thread] = []
        self.results: SimpleQueue[_Job] = SimpleQueue()

    def submit(self, job: _Job) -> None:
        with self._lock:
            self._queue.append(job)
            if self._thread is None:
                self._thread = threading.Thread(target=self._work, name=self._name)
                self._thread.start()

    def _work(self) -> None:
        while True:
            with self._lock:
                if not self._queue:
                    me = threading.current_thread()
                    self._exited.append(me)
                    self._thread = None
                    return
                job = self._queue.popleft()
            try:
                job.result = job.fn()
            except BaseException as exc:  # handed to the GUI thread, shown in the panel
                job.error = exc
            self.results.put(job)

    @property
    def busy(self) -> bool:
        with self._lock:
            return self._thread is not None or bool(self._queue)

    def reap(self) -> None:
        """Join helper threads that have ended (instant: they have returned)."""
        with self._lock:
            exited, self._exited = self._exited, []
        for t in exited:
            t.join()

    def wait(self, timeout_s: float) -> bool:
        """Wait until every queued job has run; True if the helper is idle and joined."""
        deadline = time.monotonic() + timeout_s
        while True:
            with self._lock:
                thread = self._thread
            if thread is None:
                self.reap()
                return True
            thread.join(max(0.0, deadline - time.monotonic()))
            if time.monotonic() >= deadline and thread.is_alive():
                return False


def split_runs(events: Sequence[Event]) -> list[list[Event]]:
    """A recording cut at each ``RunStarted`` (events before the first one start a run too)."""
    runs: list[list[Event]] = []
    for ev in events:
        if isinstance(ev, RunStarted) or not runs:
            runs.append([])
        runs[-1].append(ev)
    return runs


class TraceCursor:
    """Which events of a trace a replaying view has been given so far.

    ``advance(t_ns)`` returns the events with ``t_ns`` up to ``t_ns`` that were not handed out
    yet, in time order; ``restarted`` is True when the view must clear itself first (a new
    trace, or a step back in time).  The events are sorted once: worker threads stamp their
    events when they happen, and the bridge may deliver two threads' events a little out of order.
    """

    def __init__(self) -> None:
        self._trace: Trace | None = None
        self._events: list[Event] = []
        self._next = 0
        self._t_ns: int | None = None
        self.restarted = False

    def advance(self, trace: Trace, t_ns: int) -> list[Event]:
        self.restarted = trace is not self._trace or self._t_ns is None or t_ns < self._t_ns
        if trace is not self._trace:
            self._trace = trace
            self._events = sorted(trace.events, key=lambda ev: ev.t_ns)
        if self.restarted:
            self._next = 0
        self._t_ns = t_ns
        start = end = self._next
        while end < len(self._events) and self._events[end].t_ns <= t_ns:
            end += 1
        self._next = end
        return self._events[start:end]


class LessonPanel(QWidget):
    """Base of every lesson panel (see the module docstring)."""

    panel_id: ClassVar[str] = ""
    tick_ms: ClassVar[int] = 25
    lazy_events: ClassVar[bool] = False  # batches as lazy views (Bridge(lazy=True))
    run_finished = Signal()

    def __init__(self, theme: Theme | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.theme = theme if theme is not None else Theme(self)
        self.bridge = Bridge(self, interval_ms=None, lazy=self.lazy_events)
        self.bridge.events_batch.connect(self.on_events)
        self._helper = _Helper(f"{self.panel_id or 'panel'}-helper")
        self._generation = 0
        self._shut_down = False
        self._recording: list[Event] | None = None
        self.bridge.events_batch.connect(self._record)

        self.error_banner = QLabel()
        self.error_banner.setObjectName("errorBanner")
        self.error_banner.setWordWrap(True)
        self.error_banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_banner.setVisible(False)
        self.content = QWidget()
        self.content.setObjectName("panelContent")
        self.scroll_area = QScrollArea()
        self.scroll_area.setObjectName("panelScroll")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setWidget(self.content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(self.error_banner)
        outer.addWidget(self.scroll_area, 1)

        self.tick = QTimer(self)
        self.tick.setInterval(self.tick_ms)
        self.tick.timeout.connect(self._on_tick)
        self.tick.start()
        self.theme.changed.connect(self._theme_changed)

    # ============================================================ the interface
    def title(self) -> str:
        """Translated name for the panel list."""
        raise NotImplementedError

    def retranslate(self) -> None:
        """Re-set every visible text; the window calls it once per language switch."""
        raise NotImplementedError

    def apply_theme(self, theme: Theme) -> None:
        """Fonts, pens, colours and fixed sizes from ``theme``; called on every theme change."""
        raise NotImplementedError

    def run(self) -> None:
        """F5."""
        raise NotImplementedError

    def step(self) -> None:
        """Space / F10."""
        raise NotImplementedError

    def pause(self) -> None:
        """F6."""
        raise NotImplementedError

    def reset(self) -> None:
        """Ctrl+R."""
        raise NotImplementedError

    def run_default_preset(self) -> None:
        """Start the panel's default scenario (``--screenshot`` uses it)."""
        raise NotImplementedError

    def is_idle(self) -> bool:
        """No run in progress and nothing waiting on the helper thread."""
        raise NotImplementedError

    def presets(self) -> list[tuple[str, str]]:
        """(preset id, translated title) for the Presets menu; empty if the panel has none."""
        return []

    def load_preset(self, preset_id: str, run: bool = True) -> None:
        """Load one of :meth:`presets` (and run it)."""
        raise KeyError(preset_id)

    def can_open_trace(self) -> bool:
        return False

    def open_trace(self, path: str) -> None:
        raise NotImplementedError(f"{type(self).__name__} cannot open traces")

    def can_export_trace(self) -> bool:
        return False

    def export_trace(self, path: str) -> None:
        raise NotImplementedError(f"{type(self).__name__} has no trace to export")

    def can_open_dialog(self) -> bool:
        """The panel has a dialog that sets up a run (the tracing panel's File ▸ Trace programs…)."""
        return False

    def open_dialog(self) -> None:
        raise NotImplementedError(f"{type(self).__name__} has no set-up dialog")

    def key_widget(self) -> QWidget | None:
        """The rows the lesson is about; a screenshot scrolls them into view."""
        return None

    def scroll_to_key_rows(self) -> None:
        """Scroll (vertically only) so that :meth:`key_widget` is in view, its top first."""
        key = self.key_widget()
        if key is None:
            return
        self.scroll_area.horizontalScrollBar().setValue(0)
        bar = self.scroll_area.verticalScrollBar()
        top = key.mapTo(self.content, QPoint(0, 0)).y()
        bottom = top + key.height()
        view = self.scroll_area.viewport().height()
        if top < bar.value() or key.height() > view:
            bar.setValue(top)
        elif bottom > bar.value() + view:
            bar.setValue(bottom - view)

    # ============================================================ animation
    def can_animate(self) -> bool:
        """True if :meth:`show_trace_until` can draw a recording of this panel's runs."""
        return False

    def show_trace_until(self, trace: Trace, t_ns: int) -> None:
        """Show ``trace`` (a recording: one run or several, oldest first) as it stood at ``t_ns``.

        Called with increasing ``t_ns`` frame after frame (a smaller one starts over): draw
        everything that had happened by then, completely — a replay renders offscreen frame by
        frame, so nothing may be left to later ticks or depend on the machine's speed.
        """
        raise NotImplementedError(f"{type(self).__name__} cannot replay a trace")

    def start_recorded_run(self, preset_id: str | None) -> None:
        """Start recording, then run preset ``preset_id`` (None: the default preset)."""
        self.start_recording()
        if preset_id is None:
            self.run_default_preset()
        else:
            self.load_preset(preset_id, run=True)

    def start_recording(self) -> None:
        """Keep, from now on, every event the bridge delivers (what the panel draws)."""
        self._recording = []

    def stop_recording(self) -> Trace:
        """The events delivered since :meth:`start_recording`, as one trace; recording stops."""
        self.bridge.drain()
        events, self._recording = self._recording or [], None
        return Trace(events)

    def _record(self, batch: list[Event]) -> None:
        if self._recording is not None:
            self._recording.extend(batch)

    # ============================================================ hooks
    def on_events(self, batch: list[Event]) -> None:
        """A batch of events drained from the bridge's recorder (GUI thread)."""

    def on_tick(self) -> None:
        """Called on every tick, after the events of the tick were delivered."""

    def stop_work(self) -> None:
        """Stop whatever runs: hand labs to :meth:`close_off_gui`; called by :meth:`shutdown`."""

    # ============================================================ base services
    def set_scale(self, factor: float) -> None:
        """Presenter zoom (the theme is shared: every panel follows)."""
        self.theme.set_scale(factor)

    def _theme_changed(self) -> None:
        self.apply_theme(self.theme)
        self.error_banner.setStyleSheet(f"color:{self.theme.bad_colour.name()}; font-weight:bold")

    def run_off_gui(
        self,
        fn: Callable[[], Any],
        *,
        what: str,
        done: Callable[[Any], None] | None = None,
        discard: Callable[[Any], None] | None = None,
        failed: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Run ``fn`` on the helper thread; ``done(result)`` follows on the GUI thread.

        After :meth:`forget_pending` the result goes to ``discard`` instead (a lab started for a
        run that was reset: close it).  An exception goes to ``failed``, or to the error banner.
        After :meth:`shutdown` nothing new is started.
        """
        if self._shut_down:
            return
        self._helper.submit(_Job(fn, what, self._generation, done, discard, failed))

    def close_off_gui(
        self, close: Callable[[], object], what: str, *, then: Callable[[], None] | None = None
    ) -> None:
        """Close a lab (or anything that joins threads) on the helper thread; errors are shown.

        ``then()`` follows on the GUI thread once the close has returned (or failed) — never
        skipped by :meth:`forget_pending`.
        """
        done = (lambda _result: then()) if then is not None else None
        self._helper.submit(_Job(close, what, -1, done))
        if self._shut_down:  # nobody will reap it later: wait for it now
            self._helper.wait(HELPER_JOIN_S)
            self._deliver()

    def forget_pending(self) -> None:
        """Results of jobs submitted so far go to their ``discard`` (a reset)."""
        self._generation += 1

    @property
    def helper_busy(self) -> bool:
        """A helper job is queued or running, or its result not yet delivered."""
        return self._helper.busy or not self._helper.results.empty()

    def report_error(self, text: str) -> None:
        """Show an error at the top of the panel (until :meth:`clear_error`)."""
        self.error_banner.setText(text)
        self.error_banner.setStyleSheet(f"color:{self.theme.bad_colour.name()}; font-weight:bold")
        self.error_banner.setVisible(bool(text))

    def clear_error(self) -> None:
        self.report_error("")

    def error_text(self) -> str:
        return self.error_banner.text()

    def _deliver(self) -> None:
        while True:
            try:
                job = self._helper.results.get_nowait()
            except Empty:
                break
            if job.generation not in (-1, self._generation):
                if job.error is None and job.discard is not None:
                    job.discard(job.result)
                continue
            if job.error is not None and job.failed is not None:
                job.failed(job.error)
            elif job.error is not None:
                self.report_error(self.tr("{what} failed: {error}").format(what=job.what, error=job.error))
            if job.done is not None and (job.error is None or job.generation == -1):
                job.done(job.result)
        self._helper.reap()

    def _on_tick(self) -> None:
        self._deliver()
        self.bridge.drain()
        self.on_tick()

    def closeEvent(self, event: QCloseEvent) -> None:
        """A panel shown as a window of its own (an animation export, a test) stops when closed."""
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Stop every run and join every thread; called when the window closes."""
        if self._shut_down:
            return
        self._shut_down = True
        self.tick.stop()
        self.stop_work()
        self.forget_pending()  # a lab still starting is closed by its discard callback
        deadline = time.monotonic() + HELPER_JOIN_S
        while True:
            joined = self._helper.wait(max(0.0, deadline - time.monotonic()))
            self._deliver()  # discard callbacks may queue more closes
            if (joined and not self._helper.busy) or time.monotonic() >= deadline:
                break
        if self._helper.busy:
            message = self.tr("A helper thread did not stop within {s} s.").format(s=int(HELPER_JOIN_S))
            self.report_error(message)
            print(f"netsim-lab: {self.panel_id}: {message}", file=sys.stderr)
        self.bridge.stop()

    @property
    def is_shut_down(self) -> bool:
        return self._shut_down
