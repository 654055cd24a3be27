from __future__ import annotations

import socket
from pathlib import Path

import pytest

LESSON_PROGRAMS = Path(__file__).resolve().parents[3] / "lesson_programs"
TEST_PROGRAMS = Path(__file__).resolve().parent / "programs"


@pytest.fixture
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
