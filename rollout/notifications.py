"""The rollout's e-mail notifications: their kinds, who receives each, and the
messages (reads only; ``notification_services`` enqueues, ``tasks`` sends
through ``accounts.notification_services.deliver``).

Kinds (registered in ``RolloutConfig.ready()``):

- ``cohort_enrolment`` (learners): you were enrolled in a cohort. Mandatory:
  it is the employer's instruction to attend training (where, when, with whom),
  sent once per cohort; turning it off would leave a person not knowing they
  must attend. Everything else is a convenience and can be turned off.
- ``session_reminder`` (learners): the day before each session
  (``manage.py send_session_reminders``, daily from cron).
- ``ready_for_evaluation`` (evaluators): a cohort member passed the final and
  has no evaluator's judgement yet.
- ``unit_behind_target`` (HR): a unit has fewer people certified than its target.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import notifications, roles
from accounts.notification_services import Notice
from accounts.public_url import public_url
from assessments import certification
from assessments.models import AssessmentPage, ElementResult
from evaluation import selectors as evaluation_selectors
from evaluation.services import evaluator_refusal
from standards.formatting import spanish_date
from standards.models import Standard

from . import cohort_selectors
from .access import covering_unit
from .models import Cohort, CohortMember, OrgUnit, Session

User = get_user_model()

ENROLMENT = "cohort_enrolment"
SESSION_REMINDER = "session_reminder"
READY = "ready_for_evaluation"
BEHIND_TARGET = "unit_behind_target"


def _is_learner(user) -> bool:
    return (
        user.groups.filter(name=roles.LEARNERS).exists()
        or CohortMember.objects.filter(person=user).exists()
    )


def _is_evaluator(user) -> bool:
    return roles.is_evaluator(user) or evaluation_selectors.is_lead_evaluator(user)


def register_kinds() -> None:
    for kind in (
        notifications.Kind(
            code=ENROLMENT,
            label=_("Inscripción a un grupo"),
            description=_("Cuando te inscriben en un grupo: fechas y sesiones."),
            audience=_is_learner,
            mandatory=True,
        ),
        notifications.Kind(
            code=SESSION_REMINDER,
            label=_("Recordatorio de sesión"),
            description=_("Un día antes de cada sesión de tus grupos."),
            audience=_is_learner,
        ),
        notifications.Kind(
            code=READY,
            label=_("Persona lista para evaluar"),
            description=_(
                "Cuando alguien de un grupo que puedes evaluar aprueba la "
                "evaluación final y espera su evaluación de competencia."
            ),
            audience=_is_evaluator,
        ),
        notifications.Kind(
            code=BEHIND_TARGET,
            label=_("Unidad atrasada en su meta"),
            description=_(
                "Cuando una unidad a tu cargo tiene menos personas certificadas "
                "que su meta."
            ),
            audience=roles.is_hr,
        ),
    ):
        notifications.register(kind)


# ---------------------------------------------------------------- helpers


def _subject(template: str, context: dict) -> str:
    return " ".join(render_to_string(template, context).split())


def _notice(person, key: str, name: str, context: dict) -> Notice:
    context = {**context, "person": person}
    return Notice(
        recipient=person,
        key=key,
        subject=_subject(f"rollout/email/{name}_subject.txt", context),
        body=render_to_string(f"rollout/email/{name}_body.txt", context),
    )


@dataclass(frozen=True)
class SessionText:
    """A session as an e-mail reads it, in local time."""

    day: str
    starts: str
    ends: str
    place: str
    online_url: str


def session_text(session: Session) -> SessionText:
    starts = timezone.localtime(session.starts_at)
    ends = timezone.localtime(session.ends_at)
    return SessionText(
        day=spanish_date(starts.date()),
        starts=f"{starts:%H:%M}",
        ends=f"{ends:%H:%M}",
        place=session.place,
        online_url=session.online_url,
    )


# ---------------------------------------------------------------- enrolment


def enrolment_notice(member: CohortMember) -> Notice:
    cohort = member.cohort
    sessions = Session.objects.filter(cohort=cohort).order_by("starts_at")
    return _notice(
        member.person,
        f"cohort:{cohort.pk}",
        "enrolment",
        {
            "cohort": cohort,
            "starts_on": spanish_date(cohort.starts_on),
            "ends_on": spanish_date(cohort.ends_on),
            "trainers": list(cohort.trainers.all()),
            "sessions": [session_text(session) for session in sessions],
            "progress_url": public_url("portal:dashboard"),
            "calendar_url": public_url("rollout:my_calendar"),
        },
    )


# ---------------------------------------------------------------- reminders


def reminder_key(session: Session) -> str:
    """The session and its start: a session moved to another time is a new
    reminder."""
    return f"session:{session.pk}@{session.starts_at.isoformat()}"


def sessions_on(day: date) -> list[Session]:
    """Sessions starting on ``day`` (local time), with their cohort."""
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(day, datetime.min.time()), tz)
    end = timezone.make_aware(
        datetime.combine(date.fromordinal(day.toordinal() + 1), datetime.min.time()),
        tz,
    )
    return list(
        Session.objects.filter(starts_at__gte=start, starts_at__lt=end)
        .select_related("cohort")
        .order_by("starts_at", "pk")
    )


def session_members(session: Session) -> list:
    return [
        member.person
        for member in CohortMember.objects.filter(cohort_id=session.cohort_id)
        .select_related("person")
        .order_by("pk")
    ]


def reminder_notices(session: Session, people: list) -> list[Notice]:
    context = {
        "cohort": session.cohort,
        "session": session_text(session),
        "progress_url": public_url("portal:dashboard"),
    }
    key = reminder_key(session)
    return [_notice(person, key, "reminder", context) for person in people]


# ---------------------------------------------------------------- ready


def final_standards(cohort: Cohort, person) -> list[Standard]:
    """The standards of the finals of the cohort's course that ``person`` sat."""
    ids = (
        ElementResult.objects.filter(
            attempt__learner=person,
            attempt__assessment__path__startswith=cohort.course.path,
            attempt__assessment__mode=AssessmentPage.Mode.FINAL,
        )
        .values_list("element__standard_id", flat=True)
        .distinct()
    )
    return list(Standard.objects.filter(pk__in=list(ids)).order_by("code"))


