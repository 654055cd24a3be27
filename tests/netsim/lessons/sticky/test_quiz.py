"""Predict the recv(): questions built around real runs, and ``netsim quiz`` with piped answers."""

from __future__ import annotations

import io
import random
import re

import pytest

from netsim.cli import main
from netsim.core.events import BytesReceived
from netsim.lessons.sticky.quiz import (
    MAX_QUESTIONS,
    SITUATIONS,
    WAITING,
    WHY,
    ask,
    choice_text,
    plan_round,
    recv_results,
    run_round,
)
from netsim.lessons.sticky.quiz import grade as grade_round

# The first question of each situation: its why, and what that first recv() returns.
FIRST = {
    "late-reader": ("merged", lambda a, b: a + b),
    "prompt-reader": ("alone", lambda a, b: a),
    "small-recv": ("capped", lambda a, b: a[:3]),
    "udp-late": ("datagram", lambda a, b: a),
    "udp-small": ("truncated", lambda a, b: a[:3]),
    "relay-segments": ("segment", lambda a, b: a[:3]),
    "relay-late": ("late-segments", lambda a, b: a + b),
    "relay-delay": ("delayed", lambda a, b: a),
    "udp-lossy": ("lost", lambda a, b: b),
    "hello-world": ("merged", lambda a, b: a + b),
    "empty-tcp": ("empty-send", lambda a, b: b"helloworld"),
    "half-packet": ("capped", lambda a, b: b"hell"),
    "length-prefix": ("merged", lambda a, b: b"\0\0\0\x05hello\0\0\0\x05world"),
    "udp-boundaries": ("datagram", lambda a, b: a),
    "empty-udp": ("datagram", lambda a, b: b"hello"),
    "internet": ("segment", lambda a, b: None),
}


def test_every_situation_is_listed_here() -> None:
    assert set(FIRST) == {s.situation_id for s in SITUATIONS}


@pytest.mark.parametrize("situation", [s.situation_id for s in SITUATIONS])
def test_every_recv_of_a_real_run_is_asked_in_order(situation: str) -> None:
    g = ask(random.Random(11), situation)
    rnd = g.round
    a, b = (*rnd.messages, b"", b"")[:2]
    assert rnd.call in rnd.setup  # the setup names the call the questions are about
    assert 1 <= len(g.questions) <= MAX_QUESTIONS
    assert g.capped == (g.recv_calls > MAX_QUESTIONS)
    assert [q.number for q in g.questions] == list(range(1, len(g.questions) + 1))
    for q in g.questions:
        assert 2 <= len(q.choices) <= 4
        assert len({choice_text(c) for c in q.choices}) == len(q.choices)  # no two read the same
        assert q.choices[q.answer] == q.result
        assert q.why in WHY and "{" not in q.why_text
    why, first = FIRST[situation]
    q1 = g.questions[0]
    expected = first(a, b)
    if expected is not None:
        assert q1.why == why, (q1.result, rnd.setup)
        assert q1.result == expected
    else:  # the Internet preset: segments of 1,448 bytes (usually one alone; a slow reader may find more)
        assert b"".join(rnd.scenario.iter_messages()).startswith(q1.result)
        assert q1.why in ("segment", "segments-queued")
        if len(q1.result) == 1448:
            assert q1.why == "segment" and "1,448" in q1.why_text
    if rnd.scenario.transport == "tcp" and not g.capped:  # a TCP run ends with the b'' of the peer's close
        last = g.questions[-1]
        assert last.result == b"" and last.eof and last.why == "eof"
        assert None in last.choices  # "nothing: it keeps waiting" is offered against it
    # all of the stream, in order, when nothing was left out
    if rnd.scenario.transport == "tcp" and not g.capped:
        got = b"".join(q.result for q in g.questions)
        assert got == b"".join(rnd.scenario.iter_messages()) or rnd.scenario.framing != "none"


