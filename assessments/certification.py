"""The one call upward from assessments: certification.

Assessments know that a graded final questionnaire may lead to a certificate, and
that a certified learner is in a renewal cycle that limits new attempts, but not
how either works: that belongs to the apps above (evaluation judges, certificates
certify). The certifying app registers an implementation of ``Certification``
when Django starts (``certificates.apps``); without one, finals certify nothing
and no learner is in a cycle. See docs/architecture.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from .models import Attempt


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

    def final_graded(self, *, attempt: Attempt, now: datetime) -> None:
        """A final attempt was submitted and graded, inside its transaction."""


class _NoCertification:
    def cycle(self, *, learner, standards, today):
        return None

    def final_graded(self, *, attempt, now):
        return None


_registered: Certification = _NoCertification()


def register(implementation: Certification) -> None:
    global _registered
    _registered = implementation


def current() -> Certification:
    return _registered
