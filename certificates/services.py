"""Changes of state for certificates: issue, revoke and re-issue.

Every view, hook and command goes through these. Rules (DESIGN.md, Certificates):

* One certificate per holder, standard and validity period: while the holder has
  a non-revoked certificate for the standard that has not expired and is not in
  its renewal window, passing again returns that certificate; after it expires
  (or is revoked) a new pass issues a new one.
* Renewal: from ``Certificate.renewal_opens_on`` (ATIENDE_CERTIFICATE_EXPIRY_NOTICE_DAYS
  days before expiry) the holder may take the final assessment again
  (``assessments.attempt_services.attempt_availability``), and a competent
  attempt of that renewal cycle (started after the certified result) issues a
  new certificate, valid from that day. The current one is not revoked: it runs
  until its own expiry. ``replaces`` stays empty (it links re-issues only).
* Serials are sequential per organisation and year (``ATI-2026-000001``), taken
  from ``SerialCounter`` under a row lock.
* The verification code is random, 160 bits, base32 in lower case.
* The certificate states what its frozen snapshot says; the PDF is rendered once,
  at issue, stored, and served as stored (its SHA-256 is on the public page).
"""

from __future__ import annotations

import base64
import calendar
import io
import logging
import secrets
from datetime import date, datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image as PILImage
from wagtail.models import Site

from accounts.public_url import public_base_url
from assessments.models import AssessmentPage, Attempt, ElementResult
from courses.models import CoursePage

from . import pdf
from .models import Certificate, CertificateSettings, SerialCounter
from .snapshot import ElementSnapshot, build_snapshot, document_from_snapshot

logger = logging.getLogger(__name__)

CODE_BYTES = 20  # 160 bits -> 32 base32 characters


class CertificateError(ValueError):
    """A certificate operation that cannot be done; the message may be shown."""


class CertificateNotIssuable(CertificateError):
    """The attempt does not earn a certificate (not submitted, not competent, or
    a diagnostic)."""


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
    return public_base_url() + reverse("certificates:verify", args=[code])


def _site_for(course: CoursePage | None) -> Site | None:
    site = course.get_site() if course is not None else None
    return site or Site.objects.filter(is_default_site=True).first()


def issuer_settings(course: CoursePage | None = None) -> CertificateSettings:
    """The issuer's settings of the site the course belongs to (defaults when HR
    never edited them)."""
    site = _site_for(course)
    if site is None:
        return CertificateSettings()
    return CertificateSettings.for_site(site)


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


def _image_bytes(image) -> bytes | None:
    """A Wagtail image's original as PNG or JPEG bytes for the renderer (other
    formats converted to PNG); None when it is missing or unreadable."""
    if image is None:
        return None
    try:
        with image.file.open("rb") as handle:
            data = handle.read()
        if data.startswith(b"\x89PNG\r\n\x1a\n") or data.startswith(b"\xff\xd8\xff"):
            return data
        with PILImage.open(io.BytesIO(data)) as im:
            buffer = io.BytesIO()
            im.convert("RGBA").save(buffer, "PNG")
        return buffer.getvalue()
    except (OSError, ValueError) as error:
        logger.warning("Certificate image %s left out: %s", image.pk, error)
        return None


def _course_of(attempt: Attempt) -> CoursePage | None:
    return CoursePage.objects.ancestor_of(attempt.assessment).first()


def _element_results(attempt: Attempt) -> list[ElementResult]:
    return list(
        ElementResult.objects.filter(attempt=attempt)
        .select_related("element__standard")
        .order_by("element__order", "element__code")
    )


def _check_issuable(attempt: Attempt) -> list[ElementResult]:
    if attempt.assessment.mode != AssessmentPage.Mode.FINAL:
        raise CertificateNotIssuable(_("Un diagnóstico no otorga constancia."))
    if attempt.status != Attempt.Status.SUBMITTED or attempt.competent is not True:
        raise CertificateNotIssuable(
            _("Solo un intento enviado y competente otorga constancia.")
        )
    results = _element_results(attempt)
    standards = {result.element.standard for result in results}
    if len(standards) != 1:
        raise CertificateNotIssuable(
            _("Los resultados del intento no corresponden a un solo estándar.")
        )
    return results


