"""Who has earned a DC-3 of a course, and the DC-3s HR may see.

A worker earns the DC-3 of a course when they have completed every lesson that
counts for learners (``courses.selectors.learner_lesson_ids``) and their latest
graded final of the course (``assessments.finals``) was passed. It does not wait
for the evaluator's EC0305 judgement.

Every function reads all the people it is given at once: the number of queries
depends on the courses, never on the people.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, Max, QuerySet, Sum
from django.utils import timezone

from assessments.finals import latest_graded_finals
from assessments.models import AssessmentPage, ElementResult
from courses.models import CoursePage, Enrolment, LessonCompletion, LessonPage
from courses.selectors import learner_lesson_ids
from rollout import access
from rollout.models import Cohort, CohortMember, Session

from .models import CourseDc3, Dc3

User = get_user_model()


@dataclass(frozen=True)
class Candidate:
    """A worker who earned the DC-3 of ``course``; ``cohort`` is the group they
    took it in (None for a course taken alone)."""

    worker: object
    course: CoursePage
    cohort: Cohort | None
    started_on: date
    completed_on: date
    session_seconds: int

    @property
    def ended_on(self) -> date:
        """The course's end: the cohort's last day, or the worker's completion."""
        return self.cohort.ends_on if self.cohort is not None else self.completed_on


def _day(moment: datetime | None) -> date | None:
    return timezone.localdate(moment) if moment is not None else None


def courses_with_final() -> list[CoursePage]:
    """Live courses that hold a live final assessment (2 queries)."""
    finals = list(
        AssessmentPage.objects.live()
        .filter(mode=AssessmentPage.Mode.FINAL)
        .values_list("path", flat=True)
    )
    return [
        course
        for course in CoursePage.objects.live().order_by("path")
        if any(path.startswith(course.path) for path in finals)
    ]


def candidates(*, course: CoursePage, people: QuerySet) -> list[Candidate]:
    """Of ``people`` (a queryset of users), those who earned the DC-3 of
    ``course``, with their staff profile, cohort and dates. 8 queries at most,
    however many people."""
    standard_ids = ElementResult.objects.filter(
        attempt__assessment__path__startswith=course.path,
        attempt__assessment__mode=AssessmentPage.Mode.FINAL,
    ).values("element__standard_id")
    # "competent" is read, not filtered on: a filter beside the window would be
    # applied before it, and an older passed final would count.
    passed = {
        learner_id: submitted_at
        for learner_id, submitted_at, competent in latest_graded_finals(
            learners=people.values("pk"), standard_ids=standard_ids
        )
        .filter(assessment__path__startswith=course.path)
        .values_list("learner_id", "submitted_at", "competent")
        if competent
    }
    if not passed:
        return []
    lesson_ids = learner_lesson_ids(course)
    finished: dict[int, datetime | None] = dict.fromkeys(passed)
    if lesson_ids:
        finished = {
            row["user_id"]: row["last"]
            for row in LessonCompletion.objects.filter(
                user_id__in=list(passed), lesson_id__in=lesson_ids
            )
            .values("user_id")
            .annotate(n=Count("lesson_id", distinct=True), last=Max("completed_at"))
            if row["n"] == len(lesson_ids)
        }
    if not finished:
        return []
    members = {}
    for member in (
        CohortMember.objects.filter(person_id__in=list(finished), cohort__course=course)
        .select_related("cohort")
        .order_by("cohort__ends_on", "pk")
    ):
        members[member.person_id] = member.cohort  # the latest cohort wins
    cohort_ids = {cohort.pk for cohort in members.values()}
    seconds = _session_seconds(cohort_ids)
    enrolled = dict(
        Enrolment.objects.filter(user_id__in=list(finished), course=course).values_list(
            "user_id", "enrolled_at"
        )
    )
    workers = User.objects.filter(pk__in=list(finished)).select_related(
        "staff__position", "staff__occupation", "staff__unit"
    )
    found = []
    for worker in workers.order_by("last_name", "first_name", "pk"):
        completed_at = max(
            moment
            for moment in (finished[worker.pk], passed[worker.pk])
            if moment is not None
        )
        cohort = members.get(worker.pk)
        started = (
            cohort.starts_on
            if cohort is not None
            else _day(enrolled.get(worker.pk)) or _day(completed_at)
        )
        found.append(
            Candidate(
                worker=worker,
                course=course,
                cohort=cohort,
                started_on=started,
                completed_on=_day(completed_at),
                session_seconds=seconds.get(cohort.pk, 0) if cohort else 0,
            )
        )
    return found


