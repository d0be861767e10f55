"""Changes of state for attempts: start, save answers, submit, finalise overdue
attempts and re-grade. Every view, task and command goes through these.

Submitting, finalising and re-grading live in ``submission`` (below ``tasks``, so
that ``attempt_start`` can schedule the deadline task) and are re-exported here.
"""

import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Model
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import statements
from standards.display import long_date
from standards.models import Element

from . import (
    bank,
    blueprint,
    certification,
    completion,
    payloads,
    row_updates,
    submission,
    tasks,
)
from .models import AssessmentPage, Attempt, BlueprintRow, Response
from .submission import (  # noqa: F401  (re-exported: the attempt services)
    AnswerRejected,
    assessment_plan,
    attempt_finalise_if_overdue,
    attempt_grade,
    attempt_submit,
    attempt_thresholds,
    attempts_finalise_overdue,
    closes_at,
    is_overdue,
    question_regrade,
)


class AttemptNotAllowed(Exception):
    """The learner may not start an attempt now; the message says why."""


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


def _attempts_of(*, learner, assessment: AssessmentPage) -> list[Attempt]:
    """Every attempt of the learner (a user, or their id) at this assessment: 1
    query."""
    learner_id = learner.pk if isinstance(learner, Model) else learner
    return _attempts_at.instances(learner_id, assessment.pk)


# Read by every start and start page: composed once (statements.Select).
_attempts_at = statements.ModelSelect(Attempt, "learner", "assessment")


def attempt_availability(
    *, learner, assessment: AssessmentPage, now=None, attempts=None, rows=None
):
    """Whether the learner may start an attempt now, with the attempts used and
    left. For a final assessment, a learner holding a certificate for its
    standard (not revoked) is in a renewal cycle: no attempt may start before the
    certificate's renewal window opens (ATIENDE_CERTIFICATE_EXPIRY_NOTICE_DAYS
    before it expires); from then on, even after it expired, only the attempts
    started after the certified result count, against attempts_allowed and for
    wait_hours. An open attempt can always be continued. ``attempts``: the
    learner's attempts at this assessment, and ``rows``: its blueprint rows with
    their elements, when the caller has read them. The lessons a completion
    rule asks for are checked by ``attempt_start``."""
    now = now or timezone.now()
    cycle = (
        certification.current().cycle(
            learner=learner,
            standards=_standards(assessment, rows),
            today=timezone.localdate(now),
        )
        if assessment.mode == AssessmentPage.Mode.FINAL
        else None
    )
    if attempts is None:
        attempts = _attempts_of(learner=learner, assessment=assessment)
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


# The start and result pages ask which standards a blueprint covers: composed
# once (statements.Select). With their ids in hand, the certification cycle is
# read by a query composed once too; as a subquery of it, the two cost 1.8 ms
# of composing a page.
_blueprint_standards = statements.Select(
    lambda page_id: (
        Element.objects.filter(
            pk__in=BlueprintRow.objects.filter(page=page_id).values("element")
        )
        .order_by()
        .values_list("standard")
        .distinct()
    ),
    fields=[BlueprintRow._meta.get_field("page")],
)


def _standards(assessment: AssessmentPage, rows=None) -> set[int]:
    """The ids of the standards the assessment's blueprint asks about: from
    ``rows`` when read, else 1 query."""
    if rows is not None:
        return {row.element.standard_id for row in rows}
    return {standard for (standard,) in _blueprint_standards.rows(assessment.pk)}


def _seen_before(*, learner, assessment: AssessmentPage) -> dict[str, tuple]:
    """The questions the learner was shown in any attempt at this assessment:
    question id -> (times shown, number of the last attempt that showed it), the
    order in which ``blueprint.draw`` reuses them (least often, then least
    recently seen first): 1 query."""
    seen = (
        Response.objects.filter(
            attempt__learner=learner, attempt__assessment=assessment
        )
        .values("version__question_id")
        .annotate(times=Count("pk"), last=Max("attempt__number"))
        .values_list("version__question_id", "times", "last")
    )
    return {str(question): (times, last) for question, times, last in seen}


