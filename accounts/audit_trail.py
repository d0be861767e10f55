"""Users and groups in the audit trail (section "Roles y permisos").

Only superusers read the history of groups (what each role may do). Which
people's user history (their roles and permissions) HR read is decided by
``rollout``, which knows the units (``rollout/audit_trail.py``)."""

from django.contrib.auth.models import Group, User
from django.utils.translation import gettext_lazy as _

from . import audit


def _user(record) -> str:
    full = f"{record.first_name} {record.last_name}".strip()
    return f"{record.username} ({full})" if full else record.username


def register() -> None:
    audit.track(
        User,
        section=audit.Section.ROLES,
        describe=_user,
        name=_("usuario: roles y permisos"),
    )
    audit.track(
        Group,
        section=audit.Section.ROLES,
        describe=lambda record: record.name,
        name=_("rol: permisos del grupo"),
    )
