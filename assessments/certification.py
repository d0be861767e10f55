"""The one call upward from assessments: certification.

Assessments know that a certified learner is in a renewal cycle that limits new
attempts at the final; evaluation knows that a competent judgement is certified
and that only holders of a valid certificate may evaluate. Neither knows how:
that belongs to certificates, above both. The certifying app registers an
implementation of ``Certification`` when Django starts (``certificates.apps``);
without one, judgements certify nothing, nobody holds a certificate and no
learner is in a cycle. See docs/architecture.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from django.db.models import QuerySet


@dataclass(frozen=True)
class Cycle:
    """A learner's certification cycle for a standard: attempts started after
    ``since`` count; none may start before ``renewal_opens_on``."""

    since: datetime
    expires_on: date
    renewal_opens_on: date

    def open_on(self, day: date) -> bool:
        return day >= self.renewal_opens_on


class Certification(Protocol):
    def cycle(self, *, learner, standards: QuerySet, today: date) -> Cycle | None:
        """The learner's current cycle for any of these standards, or None."""

    def holds_valid_certificate(self, *, user, standard, today: date) -> bool:
        """Whether the user holds a valid, unrevoked certificate of the standard
        (evaluators must)."""

    def judged(self, *, judgement, now: datetime) -> None:
        """A judgement (evaluation.Judgement) was issued, inside its transaction:
        certify when competent."""


class _NoCertification:
    def cycle(self, *, learner, standards, today):
        return None

    def holds_valid_certificate(self, *, user, standard, today):
        return False

    def judged(self, *, judgement, now):
        return None


_registered: Certification = _NoCertification()


def register(implementation: Certification) -> None:
    global _registered
    _registered = implementation


def current() -> Certification:
    return _registered
