"""The dashboards' pure rules, table-driven."""

from datetime import date, datetime
from fractions import Fraction

import pytest

from rollout import dashboard_rules as rules


@pytest.mark.parametrize(
    "flags, stage",
    [
        ((False, False, False, False), rules.ENROLLED),
        ((True, False, False, False), rules.COMPLETED),
        ((True, True, False, False), rules.KNOWLEDGE),
        ((False, True, False, False), rules.KNOWLEDGE),
        ((True, True, True, False), rules.EVALUATED),
        ((False, False, True, False), rules.EVALUATED),
        ((True, True, True, True), rules.CERTIFIED),
        ((False, False, False, True), rules.CERTIFIED),
    ],
)
def test_furthest_stage(flags, stage):
    completed, knowledge, evaluated, certified = flags
    assert (
        rules.furthest_stage(
            completed=completed,
            knowledge=knowledge,
            evaluated=evaluated,
            certified=certified,
        )
        == stage
    )


@pytest.mark.parametrize(
    "pairs, counts",
    [
        ([], (0, 0, 0, 0, 0)),
        ([(rules.ENROLLED, 3)], (3, 0, 0, 0, 0)),
        ([(rules.CERTIFIED, 2), (rules.ENROLLED, 1)], (3, 2, 2, 2, 2)),
        (
            [(rules.KNOWLEDGE, 1), (rules.KNOWLEDGE, 4), (rules.EVALUATED, 1)],
            (6, 6, 6, 1, 0),
        ),
    ],
)
def test_funnel_counts_reached_at_least(pairs, counts):
    assert rules.funnel_counts(pairs) == counts


@pytest.mark.parametrize(
    "part, whole, expected, css",
    [
        (0, 0, None, "bg-body-secondary"),
        (0, 5, Fraction(0), "bg-success-subtle"),
        (1, 4, Fraction(1, 4), "bg-warning-subtle"),
        (1, 3, Fraction(1, 3), "bg-warning"),
        (1, 2, Fraction(1, 2), "bg-warning"),
        (3, 4, Fraction(3, 4), "bg-danger text-white"),
        (4, 4, Fraction(1), "bg-danger text-white"),
    ],
)
def test_heat_share_and_colour(part, whole, expected, css):
    assert rules.share(part, whole) == expected
    assert rules.heat_class(rules.share(part, whole)) == css


@pytest.mark.parametrize(
    "scores, threshold, failed",
    [
        ([(Fraction(1), 4), (Fraction(0), 1)], Fraction(4, 5), False),  # 80 %: passes
        ([(Fraction(1), 3), (Fraction(0), 2)], Fraction(4, 5), True),
        ([(Fraction(1, 2), 2)], Fraction(1, 2), False),
        ([(Fraction(1, 3), 3)], Fraction(1, 2), True),
        ([], Fraction(4, 5), False),  # no question of the criterion: not failed
    ],
)
def test_criterion_failed_is_the_grading_rule(scores, threshold, failed):
    assert rules.criterion_failed(scores, threshold) is failed


@pytest.mark.parametrize(
    "days, median",
    [([], None), ([5], 5), ([1, 9, 3], 3), ([1, 2, 3, 10], 2.5)],
)
def test_median_days(days, median):
    assert rules.median_days(days) == median


def test_days_between_dates_and_datetimes():
    assert rules.days_between(datetime(2025, 1, 1, 23), datetime(2025, 1, 3, 1)) == 2
    assert rules.days_between(date(2025, 1, 1), date(2025, 1, 1)) == 0


def test_cumulative_and_count_within():
    days = [date(2025, 1, 2), date(2025, 1, 1), date(2025, 1, 2)]
    assert rules.cumulative(days) == [(date(2025, 1, 1), 1), (date(2025, 1, 2), 3)]
    counts = {"0001": 1, "00010001": 2, "00010002": 3, "0002": 7}
    assert rules.count_within(counts, "0001") == 6
    assert rules.count_within(counts, "00010002") == 3


T = rules.TargetPoint


@pytest.mark.parametrize(
    "certified, targets, today, behind",
    [
        (0, [], date(2025, 6, 1), False),
        (0, [T(date(2025, 7, 1), 5)], date(2025, 6, 1), False),  # not due yet
        (4, [T(date(2025, 5, 1), 5)], date(2025, 6, 1), True),
        (5, [T(date(2025, 5, 1), 5)], date(2025, 6, 1), False),
        (5, [T(date(2025, 1, 1), 9), T(date(2025, 5, 1), 5)], date(2025, 6, 1), False),
        (5, [T(date(2025, 5, 1), 5), T(date(2025, 6, 1), 6)], date(2025, 6, 1), True),
    ],
)
def test_behind_the_most_recent_past_target(certified, targets, today, behind):
    assert rules.behind(certified, rules.current_target(targets, today)) is behind
