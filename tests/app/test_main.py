"""``netsim-lab --screenshot DIR --window-size WxH``: PNGs of exactly that size."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from app.main import main, window_size


@pytest.fixture
def restore_switch_interval() -> Iterator[None]:
    before = sys.getswitchinterval()
    yield
    sys.setswitchinterval(before)


def test_window_size_parses_and_refuses() -> None:
    assert window_size("1280x720") == (1280, 720)
    assert window_size("1920X1080") == (1920, 1080)
    for bad in ("1280", "x720", "12x7", "axb", "100000x720"):
        with pytest.raises(argparse.ArgumentTypeError):
            window_size(bad)


@pytest.mark.parametrize(("size", "scale"), [("1280x720", "1.5"), ("1920x1080", "1.0"), ("800x600", "3.0")])
def test_screenshot_is_exactly_the_window_size(
    qapp: object, tmp_path: Path, restore_switch_interval: None, size: str, scale: str
) -> None:
    # The addresses panel: no sockets, so the test stays fast; every panel goes through the same code.
    out = tmp_path / "shots"
    code = main(["--screenshot", str(out), "--window-size", size, "--scale", scale, "--panel", "addresses"])
    assert code == 0
    image = QImage(str(out / "addresses.png"))
    w, h = (int(v) for v in size.split("x"))
    assert (image.width(), image.height()) == (w, h)
