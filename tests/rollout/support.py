"""Shared set-up for the cohort tests."""

from datetime import date, datetime

from django.utils import timezone

from accounts import roles
from courses.models import ModulePage
from rollout import cohort_services as services
from rollout.models import OrgUnit, StaffProfile, UnitScope
from tests.factories import (
    CoursePageFactory,
    HRFactory,
    LearnerFactory,
    ModulePageFactory,
    TrainerFactory,
    UserFactory,
    home_page,
)


def at(day: int, hour: int, month: int = 3) -> datetime:
    return timezone.make_aware(datetime(2025, month, day, hour, 0))


def staff_of(unit, person):
    """Make ``person`` staff of ``unit`` (cohorts enrol the staff of their unit)."""
    StaffProfile.objects.update_or_create(user=person, defaults={"unit": unit})
    return person


def scoped(person, *units):
    for unit in units:
        UnitScope.objects.get_or_create(user=person, unit=unit)
    return person


class World:
    """A cohort (March 2025, capacity 3) of the organisation's unit with a
    trainer, a member and a session; another trainer (no units), an HR person
    and an evaluator of the organisation, a learner outside the cohort. Everyone
    but the staff is given the organisation's unit."""

    def __init__(self, *, capacity: int = 3):
        self.unit = OrgUnit.add_root(
            code="ORG", name="Organización", kind="organisation"
        )
        self.course = CoursePageFactory(parent=home_page())
        self.module = ModulePageFactory(parent=self.course)
        self.trainer = scoped(TrainerFactory(), self.unit)
        self.other_trainer = TrainerFactory()
        self.hr = scoped(HRFactory(), self.unit)
        self.evaluator = scoped(UserFactory(groups=[roles.EVALUATORS]), self.unit)
        self.member = staff_of(self.unit, LearnerFactory())
        self.outsider = staff_of(self.unit, LearnerFactory())
        self.cohort = services.cohort_create(
            course=self.course,
            unit=self.unit,
            name="Grupo Norte",
            starts_on=date(2025, 3, 1),
            ends_on=date(2025, 3, 31),
            capacity=capacity,
            trainers=[self.trainer],
            by=self.hr,
        )
        services.cohort_enrol(cohort=self.cohort, person=self.member, by=self.trainer)
        self.session = services.session_create(
            cohort=self.cohort,
            starts_at=at(4, 9),
            ends_at=at(4, 13),
            place="Sala 2",
            modules=[ModulePage.objects.get(pk=self.module.pk)],
            by=self.trainer,
        )
