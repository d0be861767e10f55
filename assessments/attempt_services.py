"""Changes of state for attempts: start, save an answer, submit, finalise overdue
attempts and re-grade. Every view, task and command goes through these."""

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from standards.display import long_date
from standards.models import Element

from . import blueprint, certification, grading, payloads
from .models import (
    AssessmentPage,
    Attempt,
    ElementResult,
    Question,
    RegradeRecord,
    Response,
)
from .question_services import question_version_current


class AttemptNotAllowed(Exception):
    """The learner may not start an attempt now; the message says why."""


class AnswerRejected(ValueError):
    """A posted answer that cannot be saved (closed attempt, unknown question,
    wrong shape). The message may be shown to the learner."""


@dataclass(frozen=True)
class Availability:
    attempts_used: int
    attempts_left: int | None  # None: unlimited
    next_allowed_at: datetime | None
    open_attempt: Attempt | None
    reason: str = ""
    # The learner's current certificate for the standard of a final assessment
    # (non-revoked, possibly expired): its expiry and first day of renewal.
    certificate_expires_on: date | None = None
    renewal_opens_on: date | None = None

    @property
    def can_start(self) -> bool:
        return self.open_attempt is None and not self.reason

    @property
    def renewing(self) -> bool:
        """A start now would renew the learner's certificate."""
        return self.renewal_opens_on is not None and not self.reason


def attempt_availability(*, learner, assessment: AssessmentPage, now=None):
    """Whether the learner may start an attempt now, with the attempts used and
    left. For a final assessment, a learner holding a certificate for its
    standard (not revoked) is in a renewal cycle: no attempt may start before the
    certificate's renewal window opens (ATIENDE_CERTIFICATE_EXPIRY_NOTICE_DAYS
    before it expires); from then on, even after it expired, only the attempts
    started after the certified result count, against attempts_allowed and for
    wait_hours. An open attempt can always be continued."""
    now = now or timezone.now()
    cycle = (
        certification.current().cycle(
            learner=learner,
            standards=Element.objects.filter(
                pk__in=assessment.blueprint_rows.values("element")
            ).values("standard"),
            today=timezone.localdate(now),
        )
        if assessment.mode == AssessmentPage.Mode.FINAL
        else None
    )
    attempts = list(
        Attempt.objects.filter(learner=learner, assessment=assessment).only(
            "status", "started_at", "submitted_at", "deadline", "number", "uuid"
        )
    )
    open_attempt = next((a for a in attempts if a.status == Attempt.Status.OPEN), None)
    reason = ""
    expires_on = renewal_opens_on = None
    if cycle is not None:
        expires_on = cycle.expires_on
        renewal_opens_on = cycle.renewal_opens_on
        attempts = [a for a in attempts if a.started_at > cycle.since]
        if not cycle.open_on(timezone.localdate(now)):
            reason = _(
                "Ya tienes una constancia vigente hasta el %(expires)s. Podrás "
                "renovarla a partir del %(opens)s."
            ) % {
                "expires": long_date(expires_on),
                "opens": long_date(renewal_opens_on),
            }
    used = len(attempts)
    limited = assessment.attempts_allowed and not assessment.is_diagnostic
    left = max(assessment.attempts_allowed - used, 0) if limited else None
    next_allowed = None
    if left == 0 and open_attempt is None and not reason:
        reason = _("Ya usaste todos tus intentos.")
    finished = [a.submitted_at for a in attempts if a.submitted_at]
    if assessment.wait_hours and finished and not reason:
        next_allowed = max(finished) + timedelta(hours=assessment.wait_hours)
        if next_allowed > now:
            reason = _("Todavía no puedes iniciar otro intento.")
        else:
            next_allowed = None
    return Availability(
        used, left, next_allowed, open_attempt, reason, expires_on, renewal_opens_on
    )


