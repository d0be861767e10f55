"""Background work for attempts (django-tasks).

An attempt whose time is up is finalised with its last saved answers. Three
things make sure that happens, whichever comes first:

1. any visit to the attempt (its pages, a save, a submit) finalises it first
   (``submission.attempt_finalise_if_overdue``), so the learner never sees
   an overdue attempt as open;
2. when the task backend can run a task later (``backend.supports_defer``: the
   database backend of ``django-tasks-db`` and RQ can, the immediate backend of
   the tests cannot), ``submission.attempt_start`` enqueues
   ``finalise_attempt`` (``schedule_finalisation``, on commit) to run just after
   its deadline plus grace, whoever starts the attempt (a view, the demo loader);
3. ``finalise_overdue_attempts``, a sweep over every overdue attempt, run from
   cron through ``manage.py finalise_overdue_attempts`` (or enqueued with
   ``--enqueue``), catches anything the other two missed (a lost task, a
   backend without deferral).

All three call the same services (``submission``), so finalising twice is
harmless. This module imports ``submission``, not ``attempt_services``, which
imports this one to schedule.
"""

from datetime import timedelta

from django.db import transaction
from django_tasks import task

from . import submission
from .models import Attempt

# Run the per-attempt task a moment after the attempt closes, so that the
# service sees it overdue even with a little clock skew between machines.
FINALISE_MARGIN = timedelta(seconds=5)


@task
def finalise_overdue_attempts() -> int:
    """Finalise every open attempt past its deadline plus grace; return how many."""
    return submission.attempts_finalise_overdue()


@task
def finalise_attempt(attempt_uuid: str) -> bool:
    """Finalise one attempt if it is still open and overdue; return whether it
    was finalised now."""
    attempt = (
        Attempt.objects.select_related("assessment")
        .filter(uuid=attempt_uuid, status=Attempt.Status.OPEN)
        .first()
    )
    if attempt is None:
        return False
    result = submission.attempt_finalise_if_overdue(attempt=attempt)
    return result.status == Attempt.Status.SUBMITTED


def schedule_finalisation(attempt: Attempt) -> bool:
    """Enqueue ``finalise_attempt`` for just after the attempt closes, once the
    current transaction commits. Returns False (and does nothing) for an attempt
    without a time limit or a backend that cannot defer a task."""
    if attempt.deadline is None:
        return False
    backend = finalise_attempt.get_backend()
    if not backend.supports_defer:
        return False
    run_after = (
        attempt.deadline
        + timedelta(seconds=attempt.assessment.grace_seconds)
        + FINALISE_MARGIN
    )
    deferred = finalise_attempt.using(run_after=run_after)
    uuid = str(attempt.uuid)
    transaction.on_commit(lambda: deferred.enqueue(uuid))
    return True