def _session_seconds(cohort_ids: set[int]) -> dict[int, int]:
    """Scheduled time of each cohort's sessions, in seconds (1 query)."""
    if not cohort_ids:
        return {}
    rows = (
        Session.objects.filter(cohort_id__in=cohort_ids)
        .values_list("cohort_id", "starts_at", "ends_at")
        .order_by()
    )
    totals: dict[int, timedelta] = {}
    for cohort_id, starts_at, ends_at in rows:
        totals[cohort_id] = totals.get(cohort_id, timedelta()) + (ends_at - starts_at)
    return {key: int(value.total_seconds()) for key, value in totals.items()}


def lesson_minutes(course: CoursePage) -> int:
    """Sum of the estimated minutes of the lessons that count for learners."""
    ids = learner_lesson_ids(course)
    total = LessonPage.objects.filter(pk__in=ids).aggregate(m=Sum("minutes"))["m"]
    return total or 0


def course_settings(course: CoursePage) -> CourseDc3 | None:
    return (
        CourseDc3.objects.select_related("thematic_area").filter(course=course).first()
    )


def valid_dc3_worker_ids(course: CoursePage, worker_ids) -> set[int]:
    return set(
        Dc3.objects.filter(
            course=course, worker_id__in=worker_ids, status=Dc3.Status.VALID
        ).values_list("worker_id", flat=True)
    )


# ------------------------------------------------------------------ HR lists


@dataclass(frozen=True)
class Dc3Filters:
    course: int | None = None
    cohort: int | None = None
    unit: int | None = None
    issued_from: date | None = None
    issued_to: date | None = None


def dc3s_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    """DC-3s of the workers in ``user``'s units (rollout.access)."""
    queryset = Dc3.objects.all() if queryset is None else queryset
    return queryset.filter(
        worker__in=access.people_visible_to(user, User.objects.all())
    )


def dc3_search(*, user, filters: Dc3Filters, include_replaced: bool = False):
    """The DC-3s ``user`` may see, filtered, with what the list shows (1 query)."""
    queryset = dc3s_visible_to(user).select_related(
        "worker__staff__unit", "course", "cohort"
    )
    if not include_replaced:
        queryset = queryset.filter(status=Dc3.Status.VALID)
    if filters.course:
        queryset = queryset.filter(course_id=filters.course)
    if filters.cohort:
        queryset = queryset.filter(cohort_id=filters.cohort)
    if filters.unit:
        unit_path = (
            access.units_visible_to(user).filter(pk=filters.unit).values("path")[:1]
        )
        paths = list(unit_path.values_list("path", flat=True))
        queryset = (
            queryset.filter(worker__staff__unit__path__startswith=paths[0])
            if paths
            else queryset.none()
        )
    if filters.issued_from:
        queryset = queryset.filter(issued_at__date__gte=filters.issued_from)
    if filters.issued_to:
        queryset = queryset.filter(issued_at__date__lte=filters.issued_to)
    return queryset.order_by("-issued_at", "-pk")


def dc3_for_user(*, user, pk: int) -> Dc3 | None:
    """One DC-3 ``user`` may see as HR (None: out of scope or unknown)."""
    return (
        dc3s_visible_to(user)
        .select_related("worker", "course", "cohort", "replaced_by")
        .filter(pk=pk)
        .first()
    )


def dc3s_of_worker(*, user) -> list[Dc3]:
    """The worker's own valid DC-3s (the learner's dashboard)."""
    if not user.is_authenticated:
        return []
    return list(
        Dc3.objects.filter(worker=user, status=Dc3.Status.VALID)
        .select_related("course")
        .order_by("-issued_at")
    )


def dc3_by_code(code: str) -> Dc3 | None:
    return Dc3.objects.filter(code=code).select_related("course").first()


def cohort_trainers(cohort_ids) -> dict[int, list]:
    """The trainers of each cohort (1 query)."""
    found: dict[int, list] = {}
    if not cohort_ids:
        return found
    rows = Cohort.trainers.through.objects.filter(
        cohort_id__in=cohort_ids
    ).select_related("user")
    for row in rows:
        found.setdefault(row.cohort_id, []).append(row.user)
    return found


def dc3_by_pk(pk: int) -> Dc3 | None:
    return Dc3.objects.filter(pk=pk).select_related("course").first()


def course_by_pk(pk: int) -> CoursePage | None:
    return CoursePage.objects.filter(pk=pk).first()
