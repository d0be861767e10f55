"""Benchmark: thirty-question attempts graded per second on one core.

Run with ``python tests/bench/bench_grading.py`` (``make bench``). No Django: the
grading module is pure. Exits 1 when below the target.
"""

from __future__ import annotations

import os
import sys
import time
from fractions import Fraction
from pathlib import Path

# Import the project's package without installing it or configuring Django.
PROJECT_ROOT = Path(__file__).resolve().parents[2]
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from assessments.grading import AnswerKey, GradedItem, grade_attempt  # noqa: E402

TARGET = 5_000  # attempts per second
DURATION = 2.0  # seconds


def build_attempt() -> list[GradedItem]:
    """A realistic attempt: 30 mixed questions over 3 elements and 9 criteria.

    Answers mix right, wrong, partial, blank and malformed, in the raw JSON shapes
    stored on responses, so every scoring path is exercised.
    """
    options = ["a", "b", "c", "d"]
    keys_and_answers = [
        (AnswerKey.single(options, "b"), "b"),
        (AnswerKey.single(options, "c"), "a"),
        (AnswerKey.true_false(True), "true"),
        (AnswerKey.true_false(False), "true"),
        (AnswerKey.multiple(options + ["e"], ["a", "c"]), ["a", "c"]),
        (AnswerKey.multiple(options + ["e"], ["a", "c", "d"]), ["a", "b", "d"]),
        (
            AnswerKey.matching({"p1": "m1", "p2": "m2", "p3": "m3", "p4": "m4"}),
            {"p1": "m1", "p2": "m3", "p3": "m2", "p4": "m4"},
        ),
        (
            AnswerKey.ordering(["s1", "s2", "s3", "s4", "s5"]),
            ["s1", "s2", "s4", "s3", "s5"],
        ),
        (AnswerKey.situational({"a": 1, "b": "1/2", "c": "1/4", "d": 0}), "b"),
        (AnswerKey.single(options, "a"), None),  # blank
    ]
    items = []
    for n in range(30):
        key, answer = keys_and_answers[n % len(keys_and_answers)]
        if n == 29:
            answer = {"bogus": 1}  # malformed: scores 0
        element = f"E{n % 3 + 1}"
        items.append(
            GradedItem(
                question_id=f"Q{n:03d}",
                element=element,
                criterion=f"{element}.C{n % 9 // 3 + 1}",
                key=key,
                answer=answer,
            )
        )
    return items


def main() -> int:
    # One core, as the target is stated (Linux only; elsewhere run as is).
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    items = build_attempt()
    thresholds = {"E2": Fraction(7, 10)}
    first = grade_attempt(items, thresholds)
    graded = 0
    start = time.perf_counter()
    elapsed = 0.0
    while elapsed < DURATION:
        for _ in range(200):
            grade = grade_attempt(items, thresholds)
        graded += 200
        elapsed = time.perf_counter() - start
    assert grade == first, "grading is not deterministic"
    rate = int(graded / elapsed)
    print(
        f"grading: {len(items)}-question attempts graded per second: {rate} "
        f"(target >= {TARGET})"
    )
    return 0 if rate >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
