"""The app on a system without Linux's facilities: it starts, every panel loads, and the panels
that need a missing facility say so (issue: other operating systems, honestly).

A fresh interpreter with ``fcntl``/``termios`` refused and ``socket.AF_PACKET`` deleted (see
``tests/test_platforms.py``) builds the main window with every panel and runs the handshake.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.test_platforms import run_without

APP = """
import json, sys, time
from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtWidgets import QApplication

app = QApplication([])
from app.shell.i18n import Translations
from app.shell.main_window import MainWindow

translations = Translations()
translations.install("en")
window = MainWindow(translations, QSettings({settings!r}, QSettings.Format.IniFormat))
window.resize(1280, 720)
window.show()
panels = {{p.panel_id: p for p in window.panels}}
out = {{"panels": sorted(panels), "sticky": panels["sticky"].queue_note.text()}}
handshake = panels["handshake"]
window.panel_list.setCurrentRow(window.panels.index(handshake))
handshake.run_default_preset()
deadline = time.monotonic() + 40
while time.monotonic() < deadline and (handshake.run_model.finished is None or not handshake.is_idle()):
    QCoreApplication.processEvents()
    time.sleep(0.02)
out["handshake_finished"] = handshake.run_model.finished is not None
out["handshake"] = handshake.capture_banner.text()
window.shutdown()
window.close()
print(json.dumps(out))
"""


def test_every_panel_loads_and_names_what_this_system_lacks(tmp_path: Path) -> None:
    code = APP.format(settings=str(tmp_path / "settings.ini"))
    out = json.loads(run_without(code, blocked=("fcntl", "termios"), drop_packet=True).splitlines()[-1])
    assert {"sticky", "handshake", "hmac", "servers", "addresses"} <= set(out["panels"])
    assert "cannot report kernel queues" in out["sticky"]
    assert "FIONREAD" in out["sticky"]
    assert out["handshake_finished"]
    assert out["handshake"].startswith("Capture not available")
    assert "AF_PACKET" in out["handshake"]
    assert "MODELLED" in out["handshake"]
