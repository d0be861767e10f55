"""Read queries for judgements and the coverage report."""

from dataclasses import dataclass

from courses.models import LessonPage
from standards.models import Criterion

from .models import ElementVerdict, InstrumentItem, Judgement


def verdicts(*, judgement: Judgement) -> list[ElementVerdict]:
    """The judgement's verdicts in the standard's order, with their elements and
    standard: 1 query."""
    return list(
        judgement.verdicts.select_related("element__standard").order_by(
            "element__order", "element__code"
        )
    )


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
