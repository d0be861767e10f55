"""What a learner may see of one of their own attempts now: the one place the
review policy (``AssessmentPage.review_answers``) is applied.

- While the attempt is open: its questions, and nothing of the key (the forms
  of ``learner_answers`` carry no payload id, no option feedback, no general
  feedback).
- Once it is submitted, always: the result by element and the criteria still
  below their element's threshold, with the lessons that teach them.
- The review question by question (the learner's answers, the right answers,
  each question's score, its general feedback and the feedback of the options
  chosen) only when the policy allows it, and never while another attempt of
  the same assessment is open. Feedback explains the right answer ("Falso.",
  the steps in order): it is the key in other words, so it follows the key.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .attempt_services import Availability
from .models import AssessmentPage, Attempt

Policy = AssessmentPage.ReviewAnswers

WITHHELD = {
    Policy.NEVER: _(
        "Esta evaluación no muestra la revisión pregunta por pregunta: ni las "
        "respuestas correctas ni la retroalimentación de cada pregunta."
    ),
    Policy.AFTER_PASS: _(
        "La revisión pregunta por pregunta, con las respuestas correctas y la "
        "retroalimentación, se muestra cuando apruebas."
    ),
    Policy.AFTER_LAST: _(
        "La revisión pregunta por pregunta, con las respuestas correctas y la "
        "retroalimentación, se muestra cuando ya no te quedan intentos."
    ),
}
WITHHELD_WHILE_OPEN = _(
    "La revisión pregunta por pregunta no se muestra mientras tengas un intento "
    "en curso de esta evaluación."
)


@dataclass(frozen=True)
class Disclosure:
    """What the result page of a submitted attempt may show beyond the results
    by element and criterion: the question-by-question review, or why not."""

    review: bool
    withheld: str = ""


def attempt_disclosure(
    *, attempt: Attempt, availability: Availability, all_passed: bool
) -> Disclosure:
    """What the learner may see of ``attempt`` now. ``availability``: the
    learner's availability for the attempt's assessment; ``all_passed``: whether
    this attempt passed every element. Reads nothing more, except whether some
    other attempt passed, under "after passing" when this one did not (1
    query)."""
    if attempt.status != Attempt.Status.SUBMITTED:
        return Disclosure(False, WITHHELD_WHILE_OPEN)
    if availability.open_attempt is not None:
        return Disclosure(False, WITHHELD_WHILE_OPEN)
    policy = attempt.assessment.review_answers
    if policy == Policy.AFTER_PASS:
        review = all_passed or _passed_some_attempt(attempt)
    elif policy == Policy.AFTER_LAST:
        review = availability.attempts_left == 0
    else:
        review = False
    return Disclosure(
        review, "" if review else WITHHELD.get(policy, WITHHELD[Policy.NEVER])
    )


def _passed_some_attempt(attempt: Attempt) -> bool:
    """Whether the learner passed some submitted attempt of this assessment: every
    element passed (the verdict for final assessments; diagnostics have none)."""
    return (
        Attempt.objects.filter(
            learner_id=attempt.learner_id,
            assessment_id=attempt.assessment_id,
            status=Attempt.Status.SUBMITTED,
        )
        .filter(Q(competent=True) | Q(element_results__isnull=False))
        .exclude(element_results__passed=False)
        .exists()
    )
