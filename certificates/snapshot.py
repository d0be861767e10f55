"""The frozen snapshot of a certificate and the ``CertificateDocument`` built from it.

The snapshot is plain JSON stored on the certificate at issue time: everything the
certificate states (names, titles, results, issuer, dates, serial and code). Later
edits of the user, the course, the standard or the organisation's settings never
change it. The logo and signature images are not in it: they are drawn into the
PDF at issue time, and the stored PDF is the record.

Versions: 1 (the first certificates, from the questionnaire alone) has no
evidence fields; 2 adds per element the performance and product items met
(``performance_met``/``_total``, ``product_met``/``_total``, null when not
observed) and, at the top, ``evidence`` (the judgement's method:
"questionnaire" or "evaluator"), ``evaluator_name`` and ``judged_on``. Both stay
readable: a version-1 snapshot reads as knowledge-only evidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from .pdf import CertificateDocument, ElementLine

SNAPSHOT_VERSION = 2
CODE_GROUP = 4


def display_code(code: str) -> str:
    """The verification code as printed for people: upper case in groups of four
    ("ABCD-EFGH-..."). Typing it back in any case, with or without the dashes,
    finds the certificate (see selectors.normalise_code)."""
    upper = code.upper()
    return "-".join(upper[i : i + CODE_GROUP] for i in range(0, len(upper), CODE_GROUP))


@dataclass(frozen=True)
class ElementSnapshot:
    code: str
    title: str
    earned: Fraction
    possible: Fraction
    passed: bool
    performance_met: int | None = None
    performance_total: int | None = None
    product_met: int | None = None
    product_total: int | None = None


EVIDENCE_QUESTIONNAIRE = "questionnaire"
EVIDENCE_EVALUATOR = "evaluator"


def build_snapshot(
    *,
    holder_name: str,
    standard_code: str,
    standard_title: str,
    course_title: str,
    elements: list[ElementSnapshot],
    organisation_name: str,
    signatory_name: str,
    signatory_title: str,
    serial: str,
    code: str,
    verification_url: str,
    issued_on: date,
    expires_on: date,
    evidence: str = EVIDENCE_EVALUATOR,
    evaluator_name: str = "",
    judged_on: date | None = None,
) -> dict:
    """The JSON stored in ``Certificate.snapshot``; fractions as strings ("4/5")."""
    return {
        "version": SNAPSHOT_VERSION,
        "holder_name": holder_name,
        "standard_code": standard_code,
        "standard_title": standard_title,
        "course_title": course_title,
        "elements": [
            {
                "code": element.code,
                "title": element.title,
                "earned": str(Fraction(element.earned)),
                "possible": str(Fraction(element.possible)),
                "passed": bool(element.passed),
                "performance_met": element.performance_met,
                "performance_total": element.performance_total,
                "product_met": element.product_met,
                "product_total": element.product_total,
            }
            for element in elements
        ],
        "evidence": evidence,
        "evaluator_name": evaluator_name,
        "judged_on": judged_on.isoformat() if judged_on else None,
        "organisation_name": organisation_name,
        "issuer": organisation_name,
        "signatory_name": signatory_name,
        "signatory_title": signatory_title,
        "serial": serial,
        "code": code,
        "verification_code": display_code(code),
        "verification_url": verification_url,
        "issued_on": issued_on.isoformat(),
        "expires_on": expires_on.isoformat(),
    }


def evidence_of(snapshot: dict) -> str:
    """What the certified verdict rests on: "evaluator" (questionnaire,
    observation and checklist) or "questionnaire" (knowledge only: every
    version-1 snapshot)."""
    return snapshot.get("evidence") or EVIDENCE_QUESTIONNAIRE


def judged_on(snapshot: dict) -> date | None:
    value = snapshot.get("judged_on")
    return date.fromisoformat(value) if value else None


def element_lines(snapshot: dict) -> tuple[ElementLine, ...]:
    return tuple(
        ElementLine(
            code=item["code"],
            title=item["title"],
            earned=Fraction(item["earned"]),
            possible=Fraction(item["possible"]),
            passed=bool(item["passed"]),
            performance_met=item.get("performance_met"),
            performance_total=item.get("performance_total"),
            product_met=item.get("product_met"),
            product_total=item.get("product_total"),
        )
        for item in snapshot["elements"]
    )


def document_from_snapshot(
    snapshot: dict, *, logo: bytes | None = None, signature: bytes | None = None
) -> CertificateDocument:
    """The renderer's input: the snapshot plus the images (bytes, never stored in
    the snapshot)."""
    return CertificateDocument(
        organisation_name=snapshot["organisation_name"],
        holder_name=snapshot["holder_name"],
        standard_code=snapshot["standard_code"],
        standard_title=snapshot["standard_title"],
        course_title=snapshot["course_title"],
        elements=element_lines(snapshot),
        issued_on=date.fromisoformat(snapshot["issued_on"]),
        expires_on=date.fromisoformat(snapshot["expires_on"]),
        serial=snapshot["serial"],
        verification_code=snapshot["verification_code"],
        verification_url=snapshot["verification_url"],
        issuer=snapshot["issuer"],
        signatory_name=snapshot["signatory_name"],
        signatory_title=snapshot["signatory_title"],
        logo=logo,
        signature=signature,
        # Version 1 renders as it always did (its stored PDF is the record).
        evidence=evidence_of(snapshot) if snapshot.get("version", 1) >= 2 else "",
        evaluator_name=snapshot.get("evaluator_name") or "",
        judged_on=judged_on(snapshot),
    )
