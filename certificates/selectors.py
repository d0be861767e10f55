"""Reading certificates: by code, by holder, and what the public page shows."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from django.utils import timezone

from .models import Certificate
from .pdf import format_items, format_percent
from .snapshot import EVIDENCE_EVALUATOR, evidence_of, judged_on

# base32 (RFC 4648) in lower case; 26 to 64 characters (the model's max_length).
CODE_RE = re.compile(r"^[a-z2-7]{26,64}$")


def normalise_code(text: str) -> str:
    """A code as typed or read aloud, made canonical: case, spaces, dashes and
    dots do not matter, and a zero is read as the letter O (base32 has no 0).
    Returns "" when the result cannot be a code."""
    cleaned = re.sub(r"[\s\-_.·]+", "", text or "").lower().replace("0", "o")
    return cleaned if CODE_RE.match(cleaned) else ""


def certificate_by_code(code: str) -> Certificate | None:
    """The certificate with this code (any spelling normalise_code accepts)."""
    canonical = normalise_code(code)
    if not canonical:
        return None
    return (
        Certificate.objects.select_related("revoked_by").filter(code=canonical).first()
    )


def certificates_for_holder(*, user) -> list[Certificate]:
    """The user's own certificates, newest first, with today's status on each
    (``status_now``, ``status_now_label``)."""
    if not user.is_authenticated:
        return []
    today = timezone.localdate()
    certificates = list(
        Certificate.objects.filter(holder=user)
        .select_related("standard")
        .order_by("-issued_at", "-pk")
    )
    for certificate in certificates:
        certificate.status_now = certificate.status_on(today)
        certificate.status_now_label = Certificate.Status(certificate.status_now).label
    return certificates


@dataclass(frozen=True)
class ElementRow:
    code: str
    title: str
    percent: str
    passed: bool
    performance: str = ""
    product: str = ""


@dataclass(frozen=True)
class Verification:
    """What the public verification page shows: the certificate's own frozen
    statements and its status, nothing else about the holder."""

    certificate: Certificate
    status: str
    holder_name: str
    standard_code: str
    standard_title: str
    elements: tuple[ElementRow, ...]
    issued_on: date
    expires_on: date
    issuer: str
    serial: str
    display_code: str
    pdf_sha256: str
    # "evaluator" (knowledge, performance and product) or "questionnaire"
    # (knowledge only: the certificates issued before evaluators judged).
    evidence: str = "questionnaire"
    evaluator_name: str = ""
    judged_on: date | None = None

    @property
    def knowledge_only(self) -> bool:
        return self.evidence != EVIDENCE_EVALUATOR

    @property
    def status_label(self) -> str:
        return Certificate.Status(self.status).label

    @property
    def is_valid(self) -> bool:
        return self.status == Certificate.Status.VALID

    @property
    def is_expired(self) -> bool:
        return self.status == Certificate.Status.EXPIRED

    @property
    def is_revoked(self) -> bool:
        return self.status == Certificate.Status.REVOKED


def verification(
    certificate: Certificate, *, today: date | None = None
) -> Verification:
    snapshot = certificate.snapshot
    evidence = evidence_of(snapshot)
    return Verification(
        certificate=certificate,
        status=certificate.status_on(today or timezone.localdate()),
        holder_name=snapshot["holder_name"],
        standard_code=snapshot["standard_code"],
        standard_title=snapshot["standard_title"],
        elements=tuple(
            ElementRow(
                code=item["code"],
                title=item["title"],
                percent=format_percent(
                    Fraction(item["earned"]), Fraction(item["possible"])
                ),
                passed=bool(item["passed"]),
                performance=format_items(
                    item.get("performance_met"), item.get("performance_total")
                ),
                product=format_items(
                    item.get("product_met"), item.get("product_total")
                ),
            )
            for item in snapshot["elements"]
        ),
        issued_on=date.fromisoformat(snapshot["issued_on"]),
        expires_on=date.fromisoformat(snapshot["expires_on"]),
        issuer=snapshot["issuer"],
        serial=certificate.serial,
        display_code=snapshot["verification_code"],
        pdf_sha256=certificate.pdf_sha256,
        evidence=evidence,
        evaluator_name=snapshot.get("evaluator_name") or "",
        judged_on=judged_on(snapshot),
    )
