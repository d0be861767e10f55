"""Role assignments in the audit trail: HR read the changes of the roles,
permissions and assigned units of the people of their units (rollout.access),
as they see nobody else; superusers read everything."""

from django.contrib.auth import get_user_model
from django.db.models import Q

from accounts import audit, roles

from . import access
from .models import UnitScope

User = get_user_model()


def _people(user):
    return access.people_visible_to(user, User.objects.all()).values("pk")


def hr_people(user) -> Q | None:
    return Q(id__in=_people(user)) if roles.is_hr(user) else None


def hr_scopes(user) -> Q | None:
    return Q(user_id__in=_people(user)) if roles.is_hr(user) else None


def register() -> None:
    audit.track(
        UnitScope,
        section=audit.Section.ROLES,
        related=("user", "unit"),
        describe=lambda record: (
            f"{audit.person(record.user)} → {record.unit.code if record.unit else '?'}"
        ),
    )
    audit.allow(UnitScope, hr_scopes)
    audit.allow(User, hr_people)
