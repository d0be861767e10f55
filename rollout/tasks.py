"""Background tasks (django-tasks): the rollout's e-mail notifications and the
roster's invitations.

Each task reads the current state again (a member who left, a session that
moved, a candidate judged meanwhile gets nothing) and hands the messages to
``accounts.notification_services.deliver``, which checks preferences now, sends
over one connection and never sends the same notice twice.
"""

from __future__ import annotations

from datetime import date

from django_tasks import task

from accounts.notification_services import deliver

from . import invitations, notifications
from .models import Cohort, CohortMember, OrgUnit, Session


@task()
def send_enrolment_notice(member_id: int) -> int:
    member = (
        CohortMember.objects.select_related("cohort__course", "person")
        .filter(pk=member_id)
        .first()
    )
    if member is None:
        return 0
    return deliver(notifications.ENROLMENT, [notifications.enrolment_notice(member)])


@task()
def send_session_reminders(session_id: int, starts_at: str) -> int:
    """Remind the members of a session that starts at ``starts_at`` (ISO); a
    session moved since it was enqueued is left to the run of its new day."""
    session = Session.objects.select_related("cohort").filter(pk=session_id).first()
    if session is None or session.starts_at.isoformat() != starts_at:
        return 0
    people = notifications.session_members(session)
    return deliver(
        notifications.SESSION_REMINDER,
        notifications.reminder_notices(session, people),
    )


@task()
def send_ready_notice(cohort_id: int, person_id: int) -> int:
    """Tell the cohort's evaluators that a member is ready, if still so."""
    cohort = (
        Cohort.objects.select_related("course", "unit").filter(pk=cohort_id).first()
    )
    member = (
        CohortMember.objects.select_related("person")
        .filter(cohort_id=cohort_id, person_id=person_id)
        .first()
    )
    if cohort is None or member is None:
        return 0
    person = member.person
    if not notifications.is_ready(cohort, person):
        return 0
    standards = notifications.final_standards(cohort, person)
    evaluators = notifications.cohort_evaluators(cohort, person, standards)
    key = notifications.ready_key(cohort, person, standards)
    return deliver(
        notifications.READY,
        notifications.ready_notices(cohort, person, evaluators, key),
    )


@task()
def send_target_alerts(rows: list[dict]) -> int:
    """``rows``: {"unit": id, "target": id, "due_on": ISO date, "number": n,
    "certified": n}, one per unit behind its target."""
    units = OrgUnit.objects.in_bulk([row["unit"] for row in rows])
    sent = 0
    for row in rows:
        unit = units.get(row["unit"])
        if unit is None:
            continue
        sent += deliver(
            notifications.BEHIND_TARGET,
            notifications.target_notices(
                unit=unit,
                target_id=row["target"],
                due_on=date.fromisoformat(row["due_on"]),
                number=row["number"],
                certified=row["certified"],
            ),
        )
    return sent


@task()
def send_invitations(user_ids: list[int]) -> int:
    """The invitations of one roster import (or one re-send): one task, however
    many people; returns how many e-mails were sent."""
    return invitations.invitations_send(user_ids=user_ids)
