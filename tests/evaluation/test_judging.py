"""The judgement per element (evaluation/judging.py): a table of cases."""

from fractions import Fraction

import pytest

from evaluation.judging import (
    MET,
    NOT_APPLICABLE,
    NOT_MET,
    PERFORMANCE,
    PRODUCT,
    Item,
    Knowledge,
    judge,
    judge_element,
)

PASS = Knowledge(Fraction(9), Fraction(10), Fraction(4, 5))
FAIL = Knowledge(Fraction(7), Fraction(10), Fraction(4, 5))
EXACT = Knowledge(Fraction(8), Fraction(10), Fraction(4, 5))
FULL = {PERFORMANCE: Fraction(1), PRODUCT: Fraction(1)}


def item(n, outcome=MET, *, kind=PERFORMANCE, element="E2", critical=False):
    return Item(
        id=str(n),
        instrument=kind,
        element=element,
        criterion=f"{element or 'A'}-{n}",
        text=f"reactivo {n}",
        critical=critical,
        outcome=outcome,
    )


CASES = [
    # (description, knowledge, items, rates, competent, failed item ids)
    ("everything met", PASS, [item(1), item(2, kind=PRODUCT)], FULL, True, []),
    ("knowledge exactly at the threshold", EXACT, [item(1)], FULL, True, []),
    ("knowledge below the threshold", FAIL, [item(1)], FULL, False, []),
    ("no questionnaire result", None, [item(1)], FULL, False, []),
    (
        "one performance item not met at 100 %",
        PASS,
        [item(1), item(2, NOT_MET)],
        FULL,
        False,
        ["2"],
    ),
    (
        "one of four not met at a 75 % rate",
        PASS,
        [item(1), item(2), item(3), item(4, NOT_MET)],
        {PERFORMANCE: Fraction(3, 4), PRODUCT: Fraction(1)},
        True,
        [],
    ),
    (
        "a critical item is required whatever the rate",
        PASS,
        [item(1), item(2), item(3), item(4, NOT_MET, critical=True)],
        {PERFORMANCE: Fraction(3, 4), PRODUCT: Fraction(1)},
        False,
        ["4"],
    ),
    (
        "the product checklist fails",
        PASS,
        [item(1), item(2, NOT_MET, kind=PRODUCT)],
        FULL,
        False,
        ["2"],
    ),
    (
        "no aplica counts on neither side",
        PASS,
        [item(1), item(2, NOT_APPLICABLE)],
        FULL,
        True,
        [],
    ),
    (
        "an element with no product items passes that kind",
        PASS,
        [item(1)],
        FULL,
        True,
        [],
    ),
    (
        "another element's failure does not count",
        PASS,
        [item(1), item(2, NOT_MET, element="E1")],
        FULL,
        True,
        [],
    ),
    (
        "an attitude belongs to every element",
        PASS,
        [item(1), item(9, NOT_MET, element=None)],
        FULL,
        False,
        ["9"],
    ),
]


@pytest.mark.parametrize(
    ("description", "knowledge", "items", "rates", "competent", "failed"),
    CASES,
    ids=[case[0] for case in CASES],
)
def test_element_rule(description, knowledge, items, rates, competent, failed):
    result = judge_element("E2", knowledge=knowledge, items=items, rates=rates)
    assert result.competent is competent
    assert [i.id for i in result.failures] == failed


def test_counts_per_kind_leave_out_no_aplica():
    result = judge_element(
        "E2",
        knowledge=PASS,
        items=[
            item(1),
            item(2, NOT_MET),
            item(3, NOT_APPLICABLE),
            item(4, kind=PRODUCT),
            item(5, NOT_MET, kind=PRODUCT),
        ],
        rates={PERFORMANCE: Fraction(1, 2), PRODUCT: Fraction(1, 2)},
    )
    assert (result.performance_met, result.performance_total) == (1, 2)
    assert (result.product_met, result.product_total) == (1, 2)
    assert result.competent


def test_competent_only_when_every_element_is():
    """A strong element never makes up for a weak one."""
    items = [item(1, element="E1"), item(2, NOT_MET, element="E3")]
    verdict = judge(
        ["E1", "E2", "E3"],
        knowledge={"E1": PASS, "E2": PASS, "E3": PASS},
        items=items,
        rates=FULL,
    )
    assert [e.competent for e in verdict.elements] == [True, True, False]
    assert verdict.competent is False
    assert judge(["E1"], knowledge={"E1": PASS}, items=[], rates=FULL).competent
    assert not judge([], knowledge={}, items=[], rates=FULL).competent