def _blueprint(assessment: AssessmentPage):
    rows = list(
        assessment.blueprint_rows.select_related("element", "criterion").order_by(
            "sort_order"
        )
    )
    plan = [
        blueprint.BlueprintRow(
            row.element.code,
            row.criterion.code if row.criterion_id else None,
            row.count,
        )
        for row in rows
    ]
    thresholds: dict[str, Fraction] = {}
    for row in rows:
        # An element's bar is the strictest of its rows.
        value = Fraction(row.threshold_percent, 100)
        thresholds[row.element.code] = max(thresholds.get(row.element.code, 0), value)
    return plan, thresholds


def _pool(assessment: AssessmentPage) -> tuple[list[blueprint.Candidate], dict]:
    # Only the blueprint's own elements: rows match candidates by element code,
    # and codes (E1, E2 ...) are unique per standard, not across standards.
    questions = {
        q.pk: q
        for q in Question.objects.filter(
            active=True,
            criterion__element__in=assessment.blueprint_rows.values("element"),
        )
        .select_related("criterion__element")
        .order_by("code")
    }
    pool = [
        blueprint.Candidate(str(q.pk), q.criterion.element.code, q.criterion.code)
        for q in questions.values()
    ]
    return pool, questions


def attempt_start(
    *, learner, assessment: AssessmentPage, now=None, rng=None
) -> Attempt:
    """Start an attempt (or return the open one): draw the questions per blueprint,
    avoiding those of the learner's last attempt when the bank allows, and freeze
    their versions and display order."""
    now = now or timezone.now()
    with transaction.atomic():
        availability = attempt_availability(
            learner=learner, assessment=assessment, now=now
        )
        if availability.open_attempt is not None:
            if not is_overdue(availability.open_attempt, now):
                return availability.open_attempt
            # Time ran out on the open attempt: finalise it before anything else.
            attempt_submit(attempt=availability.open_attempt, now=now, automatic=True)
            availability = attempt_availability(
                learner=learner, assessment=assessment, now=now
            )
        if not availability.can_start:
            raise AttemptNotAllowed(availability.reason)
        plan, thresholds = _blueprint(assessment)
        if not plan:
            raise AttemptNotAllowed(_("Esta evaluación todavía no tiene preguntas."))
        pool, questions = _pool(assessment)
        last = (
            Attempt.objects.filter(learner=learner, assessment=assessment)
            .order_by("-number")
            .first()
        )
        recently_seen = (
            {
                str(qid)
                for qid in last.responses.values_list("version__question_id", flat=True)
            }
            if last
            else set()
        )
        rng = rng or random.Random()
        try:
            drawn = blueprint.draw(
                plan,
                pool,
                recently_seen=recently_seen,
                rng=rng,
                shuffle=assessment.shuffle_questions,
            )
        except blueprint.NotEnoughQuestions as error:
            raise AttemptNotAllowed(
                _("El banco no tiene suficientes preguntas para esta evaluación.")
            ) from error
        number = (
            Attempt.objects.filter(learner=learner, assessment=assessment).aggregate(
                n=Max("number")
            )["n"]
            or 0
        ) + 1
        deadline = (
            now + timedelta(minutes=assessment.time_limit_minutes)
            if assessment.time_limit_minutes
            else None
        )
        try:
            with transaction.atomic():
                attempt = Attempt.objects.create(
                    learner=learner,
                    assessment=assessment,
                    number=number,
                    started_at=now,
                    deadline=deadline,
                    thresholds={
                        element: f"{value.numerator}/{value.denominator}"
                        for element, value in thresholds.items()
                    },
                )
        except IntegrityError:
            # A concurrent start won: there is exactly one open attempt, use it.
            return Attempt.objects.get(
                learner=learner, assessment=assessment, status=Attempt.Status.OPEN
            )
        # Freeze versions in one fixed order: making a version locks its question
        # row, and concurrent starts locking rows in different orders deadlock.
        versions = {
            qid: question_version_current(question=questions[int(qid)])
            for qid in sorted(drawn, key=int)
        }
        responses = []
        for position, question_id in enumerate(drawn, start=1):
            version = versions[question_id]
            responses.append(
                Response(
                    attempt=attempt,
                    position=position,
                    version=version,
                    key_version=version,
                    display=payloads.display_order(
                        version.payload, rng=rng, shuffle=assessment.shuffle_options
                    ),
                )
            )
        Response.objects.bulk_create(responses)
    return attempt


