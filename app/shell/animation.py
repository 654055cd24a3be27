"""Animated export: record a panel's run, replay it from the trace frame by frame, write a GIF.

1. **Record**: a real run of the preset, every event the panel's bridge delivers kept as one
   trace (:meth:`~app.panels.base.LessonPanel.start_recorded_run`).
2. **Replay**: ``fps × seconds`` frames; frame *k* shows the events with
   ``t ≤ start + span · k / (frames − 1)`` (the run's span stretched or squeezed onto the clip,
   so the first frame is the start and the last one the whole run), drawn by the panel's
   :meth:`~app.panels.base.LessonPanel.show_trace_until` and grabbed offscreen.  Nothing here
   reads a clock: the same trace gives the same frames on any machine, however slow.
3. **Encode** (Pillow): one palette for the clip (quantized once, from the first, middle and
   last frames), applied to every frame without dithering; a frame identical to the one before
   it is merged into it (its duration added); the last frame is held a little longer.  Or, with
   the optional PyAV (``pip install 'netsim-lab[video]'``, a 35 MB wheel with its own FFmpeg),
   H.264 in an ``.mp4`` at the same fixed frame rate.

The GUI (File ▸ Export animation…) and ``netsim-lab --animate`` both call :func:`export_animation`.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import secrets
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image
from PySide6.QtCore import QCoreApplication, QEventLoop, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter
from PySide6.QtWidgets import QVBoxLayout, QWidget

from app.panels.base import LessonPanel
from app.shell.theme import Theme
from netsim.core.trace import Trace

DEFAULT_FPS = 10
DEFAULT_SECONDS = 4.0
HOLD_S = 1.5
MAX_FRAMES = 1200  # 20 fps x 60 s: more is a film, not a slide
RECORD_TIMEOUT_S = 60.0
PALETTE_COLOURS = 255

# Progress stages (the GUI translates them).
RECORDING, RENDERING, ENCODING = "record", "render", "encode"

Progress = Callable[[str, int, int], bool]  # (stage, done, total) -> go on?


class AnimationCancelled(Exception):
    """The user cancelled the export; nothing was written."""


class AnimationError(RuntimeError):
    """The run could not be recorded or replayed (the message says why)."""


@dataclass(frozen=True, slots=True)
class ClipSettings:
    fps: int = DEFAULT_FPS
    seconds: float = DEFAULT_SECONDS
    hold_s: float = HOLD_S
    # A clock strip under each frame (the run's time, and a bar): students see how long the
    # pauses really were, and every frame of the clip is its own.  Off, unchanged frames merge.
    clock: bool = True

    def __post_init__(self) -> None:
        if not 1 <= self.fps <= 50:
            raise ValueError(f"fps must be 1 to 50, not {self.fps}")
        if not 0.5 <= self.seconds <= 120:
            raise ValueError(f"seconds must be 0.5 to 120, not {self.seconds}")
        if not 0 <= self.hold_s <= 30:
            raise ValueError(f"the final hold must be 0 to 30 s, not {self.hold_s}")
        if self.frames > MAX_FRAMES:
            raise ValueError(
                f"{self.fps} fps x {self.seconds} s is {self.frames} frames; at most {MAX_FRAMES}"
            )

    @property
    def frames(self) -> int:
        """fps x duration (at least two: the start and the end)."""
        return max(2, round(self.fps * self.seconds))

    def durations_ms(self) -> list[int]:
        """Each frame's display time in ms, on GIF's 10 ms grid, summing to the clip length + hold."""
        edges = [round(k * 100 / self.fps) * 10 for k in range(self.frames + 1)]
        out = [max(10, b - a) for a, b in itertools.pairwise(edges)]
        out[-1] += round(self.hold_s * 100) * 10
        return out


@dataclass(frozen=True, slots=True)
class AnimationReport:
    path: Path
    frames_rendered: int  # before deduplication: fps x duration
    frames_written: int
    size: tuple[int, int]
    bytes_written: int
    events: int
    run_span_s: float
    record_s: float
    render_s: float
    encode_s: float

    @property
    def total_s(self) -> float:
        return self.record_s + self.render_s + self.encode_s

    def summary(self) -> str:
        if self.path.suffix.lower() == ".mp4":
            written = f"{self.frames_written} encoded (the last one repeated for the hold)"
        else:
            merged = self.frames_rendered - self.frames_written
            written = f"{self.frames_written} written ({merged} unchanged merged)"
        return (
            f"{self.path}: {self.frames_rendered} frames rendered, {written}, {self.size[0]}x{self.size[1]}, "
            f"{self.bytes_written / 1024:.0f} KiB; run of {self.events} events over {self.run_span_s:.3f} s; "
            f"recorded {self.record_s:.1f} s, rendered {self.render_s:.1f} s, encoded {self.encode_s:.1f} s, "
            f"total {self.total_s:.1f} s"
        )


def frame_times(trace: Trace, frames: int) -> list[int]:
    """``t_ns`` of each frame: the run's span spread evenly from its first to its last event."""
    if not trace.events:
        raise AnimationError("the run recorded no events")
    if frames < 2:
        raise ValueError("an animation has at least two frames")
    start = min(ev.t_ns for ev in trace.events)
    end = max(ev.t_ns for ev in trace.events)
    return [start + (end - start) * k // (frames - 1) for k in range(frames)]


def _settle() -> None:
    """Deliver posted events (layout requests, deferred updates) without waiting for anything."""
    QCoreApplication.sendPostedEvents()
    QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)


