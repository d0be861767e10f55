"""Changes of state of the rollout: organisation units and the staff roster.
(Cohorts, sessions and attendance are in ``cohort_services``.)"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext as _

from accounts import roles

from . import access
from .models import OrgUnit, Position, StaffProfile
from .roster import RosterRow

User = get_user_model()

# ------------------------------------------------------------------ units


@transaction.atomic
def org_unit_create(
    *, parent: OrgUnit | None = None, code: str, name: str, kind: str
) -> OrgUnit:
    """A unit under ``parent`` (a new root without one)."""
    if parent is None:
        return OrgUnit.add_root(code=code, name=name, kind=kind)
    # Re-read: treebeard needs the parent's current numchild/path.
    parent = OrgUnit.objects.get(pk=parent.pk)
    return parent.add_child(code=code, name=name, kind=kind)


# ------------------------------------------------------------------ roster


class RosterInvalid(Exception):
    """The roster has errors: nothing was saved."""

    def __init__(self, rows: list[RosterRow]):
        super().__init__(_("El archivo tiene errores; no se guardó nada."))
        self.rows = rows


@dataclass(frozen=True)
class RosterReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def roster_check(*, rows: Iterable[RosterRow], actor=None) -> list[RosterRow]:
    """The rows with the errors that need the database added: an unknown unit, a
    unit outside the ``actor``'s units, a person (by CURP) who belongs to a unit
    outside them, an e-mail already used by someone else. ``actor=None`` (the
    command) acts on every unit. A fixed number of queries."""
    rows = list(rows)
    paths = access.ALL if actor is None else access.units_of(actor)
    units = dict(
        OrgUnit.objects.filter(code__in={r.unit_code for r in rows}).values_list(
            "code", "path"
        )
    )
    existing = dict(
        StaffProfile.objects.filter(curp__in={r.curp for r in rows}).values_list(
            "curp", "unit__path"
        )
    )
    email_owners: dict[str, set] = {}
    for email, curp in User.objects.filter(
        email__in={r.email for r in rows if r.email}
    ).values_list("email", "staff__curp"):
        email_owners.setdefault(email.lower(), set()).add(curp)

    checked = []
    for row in rows:
        more = []
        path = units.get(row.unit_code)
        if row.unit_code and path is None:
            more.append(_("La unidad «%(code)s» no existe.") % {"code": row.unit_code})
        elif path is not None and not access.unit_path_in_scope(paths, path):
            more.append(
                _("La unidad «%(code)s» no está entre tus unidades.")
                % {"code": row.unit_code}
            )
        current = existing.get(row.curp)
        if current is not None and not access.unit_path_in_scope(paths, current):
            more.append(_("Esta persona pertenece a una unidad fuera de las tuyas."))
        owners = email_owners.get(row.email, set()) - {row.curp}
        if owners:
            more.append(
                _("El correo «%(email)s» ya es de otra persona.") % {"email": row.email}
            )
        checked.append(row.with_errors(*more))
    return checked


def _set(obj, changed: list, **values) -> None:
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)


@transaction.atomic
def roster_import(*, rows: Iterable[RosterRow], actor=None) -> RosterReport:
    """Saves the roster: all rows or none (``RosterInvalid`` when any row has an
    error, checked again here). People are matched by CURP, so importing again
    updates them and never duplicates them. New people get an account (username
    the CURP in lower case, no usable password: they set one through the
    password reset) in the learners' group."""
    rows = roster_check(rows=rows, actor=actor)
    if any(row.errors for row in rows):
        raise RosterInvalid(rows)

    units = {
        u.code: u for u in OrgUnit.objects.filter(code__in={r.unit_code for r in rows})
    }
    names = {r.position for r in rows if r.position}
    positions = {p.name: p for p in Position.objects.filter(name__in=names)}
    for name in sorted(names - positions.keys()):
        positions[name] = Position.objects.create(name=name)
    profiles = {
        p.curp: p
        for p in StaffProfile.objects.select_related("user").filter(
            curp__in={r.curp for r in rows}
        )
    }
    learners = Group.objects.get(name=roles.LEARNERS)
    created = updated = unchanged = 0

    for row in rows:
        unit = units[row.unit_code]
        position = positions.get(row.position) if row.position else None
        profile = profiles.get(row.curp)
        if profile is None:
            user, is_new = User.objects.get_or_create(username=row.curp.lower())
            if is_new:
                user.set_unusable_password()
            user.first_name = row.first_name
            user.last_name = row.last_name
            user.email = row.email
            user.save()
            user.groups.add(learners)
            profile = StaffProfile.objects.filter(user=user).first()
            if profile is None:
                StaffProfile.objects.create(
                    user=user,
                    curp=row.curp,
                    second_last_name=row.second_last_name,
                    unit=unit,
                    position=position,
                    hired_on=row.hired_on,
                )
            else:  # an account that had a profile without a CURP
                profile.curp = row.curp
                profile.second_last_name = row.second_last_name
                profile.unit = unit
                profile.position = position
                profile.hired_on = row.hired_on
                profile.save()
            created += 1
            continue

        user_changes: list[str] = []
        _set(
            profile.user,
            user_changes,
            first_name=row.first_name,
            last_name=row.last_name,
            email=row.email,
        )
        profile_changes: list[str] = []
        _set(
            profile,
            profile_changes,
            second_last_name=row.second_last_name,
            unit_id=unit.pk,
            position_id=position.pk if position else None,
            hired_on=row.hired_on,
        )
        if user_changes:
            profile.user.save(update_fields=user_changes)
        if profile_changes:
            profile.save()
        if user_changes or profile_changes:
            updated += 1
        else:
            unchanged += 1
    return RosterReport(created=created, updated=updated, unchanged=unchanged)
