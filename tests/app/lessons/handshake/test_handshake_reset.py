"""Reset while a handshake run is still starting, and shutdown right after Run."""

from __future__ import annotations

from app.lessons.handshake.panel import HandshakePanel


def test_reset_while_starting_then_run_shows_the_new_run(qtbot) -> None:  # type: ignore[no-untyped-def]
    panel = HandshakePanel()
    qtbot.addWidget(panel)
    panel.model_only.setChecked(True)
    panel.run()
    panel.reset()  # the lab being started now belongs to the old run
    panel.run()
    qtbot.waitUntil(lambda: panel._lab is not None and panel._lab.finished, timeout=20000)
    qtbot.waitUntil(lambda: len(panel.run_model.segments) > 0, timeout=5000)
    panel.shutdown()


def test_shutdown_right_after_run_leaves_nothing(qtbot) -> None:  # type: ignore[no-untyped-def]
    panel = HandshakePanel()
    qtbot.addWidget(panel)
    panel.model_only.setChecked(True)
    panel.run()
    panel.shutdown()  # the conftest fixture fails the test on a leaked thread or socket
