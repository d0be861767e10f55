"""Cohort services (refusals), the permission matrix of every route, flat
query counts, the calendars and the /mi-avance/ panel."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Attempt
from courses.models import Enrolment
from rollout import cohort_services as services
from rollout.models import Attendance, Cohort, CohortMember, Session
from tests.factories import (
    CertificationSetup,
    CoursePageFactory,
    LearnerFactory,
    ModulePageFactory,
    competent_attempt,
    home_page,
)

from .support import World, at, staff_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return World()


# ---------------------------------------------------------------- services


def create_args(world, **changes):
    args = {
        "course": world.course,
        "unit": world.unit,
        "name": "Grupo Sur",
        "starts_on": date(2025, 4, 1),
        "ends_on": date(2025, 4, 30),
        "capacity": 10,
        "trainers": [world.trainer],
        "by": world.trainer,
    }
    return {**args, **changes}


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"ends_on": date(2025, 3, 31)}, "fecha de fin"),
        ({"capacity": 0}, "cupo"),
        ({"trainers": []}, "instructor"),
        ("learner_creates", "Solo los instructores"),
        ("learner_as_trainer", "no es instructor"),
    ],
)
def test_cohort_create_refusals(world, changes, message):
    if changes == "learner_creates":
        changes = {"by": world.member}
    elif changes == "learner_as_trainer":
        changes = {"trainers": [world.member]}
    with pytest.raises(services.CohortRefused, match=message):
        services.cohort_create(**create_args(world, **changes))


def test_cohort_create_by_trainer(world):
    cohort = services.cohort_create(**create_args(world))
    assert list(cohort.trainers.all()) == [world.trainer]


def test_enrol_is_idempotent_enrols_in_course_and_respects_capacity():
    world = World(capacity=2)
    again = services.cohort_enrol(
        cohort=world.cohort, person=world.member, by=world.trainer
    )
    assert CohortMember.objects.filter(cohort=world.cohort).count() == 1
    assert again.person == world.member
    assert Enrolment.objects.filter(user=world.member, course=world.course).exists()
    services.cohort_enrol(cohort=world.cohort, person=world.outsider, by=world.hr)
    with pytest.raises(services.CohortRefused, match="lleno"):
        services.cohort_enrol(
            cohort=world.cohort,
            person=staff_of(world.unit, LearnerFactory()),
            by=world.trainer,
        )
    with pytest.raises(services.CohortRefused, match="Solo los instructores"):
        services.cohort_enrol(
            cohort=world.cohort,
            person=staff_of(world.unit, LearnerFactory()),
            by=world.other_trainer,
        )


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"ends_at": at(4, 8)}, "terminar después"),
        ({"starts_at": at(28, 9, month=2), "ends_at": at(28, 10, month=2)}, "caer"),
        ({"starts_at": at(1, 9, month=4), "ends_at": at(1, 10, month=4)}, "caer"),
        ({"place": "", "online_url": ""}, "lugar o el enlace"),
        ("foreign_module", "módulos"),
        ("other_trainer", "Solo los instructores"),
    ],
)
def test_session_create_refusals(world, changes, message):
    args = {
        "cohort": world.cohort,
        "starts_at": at(5, 9),
        "ends_at": at(5, 11),
        "place": "Sala 1",
        "online_url": "",
        "modules": [],
        "by": world.trainer,
    }
    if changes == "foreign_module":
        other = CoursePageFactory(parent=home_page())
        changes = {"modules": [ModulePageFactory(parent=other)]}
    elif changes == "other_trainer":
        changes = {"by": world.other_trainer}
    with pytest.raises(services.CohortRefused, match=message):
        services.session_create(**{**args, **changes})


def test_attendance_record_refusals_and_update(world):
    with pytest.raises(services.CohortRefused, match="no está en este grupo"):
        services.attendance_record(
            session=world.session, person=world.outsider, present=True, by=world.trainer
        )
    with pytest.raises(services.CohortRefused, match="Solo los instructores"):
        services.attendance_record(
            session=world.session,
            person=world.member,
            present=True,
            by=world.other_trainer,
        )
    services.attendance_record(
        session=world.session, person=world.member, present=True, by=world.trainer
    )
    services.attendance_record(
        session=world.session, person=world.member, present=False, by=world.hr
    )
    mark = Attendance.objects.get()
    assert (mark.present, mark.recorded_by) == (False, world.hr)


# ---------------------------------------------------------------- permissions

ROLES = ["anonymous", "member", "outsider", "trainer", "other_trainer", "hr"]


def routes(world):
    return {
        "list": reverse("rollout:cohort_list"),
        "create": reverse("rollout:cohort_create"),
        "detail": reverse("rollout:cohort_detail", args=[world.cohort.pk]),
        "session": reverse("rollout:session_create", args=[world.cohort.pk]),
        "attendance": reverse("rollout:attendance", args=[world.session.pk]),
        "calendar": reverse("rollout:cohort_calendar", args=[world.cohort.pk]),
        "mine": reverse("rollout:my_calendar"),
    }


# Expected GET status per route, for each role in ROLES' order. The cohort is
# outside every unit of the learners and of other_trainer (no units): 404.
MATRIX = {
    "list": [302, 403, 403, 200, 200, 200],
    "create": [302, 403, 403, 200, 200, 200],
    "detail": [302, 404, 404, 200, 404, 200],
    "session": [302, 404, 404, 200, 404, 200],
    "attendance": [302, 404, 404, 200, 404, 200],
    "calendar": [302, 200, 404, 200, 404, 200],
    "mine": [302, 200, 200, 200, 200, 200],
}


@pytest.mark.parametrize("route", list(MATRIX))
def test_permission_matrix(client, world, route):
    url = routes(world)[route]
    got = []
    for role in ROLES:
        client.logout()
        if role != "anonymous":
            client.force_login(getattr(world, role))
        got.append(client.get(url).status_code)
    assert got == MATRIX[route]


def test_enrol_post_permissions(client, world):
    url = reverse("rollout:cohort_enrol", args=[world.cohort.pk])
    for role, expected in [("member", 404), ("other_trainer", 404)]:
        client.force_login(getattr(world, role))
        assert client.post(url, {"person": world.outsider.pk}).status_code == expected
    client.force_login(world.trainer)
    response = client.post(url, {"person": world.outsider.pk})
    assert response.status_code == 302
    assert CohortMember.objects.filter(person=world.outsider).exists()


def test_enrol_picker_names_people_not_usernames(client, world):
    # Imported staff have their CURP as username: the trainer picks by name.
    world.outsider.username = "pelj900215hjcrpn06"
    world.outsider.first_name, world.outsider.last_name = "Juan", "Pérez López"
    world.outsider.save()
    client.force_login(world.trainer)
    response = client.get(routes(world)["detail"])
    option = f'<option value="{world.outsider.pk}">Juan Pérez López</option>'
    assert option in response.text
    assert "pelj900215hjcrpn06" not in response.text
    # A number no id column holds is "not a valid choice", never a 500.
    url = reverse("rollout:cohort_enrol", args=[world.cohort.pk])
    assert client.post(url, {"person": "9" * 30}).status_code == 400


def test_unknown_ids_are_404(client, world):
    client.force_login(world.hr)
    for name in ["cohort_detail", "session_create", "cohort_calendar"]:
        assert client.get(reverse(f"rollout:{name}", args=[9999])).status_code == 404
    assert client.get(reverse("rollout:attendance", args=[9999])).status_code == 404


def test_evaluator_sees_cohort_page_without_managing(client, world):
    client.force_login(world.evaluator)
    response = client.get(routes(world)["detail"])
    assert response.status_code == 200
    assert "Listos para la evaluación" in response.text
    assert "Tomar asistencia" not in response.text


# ---------------------------------------------------------------- forms, 400s


def test_cohort_create_form_dates_out_of_order_is_400(client, world):
    client.force_login(world.trainer)
    response = client.post(
        reverse("rollout:cohort_create"),
        {
            "name": "Grupo Este",
            "course": world.course.pk,
            "unit": world.unit.pk,
            "starts_on": "2025-05-10",
            "ends_on": "2025-05-01",
            "capacity": 5,
            "trainers": [world.trainer.pk],
        },
    )
    assert response.status_code == 400
    assert "La fecha de fin no puede ser anterior" in response.text
    assert Cohort.objects.count() == 1


@pytest.mark.parametrize("trainer", ["9" * 30, "-1", "abc"])
def test_cohort_create_form_refuses_trainer_ids_no_column_holds(client, world, trainer):
    client.force_login(world.trainer)
    page = client.get(reverse("rollout:cohort_create")).text
    assert f">{world.trainer.get_full_name()}</option>" in page
    response = client.post(
        reverse("rollout:cohort_create"),
        {
            "name": "Grupo Este",
            "course": world.course.pk,
            "unit": world.unit.pk,
            "starts_on": "2025-05-01",
            "ends_on": "2025-05-10",
            "capacity": 5,
            "trainers": [trainer],
        },
    )
    assert response.status_code == 400
    assert Cohort.objects.count() == 1


def test_session_form_outside_cohort_is_400_and_inside_is_created(client, world):
    client.force_login(world.trainer)
    url = reverse("rollout:session_create", args=[world.cohort.pk])
    data = {"starts_at": "2025-04-02T09:00", "ends_at": "2025-04-02T10:00"}
    response = client.post(url, {**data, "place": "Sala 1"})
    assert response.status_code == 400
    assert "las fechas del grupo" in response.text
    data = {"starts_at": "2025-03-10T09:00", "ends_at": "2025-03-10T10:00"}
    response = client.post(
        url, {**data, "place": "Sala 1", "modules": [world.module.pk]}
    )
    assert response.status_code == 302
    assert Session.objects.count() == 2


def test_enrol_over_capacity_is_400(client):
    world = World(capacity=1)
    client.force_login(world.hr)
    response = client.post(
        reverse("rollout:cohort_enrol", args=[world.cohort.pk]),
        {"person": world.outsider.pk},
    )
    assert response.status_code == 400
    assert "lleno" in response.text


# ---------------------------------------------------------------- query counts


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_cohort_page_and_attendance_page_queries_are_flat():
    world = World(capacity=50)
    client_urls = [
        reverse("rollout:cohort_detail", args=[world.cohort.pk]),
        reverse("rollout:attendance", args=[world.session.pk]),
    ]
    from django.test import Client

    client = Client()
    client.force_login(world.trainer)
    for url in client_urls:
        client.get(url)  # warm caches (site, locale)
    before = [count_queries(client, url) for url in client_urls]
    for _ in range(8):
        person = staff_of(world.unit, LearnerFactory())
        services.cohort_enrol(cohort=world.cohort, person=person, by=world.trainer)
        services.attendance_record(
            session=world.session, person=person, present=True, by=world.trainer
        )
    services.session_create(
        cohort=world.cohort,
        starts_at=at(6, 9),
        ends_at=at(6, 10),
        place="Sala 3",
        modules=[world.module],
        by=world.trainer,
    )
    after = [count_queries(client, url) for url in client_urls]
    assert after == before


# ---------------------------------------------------------------- ready, learners


def test_ready_for_evaluation_lists_members_who_passed_the_final():
    setup = CertificationSetup()
    world = World()
    cohort = services.cohort_create(
        course=setup.course,
        unit=world.unit,
        name="Grupo con final",
        starts_on=date(2025, 3, 1),
        ends_on=date(2025, 3, 31),
        capacity=5,
        trainers=[world.trainer],
        by=world.hr,
    )
    passed = staff_of(world.unit, LearnerFactory())
    pending = staff_of(world.unit, LearnerFactory())
    relapsed = staff_of(world.unit, LearnerFactory())
    for person in (passed, pending, relapsed):
        services.cohort_enrol(cohort=cohort, person=person, by=world.hr)
    competent_attempt(learner=passed, setup=setup)
    # Passed once, then failed a later final: the latest one counts.
    first = competent_attempt(learner=relapsed, setup=setup)
    later = competent_attempt(learner=relapsed, setup=setup)
    Attempt.objects.filter(pk=later.pk).update(
        competent=False, submitted_at=first.submitted_at + timedelta(days=1)
    )
    from django.test import Client

    client = Client()
    client.force_login(world.trainer)
    response = client.get(reverse("rollout:cohort_detail", args=[cohort.pk]))
    ready = response.context["ready"]
    assert ready == [passed]


def test_calendars_and_dashboard_panel(client, world):
    client.force_login(world.member)
    body = client.get(reverse("rollout:cohort_calendar", args=[world.cohort.pk]))
    assert body["Content-Type"].startswith("text/calendar")
    text = body.content.decode()
    assert "DTSTART:20250304T150000Z\r\n" in text
    assert "LOCATION:Sala 2\r\n" in text
    assert f"UID:sesion-{world.session.pk}@testserver\r\n" in text
    mine = client.get(reverse("rollout:my_calendar")).content.decode()
    assert mine.count("BEGIN:VEVENT") == 1
    client.force_login(world.outsider)
    assert "BEGIN:VEVENT" not in client.get(reverse("rollout:my_calendar")).text


def test_dashboard_shows_next_session(client, world, monkeypatch):
    client.force_login(world.member)
    response = client.get(reverse("portal:dashboard"))
    assert response.status_code == 200
    assert "Grupo Norte" in response.text
    assert reverse("rollout:my_calendar") in response.text