def ready_key(cohort: Cohort, person, standards: list[Standard]) -> str:
    """Once per person per cohort per certification cycle (a renewal is a new
    cycle)."""
    cycle = certification.current().cycle(
        learner=person,
        standards=Standard.objects.filter(pk__in=[s.pk for s in standards]),
        today=timezone.localdate(),
    )
    since = cycle.since.isoformat() if cycle else "first"
    return f"cohort:{cohort.pk}:person:{person.pk}:cycle:{since}"


def cohort_evaluators(cohort: Cohort, candidate, standards: list[Standard]) -> list:
    """Who is told that ``candidate`` is ready: the evaluators (group or lead
    designation) whose units cover the cohort's unit, and the cohort's trainers
    who are evaluators; each only if evaluation's rule lets them evaluate the
    candidate in one of the standards."""
    found: dict[int, object] = {}
    for standard in standards:
        people = evaluation_selectors.evaluator_choices(standard=standard).filter(
            Q(pk__in=User.objects.filter(covering_unit(cohort.unit)).values("pk"))
            | Q(pk__in=cohort.trainers.values("pk"))
        )
        for person in people:
            if person.pk in found:
                continue
            if not evaluator_refusal(
                evaluator=person, candidate=candidate, standard=standard
            ):
                found[person.pk] = person
    return sorted(found.values(), key=lambda p: p.pk)


def ready_notices(cohort: Cohort, candidate, evaluators: list, key: str) -> list:
    context = {
        "cohort": cohort,
        "candidate": candidate,
        "cohort_url": public_url("rollout:cohort_detail", cohort.pk),
    }
    return [_notice(person, key, "ready", context) for person in evaluators]


def is_ready(cohort: Cohort, person) -> bool:
    return bool(cohort_selectors.ready_for_evaluation(cohort=cohort, people=[person]))


# ---------------------------------------------------------------- targets


def unit_hr(unit: OrgUnit) -> list:
    """The HR people whose units cover ``unit``."""
    return list(
        User.objects.filter(covering_unit(unit), groups__name=roles.HR)
        .distinct()
        .order_by("pk")
    )


def target_notices(
    *, unit: OrgUnit, target_id: int, due_on: date, number: int, certified: int
) -> list[Notice]:
    context = {
        "unit": unit,
        "due_on": spanish_date(due_on),
        "number": number,
        "certified": certified,
        "missing": max(number - certified, 0),
    }
    key = f"unit:{unit.pk}:target:{target_id}"
    return [_notice(person, key, "target", context) for person in unit_hr(unit)]
