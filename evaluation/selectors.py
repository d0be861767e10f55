"""Read queries for evaluation pages: judgements, observation records and the
coverage report. Each states how many queries it makes."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from courses.models import LessonPage
from standards.models import Criterion, Element

from .models import (
    ElementVerdict,
    EvidenceFile,
    InstrumentItem,
    Judgement,
    Observation,
    ObservationAnswer,
)


def verdicts(*, judgement: Judgement) -> list[ElementVerdict]:
    """The judgement's verdicts in the standard's order, with their elements and
    standard: 1 query."""
    return list(
        judgement.verdicts.select_related("element__standard").order_by(
            "element__order", "element__code"
        )
    )


# ------------------------------------------------------------- observation records

ATTITUDES = "~attitudes"


@dataclass(frozen=True)
class RecordItem:
    """One frozen item of a record with its saved answer (None if unanswered)."""

    id: str
    criterion: str
    criterion_kind: str
    text: str
    critical: bool
    answer: ObservationAnswer | None


@dataclass(frozen=True)
class RecordGroup:
    """The items of one element (or the attitudes, shown last)."""

    code: str
    title: str
    items: list[RecordItem]


def record_groups(*, observation: Observation) -> list[RecordGroup]:
    """The record's frozen items grouped by element in the standard's order,
    attitudes last, each with its answer: 2 queries (answers, elements),
    whatever the number of items."""
    answers = {a.item: a for a in observation.answers.all()}
    elements = list(
        Element.objects.filter(standard_id=observation.plan.standard_id)
        .order_by("order", "code")
        .values_list("code", "title")
    )
    titles = dict(elements)
    order = {code: position for position, (code, _title) in enumerate(elements)}
    groups: dict[str, list[RecordItem]] = {}
    for item in observation.version.items:
        key = (
            ATTITUDES
            if item.get("criterion_kind") == "attitude" or not item.get("element")
            else item["element"]
        )
        groups.setdefault(key, []).append(
            RecordItem(
                id=item["id"],
                criterion=item["criterion"],
                criterion_kind=item.get("criterion_kind", ""),
                text=item["text"],
                critical=bool(item.get("critical")),
                answer=answers.get(item["id"]),
            )
        )
    keys = sorted(
        groups, key=lambda key: (key == ATTITUDES, order.get(key, len(order)), key)
    )
    return [
        RecordGroup(
            code="" if key == ATTITUDES else key,
            title=_("Actitudes") if key == ATTITUDES else titles.get(key, ""),
            items=groups[key],
        )
        for key in keys
    ]


def record_evidence(*, observation: Observation) -> list[EvidenceFile]:
    """The record's evidence files, oldest first: 1 query."""
    return list(observation.evidence.order_by("uploaded_at", "pk"))


# --- coverage -------------------------------------------------------------------
# The coverage report (/admin/cobertura/): each criterion with the lessons that
# teach it and the instrument items that observe it.


@dataclass(frozen=True)
class CoverageRow:
    criterion: Criterion
    lessons: list[LessonPage]
    items: list[InstrumentItem]

    @property
    def observed(self) -> bool:
        """Some active instrument observes the criterion."""
        return any(item.instrument.active for item in self.items)


# Knowledge is measured with the cuestionario; everything else is observed.
OBSERVED_CRITERION_KINDS = ("performance", "product", "attitude")


def criteria_coverage() -> list[CoverageRow]:
    """Every criterion with the lessons tagged with it (live or draft) and the
    instrument items that observe it: 4 queries, however much data (3 when no
    lesson is tagged)."""
    criteria = list(
        Criterion.objects.select_related("standard", "element").order_by(
            "standard__code", "order", "code"
        )
    )
    links = list(
        LessonPage.criteria.through.objects.values_list("criterion_id", "lessonpage_id")
    )
    lessons = {}
    if links:
        lessons = {
            lesson.pk: lesson
            for lesson in LessonPage.objects.filter(
                pk__in={lesson_id for _, lesson_id in links}
            ).defer_streamfields()
        }
    lessons_by_criterion: dict[int, list[LessonPage]] = {}
    for criterion_id, lesson_id in links:
        lessons_by_criterion.setdefault(criterion_id, []).append(lessons[lesson_id])
    items_by_criterion: dict[int, list[InstrumentItem]] = {}
    for item in InstrumentItem.objects.select_related("instrument").order_by(
        "instrument__code", "sort_order", "pk"
    ):
        items_by_criterion.setdefault(item.criterion_id, []).append(item)
    return [
        CoverageRow(
            criterion,
            sorted(lessons_by_criterion.get(criterion.pk, []), key=lambda p: p.path),
            items_by_criterion.get(criterion.pk, []),
        )
        for criterion in criteria
    ]
