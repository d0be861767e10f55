"""The multiplicadores screens (permission matrix, the sign-off form and its
bad input), cohorts opened by lead trainers and multiplicadores, refused for
a lapsed trainer and flagged for HR, and multiplicadores taking attendance."""

import json
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import roles
from certificates.services import certificate_revoke
from courses.models import TrainerModuleAccess
from rollout import cohort_services
from rollout.models import Attendance, Cohort, DeliverySignOff, UnitScope
from rollout.qualification_services import current_version
from tests.factories import UserFactory

from .qualification_support import Qualification
from .support import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def q(settings):
    return Qualification(settings)


def _people(q):
    multiplicador = q.staff(q.north)
    q.certify(multiplicador)
    q.qualify(multiplicador)
    return {
        "anonymous": None,
        "learner": q.staff(q.north),
        "trainer": q.lead,
        "multiplicador": multiplicador,
        "evaluator": UserFactory(groups=[roles.EVALUATORS]),
        "hr_in_scope": q.hr,
        "hr_out_of_scope": q.hr_south,
        "superuser": UserFactory(is_superuser=True, is_staff=True),
    }


# who: (list GET, candidate GET, sign-off POST)
MATRIX = {
    "anonymous": (302, 302, 302),
    "learner": (403, 403, 403),
    "multiplicador": (403, 403, 403),
    "evaluator": (403, 403, 403),
    "trainer": (200, 200, 302),
    "hr_in_scope": (200, 200, 403),
    "hr_out_of_scope": (200, 404, 404),
    "superuser": (200, 200, 302),
}


