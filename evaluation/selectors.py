"""Read queries for competence evaluation: plans, judgements, observation
records, lists and the coverage report. Each states its query count; the tests
hold the list pages to it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from accounts import roles
from assessments.admin_selectors import criteria_asked_in_every_final
from assessments.models import ASKED_KINDS, Attempt, ElementResult
from courses import selectors as course_selectors
from courses.models import LessonPage
from standards.models import Criterion, Element, Standard

from .models import (
    ElementVerdict,
    EvaluationPlan,
    EvidenceFile,
    Instrument,
    InstrumentItem,
    InstrumentVersion,
    Judgement,
    LeadEvaluator,
    Observation,
    ObservationAnswer,
    PlanChange,
    Scenario,
)

OBSERVED_KINDS = (Instrument.Kind.OBSERVATION, Instrument.Kind.CHECKLIST)


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
# teach it, the finals that ask it in every attempt, the lessons whose practice
# activities practise it and the instrument items that observe it.


@dataclass(frozen=True)
class CoverageRow:
    criterion: Criterion
    lessons: list[LessonPage]
    items: list[InstrumentItem]
    practice: list[LessonPage] = field(default_factory=list)
    finals: list = field(default_factory=list)

    @property
    def asked(self) -> bool:
        """A question asks it (not an attitude, which is observed)."""
        return self.criterion.kind in ASKED_KINDS

    @property
    def observed(self) -> bool:
        """Some active instrument observes the criterion."""
        return any(item.instrument.active for item in self.items)


# Knowledge is measured with the cuestionario; everything else is observed.
OBSERVED_CRITERION_KINDS = ("performance", "product", "attitude")


def criteria_coverage() -> list[CoverageRow]:
    """Every criterion with the lessons tagged with it (live or draft), the
    lessons whose practice activities are tagged with it, the instrument items
    that observe it and the live finals that ask it in every attempt
    (``criteria_asked_in_every_final``): 8 queries, however much data (fewer
    when no lesson is tagged or no final row covers its element)."""
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
    practice = course_selectors.practice_lessons_by_criterion()
    items_by_criterion: dict[int, list[InstrumentItem]] = {}
    for item in InstrumentItem.objects.select_related("instrument").order_by(
        "instrument__code", "sort_order", "pk"
    ):
        items_by_criterion.setdefault(item.criterion_id, []).append(item)
    finals = criteria_asked_in_every_final()
    return [
        CoverageRow(
            criterion,
            sorted(lessons_by_criterion.get(criterion.pk, []), key=lambda p: p.path),
            items_by_criterion.get(criterion.pk, []),
            practice.get(criterion.code, []),
            finals.get(criterion.pk, []),
        )
        for criterion in criteria
    ]


# ==============================================================================
# Plans, judgements and the evaluation lists (evaluation/plan_views.py)
# ==============================================================================


def default_standard(code: str = "") -> Standard | None:
    """The standard a new plan is for: ``code`` if it has active instruments,
    else EC0305, else the first with active instruments: 1 query."""
    standards = list(
        Standard.objects.filter(instruments__active=True).distinct().order_by("code")
    )
    by_code = {standard.code: standard for standard in standards}
    return by_code.get(code) or by_code.get("EC0305") or next(iter(standards), None)


def is_lead_evaluator(user) -> bool:
    """Designated lead evaluator of some standard: 1 query."""
    return (
        user.is_authenticated and LeadEvaluator.objects.filter(user_id=user.pk).exists()
    )


def may_plan(user) -> bool:
    """Evaluators, lead evaluators and trainers plan evaluations: 0–2 queries."""
    return user.is_authenticated and (
        roles.is_evaluator(user) or roles.is_trainer(user) or is_lead_evaluator(user)
    )


def candidate_choices(*, search: str = "", include=None) -> QuerySet:
    """Active people who may be evaluated, by name; ``search`` narrows by name or
    user name (``include``, a user pk, stays in): a lazy queryset."""
    users = get_user_model().objects.filter(is_active=True)
    if search:
        words = Q()
        for word in search.split()[:5]:
            words &= (
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(username__icontains=word)
            )
        users = users.filter(words | Q(pk=include)) if include else users.filter(words)
    return users.order_by("last_name", "first_name", "username")


def evaluator_choices(*, standard: Standard, include=None) -> QuerySet:
    """People who may be chosen as evaluators of ``standard``: the Evaluadores
    group and its lead evaluators (the service still checks the certificate):
    a lazy queryset."""
    condition = Q(groups__name=roles.EVALUATORS) | Q(
        pk__in=LeadEvaluator.objects.filter(standard=standard).values("user_id")
    )
    if include:
        condition |= Q(pk=include)
    return (
        get_user_model()
        .objects.filter(condition, is_active=True)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def _current_records(plan_observations) -> dict[int, Observation]:
    """Per instrument id, the latest record no correction replaced."""
    current: dict[int, Observation] = {}
    for record in sorted(plan_observations, key=lambda o: (o.started_at, o.pk)):
        if not getattr(record, "is_replaced", False):
            current[record.version.instrument_id] = record
    return current


def _records_queryset():
    return Observation.objects.select_related("version").annotate(
        answered=Count("answers", distinct=True),
        is_replaced=Count("replaced_by", distinct=True),
    )


@dataclass
class InstrumentState:
    instrument: Instrument
    record: Observation | None

    @property
    def observed(self) -> bool:
        return self.instrument.kind in OBSERVED_KINDS

    @property
    def state(self) -> str:
        """not_started | capturing | signing | signed"""
        if self.record is None:
            return "not_started"
        if self.record.signed:
            return "signed"
        if self.record.evaluator_signed_at or self.record.candidate_signed_at:
            return "signing"
        if self.record.answered >= len(self.record.version.items):
            return "signing"
        return "capturing"


@dataclass
class ChangeRow:
    by: object
    at: datetime
    rows: list[tuple[str, object, object]] = field(default_factory=list)
    created: bool = False


def _change_value(name: str, value):
    if value in (None, "", []):
        return "—"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if name == "scheduled_at":
        try:
            return datetime.fromisoformat(value)
        except (TypeError, ValueError):
            return value
    if name == "setting":
        return (
            EvaluationPlan.Setting(value).label
            if value in EvaluationPlan.Setting.values
            else value
        )
    if name == "online":
        return _("sí") if value == "True" else _("no")
    return value


def _changes(plan: EvaluationPlan) -> list[ChangeRow]:
    labels = {
        f.name: f.verbose_name
        for f in EvaluationPlan._meta.get_fields()
        if hasattr(f, "verbose_name")
    }
    rows = []
    for change in PlanChange.objects.filter(plan=plan).select_related("by"):
        row = ChangeRow(by=change.by, at=change.at)
        row.created = all(before is None for before, _after in change.changes.values())
        for name, (before, after) in change.changes.items():
            row.rows.append(
                (
                    labels.get(name, name),
                    _change_value(name, before),
                    _change_value(name, after),
                )
            )
        rows.append(row)
    return rows


def plan_detail(*, plan: EvaluationPlan, attempt: Attempt | None) -> dict:
    """Everything the plan page shows: its instruments with the state of each
    record, elements, change history, the questionnaire's result per element and
    its judgements: 6 queries."""
    instruments = list(plan.instruments.order_by("kind", "code"))  # 1
    current = _current_records(_records_queryset().filter(plan=plan))  # 2
    states = [InstrumentState(i, current.get(i.pk)) for i in instruments]
    elements = list(plan.elements.order_by("order", "code"))  # 3
    results = (
        list(
            ElementResult.objects.filter(attempt=attempt)
            .select_related("element")
            .order_by("element__order", "element__code")
        )
        if attempt is not None
        else []
    )  # 4
    return {
        "instruments": states,
        "elements": elements,
        "changes": _changes(plan),  # 5
        "knowledge_results": results,
        "judgements": list(plan.judgements.order_by("-decided_at")),  # 6
        "ready_for_judgement": bool(states)
        and all(s.state == "signed" for s in states if s.observed),
    }


# ---------------------------------------------------------------- judgement page


def scenarios_by_criterion(criterion_ids: set[int]) -> dict[int, list[Scenario]]:
    """Scenarios that exercise these criteria: 2 queries at most."""
    if not criterion_ids:
        return {}
    through = Scenario.criteria.through
    links = list(
        through.objects.filter(criterion_id__in=criterion_ids).values_list(
            "criterion_id", "scenario_id"
        )
    )
    if not links:
        return {}
    scenarios = Scenario.objects.in_bulk({scenario_id for _c, scenario_id in links})
    result: dict[int, list[Scenario]] = {}
    for criterion_id, scenario_id in links:
        if scenario_id in scenarios:
            result.setdefault(criterion_id, []).append(scenarios[scenario_id])
    for values in result.values():
        values.sort(key=lambda scenario: scenario.code)
    return result


@dataclass
class FailedCriterion:
    criterion: Criterion | None
    code: str
    items: list[dict] = field(default_factory=list)
    knowledge: bool = False
    lessons: list = field(default_factory=list)
    scenarios: list = field(default_factory=list)


def judgement_detail(*, judgement: Judgement) -> dict:
    """The judgement's verdicts and, for each element not accredited, the failed
    criteria with their items, the lessons that teach them and the scenarios
    that exercise them: 7 queries at most."""
    rows = verdicts(judgement=judgement)  # 1
    codes, knowledge_elements = set(), set()
    for verdict in rows:
        for failure in verdict.failures:
            if failure.get("knowledge") or failure.get("not_evaluated"):
                knowledge_elements.add(verdict.element_id)
            else:
                codes.add(failure["criterion"])
    criteria = list(
        Criterion.objects.filter(standard=judgement.standard).filter(
            Q(code__in=codes)
            | Q(element_id__in=knowledge_elements, kind=Criterion.Kind.KNOWLEDGE)
        )
    )  # 2
    by_code = {c.code: c for c in criteria}
    ids = {c.pk for c in criteria}
    lessons = course_selectors.lessons_by_criterion(ids)  # 3 at most
    scenarios = scenarios_by_criterion(ids)  # 2 at most
    for verdict in rows:
        groups: dict[str, FailedCriterion] = {}
        for failure in verdict.failures:
            if failure.get("knowledge") or failure.get("not_evaluated"):
                continue
            code = failure["criterion"]
            criterion = by_code.get(code)
            group = groups.setdefault(code, FailedCriterion(criterion, code))
            group.items.append(failure)
        knowledge_failed = any(f.get("knowledge") for f in verdict.failures)
        verdict.not_evaluated = any(f.get("not_evaluated") for f in verdict.failures)
        verdict.knowledge_failed = knowledge_failed
        verdict.knowledge_criteria = []
        if knowledge_failed:
            for criterion in criteria:
                if (
                    criterion.element_id == verdict.element_id
                    and criterion.kind == Criterion.Kind.KNOWLEDGE
                ):
                    verdict.knowledge_criteria.append(
                        FailedCriterion(
                            criterion,
                            criterion.code,
                            knowledge=True,
                            lessons=lessons.get(criterion.pk, []),
                        )
                    )
        for group in groups.values():
            if group.criterion is not None:
                group.lessons = lessons.get(group.criterion.pk, [])
                group.scenarios = scenarios.get(group.criterion.pk, [])
        verdict.failed_criteria = list(groups.values())
    return {
        "verdicts": rows,
        "failed_elements": [v.element for v in rows if not v.competent],
    }


# ---------------------------------------------------------------- lists


def evaluator_plans(*, user) -> dict[str, list[EvaluationPlan]]:
    """The evaluator's plans grouped planned / in_progress / to_sign / done (not
    cancelled), each with its instrument states and judgements: 5 queries."""
    plans = list(
        EvaluationPlan.objects.filter(evaluator_id=user.pk)
        .exclude(status=EvaluationPlan.Status.CANCELLED)
        .select_related("candidate", "standard", "scenario")
        .prefetch_related(
            Prefetch(
                "instruments",
                queryset=Instrument.objects.order_by("kind", "code"),
            ),
            Prefetch("observations", queryset=_records_queryset()),
            Prefetch("judgements", queryset=Judgement.objects.order_by("-decided_at")),
        )
        .order_by("scheduled_at", "pk")
    )
    groups: dict[str, list[EvaluationPlan]] = {
        "planned": [],
        "in_progress": [],
        "to_sign": [],
        "done": [],
    }
    for plan in plans:
        current = _current_records(plan.observations.all())
        plan.states = [
            InstrumentState(i, current.get(i.pk)) for i in plan.instruments.all()
        ]
        observed = [s for s in plan.states if s.observed]
        plan.ready_for_judgement = bool(observed) and all(
            s.state == "signed" for s in observed
        )
        if plan.status == EvaluationPlan.Status.JUDGED:
            groups["done"].append(plan)
        elif any(s.state == "signing" for s in observed):
            groups["to_sign"].append(plan)
        elif plan.status == EvaluationPlan.Status.PLANNED:
            groups["planned"].append(plan)
        else:
            groups["in_progress"].append(plan)
    groups["done"].reverse()  # the latest first
    return groups


@dataclass(frozen=True)
class PlanFilters:
    status: str = ""
    evaluator: int | None = None
    date_from: date | None = None
    date_to: date | None = None


def plan_search(*, filters: PlanFilters) -> QuerySet:
    """Every plan matching the filters, latest first, with candidate, evaluator,
    standard, scenario and judgements: 2 queries per page, whatever the rows."""
    plans = EvaluationPlan.objects.select_related(
        "candidate", "evaluator", "standard", "scenario"
    ).prefetch_related(
        Prefetch("judgements", queryset=Judgement.objects.order_by("-decided_at"))
    )
    if filters.status:
        plans = plans.filter(status=filters.status)
    if filters.evaluator:
        plans = plans.filter(evaluator_id=filters.evaluator)
    if filters.date_from:
        plans = plans.filter(scheduled_at__date__gte=filters.date_from)
    if filters.date_to:
        plans = plans.filter(scheduled_at__date__lte=filters.date_to)
    return plans.order_by("-scheduled_at", "-pk")


def plan_evaluators() -> QuerySet:
    """People who evaluate (or evaluated) some plan, for the list's filter."""
    return (
        get_user_model()
        .objects.filter(evaluations_to_do__isnull=False)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


@dataclass
class ItemRow:
    instrument: Instrument
    item: dict
    not_met: int = 0
    met: int = 0
    not_applicable: int = 0

    @property
    def applicable(self) -> int:
        return self.met + self.not_met


@dataclass
class CriterionRow:
    code: str
    text: str
    not_met: int = 0
    applicable: int = 0


def item_analysis() -> dict:
    """For each instrument item answered in a signed record that no correction
    replaced: how often it was not met (of the records where it applied), most
    failed first; and the same by criterion: 3 queries."""
    counts = (
        ObservationAnswer.objects.filter(
            observation__status=Observation.Status.SIGNED,
            observation__replaced_by__isnull=True,
        )
        .values("observation__version__instrument_id", "item", "outcome")
        .annotate(n=Count("pk"))
    )  # 1
    tallies = defaultdict(lambda: defaultdict(int))
    for row in counts:
        key = (row["observation__version__instrument_id"], row["item"])
        tallies[key][row["outcome"]] += row["n"]
    if not tallies:
        return {"items": [], "criteria": []}
    instrument_ids = {instrument_id for instrument_id, _item in tallies}
    versions = (
        InstrumentVersion.objects.filter(instrument_id__in=instrument_ids)
        .select_related("instrument")
        .order_by("instrument_id", "number")
    )  # 2
    texts: dict[tuple[int, str], tuple[Instrument, dict]] = {}
    for version in versions:
        for item in version.items:
            texts[(version.instrument_id, item["id"])] = (version.instrument, item)
    rows = []
    for key, outcomes in tallies.items():
        if key not in texts:
            continue
        instrument, item = texts[key]
        rows.append(
            ItemRow(
                instrument=instrument,
                item=item,
                not_met=outcomes.get(ObservationAnswer.Outcome.NOT_MET, 0),
                met=outcomes.get(ObservationAnswer.Outcome.MET, 0),
                not_applicable=outcomes.get(
                    ObservationAnswer.Outcome.NOT_APPLICABLE, 0
                ),
            )
        )
    rows.sort(
        key=lambda r: (
            -r.not_met,
            -(r.not_met / r.applicable if r.applicable else 0),
            r.instrument.code,
            r.item["criterion"],
        )
    )
    criterion_texts = dict(
        Criterion.objects.filter(
            code__in={r.item["criterion"] for r in rows},
            standard_id__in={r.instrument.standard_id for r in rows},
        ).values_list("code", "text")
    )  # 3
    by_criterion: dict[str, CriterionRow] = {}
    for row in rows:
        code = row.item["criterion"]
        summary = by_criterion.setdefault(
            code, CriterionRow(code, criterion_texts.get(code, ""))
        )
        summary.not_met += row.not_met
        summary.applicable += row.applicable
    criteria = sorted(
        by_criterion.values(),
        key=lambda c: (-c.not_met, c.code),
    )
    return {"items": rows, "criteria": criteria}
