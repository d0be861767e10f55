"""Changes of state of the rollout: organisation units and the staff roster.
(Cohorts, sessions and attendance are in ``cohort_services``.)"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit, roles
from courses.models import Enrolment

from . import access, invitations, tasks
from .models import Occupation, OrgUnit, Position, StaffProfile
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
    enrolled: int = 0  # newly enrolled in the course
    invited: int = 0  # invitations to be sent once the import commits
    without_email: int = 0  # people in the file without an e-mail (not invited)


BATCH_SIZE = 1000
PROFILE_FIELDS = ("second_last_name", "unit", "position", "hired_on", "occupation")


def _occupations(rows: list[RosterRow]) -> dict[str, int]:
    """The ids of the catalogue's occupations named in the rows (one query, none
    when no row names one)."""
    codes = {r.occupation_code for r in rows if r.occupation_code}
    if not codes:
        return {}
    return dict(Occupation.objects.filter(code__in=codes).values_list("code", "pk"))


def roster_check(*, rows: Iterable[RosterRow], actor=None) -> list[RosterRow]:
    """The rows with the errors that need the database added: an unknown unit or
    occupation code, a unit outside the ``actor``'s units, a person (by CURP) who
    belongs to a unit outside them, an e-mail already used by someone else.
    ``actor=None`` (the command) acts on every unit. A fixed number of queries."""
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
    occupations = _occupations(rows)
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
        if row.occupation_code and row.occupation_code not in occupations:
            more.append(
                _("La ocupación «%(code)s» no está en el catálogo.")
                % {"code": row.occupation_code}
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


def _set(obj, **values) -> bool:
    """Set the values that differ; whether any did."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def _positions(names: set[str]) -> dict[str, int]:
    """The ids of the positions named, creating the missing ones."""
    found = dict(Position.objects.filter(name__in=names).values_list("name", "pk"))
    missing = sorted(names - found.keys())
    if missing:
        Position.objects.bulk_create(
            [Position(name=name) for name in missing], ignore_conflicts=True
        )
        found = dict(Position.objects.filter(name__in=names).values_list("name", "pk"))
    return found


def _accounts(rows: list[RosterRow], learners: Group) -> tuple[dict, set[int]]:
    """The account of each new person (by CURP), creating those missing in bulk
    (an account whose username is the CURP may exist without a profile); and the
    ids of the accounts created. Unusable passwords need no hashing."""
    users = {
        u.username: u
        for u in User.objects.filter(username__in={r.curp.lower() for r in rows})
    }
    fresh, renamed = [], set()
    for row in rows:
        username = row.curp.lower()
        if username not in users:
            users[username] = User(username=username, password=make_password(None))
            fresh.append(users[username])
        if _set(
            users[username],
            first_name=row.first_name,
            last_name=row.last_name,
            email=row.email,
        ):
            renamed.add(username)
    User.objects.bulk_create(fresh, batch_size=BATCH_SIZE)
    if any(user.pk is None for user in fresh):  # a backend that returns no ids
        ids = dict(
            User.objects.filter(username__in=[u.username for u in fresh]).values_list(
                "username", "pk"
            )
        )
        for user in fresh:
            user.pk = ids[user.username]
    fresh_ids = {user.pk for user in fresh}
    old = [user for user in users.values() if user.pk not in fresh_ids]
    User.objects.bulk_update(
        old, ["first_name", "last_name", "email"], batch_size=BATCH_SIZE
    )
    membership = User.groups.through
    learning = set(
        membership.objects.filter(
            group_id=learners.pk, user_id__in=[u.pk for u in old]
        ).values_list("user_id", flat=True)
    )
    membership.objects.bulk_create(
        [membership(user_id=u.pk, group_id=learners.pk) for u in users.values()],
        ignore_conflicts=True,
        batch_size=BATCH_SIZE,
    )
    # Bulk writes send no signals: the audit trail of the accounts made, and
    # of those that changed or joined the learners' group, is written here.
    audit.record_bulk(User, fresh)
    audit.record_bulk(
        User,
        [u for u in old if u.pk not in learning or u.username in renamed],
        update=True,
    )
    return {r.curp: users[r.curp.lower()] for r in rows}, fresh_ids


def _enrol(user_ids: set[int], course) -> int:
    """Enrol the people in ``course`` unless they are; how many were enrolled."""
    if course is None:
        return 0
    enrolled = set(
        Enrolment.objects.filter(course=course, user_id__in=user_ids).values_list(
            "user_id", flat=True
        )
    )
    missing = sorted(user_ids - enrolled)
    Enrolment.objects.bulk_create(
        [Enrolment(user_id=pk, course=course) for pk in missing],
        ignore_conflicts=True,
        batch_size=BATCH_SIZE,
    )
    return len(missing)


