"""Submitting and grading attempts: submit, finalise overdue attempts, re-grade
after a key is corrected, and the grade the result page reads.

Below ``attempt_services`` (which re-exports these) and ``tasks`` (whose
deadline tasks call them), so that starting an attempt can schedule its
finalisation task without a module cycle.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import statements

from . import bank, frozen_versions, grading, row_updates
from .announce import announce_attempt_finalised
from .models import (
    AssessmentPage,
    Attempt,
    BlueprintRow,
    ElementResult,
    Question,
    RegradeRecord,
    Response,
)
from .question_services import question_version_current


class AnswerRejected(ValueError):
    """A posted answer that cannot be saved (closed attempt, unknown question,
    wrong shape). The message may be shown to the learner."""


def assessment_plan(assessment: AssessmentPage, *, rows=None):
    """The assessment's blueprint for drawing (``bank.draw_plan``), and each
    element's pass mark by element code (the strictest of its rows). ``rows``:
    its blueprint rows with their elements, when the caller has read them."""
    if rows is None:
        rows = list(
            BlueprintRow.objects.filter(page=assessment)
            .select_related("element")
            .order_by("sort_order")
        )
    thresholds: dict[str, Fraction] = {}
    for row in rows:
        # An element's bar is the strictest of its rows.
        value = Fraction(row.threshold_percent, 100)
        thresholds[row.element.code] = max(thresholds.get(row.element.code, 0), value)
    return bank.draw_plan(rows), thresholds


def closes_at(attempt: Attempt):
    if attempt.deadline is None:
        return None
    return attempt.deadline + timedelta(seconds=attempt.assessment.grace_seconds)


def is_overdue(attempt: Attempt, now=None) -> bool:
    closes = closes_at(attempt)
    return closes is not None and (now or timezone.now()) > closes


def attempt_thresholds(attempt: Attempt) -> dict[str, Fraction]:
    """The pass marks frozen at start; attempts from before they were frozen use
    the blueprint."""
    if attempt.thresholds:
        return {element: Fraction(v) for element, v in attempt.thresholds.items()}
    return assessment_plan(attempt.assessment)[1]


@dataclass(slots=True)
class ResponseRow:
    """A response as saving and grading read it: plain values. Model instances
    of 36 responses with their versions, criteria and elements cost a save or
    a submit twice the CPU, and decoded payloads the process already keeps
    (issue 13). ``score``: the one stored, replaced by grading."""

    pk: int
    position: int
    answer: object
    saved_at: datetime | None
    score: Fraction | None
    version_hash: str
    version_id: int
    key_hash: str
    key_version_id: int
    criterion_id: int
    criterion_code: str
    element_id: int | None
    element_code: str | None


# ResponseRow's columns, in its fields' order: graded under its key version's
# criterion and element.
_ROW_COLUMNS = (
    "pk",
    "position",
    "answer",
    "saved_at",
    "score",
    "version__content_hash",
    "version_id",
    "key_version__content_hash",
    "key_version_id",
    "key_version__criterion_id",
    "key_version__criterion__code",
    "key_version__criterion__element_id",
    "key_version__criterion__element__code",
)


def _rows_query(responses):
    return responses.order_by("position").values_list(*_ROW_COLUMNS)


# Every submit and result page reads all of an attempt's rows: composed once
# (statements.Select; through the ORM its five joins cost 1.2 ms a read).
_rows_of_attempt = statements.Select(
    lambda attempt_id: _rows_query(Response.objects.filter(attempt_id=attempt_id)),
    fields=[Response._meta.get_field("attempt")],
)


def response_rows(attempt_id: int, positions=None) -> list[ResponseRow]:
    """The attempt's responses in order (only those at ``positions`` when
    given): 1 query."""
    if positions is None:
        return [ResponseRow(*values) for values in _rows_of_attempt.rows(attempt_id)]
    responses = Response.objects.filter(
        attempt_id=attempt_id, position__in=list(positions)
    )
    return [ResponseRow(*values) for values in _rows_query(responses)]


def attempt_grade(*, attempt: Attempt, rows: list[ResponseRow]) -> grading.AttemptGrade:
    """The grade of an attempt's responses (``response_rows``) by the pure
    ``grading.grade_attempt``, with the pass marks frozen on the attempt and
    the keys of the key versions (1 query for those the process does not keep).
    Reads only: submitting takes scores, verdicts and the criteria below
    threshold from here."""
    keys = frozen_versions.version_keys({r.key_hash: r.key_version_id for r in rows})
    items = [
        grading.GradedItem(
            str(r.pk),
            r.element_code,
            r.criterion_code,
            key=keys[r.key_hash],
            answer=r.answer,
        )
        for r in rows
    ]
    return grading.grade_attempt(items, attempt_thresholds(attempt))


def attempt_grade_recorded(
    *, attempt: Attempt, rows: list[ResponseRow]
) -> grading.AttemptGrade:
    """The grade of a graded attempt as its submit (or last re-grade) recorded
    it: the responses' stored scores (``response_rows``; their answer keys are
    not read) graded by ``grading.grade_scored`` with the attempt's pass
    marks."""
    items = []
    for r in rows:
        score = r.score or Fraction(0)
        items.append(
            grading.ScoredItem(
                str(r.pk),
                r.element_code,
                r.criterion_code,
                ratio=(score.numerator, score.denominator),
            )
        )
    return grading.grade_scored(items, attempt_thresholds(attempt))


def _json_answer(normalized):
    """The canonical answer as JSON data (tuples become lists, pairs a dict)."""
    if normalized is None or isinstance(normalized, str):
        return normalized
    if normalized and isinstance(normalized[0], tuple):
        return dict(normalized)
    return list(normalized)


def apply_answers(
    rows: Mapping[int, ResponseRow],
    answers: Mapping[int, object],
    *,
    now,
    keep_unchanged: bool = False,
) -> list[ResponseRow]:
    """Set raw answers ({position: answer}) on the attempt's responses
    (``response_rows`` by position), normalised against the question shown,
    and write those that changed: 1 query (none when nothing changed), and 1
    for the keys this process does not keep. Raises AnswerRejected, before
    writing, for an unknown position or an answer that does not fit its
    question. ``keep_unchanged``: an answer equal to the one stored keeps its
    time."""
    if any(position not in rows for position in answers):
        raise AnswerRejected(_("Esa pregunta no es parte de este intento."))
    shown = [rows[position] for position in answers]
    keys = frozen_versions.version_keys({r.version_hash: r.version_id for r in shown})
    saved = []
    for row, raw_answer in zip(shown, answers.values(), strict=True):
        try:
            normalized = grading.normalize_answer(keys[row.version_hash], raw_answer)
        except grading.AnswerShapeError as error:
            raise AnswerRejected(
                _("La respuesta no tiene un formato válido.")
            ) from error
        answer = _json_answer(normalized)
        if keep_unchanged and row.saved_at and row.answer == answer:
            continue
        row.answer = answer
        row.saved_at = now
        saved.append(row)
    row_updates.update_by_pk(
        Response, "answer", {r.pk: r.answer for r in saved}, saved_at=now
    )
    return saved


def _grade(attempt: Attempt, rows: list[ResponseRow] | None = None):
    """Grade the attempt's responses (``response_rows``, read here unless
    given) and write the scores and the element results; the caller saves the
    attempt's score and verdict."""
    if rows is None:
        rows = response_rows(attempt.pk)
    result = attempt_grade(attempt=attempt, rows=rows)
    scores = dict(result.items)
    for row in rows:
        row.score = scores[str(row.pk)]
    row_updates.update_by_pk(Response, "score", {r.pk: r.score for r in rows})
    elements = {r.element_code: r.element_id for r in rows}
    if attempt.status != Attempt.Status.OPEN:
        # A re-grade replaces the results; a first grading has none to delete.
        ElementResult.objects.filter(attempt=attempt).delete()
    ElementResult.objects.bulk_create(
        ElementResult(
            attempt=attempt,
            element_id=elements[grade.element],
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


# Every submit locks its attempt: composed once (statements.Select; through the
# ORM, with its assessment joined, 1 ms a submit).
_attempt_for_update = statements.ModelSelect(Attempt, "id", for_update=True)


def locked_attempt(attempt: Attempt) -> Attempt:
    """The attempt read again and row-locked until the transaction ends, with
    ``attempt``'s assessment when it is loaded (a page is never locked; it is
    read on first use otherwise). Raises Attempt.DoesNotExist when it is gone."""
    found = _attempt_for_update.instances(attempt.pk)
    if not found:
        raise Attempt.DoesNotExist(f"Attempt {attempt.pk} does not exist.")
    locked = found[0]
    if Attempt.assessment.is_cached(attempt):
        locked.assessment = attempt.assessment
    return locked


def attempt_submit(
    *,
    attempt: Attempt,
    now=None,
    automatic=False,
    answers: Mapping[int, object] | None = None,
) -> Attempt:
    """Submit and grade, once: a repeated or concurrent submit returns the same
    result without grading again.

    ``answers`` ({position: raw answer}): what the submitting form carries,
    saved first as ``attempt_save_answers`` saves them (an unchanged answer
    keeps its time), in the same transaction, under the same lock and from the
    same read of the responses as the grading. An answer that does not fit
    raises AnswerRejected and nothing is saved or submitted. Past the deadline
    plus grace the answers are not taken: the attempt is finalised with those
    saved before, as a finalisation would."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = locked_attempt(attempt)
        if locked.status == Attempt.Status.SUBMITTED:
            return locked
        # A learner's own submit after deadline + grace is a late finalisation.
        automatic = automatic or is_overdue(locked, now)
        take_answers = bool(answers) and not automatic
        rows = response_rows(locked.pk)
        if take_answers:
            apply_answers(
                {r.position: r for r in rows}, answers, now=now, keep_unchanged=True
            )
        _grade(locked, rows)
        locked.status = Attempt.Status.SUBMITTED
        # An overdue attempt counts as handed in when its time ran out.
        closes = closes_at(locked)
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
        # Robust: what listeners do (e-mails) must never fail a submit.
        attempt_id = locked.pk
        transaction.on_commit(
            lambda: announce_attempt_finalised.enqueue(attempt_id), robust=True
        )
    return locked


def attempt_finalise_if_overdue(*, attempt: Attempt, now=None) -> Attempt:
    """Finalise an open attempt whose time is up, with its last saved answers."""
    if attempt.status == Attempt.Status.OPEN and is_overdue(attempt, now):
        return attempt_submit(attempt=attempt, now=now, automatic=True)
    return attempt


def attempts_finalise_overdue(*, now=None, assessment_id: int | None = None) -> int:
    """Finalise every open attempt whose time is up (deadline plus grace), at
    one assessment or at all; return how many."""
    now = now or timezone.now()
    count = 0
    candidates = Attempt.objects.filter(
        status=Attempt.Status.OPEN, deadline__lt=now
    ).select_related("assessment")
    if assessment_id is not None:
        candidates = candidates.filter(assessment_id=assessment_id)
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
