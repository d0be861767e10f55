"""Background work for attempts (django-tasks).

An attempt whose time is up is finalised with its last saved answers. Three
things make sure that happens, whichever comes first:

1. any visit to the attempt (its pages, a save, a submit) finalises it first
   (``submission.attempt_finalise_if_overdue``), so the learner never sees
   an overdue attempt as open;
2. when the task backend can run a task later (``backend.supports_defer``: the
   database backend of ``django-tasks-db`` and RQ can, the immediate backend of
   the tests cannot), ``attempt_services.attempt_start`` makes sure that
   ``finalise_assessment_attempts`` will run for its assessment within a
   minute of its deadline plus grace (``schedule_finalisation``, on commit),
   whoever starts the attempt (a view, the demo loader). Attempts that close in
   the same minute share one task per assessment and process, so a class
   starting together enqueues a few tasks, not one each (issue 13: a task row
   cost each start about 1 ms of CPU);
3. ``finalise_overdue_attempts``, a sweep over every overdue attempt, run from
   cron through ``manage.py finalise_overdue_attempts`` (or enqueued with
   ``--enqueue``), catches anything the other two missed (a lost task, a
   backend without deferral).

All three call the same services (``submission``), so finalising twice is
harmless. This module imports ``submission``, not ``attempt_services``, which
imports this one to schedule.
"""

import math
from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from . import submission
from .models import Attempt

# Run the task a moment after its window closes, so that the
# service sees it overdue even with a little clock skew between machines.
FINALISE_MARGIN = timedelta(seconds=5)
# Attempts closing within one window share their assessment's task.
FINALISE_WINDOW_SECONDS = 60

# The tasks this process has enqueued: (backend alias, assessment id, run
# after) -> run after. Another process enqueues its own; finalising twice is
# harmless, and the cron sweep catches a task that was lost.
_scheduled: dict[tuple, datetime] = {}


@task
def finalise_overdue_attempts() -> int:
    """Finalise every open attempt past its deadline plus grace; return how many."""
    return submission.attempts_finalise_overdue()


@task
def finalise_assessment_attempts(assessment_id: int) -> int:
    """Finalise the open attempts at one assessment whose time is up; return
    how many."""
    return submission.attempts_finalise_overdue(assessment_id=assessment_id)


@task
def finalise_attempt(attempt_uuid: str) -> bool:
    """Finalise one attempt if it is still open and overdue; return whether it
    was finalised now. Kept for the tasks that releases before the shared
    ``finalise_assessment_attempts`` enqueued, one per attempt."""
    attempt = (
        Attempt.objects.select_related("assessment")
        .filter(uuid=attempt_uuid, status=Attempt.Status.OPEN)
        .first()
    )
    if attempt is None:
        return False
    result = submission.attempt_finalise_if_overdue(attempt=attempt)
    return result.status == Attempt.Status.SUBMITTED


def window_end(moment: datetime) -> datetime:
    """The end of the finalisation window that holds ``moment`` (a moment on a
    window's edge ends that window)."""
    edge = math.ceil(moment.timestamp() / FINALISE_WINDOW_SECONDS)
    return datetime.fromtimestamp(edge * FINALISE_WINDOW_SECONDS, tz=UTC)


def schedule_finalisation(attempt: Attempt) -> bool:
    """Make sure ``finalise_assessment_attempts`` runs for the attempt's
    assessment after the attempt closes (deadline plus grace), at the end of
    its window plus a margin: enqueued once the current transaction commits,
    unless this process enqueued that task already. Returns False (and does
    nothing) for an attempt without a time limit or a backend that cannot
    defer a task."""
    closes = submission.closes_at(attempt)
    if closes is None:
        return False
    backend = finalise_assessment_attempts.get_backend()
    if not backend.supports_defer:
        return False
    run_after = window_end(closes) + FINALISE_MARGIN
    key = (backend.alias, attempt.assessment_id, run_after)
    if key in _scheduled:
        return True
    deferred = finalise_assessment_attempts.using(run_after=run_after)
    assessment_id = attempt.assessment_id

    def enqueue():
        deferred.enqueue(assessment_id)
        _remember(key, run_after)

    transaction.on_commit(enqueue)
    return True


def _remember(key: tuple, run_after: datetime) -> None:
    # Forget the tasks whose time has come: no attempt starting now closes in
    # their window, and the dict stays as small as the windows still ahead.
    # list() copies the items in one step, safe beside another thread's start.
    now = timezone.now()
    for done in [k for k, at in list(_scheduled.items()) if at <= now]:
        _scheduled.pop(done, None)
    _scheduled[key] = run_after
