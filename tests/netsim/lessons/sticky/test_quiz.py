"""Predict the recv(): questions built around real runs, and ``netsim quiz`` with piped answers."""

from __future__ import annotations

import io
import random
import re

import pytest

from netsim.cli import main
from netsim.lessons.sticky.quiz import SITUATIONS, WHY, ask, plan_round

EXPECTED_WHY = {
    "late-reader": "merged",
    "prompt-reader": "prompt",
    "small-recv": "capped",
    "udp-late": "datagram",
    "udp-small": "truncated",
    "relay-segments": "segment",
    "relay-late": "late-segments",
    "relay-delay": "delayed",
    "udp-lossy": "lost",
}


@pytest.mark.parametrize("situation", [s.situation_id for s in SITUATIONS])
def test_every_situation_is_answered_by_a_real_run(situation: str) -> None:
    q = ask(random.Random(11), situation)
    a, b = q.round.messages
    assert 2 <= len(q.choices) <= 4
    assert len(set(q.choices)) == len(q.choices)
    assert q.choices[q.answer] == q.result
    assert q.why == EXPECTED_WHY[situation], (q.result, q.round.setup)
    expected_result = {
        "merged": a + b,
        "late-segments": a + b,
        "prompt": a,
        "delayed": a,
        "datagram": a,
        "capped": a[:3],
        "truncated": a[:3],
        "segment": a[:3],
        "lost": b,
    }[q.why]
    assert q.result == expected_result
    assert q.why_text == WHY[q.why]
    assert repr(a) in q.round.setup and repr(b) in q.round.setup


def test_the_seed_fixes_the_questions() -> None:
    first = [plan_round(random.Random(5)) for _ in range(1)]
    rng1, rng2 = random.Random(5), random.Random(5)
    plans1 = [plan_round(rng1) for _ in range(10)]
    plans2 = [plan_round(rng2) for _ in range(10)]
    assert plans1 == plans2
    assert first[0] == plans1[0]
    assert len({p.situation.situation_id for p in plans1}) > 1  # rounds vary


def quiz(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], answers: str, *args: str
) -> str:
    monkeypatch.setattr("sys.stdin", io.StringIO(answers))
    assert main(["quiz", *args]) == 0
    return capsys.readouterr().out


def test_cli_reads_typed_answers_and_keeps_score(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = quiz(monkeypatch, capsys, "1\n9\nzz\n2\n1\n", "--seed", "4", "--rounds", "3")
    assert out.count("type a number from 1 to") == 2  # 9 and zz are refused, the round goes on
    rights = len(re.findall(r"^  right: ", out, re.M))
    wrongs = len(re.findall(r"^  wrong \(it was \d\): ", out, re.M))
    assert rights + wrongs == 3
    assert f"final score: {rights}/3" in out
    assert out.count("  why: ") == 3


def test_cli_same_seed_same_questions_and_eof_ends_early(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    one = quiz(monkeypatch, capsys, "1\n", "--seed", "9", "--rounds", "2", "--situation", "late-reader")
    two = quiz(monkeypatch, capsys, "1\n", "--seed", "9", "--rounds", "2", "--situation", "late-reader")
    setups = [re.findall(r"^round \d: .*$", text, re.M) for text in (one, two)]
    assert setups[0] == setups[1] and len(setups[0]) == 2  # round 2 is shown, then stdin ends
    assert "final score: " in one and "/1" in one.splitlines()[-1]


def test_cli_refuses_silly_round_counts(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["quiz", "--rounds", "0"]) == 2
    assert "--rounds" in capsys.readouterr().err
