"""Issue 10, defect 7 (validation part): bad parameters are refused up front with a plain message.

Before: ``--send-delay-ms inf`` and ``--framing fixed:99999999999999999999`` reached the worker and
answered "internal: ..."; ``--sndbuf 99999999999`` killed the sending thread (OverflowError in
setsockopt) and the run hung until its timeout.
"""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from netsim.lessons.sticky import Scenario


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"send_delay_ms": float("inf")}, "finite"),
        ({"send_delay_ms": float("nan")}, "finite"),
        ({"receiver_delay_ms": 1e12}, "between"),
        ({"send_delay_ms": -1.0}, "negative"),
        ({"framing": "fixed:99999999999999999999"}, "far too large"),
        ({"framing": "fixed:99999999"}, "at most"),
        ({"framing": "bogus"}, "bad framing spec"),
        ({"sndbuf": 99_999_999_999}, "SO_SNDBUF"),
        ({"rcvbuf": -1}, "SO_RCVBUF"),
        ({"rcvbuf": 2**31}, "SO_RCVBUF"),
        ({"recv_bytes": 10**17}, "recv() size"),
        ({"count": 3, "size": 10**14}, "message size"),
        ({"count": 10**11}, "count"),
        ({"count": "abc"}, "whole number"),
        ({"count": [1]}, "whole number"),
        ({"size": 2.5}, "whole number"),
        ({"port": 70000}, "port"),
        ({"sample_hz": float("inf")}, "finite"),
        ({"messages": [5, 6]}, "byte strings"),
        ({"messages": 5}, "byte strings"),
        ({"nodelay": "yes"}, "true or false"),
    ],
)
def test_bad_values_are_plain_value_errors(changes: dict[str, Any], words: str) -> None:
    with pytest.raises(ValueError, match=None) as info:
        Scenario(**changes)
    assert words in str(info.value)


def test_sane_values_still_pass() -> None:
    sc = Scenario(count=10, size=64, send_delay_ms=1.5, rcvbuf=2**31 - 1, sndbuf=4096, framing="fixed:16")
    assert sc.message_count == 10
    assert Scenario.from_dict(sc.to_dict()) == sc


@pytest.mark.parametrize(
    "argv",
    [
        ["--send-delay-ms", "inf"],
        ["--framing", "fixed:99999999999999999999"],
        ["--sndbuf", "99999999999"],
        ["--timeout", "inf"],
        ["--count", "3", "--size", "99999999999999"],
    ],
)
def test_cli_answers_plainly_and_at_once(argv: list[str]) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "netsim", "sticky", "--timeout", "20", *argv],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert proc.stderr.startswith("netsim sticky: "), proc.stderr
    assert "internal" not in proc.stderr + proc.stdout
    assert "Traceback" not in proc.stderr
