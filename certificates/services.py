"""Changes of state for certificates: issue, revoke and re-issue.

Every view, hook and command goes through these. Rules (DESIGN.md, Certificates):

* A certificate is issued from a competent judgement (evaluation.Judgement), once
  per holder, standard and validity period: while the holder has a non-revoked
  certificate for the standard that has not expired and is not in its renewal
  window, a new competent judgement returns that certificate; after it expires
  (or is revoked) a new one is issued. Renewal: ``renewal``.
* Serials are sequential per organisation and year (``ATI-2026-000001``), taken
  from ``SerialCounter`` under a row lock.
* The verification code is random, 160 bits, base32 in lower case.
* The certificate row (serial, code, frozen snapshot) is created in the
  transaction that records the verdict; its PDF is rendered, stored and hashed
  after that transaction commits (``rendering``, run by a task), so no lock is
  held while rendering and a rolled-back issue leaves no file behind.
"""

from __future__ import annotations

import base64
import calendar
import secrets
from datetime import date, datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit
from accounts.public_url import public_url
from courses.models import CoursePage
from evaluation import selectors as evaluation_selectors
from evaluation.models import Judgement

from . import renewal, tasks
from .hr_selectors import CertificateFilters, certificate_search
from .issuer import issuer_settings
from .models import BulkDownload, Certificate, CertificateSettings, SerialCounter
from .snapshot import ElementSnapshot, build_snapshot

CODE_BYTES = 20  # 160 bits -> 32 base32 characters


class CertificateError(ValueError):
    """A certificate operation that cannot be done; the message may be shown."""


class CertificateNotIssuable(CertificateError):
    """The judgement does not earn a certificate (not competent)."""


class CertificateAlreadyRevoked(CertificateError):
    """Revoking twice is refused and changes nothing."""


# ------------------------------------------------------------------- helpers


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, clamped to the end of a shorter month
    (2024-02-29 + 24 months -> 2026-02-28; 2025-01-31 + 1 -> 2025-02-28)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def new_code() -> str:
    """A random verification code: 160 bits, base32 lower case, no padding."""
    raw = secrets.token_bytes(CODE_BYTES)
    return base64.b32encode(raw).decode("ascii").rstrip("=").lower()


def verification_url(code: str) -> str:
    """The absolute public address of the verification page (what the QR holds)."""
    return public_url("certificates:verify", code)


def _serial_prefix(issuer: CertificateSettings) -> str:
    return issuer.serial_prefix.strip() or "ATI"


def _locked_counter(prefix: str, year: int) -> SerialCounter:
    """The serial counter of this prefix and year, row-locked until the
    surrounding transaction ends (created at the first issue of the year)."""
    name = f"certificate:{prefix}:{year}"
    try:
        with transaction.atomic():
            SerialCounter.objects.get_or_create(name=name)
    except IntegrityError:  # a concurrent first issue of the year created it
        pass
    return SerialCounter.objects.select_for_update().get(name=name)