def _issue(
    *,
    attempt: Attempt,
    results: list[ElementResult],
    course: CoursePage | None,
    course_title: str,
    issued_at: datetime,
    expires_on: date,
    replaces: Certificate | None = None,
) -> Certificate:
    """Create the certificate: serial, code, snapshot, rendered and stored PDF.
    Call inside a transaction."""
    standard = results[0].element.standard
    holder = attempt.learner
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
                code=result.element.official_code or result.element.code,
                title=result.element.title,
                earned=result.earned,
                possible=result.possible,
                passed=result.passed,
            )
            for result in results
        ],
        organisation_name=issuer.organisation_name,
        signatory_name=issuer.signatory_name,
        signatory_title=issuer.signatory_title,
        serial=serial,
        code=code,
        verification_url=verification_url(code),
        issued_on=issued_on,
        expires_on=expires_on,
    )
    data = pdf.render_certificate(
        document_from_snapshot(
            snapshot,
            logo=_image_bytes(issuer.logo),
            signature=_image_bytes(issuer.signature),
        )
    )
    certificate = Certificate(
        holder=holder,
        standard=standard,
        attempt=attempt,
        course=course,
        replaces=replaces,
        serial=serial,
        code=code,
        issued_at=issued_at,
        expires_on=expires_on,
        snapshot=snapshot,
        pdf_sha256=pdf.sha256_hex(data),
    )
    certificate.pdf.save(f"{serial}.pdf", ContentFile(data), save=False)
    try:
        certificate.save()
    except Exception:
        certificate.pdf.delete(save=False)
        raise
    return certificate


# ------------------------------------------------------------------ services


def certificate_issue_for_attempt(*, attempt: Attempt, now=None) -> Certificate:
    """The certificate a competent final attempt earns.

    Returns the existing certificate instead of issuing a new one when this
    attempt already has one, or when the holder already holds a non-revoked,
    unexpired certificate for the same standard, unless that certificate is in
    its renewal window and the attempt was started after the result it rests on:
    then the attempt renews it with a new certificate (the old one stays valid
    until it expires). Raises CertificateNotIssuable for attempts that do not
    earn one.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        attempt = Attempt.objects.select_related("assessment", "learner").get(
            pk=attempt.pk
        )
        results = _check_issuable(attempt)
        own = Certificate.objects.filter(attempt=attempt).order_by("-issued_at")
        if (existing := own.first()) is not None:
            return existing
        course = _course_of(attempt)
        standard = results[0].element.standard
        # Serialise issues for this holder (and organisation): the counter row
        # lock is taken before looking for a current certificate.
        _locked_counter(_serial_prefix(issuer_settings(course)), today.year)
        current = (
            Certificate.objects.filter(
                holder=attempt.learner,
                standard=standard,
                revoked_at__isnull=True,
                expires_on__gte=today,
            )
            .select_related("attempt")
            .order_by("-expires_on", "-issued_at")
            .first()
        )
        if current is not None and not (
            current.renewable_on(today)
            and attempt.started_at > current.cycle_started_at
        ):
            return current
        return _issue(
            attempt=attempt,
            results=results,
            course=course,
            course_title=course.title if course else "",
            issued_at=now,
            expires_on=add_months(today, settings.ATIENDE_CERTIFICATE_VALIDITY_MONTHS),
        )


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
        locked.save(update_fields=["revoked_at", "revoked_reason", "revoked_by"])
    return locked


def certificate_reissue(*, certificate: Certificate, by, now=None) -> Certificate:
    """A new certificate (new serial, code, snapshot and PDF) for the same attempt
    and validity period, replacing the old one, which is revoked with the reason
    "Reemitida como <serial>" unless it already was revoked. The snapshot is taken
    afresh, so a corrected name or new signatory appear on the new certificate.
    A certificate is re-issued at most once (then re-issue its replacement)."""
    now = now or timezone.now()
    with transaction.atomic():
        old = (
            # Lock only the certificate row: PostgreSQL refuses FOR UPDATE on the
            # nullable side of the outer join to the course.
            Certificate.objects.select_for_update(of=("self",))
            .select_related("attempt__assessment", "attempt__learner", "course")
            .get(pk=certificate.pk)
        )
        successor = Certificate.objects.filter(replaces=old).first()
        if successor is not None:
            raise CertificateError(
                _("La constancia %(old)s ya fue reemitida como %(new)s.")
                % {"old": old.serial, "new": successor.serial}
            )
        results = _check_issuable(old.attempt)
        new = _issue(
            attempt=old.attempt,
            results=results,
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
