"""Enqueue the rollout's notifications (``tasks`` sends them). Always on
commit: nothing is sent for a write that is rolled back."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.notification_services import already_sent

from . import notifications, tasks
from .models import CohortMember, Session


def enrolment_notify(member: CohortMember) -> None:
    transaction.on_commit(lambda: tasks.send_enrolment_notice.enqueue(member.pk))


def ready_notify(*, attempt) -> int:
    """After a final attempt was graded (``assessments.signals.attempt_finalised``):
    for each cohort of the learner in which they are now ready, enqueue the
    evaluators' notice. Returns how many were enqueued."""
    if not attempt.competent:
        return 0
    memberships = CohortMember.objects.filter(
        person_id=attempt.learner_id
    ).select_related("cohort__course", "person")
    enqueued = 0
    for member in memberships:
        if not attempt.assessment.path.startswith(member.cohort.course.path):
            continue
        if notifications.is_ready(member.cohort, member.person):
            cohort_id, person_id = member.cohort_id, member.person_id
            transaction.on_commit(
                lambda c=cohort_id, p=person_id: tasks.send_ready_notice.enqueue(c, p)
            )
            enqueued += 1
    return enqueued


@dataclass
class ReminderRun:
    day: object
    sessions: list[Session] = field(default_factory=list)
    people: int = 0


def session_reminders_enqueue(*, now: datetime | None = None) -> ReminderRun:
    """Enqueue the reminders for the sessions that start tomorrow (local time)
    to the members not yet reminded of them. Safe to run any number of times:
    who was reminded is recorded (``NotificationSent``), and a session moved to
    another time is a new reminder."""
    now = now or timezone.now()
    run = ReminderRun(day=timezone.localdate(now) + timedelta(days=1))
    for session in notifications.sessions_on(run.day):
        key = notifications.reminder_key(session)
        done = {
            person_id
            for person_id, _key in already_sent(notifications.SESSION_REMINDER, [key])
        }
        pending = [
            person
            for person in notifications.session_members(session)
            if person.pk not in done
        ]
        if not pending:
            continue
        run.sessions.append(session)
        run.people += len(pending)
        session_id, starts_at = session.pk, session.starts_at.isoformat()
        transaction.on_commit(
            lambda s=session_id, t=starts_at: tasks.send_session_reminders.enqueue(s, t)
        )
    return run


def target_alerts_send(rows: Iterable) -> int:
    """E-mail the HR people whose units cover each unit behind its target, once
    per unit per target. ``rows``: as from
    ``dashboard_selectors.units_behind_target(today)`` (``unit``, ``target``
    with ``pk``, ``certified`` and ``due_on``, and the people ``certified``
    now). Returns how many units were enqueued."""
    payload = [
        {
            "unit": row.unit.pk,
            "target": row.target.pk,
            "due_on": row.target.due_on.isoformat(),
            "number": int(row.target.certified),
            "certified": int(row.certified),
        }
        for row in rows
    ]
    if payload:
        transaction.on_commit(lambda: tasks.send_target_alerts.enqueue(payload))
    return len(payload)
