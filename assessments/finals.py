"""The graded final questionnaire of a standard: one home of the rule that the
evaluator's judgement, the cohort's ready-for-evaluation list and the rollout
dashboards all read ("the candidate's latest submitted final of the standard")."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import AssessmentPage, Attempt


def graded_finals(*, learner, standard_ids) -> QuerySet:
    """Submitted final attempts of ``learner`` (a user, an id or an OuterRef)
    graded on elements of these standards, latest first. ``.first()`` is the
    one that counts; ``.values("pk")[:1]`` makes it a subquery."""
    return Attempt.objects.filter(
        learner=learner,
        status=Attempt.Status.SUBMITTED,
        assessment__mode=AssessmentPage.Mode.FINAL,
        element_results__element__standard_id__in=standard_ids,
    ).order_by("-submitted_at", "-pk")
