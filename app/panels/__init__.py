"""The panels of the main window, in the order of the panel list.

A panel is a ``QWidget`` subclass (lexically a direct subclass, so ``self.tr()`` contexts match
what ``pyside6-lupdate`` extracts) with this interface, which the main window relies on:

``panel_id: str``
    Stable id, used for screenshots (``<panel_id>.png``) and settings.
``title() -> str``
    Translated name for the panel list.
``retranslate() -> None``
    Re-set every visible text; the window calls it after a language switch.
``set_scale(factor: float) -> None``
    Presenter zoom; 1.0 is normal.  Scale fonts, pens, and fixed sizes.
``run_default_preset() -> None``
    Start the panel's default scenario (``--screenshot`` uses it).
``is_idle() -> bool``
    No run in progress (the screenshot waits for it).
``run() / step() / pause() / reset() -> None``
    Targets of the global shortcuts F5, Space/F10, Pause, Ctrl+R.
``shutdown() -> None``
    Stop and join every worker thread; called when the window closes.

Each entry below is ``"module:Class"``; the module is imported when the window is built.
"""

from __future__ import annotations

PANELS: tuple[str, ...] = (
    "app.lessons.sticky.panel:StickyPanel",
    "app.lessons.hmac.panel:HmacPanel",
    "app.lessons.handshake.panel:HandshakePanel",
    "app.lessons.addresses.panel:AddressesPanel",
    "app.lessons.clientserver.panel:ClientServerPanel",
    "app.lessons.servers.panel:ServersPanel",
    "app.lessons.tracing.panel:TracingPanel",
    "app.lessons.classroom.panel:ClassroomPanel",
)
