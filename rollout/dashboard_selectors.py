"""Read queries of the rollout dashboards (/tablero/).

Every number comes from grouped queries over the people of the viewer's units
(``rollout.access``); Python only adds up grouped rows with the pure rules of
``rollout.dashboard_rules``. No query runs per person: each function states its
query count, which does not depend on how many people there are.

The rules reused, each from its one home:

- course completed: ``courses.selectors.learner_lesson_ids`` with
  ``courses.selectors.Progress.complete``;
- knowledge passed: the latest graded final (``assessments.finals``) is
  competent;
- performance evaluated: an evaluator's ``Judgement`` of the standard;
- certified: a valid certificate (``certificates.renewal.valid_certificates``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

from django.contrib.auth import get_user_model
from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from assessments.finals import (
    latest_graded_finals,
    learners_whose_latest_final_passed,
)
from assessments.models import (
    AssessmentPage,
    BlueprintRow,
    ElementResult,
    Response,
)
from certificates.models import Certificate
from certificates.renewal import valid_certificates
from courses.models import CoursePage, Enrolment, LessonCompletion
from courses.selectors import Progress, learner_lesson_ids
from evaluation.models import (
    InstrumentVersion,
    Judgement,
    Observation,
    ObservationAnswer,
)
from standards.models import Criterion

from . import dashboard_rules as rules
from .access import ALL, people_visible_to, units_of, units_visible_to
from .models import Cohort, CohortMember, OrgUnit, StaffProfile, Target

User = get_user_model()


# ---------------------------------------------------------------- scope


@dataclass(frozen=True)
class Scope:
    """Whose numbers: the viewer's units, narrowed by the page's filters."""

    user: object
    course: CoursePage | None
    today: date
    unit: OrgUnit | None = None
    cohort: Cohort | None = None
    trainer: object | None = None


def course_choices() -> QuerySet:
    return CoursePage.objects.live().order_by("path")


def cohort_choices(user) -> QuerySet:
    """Cohorts of the viewer's units."""
    return (
        Cohort.objects.filter(unit__in=units_visible_to(user))
        .select_related("unit")
        .order_by("name", "pk")
    )


