"""The renewal cycle of a certificate: the one home of the rule.

A certificate rests on a judgement. Its holder's cycle starts at the judgement's
date: attempts at the final started after it belong to the renewal. No attempt
may start before the renewal opens, ATIENDE_CERTIFICATE_EXPIRY_NOTICE_DAYS days
before the certificate expires; from then on (and after it expired) a new
competent judgement issues a new certificate valid from that day. The current one
is not revoked: it runs until its own expiry. A revoked certificate starts no
cycle.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings

from accounts import statements
from assessments.certification import Cycle

from .models import Certificate


def renewal_opens_on(certificate: Certificate) -> date:
    """The first day its holder may renew it."""
    return _renewal_opens(certificate.expires_on)


def _renewal_opens(expires_on: date) -> date:
    return expires_on - timedelta(days=settings.ATIENDE_CERTIFICATE_EXPIRY_NOTICE_DAYS)


def cycle_started_at(certificate: Certificate) -> datetime:
    """The date of the judgement it rests on (loads ``judgement`` unless it was
    selected with the certificate; a re-issue keeps the judgement, hence the
    cycle)."""
    return certificate.judgement.decided_at


def current_certificate(*, holder, standards) -> Certificate | None:
    """The holder's non-revoked certificate (expired or not) for any of these
    standards (ids or a values() queryset) that lasts longest, with its
    judgement: 1 query."""
    return (
        _longest_lasting(holder=holder, standards=standards)
        .select_related("judgement")
        .first()
    )


def _longest_lasting(*, holder, standards):
    return Certificate.objects.filter(
        holder=holder, standard__in=standards, revoked_at__isnull=True
    ).order_by("-expires_on", "-issued_at")


def valid_certificates(*, today: date, standards=None):
    """Certificates valid on ``today``: not revoked and not expired (of these
    standards, ids or a queryset, when given). The one home of "valid"."""
    certificates = Certificate.objects.filter(
        revoked_at__isnull=True, expires_on__gte=today
    )
    if standards is not None:
        certificates = certificates.filter(standard__in=standards)
    return certificates


def holds_valid_certificate(*, holder, standard, today: date) -> bool:
    """A non-revoked certificate of the standard that has not expired: 1 query."""
    return (
        valid_certificates(today=today, standards=[standard])
        .filter(holder=holder)
        .exists()
    )


_STANDING = {
    Certificate.Status.VALID: 2,
    Certificate.Status.EXPIRED: 1,
    Certificate.Status.REVOKED: 0,
}


def certificate_states(*, holder_ids, standard, today: date) -> dict[int, str]:
    """For many holders at once (ids, or a queryset of them), the best status
    (``Certificate.status_on``: vigente, else vencido, else revocado) of their
    certificates of the standard; holders who never had one are absent:
    1 query."""
    states: dict[int, str] = {}
    rows = Certificate.objects.filter(holder_id__in=holder_ids, standard=standard).only(
        "holder_id", "revoked_at", "expires_on"
    )
    for certificate in rows:
        status = certificate.status_on(today)
        best = states.get(certificate.holder_id)
        if best is None or _STANDING[status] > _STANDING[best]:
            states[certificate.holder_id] = status
    return states


def cycle_of(certificate: Certificate) -> Cycle:
    return _cycle(cycle_started_at(certificate), certificate.expires_on)


def _cycle(since: datetime, expires_on: date) -> Cycle:
    return Cycle(
        since=since, expires_on=expires_on, renewal_opens_on=_renewal_opens(expires_on)
    )


def _cycle_dates(queryset):
    return queryset.values_list("judgement__decided_at", "expires_on")[:1]


# An assessment of one standard, the usual case: composed once (Select).
_cycle_of_one_standard = statements.Select(
    lambda holder_id, standard_id: _cycle_dates(
        _longest_lasting(holder=holder_id, standards=[standard_id])
    ),
    fields=[
        Certificate._meta.get_field("holder"),
        Certificate._meta.get_field("standard"),
    ],
)


def certification_cycle(*, learner, standards, today: date) -> Cycle | None:
    """The cycle of ``current_certificate``: 1 query of its two dates, not its
    rows (every start and result page asks). ``learner``: a user or their id."""
    holder_id = getattr(learner, "pk", learner)
    if isinstance(standards, set | frozenset | list | tuple) and len(standards) == 1:
        rows = _cycle_of_one_standard.rows(holder_id, next(iter(standards)))
    else:
        rows = _cycle_dates(_longest_lasting(holder=holder_id, standards=standards))
    if not rows:
        return None
    return _cycle(*rows[0])


def renews(*, current: Certificate, judgement, today: date) -> bool:
    """Whether ``judgement`` renews the holder's ``current`` certificate today:
    the renewal is open and its evidence was gathered after the judgement the
    certificate rests on (an attempt started before it does not renew)."""
    cycle = cycle_of(current)
    return cycle.open_on(today) and judgement.evidence_since > cycle.since
