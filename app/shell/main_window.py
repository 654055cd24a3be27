"""The main window: panel list, menus, presenter controls, language switch."""

from __future__ import annotations

import importlib
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QSettings, QSize, Qt
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QApplication,
    QComboBox,
    QFileDialog,
    QLabel,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QTabBar,
    QWidget,
)

import netsim
from app.panels import PANELS
from app.panels.base import LessonPanel
from app.shell.desktop import app_icon
from app.shell.i18n import LANGUAGES, Translations
from app.shell.theme import Theme

SCALE_MIN, SCALE_MAX, SCALE_STEP = 0.6, 3.0, 1.15
DEFAULT_SIZE = QSize(1440, 900)
PANEL_LIST_WIDTH = 200


def load_panels(theme: Theme) -> list[LessonPanel]:
    panels: list[LessonPanel] = []
    for entry in PANELS:
        module_name, _, class_name = entry.partition(":")
        cls = getattr(importlib.import_module(module_name), class_name)
        if not (isinstance(cls, type) and issubclass(cls, LessonPanel)):
            raise TypeError(f"{entry} is not a LessonPanel")
        panels.append(cls(theme))
    return panels


class SpaceSteps(QObject):
    """Keeps a focused button, check box, list, combo box or slider from taking Space: it steps.

    Space is a shortcut of the Step action, but such a widget would use the key itself (a button
    clicked a moment ago would be clicked again).  This filter, installed on those widgets only,
    claims Space for them (so the shortcut does not fire twice) and steps the current panel
    instead.  Text fields are not filtered and keep their Space.
    """

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            return False
        if not isinstance(event, QKeyEvent) or event.key() != Qt.Key.Key_Space:
            return False
        if event.modifiers() != Qt.KeyboardModifier.NoModifier:
            return False
        if isinstance(watched, QComboBox) and watched.isEditable():
            return False
        if kind == QEvent.Type.ShortcutOverride:
            event.accept()  # delivered as a key press (below), not as the shortcut as well
        elif kind == QEvent.Type.KeyPress:
            self._window.panel_command("step")
        return True  # the widget itself never sees this Space


SPACE_TAKERS = (QAbstractButton, QAbstractItemView, QComboBox, QAbstractSlider, QTabBar)


