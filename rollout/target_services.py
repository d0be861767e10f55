"""Changes of state of HR's targets (people certified per unit by a date)."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from . import access
from .models import OrgUnit, Target


class TargetRefused(Exception):
    """A target that cannot be set, with a message to show."""


@transaction.atomic
def target_set(*, unit: OrgUnit, due_on: date, certified: int, by) -> Target:
    """A new target for a unit in ``by``'s scope: a positive number, one per
    unit and date."""
    if not access.can_set_targets(by):
        raise TargetRefused(_("Solo Recursos humanos fija metas."))
    if not access.unit_path_in_scope(access.units_of(by), unit.path):
        raise TargetRefused(_("Esa unidad no está entre tus unidades."))
    if certified is None or certified < 1:
        raise TargetRefused(_("La meta debe ser un número positivo de personas."))
    if Target.objects.filter(unit=unit, due_on=due_on).exists():
        raise TargetRefused(
            _("Ya hay una meta para esa unidad en esa fecha; bórrala para cambiarla.")
        )
    try:
        with transaction.atomic():
            return Target.objects.create(
                unit=unit, due_on=due_on, certified=certified, created_by=by
            )
    except IntegrityError:  # the same target saved at the same moment
        raise TargetRefused(
            _("Ya hay una meta para esa unidad en esa fecha; bórrala para cambiarla.")
        ) from None


@transaction.atomic
def target_delete(*, target: Target, by) -> None:
    if not access.can_set_targets(by) or not access.unit_path_in_scope(
        access.units_of(by), target.unit.path
    ):
        raise TargetRefused(_("Esa meta no está entre tus unidades."))
    target.delete()
