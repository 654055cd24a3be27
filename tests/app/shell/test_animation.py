"""Animated export: frame count = fps x duration, unchanged frames merged, cancel writes nothing,
size bound on a real run, and each animatable panel replays its own recording."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageSequence
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from app.panels.base import LessonPanel, TraceCursor, split_runs
from app.shell.animation import (
    RENDERING,
    AnimationCancelled,
    AnimationError,
    ClipSettings,
    export_animation,
    frame_times,
    make_panel,
)
from app.shell.theme import Theme
from netsim.core.events import RunFinished, RunStarted, SocketCalled
from netsim.core.trace import Trace

ROOT = Path(__file__).resolve().parents[3]
MS = 1_000_000


def gif_frames(path: Path) -> list[tuple[Image.Image, int]]:
    with Image.open(path) as im:
        return [(f.convert("RGB"), int(f.info["duration"])) for f in ImageSequence.Iterator(im)]


class CountingPanel(LessonPanel):
    """Draws how many events of the trace had happened: a replay with nothing but a label."""

    panel_id = "counting"

    def __init__(self, theme: Theme | None = None) -> None:
        super().__init__(theme)
        self.label = QLabel()
        QVBoxLayout(self.content).addWidget(self.label)
        self.cursor = TraceCursor()
        self.shown = 0
        self.calls: list[int] = []

    def can_animate(self) -> bool:
        return True

    def show_trace_until(self, trace: Trace, t_ns: int) -> None:
        new = self.cursor.advance(trace, t_ns)
        if self.cursor.restarted:
            self.shown = 0
        self.shown += len(new)
        self.calls.append(t_ns)
        self.label.setText("#" * (self.shown * 10))

    def apply_theme(self, theme: Theme) -> None:
        pass

    def stop_work(self) -> None:
        pass


def three_events() -> Trace:
    """Events at 0, 100 and 1000 ms."""
    return Trace(
        [
            RunStarted(t_ns=0, endpoint="lab", config={}),
            SocketCalled(t_ns=100 * MS, endpoint="client", call="connect", result=""),
            RunFinished(t_ns=1000 * MS, endpoint="lab", ok=True, reason=""),
        ]
    )


def test_frame_count_is_fps_times_duration() -> None:
    assert ClipSettings(fps=10, seconds=4).frames == 40
    assert ClipSettings(fps=8, seconds=2.5).frames == 20
    d = ClipSettings(fps=10, seconds=4, hold_s=1.5).durations_ms()
    assert len(d) == 40 and sum(d) == 4000 + 1500
    d = ClipSettings(fps=15, seconds=2, hold_s=0).durations_ms()
    assert len(d) == 30 and sum(d) == 2000  # on GIF's 10 ms grid, without drift
    times = frame_times(three_events(), 11)
    assert times[0] == 0 and times[-1] == 1000 * MS and times[1] == 100 * MS
    with pytest.raises(ValueError):
        ClipSettings(fps=0)
    with pytest.raises(ValueError):
        ClipSettings(fps=50, seconds=100)  # 5000 frames
    with pytest.raises(AnimationError):
        frame_times(Trace(), 10)


def test_unchanged_frames_are_merged_and_the_last_is_held(qtbot: QtBot, tmp_path: Path) -> None:
    panel = CountingPanel()
    out = tmp_path / "clip.gif"
    settings = ClipSettings(fps=10, seconds=1.0, hold_s=1.0, clock=False)
    report = export_animation(panel, out, size=(320, 200), settings=settings, trace=three_events())
    assert report.frames_rendered == 10
    # frame k is at k/9 s: 1 event at frame 0, 2 from frame 1 (111 ms), 3 at frame 9 only
    assert report.frames_written == 3
    frames = gif_frames(out)
    assert len(frames) == 3
    assert [ms for _, ms in frames] == [100, 800, 100 + 1000]
    assert all(f.size == (320, 200) for f, _ in frames)
    assert frames[0][0].tobytes() != frames[1][0].tobytes() != frames[2][0].tobytes()
    with Image.open(out) as im:
        assert im.info.get("loop") == 0
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask  # a file to share, not a private temp file
    assert panel.is_shut_down
    # frames are replayed in time order; the palette samples (first, middle, last) come first
    assert panel.calls[3:] == frame_times(three_events(), 10)


def test_cancel_writes_nothing(qtbot: QtBot, tmp_path: Path) -> None:
    out = tmp_path / "clip.gif"
    seen: list[tuple[str, int]] = []

    def progress(stage: str, done: int, total: int) -> bool:
        seen.append((stage, done))
        return done < 3

    with pytest.raises(AnimationCancelled):
        export_animation(
            CountingPanel(),
            out,
            size=(200, 200),
            settings=ClipSettings(fps=10, seconds=1),
            trace=three_events(),
            progress=progress,
        )
    assert seen[-1] == (RENDERING, 3)
    assert list(tmp_path.iterdir()) == []  # no GIF, no temporary file


def test_mp4_without_pyav_says_how_to_get_it(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "av", None)  # as if the 'video' extra were not installed
    with pytest.raises(AnimationError, match=r"netsim-lab\[video\]"):
        export_animation(CountingPanel(), tmp_path / "x.mp4", size=(200, 200), trace=three_events())
    assert list(tmp_path.iterdir()) == []


def test_mp4_with_pyav(qtbot: QtBot, tmp_path: Path) -> None:
    av = pytest.importorskip("av")  # the optional 'video' extra
    out = tmp_path / "clip.mp4"
    settings = ClipSettings(fps=10, seconds=1.0, hold_s=0.5)
    report = export_animation(CountingPanel(), out, size=(321, 200), settings=settings, trace=three_events())
    assert report.frames_written == 10 + 5  # a constant frame rate: nothing merged, the hold repeated
    with av.open(str(out)) as container:
        stream = container.streams.video[0]
        assert (stream.width, stream.height) == (320, 200)  # even, for yuv420p
        assert sum(1 for _ in container.decode(video=0)) == 15


def test_only_gif_or_mp4_and_only_panels_that_replay(qtbot: QtBot, tmp_path: Path) -> None:
    with pytest.raises(AnimationError, match="gif"):
        export_animation(CountingPanel(), tmp_path / "x.webm", size=(200, 200), trace=three_events())

    class Still(CountingPanel):
        def can_animate(self) -> bool:
            return False

    with pytest.raises(AnimationError, match="cannot replay"):
        export_animation(Still(), tmp_path / "x.gif", size=(200, 200), trace=three_events())


def test_trace_cursor_and_runs() -> None:
    trace = three_events()
    cursor = TraceCursor()
    assert len(cursor.advance(trace, 50 * MS)) == 1 and cursor.restarted
    assert len(cursor.advance(trace, 2000 * MS)) == 2 and not cursor.restarted
    assert len(cursor.advance(trace, 100 * MS)) == 2 and cursor.restarted  # back in time: again
    events = [*trace.events, *three_events().events]
    assert [len(r) for r in split_runs(events)] == [3, 3]


@pytest.mark.parametrize(
    ("panel_id", "preset", "fps", "seconds"),
    [("sticky", "hello-world", 5, 4.0), ("hmac", "good", 4, 3.0), ("handshake", "normal", 3, 3.0)],
)
def test_a_real_run_replays(
    qtbot: QtBot, tmp_path: Path, panel_id: str, preset: str, fps: int, seconds: float
) -> None:
    out = tmp_path / f"{panel_id}.gif"
    report = export_animation(
        make_panel(panel_id, Theme()),
        out,
        size=(1280, 720),
        preset_id=preset,
        settings=ClipSettings(fps=fps, seconds=seconds),
    )
    assert report.frames_rendered == fps * seconds
    frames = gif_frames(out)
    assert 2 <= len(frames) == report.frames_written <= report.frames_rendered
    assert out.stat().st_size <= 3 * 1024 * 1024
    first, last = frames[0][0], frames[-1][0]
    assert first.size == (1280, 720)
    assert first.tobytes() != last.tobytes()  # the run moved on between the first and last frame


def test_the_acceptance_command(tmp_path: Path) -> None:
    """``netsim-lab --animate out.gif --panel sticky --preset hello-world --window-size 1280x720``."""
    out = tmp_path / "out.gif"
    cmd = [sys.executable, "-m", "app.main", "--animate", str(out), "--panel", "sticky"]
    cmd += ["--preset", "hello-world", "--window-size", "1280x720", "--lang", "en"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert "40 frames rendered" in done.stdout  # 10 fps x 4 s
    assert out.stat().st_size <= 3 * 1024 * 1024
    with Image.open(out) as im:
        # the clock strip moves in every frame: all 40 are in the file (issue: >= 20 frames)
        assert im.size == (1280, 720) and im.n_frames == 40


def test_cli_refuses_what_it_cannot_do(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from app.main import main

    out = str(tmp_path / "x.gif")
    for extra, message in (
        ([], "needs --panel"),
        (["--panel", "nope"], "no panel 'nope'"),
        (["--panel", "sticky", "--fps", "0"], "fps must be"),
        (["--panel", "sticky", "--seconds", "500"], "seconds must be"),
    ):
        assert main(["--animate", out, *extra]) == 2  # refused before Qt starts
        assert message in capsys.readouterr().err, extra
    done = subprocess.run(
        [sys.executable, "-m", "app.main", "--animate", out, "--panel", "addresses", "--lang", "en"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert done.returncode == 2 and "cannot replay" in done.stderr, done.stderr
    assert not (tmp_path / "x.gif").exists()


def test_host_is_not_a_window_on_screen(qtbot: QtBot) -> None:
    from app.shell.animation import OffscreenHost

    panel = CountingPanel()
    host = OffscreenHost(panel, (300, 200))
    try:
        assert isinstance(host, QWidget) and host.size().width() == 300
        assert host.frame().width() == 300
    finally:
        panel.shutdown()
        host.deleteLater()


def test_handshake_and_hmac_presets(qtbot: QtBot) -> None:
    """Their scenarios are presets too (the Presets menu, --preset): the ids the CLI knows."""
    from netsim.lessons.handshake.lab import SCENARIOS

    theme = Theme()
    handshake, hmac = make_panel("handshake", theme), make_panel("hmac", theme)
    try:
        assert [p for p, _ in handshake.presets()] == list(SCENARIOS)
        assert dict(handshake.presets())["normal"] == "Normal open, client closes first"
        assert {"good", "wrong-key", "replay", "reflection", "downgrade", "multi"} == set(
            dict(hmac.presets())
        )
        assert all(title for _, title in hmac.presets())
        for panel in (handshake, hmac):
            with pytest.raises(KeyError):
                panel.load_preset("no-such-preset", run=False)
            assert panel.can_animate()
    finally:
        handshake.shutdown()
        hmac.shutdown()
