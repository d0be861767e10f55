"""Pure question drawing from an assessment blueprint.

No Django import here. An assessment's blueprint is a list of rows, each asking
for ``count`` questions of one element (any of its criteria) or of one criterion;
``draw`` picks them from the question bank with a caller-supplied ``random.Random``
so that a seeded draw is reproducible.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import NamedTuple

__all__ = ["BlueprintRow", "Candidate", "NotEnoughQuestions", "draw"]


@dataclass(frozen=True)
class BlueprintRow:
    element: str
    criterion: str | None
    count: int

    def __post_init__(self) -> None:
        if isinstance(self.count, bool) or not isinstance(self.count, int):
            raise TypeError(f"count must be an int, got {type(self.count).__name__}")
        if self.count < 0:
            raise ValueError(f"count must not be negative, got {self.count}")

    def matches(self, candidate: Candidate) -> bool:
        return candidate.element == self.element and (
            self.criterion is None or candidate.criterion == self.criterion
        )

    def describe(self) -> str:
        if self.criterion is None:
            return f"element {self.element!r}"
        return f"element {self.element!r}, criterion {self.criterion!r}"


class Candidate(NamedTuple):
    """A question of the bank, as the draw sees it. A named tuple: a cached bank
    holds hundreds, and tuples are the cheapest to read back from a cache."""

    question_id: str
    element: str
    criterion: str


class NotEnoughQuestions(ValueError):
    """The question bank cannot fill a blueprint row."""

    def __init__(self, row: BlueprintRow, position: int, available: int) -> None:
        self.row = row
        self.position = position
        self.available = available
        super().__init__(
            f"blueprint row {position} ({row.describe()}) needs {row.count} "
            f"questions but the bank has only {available} left for it"
        )


def draw(
    rows: Sequence[BlueprintRow],
    pool: Sequence[Candidate],
    *,
    seen: Mapping[str, tuple] | Collection[str] = (),
    rng: random.Random,
    shuffle: bool = True,
) -> tuple[str, ...]:
    """Draw the question ids of one attempt.

    Each row gets ``count`` distinct questions that match it; no question is
    drawn twice. ``seen`` holds the questions the learner was shown before: a
    mapping from id to how it was seen (a sort key, such as (times shown, last
    attempt number): lower draws first), or a plain collection (all alike).
    Unseen questions always come first; a row short of them takes the seen ones
    in that order, picking at random among equals. The result is shuffled by
    ``rng`` when ``shuffle``, otherwise grouped by row (in the rows' order) and
    in pool order within a row. Raises ``NotEnoughQuestions`` naming a row that
    cannot be filled.
    """
    history = seen if isinstance(seen, Mapping) else dict.fromkeys(seen, ())

    def staleness(question_id: str) -> tuple:
        if question_id not in history:
            return (0,)
        return (1, *history[question_id])

    # Pool position per question; a question listed twice counts once.
    position: dict[str, int] = {}
    bank: list[Candidate] = []
    for candidate in pool:
        if candidate.question_id not in position:
            position[candidate.question_id] = len(bank)
            bank.append(candidate)

    # Criterion rows go first: they can only use their own criterion, while an
    # element row can take whatever its element has left. In this order, a
    # blueprint that can be filled at all is filled, with as many unseen
    # questions as possible.
    order = sorted(range(len(rows)), key=lambda i: rows[i].criterion is None)
    used: set[str] = set()
    picked: list[list[str]] = [[] for _ in rows]
    for i in order:
        row = rows[i]
        if row.count == 0:
            continue
        fits = [
            c.question_id for c in bank if c.question_id not in used and row.matches(c)
        ]
        if len(fits) < row.count:
            raise NotEnoughQuestions(row, i + 1, len(fits))
        chosen: list[str] = []
        # Tiers of equally stale questions, freshest first (sorted is stable:
        # pool order within a tier, so a seeded draw is reproducible).
        for _rank, tier in groupby(sorted(fits, key=staleness), key=staleness):
            tier = list(tier)
            need = row.count - len(chosen)
            if len(tier) >= need:
                chosen += rng.sample(tier, need)
                break
            chosen += tier
        used.update(chosen)
        picked[i] = chosen

    if shuffle:
        result = [q for chosen in picked for q in chosen]
        rng.shuffle(result)
        return tuple(result)
    return tuple(
        q for chosen in picked for q in sorted(chosen, key=position.__getitem__)
    )
