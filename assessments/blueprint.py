"""Pure question drawing from an assessment blueprint.

No Django import here. An assessment's blueprint is a list of rows, each asking
for ``count`` questions of one element (any of its criteria) or of one criterion,
optionally of one knowledge level only (comprehension or application). An element
row may also *cover* its element: at least one question of each criterion the
element asks (performance, product and knowledge; the caller names them), then
filled to ``count`` at random. ``draw`` picks them from the question bank with a
caller-supplied ``random.Random`` so that a seeded draw is reproducible.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import NamedTuple

__all__ = [
    "BlueprintRow",
    "Candidate",
    "CriteriaNotCovered",
    "NotEnoughQuestions",
    "always_asked",
    "criteria_without_questions",
    "draw",
]


@dataclass(frozen=True)
class BlueprintRow:
    element: str
    criterion: str | None
    count: int
    #: At least one question of each of the element's criteria, then fill.
    cover: bool = False
    #: Only questions of this knowledge level (None: any).
    level: str | None = None

    def __post_init__(self) -> None:
        if isinstance(self.count, bool) or not isinstance(self.count, int):
            raise TypeError(f"count must be an int, got {type(self.count).__name__}")
        if self.count < 0:
            raise ValueError(f"count must not be negative, got {self.count}")
        if self.cover and self.criterion is not None:
            raise ValueError("only an element row covers its element's criteria")

    def matches(self, candidate: Candidate) -> bool:
        return (
            candidate.element == self.element
            and (self.criterion is None or candidate.criterion == self.criterion)
            and (self.level is None or candidate.level == self.level)
        )

    def describe(self) -> str:
        text = f"element {self.element!r}"
        if self.criterion is not None:
            text += f", criterion {self.criterion!r}"
        if self.level is not None:
            text += f", level {self.level!r}"
        return text


class Candidate(NamedTuple):
    """A question of the bank, as the draw sees it. A named tuple: a cached bank
    holds hundreds, and tuples are the cheapest to read back from a cache."""

    question_id: str
    element: str
    criterion: str
    level: str = ""


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


class CriteriaNotCovered(NotEnoughQuestions):
    """A covering row cannot ask every criterion of its element: its count is
    below the number of criteria, or the bank has no question (left) for some."""

    def __init__(
        self, row: BlueprintRow, position: int, criteria: Sequence[str], needed: int
    ) -> None:
        self.row = row
        self.position = position
        self.criteria = tuple(criteria)
        self.available = row.count
        if self.criteria:
            detail = "no question left for criteria " + ", ".join(
                repr(c) for c in self.criteria
            )
        else:
            detail = f"{needed} criteria to cover but a count of {row.count}"
        ValueError.__init__(
            self, f"blueprint row {position} ({row.describe()}) has {detail}"
        )


def criteria_without_questions(
    row: BlueprintRow, pool: Iterable[Candidate], criteria: Sequence[str]
) -> list[str]:
    """The criteria of ``criteria`` (in their order) for which ``pool`` has no
    question that ``row`` could draw (its element and level)."""
    present = {c.criterion for c in pool if c.element == row.element and row.matches(c)}
    return [criterion for criterion in criteria if criterion not in present]


def always_asked(
    rows: Iterable[BlueprintRow],
    pool: Iterable[Candidate],
    criteria: Mapping[str, Sequence[str]],
) -> set[str]:
    """The criteria every draw of ``rows`` asks: those of a criterion row with a
    count and a question to draw, and each criterion of a covering row's element
    that the bank has a question for. (A covering row that misses a criterion
    cannot be drawn at all: the editor refuses it.)"""
    pool = list(pool)
    asked: set[str] = set()
    for row in rows:
        if row.count == 0:
            continue
        wanted = [row.criterion] if row.criterion else []
        if row.cover:
            wanted = list(criteria.get(row.element, ()))
        missing = set(criteria_without_questions(row, pool, wanted))
        asked.update(c for c in wanted if c not in missing)
    return asked


def draw(
    rows: Sequence[BlueprintRow],
    pool: Sequence[Candidate],
    *,
    seen: Mapping[str, tuple] | Collection[str] = (),
    rng: random.Random,
    shuffle: bool = True,
    criteria: Mapping[str, Sequence[str]] | None = None,
) -> tuple[str, ...]:
    """Draw the question ids of one attempt.

    Each row gets ``count`` distinct questions that match it; no question is
    drawn twice. A covering row first takes one question of each criterion
    ``criteria`` lists for its element (element -> criterion ids, required when
    a row covers), then fills to its count from the rest of its element.
    ``seen`` holds the questions the learner was shown before: a mapping from id
    to how it was seen (a sort key, such as (times shown, last attempt number):
    lower draws first), or a plain collection (all alike). Unseen questions
    always come first; a row short of them takes the seen ones in that order,
    picking at random among equals. Coverage wins over avoidance: a criterion
    whose every question was seen still gets one, the least seen. The result
    is shuffled by ``rng`` when ``shuffle``, otherwise grouped by row (in the
    rows' order) and in pool order within a row. Raises ``NotEnoughQuestions``
    (``CriteriaNotCovered`` for a covering row) naming a row that cannot be
    filled.
    """
    history = seen if isinstance(seen, Mapping) else dict.fromkeys(seen, ())

    def staleness(question_id: str) -> tuple:
        if question_id not in history:
            return (0,)
        return (1, *history[question_id])

    def pick(fits: list[str], need: int) -> list[str]:
        chosen: list[str] = []
        # Tiers of equally stale questions, freshest first (sorted is stable:
        # pool order within a tier, so a seeded draw is reproducible).
        for _rank, tier in groupby(sorted(fits, key=staleness), key=staleness):
            tier = list(tier)
            if len(tier) >= need - len(chosen):
                return chosen + rng.sample(tier, need - len(chosen))
            chosen += tier
        return chosen

    # Pool position per question; a question listed twice counts once.
    position: dict[str, int] = {}
    bank: list[Candidate] = []
    for candidate in pool:
        if candidate.question_id not in position:
            position[candidate.question_id] = len(bank)
            bank.append(candidate)

    # The most constrained rows go first: a criterion row can only use its own
    # criterion, a covering row needs one of each criterion, a level row one
    # level, while a plain element row can take whatever its element has left.
    # In this order, a blueprint that can be filled at all is filled (but for a
    # criterion row taking a criterion's only question that a covering row of
    # the same element needs: the editor warns of that bank), with as many
    # unseen questions as possible.
    order = sorted(
        range(len(rows)),
        key=lambda i: (
            rows[i].criterion is None,
            not rows[i].cover,
            rows[i].level is None,
        ),
    )
    used: set[str] = set()
    picked: list[list[str]] = [[] for _ in rows]
    for i in order:
        row = rows[i]
        if row.count == 0:
            continue
        fits = [c for c in bank if c.question_id not in used and row.matches(c)]
        chosen: list[str] = []
        if row.cover:
            if criteria is None:
                raise ValueError("a covering row needs its element's criteria")
            wanted = list(criteria.get(row.element, ()))
            if len(wanted) > row.count:
                raise CriteriaNotCovered(row, i + 1, (), len(wanted))
            missing = criteria_without_questions(row, fits, wanted)
            if missing:
                raise CriteriaNotCovered(row, i + 1, missing, len(wanted))
            for criterion in wanted:
                chosen += pick(
                    [c.question_id for c in fits if c.criterion == criterion], 1
                )
        rest = [c.question_id for c in fits if c.question_id not in chosen]
        if len(chosen) + len(rest) < row.count:
            raise NotEnoughQuestions(row, i + 1, len(fits))
        chosen += pick(rest, row.count - len(chosen))
        used.update(chosen)
        picked[i] = chosen

    if shuffle:
        result = [q for chosen in picked for q in chosen]
        rng.shuffle(result)
        return tuple(result)
    return tuple(
        q for chosen in picked for q in sorted(chosen, key=position.__getitem__)
    )