def to_pil(image: QImage) -> Image.Image:
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    size = (rgb.width(), rgb.height())
    data = bytes(rgb.constBits())
    return Image.frombytes("RGB", size, data, "raw", "RGB", rgb.bytesPerLine())


class OffscreenHost(QWidget):
    """A top-level widget of exactly ``size`` that holds one panel and is never put on screen."""

    def __init__(self, panel: LessonPanel, size: tuple[int, int]) -> None:
        super().__init__()
        self.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
        self.panel = panel
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(panel)
        self.setFixedSize(*size)
        self.show()
        _settle()

    def frame(self) -> QImage:
        _settle()
        return self.grab().toImage()


def record_run(
    panel: LessonPanel,
    preset_id: str | None,
    *,
    timeout_s: float = RECORD_TIMEOUT_S,
    progress: Progress | None = None,
) -> Trace:
    """Run the preset for real and return what the panel was given, as one trace."""
    panel.start_recorded_run(preset_id)
    deadline = time.monotonic() + timeout_s
    polls = 0
    try:
        while True:
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
            polls += 1
            if progress is not None and not progress(RECORDING, 0, 0):
                raise AnimationCancelled
            if polls > 2 and panel.is_idle():
                break
            if time.monotonic() > deadline:
                raise AnimationError(f"the run did not finish within {timeout_s:.0f} s")
            time.sleep(0.01)
        for _ in range(3):  # the last batches, delivered by the panel's tick
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 30)
            time.sleep(0.03)
    finally:
        trace = panel.stop_recording()
    if panel.error_text():
        raise AnimationError(panel.error_text())
    return trace


CLOCK_BAR_PX = 6


