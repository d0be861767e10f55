"""Read queries for the trainers' admin screens: the question bank listing and its
filters, the re-grade preview, assessment results and item statistics.

Each function runs a fixed number of queries, whatever the number of questions,
attempts or responses.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import django_filters
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet

from standards.display import percent_label
from standards.models import Criterion, Element

from . import bank, blueprint, item_stats, payloads
from .models import (
    AssessmentPage,
    Attempt,
    BlueprintRow,
    ElementResult,
    Question,
    QuestionVersion,
    RegradeRecord,
    Response,
)
from .question_types import registry

# ----------------------------------------------------------------- question bank


def question_type_choices() -> list[tuple[str, str]]:
    return [(qtype.name, qtype.stream_child.label) for qtype in registry.all()]


class QuestionFilterSet(WagtailFilterSet):
    """The bank listing's filters; the GIFT export reads the same parameters.

    The type lives in the one-block StreamField (its block type), so it is
    filtered with a JSON lookup on the stored content: ``content[0].type``.
    """

    element = django_filters.ModelChoiceFilter(
        label=_("elemento"),
        field_name="criterion__element",
        queryset=Element.objects.select_related("standard"),
    )
    criterion = django_filters.ModelChoiceFilter(
        label=_("criterio"),
        field_name="criterion",
        queryset=Criterion.objects.all(),
    )
    type = django_filters.ChoiceFilter(
        label=_("tipo"), choices=question_type_choices, method="filter_type"
    )
    difficulty = django_filters.ChoiceFilter(
        label=_("dificultad"), choices=Question.Difficulty.choices
    )
    active = django_filters.ChoiceFilter(
        label=_("estado"),
        choices=[("true", _("activa")), ("false", _("inactiva"))],
        method="filter_active",
    )

    class Meta:
        model = Question
        fields = ["element", "criterion", "type", "difficulty", "active"]

    def filter_type(self, queryset, name, value):
        return queryset.filter(content__0__type=value) if value else queryset

    def filter_active(self, queryset, name, value):
        if value in ("true", "false"):
            return queryset.filter(active=value == "true")
        return queryset


QUESTION_SEARCH_FIELDS = ["code", "stem"]


def questions_for_listing() -> QuerySet[Question]:
    return Question.objects.select_related("criterion__element").annotate(
        version_count=Count("versions")
    )


def questions_matching(params) -> QuerySet[Question]:
    """The questions the listing shows for these GET parameters (filters and the
    ``q`` search), with what the GIFT export needs loaded."""
    queryset = Question.objects.select_related(
        "criterion__element", "criterion__standard"
    ).order_by("criterion__standard__code", "criterion__order", "code")
    filterset = QuestionFilterSet(data=params, queryset=queryset)
    if filterset.is_valid():
        queryset = filterset.qs
    query = (params.get("q") or "").strip()
    if query:
        condition = Q()
        for name in QUESTION_SEARCH_FIELDS:
            condition |= Q(**{f"{name}__icontains": query})
        queryset = queryset.filter(condition)
    return queryset


def questions_with_versions(*, ids) -> list[str]:
    """Codes of these questions that attempts have shown (they have versions)."""
    return list(
        QuestionVersion.objects.filter(question_id__in=ids)
        .values_list("question__code", flat=True)
        .distinct()
        .order_by("question__code")
    )


# ----------------------------------------------------------------- re-grading


@dataclass(frozen=True)
class RegradePreview:
    attempts: int  # submitted attempts whose key is not the question's current one
    current_version: QuestionVersion | None  # None: the next draw makes a version


def regrade_preview(*, question: Question) -> RegradePreview:
    """How many submitted attempts a re-grade would touch, without making the new
    version (that is the service's job, on POST)."""
    digest = payloads.question_digest(question)
    current = QuestionVersion.objects.filter(
        question=question, content_hash=digest
    ).first()
    attempts = (
        Response.objects.filter(
            version__question=question,
            attempt__status=Attempt.Status.SUBMITTED,
            version__payload__type=question.type,
        )
        .exclude(key_version__content_hash=digest)
        .values("attempt")
        .distinct()
        .count()
    )
    return RegradePreview(attempts=attempts, current_version=current)


def regrade_records(*, question: Question | None = None, limit: int = 50):
    records = RegradeRecord.objects.select_related(
        "question", "to_version", "by"
    ).order_by("-at")
    if question is not None:
        records = records.filter(question=question)
    return records[:limit]


# ----------------------------------------------------------------- results


def assessment_pages() -> QuerySet[AssessmentPage]:
    submitted = Q(attempts__status=Attempt.Status.SUBMITTED)
    return AssessmentPage.objects.annotate(
        submitted_count=Count("attempts", filter=submitted),
        competent_count=Count(
            "attempts", filter=submitted & Q(attempts__competent=True)
        ),
    ).order_by("path")


@dataclass(frozen=True)
class AssessmentSummary:
    submitted: int
    competent: int
    open: int

    @property
    def pass_rate(self) -> Fraction | None:
        return Fraction(self.competent, self.submitted) if self.submitted else None

    @property
    def pass_rate_text(self) -> str:
        return percent_text(self.pass_rate)


def assessment_summary(*, assessment: AssessmentPage) -> AssessmentSummary:
    submitted = Q(status=Attempt.Status.SUBMITTED)
    counts = Attempt.objects.filter(assessment=assessment).aggregate(
        submitted=Count("pk", filter=submitted),
        competent=Count("pk", filter=submitted & Q(competent=True)),
        open=Count("pk", filter=Q(status=Attempt.Status.OPEN)),
    )
    return AssessmentSummary(**counts)


@dataclass(frozen=True)
class ElementPassRate:
    code: str
    title: str
    attempts: int
    passed: int

    @property
    def pass_rate(self) -> Fraction | None:
        return Fraction(self.passed, self.attempts) if self.attempts else None

    @property
    def pass_rate_text(self) -> str:
        return percent_text(self.pass_rate)


def element_pass_rates(*, assessment: AssessmentPage) -> list[ElementPassRate]:
    rows = (
        ElementResult.objects.filter(
            attempt__assessment=assessment,
            attempt__status=Attempt.Status.SUBMITTED,
        )
        .values("element__code", "element__title", "element__order")
        .annotate(attempts=Count("pk"), passed=Count("pk", filter=Q(passed=True)))
        .order_by("element__order", "element__code")
    )
    return [
        ElementPassRate(
            code=row["element__code"],
            title=row["element__title"],
            attempts=row["attempts"],
            passed=row["passed"],
        )
        for row in rows
    ]


def assessment_attempts(*, assessment: AssessmentPage) -> QuerySet[Attempt]:
    """Every attempt, newest first, with the learner (for a paginated list)."""
    return (
        Attempt.objects.filter(assessment=assessment)
        .select_related("learner")
        .order_by("-started_at", "-pk")
    )


# ----------------------------------------------------------------- item statistics


@dataclass(frozen=True)
class OptionCount:
    text: str
    count: int
    correct: bool | None  # None: the question has no right/wrong options (situational)
    credit: int | None = None  # situational: the option's credit in %


@dataclass(frozen=True)
class ItemRow:
    code: str
    stem: str
    type_label: str
    criterion: str
    element: str
    n: int
    facility: Fraction
    discrimination: Fraction | None
    options: tuple[OptionCount, ...]

    @property
    def facility_text(self) -> str:
        return decimal_text(self.facility)

    @property
    def discrimination_text(self) -> str:
        return decimal_text(self.discrimination)


def _choice_ids(answer) -> tuple[str, ...]:
    if isinstance(answer, str):
        return (answer,)
    if isinstance(answer, list):
        return tuple(str(a) for a in answer)
    return ()  # blank, or matching / ordering: no options to count


def _options(payload: dict) -> list[dict]:
    """The countable options of a payload: id, text, correct, credit."""
    return registry.get(payload["type"]).countable_options(payload)


def item_statistics_rows(*, assessment: AssessmentPage) -> list[ItemRow]:
    """Facility, discrimination, n and option counts per question, from the graded
    responses of the submitted attempts of this assessment (two queries).

    Option texts and the key come from the versions the learners were shown and
    graded with; the latest of them wins when a question had several.
    """
    submitted = Response.objects.filter(
        attempt__assessment=assessment, attempt__status=Attempt.Status.SUBMITTED
    )
    responses = list(
        submitted.values_list("attempt_id", "version_id", "score", "answer")
    )
    versions = {
        v.pk: v
        for v in QuestionVersion.objects.filter(
            Q(pk__in=submitted.values("version_id"))
            | Q(pk__in=submitted.values("key_version_id"))
        ).select_related("question", "criterion__element")
    }
    # Per question: its latest version (shown or grading), and every option any of
    # its versions had, in the latest version's order, with the latest text.
    latest: dict[int, QuestionVersion] = {}
    options: dict[int, dict[str, dict]] = defaultdict(dict)
    for version in sorted(versions.values(), key=lambda v: -v.number):
        latest.setdefault(version.question_id, version)
        for option in _options(version.payload):
            options[version.question_id].setdefault(option["id"], option)

    stats = item_stats.item_statistics(
        item_stats.ItemResponse(
            attempt_id=str(attempt_id),
            question_id=str(versions[version_id].question_id),
            score=score if score is not None else Fraction(0),
            choice_ids=_choice_ids(answer),
        )
        for attempt_id, version_id, score, answer in responses
    )
    labels = dict(question_type_choices())
    rows = []
    for question_id_text, stat in stats.items():
        version = latest[int(question_id_text)]
        counts = dict(stat.option_counts)
        option_counts = tuple(
            OptionCount(
                text=o["text"],
                count=counts.get(option_id, 0),
                correct=o["correct"],
                credit=o["credit"],
            )
            for option_id, o in options[version.question_id].items()
        )
        criterion = version.criterion
        rows.append(
            ItemRow(
                code=version.question.code,
                stem=version.payload["stem"],
                type_label=str(labels.get(version.type, version.type)),
                criterion=criterion.code,
                element=criterion.element.code if criterion.element_id else "",
                n=stat.n,
                facility=stat.facility,
                discrimination=stat.discrimination,
                options=option_counts,
            )
        )
    rows.sort(key=lambda row: row.code)
    return rows


def decimal_text(value: Fraction | None, places: int = 2) -> str:
    """A Fraction shown with ``places`` decimals (half up); "—" for None."""
    if value is None:
        return "—"
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return str(exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def percent_text(value: Fraction | None) -> str:
    """A share in [0, 1] as the site shows percentages (standards.display
    .percent_label); "—" for None."""
    return "—" if value is None else percent_label(value, 1)


# ------------------------------------------------------------------ coverage


def criteria_asked_in_every_final() -> dict[int, list[AssessmentPage]]:
    """Criterion id -> the live final assessments that ask it in every attempt:
    through a covering row of its element, or a row of its own, when the bank
    has an active question the row can draw (``blueprint.always_asked``, the
    draw's own rule). For the coverage report: 3 queries, however many finals,
    rows and questions (2 when no row covers)."""
    rows = list(
        BlueprintRow.objects.filter(
            page__live=True, page__mode=AssessmentPage.Mode.FINAL
        )
        .select_related("page")
        .order_by("page__path", "sort_order")
    )
    criteria = bank.covered_criteria(rows)
    pool = [
        question.candidate()
        for question in Question.objects.filter(
            active=True, criterion__element__in={row.element_id for row in rows}
        )
        .select_related("criterion")
        .defer("stem", "feedback")
    ]
    pages: dict[int, AssessmentPage] = {}
    by_page: dict[int, list[blueprint.BlueprintRow]] = defaultdict(list)
    for row in rows:
        pages[row.page_id] = row.page
        by_page[row.page_id].append(row.draw_row())
    asked: dict[int, list[AssessmentPage]] = defaultdict(list)
    for page_id, plan in by_page.items():
        for criterion_id in blueprint.always_asked(plan, pool, criteria):
            asked[int(criterion_id)].append(pages[page_id])
    return dict(asked)
