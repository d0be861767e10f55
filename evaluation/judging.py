"""The judgement per element, as EC0305 is judged (pure: no Django).

An element is *competente* only when all four hold:

* its knowledge score (the cuestionario) reaches its threshold;
* every critical item that applies to it is met;
* its performance items (guía de observación) are met at the instrument's rate
  (100 % unless the instrument says otherwise);
* its product items (lista de cotejo) pass at that instrument's rate.

Items marked "no aplica" count in neither side. Attitude items (criteria with no
element, observed across the whole service) belong to every element. An element
with no item of a kind passes that kind (E3 has no product). The candidate is
competente only when every element is; a strong element never makes up for a weak
one.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

MET = "met"
NOT_MET = "not_met"
NOT_APPLICABLE = "na"

PERFORMANCE = "observation"
PRODUCT = "checklist"


@dataclass(frozen=True)
class Item:
    """One answered item of a signed record."""

    id: str
    instrument: str  # PERFORMANCE or PRODUCT
    element: str | None  # None: an attitude, observed in every element
    criterion: str
    text: str
    critical: bool
    outcome: str  # MET, NOT_MET or NOT_APPLICABLE


@dataclass(frozen=True)
class Knowledge:
    earned: Fraction
    possible: Fraction
    threshold: Fraction

    @property
    def passed(self) -> bool:
        return self.possible > 0 and self.earned / self.possible >= self.threshold


@dataclass(frozen=True)
class ElementJudgement:
    element: str
    competent: bool
    knowledge: Knowledge | None
    performance_met: int
    performance_total: int
    product_met: int
    product_total: int
    failures: tuple[Item, ...]  # the items not met that made it fail, in order

    @property
    def knowledge_passed(self) -> bool:
        return self.knowledge is not None and self.knowledge.passed


@dataclass(frozen=True)
class Verdict:
    elements: tuple[ElementJudgement, ...]

    @property
    def competent(self) -> bool:
        return bool(self.elements) and all(e.competent for e in self.elements)


def _rate_passes(met: int, total: int, rate: Fraction) -> bool:
    return total == 0 or Fraction(met, total) >= rate


def judge_element(
    element: str,
    *,
    knowledge: Knowledge | None,
    items: list[Item],
    rates: dict[str, Fraction],
) -> ElementJudgement:
    """``rates``: the pass rate of each instrument kind (PERFORMANCE, PRODUCT)."""
    mine = [
        item
        for item in items
        if (item.element in (element, None)) and item.outcome != NOT_APPLICABLE
    ]
    counts = {}
    for kind in (PERFORMANCE, PRODUCT):
        of_kind = [item for item in mine if item.instrument == kind]
        counts[kind] = (sum(item.outcome == MET for item in of_kind), len(of_kind))
    critical_ok = all(item.outcome == MET for item in mine if item.critical)
    rates_ok = all(
        _rate_passes(*counts[kind], rates.get(kind, Fraction(1)))
        for kind in (PERFORMANCE, PRODUCT)
    )
    knowledge_ok = knowledge is not None and knowledge.passed
    competent = knowledge_ok and critical_ok and rates_ok
    failures = () if competent else tuple(i for i in mine if i.outcome == NOT_MET)
    return ElementJudgement(
        element=element,
        competent=competent,
        knowledge=knowledge,
        performance_met=counts[PERFORMANCE][0],
        performance_total=counts[PERFORMANCE][1],
        product_met=counts[PRODUCT][0],
        product_total=counts[PRODUCT][1],
        failures=failures,
    )


def judge(
    elements: list[str],
    *,
    knowledge: dict[str, Knowledge],
    items: list[Item],
    rates: dict[str, Fraction],
) -> Verdict:
    return Verdict(
        tuple(
            judge_element(
                element, knowledge=knowledge.get(element), items=items, rates=rates
            )
            for element in elements
        )
    )
