"""Shared set-up for the multiplicadores and cascade tests."""

from rollout.models import OrgUnit, StaffProfile, UnitScope
from tests.factories import (
    CertificationSetup,
    HRFactory,
    LearnerFactory,
    TrainerFactory,
    build_course,
    complete_lessons,
    delivery_instrument,
    delivery_sign_off,
    issue_certificate,
)


class Qualification:
    """A standard to be certified in (set as the trainers' standard), a course
    with a trainers' module of two lessons, a lista de impartición, two branches
    (north, south), a lead trainer and an HR person scoped to north, an HR
    person scoped to south, and a certified candidate on the north staff."""

    def __init__(self, settings):
        self.setup = CertificationSetup()
        self.standard = self.setup.standard
        settings.ATIENDE_TRAINER_STANDARD = self.standard.code
        self.course, _modules, lessons = build_course(
            lessons_per_module=[1], trainer_lessons=2
        )
        self.trainer_lessons = lessons[1:]
        self.instrument = delivery_instrument(self.standard)
        org = OrgUnit.add_root(code="Q-ORG", name="Organización Q", kind="organisation")
        self.north = org.add_child(code="Q-N", name="Norte", kind="branch")
        org.refresh_from_db()
        self.south = org.add_child(code="Q-S", name="Sur", kind="branch")
        self.lead = TrainerFactory(first_name="Lía", last_name="Líder")
        self.hr = HRFactory()
        self.hr_south = HRFactory()
        for user, unit in ((self.lead, self.north), (self.hr, self.north)):
            UnitScope.objects.create(user=user, unit=unit)
        UnitScope.objects.create(user=self.hr_south, unit=self.south)
        self.candidate = self.staff(self.north, first_name="Carla", last_name="Cand")
        self.certificate = issue_certificate(self.setup, learner=self.candidate)

    def staff(self, unit, **fields):
        person = LearnerFactory(**fields)
        StaffProfile.objects.create(user=person, unit=unit)
        return person

    def certify(self, person):
        return issue_certificate(self.setup, learner=person)

    def complete_module(self, person):
        complete_lessons(person, self.trainer_lessons)

    def qualify(self, person=None, *, by=None):
        """Module completed and a passed sign-off (the certificate is given)."""
        person = person or self.candidate
        self.complete_module(person)
        return delivery_sign_off(candidate=person, by=by or self.lead)
