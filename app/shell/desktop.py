"""A desktop citizen: the application icon and the freedesktop ``.desktop`` entry.

``netsim-lab --install-desktop-entry`` writes ``netsim-lab.desktop`` into
``$XDG_DATA_HOME/applications`` and the icon into ``$XDG_DATA_HOME/icons/hicolor/…/apps``
(``$XDG_DATA_HOME`` defaults to ``~/.local/share``, as the XDG Base Directory specification
says); ``--install-desktop-entry print`` prints the entry instead.  The entry starts the
``netsim-lab`` found beside the running interpreter (a pipx or venv install), so it works
whether or not that directory is on the desktop session's ``PATH``.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from app.shell.i18n import resources_dir

if TYPE_CHECKING:  # PySide6 is imported lazily: --install-desktop-entry needs no Qt
    from PySide6.QtGui import QIcon

APP_ID = "netsim-lab"
ICON_SIZES = (48, 128, 256)


def icons_dir() -> Path:
    return resources_dir() / "icons"


def app_icon() -> QIcon:
    """The window icon: the PNGs at every size, and the SVG for the sizes in between."""
    from PySide6.QtGui import QIcon

    icon = QIcon()
    for size in ICON_SIZES:
        png = icons_dir() / f"{APP_ID}-{size}.png"
        if png.is_file():
            icon.addFile(str(png))
    svg = icons_dir() / f"{APP_ID}.svg"
    if svg.is_file():
        icon.addFile(str(svg))
    return icon


def data_home(environ: dict[str, str] | None = None) -> Path:
    """``$XDG_DATA_HOME`` if set to an absolute path (the spec ignores a relative one), else ~/.local/share."""
    env = os.environ if environ is None else environ
    value = env.get("XDG_DATA_HOME", "")
    if value and os.path.isabs(value):
        return Path(value)
    return Path(env.get("HOME") or Path.home()) / ".local" / "share"


def launcher() -> str:
    """The command line that starts the app: ``netsim-lab`` beside this interpreter, if there is one."""
    here = Path(sys.executable).parent / APP_ID
    if here.is_file() and os.access(here, os.X_OK):
        return shlex.quote(str(here))
    found = shutil.which(APP_ID)
    return shlex.quote(found) if found else APP_ID


def desktop_entry(exec_line: str | None = None) -> str:
    """The ``.desktop`` file's text (Desktop Entry Specification 1.5)."""
    return "\n".join(
        [
            "[Desktop Entry]",
            "Type=Application",
            "Version=1.5",
            "Name=NetSim Lab",
            "Name[zh_CN]=NetSim 网络编程实验室",
            "GenericName=Network programming lab",
            "GenericName[zh_CN]=网络编程教学实验",
            "Comment=Watch real TCP/UDP sockets on loopback: sticky packets, framing, the TCP handshake, HMAC",
            "Comment[zh_CN]=在回环地址上观察真实的 TCP/UDP 套接字：粘包、分帧、TCP 握手、HMAC",
            f"Exec={exec_line or launcher()}",
            f"Icon={APP_ID}",
            "Terminal=false",
            "Categories=Education;Network;Development;Qt;",
            "Keywords=TCP;UDP;socket;network;teaching;sticky packets;粘包;",
            f"StartupWMClass={APP_ID}",
            "",
        ]
    )


def install_desktop_entry(*, print_only: bool = False, environ: dict[str, str] | None = None) -> int:
    """Write the entry and the icons under :func:`data_home` (or print the entry); print what was written."""
    entry = desktop_entry()
    if print_only:
        print(entry, end="")
        return 0
    base = data_home(environ)
    written: list[Path] = []
    try:
        apps = base / "applications"
        apps.mkdir(parents=True, exist_ok=True)
        target = apps / f"{APP_ID}.desktop"
        target.write_text(entry, encoding="utf-8")
        written.append(target)
        for size in ICON_SIZES:
            src = icons_dir() / f"{APP_ID}-{size}.png"
            dest = base / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dest)
            written.append(dest)
        dest = base / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg"
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(icons_dir() / f"{APP_ID}.svg", dest)
        written.append(dest)
    except OSError as exc:
        print(f"netsim-lab: could not install the desktop entry: {exc}", file=sys.stderr)
        return 1
    for path in written:
        print(path)
    return 0
