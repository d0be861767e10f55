"""Classical item analysis of answered questions (pure: no Django import).

Trainers read these figures to find questions that are too easy, too hard or that
do not separate learners who know the material from those who do not.

For each question answered by ``n`` attempts, with item scores ``s`` in [0, 1]:

- **facility** ``p = (sum of s) / n``: the mean score (1 = everybody right).
- **discrimination** (upper-lower index, Kelley's 27 % groups)
  ``D = mean(s over the upper group) - mean(s over the lower group)``, in [-1, 1].
  Only the attempts that answered the question are ranked (questions are drawn
  at random, so not every attempt sees every question), by their total score: the
  sum of the item scores of all the attempt's responses, this question included.
  Ranking is by total, highest first, ties broken by ``attempt_id`` ascending;
  the upper group is the first ``g`` of that ranking and the lower group the last
  ``g``, with ``g = round_half_up(n * group_fraction)``, at least 1 and at most
  ``n // 2`` so that the groups never overlap. ``None`` when ``n < 2``.
- **option counts**: how many responses picked each option id (an id listed twice
  in one response counts once), sorted by id; options nobody picked are absent.

Everything is exact (``Fraction``) and deterministic for a given set of responses,
whatever order they come in.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

__all__ = ["DEFAULT_GROUP_FRACTION", "ItemResponse", "ItemStats", "item_statistics"]

DEFAULT_GROUP_FRACTION = Fraction(27, 100)


@dataclass(frozen=True)
class ItemResponse:
    """One attempt's response to one question, already graded."""

    attempt_id: str
    question_id: str
    score: Fraction
    choice_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class ItemStats:
    """The figures for one question; ``discrimination`` is None when ``n < 2``."""

    question_id: str
    n: int
    facility: Fraction
    discrimination: Fraction | None
    option_counts: tuple[tuple[str, int], ...]


def item_statistics(
    responses: Iterable[ItemResponse],
    group_fraction: Fraction = DEFAULT_GROUP_FRACTION,
) -> dict[str, ItemStats]:
    """Statistics per question id (see the module docstring for the formulas).

    Raises ``ValueError`` for a score outside [0, 1], a second response of one
    attempt to the same question, or a ``group_fraction`` outside (0, 1/2].
    """
    group_fraction = Fraction(group_fraction)
    if not 0 < group_fraction <= Fraction(1, 2):
        raise ValueError("group_fraction must be in (0, 1/2]")

    totals: dict[str, Fraction] = defaultdict(Fraction)
    by_question: dict[str, dict[str, ItemResponse]] = defaultdict(dict)
    for response in responses:
        score = response.score
        if isinstance(score, float):
            # Floats would make the figures depend on summation order.
            raise TypeError("score must be a Fraction, not float")
        score = Fraction(score)
        if not 0 <= score <= 1:
            raise ValueError(
                f"score {score} of attempt {response.attempt_id!r} on question "
                f"{response.question_id!r} is outside [0, 1]"
            )
        answered = by_question[response.question_id]
        if response.attempt_id in answered:
            raise ValueError(
                f"attempt {response.attempt_id!r} answered question "
                f"{response.question_id!r} twice"
            )
        answered[response.attempt_id] = response
        totals[response.attempt_id] += score

    return {
        question_id: _stats(
            question_id, by_question[question_id], totals, group_fraction
        )
        for question_id in sorted(by_question)
    }


def _stats(
    question_id: str,
    answered: dict[str, ItemResponse],
    totals: dict[str, Fraction],
    group_fraction: Fraction,
) -> ItemStats:
    n = len(answered)
    scores = {attempt: Fraction(r.score) for attempt, r in answered.items()}
    facility = sum(scores.values(), Fraction(0)) / n

    discrimination = None
    if n >= 2:
        ranked = sorted(answered, key=lambda attempt: (-totals[attempt], attempt))
        size = min(max(math.floor(n * group_fraction + Fraction(1, 2)), 1), n // 2)
        upper = sum((scores[a] for a in ranked[:size]), Fraction(0)) / size
        lower = sum((scores[a] for a in ranked[-size:]), Fraction(0)) / size
        discrimination = upper - lower

    counts = Counter(
        choice for response in answered.values() for choice in set(response.choice_ids)
    )
    return ItemStats(
        question_id=question_id,
        n=n,
        facility=facility,
        discrimination=discrimination,
        option_counts=tuple(sorted(counts.items())),
    )
