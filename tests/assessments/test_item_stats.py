"""Classical item analysis in assessments.item_stats; no Django needed."""

from __future__ import annotations

import random
from fractions import Fraction as F

import pytest

from assessments.item_stats import ItemResponse, ItemStats, item_statistics

# Ten attempts over three questions, chosen so that the ranking by total score is
# strict: a01 (3) > a02 (5/2) > a03 (2) > a04 (7/4) > a05 (3/2) > a06 (5/4)
# > a07 (1) > a08 (3/4) > a09 (1/2) > a10 (0). With 27 %, each group has
# round(10 * 0.27) = 3 attempts: upper a01-a03, lower a08-a10.
TEN = {
    "a01": (1, 1, 1),
    "a02": (1, 1, F(1, 2)),
    "a03": (0, 1, 1),
    "a04": (1, F(1, 2), F(1, 4)),
    "a05": (1, F(1, 2), 0),
    "a06": (0, 1, F(1, 4)),
    "a07": (1, 0, 0),
    "a08": (F(1, 2), F(1, 4), 0),
    "a09": (0, F(1, 2), 0),
    "a10": (0, 0, 0),
}


def ten_responses() -> list[ItemResponse]:
    return [
        ItemResponse(attempt, f"q{index}", F(score), ())
        for attempt, scores in TEN.items()
        for index, score in enumerate(scores, start=1)
    ]


@pytest.mark.parametrize(
    ("question", "facility", "discrimination"),
    [
        # q1: (1+1+0+1+1+0+1+1/2+0+0)/10; upper 1,1,0 -> 2/3; lower 1/2,0,0 -> 1/6.
        ("q1", F(11, 20), F(1, 2)),
        # q2: 23/4 / 10; upper 1,1,1 -> 1; lower 1/4,1/2,0 -> 1/4.
        ("q2", F(23, 40), F(3, 4)),
        # q3: 3 / 10; upper 1,1/2,1 -> 5/6; lower 0,0,0 -> 0.
        ("q3", F(3, 10), F(5, 6)),
    ],
)
def test_facility_and_discrimination_by_hand(question, facility, discrimination):
    """Facility is the mean score; discrimination is the mean in the top 27 % by
    total score minus the mean in the bottom 27 %."""
    stats = item_statistics(ten_responses())[question]
    assert stats.n == 10
    assert stats.facility == facility
    assert stats.discrimination == discrimination


def test_group_fraction_sets_group_size():
    """With half of the attempts per group, q1 compares a01-a05 (4/5) with
    a06-a10 (3/10)."""
    stats = item_statistics(ten_responses(), group_fraction=F(1, 2))
    assert stats["q1"].discrimination == F(4, 5) - F(3, 10)


def test_results_are_sorted_by_question_and_independent_of_input_order():
    """The same responses in any order give the same statistics, keyed in id
    order."""
    responses = ten_responses()
    expected = item_statistics(responses)
    random.Random(7).shuffle(responses)
    result = item_statistics(responses)
    assert result == expected
    assert list(result) == ["q1", "q2", "q3"]


def test_ties_are_broken_by_attempt_id():
    """All four totals are equal, so the ranking is by attempt id: the upper group
    (one attempt) is 'ana' and the lower group is 'dora'."""
    rows = {"beto": (1, 0), "dora": (0, 1), "ana": (1, 0), "carla": (0, 1)}
    responses = [
        ItemResponse(attempt, f"q{index}", F(score), ())
        for attempt, scores in rows.items()
        for index, score in enumerate(scores, start=1)
    ]
    stats = item_statistics(responses)
    assert stats["q1"].discrimination == 1
    assert stats["q2"].discrimination == -1
    assert stats["q1"].facility == F(1, 2)


@pytest.mark.parametrize(
    ("scores", "discrimination"),
    [
        ([F(1)], None),
        ([F(1, 2)], None),
        ([F(1), F(0)], F(1)),
        ([F(0), F(1)], F(1)),
    ],
)
def test_discrimination_needs_two_attempts(scores, discrimination):
    """With one answer there are no groups to compare (None); with two, each group
    has one attempt."""
    responses = [
        ItemResponse(f"att{index}", "q", score, ())
        for index, score in enumerate(scores)
    ]
    stats = item_statistics(responses)["q"]
    assert stats.n == len(scores)
    assert stats.discrimination == discrimination


def test_groups_only_rank_attempts_that_answered_the_question():
    """A question drawn in three of five attempts is judged among those three; the
    attempts that never saw it do not fill its groups."""
    responses = [
        ItemResponse("top", "other", F(1), ()),
        ItemResponse("bottom", "other", F(0), ()),
        ItemResponse("x", "drawn", F(1), ()),
        ItemResponse("y", "drawn", F(1, 2), ()),
        ItemResponse("z", "drawn", F(0), ()),
    ]
    stats = item_statistics(responses)
    assert stats["drawn"] == ItemStats("drawn", 3, F(1, 2), F(1), ())
    assert stats["other"].discrimination == 1


def test_option_counts():
    """Each option id counts once per response that picked it, sorted by id."""
    responses = [
        ItemResponse("a1", "q", F(1), ("b", "a")),
        ItemResponse("a2", "q", F(0), ("a",)),
        ItemResponse("a3", "q", F(0), ()),
        ItemResponse("a4", "q", F(1, 2), ("c", "a", "a")),
    ]
    stats = item_statistics(responses)["q"]
    assert stats.option_counts == (("a", 3), ("b", 1), ("c", 1))
    assert stats.n == 4
    assert stats.facility == F(3, 8)


def test_no_responses_give_no_statistics():
    """Nothing answered, nothing to report."""
    assert item_statistics([]) == {}


@pytest.mark.parametrize(
    ("responses", "group_fraction", "error"),
    [
        ([ItemResponse("a", "q", F(3, 2), ())], F(27, 100), ValueError),
        ([ItemResponse("a", "q", F(-1, 2), ())], F(27, 100), ValueError),
        (
            [ItemResponse("a", "q", F(1), ()), ItemResponse("a", "q", F(0), ())],
            F(27, 100),
            ValueError,
        ),
        ([ItemResponse("a", "q", 0.5, ())], F(27, 100), TypeError),
        ([], F(0), ValueError),
        ([], F(3, 4), ValueError),
    ],
    ids=["score-above-1", "negative-score", "twice", "float", "zero-group", "big"],
)
def test_bad_input_is_refused(responses, group_fraction, error):
    """Scores outside [0, 1], float scores, a question answered twice in one
    attempt and group fractions outside (0, 1/2] are programming errors."""
    with pytest.raises(error):
        item_statistics(responses, group_fraction=group_fraction)
