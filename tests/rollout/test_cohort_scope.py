"""Cohorts follow the units (rollout.access): the permission matrix across two
branches, the enrol picker and the unit choices, refusals with a message, and a
flat query count on the cohort list."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import roles
from rollout import access, cohort_selectors
from rollout import cohort_services as services
from rollout import services as rollout_services
from rollout.models import CohortMember, Session
from tests.factories import (
    CoursePageFactory,
    HRFactory,
    LearnerFactory,
    TrainerFactory,
    UserFactory,
    home_page,
)

from .support import at, scoped, staff_of

pytestmark = pytest.mark.django_db


class Branches:
    """Organisation → region → branches A (with an area) and B; a cohort in each,
    with a member and a session; HR of A and of B, the trainer of A, the
    evaluator of B, a learner (member of A's cohort), a superuser."""

    def __init__(self):
        make = rollout_services.org_unit_create
        self.org = make(code="ORG", name="Organización", kind="organisation")
        region = make(parent=self.org, code="REG", name="Región", kind="region")
        self.a = make(parent=region, code="SUC-A", name="Sucursal A", kind="branch")
        self.a_area = make(parent=self.a, code="A-CAJA", name="Caja A", kind="area")
        self.b = make(parent=region, code="SUC-B", name="Sucursal B", kind="branch")
        self.course = CoursePageFactory(parent=home_page())
        self.hr_a = scoped(HRFactory(), self.a)
        self.hr_b = scoped(HRFactory(), self.b)
        self.trainer_a = scoped(TrainerFactory(), self.a)
        self.trainer_b = scoped(TrainerFactory(), self.b)
        self.evaluator_b = scoped(UserFactory(groups=[roles.EVALUATORS]), self.b)
        self.learner = staff_of(self.a, LearnerFactory())
        self.superuser = UserFactory(is_superuser=True)
        self.in_a_area = staff_of(self.a_area, LearnerFactory())
        self.in_b = staff_of(self.b, LearnerFactory())
        self.cohort_a = self.cohort(self.a, self.trainer_a, self.hr_a, self.learner)
        self.cohort_b = self.cohort(self.b, self.trainer_b, self.hr_b, self.in_b)

    def cohort(self, unit, trainer, hr, member):
        cohort = services.cohort_create(
            course=self.course,
            unit=unit,
            name=f"Grupo {unit.code}",
            starts_on=date(2025, 3, 1),
            ends_on=date(2025, 3, 31),
            capacity=10,
            trainers=[trainer],
            by=hr,
        )
        services.cohort_enrol(cohort=cohort, person=member, by=hr)
        services.session_create(
            cohort=cohort,
            starts_at=at(4, 9),
            ends_at=at(4, 12),
            place="Sala",
            by=trainer,
        )
        return cohort


@pytest.fixture
def branches():
    return Branches()


ROLES = [
    "anonymous",
    "learner",
    "hr_a",
    "hr_b",
    "trainer_a",
    "evaluator_b",
    "superuser",
]

# GET status of each page of cohort A, per role in ROLES' order.
MATRIX = {
    "detail": [302, 404, 200, 404, 200, 404, 200],
    "session": [302, 404, 200, 404, 200, 404, 200],
    "attendance": [302, 404, 200, 404, 200, 404, 200],
    "calendar": [302, 200, 200, 404, 200, 404, 200],
    "list": [302, 403, 200, 200, 200, 200, 200],
    "mine": [302, 200, 200, 200, 200, 200, 200],
}
# Which cohorts each role finds in the list (and may reach).
LISTED = {
    "hr_a": {"a"},
    "hr_b": {"b"},
    "trainer_a": {"a"},
    "evaluator_b": {"b"},
    "superuser": {"a", "b"},
}


def login(client, world, role):
    client.logout()
    if role != "anonymous":
        client.force_login(getattr(world, role))


def pages(world):
    session = Session.objects.get(cohort=world.cohort_a)
    return {
        "detail": reverse("rollout:cohort_detail", args=[world.cohort_a.pk]),
        "session": reverse("rollout:session_create", args=[world.cohort_a.pk]),
        "attendance": reverse("rollout:attendance", args=[session.pk]),
        "calendar": reverse("rollout:cohort_calendar", args=[world.cohort_a.pk]),
        "list": reverse("rollout:cohort_list"),
        "mine": reverse("rollout:my_calendar"),
    }


@pytest.mark.parametrize("page", list(MATRIX))
def test_matrix_across_two_branches(client, branches, page):
    url = pages(branches)[page]
    got = []
    for role in ROLES:
        login(client, branches, role)
        got.append(client.get(url).status_code)
    assert got == MATRIX[page]


@pytest.mark.parametrize("role", list(LISTED))
def test_the_list_shows_the_cohorts_of_ones_units(client, branches, role):
    login(client, branches, role)
    listed = set(client.get(reverse("rollout:cohort_list")).context["cohorts"])
    names = {"a": branches.cohort_a, "b": branches.cohort_b}
    if role == "superuser":  # every cohort, the demo's too when loaded
        listed &= set(names.values())
    assert listed == {names[key] for key in LISTED[role]}


def test_hr_without_units_see_no_cohort(client, branches):
    client.force_login(HRFactory())
    assert client.get(reverse("rollout:cohort_list")).context["cohorts"] == []
    url = reverse("rollout:cohort_detail", args=[branches.cohort_a.pk])
    assert client.get(url).status_code == 404


def test_a_trainer_sees_the_cohorts_they_lead_outside_their_units(client, branches):
    trainer = TrainerFactory()  # no units at all
    branches.cohort_b.trainers.add(trainer)
    client.force_login(trainer)
    assert client.get(reverse("rollout:cohort_list")).context["cohorts"] == [
        branches.cohort_b
    ]
    detail = reverse("rollout:cohort_detail", args=[branches.cohort_b.pk])
    assert client.get(detail).status_code == 200


@pytest.mark.parametrize(
    "role,status",
    [
        ("anonymous", 302),
        ("learner", 404),
        ("hr_a", 302),
        ("hr_b", 404),
        ("trainer_a", 302),
        ("evaluator_b", 404),
        ("superuser", 302),
    ],
)
def test_enrol_post(client, branches, role, status):
    login(client, branches, role)
    url = reverse("rollout:cohort_enrol", args=[branches.cohort_a.pk])
    response = client.post(url, {"person": branches.in_a_area.pk})
    assert response.status_code == status
    enrolled = CohortMember.objects.filter(
        cohort=branches.cohort_a, person=branches.in_a_area
    ).exists()
    assert enrolled == (status == 302 and role != "anonymous")


def test_an_evaluator_of_the_unit_sees_but_does_not_manage(client, branches):
    client.force_login(branches.evaluator_b)
    detail = client.get(reverse("rollout:cohort_detail", args=[branches.cohort_b.pk]))
    assert detail.status_code == 200 and not detail.context["may_manage"]
    url = reverse("rollout:cohort_enrol", args=[branches.cohort_b.pk])
    assert client.post(url, {"person": branches.in_b.pk}).status_code == 403


def test_the_enrol_picker_offers_people_of_the_cohorts_unit_one_may_see(branches):
    others = staff_of(branches.a, LearnerFactory())
    no_profile = LearnerFactory()
    offered = set(
        cohort_selectors.enrol_choices(cohort=branches.cohort_a, user=branches.hr_a)
    )
    assert offered == {branches.in_a_area, others}
    assert branches.in_b not in offered and no_profile not in offered
    hr_org = scoped(HRFactory(), branches.org)
    assert branches.in_b not in set(
        cohort_selectors.enrol_choices(cohort=branches.cohort_a, user=hr_org)
    )


def test_enrolling_someone_outside_is_refused_with_a_message(client, branches):
    hr_org = scoped(HRFactory(), branches.org)
    with pytest.raises(services.CohortRefused, match="no pertenece a la unidad"):
        services.cohort_enrol(cohort=branches.cohort_a, person=branches.in_b, by=hr_org)
    client.force_login(hr_org)
    url = reverse("rollout:cohort_enrol", args=[branches.cohort_a.pk])
    response = client.post(url, {"person": branches.in_b.pk})
    assert response.status_code == 400
    assert "no se puede inscribir" in response.text
    assert not CohortMember.objects.filter(
        person=branches.in_b, cohort=branches.cohort_a
    ).exists()


def test_unit_choices_when_creating_a_cohort(client, branches):
    client.force_login(branches.hr_a)
    form = client.get(reverse("rollout:cohort_create")).context["form"]
    assert set(form.fields["unit"].queryset) == {branches.a, branches.a_area}
    response = client.post(
        reverse("rollout:cohort_create"),
        {
            "name": "Fuera",
            "course": branches.course.pk,
            "unit": branches.b.pk,
            "starts_on": "2025-05-01",
            "ends_on": "2025-05-30",
            "capacity": 5,
            "trainers": [branches.trainer_a.pk],
        },
    )
    assert response.status_code == 400
    with pytest.raises(services.CohortRefused, match="no está entre tus unidades"):
        services.cohort_create(
            course=branches.course,
            unit=branches.b,
            name="Fuera",
            starts_on=date(2025, 5, 1),
            ends_on=date(2025, 5, 30),
            capacity=5,
            trainers=[branches.trainer_a],
            by=branches.hr_a,
        )


def test_session_and_attendance_are_refused_outside_ones_units(branches):
    session = Session.objects.get(cohort=branches.cohort_a)
    with pytest.raises(services.CohortRefused, match="Solo los instructores"):
        services.session_create(
            cohort=branches.cohort_a,
            starts_at=at(5, 9),
            ends_at=at(5, 10),
            place="Sala",
            by=branches.hr_b,
        )
    with pytest.raises(services.CohortRefused, match="Solo los instructores"):
        services.attendance_record(
            session=session, person=branches.learner, present=True, by=branches.hr_b
        )


def test_the_rule_has_one_home(branches):
    """The list and the single-cohort checks agree for every role."""
    for role in ROLES[1:]:
        user = getattr(branches, role)
        for cohort in (branches.cohort_a, branches.cohort_b):
            cohort = cohort_selectors.cohort_get(cohort.pk)
            listed = access.cohorts_visible_to(user).filter(pk=cohort.pk).exists()
            assert listed == access.can_see_cohort(user, cohort), (role, cohort)


def test_cohort_list_queries_are_flat(client, branches):
    client.force_login(branches.hr_a)
    url = reverse("rollout:cohort_list")
    client.get(url)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    before = count()
    for i in range(18):
        cohort = services.cohort_create(
            course=branches.course,
            unit=branches.a_area,
            name=f"Grupo {i}",
            starts_on=date(2025, 3, 1),
            ends_on=date(2025, 3, 31),
            capacity=10,
            trainers=[branches.trainer_a, TrainerFactory()],
            by=branches.hr_a,
        )
        services.cohort_enrol(
            cohort=cohort,
            person=staff_of(branches.a_area, LearnerFactory()),
            by=branches.hr_a,
        )
    assert len(client.get(url).context["cohorts"]) == 19
    assert count() == before