class MainWindow(QMainWindow):
    def __init__(
        self, translations: Translations, settings: QSettings | None = None, *, defer_panels: bool = False
    ) -> None:
        """``defer_panels``: build the window first and the panels in ``install_panels()``.

        ``netsim-lab`` shows the window, then loads the panels (pyqtgraph alone takes half a
        second to import), so the window is on screen at once with "Loading…" in it.
        """
        super().__init__()
        self.translations = translations
        self.settings = settings if settings is not None else QSettings("NetSim Lab", "netsim-lab")
        self.theme = Theme(self)
        self.setWindowIcon(app_icon())
        self.space_steps = SpaceSteps(self)
        self.panels: list[LessonPanel] = []
        self.panel_list = QListWidget()
        self.panel_list.setObjectName("panelList")
        self.stack = QStackedWidget()
        self.loading = QLabel()
        self.loading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack.addWidget(self.loading)
        self.panel_list.currentRowChanged.connect(self._show_panel)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.panel_list)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([PANEL_LIST_WIDTH, 1300])
        self.panel_list.setWordWrap(True)
        self.panel_list.setMinimumWidth(PANEL_LIST_WIDTH // 2)
        self.stack.setMinimumSize(1, 1)
        self.setCentralWidget(self.splitter)
        self._build_actions()
        self._build_menus()
        self.theme.changed.connect(self._theme_changed)
        self._restore_preferences()
        self.retranslate()
        self.resize(self.fitting_size(DEFAULT_SIZE))
        if not defer_panels:
            self.install_panels()

    def install_panels(self) -> None:
        """Build every panel of ``PANELS`` and put it in the list and the stack."""
        if self.panels:
            return
        self.panels = load_panels(self.theme)
        for panel in self.panels:
            self.stack.addWidget(panel)
            self.panel_list.addItem("")
        self.stack.removeWidget(self.loading)
        self.panel_list.setCurrentRow(0)
        self.retranslate()
        for widget in self.findChildren(QWidget):
            if isinstance(widget, SPACE_TAKERS):
                widget.installEventFilter(self.space_steps)

    def fitting_size(self, wanted: QSize) -> QSize:
        """``wanted``, cut to the screen's available geometry (the window never opens larger)."""
        room = self.screen().availableGeometry().size()
        frame = self.frameGeometry().size() - self.geometry().size()  # title bar and borders
        return QSize(
            max(320, min(wanted.width(), room.width() - frame.width())),
            max(240, min(wanted.height(), room.height() - frame.height())),
        )

    # ------------------------------------------------------------ building
    def _action(
        self,
        slot: Callable[[], object],
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        checkable: bool = False,
    ) -> QAction:
        act = QAction(self)
        if shortcut is not None:
            act.setShortcut(QKeySequence(shortcut))
        act.setCheckable(checkable)
        act.triggered.connect(lambda _checked=False: slot())
        self.addAction(act)  # shortcuts work in full screen, where the menu bar may be hidden
        return act

    def _build_actions(self) -> None:
        self.act_open = self._action(self.open_trace, QKeySequence.StandardKey.Open)
        self.act_trace_programs = self._action(self.trace_programs, "Ctrl+T")
        self.act_export_png = self._action(self.export_png, "Ctrl+Shift+P")
        self.act_export_trace = self._action(self.export_trace, QKeySequence.StandardKey.Save)
        self.act_export_animation = self._action(self.export_animation, "Ctrl+Shift+A")
        self.act_quit = self._action(self.close, QKeySequence.StandardKey.Quit)
        # The run keys are window shortcuts, so they reach the current panel whatever has focus.
        # A text field keeps its Space (it claims typed characters first: Qt's ShortcutOverride);
        # buttons, lists and the like would claim it too, and SpaceSteps refuses them that.
        self.act_run = self._action(lambda: self.panel_command("run"), "F5")
        self.act_step = self._action(lambda: self.panel_command("step"), "F10")
        self.act_step.setShortcuts([QKeySequence("F10"), QKeySequence(Qt.Key.Key_Space)])
        self.act_pause = self._action(lambda: self.panel_command("pause"), "F6")
        self.act_reset = self._action(lambda: self.panel_command("reset"), "Ctrl+R")
        self.act_zoom_in = self._action(lambda: self.set_scale(self.theme.scale * SCALE_STEP), "Ctrl+=")
        self.act_zoom_in_plus = self._action(lambda: self.set_scale(self.theme.scale * SCALE_STEP), "Ctrl++")
        self.act_zoom_out = self._action(lambda: self.set_scale(self.theme.scale / SCALE_STEP), "Ctrl+-")
        self.act_zoom_reset = self._action(lambda: self.set_scale(1.0), "Ctrl+0")
        self.act_fullscreen = self._action(self.toggle_full_screen, "F11", checkable=True)
        self.act_panel_list = self._action(self.toggle_panel_list, "Ctrl+L", checkable=True)
        self.act_panel_list.setChecked(True)
        self.act_contrast = self._action(
            lambda: self._toggle_contrast(self.act_contrast.isChecked()), None, True
        )
        self.act_cb_palette = self._action(
            lambda: self._toggle_palette(self.act_cb_palette.isChecked()), None, True
        )
        self.act_about = self._action(self.about)
        self.lang_group = QActionGroup(self)
        self.lang_actions: dict[str, QAction] = {}
        for code, name in LANGUAGES.items():
            act = QAction(name, self, checkable=True)
            act.triggered.connect(lambda _=False, c=code: self.set_language(c))
            self.lang_group.addAction(act)
            self.lang_actions[code] = act

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.menu_file = bar.addMenu("")
        for act in (
            self.act_open,
            self.act_trace_programs,
            self.act_export_trace,
            self.act_export_png,
            self.act_export_animation,
        ):
            self.menu_file.addAction(act)
        self.menu_file.addSeparator()
        self.menu_file.addAction(self.act_quit)
        self.menu_run = bar.addMenu("")
        for act in (self.act_run, self.act_step, self.act_pause, self.act_reset):
            self.menu_run.addAction(act)
        self.menu_presets = bar.addMenu("")
        self.menu_presets.aboutToShow.connect(self._fill_presets)
        self.menu_view = bar.addMenu("")
        for act in (self.act_zoom_in, self.act_zoom_out, self.act_zoom_reset):
            self.menu_view.addAction(act)
        self.menu_view.addSeparator()
        for act in (self.act_panel_list, self.act_fullscreen, self.act_contrast, self.act_cb_palette):
            self.menu_view.addAction(act)
        self.menu_language = self.menu_view.addMenu("")
        for act in self.lang_actions.values():
            self.menu_language.addAction(act)
        self.menu_help = bar.addMenu("")
        self.menu_help.addAction(self.act_about)

    def _fill_presets(self) -> None:
        self.menu_presets.clear()
        panel = self.current_panel()
        presets = panel.presets() if panel is not None else []
        if panel is None or not presets:
            act = self.menu_presets.addAction(self.tr("(this panel has no presets)"))
            act.setEnabled(False)
            return
        for preset_id, title in presets:
            act = self.menu_presets.addAction(title)
            act.triggered.connect(lambda _=False, p=preset_id, w=panel: w.load_preset(p, run=True))

    # --------------------------------------------------------- preferences
    def _restore_preferences(self) -> None:
        s = self.settings
        self.theme.set_high_contrast(bool(s.value("view/high_contrast", False, type=bool)))
        self.theme.set_colour_blind_safe(bool(s.value("view/colour_blind_safe", True, type=bool)))
        self.act_contrast.setChecked(self.theme.high_contrast)
        self.act_cb_palette.setChecked(self.theme.colour_blind_safe)
        scale = s.value("view/scale", 1.0, type=float)
        self.set_scale(float(scale) if isinstance(scale, int | float) else 1.0, save=False)
        self._theme_changed()
        self.lang_actions.get(self.translations.language, self.lang_actions["en"]).setChecked(True)

    def set_scale(self, factor: float, save: bool = True) -> None:
        """Presenter zoom: text and drawings grow inside the window; the panels scroll."""
        factor = max(SCALE_MIN, min(SCALE_MAX, float(factor)))
        self.theme.set_scale(factor)  # -> changed -> every panel's apply_theme
        if save:
            self.settings.setValue("view/scale", factor)

    def _theme_changed(self) -> None:
        app = QApplication.instance()
        if isinstance(app, QApplication):
            self.theme.apply(app)
        self.panel_list.setFont(self.theme.font(1.2))
        self._status()

    def current_scale(self) -> float:
        return self.theme.scale

    def _toggle_contrast(self, on: bool) -> None:
        self.settings.setValue("view/high_contrast", on)
        self.theme.set_high_contrast(on)

    def _toggle_palette(self, on: bool) -> None:
        self.settings.setValue("view/colour_blind_safe", on)
        self.theme.set_colour_blind_safe(on)

    def toggle_panel_list(self) -> None:
        """Ctrl+L: hide the panel list to give the lesson the whole width (and show it again)."""
        hide = not self.panel_list.isHidden()
        self.panel_list.setHidden(hide)
        self.act_panel_list.setChecked(not hide)

    def toggle_full_screen(self) -> None:
        if self.isFullScreen():
            self.showNormal()
        else:
            self.showFullScreen()
        self.act_fullscreen.setChecked(self.isFullScreen())

    def set_language(self, lang: str) -> None:
        """Install ``lang`` and retranslate everything once (panels ignore LanguageChange)."""
        self.translations.install(lang)
        self.settings.setValue("view/language", lang)
        self.lang_actions[self.translations.language].setChecked(True)
        self.retranslate()

    # --------------------------------------------------------------- panels
    def current_panel(self) -> LessonPanel | None:
        if not self.panels:
            return None
        return self.panels[self.panel_list.currentRow()] if self.panel_list.currentRow() >= 0 else None

    def _show_panel(self, row: int) -> None:
        if 0 <= row < len(self.panels):
            self.stack.setCurrentWidget(self.panels[row])
            self._status()

    def panel_command(self, name: str) -> None:
        """run, step, pause or reset on the current panel (the run keys and the Run menu)."""
        panel = self.current_panel()
        if panel is None:
            return
        commands: dict[str, Callable[[], None]] = {
            "run": panel.run,
            "step": panel.step,
            "pause": panel.pause,
            "reset": panel.reset,
        }
        commands[name]()

    def _status(self) -> None:
        panel = self.current_panel()
        if panel is None:
            return
        self.statusBar().showMessage(
            self.tr("{panel} · zoom {zoom:.0%} · F5 run · Space step · F6 pause · Ctrl+R reset").format(
                panel=panel.title(), zoom=self.theme.scale
            )
        )

    def open_trace(self) -> None:
        panel = self.current_panel()
        if panel is None or not panel.can_open_trace():
            self.statusBar().showMessage(self.tr("This panel cannot open traces."), 5000)
            return
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Open a trace"), "", self.tr("NetSim traces (*.jsonl);;All files (*)")
        )
        if path:
            panel.open_trace(path)

    def trace_programs(self) -> None:
        """File ▸ Trace programs…: the traced-programs panel, and its dialog."""
        for row, panel in enumerate(self.panels):
            if panel.panel_id == "tracing" and panel.can_open_dialog():
                self.panel_list.setCurrentRow(row)
                panel.open_dialog()
                return

    def export_trace(self) -> None:
        panel = self.current_panel()
        if panel is None or not panel.can_export_trace():
            self.statusBar().showMessage(self.tr("This panel has no trace to export."), 5000)
            return
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export the run as a trace"), "run.jsonl", self.tr("NetSim traces (*.jsonl)")
        )
        if path:
            panel.export_trace(path)

    def export_png(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export the view as PNG"), "netsim.png", self.tr("PNG images (*.png)")
        )
        if path:
            (self.current_panel() or self.stack).grab().save(path, "PNG")

    def export_animation(self) -> None:
        """Record a run of the current panel, replay it frame by frame offscreen, write a GIF."""
        from app.shell.animation import AnimationCancelled, AnimationError, mp4_available
        from app.shell.animation_dialog import AnimationDialog, run_export

        panel = self.current_panel()
        if panel is None or not panel.can_animate():
            self.statusBar().showMessage(self.tr("This panel cannot export an animation."), 5000)
            return
        dialog = AnimationDialog(panel, self)
        if dialog.exec() != AnimationDialog.DialogCode.Accepted:
            return
        filters = self.tr("GIF animations (*.gif)")
        if mp4_available():
            filters += ";;" + self.tr("MP4 videos (*.mp4)")
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export the run as an animation"), f"{panel.panel_id}.gif", filters
        )
        if not path:
            return
        if not path.lower().endswith((".gif", ".mp4")):
            path += ".gif"
        try:
            report = run_export(type(panel), self.theme, path, dialog, self)
        except AnimationCancelled:
            self.statusBar().showMessage(self.tr("Export cancelled; nothing was written."), 8000)
        except (AnimationError, OSError, ValueError) as exc:
            QMessageBox.warning(self, self.tr("Export animation"), str(exc))
        else:
            self.statusBar().showMessage(
                self.tr("{path}: {frames} frames ({written} after merging unchanged ones), {kib} KiB").format(
                    path=report.path,
                    frames=report.frames_rendered,
                    written=report.frames_written,
                    kib=round(report.bytes_written / 1024),
                ),
                10000,
            )

    def about(self) -> None:
        QMessageBox.about(
            self,
            self.tr("About NetSim Lab"),
            self.tr(
                "<h3>NetSim Lab {version}</h3><p>Real TCP and UDP sockets on loopback, drawn live: "
                "sticky packets and half packets, framing, the TCP handshake, HMAC "
                "challenge-response.</p><p>Every panel has a headless twin in the <tt>netsim</tt> "
                "command.</p>"
            ).format(version=netsim.__version__),
        )

    # ------------------------------------------------------------ language
    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("NetSim Lab"))
        self.loading.setText(self.tr("Loading the panels…"))
        self.menu_file.setTitle(self.tr("&File"))
        self.menu_run.setTitle(self.tr("&Run"))
        self.menu_presets.setTitle(self.tr("&Presets"))
        self.menu_view.setTitle(self.tr("&View"))
        self.menu_language.setTitle(self.tr("&Language"))
        self.menu_help.setTitle(self.tr("&Help"))
        self.act_open.setText(self.tr("&Open trace…"))
        self.act_trace_programs.setText(self.tr("&Trace programs…"))
        self.act_export_trace.setText(self.tr("Export run as &trace…"))
        self.act_export_png.setText(self.tr("Export view as &PNG…"))
        self.act_export_animation.setText(self.tr("Export &animation…"))
        self.act_quit.setText(self.tr("&Quit"))
        self.act_run.setText(self.tr("&Run"))
        self.act_step.setText(self.tr("&Step (Space, F10)"))
        self.act_pause.setText(self.tr("&Pause"))
        self.act_reset.setText(self.tr("R&eset"))
        self.act_zoom_in.setText(self.tr("Zoom &in"))
        self.act_zoom_out.setText(self.tr("Zoom &out"))
        self.act_zoom_reset.setText(self.tr("&Normal size"))
        self.act_fullscreen.setText(self.tr("&Full screen"))
        self.act_panel_list.setText(self.tr("Panel &list (Ctrl+L hides it)"))
        self.act_contrast.setText(self.tr("&High contrast"))
        self.act_cb_palette.setText(self.tr("&Colour-blind-safe colours"))
        self.act_about.setText(self.tr("&About NetSim Lab"))
        for row, panel in enumerate(self.panels):
            panel.retranslate()
            self.panel_list.item(row).setText(panel.title())
        self._status()

    # ---------------------------------------------------------------- close
    def shutdown(self) -> None:
        for panel in self.panels:
            panel.shutdown()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)
