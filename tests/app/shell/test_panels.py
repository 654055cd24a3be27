"""Every registered panel has the interface the main window relies on (app/panels/__init__.py)."""

from __future__ import annotations

import importlib

import pytest

from app.panels import PANELS

INTERFACE = (
    "title",
    "retranslate",
    "set_scale",
    "run_default_preset",
    "is_idle",
    "run",
    "step",
    "pause",
    "reset",
    "shutdown",
)


@pytest.mark.parametrize("entry", PANELS)
def test_panel_has_the_interface_the_window_needs(entry: str) -> None:
    module, _, name = entry.partition(":")
    cls = getattr(importlib.import_module(module), name)
    for method in INTERFACE:
        assert callable(getattr(cls, method, None)), f"{name}.{method}"
    assert isinstance(cls.panel_id, str) and cls.panel_id


def test_panel_ids_are_unique() -> None:
    ids = [
        getattr(importlib.import_module(e.partition(":")[0]), e.partition(":")[2]).panel_id for e in PANELS
    ]
    assert len(ids) == len(set(ids)) >= 5
