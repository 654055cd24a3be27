"""File ▸ Export animation…: ask for the clip, then record, replay and write it with a progress bar.

The export runs on a fresh panel of the current panel's class, in an offscreen host of the
chosen size: the window on screen is left as it is, and the frames do not depend on its size.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QProgressDialog,
    QSpinBox,
    QWidget,
)

from app.panels.base import LessonPanel
from app.shell.animation import (
    DEFAULT_FPS,
    DEFAULT_SECONDS,
    ENCODING,
    RECORDING,
    RENDERING,
    AnimationReport,
    ClipSettings,
    export_animation,
)
from app.shell.theme import Theme

FRAME_SIZES = ((1280, 720), (1920, 1080), (960, 540))


class AnimationDialog(QDialog):
    """Preset, frame rate, length and frame size of the clip."""

    def __init__(self, panel: LessonPanel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Export animation"))
        self.preset = QComboBox()
        self.preset.addItem(self.tr("The panel's default run"), None)
        for preset_id, title in panel.presets():
            self.preset.addItem(title, preset_id)
        self.fps = QSpinBox()
        self.fps.setRange(1, 50)
        self.fps.setValue(DEFAULT_FPS)
        self.fps.setSuffix(self.tr(" frames/s"))
        self.seconds = QDoubleSpinBox()
        self.seconds.setRange(0.5, 120)
        self.seconds.setDecimals(1)
        self.seconds.setValue(DEFAULT_SECONDS)
        self.seconds.setSuffix(self.tr(" s"))
        self.frame_size_box = QComboBox()
        for w, h in FRAME_SIZES:
            self.frame_size_box.addItem(f"{w} × {h}", (w, h))
        self.frames = QLabel()
        note = QLabel(
            self.tr(
                "The preset is run for real and recorded; the recording is then replayed at a fixed "
                "frame rate, so the clip does not depend on this computer's speed. Frames where "
                "nothing changes are merged, and the last one is held."
            )
        )
        note.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(self.tr("Run:"), self.preset)
        form.addRow(self.tr("Frame rate:"), self.fps)
        form.addRow(self.tr("Length:"), self.seconds)
        form.addRow(self.tr("Frame size:"), self.frame_size_box)
        form.addRow("", self.frames)
        form.addRow(note)
        form.addRow(buttons)
        self.fps.valueChanged.connect(self._update_frames)
        self.seconds.valueChanged.connect(self._update_frames)
        self._update_frames()

    def settings(self) -> ClipSettings:
        return ClipSettings(fps=self.fps.value(), seconds=self.seconds.value())

    def preset_id(self) -> str | None:
        data = self.preset.currentData()
        return str(data) if data is not None else None

    def frame_size(self) -> tuple[int, int]:
        w, h = self.frame_size_box.currentData()
        return int(w), int(h)

    def _update_frames(self) -> None:
        try:
            frames = self.settings().frames
        except ValueError as exc:
            self.frames.setText(str(exc))
            return
        self.frames.setText(self.tr("{n} frames before unchanged ones are merged").format(n=frames))


class AnimationProgress(QProgressDialog):
    """The export's progress; Cancel stops it and nothing is written."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Export animation"))
        self.setCancelButtonText(self.tr("Cancel"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumDuration(0)
        self.setAutoClose(False)
        self.setAutoReset(False)
        self.setRange(0, 0)

    def update_stage(self, stage: str, done: int, total: int) -> bool:
        """The export's progress callback: False once Cancel was pressed."""
        texts = {
            RECORDING: self.tr("Recording a real run…"),
            RENDERING: self.tr("Rendering frame {done} of {total}…").format(done=done + 1, total=total),
            ENCODING: self.tr("Writing the GIF…"),
        }
        self.setLabelText(texts.get(stage, stage))
        if total:
            self.setMaximum(total)
            self.setValue(min(done, total))
        QCoreApplication.processEvents()
        return not self.wasCanceled()


def run_export(
    panel_class: type[LessonPanel],
    theme: Theme,
    path: str,
    dialog: AnimationDialog,
    parent: QWidget | None = None,
) -> AnimationReport:
    """Export with a progress dialog (AnimationCancelled if the user cancels)."""
    progress = AnimationProgress(parent)
    progress.show()
    try:
        return export_animation(
            panel_class(theme),
            path,
            size=dialog.frame_size(),
            preset_id=dialog.preset_id(),
            settings=dialog.settings(),
            progress=progress.update_stage,
        )
    finally:
        progress.close()
        progress.deleteLater()
