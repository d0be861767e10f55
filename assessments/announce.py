"""Announcing a finalised attempt to the apps above (``signals.attempt_finalised``).

A submit enqueues ``announce_attempt_finalised`` once its transaction commits:
what the listeners do (issue a DC-3, notify evaluators) then runs on a task
worker, not in the learner's submit request, whose cost stays the same for
everybody (issue 13). With the tests' immediate backend it runs at commit.
(Not in ``signals``: apps import that module before models can load.)
"""

import logging

from django_tasks import task

from .models import Attempt
from .signals import attempt_finalised

logger = logging.getLogger(__name__)


@task
def announce_attempt_finalised(attempt_id: int) -> int:
    """Send ``attempt_finalised`` for a submitted attempt. Every listener runs
    even when another fails (the failure is logged); returns how many failed."""
    attempt = (
        Attempt.objects.select_related("assessment", "learner")
        .filter(pk=attempt_id, status=Attempt.Status.SUBMITTED)
        .first()
    )
    if attempt is None:
        return 0
    failed = 0
    for receiver, result in attempt_finalised.send_robust(
        sender=Attempt, attempt=attempt
    ):
        if isinstance(result, Exception):
            failed += 1
            logger.error(
                "attempt_finalised listener %r failed for attempt %s",
                receiver,
                attempt_id,
                exc_info=result,
            )
    return failed
