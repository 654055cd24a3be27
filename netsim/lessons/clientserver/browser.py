"""The B/S client for headless runs: a Chromium-family browser that loads a page and prints its DOM.

The GUI's "Open in browser" uses the desktop's own browser instead; this is for the CLI, the
tests and the panel's headless button (Debian: ``apt-get install chromium``).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile

BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
BROWSER_TIMEOUT_S = 60.0


def find_browser() -> str | None:
    """A Chromium-family browser on PATH, or None."""
    for name in BROWSER_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


def run_browser(browser: str, url: str, timeout_s: float = BROWSER_TIMEOUT_S) -> tuple[bool, str]:
    """Headless Chromium loads ``url`` and prints its DOM; (ok, the DOM or why it failed)."""
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
            done = subprocess.run(
                cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout_s, check=False
            )
        except subprocess.TimeoutExpired:
            return False, f"the browser did not finish within {timeout_s:g} s"
        except OSError as exc:
            return False, f"cannot run {browser}: {exc.strerror or exc}"
    if done.returncode != 0:
        tail = done.stderr[-400:].decode("utf-8", "replace").strip()
        return False, f"the browser exited with {done.returncode}: {tail}"
    return True, done.stdout.decode("utf-8", "replace")