def _closes_at(attempt: Attempt):
    if attempt.deadline is None:
        return None
    return attempt.deadline + timedelta(seconds=attempt.assessment.grace_seconds)


def is_overdue(attempt: Attempt, now=None) -> bool:
    closes = _closes_at(attempt)
    return closes is not None and (now or timezone.now()) > closes


def _json_answer(normalized):
    """The canonical answer as JSON data (tuples become lists, pairs a dict)."""
    if normalized is None or isinstance(normalized, str):
        return normalized
    if normalized and isinstance(normalized[0], tuple):
        return dict(normalized)
    return list(normalized)


def attempt_save_answer(*, attempt: Attempt, position: int, raw_answer, now=None):
    """Save one answer. Refused after the deadline plus grace, for closed attempts,
    unknown positions and answers that do not fit the question."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            Attempt.objects.select_for_update(of=("self",))
            .select_related("assessment")
            .get(pk=attempt.pk)
        )
        if locked.status != Attempt.Status.OPEN:
            raise AnswerRejected(_("Este intento ya se envió."))
        if is_overdue(locked, now):
            raise AnswerRejected(_("El tiempo de este intento terminó."))
        response = (
            Response.objects.select_related("version")
            .filter(attempt=locked, position=position)
            .first()
        )
        if response is None:
            raise AnswerRejected(_("Esa pregunta no es parte de este intento."))
        key = payloads.answer_key(response.version.payload)
        try:
            normalized = grading.normalize_answer(key, raw_answer)
        except grading.AnswerShapeError as error:
            raise AnswerRejected(
                _("La respuesta no tiene un formato válido.")
            ) from error
        response.answer = _json_answer(normalized)
        response.saved_at = now
        response.save(update_fields=["answer", "saved_at"])
    return response


def attempt_thresholds(attempt: Attempt) -> dict[str, Fraction]:
    """The pass marks frozen at start; attempts from before they were frozen use
    the blueprint."""
    if attempt.thresholds:
        return {element: Fraction(v) for element, v in attempt.thresholds.items()}
    return _blueprint(attempt.assessment)[1]


def attempt_grade(
    *, attempt: Attempt, responses: list[Response]
) -> grading.AttemptGrade:
    """The grade of an attempt's responses (loaded with
    ``key_version__criterion__element``) by the pure ``grading.grade_attempt``,
    with the pass marks frozen on the attempt. Reads only: submitting and the
    result page both take scores, verdicts and the criteria below threshold from
    here."""
    items = [
        grading.GradedItem(
            question_id=str(r.pk),
            element=r.key_version.criterion.element.code,
            criterion=r.key_version.criterion.code,
            key=payloads.answer_key(r.key_version.payload),
            answer=r.answer,
        )
        for r in responses
    ]
    return grading.grade_attempt(items, attempt_thresholds(attempt))


def _grade(attempt: Attempt) -> grading.AttemptGrade:
    responses = list(
        attempt.responses.select_related("key_version__criterion__element").order_by(
            "position"
        )
    )
    result = attempt_grade(attempt=attempt, responses=responses)
    scores = dict(result.items)
    for response in responses:
        response.score = scores[str(response.pk)]
    Response.objects.bulk_update(responses, ["score"])
    elements = {
        r.key_version.criterion.element.code: r.key_version.criterion.element
        for r in responses
    }
    ElementResult.objects.filter(attempt=attempt).delete()
    ElementResult.objects.bulk_create(
        ElementResult(
            attempt=attempt,
            element=elements[grade.element],
            earned=grade.earned,
            possible=grade.possible,
            threshold=grade.threshold,
            passed=grade.passed,
        )
        for grade in result.elements
    )
    earned = sum((g.earned for g in result.elements), Fraction(0))
    possible = sum((g.possible for g in result.elements), Fraction(0))
    attempt.score = earned / possible if possible else Fraction(0)
    attempt.competent = None if attempt.assessment.is_diagnostic else result.competent
    return result


def attempt_submit(*, attempt: Attempt, now=None, automatic=False) -> Attempt:
    """Submit and grade, once: a repeated or concurrent submit returns the same
    result without grading again."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            Attempt.objects.select_for_update(of=("self",))
            .select_related("assessment")
            .get(pk=attempt.pk)
        )
        if locked.status == Attempt.Status.SUBMITTED:
            return locked
        # A learner's own submit after deadline + grace is a late finalisation.
        automatic = automatic or is_overdue(locked, now)
        _grade(locked)
        locked.status = Attempt.Status.SUBMITTED
        # An overdue attempt counts as handed in when its time ran out.
        closes = _closes_at(locked)
        locked.submitted_at = min(now, locked.deadline) if automatic and closes else now
        locked.finalised_automatically = automatic
        locked.save(
            update_fields=[
                "status",
                "submitted_at",
                "finalised_automatically",
                "score",
                "competent",
            ]
        )
        if locked.assessment.mode == AssessmentPage.Mode.FINAL:
            # Judged and, when competent, certified in this same transaction.
            certification.current().final_graded(attempt=locked, now=now)
    return locked


