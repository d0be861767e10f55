"""Changes of state for judgements."""

from django.db import transaction
from django.utils.translation import gettext as _

from assessments.models import AssessmentPage, Attempt, ElementResult

from .models import ElementVerdict, Judgement


class JudgementNotPossible(ValueError):
    """The evidence cannot support a judgement; the message says why."""


def judgement_record_for_attempt(*, attempt: Attempt) -> Judgement:
    """The judgement a submitted final questionnaire yields by rule: competent in
    an element when its score reached the threshold, competent overall only when
    every element is. Idempotent: a second call returns the first judgement.
    Called inside the transaction that grades the attempt."""
    if attempt.assessment.mode != AssessmentPage.Mode.FINAL:
        raise JudgementNotPossible(_("Un diagnóstico no lleva a un juicio."))
    if attempt.status != Attempt.Status.SUBMITTED or attempt.competent is None:
        raise JudgementNotPossible(_("El intento todavía no se ha calificado."))
    existing = Judgement.objects.filter(
        attempt=attempt, method=Judgement.Method.QUESTIONNAIRE
    ).first()
    if existing is not None:
        return existing
    results = list(
        ElementResult.objects.filter(attempt=attempt)
        .select_related("element")
        .order_by("element__order", "element__code")
    )
    standards = {result.element.standard_id for result in results}
    if len(standards) != 1:
        raise JudgementNotPossible(
            _("Los resultados del intento no corresponden a un solo estándar.")
        )
    with transaction.atomic():
        judgement = Judgement.objects.create(
            candidate_id=attempt.learner_id,
            standard_id=standards.pop(),
            competent=attempt.competent,
            decided_at=attempt.submitted_at,
            method=Judgement.Method.QUESTIONNAIRE,
            attempt=attempt,
        )
        ElementVerdict.objects.bulk_create(
            ElementVerdict(
                judgement=judgement,
                element=result.element,
                competent=result.passed,
                earned=result.earned,
                possible=result.possible,
            )
            for result in results
        )
    return judgement
