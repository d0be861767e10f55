"""The pending DC-3s: workers who earned one and have none yet, with the day
it is due (``deadlines``) and, when data are missing, exactly what."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from . import selectors, services
from .deadlines import dc3_due_on


@dataclass(frozen=True)
class PendingRow:
    worker: object
    course: object
    cohort: object
    ended_on: date
    due_on: date
    overdue: bool
    missing: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return not self.missing


def pending_rows(*, people, today: date) -> list[PendingRow]:
    """Of ``people``, every DC-3 earned and not issued, soonest due first. A
    fixed number of queries per course, whatever the number of people."""
    rows = []
    for course in selectors.courses_with_final():
        for item in services.review(course=course, people=people):
            candidate = item.candidate
            due = dc3_due_on(candidate.ended_on)
            rows.append(
                PendingRow(
                    worker=candidate.worker,
                    course=course,
                    cohort=candidate.cohort,
                    ended_on=candidate.ended_on,
                    due_on=due,
                    overdue=today > due,
                    missing=item.data.missing,
                )
            )
    return sorted(rows, key=lambda row: (row.due_on, row.worker.pk))