def draw_clock(image: QImage, elapsed_ns: int, span_ns: int) -> None:
    """A bar along the bottom edge filled to ``elapsed/span`` and the run's time beside it."""
    painter = QPainter(image)
    try:
        w, h = image.width(), image.height()
        bar = QColor("#0072B2")  # Okabe-Ito blue: readable in every palette, on light and dark
        painter.fillRect(0, h - CLOCK_BAR_PX, w, CLOCK_BAR_PX, QColor("#DDDDDD"))
        filled = w if span_ns <= 0 else round(w * elapsed_ns / span_ns)
        painter.fillRect(0, h - CLOCK_BAR_PX, filled, CLOCK_BAR_PX, bar)
        font = QFont(painter.font())
        font.setPixelSize(max(12, h // 40))
        font.setBold(True)
        painter.setFont(font)
        text = f"t = {elapsed_ns / 1e6:.1f} ms / {span_ns / 1e6:.1f} ms"
        metrics = painter.fontMetrics()
        box_w, box_h = metrics.horizontalAdvance(text) + 12, metrics.height() + 4
        x, y = w - box_w - 4, h - CLOCK_BAR_PX - box_h - 2
        painter.fillRect(x, y, box_w, box_h, QColor(255, 255, 255, 230))
        painter.setPen(bar)
        painter.drawText(x + 6, y + 2 + metrics.ascent(), text)
    finally:
        painter.end()


def render_frames(
    host: OffscreenHost, trace: Trace, times: list[int], *, clock: bool = False
) -> Iterator[Image.Image]:
    start, end = (times[0], times[-1]) if times else (0, 0)
    for t_ns in times:
        host.panel.show_trace_until(trace, t_ns)
        _settle()  # the layout follows what was shown (a "Before" ribbon appears)...
        host.panel.scroll_to_key_rows()  # ...then the rows the lesson is about come into view
        image = host.frame()
        if clock:
            draw_clock(image, t_ns - start, end - start)
        yield to_pil(image)


def clip_palette(samples: list[Image.Image]) -> Image.Image:
    """One palette for the whole clip, from a few of its frames stacked into one image."""
    width = max(im.width for im in samples)
    sheet = Image.new("RGB", (width, sum(im.height for im in samples)), "white")
    y = 0
    for im in samples:
        sheet.paste(im, (0, y))
        y += im.height
    return sheet.quantize(colors=PALETTE_COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)


def mp4_available() -> bool:
    """PyAV is installed (``pip install 'netsim-lab[video]'``): ``.mp4`` can be written too."""
    import importlib.util

    return importlib.util.find_spec("av") is not None


class Mp4Encoder:
    """H.264 in MP4 through PyAV (the optional ``video`` extra: ``pip install 'netsim-lab[video]'``).

    A video has a constant frame rate, so nothing is merged: the encoder itself spends almost
    nothing on a frame that did not change.  The final hold is the last frame repeated.
    """

    def __init__(self, path: str, fps: int) -> None:
        try:
            import av
        except ImportError as exc:
            raise AnimationError(
                "MP4 needs PyAV, the optional 'video' extra: pip install 'netsim-lab[video]'"
            ) from exc
        self._av: Any = av  # typed or not, depending on the installed version
        self._container = av.open(path, mode="w")
        self._fps = fps
        self._stream: Any = None
        self.frames = 0

    def add(self, image: Image.Image) -> None:
        if self._stream is None:
            stream = self._container.add_stream("libx264", rate=self._fps)
            stream.width = image.width - image.width % 2  # yuv420p wants even sizes
            stream.height = image.height - image.height % 2
            stream.pix_fmt = "yuv420p"
            stream.options = {"crf": "23", "preset": "veryfast"}
            self._stream = stream
        width, height = self._stream.width, self._stream.height
        if image.size != (width, height):
            image = image.crop((0, 0, width, height))
        frame = self._av.VideoFrame.from_image(image)
        for packet in self._stream.encode(frame):
            self._container.mux(packet)
        self.frames += 1

    def close(self, *, complete: bool) -> None:
        try:
            if complete and self._stream is not None:
                for packet in self._stream.encode(None):  # flush
                    self._container.mux(packet)
        finally:
            self._container.close()


def export_animation(
    panel: LessonPanel,
    path: str | Path,
    *,
    size: tuple[int, int],
    preset_id: str | None = None,
    settings: ClipSettings | None = None,
    progress: Progress | None = None,
    trace: Trace | None = None,
) -> AnimationReport:
    """Record (unless ``trace`` is given), replay and write ``path``; see the module docstring.

    ``path`` ends in ``.gif`` (always available) or ``.mp4`` (with PyAV installed).  ``panel``
    is a fresh panel that nobody else shows: it is put in an offscreen host of exactly ``size``
    and shut down at the end.  ``progress`` returning False cancels: nothing is written.
    """
    settings = settings or ClipSettings()
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".gif", ".mp4"):
        raise AnimationError(f"{path.name}: an animation is written as .gif (or .mp4 with PyAV)")
    if not panel.can_animate():
        raise AnimationError(f"the {panel.panel_id} panel cannot replay a run frame by frame")
    host = OffscreenHost(panel, size)
    tmp: str | None = None
    video: Mp4Encoder | None = None
    try:
        t0 = time.monotonic()
        if trace is None:
            trace = record_run(panel, preset_id, progress=progress)
        times = frame_times(trace, settings.frames)
        t1 = time.monotonic()

        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = str(path.parent / f".{path.stem}-{secrets.token_hex(4)}{suffix}")
        with open(tmp, "xb"):  # created with the umask's permissions (mkstemp's are 0600)
            pass
        total = settings.frames
        frames: list[Image.Image] = []
        durations: list[int] = []
        if suffix == ".mp4":
            video = Mp4Encoder(tmp, settings.fps)
            palette = None
        else:
            first_mid_last = [times[0], times[total // 2], times[-1]]
            palette = clip_palette(list(render_frames(host, trace, first_mid_last, clock=settings.clock)))
        previous: bytes | None = None
        last: Image.Image | None = None
        for k, (image, ms) in enumerate(
            zip(render_frames(host, trace, times, clock=settings.clock), settings.durations_ms(), strict=True)
        ):
            if progress is not None and not progress(RENDERING, k, total):
                raise AnimationCancelled
            if video is not None:
                video.add(image)
                last = image
                continue
            assert palette is not None
            indexed = image.quantize(palette=palette, dither=Image.Dither.NONE)
            data = indexed.tobytes()
            if data == previous:  # nothing moved: the frame before stays up longer
                durations[-1] += ms
                continue
            previous = data
            frames.append(indexed)
            durations.append(ms)
        t2 = time.monotonic()

        if progress is not None and not progress(ENCODING, total, total):
            raise AnimationCancelled
        if video is not None:
            assert last is not None
            for _ in range(round(settings.hold_s * settings.fps)):
                video.add(last)
            video.close(complete=True)
            written, frame_size = video.frames, last.size
            video = None
        else:
            frames[0].save(
                tmp,
                format="GIF",
                save_all=True,
                append_images=frames[1:],
                duration=durations,
                loop=0,
                disposal=1,
                optimize=False,
            )
            written, frame_size = len(frames), frames[0].size
        os.replace(tmp, path)
        tmp = None
        t3 = time.monotonic()
        span_ns = max(ev.t_ns for ev in trace.events) - min(ev.t_ns for ev in trace.events)
        return AnimationReport(
            path=path,
            frames_rendered=total,
            frames_written=written,
            size=frame_size,
            bytes_written=path.stat().st_size,
            events=len(trace.events),
            run_span_s=span_ns / 1e9,
            record_s=t1 - t0,
            render_s=t2 - t1,
            encode_s=t3 - t2,
        )
    finally:
        if video is not None:
            with contextlib.suppress(Exception):
                video.close(complete=False)
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        panel.shutdown()
        host.hide()
        host.deleteLater()


def panel_classes() -> dict[str, type[LessonPanel]]:
    """Every panel class of the registry, by panel id, in the panel list's order."""
    import importlib

    from app.panels import PANELS

    out: dict[str, type[LessonPanel]] = {}
    for entry in PANELS:
        module_name, _, class_name = entry.partition(":")
        cls = getattr(importlib.import_module(module_name), class_name)
        if isinstance(cls, type) and issubclass(cls, LessonPanel):
            out[cls.panel_id] = cls
    return out


def make_panel(panel_id: str, theme: Theme) -> LessonPanel:
    """A new panel of the registry's class with ``panel_id`` (KeyError if there is none)."""
    return panel_classes()[panel_id](theme)
