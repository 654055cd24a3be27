"""Runs too big to record are refused up front, with the figures (issue 10, defect 8)."""

from __future__ import annotations

import pytest

from netsim.cli import main
from netsim.lessons.sticky import Scenario, StreamLab
from netsim.lessons.sticky.scenario import MEMORY_LIMIT_MB, MEMORY_PER_MESSAGE_BYTES


def test_ten_million_messages_fit_and_a_hundred_million_do_not() -> None:
    Scenario(count=10_000_000, size=16).check_memory()  # the acceptance run: allowed
    with pytest.raises(ValueError, match=r"100,000,000 messages would need about 11,067 MB") as info:
        Scenario(count=100_000_000, size=16).check_memory()
    assert f"{MEMORY_LIMIT_MB:,} MB limit" in str(info.value) and "send at most about" in str(info.value)


def test_the_estimate_counts_the_bytes_kept_up_to_the_recording_limit() -> None:
    small = Scenario(count=1000, size=100)
    assert small.estimated_memory_bytes() == 1000 * MEMORY_PER_MESSAGE_BYTES + 2 * 1000 * 108
    big = Scenario(count=1000, size=1_000_000)
    assert big.estimated_memory_bytes() == 1000 * MEMORY_PER_MESSAGE_BYTES + big.record_bytes_limit


def test_the_lab_refuses_before_any_socket(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ValueError, match="MB limit"):
        StreamLab(Scenario(count=50_000_000, size=16))
    assert main(["sticky", "--count", "50000000", "--size", "16"]) == 2
    err = capsys.readouterr().err
    assert "50,000,000 messages would need about" in err and "Traceback" not in err
