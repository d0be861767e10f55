"""Read queries for the multiplicadores screens: a fixed number of queries
however many people."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone

from accounts import roles
from certificates.models import Certificate
from certificates.renewal import certificate_states

from . import access, qualification
from .models import DeliverySignOff, Session

User = get_user_model()


def may_see(user) -> bool:
    """The screens: lead trainers (who sign off) and HR (read only)."""
    return qualification.is_lead_trainer(user) or roles.is_hr(user)


def reachable(user) -> QuerySet:
    return access.people_reachable_by(user, User.objects.filter(is_active=True))


@dataclass(frozen=True)
class PersonRow:
    person: object
    standing: qualification.Standing


def people_page(*, user, today: date | None = None) -> dict:
    """The people with a valid certificate within ``user``'s reach, split into
    current multiplicadores and candidates: 11 queries at most."""
    today = today or timezone.localdate()
    the_standard = qualification.standard()
    if the_standard is None:
        return {"multiplicadores": [], "candidates": []}
    states = certificate_states(
        holder_ids=reachable(user).values("pk"), standard=the_standard, today=today
    )
    certified = [
        pk for pk, state in states.items() if state == Certificate.Status.VALID
    ]
    standings = qualification.standing(certified, today=today)
    people = User.objects.filter(pk__in=certified).select_related("staff__unit")
    rows = [
        PersonRow(person, standings[person.pk])
        for person in people.order_by("last_name", "first_name", "username")
    ]
    return {
        "multiplicadores": [row for row in rows if row.standing.multiplicador],
        "candidates": [row for row in rows if not row.standing.multiplicador],
    }


def candidate_get(*, user, pk: int):
    """The person if within ``user``'s reach; raises User.DoesNotExist (a 404:
    a page does not tell whether someone outside one's reach exists)."""
    return reachable(user).select_related("staff__unit").get(pk=pk)


def signoffs_of(candidate) -> list[DeliverySignOff]:
    return list(
        DeliverySignOff.objects.filter(candidate=candidate).select_related(
            "lead_trainer", "session__cohort", "version__instrument"
        )
    )


def observable_sessions(candidate, *, today: date | None = None) -> QuerySet:
    """Sessions of the cohorts the candidate trains, already started."""
    today = today or timezone.localdate()
    return (
        Session.objects.filter(cohort__trainers=candidate, starts_at__date__lte=today)
        .select_related("cohort")
        .order_by("-starts_at")
    )