def test_hello_world_in_the_lesson_direction_asks_twice() -> None:
    rnd = plan_round(random.Random(1), "hello-world")
    assert rnd.scenario.sender == "server" and rnd.scenario.receiving_end == "client"
    trace = run_round(rnd)
    g = grade_round(rnd, trace)
    assert [q.result for q in g.questions] == [b"helloworld", b""]
    assert g.recv_calls == 2 and not g.capped
    assert [q.why for q in g.questions] == ["merged", "eof"]
    assert "Both sends were already in the receive queue" in g.questions[0].why_text
    first = g.questions[0]
    texts = {choice_text(c) for c in first.choices}
    assert {"b'helloworld'", "b'hello'"} <= texts  # the answer and "one send = one recv()"
    assert WAITING in {choice_text(c) for c in g.questions[1].choices}
    # the answers are the receiver's events, in order (the client's: the lesson's direction)
    results = recv_results(trace, "client")
    assert isinstance(results[0], BytesReceived) and results[0].data == b"helloworld"
    assert not recv_results(trace, "server")


def test_a_long_run_is_capped_and_says_so() -> None:
    g = ask(random.Random(2), "half-packet")  # 26 bytes read 4 at a time, then b'': 8 recv() calls
    assert g.recv_calls == 8 and g.capped and len(g.questions) == MAX_QUESTIONS
    assert [q.result for q in g.questions] == [b"hell", b"o, t", b"his ", b"is o", b"ne m", b"essa"]
    assert all(q.why == "capped" and "recv(4) returns at most 4 bytes" in q.why_text for q in g.questions)


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
    # hello-world: two questions; refused answers do not count, the round goes on
    out = quiz(
        monkeypatch, capsys, "9\nzz\n1\n1\n", "--seed", "4", "--rounds", "1", "--situation", "hello-world"
    )
    assert out.count("type a number from 1 to") == 2
    asked = re.findall(r"^  recv\(1024\) #(\d) of the run returns:$", out, re.M)
    assert asked == ["1", "2"]
    results = re.findall(r"^  (?:right|wrong \(it was \d\)): recv\(1024\) returned (.*)$", out, re.M)
    assert results == ["b'helloworld'", "b''"]
    rights = len(re.findall(r"^  right: ", out, re.M))
    assert f"final score: {rights}/2" in out
    assert out.count("  why: ") == 2 and "The peer closed" in out


def test_cli_the_right_answers_score_full_marks(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # the same seed asks the same questions in the same order: read the right numbers off a first run
    first = quiz(monkeypatch, capsys, "1\n1\n", "--seed", "5", "--rounds", "1", "--situation", "late-reader")
    right = re.findall(r"^  (?:right|wrong \(it was (\d)\)): ", first, re.M)
    answers = [r or "1" for r in right]
    assert len(answers) == 2
    again = quiz(
        monkeypatch,
        capsys,
        "\n".join(answers) + "\n",
        "--seed",
        "5",
        "--rounds",
        "1",
        "--situation",
        "late-reader",
    )
    assert "final score: 2/2" in again


def test_cli_same_seed_same_questions_and_eof_ends_early(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    one = quiz(monkeypatch, capsys, "1\n2\n1\n", "--seed", "9", "--rounds", "2")
    two = quiz(monkeypatch, capsys, "1\n2\n1\n", "--seed", "9", "--rounds", "2")
    setups = [re.findall(r"^round \d: .*$", text, re.M) for text in (one, two)]
    assert setups[0] == setups[1] and len(setups[0]) >= 1
    choices = [re.findall(r"^    \d\) .*$", text, re.M) for text in (one, two)]
    assert choices[0] == choices[1]
    assert one.splitlines()[-1] == "final score: " + one.splitlines()[-1].split(": ")[1]
    assert one.splitlines()[-1].endswith("/3")  # three answers, then stdin ended


def test_cli_refuses_silly_round_counts(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["quiz", "--rounds", "0"]) == 2
    assert "--rounds" in capsys.readouterr().err
