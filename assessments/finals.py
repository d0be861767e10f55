"""The graded final questionnaire of a standard: one home of the rule that the
evaluator's judgement, the cohort's ready-for-evaluation list and the rollout
dashboards all read ("the candidate's latest submitted final of the standard")."""

from __future__ import annotations

from django.db.models import F, QuerySet
from django.db.models.expressions import Window
from django.db.models.functions import RowNumber

from .models import AssessmentPage, Attempt, ElementResult

LATEST_FIRST = ("-submitted_at", "-pk")


def _finals(standard_ids) -> QuerySet:
    return Attempt.objects.filter(
        status=Attempt.Status.SUBMITTED,
        assessment__mode=AssessmentPage.Mode.FINAL,
        pk__in=ElementResult.objects.filter(
            element__standard_id__in=standard_ids
        ).values("attempt_id"),
    )


def graded_finals(*, learner, standard_ids) -> QuerySet:
    """Submitted final attempts of ``learner`` (a user, an id or an OuterRef)
    graded on elements of these standards, latest first. ``.first()`` is the
    one that counts."""
    return _finals(standard_ids).filter(learner=learner).order_by(*LATEST_FIRST)


def latest_graded_finals(*, learners, standard_ids) -> QuerySet:
    """The one that counts (``graded_finals(...).first()``) for each of
    ``learners`` (a queryset of ids), all at once: one window over their
    attempts, no query or subquery per learner."""
    return (
        _finals(standard_ids)
        .filter(learner__in=learners)
        .annotate(
            recency=Window(
                RowNumber(),
                partition_by=[F("learner_id")],
                order_by=[F("submitted_at").desc(), F("pk").desc()],
            )
        )
        .filter(recency=1)
    )


def learners_whose_latest_final_passed(*, learners, standard_ids) -> QuerySet:
    """Ids of ``learners`` whose latest graded final is competent. ``competent``
    is tested outside the window: a filter on the windowed queryset would go
    inside it, and an older passed final would count over a later failed one."""
    latest = latest_graded_finals(learners=learners, standard_ids=standard_ids)
    return Attempt.objects.filter(
        pk__in=latest.values("pk"), competent=True
    ).values_list("learner_id", flat=True)
