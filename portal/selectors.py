"""The learner's dashboard: what each layer has to show one person."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch

from assessments import learner_selectors
from assessments.models import AssessmentPage, Attempt
from certificates import selectors as certificate_selectors
from compliance import selectors as compliance_selectors
from courses import selectors as course_selectors
from evaluation.models import ElementVerdict, EvaluationPlan, Judgement
from rollout import cohort_selectors


@dataclass(frozen=True)
class KnowledgePending:
    """A passed final questionnaire still waiting for the evaluator's judgement
    of performance (and the plans for it, if any)."""

    attempt: Attempt
    plans: tuple[EvaluationPlan, ...]


def candidate_plans(*, user) -> list[EvaluationPlan]:
    """The candidate's evaluation plans not yet judged nor cancelled, soonest
    first, with evaluator, standard and scenario: 1 query."""
    return list(
        EvaluationPlan.objects.filter(
            candidate=user,
            status__in=[
                EvaluationPlan.Status.PLANNED,
                EvaluationPlan.Status.IN_PROGRESS,
            ],
        )
        .select_related("evaluator", "standard", "scenario")
        .order_by("scheduled_at", "pk")
    )


def candidate_judgements(*, user) -> list[Judgement]:
    """The evaluators' judgements of the candidate, newest first, with the
    evaluator, the standard and the verdicts per element: 2 queries."""
    return list(
        Judgement.objects.filter(candidate=user, method=Judgement.Method.EVALUATOR)
        .select_related("decided_by", "standard")
        .prefetch_related(
            Prefetch(
                "verdicts",
                queryset=ElementVerdict.objects.select_related("element").order_by(
                    "element__order", "element__code"
                ),
            )
        )
        .order_by("-decided_at", "-pk")
    )


def knowledge_pending(
    *, attempts: list[Attempt], judgements: list[Judgement], plans
) -> KnowledgePending | None:
    """The latest passed final, when no competent judgement came after it: its
    knowledge is accredited and its performance still to be evaluated. No
    query (works on what the dashboard already read)."""
    passed = [
        attempt
        for attempt in attempts
        if attempt.competent
        and attempt.submitted_at is not None
        and attempt.assessment.mode == AssessmentPage.Mode.FINAL
    ]
    if not passed:
        return None
    latest = max(passed, key=lambda attempt: attempt.submitted_at)
    if any(
        judgement.competent and judgement.decided_at >= latest.submitted_at
        for judgement in judgements
    ):
        return None
    return KnowledgePending(attempt=latest, plans=tuple(plans))


def dashboard(*, user) -> dict:
    """Courses with progress, the assessments of those courses with every attempt,
    the evaluation (pending performance evaluation, plans, judgements with their
    feedback), the certificates held and the
    person's cohorts with their next session; a fixed number of queries however many
    there are."""
    outlines = course_selectors.dashboard(user=user)
    attempts = learner_selectors.learner_attempt_history(user=user)
    plans = candidate_plans(user=user)
    judgements = candidate_judgements(user=user)
    return {
        "outlines": outlines,
        "assessments": learner_selectors.assessments_in_courses(
            courses=[outline.course for outline in outlines]
        ),
        "attempts": attempts,
        "knowledge_pending": knowledge_pending(
            attempts=attempts, judgements=judgements, plans=plans
        ),
        "plans": plans,
        "judgements": judgements,
        "certificates": certificate_selectors.certificates_for_holder(user=user),
        "cohorts": cohort_selectors.learner_cohorts(user=user),
        "dc3s": compliance_selectors.dc3s_of_worker(user=user),
    }
