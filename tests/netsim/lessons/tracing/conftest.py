from __future__ import annotations

from pathlib import Path

import pytest

from tests import procs

LESSON_PROGRAMS = Path(__file__).resolve().parents[3] / "lesson_programs"
TEST_PROGRAMS = Path(__file__).resolve().parent / "programs"


@pytest.fixture
def free_port() -> int:
    return procs.free_port()
