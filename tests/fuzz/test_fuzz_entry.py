"""CI runs the fuzz entry point briefly: every codec, auth and trace-loader target, ~2 s in all."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import strategies as st

import tests.fuzz.__main__ as entry
from tests.fuzz import targets


def test_fuzz_entry_point_runs_and_reports_figures() -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.fuzz",
            "--seconds",
            "2",
            "--target",
            "codec:*",
            "--target",
            "auth:*",
            "--target",
            "trace",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    expected = [n for n in targets.all_targets() if n.startswith(("codec:", "auth:", "trace"))]
    for name in expected:
        row = next(line for line in lines if line.startswith(name + " "))
        assert " ok " in row and " inputs " in row and "peak/input" in row, row
    assert lines[-1].endswith("0 finding(s)")


def test_fuzz_entry_point_fails_on_a_foreign_exception(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A target whose code raises something other than its own errors makes the run fail."""

    def broken() -> targets.Target:
        def run(data: bytes) -> None:
            if data:
                raise KeyError("boom")

        return targets.Target("broken", st.binary(min_size=1, max_size=4), run, len, ())

    monkeypatch.setattr(entry, "all_targets", lambda: {"broken": broken})
    assert entry.main(["--seconds", "0.5"]) == 1
    out = capsys.readouterr().out
    assert "FINDING: KeyError" in out and "1 finding(s)" in out
