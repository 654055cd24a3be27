"""Every registered panel is a LessonPanel and implements the interface the main window uses."""

from __future__ import annotations

import importlib

import pytest

from app.panels import PANELS
from app.panels.base import LessonPanel

MUST_OVERRIDE = (
    "title",
    "retranslate",
    "apply_theme",
    "run_default_preset",
    "is_idle",
    "run",
    "step",
    "pause",
    "reset",
)


def panel_class(entry: str) -> type[LessonPanel]:
    module, _, name = entry.partition(":")
    cls = getattr(importlib.import_module(module), name)
    assert isinstance(cls, type) and issubclass(cls, LessonPanel), entry
    return cls


@pytest.mark.parametrize("entry", PANELS)
def test_panel_implements_the_lesson_panel_interface(entry: str) -> None:
    cls = panel_class(entry)
    for method in MUST_OVERRIDE:
        assert getattr(cls, method) is not getattr(LessonPanel, method), f"{cls.__name__}.{method}"
    assert "shutdown" not in vars(cls), "panels stop their work in stop_work(); the base joins threads"
    assert "changeEvent" not in vars(cls), "the window retranslates panels once per switch"
    assert isinstance(cls.panel_id, str) and cls.panel_id


def test_panel_ids_are_unique() -> None:
    ids = [panel_class(e).panel_id for e in PANELS]
    assert len(ids) == len(set(ids)) >= 5
