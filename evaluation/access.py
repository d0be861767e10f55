"""Who may see and do what in competence evaluation: one place for every check.

Other people's plans, records, evidence and portfolios answer 404, never 403, so
that a page does not tell whether something exists.

* The candidate sees their own plans, records (and signs them), judgements,
  feedback and portfolio.
* The plan's evaluator sees and captures its records, signs, and issues the
  judgement.
* Trainers and HR see every plan, record, judgement and portfolio (read only).
* Anyone else: 404.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts import roles

from .models import EvaluationPlan, EvidenceFile, Judgement, Observation


def oversees(user) -> bool:
    """Trainers and HR follow every evaluation (read only)."""
    return roles.is_trainer(user) or roles.is_hr(user)


def can_see_plan(user, plan: EvaluationPlan) -> bool:
    return user.is_authenticated and (
        user.pk in (plan.candidate_id, plan.evaluator_id) or oversees(user)
    )


def plan_for(user, plan_uuid) -> EvaluationPlan:
    plan = get_object_or_404(
        EvaluationPlan.objects.select_related(
            "candidate", "evaluator", "standard", "scenario"
        ),
        uuid=plan_uuid,
    )
    if not can_see_plan(user, plan):
        raise Http404
    return plan


def plan_to_evaluate(user, plan_uuid) -> EvaluationPlan:
    """The plan, for its evaluator only (others: 404)."""
    plan = plan_for(user, plan_uuid)
    if plan.evaluator_id != user.pk:
        raise Http404
    return plan


def observation_for(user, observation_uuid) -> Observation:
    observation = get_object_or_404(
        Observation.objects.select_related(
            "plan__candidate", "plan__evaluator", "plan__standard", "version"
        ),
        uuid=observation_uuid,
    )
    if not can_see_plan(user, observation.plan):
        raise Http404
    return observation


def observation_to_capture(user, observation_uuid) -> Observation:
    observation = observation_for(user, observation_uuid)
    if observation.plan.evaluator_id != user.pk:
        raise Http404
    return observation


def evidence_for(user, token) -> EvidenceFile:
    evidence = get_object_or_404(
        EvidenceFile.objects.select_related("observation__plan"), token=token
    )
    if not can_see_plan(user, evidence.observation.plan):
        raise Http404
    return evidence


def can_see_judgement(user, judgement: Judgement) -> bool:
    return user.is_authenticated and (
        user.pk in (judgement.candidate_id, judgement.decided_by_id) or oversees(user)
    )


def judgement_for(user, pk) -> Judgement:
    judgement = get_object_or_404(
        Judgement.objects.select_related("candidate", "decided_by", "standard", "plan"),
        pk=pk,
    )
    if not can_see_judgement(user, judgement):
        raise Http404
    return judgement
