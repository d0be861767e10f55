"""The DC-3 screens: who may open what (the matrix), flat query counts, the
pending list with due dates, the DC-4, the verification and the learner's
download."""

import io
import zipfile
from datetime import datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from compliance import services
from compliance.deadlines import add_business_days
from compliance.models import Dc3
from rollout.models import StaffProfile
from tests.compliance.support import World

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def world():
    return World()


@pytest.fixture
def issued(world):
    world.earn()
    return services.dc3_issue_for(worker=world.worker, course=world.course)


HR_PAGES = ["compliance:list", "compliance:pending", "compliance:dc4"]
# anonymous -> sign in; learners, trainers, evaluators -> 403; HR and superusers
EXPECTED = {
    "anonymous": 302,
    "learner": 403,
    "trainer": 403,
    "evaluator": 403,
    "hr_in": 200,
    "hr_out": 200,
    "superuser": 200,
}


@pytest.mark.parametrize("name", HR_PAGES)
def test_hr_pages_matrix(world, name):
    for label, client in world.matrix().items():
        response = client.get(reverse(name))
        assert response.status_code == EXPECTED[label], (label, name)


def test_dc3_download_matrix(world, issued):
    url = reverse("compliance:pdf", args=[issued.pk])
    expected = {**EXPECTED, "hr_out": 404}
    for label, client in world.matrix().items():
        response = client.get(url)
        assert response.status_code == expected[label], label
        if response.status_code == 200:
            assert response["Content-Type"] == "application/pdf"
            assert b"".join(response).startswith(b"%PDF")


def test_reissue_matrix_and_reason(world, issued):
    url = reverse("compliance:reissue", args=[issued.pk])
    clients = world.matrix()
    assert clients["hr_out"].post(url, {"motivo": "x"}).status_code == 404
    assert clients["learner"].post(url, {"motivo": "x"}).status_code == 403
    assert clients["hr_in"].post(url, {"motivo": ""}).status_code == 400
    response = clients["hr_in"].post(url, {"motivo": "CURP corregida"})
    assert response.status_code == 302
    issued.refresh_from_db()
    assert issued.status == Dc3.Status.REPLACED
    assert issued.replaced_by.reissue_reason == "CURP corregida"


def test_list_shows_only_hr_scope(world, issued):
    clients = world.matrix()
    assert issued.folio in clients["hr_in"].get(reverse("compliance:list")).text
    assert issued.folio not in clients["hr_out"].get(reverse("compliance:list")).text
    bad = clients["hr_in"].get(reverse("compliance:list"), {"desde": "2026-13-01"})
    assert bad.status_code == 400


def _queries(client, url, **params) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url, params).status_code == 200
    return len(context)


def _more_workers(world, count, start):
    for n in range(count):
        i = n + start
        worker = world.new_worker(
            f"GOMA85{i % 12 + 1:02d}{i // 12 + 10:02d}MDFRRN", first_name=f"W{i}"
        )
        world.earn(worker)


def test_list_and_pending_query_counts_are_flat(world, client):
    client.force_login(world.hr_in)
    _more_workers(world, 2, 0)
    # Warm the caches (site, settings) on both pages: each test starts with an
    # empty cache (tests/conftest.py).
    client.get(reverse("compliance:list"))
    client.get(reverse("compliance:pending"))
    pending_small = _queries(client, reverse("compliance:pending"))
    services.dc3_issue_pending()
    list_small = _queries(client, reverse("compliance:list"))
    _more_workers(world, 18, 2)
    pending_big = _queries(client, reverse("compliance:pending"))
    services.dc3_issue_pending()
    list_big = _queries(client, reverse("compliance:list"))
    assert Dc3.objects.filter(course=world.course).count() == 20
    assert (pending_big, list_big) == (pending_small, list_small)


def test_pending_list_marks_overdue_and_missing(world, client):
    client.force_login(world.hr_in)
    # Finished (lessons and final) 25 business days ago: overdue.
    today = timezone.localdate()
    finished = today
    while True:
        finished -= timedelta(days=1)
        if add_business_days(finished, 25) >= today:
            continue
        break
    moment = timezone.make_aware(datetime.combine(finished, datetime.min.time()))
    with freeze_time(moment + timedelta(hours=12)):
        world.earn()
    StaffProfile.objects.filter(user=world.worker).update(occupation=None)
    other = world.new_worker("GOMA850202MDFRRN", first_name="Recién")
    world.earn(other)
    StaffProfile.objects.filter(user=other).update(curp=None)
    response = client.get(reverse("compliance:pending"))
    text = response.text
    assert "vencida" in text
    assert "ocupación específica" in text and "CURP del trabajador" in text
    assert text.count('data-overdue="1"') == 1
    # Out of scope: nobody.
    client.force_login(world.hr_out)
    assert "ocupación específica" not in client.get(reverse("compliance:pending")).text


def test_dc4_lists_the_period_and_validates_it(world, issued, client):
    client.force_login(world.hr_in)
    today = timezone.localdate()
    period = {"desde": (today - timedelta(days=30)).isoformat(), "hasta": today}
    csv = client.get(reverse("compliance:dc4"), {**period, "formato": "csv"})
    assert csv.status_code == 200
    body = csv.content.decode("utf-8-sig")
    assert issued.folio in body and world.worker.staff.curp in body
    pdf = client.get(reverse("compliance:dc4"), {**period, "formato": "pdf"})
    assert pdf.content.startswith(b"%PDF")
    xlsx = client.get(reverse("compliance:dc4"), {**period, "formato": "xlsx"})
    assert xlsx.content.startswith(b"PK")
    backwards = {"desde": today.isoformat(), "hasta": "2020-01-01", "formato": "csv"}
    assert client.get(reverse("compliance:dc4"), backwards).status_code == 400
    assert client.get(reverse("compliance:dc4"), {"desde": "x"}).status_code == 400
    client.force_login(world.hr_out)
    csv = client.get(reverse("compliance:dc4"), {**period, "formato": "csv"})
    assert issued.folio not in csv.content.decode("utf-8-sig")


def test_zip_has_the_pdfs_and_a_manifest(world, issued, client):
    client.force_login(world.hr_in)
    response = client.get(reverse("compliance:zip"), {"course": world.course.pk})
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = archive.namelist()
    assert "manifiesto.csv" in names
    assert any(name.endswith(".pdf") for name in names)
    assert issued.folio in archive.read("manifiesto.csv").decode("utf-8-sig")


def test_public_verification_of_a_dc3(world, issued, client):
    response = client.get(reverse("compliance:verify", args=[issued.code]))
    assert response.status_code == 200
    assert "DC-3" in response.text and world.course.title in response.text
    assert "2000" in response.text
    # The certificates' verification sends a DC-3 code to its page.
    response = client.get(reverse("certificates:verify", args=[issued.code]))
    assert response.status_code == 302
    assert response["Location"] == reverse("compliance:verify", args=[issued.code])
    assert client.get(reverse("compliance:verify", args=["a" * 32])).status_code == 404


def test_learner_downloads_own_dc3_on_mi_avance(world, issued, client):
    client.force_login(world.worker)
    page = client.get(reverse("portal:dashboard"))
    url = reverse("compliance:own_pdf", args=[issued.pk])
    assert url in page.text
    assert client.get(url).status_code == 200
    client.force_login(world.hr_in)  # HR use the HR download, not this one
    assert client.get(url).status_code == 404
