"""DC-3 constancias in the audit trail: issue and replacement. HR read those
of the workers of their units (as on the DC-3 screens). A DC-3 is never
deleted (``Undeletable``): a re-issue replaces it."""

from django.contrib.auth import get_user_model
from django.db.models import Q

from accounts import audit
from rollout import access as rollout_access

from . import access
from .models import Dc3


def hr_of_units(user) -> Q | None:
    if not access.can_use_dc3_screens(user):
        return None
    people = rollout_access.people_visible_to(user, get_user_model().objects.all())
    return Q(worker_id__in=people.values("pk"))


def register() -> None:
    audit.track(
        Dc3,
        section=audit.Section.CERTIFICATES,
        describe=lambda record: (
            f"{record.folio} · {record.snapshot.get('worker', {}).get('name', '')}"
        ),
    )
    audit.allow(Dc3, hr_of_units)
