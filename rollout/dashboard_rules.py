"""Pure rules of the rollout dashboards (no Django): funnel stages, heat-map
shares and colours, median days, targets. The selectors feed them rows that
the database has already grouped."""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from fractions import Fraction

# The funnel, in order. A later stage counts as having passed every earlier
# one: someone certified without their lessons marked done (a renewal, a
# course changed after the fact) still went through the whole funnel.
ENROLLED, COMPLETED, KNOWLEDGE, EVALUATED, CERTIFIED = range(5)
STAGES = (ENROLLED, COMPLETED, KNOWLEDGE, EVALUATED, CERTIFIED)


def furthest_stage(
    *, completed: bool, knowledge: bool, evaluated: bool, certified: bool
) -> int:
    """The furthest funnel stage an enrolled person reached."""
    if certified:
        return CERTIFIED
    if evaluated:
        return EVALUATED
    if knowledge:
        return KNOWLEDGE
    if completed:
        return COMPLETED
    return ENROLLED


def funnel_counts(stages: Iterable[tuple[int, int]]) -> tuple[int, ...]:
    """From (furthest stage, number of people) pairs, how many reached at least
    each stage: never growing from one stage to the next."""
    at = [0] * len(STAGES)
    for stage, count in stages:
        at[stage] += count
    reached, running = [], 0
    for count in reversed(at):
        running += count
        reached.append(running)
    return tuple(reversed(reached))


def share(part: int, whole: int) -> Fraction | None:
    """part of whole; None when there is nobody to count."""
    return Fraction(part, whole) if whole else None


# Heat-map cells: Bootstrap classes by the share of candidates failing.
HEAT_LEVELS = (
    (Fraction(0), "bg-success-subtle"),
    (Fraction(1, 4), "bg-warning-subtle"),
    (Fraction(1, 2), "bg-warning"),
    (Fraction(1), "bg-danger text-white"),
)


def heat_class(value: Fraction | None) -> str:
    """Nobody counted: a plain cell. None failing: green; up to a quarter:
    light amber; up to half: amber; more: red."""
    if value is None:
        return "bg-body-secondary"
    for limit, css in HEAT_LEVELS:
        if value <= limit:
            return css
    return HEAT_LEVELS[-1][1]


def criterion_failed(
    scores: Iterable[tuple[Fraction, int]], threshold: Fraction
) -> bool:
    """The questionnaire rule of ``assessments.grading`` for one criterion of
    one attempt: the criterion's questions (score, how many questions scored
    it) earned, over their number, below the element's threshold."""
    earned, possible = Fraction(0), 0
    for score, count in scores:
        earned += score * count
        possible += count
    return possible > 0 and earned < threshold * possible


def days_between(start: datetime | date, end: datetime | date) -> int:
    start = start.date() if isinstance(start, datetime) else start
    end = end.date() if isinstance(end, datetime) else end
    return (end - start).days


def median_days(days: Iterable[int]) -> float | None:
    """The median number of days (a half for an even count); None if empty."""
    values = list(days)
    return statistics.median(values) if values else None


def cumulative(first_days: Iterable[date]) -> list[tuple[date, int]]:
    """From each person's first certificate date, the running total per day."""
    per_day: dict[date, int] = {}
    for day in first_days:
        per_day[day] = per_day.get(day, 0) + 1
    total, points = 0, []
    for day in sorted(per_day):
        total += per_day[day]
        points.append((day, total))
    return points


def count_within(counts_by_path: dict[str, int], path: str) -> int:
    """People of a unit and everything below it, from counts per unit path."""
    return sum(
        n for unit_path, n in counts_by_path.items() if unit_path.startswith(path)
    )


@dataclass(frozen=True)
class TargetPoint:
    due_on: date
    certified: int


def current_target(targets: Iterable[TargetPoint], today: date) -> TargetPoint | None:
    """The most recent target whose date has come (None before the first)."""
    past = [target for target in targets if target.due_on <= today]
    return max(past, key=lambda target: target.due_on) if past else None


def behind(certified: int, target: TargetPoint | None) -> bool:
    """Behind when fewer people are certified than the current target asks."""
    return target is not None and certified < target.certified