def attempt_finalise_if_overdue(*, attempt: Attempt, now=None) -> Attempt:
    """Finalise an open attempt whose time is up, with its last saved answers."""
    if attempt.status == Attempt.Status.OPEN and is_overdue(attempt, now):
        return attempt_submit(attempt=attempt, now=now, automatic=True)
    return attempt


def attempts_finalise_overdue(*, now=None) -> int:
    now = now or timezone.now()
    count = 0
    candidates = Attempt.objects.filter(
        status=Attempt.Status.OPEN, deadline__lt=now
    ).select_related("assessment")
    for attempt in candidates:
        if is_overdue(attempt, now):
            attempt_submit(attempt=attempt, now=now, automatic=True)
            count += 1
    return count


def question_regrade(*, question: Question, by) -> RegradeRecord:
    """Re-grade every submitted attempt that showed this question with its current
    key, and record what changed (scores and verdicts, attempt by attempt)."""
    new_version = question_version_current(question=question)
    details = []
    verdicts_changed = 0
    with transaction.atomic():
        # Open attempts too, locked with the rest: one that is submitted later must
        # be graded with the corrected key, not the one it was drawn with.
        responses = list(
            Response.objects.select_for_update(of=("self", "attempt"))
            .filter(version__question=question)
            .exclude(key_version=new_version)
            .select_related("attempt__assessment", "version")
        )
        for response in responses:
            if response.version.payload["type"] != new_version.payload["type"]:
                continue  # a different type of question cannot grade the old answer
            attempt = response.attempt
            before = (attempt.score, attempt.competent)
            response.key_version = new_version
            response.save(update_fields=["key_version"])
            if attempt.status != Attempt.Status.SUBMITTED:
                continue  # graded with the corrected key when it is submitted
            _grade(attempt)
            attempt.save(update_fields=["score", "competent"])
            if before[1] != attempt.competent:
                verdicts_changed += 1
            details.append(
                {
                    "attempt": str(attempt.uuid),
                    "score_before": str(before[0]),
                    "score_after": str(attempt.score),
                    "competent_before": before[1],
                    "competent_after": attempt.competent,
                }
            )
        record = RegradeRecord.objects.create(
            question=question,
            to_version=new_version,
            by=by,
            attempts_regraded=len(details),
            verdicts_changed=verdicts_changed,
            details=details,
        )
    return record
