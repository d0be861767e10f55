"""Changes of state for cohorts, their members, sessions and attendance.

Every refusal raises CohortRefused with a message that can be shown as is."""

from __future__ import annotations

from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles
from courses.models import CoursePage, ModulePage
from courses.services import course_enrol

from . import access, notification_services, qualification
from .models import Attendance, Cohort, CohortMember, OrgUnit, Session


class CohortRefused(ValueError):
    """A change the rules do not allow; str() is the message for the person."""


def trainer_refusal(trainers) -> str | None:
    """Why these people cannot be the trainers of a new cohort, or None: each
    must be a lead trainer or a multiplicador, and hold a valid certificate if
    they ever held one (``qualification``)."""
    trainers = list(trainers)
    standings = qualification.standing([t.pk for t in trainers])
    for trainer in trainers:
        standing = standings[trainer.pk]
        name = trainer.get_full_name() or trainer.get_username()
        if not standing.may_train:
            return _("%(name)s no es instructor ni multiplicador.") % {"name": name}
        if not standing.may_open_cohorts:
            return _(
                "%(name)s no tiene un certificado vigente del EC0305 y no puede "
                "abrir grupos nuevos."
            ) % {"name": name}
    return None


def _require_manager(cohort: Cohort, by) -> None:
    if not access.can_manage_cohort(by, cohort):
        raise CohortRefused(
            _(
                "Solo los instructores del grupo o Recursos humanos de su unidad "
                "pueden hacer esto."
            )
        )


@transaction.atomic
def cohort_create(
    *,
    course: CoursePage,
    unit: OrgUnit,
    name: str,
    starts_on: date,
    ends_on: date,
    capacity: int,
    trainers,
    by,
) -> Cohort:
    if not (roles.is_hr(by) or qualification.may_train(by)):
        raise CohortRefused(
            _("Solo los instructores o Recursos humanos pueden crear grupos.")
        )
    if not access.can_create_cohort(by):
        raise CohortRefused(
            _(
                "Tu certificado del EC0305 no está vigente: no puedes abrir grupos "
                "nuevos."
            )
        )
    if ends_on < starts_on:
        raise CohortRefused(_("La fecha de fin no puede ser anterior a la de inicio."))
    if capacity < 1:
        raise CohortRefused(_("El cupo debe ser de al menos una persona."))
    if not access.cohort_units_for(by).filter(pk=unit.pk).exists():
        raise CohortRefused(
            _("La unidad «%(unit)s» no está entre tus unidades.") % {"unit": unit.name}
        )
    trainers = list(trainers)
    if not trainers:
        raise CohortRefused(_("Elige al menos un instructor para el grupo."))
    refusal = trainer_refusal(trainers)
    if refusal:
        raise CohortRefused(refusal)
    cohort = Cohort.objects.create(
        course=course,
        unit=unit,
        name=name.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        capacity=capacity,
        created_by=by,
    )
    cohort.trainers.set(trainers)
    return cohort


@transaction.atomic
def cohort_enrol(*, cohort: Cohort, person, by) -> CohortMember:
    """Add a person to the cohort and to its course, and e-mail them once it is
    committed. Enrolling someone already in the cohort returns their membership
    (and e-mails nothing)."""
    _require_manager(cohort, by)
    # Lock the cohort so two enrolments cannot both take the last seat.
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    existing = CohortMember.objects.filter(cohort=cohort, person=person).first()
    if existing is not None:
        return existing
    if not access.enrollable_people(
        by, cohort, type(person).objects.filter(pk=person.pk)
    ).exists():
        raise CohortRefused(
            _(
                "%(name)s no pertenece a la unidad del grupo (%(unit)s) ni a una "
                "unidad que tengas asignada."
            )
            % {
                "name": person.get_full_name() or person.username,
                "unit": cohort.unit.name,
            }
        )
    if cohort.members.count() >= cohort.capacity:
        raise CohortRefused(
            _("El grupo ya está lleno (cupo de %(capacity)s).")
            % {"capacity": cohort.capacity}
        )
    try:
        with transaction.atomic():
            member = CohortMember.objects.create(cohort=cohort, person=person)
    except IntegrityError:
        return CohortMember.objects.get(cohort=cohort, person=person)
    course_enrol(user=person, course=cohort.course)
    notification_services.enrolment_notify(member)
    return member


@transaction.atomic
def session_create(
    *,
    cohort: Cohort,
    starts_at: datetime,
    ends_at: datetime,
    place: str = "",
    online_url: str = "",
    modules=(),
    by,
) -> Session:
    _require_manager(cohort, by)
    if ends_at <= starts_at:
        raise CohortRefused(_("La sesión debe terminar después de empezar."))
    day_from = timezone.localdate(starts_at)
    day_to = timezone.localdate(ends_at)
    if day_from < cohort.starts_on or day_to > cohort.ends_on:
        raise CohortRefused(
            _(
                "La sesión debe caer entre el %(start)s y el %(end)s, "
                "las fechas del grupo."
            )
            % {
                "start": cohort.starts_on.strftime("%d/%m/%Y"),
                "end": cohort.ends_on.strftime("%d/%m/%Y"),
            }
        )
    if not place.strip() and not online_url.strip():
        raise CohortRefused(_("Indica el lugar o el enlace de la sesión."))
    modules = list(modules)
    course_modules = set(
        ModulePage.objects.descendant_of(cohort.course).values_list("pk", flat=True)
    )
    if any(module.pk not in course_modules for module in modules):
        raise CohortRefused(_("Los módulos deben ser del curso del grupo."))
    session = Session.objects.create(
        cohort=cohort,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place.strip(),
        online_url=online_url.strip(),
    )
    session.modules.set(modules)
    return session


@transaction.atomic
def attendance_record(*, session: Session, person, present: bool, by) -> Attendance:
    """Mark a member present or absent; marking again updates the mark."""
    _require_manager(session.cohort, by)
    if not CohortMember.objects.filter(cohort=session.cohort, person=person).exists():
        raise CohortRefused(_("Esa persona no está en este grupo."))
    attendance, _created = Attendance.objects.update_or_create(
        session=session,
        person=person,
        defaults={"present": bool(present), "recorded_by": by},
    )
    return attendance
