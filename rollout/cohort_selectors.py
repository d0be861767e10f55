"""Read queries for cohorts, sessions and attendance: a fixed number of
queries per page whatever the number of members or sessions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts import roles
from assessments.finals import learners_whose_latest_final_passed
from assessments.models import AssessmentPage, ElementResult
from courses.models import LessonCompletion, ModulePage
from courses.selectors import Progress, learner_lesson_ids
from evaluation.models import Judgement

from . import access, qualification
from .models import Attendance, Cohort, CohortMember, Session

User = get_user_model()


# ---------------------------------------------------------------- reads


def _cohorts() -> QuerySet:
    return Cohort.objects.select_related("course", "unit").prefetch_related("trainers")


def cohort_get(pk: int) -> Cohort:
    """Raises Cohort.DoesNotExist."""
    return _cohorts().get(pk=pk)


def flag_lapsed_trainers(cohorts: list[Cohort], *, today=None) -> list[Cohort]:
    """Set ``lapsed_trainers`` on each cohort (trainers prefetched): for an open
    cohort, its trainers who may no longer open cohorts (a certificate that
    expired or was revoked). 7 queries, however many cohorts."""
    today = today or timezone.localdate()
    ids = {t.pk for cohort in cohorts for t in cohort.trainers.all()}
    standings = qualification.standing(ids, today=today)
    for cohort in cohorts:
        cohort.lapsed_trainers = (
            [
                trainer
                for trainer in cohort.trainers.all()
                if not standings[trainer.pk].may_open_cohorts
            ]
            if cohort.ends_on >= today
            else []
        )
    return cohorts


def cohort_list(*, user) -> list[Cohort]:
    """The cohorts ``user`` may see (``access.cohorts_visible_to``), with their
    member counts: 2 queries however many cohorts."""
    return flag_lapsed_trainers(
        list(
            access.cohorts_visible_to(user, _cohorts()).annotate(
                member_count=Count("members", distinct=True)
            )
        )
    )


def session_get(pk: int) -> Session:
    """Raises Session.DoesNotExist."""
    return (
        Session.objects.select_related("cohort", "cohort__course", "cohort__unit")
        .prefetch_related("cohort__trainers")
        .get(pk=pk)
    )


@dataclass(frozen=True)
class MemberRow:
    member: CohortMember
    progress: Progress
    attended: int


def _members(cohort: Cohort) -> list[CohortMember]:
    return list(
        CohortMember.objects.filter(cohort=cohort)
        .select_related("person")
        .order_by("person__last_name", "person__first_name", "person__username")
    )


def _learner_lesson_ids(cohort: Cohort) -> list[int]:
    """Lessons that count for progress (courses.selectors.learner_lesson_ids)."""
    return learner_lesson_ids(cohort.course)


def _ready_for_evaluation(cohort: Cohort, people: list) -> list:
    """Members whose latest final questionnaire of a standard of the course
    was passed and who have no evaluator's judgement of it yet: the rule of
    evaluation.services.knowledge_attempt (assessments.finals), read for all
    members at once (1 query, and 2 per standard of the course)."""
    standard_ids = set(
        ElementResult.objects.filter(
            attempt__assessment__path__startswith=cohort.course.path,
            attempt__assessment__mode=AssessmentPage.Mode.FINAL,
        ).values_list("element__standard_id", flat=True)
    )
    if not standard_ids or not people:
        return []
    ids = [person.pk for person in people]
    ready_ids: set[int] = set()
    for standard_id in standard_ids:
        passed = set(
            learners_whose_latest_final_passed(learners=ids, standard_ids=[standard_id])
        )
        judged = set(
            Judgement.objects.filter(
                candidate_id__in=passed,
                standard_id=standard_id,
                method=Judgement.Method.EVALUATOR,
            ).values_list("candidate_id", flat=True)
        )
        ready_ids |= passed - judged
    return [person for person in people if person.pk in ready_ids]


def ready_for_evaluation(*, cohort: Cohort, people: list) -> list:
    """Of ``people`` (members of ``cohort``), those ready to be evaluated."""
    return _ready_for_evaluation(cohort, people)


def cohort_detail(*, cohort: Cohort, user) -> dict:
    flag_lapsed_trainers([cohort])
    members = _members(cohort)
    people = [member.person for member in members]
    lesson_ids = _learner_lesson_ids(cohort)
    done = dict(
        LessonCompletion.objects.filter(user__in=people, lesson_id__in=lesson_ids)
        .values("user_id")
        .annotate(n=Count("pk"))
        .values_list("user_id", "n")
    )
    attended = dict(
        Attendance.objects.filter(session__cohort=cohort, present=True)
        .values("person_id")
        .annotate(n=Count("pk"))
        .values_list("person_id", "n")
    )
    rows = [
        MemberRow(
            member=member,
            progress=Progress(done.get(member.person_id, 0), len(lesson_ids)),
            attended=attended.get(member.person_id, 0),
        )
        for member in members
    ]
    sessions = list(
        Session.objects.filter(cohort=cohort)
        .prefetch_related(
            Prefetch("modules", queryset=ModulePage.objects.order_by("path"))
        )
        .annotate(present_count=Count("attendance", filter=Q(attendance__present=True)))
        .order_by("starts_at")
    )
    show_ready = access.leads_cohort(user, cohort) or roles.is_evaluator(user)
    return {
        "cohort": cohort,
        "rows": rows,
        "sessions": sessions,
        "seats_left": max(cohort.capacity - len(members), 0),
        "show_ready": show_ready,
        "ready": _ready_for_evaluation(cohort, people) if show_ready else [],
        "may_manage": access.can_manage_cohort(user, cohort),
    }


@dataclass(frozen=True)
class AttendanceRow:
    person: object
    present: bool | None  # None: not taken yet


def attendance_sheet(*, session: Session) -> list[AttendanceRow]:
    marks = dict(
        Attendance.objects.filter(session=session).values_list("person_id", "present")
    )
    return [
        AttendanceRow(person=member.person, present=marks.get(member.person_id))
        for member in _members(session.cohort)
    ]


def member_of_cohort(*, cohort: Cohort, person_id: int):
    """The person if they are a member, else None."""
    member = (
        CohortMember.objects.filter(cohort=cohort, person_id=person_id)
        .select_related("person")
        .first()
    )
    return member.person if member else None


def enrol_choices(*, cohort: Cohort, user) -> QuerySet:
    """Active people ``user`` may enrol in the cohort (``access.enrollable_people``)
    and who are not in it yet."""
    return access.enrollable_people(
        user,
        cohort,
        User.objects.filter(is_active=True).exclude(cohort_memberships__cohort=cohort),
    ).order_by("last_name", "first_name", "username")


def is_member(*, cohort: Cohort, user) -> bool:
    return (
        user.is_authenticated
        and CohortMember.objects.filter(cohort=cohort, person=user).exists()
    )


def trainer_choices() -> QuerySet:
    """Lead trainers and whoever was signed off as a multiplicador; the form
    then checks their standing now (``cohort_services.trainer_refusal``)."""
    return (
        User.objects.filter(
            Q(groups__name=roles.TRAINERS)
            | Q(is_superuser=True)
            | Q(delivery_signoffs__passed=True),
            is_active=True,
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def cohort_sessions(*, cohort: Cohort) -> list[Session]:
    return list(Session.objects.filter(cohort=cohort).order_by("starts_at"))


def person_sessions(*, user) -> list[Session]:
    return list(
        Session.objects.filter(cohort__members__person=user)
        .select_related("cohort")
        .order_by("starts_at")
    )


@dataclass(frozen=True)
class LearnerCohort:
    cohort: Cohort
    next_session: Session | None


def learner_cohorts(*, user, now: datetime | None = None) -> list[LearnerCohort]:
    """The person's cohorts with their next session (not yet ended): 2 queries."""
    if not user.is_authenticated:
        return []
    now = now or timezone.now()
    cohorts = list(
        Cohort.objects.filter(members__person=user)
        .select_related("course")
        .order_by("starts_on", "pk")
    )
    if not cohorts:
        return []
    upcoming: dict[int, Session] = {}
    for session in Session.objects.filter(cohort__in=cohorts, ends_at__gt=now).order_by(
        "-starts_at"
    ):
        upcoming[session.cohort_id] = session  # the soonest wins (reverse order)
    return [LearnerCohort(cohort, upcoming.get(cohort.pk)) for cohort in cohorts]
