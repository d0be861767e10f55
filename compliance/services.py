"""Changes of state for DC-3s: issue, catch up, re-issue.

* A DC-3 is issued once a worker earned it (``selectors.candidates``) and every
  required field is known (``documents.dc3_data_for``); otherwise nothing is
  written and the worker stays in the "datos faltantes" list.
* One valid DC-3 per worker and course (a partial unique constraint); issuing
  again returns the one there is, so the triggers may fire any number of times.
* Folios are sequential per year (``DC3-2026-000001``) from the certificates'
  serial counter; the verification code is random, 160 bits, like a
  certificate's.
* The PDF is rendered after the transaction commits, by a task.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit
from accounts.public_url import public_url
from certificates.issuer import issuer_settings
from certificates.services import new_code, serial_next
from courses.models import CoursePage

from . import selectors, tasks
from .documents import Dc3Data, dc3_data_for
from .models import Dc3

FOLIO_PREFIX = "DC3"
User = get_user_model()


class Dc3Error(ValueError):
    """A DC-3 operation that cannot be done; the message may be shown."""


class Dc3Incomplete(Dc3Error):
    def __init__(self, missing):
        self.missing = tuple(missing)
        super().__init__(
            _("Faltan datos para la DC-3: %(missing)s.")
            % {"missing": ", ".join(self.missing)}
        )


def verification_url(code: str) -> str:
    return public_url("compliance:verify", code)


@dataclass(frozen=True)
class Review:
    """A candidate and what their DC-3 would say (or what it lacks)."""

    candidate: selectors.Candidate
    data: Dc3Data


def review(*, course: CoursePage, people) -> list[Review]:
    """Every worker of ``people`` who earned the DC-3 of ``course`` and has none
    valid, with the data it would print. A fixed number of queries."""
    found = selectors.candidates(course=course, people=people)
    if not found:
        return []
    done = selectors.valid_dc3_worker_ids(course, [c.worker.pk for c in found])
    found = [c for c in found if c.worker.pk not in done]
    if not found:
        return []
    employer = issuer_settings(course)
    course_dc3 = selectors.course_settings(course)
    minutes = selectors.lesson_minutes(course)
    cohorts = {c.cohort.pk: c.cohort for c in found if c.cohort is not None}
    trainers = selectors.cohort_trainers(list(cohorts))
    return [
        Review(
            candidate=c,
            data=dc3_data_for(
                c,
                employer=employer,
                course_dc3=course_dc3,
                lesson_minutes=minutes,
                trainers=trainers.get(c.cohort.pk, []) if c.cohort else [],
            ),
        )
        for c in found
    ]


def _create(*, data: Dc3Data, candidate, by, now, replaces=None, reason="") -> Dc3:
    if not data.complete:
        raise Dc3Incomplete(data.missing)
    code = new_code()
    folio = serial_next(prefix=FOLIO_PREFIX, year=timezone.localdate(now).year)
    snapshot = {
        **data.values,
        "folio": folio,
        "code": code,
        "issued_on": timezone.localdate(now).isoformat(),
        "verification_url": verification_url(code),
    }
    with audit.because(
        f"Reemisión de {replaces.folio}" if replaces is not None else "Emisión"
    ):
        dc3 = Dc3.objects.create(
            worker=candidate.worker,
            course=candidate.course,
            cohort=candidate.cohort,
            folio=folio,
            code=code,
            snapshot=snapshot,
            course_ended_on=candidate.ended_on,
            issued_at=now,
            issued_by=by,
            replaces=replaces,
            reissue_reason=reason,
        )
    transaction.on_commit(lambda: tasks.render_dc3_pdf.enqueue(dc3.pk))
    return dc3


@audit.authored
@transaction.atomic
def dc3_issue_reviewed(*, item: Review, by=None, now=None) -> Dc3:
    """Issue the DC-3 of a reviewed candidate (``Dc3Incomplete`` when data are
    missing; the existing valid one when there is)."""
    now = now or timezone.now()
    existing = Dc3.objects.filter(
        worker=item.candidate.worker,
        course=item.candidate.course,
        status=Dc3.Status.VALID,
    ).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return _create(data=item.data, candidate=item.candidate, by=by, now=now)
    except IntegrityError:  # a concurrent trigger issued it first
        return Dc3.objects.get(
            worker=item.candidate.worker,
            course=item.candidate.course,
            status=Dc3.Status.VALID,
        )


def dc3_issue_for(*, worker, course: CoursePage, by=None, now=None) -> Dc3 | None:
    """Issue ``worker``'s DC-3 of ``course`` when they earned it and nothing is
    missing; None otherwise (they show in the pending lists)."""
    items = review(course=course, people=User.objects.filter(pk=worker.pk))
    if not items or not items[0].data.complete:
        return (
            Dc3.objects.filter(
                worker=worker, course=course, status=Dc3.Status.VALID
            ).first()
            if not items
            else None
        )
    return dc3_issue_reviewed(item=items[0], by=by, now=now)


@dataclass
class CatchUp:
    issued: int = 0
    incomplete: int = 0


def dc3_issue_pending(*, now=None) -> CatchUp:
    """Issue every DC-3 earned and not issued yet (``manage.py issue_dc3``);
    those with missing data are counted and left for the "datos faltantes"
    list."""
    result = CatchUp()
    for course in selectors.courses_with_final():
        for item in review(course=course, people=User.objects.all()):
            if item.data.complete:
                dc3_issue_reviewed(item=item, now=now)
                result.issued += 1
            else:
                result.incomplete += 1
    return result


@audit.authored
@transaction.atomic
def dc3_reissue(*, dc3: Dc3, reason: str, by, now=None) -> Dc3:
    """Replace a valid DC-3 with a new one (new folio and code), from today's
    data; the old one is marked replaced. The reason is required and kept."""
    reason = (reason or "").strip()
    if not reason:
        raise Dc3Error(_("Indica el motivo de la reemisión."))
    now = now or timezone.now()
    dc3 = Dc3.objects.select_for_update().get(pk=dc3.pk)
    if dc3.status != Dc3.Status.VALID:
        raise Dc3Error(_("Esta DC-3 ya fue reemplazada."))
    found = selectors.candidates(
        course=dc3.course, people=User.objects.filter(pk=dc3.worker_id)
    )
    if not found:
        raise Dc3Error(_("La persona ya no cumple las condiciones de la DC-3."))
    candidate = found[0]
    trainers = selectors.cohort_trainers(
        [candidate.cohort.pk] if candidate.cohort else []
    )
    data = dc3_data_for(
        candidate,
        employer=issuer_settings(dc3.course),
        course_dc3=selectors.course_settings(dc3.course),
        lesson_minutes=selectors.lesson_minutes(dc3.course),
        trainers=trainers.get(candidate.cohort.pk, []) if candidate.cohort else [],
    )
    if not data.complete:
        raise Dc3Incomplete(data.missing)
    # A save, not a queryset update: the audit trail records the replacement.
    dc3.status = Dc3.Status.REPLACED
    with audit.because(reason):
        dc3.save(update_fields=["status"])
    return _create(
        data=data, candidate=candidate, by=by, now=now, replaces=dc3, reason=reason
    )
