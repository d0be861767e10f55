"""Shared set-up for the cohort tests."""

from datetime import date, datetime

from django.utils import timezone

from accounts import roles
from courses.models import ModulePage
from rollout import cohort_services as services
from rollout.models import OrgUnit
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


class World:
    """A cohort (March 2025, capacity 3) with a trainer, a member and a
    session; another trainer, an HR person, a learner outside the cohort."""

    def __init__(self, *, capacity: int = 3):
        self.unit = OrgUnit.add_root(
            code="ORG", name="Organización", kind="organisation"
        )
        self.course = CoursePageFactory(parent=home_page())
        self.module = ModulePageFactory(parent=self.course)
        self.trainer = TrainerFactory()
        self.other_trainer = TrainerFactory()
        self.hr = HRFactory()
        self.evaluator = UserFactory(groups=[roles.EVALUATORS])
        self.member = LearnerFactory()
        self.outsider = LearnerFactory()
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
