"""Read queries for the HR certificate screens: the filtered list, the detail with
its re-issue chain, the certificates about to expire and the bulk jobs.

Status is never stored: it follows from the dates (``Certificate.status_on``), so
the status filter is the same rule written as a query relative to ``today``.
Every list is built with ``select_related`` so its query count does not grow with
the number of rows.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from assessments.models import Attempt
from courses.models import CoursePage

from . import renewal
from .models import BulkDownload, Certificate

STATUSES = tuple(Certificate.Status.values)


@dataclass(frozen=True)
class CertificateFilters:
    """What HR filtered the list by; JSON-able, so a bulk job can store it."""

    q: str = ""
    status: str = ""  # one of Certificate.Status, or "" for all
    issued_from: date | None = None
    issued_to: date | None = None
    course: int | None = None  # CoursePage id

    def as_json(self) -> dict:
        data = asdict(self)
        for key in ("issued_from", "issued_to"):
            if data[key] is not None:
                data[key] = data[key].isoformat()
        return data

    @classmethod
    def from_json(cls, data: dict) -> CertificateFilters:
        def day(value):
            return date.fromisoformat(value) if value else None

        return cls(
            q=data.get("q") or "",
            status=data.get("status") or "",
            issued_from=day(data.get("issued_from")),
            issued_to=day(data.get("issued_to")),
            course=data.get("course") or None,
        )


def status_q(status: str, today: date) -> Q:
    """``Certificate.status_on(today) == status`` as a query."""
    if status == Certificate.Status.REVOKED:
        return Q(revoked_at__isnull=False)
    if status == Certificate.Status.EXPIRED:
        return Q(revoked_at__isnull=True, expires_on__lt=today)
    if status == Certificate.Status.VALID:
        return Q(revoked_at__isnull=True, expires_on__gte=today)
    raise ValueError(f"unknown certificate status {status!r}")


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _case_variants(word: str) -> set[str]:
    # SQLite's LIKE folds case for ASCII letters only: "ñúñez" must also be tried
    # as "Ñúñez" and "ÑÚÑEZ". (Accents are not folded: "nunez" does not find
    # "Núñez".)
    return {word, word.lower(), word.upper(), word.capitalize()}


def _search_q(text: str) -> Q:
    """Every word must match the holder's name (as certified or as in the
    account), the username, the serial or the verification code (typed in any
    case, with or without the dashes it is printed with)."""
    query = Q()
    for word in text.split()[:8]:
        matches = Q(serial__icontains=word) | Q(holder__username__icontains=word)
        for variant in _case_variants(word):
            matches |= (
                Q(snapshot__holder_name__icontains=variant)
                | Q(holder__first_name__icontains=variant)
                | Q(holder__last_name__icontains=variant)
            )
        code = re.sub(r"[\s\-_.·]+", "", word).lower()
        if code:
            matches |= Q(code__contains=code)
        query &= matches
    return query


def certificate_queryset():
    """Certificates with everything a list row shows, in one query."""
    return Certificate.objects.select_related(
        "holder", "standard", "course", "revoked_by", "replaced_by"
    ).order_by("-issued_at", "-pk")


def certificate_search(*, filters: CertificateFilters, today: date):
    """The certificates matching ``filters``, newest first."""
    qs = certificate_queryset()
    if filters.q.strip():
        qs = qs.filter(_search_q(filters.q.strip()))
    if filters.status:
        qs = qs.filter(status_q(filters.status, today))
    if filters.issued_from:
        qs = qs.filter(issued_at__gte=_start_of(filters.issued_from))
    if filters.issued_to:
        qs = qs.filter(issued_at__lt=_start_of(filters.issued_to + timedelta(days=1)))
    if filters.course:
        qs = qs.filter(course_id=filters.course)
    return qs


def certificate_detail(*, pk: int) -> Certificate:
    return certificate_queryset().get(pk=pk)


def replacement_chain(certificate: Certificate) -> list[Certificate]:
    """The certificate's whole re-issue chain, oldest first (the certificate
    itself included). Chains are short: one query per link."""
    chain = [certificate]
    current = certificate
    while current.replaces_id is not None:
        current = certificate_queryset().get(pk=current.replaces_id)
        chain.insert(0, current)
    current = certificate
    while True:
        following = certificate_queryset().filter(replaces=current).first()
        if following is None:
            break
        chain.append(following)
        current = following
    return chain


def course_choices():
    return CoursePage.objects.order_by("title")


# ------------------------------------------------------------------ expiry


def expiry_window_days() -> int:
    return settings.ATIENDE_CERTIFICATE_EXPIRY_NOTICE_DAYS


def expiring_certificates(*, today: date, days: int | None = None):
    """Certificates in force that expire within ``days`` (the notice window,
    ATIENDE_CERTIFICATE_EXPIRY_NOTICE_DAYS by default) from ``today``, soonest
    first.

    Left out: revoked ones, ones already replaced by a re-issue, and ones whose
    holder already holds a later certificate of the same standard that outlasts
    them (they renewed by passing the final assessment again).

    Each row is annotated with ``attempts_used``: the holder's attempts at the
    assessment the certificate rests on that belong to its renewal cycle (started
    after the judgement it rests on, ``renewal.cycle_started_at``), so the page
    can say how many attempts the renewal has left.
    """
    days = expiry_window_days() if days is None else days
    renewed = Certificate.objects.filter(
        holder=OuterRef("holder"),
        standard=OuterRef("standard"),
        revoked_at__isnull=True,
        expires_on__gt=OuterRef("expires_on"),
    ).exclude(pk=OuterRef("pk"))
    attempts_used = (
        Attempt.objects.filter(
            learner=OuterRef("holder"),
            assessment=OuterRef("judgement__attempt__assessment"),
            started_at__gt=OuterRef("judgement__decided_at"),
        )
        .order_by()
        .values("learner")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Certificate.objects.select_related(
            "holder", "standard", "course", "judgement__attempt__assessment"
        )
        .filter(
            revoked_at__isnull=True,
            replaced_by__isnull=True,
            expires_on__gte=today,
            expires_on__lte=today + timedelta(days=days),
        )
        .exclude(Exists(renewed))
        .annotate(
            attempts_used=Coalesce(
                Subquery(attempts_used, output_field=IntegerField()), 0
            )
        )
        .order_by("expires_on", "serial")
    )


def with_renewal(certificates, *, today: date) -> list[Certificate]:
    """The certificates of ``expiring_certificates``, each with ``days_left``,
    ``renewal_opens_on`` and ``attempts_left`` set for the pages and e-mails."""
    rows = list(certificates)
    for certificate in rows:
        certificate.days_left = (certificate.expires_on - today).days
        certificate.renewal_opens_on = renewal.renewal_opens_on(certificate)
        certificate.attempts_left = attempts_left(certificate)
    return rows


def attempts_left(certificate: Certificate) -> int | None:
    """Attempts the holder has left for renewing the certificate at its
    assessment (None: unlimited), counted as
    assessments.attempt_services.attempt_availability does: every attempt of the
    renewal cycle, passed or not, uses one of ``attempts_allowed``."""
    attempt = certificate.judgement.attempt
    allowed = attempt.assessment.attempts_allowed if attempt else 0
    if not allowed:
        return None
    return max(allowed - certificate.attempts_used, 0)


# ------------------------------------------------------------------ bulk jobs


def bulk_jobs_for(*, user, limit: int = 5):
    return BulkDownload.objects.filter(requested_by=user).order_by("-created_at")[
        :limit
    ]
