"""Ordering questions: the order a learner is shown is a uniformly random
permutation of the items, the right order included (always avoiding it would
give the answer away), whatever the assessment's option shuffling. The editor's
rule of at least three items is tested with the other block rules
(test_question_bank_load, test_question_bank_admin, test_gift_import_export)."""

import random
from collections import Counter
from itertools import permutations

import pytest

from assessments import payloads
from assessments.question_types.ordering import MIN_ITEMS

DRAWS = 6000
# The chi-square value with 5 degrees of freedom (the six orders of three items)
# that a uniform draw exceeds one time in a thousand.
CHI_SQUARE_5_DOF_P001 = 20.52


def ordering_payload(count: int) -> dict:
    return {
        "type": "ordering",
        "stem": "Ordena los pasos.",
        "feedback": "",
        "items": [{"id": f"i{n}", "text": f"Paso {n}"} for n in range(count)],
    }


def shown_orders(payload: dict, *, seed: int, shuffle: bool = True) -> Counter:
    rng = random.Random(seed)
    return Counter(
        tuple(payloads.display_order(payload, rng=rng, shuffle=shuffle)["items"])
        for _ in range(DRAWS)
    )


@pytest.mark.parametrize("shuffle", [True, False], ids=["shuffled", "not shuffled"])
@pytest.mark.parametrize("seed", [1, 2026])
def test_three_items_are_shown_in_every_order_equally_often(seed, shuffle):
    """Over 6,000 seeded draws, all six orders of three items appear, the right
    one included, each about 1,000 times (chi-square below its 0.1 % critical
    value), also when the assessment does not shuffle options: an ordering
    question is always shuffled."""
    payload = ordering_payload(3)
    counts = shown_orders(payload, seed=seed, shuffle=shuffle)
    ids = [item["id"] for item in payload["items"]]
    assert set(counts) == set(permutations(ids))
    assert counts[tuple(ids)] > 0
    expected = DRAWS / len(counts)
    chi_square = sum((n - expected) ** 2 / expected for n in counts.values())
    assert chi_square < CHI_SQUARE_5_DOF_P001, counts
    assert all(abs(n - expected) < expected * 0.15 for n in counts.values()), counts


def test_a_two_item_question_made_before_the_rule_is_not_always_reversed():
    """A two-item question (frozen before the three-item rule) is shown in the
    right order about half the time, not never."""
    counts = shown_orders(ordering_payload(2), seed=7)
    assert counts[("i0", "i1")] == pytest.approx(DRAWS / 2, rel=0.1)
    assert counts[("i1", "i0")] == pytest.approx(DRAWS / 2, rel=0.1)


def test_the_display_holds_every_item_once():
    """Whatever the order, each item is shown exactly once."""
    payload = ordering_payload(7)
    rng = random.Random(3)
    for _ in range(200):
        shown = payloads.display_order(payload, rng=rng, shuffle=True)["items"]
        assert sorted(shown) == sorted(item["id"] for item in payload["items"])


def test_the_rule_is_three_items():
    assert MIN_ITEMS == 3
