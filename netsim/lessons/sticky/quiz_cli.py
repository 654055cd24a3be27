"""``netsim quiz``: predict what each recv() of a run returns, then see the real result."""

from __future__ import annotations

import argparse
import random
import sys
from typing import Any, TextIO

from netsim.lessons.sticky.quiz import MAX_QUESTIONS, SITUATIONS, Graded, Question, ask, choice_text


def register(sub: Any) -> None:
    p = sub.add_parser(
        "quiz",
        help="predict the recv(): guess what each recv() returns, then see a real run",
        description="Each round describes some sends and a receiver (sometimes through a relay), runs it "
        f"for real on loopback, then asks about each recv() in turn (at most {MAX_QUESTIONS} per round): "
        "type the number of your answer (1-4).",
    )
    p.add_argument("--seed", type=int, metavar="N", help="the same seed asks the same questions")
    p.add_argument("--rounds", type=int, default=3, metavar="N", help="how many rounds (default 3)")
    p.add_argument(
        "--situation",
        choices=[s.situation_id for s in SITUATIONS],
        help="ask about this situation only (default: a random one each round)",
    )
    p.set_defaults(func=run)


def _read_choice(question: Question, stdin: TextIO, out: TextIO) -> int | None:
    """The 0-based choice typed by the user; None at end of input."""
    while True:
        out.write(f"your answer (1-{len(question.choices)}): ")
        out.flush()
        line = stdin.readline()
        if not line:
            out.write("\n")
            return None
        text = line.strip()
        if not stdin.isatty():  # answers piped in: show them, so the transcript reads like a session
            out.write(text + "\n")
        if text.isdigit() and 1 <= int(text) <= len(question.choices):
            return int(text) - 1
        out.write(f"  type a number from 1 to {len(question.choices)}\n")


def _round_intro(number: int, graded: Graded, out: TextIO) -> None:
    rnd = graded.round
    print(f"\nround {number}: {rnd.setup}", file=out)
    print(f"  {rnd.loop}", file=out)
    n = len(graded.questions)
    if graded.capped:
        print(
            f"  (the run made {graded.recv_calls} {rnd.call} calls: the quiz asks about the first {n})",
            file=out,
        )


def run(args: argparse.Namespace) -> int:
    if args.rounds < 1 or args.rounds > 1000:
        print("netsim quiz: --rounds must be 1..1000", file=sys.stderr)
        return 2
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**31)
    rng = random.Random(seed)
    out = sys.stdout
    score = asked = 0
    print(f"Predict the recv() (seed {seed}): what does each recv() return?", file=out)
    for number in range(1, args.rounds + 1):
        try:
            graded = ask(rng, args.situation)
        except RuntimeError as exc:
            print(f"netsim quiz: {exc}", file=sys.stderr)
            return 1
        _round_intro(number, graded, out)
        for q in graded.questions:
            print(f"\n  {graded.round.call} #{q.number} of the run returns:", file=out)
            for i, choice in enumerate(q.choices, start=1):
                print(f"    {i}) {choice_text(choice)}", file=out)
            picked = _read_choice(q, sys.stdin, out)
            if picked is None:
                print(f"\nfinal score: {score}/{asked}", file=out)
                return 0
            asked += 1
            right = picked == q.answer
            score += right
            verdict = "right" if right else f"wrong (it was {q.answer + 1})"
            print(f"  {verdict}: {graded.round.call} returned {choice_text(q.result)}", file=out)
            print(f"  why: {q.why_text}", file=out)
            print(f"  score {score}/{asked}", file=out)
    print(f"\nfinal score: {score}/{asked}", file=out)
    return 0