def _form_data(version, **changes):
    data = {
        "version": version.pk,
        "observed_on": date.today().isoformat(),
        "comment": "Preparó bien la sesión.",
        **{f"item_{item['id']}": "1" for item in version.items},
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("who", list(MATRIX))
def test_permission_matrix(client, q, who):
    user = _people(q)[who]
    if user is not None:
        client.force_login(user)
    expected = MATRIX[who]
    page = reverse("rollout:multiplicador", args=[q.candidate.pk])
    assert client.get(reverse("rollout:multiplicadores")).status_code == expected[0]
    assert client.get(page).status_code == expected[1]
    before = DeliverySignOff.objects.count()
    response = client.post(page, _form_data(current_version()))
    assert response.status_code == expected[2]
    saved = DeliverySignOff.objects.count() - before
    assert saved == (1 if expected[2] == 302 and user is not None else 0)


def test_list_shows_candidates_and_multiplicadores_of_ones_units(client, q):
    people = _people(q)
    south_certified = q.staff(q.south, first_name="Sofía", last_name="Sur")
    q.certify(south_certified)
    client.force_login(q.hr)
    page = client.get(reverse("rollout:multiplicadores")).content.decode()
    assert "Carla Cand" in page
    assert people["multiplicador"].get_full_name() in page
    assert "Sofía Sur" not in page
    client.force_login(q.hr_south)
    page = client.get(reverse("rollout:multiplicadores")).content.decode()
    assert "Sofía Sur" in page and "Carla Cand" not in page


def test_list_query_count_is_flat(client, q):
    client.force_login(q.hr)
    url = reverse("rollout:multiplicadores")
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for _ in range(3):
        q.certify(q.staff(q.north))
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(small) == len(large)


def test_candidate_page_shows_the_three_conditions(client, q):
    q.complete_module(q.candidate)
    client.force_login(q.lead)
    page = client.get(reverse("rollout:multiplicador", args=[q.candidate.pk]))
    text = page.content.decode()
    assert "Certificado vigente" in text
    assert "Módulo para formadores completado" in text
    assert "Todavía no es multiplicador" in text
    assert "Reactivo para conducir" in text  # the checklist form


def test_a_lead_trainer_signs_off_through_the_form(client, q):
    q.complete_module(q.candidate)
    client.force_login(q.lead)
    url = reverse("rollout:multiplicador", args=[q.candidate.pk])
    response = client.post(url, _form_data(current_version()))
    assert response.status_code == 302
    signoff = DeliverySignOff.objects.get()
    assert signoff.passed and signoff.lead_trainer == q.lead
    page = client.get(url).content.decode()
    assert "Multiplicador habilitado" in page


def test_a_missed_required_item_fails_the_sign_off(client, q):
    version = current_version()
    required = next(item for item in version.items if item["critical"])
    client.force_login(q.lead)
    url = reverse("rollout:multiplicador", args=[q.candidate.pk])
    client.post(url, _form_data(version, **{f"item_{required['id']}": "0"}))
    assert DeliverySignOff.objects.get().passed is False


@pytest.mark.parametrize(
    "change, message",
    [
        ("missing_item", "Marca este reactivo"),
        ("bad_item", "Seleccione una opción válida"),
        ("no_date", "Indica la sesión observada o la fecha"),
        ("bad_date", "fecha"),
        ("future", "futura"),
        ("no_comment", "obligatorio"),
        ("old_version", "cambió"),
        ("bad_session", "Seleccione una opción válida"),
    ],
)
def test_bad_sign_off_input_is_a_400_and_saves_nothing(client, q, change, message):
    version = current_version()
    data = _form_data(version)
    first = f"item_{version.items[0]['id']}"
    if change == "missing_item":
        del data[first]
    elif change == "bad_item":
        data[first] = "tal vez"
    elif change == "no_date":
        data["observed_on"] = ""
    elif change == "bad_date":
        data["observed_on"] = "31/02/2025"
    elif change == "future":
        data["observed_on"] = "2999-01-01"
    elif change == "no_comment":
        data["comment"] = ""
    elif change == "old_version":
        data["version"] = version.pk + 1000
    elif change == "bad_session":
        data["session"] = "999999"
    client.force_login(q.lead)
    response = client.post(
        reverse("rollout:multiplicador", args=[q.candidate.pk]), data
    )
    assert response.status_code == 400
    assert message.lower() in response.content.decode().lower()
    assert not DeliverySignOff.objects.exists()


# ---------------------------------------------------------------- cohorts


def _cohort_args(q, **changes):
    args = {
        "course": q.course,
        "unit": q.north,
        "name": "Grupo de la cascada",
        "starts_on": date(2025, 3, 1),
        "ends_on": date(2999, 3, 31),
        "capacity": 10,
        "trainers": [q.lead],
        "by": q.hr,
    }
    return {**args, **changes}


def test_a_multiplicador_may_open_and_lead_a_cohort(q):
    q.qualify()
    UnitScope.objects.create(user=q.candidate, unit=q.north)
    cohort = cohort_services.cohort_create(
        **_cohort_args(q, trainers=[q.candidate], by=q.candidate)
    )
    assert list(cohort.trainers.all()) == [q.candidate]


def test_a_candidate_not_yet_qualified_may_not_lead_a_cohort(q):
    with pytest.raises(cohort_services.CohortRefused, match="ni multiplicador"):
        cohort_services.cohort_create(**_cohort_args(q, trainers=[q.candidate]))


def test_a_lapsed_trainer_cannot_open_new_cohorts(client, q):
    q.qualify()
    certificate_revoke(certificate=q.certificate, by=q.hr, reason="Error de datos.")
    with pytest.raises(cohort_services.CohortRefused, match="ni multiplicador"):
        cohort_services.cohort_create(**_cohort_args(q, trainers=[q.candidate]))
    lapsed_lead = q.lead
    certificate = q.certify(lapsed_lead)
    certificate_revoke(certificate=certificate, by=q.hr, reason="Error de datos.")
    with pytest.raises(cohort_services.CohortRefused, match="certificado vigente"):
        cohort_services.cohort_create(**_cohort_args(q, trainers=[lapsed_lead]))
    # The form says so, and saves nothing.
    client.force_login(q.hr)
    response = client.post(
        reverse("rollout:cohort_create"),
        {
            "name": "Grupo nuevo",
            "course": q.course.pk,
            "unit": q.north.pk,
            "starts_on": "2025-03-01",
            "ends_on": "2025-03-31",
            "capacity": 10,
            "trainers": [lapsed_lead.pk],
        },
    )
    assert response.status_code == 400
    assert "no tiene un certificado vigente" in response.content.decode()
    assert not Cohort.objects.filter(name="Grupo nuevo").exists()
    # Nor may they open one themselves.
    client.force_login(lapsed_lead)
    assert client.get(reverse("rollout:cohort_create")).status_code == 403


def test_hr_sees_a_lapsed_trainers_open_cohorts_flagged(client, q):
    q.qualify()
    cohort = cohort_services.cohort_create(**_cohort_args(q, trainers=[q.candidate]))
    closed = cohort_services.cohort_create(
        **_cohort_args(
            q,
            trainers=[q.candidate],
            name="Grupo cerrado",
            ends_on=date(2025, 3, 31),
        )
    )
    client.force_login(q.hr)
    flag = "Instructor sin certificado vigente"
    assert flag not in client.get(reverse("rollout:cohort_list")).content.decode()
    certificate_revoke(certificate=q.certificate, by=q.hr, reason="Error de datos.")
    page = client.get(reverse("rollout:cohort_list")).content.decode()
    assert page.count(flag) == 1  # the open cohort, not the closed one
    detail = client.get(reverse("rollout:cohort_detail", args=[cohort.pk]))
    assert flag in detail.content.decode()
    detail = client.get(reverse("rollout:cohort_detail", args=[closed.pk]))
    assert flag not in detail.content.decode()


def test_cohort_list_query_count_is_flat_with_flags(client, q):
    client.force_login(q.hr)
    url = reverse("rollout:cohort_list")
    cohort_services.cohort_create(**_cohort_args(q))
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for n in range(5):
        trainer = q.staff(q.north)
        q.certify(trainer)
        q.qualify(trainer)
        cohort_services.cohort_create(
            **_cohort_args(q, name=f"Grupo {n}", trainers=[trainer, q.lead])
        )
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(small) == len(large)


def test_a_multiplicador_takes_attendance_until_their_certificate_lapses(client, q):
    q.qualify()
    cohort = cohort_services.cohort_create(
        **_cohort_args(q, trainers=[q.candidate], ends_on=date(2025, 3, 31))
    )
    member = q.staff(q.north)
    cohort_services.cohort_enrol(cohort=cohort, person=member, by=q.hr)
    session = cohort_services.session_create(
        cohort=cohort, starts_at=at(4, 9), ends_at=at(4, 11), place="Sala", by=q.hr
    )
    client.force_login(q.candidate)
    url = reverse("rollout:attendance", args=[session.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        json.dumps({"person": member.pk, "present": True}),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert Attendance.objects.get(person=member).present is True
    assert client.get(reverse("rollout:cohort_list")).status_code == 200
    certificate_revoke(certificate=q.certificate, by=q.hr, reason="Error de datos.")
    # No longer a trainer: the cohort is not theirs to see (404, as any
    # cohort outside one's reach).
    assert client.get(url).status_code == 404
    assert client.get(reverse("rollout:cohort_list")).status_code == 403


# ---------------------------------------------------------------- the module


def test_a_lead_trainer_opens_the_trainers_module_to_a_certified_candidate(client, q):
    module = q.trainer_lessons[0].get_parent()
    client.force_login(q.candidate)
    assert client.get(module.url).status_code == 403
    client.force_login(q.lead)
    page = reverse("rollout:multiplicador", args=[q.candidate.pk])
    assert "Abrir el módulo para formadores" in client.get(page).content.decode()
    url = reverse("rollout:multiplicador_open_module", args=[q.candidate.pk])
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302  # again: nothing changes
    assert TrainerModuleAccess.objects.filter(user=q.candidate).count() == 1
    client.force_login(q.candidate)
    assert client.get(module.url).status_code == 200
    assert client.get(q.trainer_lessons[0].url).status_code == 200
    # Reading, not authoring.
    assert client.get("/admin/").status_code == 302


@pytest.mark.parametrize(
    "who, status", [("hr_in_scope", 403), ("learner", 403), ("hr_out_of_scope", 404)]
)
def test_only_a_lead_trainer_opens_the_module(client, q, who, status):
    user = {
        "hr_in_scope": q.hr,
        "learner": q.staff(q.north),
        "hr_out_of_scope": q.hr_south,
    }[who]
    client.force_login(user)
    url = reverse("rollout:multiplicador_open_module", args=[q.candidate.pk])
    assert client.post(url).status_code == status
    assert not TrainerModuleAccess.objects.exists()


def test_the_module_is_opened_only_to_holders_of_a_valid_certificate(client, q):
    uncertified = q.staff(q.north)
    client.force_login(q.lead)
    url = reverse("rollout:multiplicador_open_module", args=[uncertified.pk])
    response = client.post(url)
    assert response.status_code == 400
    assert "certificado vigente" in response.content.decode()
    assert not TrainerModuleAccess.objects.exists()
