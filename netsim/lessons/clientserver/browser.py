"""The B/S client for headless runs: a Chromium-family browser that loads a page and prints its DOM.

The GUI's "Open in browser" uses the desktop's own browser instead; this is for the CLI, the
tests and the panel's headless button (Debian: ``apt-get install chromium``).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time

BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
BROWSER_TIMEOUT_S = 60.0
POLL_S = 0.1


def find_browser() -> str | None:
    """A Chromium-family browser on PATH, or None."""
    for name in BROWSER_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


def run_browser(
    browser: str, url: str, timeout_s: float = BROWSER_TIMEOUT_S, *, stop: threading.Event | None = None
) -> tuple[bool, str]:
    """Headless Chromium loads ``url`` and prints its DOM; (ok, the DOM or why it failed).

    The browser runs in its own process group, ended as a whole (Chromium starts helper
    processes) at ``timeout_s`` or as soon as ``stop`` is set.
    """
    with tempfile.TemporaryDirectory(prefix="netsim-chromium-") as profile:
        cmd = [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={profile}",
            "--dump-dom",
            url,
        ]
        try:
            proc = subprocess.Popen(
                cmd,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
            )
        except OSError as exc:
            return False, f"cannot run {browser}: {exc.strerror or exc}"
        deadline = time.monotonic() + timeout_s
        why = ""
        with proc:
            while True:
                try:
                    out, err = proc.communicate(timeout=POLL_S)
                    break
                except subprocess.TimeoutExpired:
                    if stop is not None and stop.is_set():
                        why = "stopped"
                    elif time.monotonic() > deadline:
                        why = f"the browser did not finish within {timeout_s:g} s"
                    if why:
                        with contextlib.suppress(ProcessLookupError):
                            os.killpg(proc.pid, signal.SIGKILL)
                        out, err = proc.communicate()
                        break
    if why:
        return False, why
    if proc.returncode != 0:
        tail = err[-400:].decode("utf-8", "replace").strip()
        return False, f"the browser exited with {proc.returncode}: {tail}"
    return True, out.decode("utf-8", "replace")