def attempt_start(
    *,
    learner,
    assessment: AssessmentPage,
    now=None,
    rng=None,
    restart_overdue: bool = True,
) -> Attempt:
    """Start an attempt (or return the open one): draw the questions per blueprint,
    avoiding every question the learner saw in an earlier attempt while the bank
    allows it, and freeze their versions and display order. A new attempt with a
    time limit has its assessment's finalisation task scheduled for just after
    its deadline once the transaction commits (``tasks.schedule_finalisation``;
    only on a backend that can defer; one task for the attempts closing in the
    same minute).

    An open attempt whose time ran out is finalised first; then a new one starts,
    or, with ``restart_overdue=False``, the finalised one is returned (the start
    page shows its result).

    Constant cost whatever the bank's size (issue 13): the bank comes from the
    process's memory or the cache (``bank``), the draw runs in memory, and the
    responses are written in one statement. A learner's first start of a final makes
    6 queries (5 for a diagnostic), a later one 7 (what they were shown before), and
    1 more enqueues the finalisation task on a deferring backend, for the first
    attempt of its minute in the process. Reading an uncached bank (2) and freezing
    new versions of drawn questions (5, in bulk) add the same few queries for 30
    questions as for 300."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            return _start(
                learner=learner,
                assessment=assessment,
                now=now,
                rng=rng or random.Random(),
                restart_overdue=restart_overdue,
            )
    except IntegrityError:
        # A concurrent start won the one open attempt (the unique constraint):
        # use it. The whole start was rolled back, so no savepoint was needed.
        winner = (
            Attempt.objects.select_related("assessment")
            .filter(learner=learner, assessment=assessment, status=Attempt.Status.OPEN)
            .first()
        )
        if winner is None:
            raise
        return winner


def _start(*, learner, assessment, now, rng, restart_overdue) -> Attempt:
    attempts = _attempts_of(learner=learner, assessment=assessment)
    rows = bank.blueprint_rows(assessment)
    availability = attempt_availability(
        learner=learner, assessment=assessment, now=now, attempts=attempts, rows=rows
    )
    if availability.open_attempt is not None:
        open_attempt = availability.open_attempt
        open_attempt.assessment = assessment
        if not is_overdue(open_attempt, now):
            return open_attempt
        # Time ran out on the open attempt: finalise it before anything else.
        finalised = attempt_submit(attempt=open_attempt, now=now, automatic=True)
        if not restart_overdue:
            return finalised
        return _start(
            learner=learner,
            assessment=assessment,
            now=now,
            rng=rng,
            restart_overdue=restart_overdue,
        )
    if not availability.can_start:
        raise AttemptNotAllowed(availability.reason)
    # Checked here, not only on the start page: a post must not skip the rule.
    requirement = completion.requirement_for(learner=learner, assessment=assessment)
    if requirement is not None and not requirement.met:
        raise AttemptNotAllowed(requirement.message())
    plan, thresholds = assessment_plan(assessment, rows=rows)
    if not plan:
        raise AttemptNotAllowed(_("Esta evaluación todavía no tiene preguntas."))
    snapshot = bank.bank_snapshot(assessment=assessment, rows=rows)
    seen = _seen_before(learner=learner, assessment=assessment) if attempts else {}
    try:
        drawn = [
            int(pk)
            for pk in blueprint.draw(
                plan,
                snapshot.candidates,
                seen=seen,
                rng=rng,
                shuffle=assessment.shuffle_questions,
                criteria=snapshot.criteria,
            )
        ]
    except blueprint.NotEnoughQuestions as error:
        raise AttemptNotAllowed(
            _("El banco no tiene suficientes preguntas para esta evaluación.")
        ) from error
    versions = bank.drawn_versions(snapshot=snapshot, question_ids=drawn)
    attempt = row_updates.insert_one(
        Attempt,
        {
            "learner_id": learner.pk,
            "assessment_id": assessment.pk,
            "number": max((a.number for a in attempts), default=0) + 1,
            "started_at": now,
            "deadline": (
                now + timedelta(minutes=assessment.time_limit_minutes)
                if assessment.time_limit_minutes
                else None
            ),
            "thresholds": {
                element: f"{value.numerator}/{value.denominator}"
                for element, value in thresholds.items()
            },
        },
    )
    # What create() would have set: the objects the caller passed.
    attempt.learner = learner
    attempt.assessment = assessment
    row_updates.insert_rows(
        Response,
        [
            {
                "attempt_id": attempt.pk,
                "position": position,
                "version_id": versions[question_id],
                "key_version_id": versions[question_id],
                "display": payloads.display_order(
                    snapshot.content(question_id).payload,
                    rng=rng,
                    shuffle=assessment.shuffle_options,
                ),
            }
            for position, question_id in enumerate(drawn, start=1)
        ],
    )
    # Finalised at its deadline even if nobody comes back (after commit).
    tasks.schedule_finalisation(attempt)
    return attempt


def _locked_open(attempt: Attempt, now) -> Attempt:
    """The attempt locked for a change by its learner (inside a transaction);
    AnswerRejected once it is closed or past its deadline plus grace."""
    locked = submission.locked_attempt(attempt)
    if locked.status != Attempt.Status.OPEN:
        raise AnswerRejected(_("Este intento ya se envió."))
    if is_overdue(locked, now):
        raise AnswerRejected(_("El tiempo de este intento terminó."))
    return locked


def attempt_save_answers(
    *,
    attempt: Attempt,
    answers: Mapping[int, object],
    now=None,
    keep_unchanged: bool = False,
) -> list[submission.ResponseRow]:
    """Save several answers ({position: raw answer}) together: all of them or
    none, in one transaction that locks the attempt once; return those written.
    Refused (AnswerRejected) after the deadline plus grace, for closed
    attempts, unknown positions and answers that do not fit their question.
    ``keep_unchanged``: an answer equal to the one stored is not written again
    and keeps its time (a submit that carries every answer the page's script
    already saved)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked_open(attempt, now)
        found = {r.position: r for r in submission.response_rows(locked.pk, answers)}
        saved = submission.apply_answers(
            found, answers, now=now, keep_unchanged=keep_unchanged
        )
    return saved


def attempt_save_answer(*, attempt: Attempt, position: int, raw_answer, now=None):
    """Save one answer (``attempt_save_answers`` with one)."""
    [response] = attempt_save_answers(
        attempt=attempt, answers={position: raw_answer}, now=now
    )
    return response


def attempt_flag(*, attempt: Attempt, flags: Mapping[int, bool], now=None) -> None:
    """Set or clear "marcar para revisar" on questions ({position: flagged}): all
    of them or none, under the rules of saving an answer (refused once the
    attempt is closed or past its time). At most two updates, however many
    questions."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked_open(attempt, now)
        updated = 0
        for value in (True, False):
            positions = [p for p, flagged in flags.items() if flagged is value]
            if positions:
                updated += Response.objects.filter(
                    attempt=locked, position__in=positions
                ).update(flagged=value)
        if updated != len(flags):
            # Rolls back the other update too.
            raise AnswerRejected(_("Esa pregunta no es parte de este intento."))
