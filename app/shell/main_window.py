"""The main window: panel list, menus, presenter controls, language switch."""

from __future__ import annotations

import importlib

from PySide6.QtCore import QEvent, QSettings, Qt
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QLabel,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QWidget,
)

import netsim
from app.panels import PANELS
from app.shell.i18n import LANGUAGES, Translations
from app.shell.theme import THEME

SCALE_MIN, SCALE_MAX, SCALE_STEP = 0.6, 3.0, 1.15


def load_panels() -> list[QWidget]:
    panels: list[QWidget] = []
    for entry in PANELS:
        module_name, _, class_name = entry.partition(":")
        cls = getattr(importlib.import_module(module_name), class_name)
        panels.append(cls())
    return panels


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
        self.panels: list[QWidget] = []
        self.panel_list = QListWidget()
        self.panel_list.setObjectName("panelList")
        self.stack = QStackedWidget()
        self.loading = QLabel()
        self.loading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack.addWidget(self.loading)
        self.panel_list.currentRowChanged.connect(self._show_panel)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.panel_list)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([300, 1300])
        self.panel_list.setWordWrap(True)
        self.panel_list.setMinimumWidth(200)
        self.setCentralWidget(splitter)
        self._build_actions()
        self._build_menus()
        self._restore_preferences()
        self.retranslate()
        self.resize(1440, 900)
        if not defer_panels:
            self.install_panels()

    def install_panels(self) -> None:
        """Build every panel of ``PANELS`` and put it in the list and the stack."""
        if self.panels:
            return
        self.panels = load_panels()
        for panel in self.panels:
            self.stack.addWidget(panel)
            self.panel_list.addItem("")
        self.stack.removeWidget(self.loading)
        self.set_scale(THEME.scale, save=False)
        self.panel_list.setCurrentRow(0)
        self.retranslate()

    # ------------------------------------------------------------ building
    def _action(self, slot, shortcut: QKeySequence | str | None = None, checkable: bool = False) -> QAction:
        act = QAction(self)
        if shortcut is not None:
            act.setShortcut(QKeySequence(shortcut))
        act.setCheckable(checkable)
        act.triggered.connect(slot)
        self.addAction(act)  # shortcuts work in full screen, where the menu bar may be hidden
        return act

    def _build_actions(self) -> None:
        self.act_open = self._action(self.open_trace, QKeySequence.StandardKey.Open)
        self.act_trace_programs = self._action(self.trace_programs, "Ctrl+T")
        self.act_export_png = self._action(self.export_png, "Ctrl+Shift+P")
        self.act_export_trace = self._action(self.export_trace, QKeySequence.StandardKey.Save)
        self.act_quit = self._action(self.close, QKeySequence.StandardKey.Quit)
        self.act_run = self._action(lambda: self._panel_call("run"), "F5")
        # Space steps too, but not as a window-wide shortcut: a focused button, check box or
        # text field keeps its own Space (see keyPressEvent).
        self.act_step = self._action(lambda: self._panel_call("step"), "F10")
        self.act_pause = self._action(lambda: self._panel_call("pause"), "F6")
        self.act_reset = self._action(lambda: self._panel_call("reset"), "Ctrl+R")
        self.act_zoom_in = self._action(lambda: self.set_scale(THEME.scale * SCALE_STEP), "Ctrl+=")
        self.act_zoom_in_plus = self._action(lambda: self.set_scale(THEME.scale * SCALE_STEP), "Ctrl++")
        self.act_zoom_out = self._action(lambda: self.set_scale(THEME.scale / SCALE_STEP), "Ctrl+-")
        self.act_zoom_reset = self._action(lambda: self.set_scale(1.0), "Ctrl+0")
        self.act_fullscreen = self._action(self.toggle_full_screen, "F11", checkable=True)
        self.act_contrast = self._action(self._toggle_contrast, None, checkable=True)
        self.act_cb_palette = self._action(self._toggle_palette, None, checkable=True)
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
        for act in (self.act_open, self.act_trace_programs, self.act_export_trace, self.act_export_png):
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
        for act in (self.act_fullscreen, self.act_contrast, self.act_cb_palette):
            self.menu_view.addAction(act)
        self.menu_language = self.menu_view.addMenu("")
        for act in self.lang_actions.values():
            self.menu_language.addAction(act)
        self.menu_help = bar.addMenu("")
        self.menu_help.addAction(self.act_about)

    def _fill_presets(self) -> None:
        self.menu_presets.clear()
        panel = self.current_panel()
        presets = getattr(panel, "presets", None)
        if presets is None:
            act = self.menu_presets.addAction(self.tr("(this panel has no presets)"))
            act.setEnabled(False)
            return
        for preset_id, title in presets():
            act = self.menu_presets.addAction(title)
            act.triggered.connect(lambda _=False, p=preset_id: panel.load_preset(p, run=True))

    # --------------------------------------------------------- preferences
    def _restore_preferences(self) -> None:
        s = self.settings
        THEME.high_contrast = s.value("view/high_contrast", False, type=bool)
        THEME.colour_blind_safe = s.value("view/colour_blind_safe", True, type=bool)
        self.act_contrast.setChecked(THEME.high_contrast)
        self.act_cb_palette.setChecked(THEME.colour_blind_safe)
        self.set_scale(s.value("view/scale", 1.0, type=float), save=False)
        self.lang_actions.get(self.translations.language, self.lang_actions["en"]).setChecked(True)

    def set_scale(self, factor: float, save: bool = True) -> None:
        factor = max(SCALE_MIN, min(SCALE_MAX, float(factor)))
        THEME.scale = factor
        app = QApplication.instance()
        if isinstance(app, QApplication):
            THEME.apply(app)
        for panel in self.panels:
            panel.set_scale(factor)
        self.panel_list.setFont(THEME.font(1.2))
        if save:
            self.settings.setValue("view/scale", factor)
        self._status()

    def current_scale(self) -> float:
        return THEME.scale

    def _toggle_contrast(self, on: bool) -> None:
        THEME.high_contrast = on
        self.settings.setValue("view/high_contrast", on)
        self.set_scale(THEME.scale)

    def _toggle_palette(self, on: bool) -> None:
        THEME.colour_blind_safe = on
        self.settings.setValue("view/colour_blind_safe", on)
        self.set_scale(THEME.scale)

    def toggle_full_screen(self) -> None:
        if self.isFullScreen():
            self.showNormal()
        else:
            self.showFullScreen()
        self.act_fullscreen.setChecked(self.isFullScreen())

    def set_language(self, lang: str) -> None:
        self.translations.install(lang)  # Qt sends LanguageChange to every widget
        self.settings.setValue("view/language", lang)
        self.lang_actions[self.translations.language].setChecked(True)
        self.retranslate()

    # --------------------------------------------------------------- panels
    def current_panel(self) -> QWidget | None:
        if not self.panels:
            return None
        return self.panels[self.panel_list.currentRow()] if self.panel_list.currentRow() >= 0 else None

    def _show_panel(self, row: int) -> None:
        if 0 <= row < len(self.panels):
            self.stack.setCurrentWidget(self.panels[row])
            self._status()

    def _panel_call(self, name: str) -> None:
        method = getattr(self.current_panel(), name, None)
        if method is not None:
            method()

    def _status(self) -> None:
        panel = self.current_panel()
        if panel is None:
            return
        self.statusBar().showMessage(
            self.tr("{panel} · zoom {zoom:.0%} · F5 run · Space step · F6 pause · Ctrl+R reset").format(
                panel=panel.title(), zoom=THEME.scale
            )
        )

    def open_trace(self) -> None:
        panel = self.current_panel()
        if not hasattr(panel, "open_trace"):
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
            if getattr(panel, "panel_id", "") == "tracing":
                self.panel_list.setCurrentRow(row)
                panel.open_dialog()
                return

    def export_trace(self) -> None:
        panel = self.current_panel()
        if not hasattr(panel, "export_trace"):
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

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Reaches the window only when the focused widget did not use the key itself.
        if event.key() == Qt.Key.Key_Space and not event.modifiers():
            self._panel_call("step")
            event.accept()
            return
        super().keyPressEvent(event)

    # ------------------------------------------------------------ language
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

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
        self.act_quit.setText(self.tr("&Quit"))
        self.act_run.setText(self.tr("&Run"))
        self.act_step.setText(self.tr("&Step (Space, F10)"))
        self.act_pause.setText(self.tr("&Pause"))
        self.act_reset.setText(self.tr("R&eset"))
        self.act_zoom_in.setText(self.tr("Zoom &in"))
        self.act_zoom_out.setText(self.tr("Zoom &out"))
        self.act_zoom_reset.setText(self.tr("&Normal size"))
        self.act_fullscreen.setText(self.tr("&Full screen"))
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
