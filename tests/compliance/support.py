"""Shared set-up for the DC-3 tests: a course with two lessons and a final, an
employer with complete data, a worker of a unit and HR in and out of it."""

from __future__ import annotations

from datetime import date

from django.test import Client
from stdnum.mx import curp as stdnum_curp
from stdnum.mx import rfc as stdnum_rfc
from wagtail.models import Site

from accounts import roles
from certificates.models import CertificateSettings
from compliance.models import CourseDc3, ThematicArea
from rollout.models import Occupation, OrgUnit, Position, StaffProfile, UnitScope
from rollout.services import org_unit_create
from tests.factories import (
    CertificationSetup,
    HRFactory,
    LearnerFactory,
    LessonPageFactory,
    ModulePageFactory,
    TrainerFactory,
    UserFactory,
    competent_attempt,
    complete_lessons,
)


def valid_curp(prefix17: str) -> str:
    return prefix17 + stdnum_curp.calc_check_digit(prefix17 + "0")


def valid_rfc(prefix: str) -> str:
    return prefix + stdnum_rfc.calc_check_digit(prefix)


EMPLOYER_RFC = valid_rfc("ATE010101AB")


def set_employer(**overrides) -> CertificateSettings:
    issuer = CertificateSettings.for_site(Site.objects.get(is_default_site=True))
    values = {
        "employer_name": "Atiende, S.A. de C.V.",
        "employer_rfc": EMPLOYER_RFC,
        "employer_representative": "Rocío Hernández Salas",
        "workers_count": 40,
        "workers_representative": "Pedro Páramo Ruiz",
        **overrides,
    }
    for name, value in values.items():
        setattr(issuer, name, value)
    issuer.save()
    return issuer


class World:
    def __init__(self, *, curp_prefix="GOMA850101MDFRRN"):
        self.setup = CertificationSetup(course_title="Atención a clientes")
        self.course = self.setup.course
        module = ModulePageFactory(parent=self.course)
        self.lessons = [LessonPageFactory(parent=module, minutes=90) for _ in range(2)]
        self.employer = set_employer()
        self.area = ThematicArea.objects.get(code="2000")
        CourseDc3.objects.create(
            course=self.course,
            thematic_area=self.area,
            agent_name="Atiende Capacitación",
            online_tutor="Tutora en Línea",
        )
        self.org = org_unit_create(
            parent=None, code="ORG", name="Organización", kind=OrgUnit.Kind.ORGANISATION
        )
        self.unit = org_unit_create(
            parent=self.org, code="NORTE", name="Norte", kind=OrgUnit.Kind.BRANCH
        )
        self.other = org_unit_create(
            parent=self.org, code="SUR", name="Sur", kind=OrgUnit.Kind.BRANCH
        )
        self.occupation = Occupation.objects.get(code="07")
        self.position = Position.objects.get_or_create(name="Cajera")[0]
        self.worker = self.new_worker(
            curp_prefix, first_name="Ana", last_name="Gómez Mar"
        )
        self.hr_in = HRFactory()
        UnitScope.objects.create(user=self.hr_in, unit=self.unit)
        self.hr_out = HRFactory()
        UnitScope.objects.create(user=self.hr_out, unit=self.other)

    def new_worker(self, curp_prefix, **fields):
        worker = LearnerFactory(**fields)
        StaffProfile.objects.create(
            user=worker,
            unit=self.unit,
            curp=valid_curp(curp_prefix + "0"),
            occupation=self.occupation,
            position=self.position,
        )
        return worker

    def earn(self, worker=None, *, submitted_at=None):
        """Complete every lesson and pass the final (no signal sent)."""
        worker = worker or self.worker
        complete_lessons(worker, self.lessons)
        return competent_attempt(
            learner=worker, setup=self.setup, submitted_at=submitted_at
        )

    def matrix(self):
        """(label, client, expected status for HR-only pages) for each role."""
        superuser = UserFactory(is_superuser=True, is_staff=True)
        evaluator = UserFactory(groups=[roles.EVALUATORS])
        people = {
            "learner": self.worker,
            "trainer": TrainerFactory(),
            "evaluator": evaluator,
            "hr_in": self.hr_in,
            "hr_out": self.hr_out,
            "superuser": superuser,
        }
        clients = {"anonymous": Client()}
        for label, person in people.items():
            client = Client()
            client.force_login(person)
            clients[label] = client
        return clients


TODAY = date(2026, 3, 2)