def trainer_choices(user) -> QuerySet:
    """Trainers of the cohorts of the viewer's units."""
    return (
        User.objects.filter(cohorts_led__in=cohort_choices(user))
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def focus_unit(scope: Scope) -> OrgUnit | None:
    """The unit the targets are read for: the one chosen, else the viewer's
    only top unit (none when they have several). 1 query."""
    if scope.unit is not None:
        return scope.unit
    paths = units_of(scope.user)
    if paths is ALL:
        roots = list(OrgUnit.get_root_nodes()[:2])
        return roots[0] if len(roots) == 1 else None
    if len(paths) != 1:
        return None
    return OrgUnit.objects.filter(path=paths[0]).first()


def standard_ids(course: CoursePage | None) -> list[int]:
    """The standards the course's final questionnaires grade. 1 query."""
    if course is None:
        return []
    return list(
        BlueprintRow.objects.filter(
            page__path__startswith=course.path,
            page__mode=AssessmentPage.Mode.FINAL,
        )
        .values_list("element__standard_id", flat=True)
        .distinct()
    )


def people(scope: Scope, *, by_unit_only: bool = False) -> QuerySet:
    """The viewer's people enrolled in the course, narrowed by the filters
    (only the unit one with ``by_unit_only``). A lazy queryset."""
    if scope.course is None:
        return User.objects.none()
    found = people_visible_to(scope.user, User.objects.all()).filter(
        pk__in=Enrolment.objects.filter(course=scope.course).values("user_id")
    )
    if scope.unit is not None:
        found = found.filter(staff__unit__path__startswith=scope.unit.path)
    if by_unit_only:
        return found
    if scope.cohort is not None:
        found = found.filter(
            pk__in=CohortMember.objects.filter(cohort=scope.cohort).values("person_id")
        )
    if scope.trainer is not None:
        found = found.filter(
            pk__in=CohortMember.objects.filter(cohort__trainers=scope.trainer).values(
                "person_id"
            )
        )
    return found


def _evaluated(standards) -> Q:
    """Has an evaluator's judgement of one of the standards."""
    return Q(
        pk__in=Judgement.objects.filter(
            standard_id__in=standards, method=Judgement.Method.EVALUATOR
        ).values("candidate_id")
    )


def _certified(standards, today: date) -> Q:
    """Holds a valid certificate of one of the standards."""
    return Q(
        pk__in=valid_certificates(today=today, standards=standards).values("holder_id")
    )


def _knowledge(found: QuerySet, standards) -> Q:
    """Their latest graded final is competent."""
    return Q(
        pk__in=learners_whose_latest_final_passed(
            learners=found.values("pk"), standard_ids=standards
        )
    )


def _flag(condition: Q) -> ExpressionWrapper:
    return ExpressionWrapper(condition, output_field=BooleanField())


# ---------------------------------------------------------------- funnel


@dataclass(frozen=True)
class UnitFunnel:
    unit: OrgUnit | None
    counts: tuple[int, ...]


@dataclass(frozen=True)
class Funnel:
    counts: tuple[int, ...]  # reached at least each stage, in STAGES order
    by_unit: list[UnitFunnel]

    @property
    def enrolled(self) -> int:
        return self.counts[rules.ENROLLED]


def funnel(scope: Scope) -> Funnel:
    """The funnel of the scope's people, overall and per unit: 6 queries
    (lessons 2, standards 1, the grouped funnel 1, unit names 1... and no more
    however many people)."""
    lesson_ids = learner_lesson_ids(scope.course) if scope.course else []
    standards = standard_ids(scope.course)
    completions = (
        LessonCompletion.objects.filter(user=OuterRef("pk"), lesson_id__in=lesson_ids)
        .order_by()
        .values("user")
        .annotate(n=Count("pk"))
        .values("n")
    )
    found = people(scope)
    rows = (
        found.annotate(
            done=Coalesce(Subquery(completions), 0),
            knowledge=_flag(_knowledge(found, standards)),
            evaluated=_flag(_evaluated(standards)),
            certified=_flag(_certified(standards, scope.today)),
        )
        .order_by()
        .values("staff__unit_id", "done", "knowledge", "evaluated", "certified")
        .annotate(n=Count("pk"))
    )
    total = len(lesson_ids)
    per_unit: dict[int | None, list[tuple[int, int]]] = defaultdict(list)
    overall: list[tuple[int, int]] = []
    for row in rows:
        stage = rules.furthest_stage(
            completed=Progress(row["done"], total).complete,
            knowledge=bool(row["knowledge"]),
            evaluated=row["evaluated"],
            certified=row["certified"],
        )
        per_unit[row["staff__unit_id"]].append((stage, row["n"]))
        overall.append((stage, row["n"]))
    units = OrgUnit.objects.in_bulk([pk for pk in per_unit if pk is not None])
    by_unit = sorted(
        (
            UnitFunnel(units.get(pk), rules.funnel_counts(pairs))
            for pk, pairs in per_unit.items()
        ),
        key=lambda row: row.unit.path if row.unit else "~",
    )
    return Funnel(rules.funnel_counts(overall), by_unit)


# ---------------------------------------------------------------- targets


@dataclass(frozen=True)
class Timeline:
    unit: OrgUnit | None
    certified: list[tuple[date, int]]
    targets: list[Target]


def certified_over_time(scope: Scope) -> Timeline:
    """Running total of people certified (first certificate not revoked, by
    issue date) in the scope's unit and below, with the unit's targets. The
    cohort and trainer filters do not apply: targets are per unit. 4 queries."""
    unit = focus_unit(scope)
    standards = standard_ids(scope.course)
    firsts = (
        Certificate.objects.filter(
            holder__in=people(scope, by_unit_only=True).values("pk"),
            standard_id__in=standards,
            revoked_at__isnull=True,
        )
        .order_by()
        .values("holder_id")
        .annotate(first=Min("issued_at"))
        .values_list("first", flat=True)
    )
    points = rules.cumulative(timezone.localdate(first) for first in firsts)
    targets = list(Target.objects.filter(unit=unit)) if unit is not None else []
    return Timeline(unit, points, targets)


@dataclass(frozen=True)
class BehindTarget:
    unit: OrgUnit
    target: Target
    certified: int


def units_behind_target(today: date) -> list[BehindTarget]:
    """Units whose people holding a valid certificate (of any standard, on
    ``today``; the unit and everything below it) are fewer than the unit's most
    recent target due on or before ``today``. For notifications: 2 queries,
    whatever the number of units and people."""
    by_unit: dict[int, list[Target]] = defaultdict(list)
    for target in Target.objects.filter(due_on__lte=today).select_related("unit"):
        by_unit[target.unit_id].append(target)
    if not by_unit:
        return []
    counts = dict(
        StaffProfile.objects.filter(
            user_id__in=valid_certificates(today=today).values("holder_id")
        )
        .order_by()
        .values("unit__path")
        .annotate(n=Count("user_id", distinct=True))
        .values_list("unit__path", "n")
    )
    behind = []
    for targets in by_unit.values():
        points = {rules.TargetPoint(t.due_on, t.certified): t for t in targets}
        current = rules.current_target(points, today)
        unit = targets[0].unit
        certified = rules.count_within(counts, unit.path)
        if rules.behind(certified, current):
            behind.append(BehindTarget(unit, points[current], certified))
    return sorted(behind, key=lambda row: row.unit.path)


def targets_in_scope(user) -> QuerySet:
    return Target.objects.filter(unit__in=units_visible_to(user)).select_related("unit")


# ---------------------------------------------------------------- heat maps


@dataclass
class HeatCell:
    failing: int = 0
    candidates: int = 0

    @property
    def share(self) -> Fraction | None:
        return rules.share(self.failing, self.candidates)

    @property
    def css(self) -> str:
        return rules.heat_class(self.share)


@dataclass
class HeatRow:
    criterion: Criterion
    cells: list[HeatCell] = field(default_factory=list)


@dataclass
class HeatMap:
    source: str  # "questionnaire" | "observation"
    dimension: str  # "unit" | "trainer"
    columns: list[tuple[int, str]]
    rows: list[HeatRow]

    @property
    def empty(self) -> bool:
        return not self.columns or not any(
            cell.candidates for row in self.rows for cell in row.cells
        )


def _questionnaire_outcomes(found: QuerySet, standards) -> dict[int, dict]:
    """Per person, per criterion id: failed or not, in their latest graded
    final. A criterion fails when its questions' score (earned over their
    number) is below its element's threshold frozen on the attempt: the rule
    of ``assessments.grading`` (``CriterionGrade.below_threshold``),
    read from the stored responses and element results. 2 queries."""
    latest = latest_graded_finals(
        learners=found.values("pk"), standard_ids=standards
    ).values("pk")
    # Fractions are stored as text: read the text (no converter per row) and
    # parse each distinct value once.
    parsed: dict[str, Fraction] = {}

    def fraction(text: str) -> Fraction:
        value = parsed.get(text)
        return value if value is not None else parsed.setdefault(text, Fraction(text))

    thresholds = {
        (attempt_id, element_id): fraction(threshold)
        for attempt_id, element_id, threshold in ElementResult.objects.filter(
            attempt_id__in=latest
        )
        .annotate(text=Cast("threshold", TextField()))
        .values_list("attempt_id", "element_id", "text")
    }
    grouped: dict[tuple, list] = defaultdict(list)
    for attempt_id, learner_id, criterion_id, element_id, text, n in (
        Response.objects.filter(attempt_id__in=latest, score__isnull=False)
        .annotate(text=Cast("score", TextField()))
        .order_by()
        .values(
            "attempt_id",
            "attempt__learner_id",
            "version__criterion_id",
            "version__criterion__element_id",
            "text",
        )
        .annotate(n=Count("pk"))
        .values_list(
            "attempt_id",
            "attempt__learner_id",
            "version__criterion_id",
            "version__criterion__element_id",
            "text",
            "n",
        )
    ):
        grouped[(attempt_id, learner_id, criterion_id, element_id)].append((text, n))
    # Many candidates share a pattern of scores: judge each pattern once.
    judged: dict[tuple, bool] = {}
    outcomes: dict[int, dict] = defaultdict(dict)
    for (attempt_id, learner_id, criterion_id, element_id), scores in grouped.items():
        threshold = thresholds.get((attempt_id, element_id))
        if threshold is None:
            continue
        pattern = (threshold, *sorted(scores))
        failed = judged.get(pattern)
        if failed is None:
            failed = judged[pattern] = rules.criterion_failed(
                ((fraction(text), n) for text, n in scores), threshold
            )
        outcomes[learner_id][criterion_id] = failed
    return outcomes


def _observation_outcomes(found: QuerySet, criteria_by_code) -> dict[int, dict]:
    """Per person, per criterion id: whether an item of the criterion was not
    met in their latest signed record of each instrument (corrections replace
    the record they correct). 3 queries."""
    latest: dict[tuple[int, int], tuple] = {}
    for pk, candidate_id, version_id, instrument_id, _started_at in (
        Observation.objects.filter(
            plan__candidate__in=found.values("pk"),
            status=Observation.Status.SIGNED,
            replaced_by__isnull=True,
        )
        .order_by("started_at", "pk")
        .values_list(
            "pk",
            "plan__candidate_id",
            "version_id",
            "version__instrument_id",
            "started_at",
        )
    ):
        latest[(candidate_id, instrument_id)] = (pk, candidate_id, version_id)
    if not latest:
        return {}
    versions = dict(
        InstrumentVersion.objects.filter(
            pk__in={version_id for _pk, _c, version_id in latest.values()}
        ).values_list("pk", "payload")
    )
    item_criterion = {
        (version_id, item["id"]): criteria_by_code.get(item["criterion"])
        for version_id, payload in versions.items()
        for item in payload["items"]
    }
    not_met = set(
        ObservationAnswer.objects.filter(
            observation_id__in=[pk for pk, _c, _v in latest.values()],
            outcome=ObservationAnswer.Outcome.NOT_MET,
        ).values_list("observation_id", "item")
    )
    outcomes: dict[int, dict] = defaultdict(dict)
    for pk, candidate_id, version_id in latest.values():
        for item in versions[version_id]["items"]:
            criterion_id = item_criterion[(version_id, item["id"])]
            if criterion_id is None:
                continue
            failed = (pk, item["id"]) in not_met
            mine = outcomes[candidate_id]
            mine[criterion_id] = mine.get(criterion_id, False) or failed
    return outcomes


def _columns(scope: Scope, found: QuerySet, dimension: str):
    """(column id, label) and each person's columns: by their unit, or by the
    trainers of their cohorts (of the viewer's units). 2 queries."""
    person_columns: dict[int, set[int]] = defaultdict(set)
    if dimension == "unit":
        pairs = found.filter(staff__isnull=False).values_list("pk", "staff__unit_id")
        for person_id, unit_id in pairs:
            person_columns[person_id].add(unit_id)
        ids = {c for cols in person_columns.values() for c in cols}
        labels = {
            unit.pk: (unit.path, unit.name)
            for unit in OrgUnit.objects.filter(pk__in=ids)
        }
    else:
        cohorts = cohort_choices(scope.user)
        if scope.cohort is not None:
            cohorts = cohorts.filter(pk=scope.cohort.pk)
        pairs = (
            CohortMember.objects.filter(
                cohort__in=cohorts, person__in=found.values("pk")
            )
            .values_list("person_id", "cohort__trainers")
            .distinct()
        )
        for person_id, trainer_id in pairs:
            if scope.trainer is None or trainer_id == scope.trainer.pk:
                person_columns[person_id].add(trainer_id)
        ids = {c for cols in person_columns.values() for c in cols}
        labels = {
            user.pk: (user.get_full_name() or user.get_username(),) * 2
            for user in User.objects.filter(pk__in=ids)
        }
    columns = sorted(labels, key=lambda pk: labels[pk][0])
    return [(pk, labels[pk][1]) for pk in columns], person_columns


def _grid(criteria, columns, person_columns, outcomes) -> list[HeatRow]:
    index = {pk: i for i, (pk, _label) in enumerate(columns)}
    rows = {c.pk: HeatRow(c, [HeatCell() for _ in columns]) for c in criteria}
    for person_id, per_criterion in outcomes.items():
        for column in person_columns.get(person_id, ()):
            for criterion_id, failed in per_criterion.items():
                if criterion_id in rows:
                    cell = rows[criterion_id].cells[index[column]]
                    cell.candidates += 1
                    cell.failing += failed
    return [row for row in rows.values() if any(c.candidates for c in row.cells)]


def heat_maps(scope: Scope) -> list[HeatMap]:
    """Questionnaire and observation, by unit and by trainer: the share of
    candidates failing each criterion. 13 queries however many people."""
    standards = standard_ids(scope.course)
    criteria = list(
        Criterion.objects.filter(standard_id__in=standards)
        .select_related("element")
        .order_by("element__order", "order", "code")
    )
    found = people(scope)
    by_code = {criterion.code: criterion.pk for criterion in criteria}
    sources = {
        "questionnaire": _questionnaire_outcomes(found, standards),
        "observation": _observation_outcomes(found, by_code),
    }
    maps = []
    for dimension in ("unit", "trainer"):
        columns, person_columns = _columns(scope, found, dimension)
        for source, outcomes in sources.items():
            maps.append(
                HeatMap(
                    source,
                    dimension,
                    columns,
                    _grid(criteria, columns, person_columns, outcomes),
                )
            )
    return maps


# ---------------------------------------------------------------- trainers


@dataclass(frozen=True)
class TrainerRow:
    trainer: object
    cohorts: int
    members: int
    evaluated: int
    certified: int
    median_days: float | None

    @property
    def pass_rate(self) -> Fraction | None:
        return rules.share(self.certified, self.evaluated)


def trainer_results(scope: Scope) -> list[TrainerRow]:
    """Per trainer of the viewer's cohorts: cohorts, members (of the scope),
    evaluated, certified, and the median days from enrolment in the course to
    the first certificate. 7 queries."""
    standards = standard_ids(scope.course)
    cohorts = cohort_choices(scope.user)
    if scope.unit is not None:
        cohorts = cohorts.filter(unit__path__startswith=scope.unit.path)
    if scope.cohort is not None:
        cohorts = cohorts.filter(pk=scope.cohort.pk)
    found = people(scope)
    certified = found.filter(_certified(standards, scope.today)).values("pk")
    evaluated = found.filter(_evaluated(standards)).values("pk")  # certified too
    led = Cohort.trainers.through.objects.filter(cohort__in=cohorts)
    if scope.trainer is not None:
        led = led.filter(user_id=scope.trainer.pk)
    cohort_counts = dict(
        led.order_by()
        .values("user_id")
        .annotate(n=Count("cohort_id", distinct=True))
        .values_list("user_id", "n")
    )
    if not cohort_counts:
        return []
    members = {
        row["cohort__trainers"]: row
        for row in CohortMember.objects.filter(
            cohort__in=cohorts, cohort__trainers__in=list(cohort_counts)
        )
        .order_by()
        .values("cohort__trainers")
        .annotate(
            members=Count(
                "person", distinct=True, filter=Q(person__in=found.values("pk"))
            ),
            evaluated=Count("person", distinct=True, filter=Q(person__in=evaluated)),
            certified=Count("person", distinct=True, filter=Q(person__in=certified)),
        )
    }
    certified_pairs = set(
        CohortMember.objects.filter(
            cohort__in=cohorts,
            cohort__trainers__in=list(cohort_counts),
            person__in=certified,
        ).values_list("cohort__trainers", "person_id")
    )
    person_ids = {person_id for _t, person_id in certified_pairs}
    enrolled = dict(
        Enrolment.objects.filter(
            course=scope.course, user_id__in=person_ids
        ).values_list("user_id", "enrolled_at")
    )
    firsts = dict(
        Certificate.objects.filter(
            holder_id__in=person_ids, standard_id__in=standards, revoked_at__isnull=True
        )
        .order_by()
        .values("holder_id")
        .annotate(first=Min("issued_at"))
        .values_list("holder_id", "first")
    )
    days: dict[int, list[int]] = defaultdict(list)
    for trainer_id, person_id in certified_pairs:
        if person_id in enrolled and person_id in firsts:
            days[trainer_id].append(
                rules.days_between(
                    timezone.localtime(enrolled[person_id]),
                    timezone.localtime(firsts[person_id]),
                )
            )
    trainers = User.objects.in_bulk(list(cohort_counts))
    rows = [
        TrainerRow(
            trainer=trainers[pk],
            cohorts=cohort_counts[pk],
            members=members.get(pk, {}).get("members", 0),
            evaluated=members.get(pk, {}).get("evaluated", 0),
            certified=members.get(pk, {}).get("certified", 0),
            median_days=rules.median_days(days.get(pk, [])),
        )
        for pk in cohort_counts
    ]
    return sorted(
        rows,
        key=lambda row: (
            row.trainer.last_name,
            row.trainer.first_name,
            row.trainer.get_username(),
        ),
    )