def _next_serial(prefix: str, year: int) -> str:
    """The next serial for this prefix and year: "ATI-2026-000001"."""
    counter = _locked_counter(prefix, year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{prefix}-{year}-{counter.last:06d}"


def serial_next(*, prefix: str, year: int) -> str:
    """The next sequential serial of ``prefix`` and ``year`` (for other
    documents, such as the DC-3): the certificates' counter under a row lock;
    call inside a transaction."""
    return _next_serial(prefix, year)


def _course_of(judgement: Judgement) -> CoursePage | None:
    """The course whose final the judgement's questionnaire was."""
    if judgement.attempt_id is None:
        return None
    return CoursePage.objects.ancestor_of(judgement.attempt.assessment).first()


def _person_name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name().strip() or user.get_username()


def _check_issuable(judgement: Judgement) -> None:
    if not judgement.competent:
        raise CertificateNotIssuable(
            _("Solo un juicio de competente otorga constancia.")
        )


def _issue(
    *,
    judgement: Judgement,
    course: CoursePage | None,
    course_title: str,
    issued_at: datetime,
    expires_on: date,
    replaces: Certificate | None = None,
) -> Certificate:
    """Create the certificate row: serial, code and frozen snapshot. Its PDF is
    rendered once the surrounding transaction commits. Call inside a
    transaction."""
    standard = judgement.standard
    holder = judgement.candidate
    issuer = issuer_settings(course)
    issued_on = timezone.localdate(issued_at)
    serial = _next_serial(_serial_prefix(issuer), issued_on.year)
    code = new_code()
    snapshot = build_snapshot(
        holder_name=holder.get_full_name().strip() or holder.get_username(),
        standard_code=standard.code,
        standard_title=standard.title,
        course_title=course_title,
        elements=[
            ElementSnapshot(
                code=verdict.element.official_code or verdict.element.code,
                title=verdict.element.title,
                earned=verdict.earned if verdict.possible is not None else 0,
                possible=verdict.possible if verdict.possible is not None else 0,
                passed=verdict.competent,
                performance_met=verdict.performance_met,
                performance_total=verdict.performance_total,
                product_met=verdict.product_met,
                product_total=verdict.product_total,
            )
            for verdict in evaluation_selectors.verdicts(judgement=judgement)
        ],
        organisation_name=issuer.organisation_name,
        signatory_name=issuer.signatory_name,
        signatory_title=issuer.signatory_title,
        serial=serial,
        code=code,
        verification_url=verification_url(code),
        issued_on=issued_on,
        expires_on=expires_on,
        evidence=judgement.method,
        evaluator_name=_person_name(judgement.decided_by),
        judged_on=timezone.localdate(judgement.decided_at),
    )
    with audit.because(
        f"Reemisión de {replaces.serial}" if replaces is not None else "Emisión"
    ):
        certificate = Certificate.objects.create(
            holder=holder,
            standard=standard,
            judgement=judgement,
            course=course,
            replaces=replaces,
            serial=serial,
            code=code,
            issued_at=issued_at,
            expires_on=expires_on,
            snapshot=snapshot,
        )
    transaction.on_commit(
        lambda: tasks.render_certificate_pdf.enqueue(certificate.pk), robust=True
    )
    return certificate


# ------------------------------------------------------------------ services


def certificate_issue_for_judgement(*, judgement: Judgement, now=None) -> Certificate:
    """The certificate a competent judgement earns.

    Returns the existing certificate instead of issuing a new one when this
    judgement already has one, or when the holder already holds a non-revoked,
    unexpired certificate for the same standard that this judgement does not
    renew (``renewal.renews``); a renewal is a new certificate and the old one
    stays valid until it expires. Raises CertificateNotIssuable for a judgement
    of "todavía no competente".
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        judgement = Judgement.objects.select_related(
            "candidate", "standard", "decided_by", "attempt__assessment"
        ).get(pk=judgement.pk)
        _check_issuable(judgement)
        own = Certificate.objects.filter(judgement=judgement).order_by("-issued_at")
        if (existing := own.first()) is not None:
            return existing
        course = _course_of(judgement)
        # Serialise issues for this holder (and organisation): the counter row
        # lock is taken before looking for a current certificate.
        _locked_counter(_serial_prefix(issuer_settings(course)), today.year)
        current = (
            Certificate.objects.filter(
                holder=judgement.candidate,
                standard=judgement.standard,
                revoked_at__isnull=True,
                expires_on__gte=today,
            )
            .select_related("judgement")
            .order_by("-expires_on", "-issued_at")
            .first()
        )
        if current is not None and not renewal.renews(
            current=current, judgement=judgement, today=today
        ):
            return current
        return _issue(
            judgement=judgement,
            course=course,
            course_title=course.title if course else "",
            issued_at=now,
            expires_on=add_months(today, settings.ATIENDE_CERTIFICATE_VALIDITY_MONTHS),
        )


@audit.authored
def certificate_revoke(
    *, certificate: Certificate, by, reason: str, now=None
) -> Certificate:
    """Revoke with a reason (required). Revoking a revoked certificate is refused
    (CertificateAlreadyRevoked) and changes nothing. Returns the updated row."""
    reason = (reason or "").strip()
    if not reason:
        raise CertificateError(_("Indica el motivo de la revocación."))
    now = now or timezone.now()
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if locked.revoked_at is not None:
            raise CertificateAlreadyRevoked(
                _("La constancia %(serial)s ya estaba revocada.")
                % {"serial": locked.serial}
            )
        locked.revoked_at = now
        locked.revoked_reason = reason
        locked.revoked_by = by
        with audit.because("Revocación"):
            locked.save(update_fields=["revoked_at", "revoked_reason", "revoked_by"])
    return locked


@audit.authored
def certificate_reissue(*, certificate: Certificate, by, now=None) -> Certificate:
    """A new certificate (new serial, code, snapshot and PDF) for the same
    judgement and validity period, replacing the old one, which is revoked with
    the reason "Reemitida como <serial>" unless it already was revoked. The
    snapshot is taken afresh, so a corrected name or new signatory appear on the
    new certificate. A certificate is re-issued at most once (then re-issue its
    replacement)."""
    now = now or timezone.now()
    with transaction.atomic():
        old = (
            # Lock only the certificate row: PostgreSQL refuses FOR UPDATE on the
            # nullable side of the outer join to the course.
            Certificate.objects.select_for_update(of=("self",))
            .select_related(
                "judgement__candidate",
                "judgement__standard",
                "judgement__decided_by",
                "course",
            )
            .get(pk=certificate.pk)
        )
        successor = Certificate.objects.filter(replaces=old).first()
        if successor is not None:
            raise CertificateError(
                _("La constancia %(old)s ya fue reemitida como %(new)s.")
                % {"old": old.serial, "new": successor.serial}
            )
        _check_issuable(old.judgement)
        new = _issue(
            judgement=old.judgement,
            course=old.course,
            course_title=(
                old.course.title if old.course else old.snapshot.get("course_title", "")
            ),
            issued_at=now,
            expires_on=old.expires_on,
            replaces=old,
        )
        if old.revoked_at is None:
            certificate_revoke(
                certificate=old,
                by=by,
                reason=f"Reemitida como {new.serial}",
                now=now,
            )
    return new


def bulk_download_request(
    *, by, filters: CertificateFilters, today: date, total: int | None = None
) -> BulkDownload:
    """Ask for a ZIP of the certificates matching ``filters`` (as HR saw them on
    ``today``) to be built in the background: the job is created now and
    ``tasks.build_bulk_zip`` enqueued once the transaction commits, so the worker
    never looks for a job that is not there yet. ``total`` is the count the
    caller already has (counted here otherwise); the task counts again."""
    if total is None:
        total = certificate_search(filters=filters, today=today).count()
    with transaction.atomic():
        job = BulkDownload.objects.create(
            requested_by=by,
            filters={**filters.as_json(), "today": today.isoformat()},
            total=total,
        )
        transaction.on_commit(lambda: tasks.build_bulk_zip.enqueue(job.pk))
    return job