@transaction.atomic
def roster_import(
    *, rows: Iterable[RosterRow], actor=None, course=None
) -> RosterReport:
    """Saves the roster: all rows or none (``RosterInvalid`` when any row has an
    error, checked again here). People are matched by CURP, so importing again
    updates them and never duplicates them. New people get an account (username
    the CURP in lower case, no usable password) in the learners' group. Everyone
    in the file is enrolled in ``course`` (when given) unless already enrolled.
    Once the transaction commits, one task invites the people who have an e-mail
    and no password and were not invited yet.

    Bulk reads and writes only: the number of queries does not grow with the
    rows (beyond the batches of ``BATCH_SIZE``)."""
    rows = roster_check(rows=rows, actor=actor)
    if any(row.errors for row in rows):
        raise RosterInvalid(rows)
    with audit.acting_as(actor):
        return _roster_save(rows=rows, course=course)


def _roster_save(*, rows: list[RosterRow], course) -> RosterReport:
    now = timezone.now()
    units = dict(
        OrgUnit.objects.filter(code__in={r.unit_code for r in rows}).values_list(
            "code", "pk"
        )
    )
    positions = _positions({r.position for r in rows if r.position})
    occupations = _occupations(rows)
    profiles = {
        p.curp: p
        for p in StaffProfile.objects.select_related("user").filter(
            curp__in={r.curp for r in rows}
        )
    }
    new_rows = [row for row in rows if row.curp not in profiles]
    accounts, fresh_ids = _accounts(new_rows, Group.objects.get(name=roles.LEARNERS))
    # An account that had a profile without a CURP keeps it, now with the CURP.
    adopted = {
        p.user_id: p
        for p in StaffProfile.objects.filter(
            user_id__in=[u.pk for u in accounts.values() if u.pk not in fresh_ids]
        )
    }
    to_create, to_update, changed_users = [], [], []
    updated = unchanged = 0
    for row in rows:
        values = {
            "second_last_name": row.second_last_name,
            "unit_id": units[row.unit_code],
            "position_id": positions.get(row.position) if row.position else None,
            "hired_on": row.hired_on,
        }
        if row.occupation_code:  # an empty cell leaves the occupation as it is
            values["occupation_id"] = occupations[row.occupation_code]
        profile = profiles.get(row.curp)
        if profile is None:
            user = accounts[row.curp]
            profile = adopted.get(user.pk)
            if profile is None:
                profile = StaffProfile(user=user, curp=row.curp, **values)
                to_create.append(profile)
            else:
                _set(profile, curp=row.curp, updated_at=now, **values)
                to_update.append(profile)
            profiles[row.curp] = profile
            continue
        user_changed = _set(
            profile.user,
            first_name=row.first_name,
            last_name=row.last_name,
            email=row.email,
        )
        if user_changed:
            changed_users.append(profile.user)
        if _set(profile, **values) or user_changed:
            profile.updated_at = now
            to_update.append(profile)
            updated += 1
        else:
            unchanged += 1
    User.objects.bulk_update(
        changed_users,
        ["first_name", "last_name", "email"],
        batch_size=BATCH_SIZE,
    )
    audit.record_bulk(User, changed_users, update=True)
    StaffProfile.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    StaffProfile.objects.bulk_update(
        to_update,
        ["curp", *PROFILE_FIELDS, "updated_at"],
        batch_size=BATCH_SIZE,
    )

    people = [profiles[row.curp] for row in rows]
    enrolled = _enrol({p.user_id for p in people}, course)
    invite = [
        p.user_id
        for p in people
        if p.invited_at is None and invitations.may_be_invited(p.user)
    ]
    if invite:
        transaction.on_commit(lambda: tasks.send_invitations.enqueue(invite))
    return RosterReport(
        created=len(new_rows),
        updated=updated,
        unchanged=unchanged,
        enrolled=enrolled,
        invited=len(invite),
        without_email=sum(1 for p in people if not p.user.email),
    )


# ------------------------------------------------------------------ invitations


class InvitationRefused(Exception):
    """The invitation cannot be sent again; str() is the message for HR."""


@transaction.atomic
def invitation_resend(*, person, by) -> None:
    """Send ``person`` a new invitation (once the transaction commits). HR, for
    people of their units only (404 otherwise), who have not set a password."""
    if not access.can_import_roster(by):
        raise PermissionDenied
    access.require_person_visible(by, person)
    if person.has_usable_password():
        raise InvitationRefused(_("Esta persona ya definió su contraseña."))
    if not person.email:
        raise InvitationRefused(
            _("Esta persona no tiene correo: no se le puede enviar la invitación.")
        )
    if not person.is_active:
        raise InvitationRefused(_("La cuenta de esta persona está desactivada."))
    StaffProfile.objects.filter(user=person).update(invited_at=None)
    transaction.on_commit(lambda: tasks.send_invitations.enqueue([person.pk]))
