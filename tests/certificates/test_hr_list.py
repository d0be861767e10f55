"""The HR list of certificates (/certificados/): search, filters (status computed
from the dates on the day of the request, issue-date range, course), pagination
and a query count that does not grow with the rows; the detail page and the PDF
download."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time

from certificates import hr_views
from certificates.pdf import sha256_hex
from certificates.services import certificate_reissue, certificate_revoke
from tests.factories import (
    CertificationSetup,
    HRFactory,
    issue_certificate,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_media")]

MX = ZoneInfo("America/Mexico_City")
LIST = reverse("certificates:hr_list")


def at(year, month, day, hour=12):
    return datetime(year, month, day, hour, tzinfo=MX)


@pytest.fixture
def hr_client(client):
    hr = HRFactory()
    client.force_login(hr)
    client.user = hr
    return client


@pytest.fixture
def three():
    """Ana: valid until 2027-01-10 (course A); Beto: expired 2025-06-01 (course
    B); Carla: issued 2025-03-01 in course A and revoked."""
    course_a = CertificationSetup(course_title="Curso Alfa")
    course_b = CertificationSetup(course_title="Curso Beta")
    ana = issue_certificate(
        course_a, now=at(2025, 1, 10), first_name="Ana", last_name="Vigente"
    )
    beto = issue_certificate(
        course_b, now=at(2023, 6, 1), first_name="Beto", last_name="Vencido"
    )
    carla = issue_certificate(
        course_a, now=at(2025, 3, 1), first_name="Carla", last_name="Revocada"
    )
    carla = certificate_revoke(
        certificate=carla, by=HRFactory(), reason="Error de captura", now=at(2025, 4, 1)
    )
    return {
        "ana": ana,
        "beto": beto,
        "carla": carla,
        "course_a": course_a.course,
        "course_b": course_b.course,
    }


def serials(response) -> list[str]:
    assert response.status_code == 200
    return [certificate.serial for certificate in response.context["page_obj"]]


def names(response, three) -> set[str]:
    by_serial = {three[k].serial: k for k in ("ana", "beto", "carla")}
    return {by_serial[s] for s in serials(response)}


@freeze_time("2026-01-15 18:00:00")
@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("vigente", {"ana"}),
        ("vencido", {"beto"}),
        ("revocado", {"carla"}),
        ("", {"ana", "beto", "carla"}),
    ],
)
def test_status_filter_on_the_day_of_the_request(hr_client, three, status, expected):
    """On 2026-01-15 Ana's certificate is in force, Beto's expired (2025-06-01)
    and Carla's revoked; the status filter returns exactly those."""
    response = hr_client.get(LIST, {"status": status})
    assert names(response, three) == expected


def test_status_follows_the_clock(hr_client, three):
    """The same certificate is vigente on its last day and vencido the day after:
    status is computed from the dates, not stored."""
    with freeze_time("2027-01-10 18:00:00"):
        hr_client.force_login(hr_client.user)  # the first session has expired
        assert names(hr_client.get(LIST, {"status": "vigente"}), three) == {"ana"}
        assert names(hr_client.get(LIST, {"status": "vencido"}), three) == {"beto"}
    with freeze_time("2027-01-11 18:00:00"):
        hr_client.force_login(hr_client.user)
        assert names(hr_client.get(LIST, {"status": "vigente"}), three) == set()
        assert names(hr_client.get(LIST, {"status": "vencido"}), three) == {
            "ana",
            "beto",
        }
        page = hr_client.get(LIST)
        shown = {c.serial: c.status_today for c in page.context["page_obj"]}
        assert shown[three["ana"].serial] == "vencido"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"issued_from": "2025-01-01", "issued_to": "2025-02-01"}, {"ana"}),
        # Both ends are inclusive: Ana was issued on 2025-01-10 at noon.
        ({"issued_from": "2025-01-10", "issued_to": "2025-01-10"}, {"ana"}),
        ({"issued_from": "2025-01-11"}, {"carla"}),
        ({"issued_to": "2024-12-31"}, {"beto"}),
    ],
)
def test_issue_date_range(hr_client, three, params, expected):
    """Issue-date range filter, both ends inclusive, in local dates."""
    assert names(hr_client.get(LIST, params), three) == expected


def test_inverted_date_range_is_an_error_not_a_filter(hr_client, three):
    """An end date before the start date is shown as an error on the form."""
    response = hr_client.get(
        LIST, {"issued_from": "2025-02-01", "issued_to": "2025-01-01"}
    )
    assert response.context["form"].errors["issued_to"]


def test_course_filter(hr_client, three):
    """Filtering by course keeps that course's certificates only."""
    course_a = three["course_a"].pk
    assert names(hr_client.get(LIST, {"course": course_a}), three) == {"ana", "carla"}
    course_b = three["course_b"].pk
    assert names(hr_client.get(LIST, {"course": course_b}), three) == {"beto"}


def test_filters_combine(hr_client, three):
    """Course and status together: course A and revoked -> Carla only."""
    response = hr_client.get(
        LIST, {"course": three["course_a"].pk, "status": "revocado"}
    )
    assert names(response, three) == {"carla"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("vencido", {"beto"}),  # last name
        ("ANA", {"ana"}),  # any case
        ("ana vigente", {"ana"}),  # every word must match
        ("ana vencido", set()),
    ],
)
def test_search_by_holder_name(hr_client, three, query, expected):
    """Search matches the holder's name, every word, in any case."""
    assert names(hr_client.get(LIST, {"q": query}), three) == expected


def test_search_by_serial_and_by_code(hr_client, three):
    """Search finds a certificate by its serial and by its verification code as
    printed (upper case, with dashes) or as stored."""
    beto = three["beto"]
    assert names(hr_client.get(LIST, {"q": beto.serial}), three) == {"beto"}
    printed = beto.snapshot["verification_code"]
    assert "-" in printed
    assert names(hr_client.get(LIST, {"q": printed}), three) == {"beto"}
    assert names(hr_client.get(LIST, {"q": beto.code[:12]}), three) == {"beto"}


def test_pagination_keeps_the_filters(hr_client, monkeypatch):
    """Pages of PAGE_SIZE rows, newest first; the page links keep the filters."""
    monkeypatch.setattr(hr_views, "PAGE_SIZE", 2)
    setup = CertificationSetup()
    issued = [issue_certificate(setup, now=at(2025, 1, day)) for day in (1, 2, 3)]
    first = hr_client.get(LIST, {"status": "vigente"})
    assert serials(first) == [issued[2].serial, issued[1].serial]
    assert "status=vigente&amp;page=2" in first.content.decode()
    second = hr_client.get(LIST, {"status": "vigente", "page": 2})
    assert serials(second) == [issued[0].serial]
    assert second.context["page_obj"].paginator.num_pages == 2


def _list_queries(client) -> int:
    client.get(LIST)  # warm the per-process caches (site, settings)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST)
    assert response.status_code == 200
    print("\n".join(q["sql"] for q in queries.captured_queries))
    return len(queries)


def test_query_count_does_not_grow_with_rows(hr_client):
    """The list makes as many queries for 3 certificates as for 30 (25 of them on
    the page, some revoked, some re-issued)."""
    setup = CertificationSetup()
    hr = hr_client.user
    first = [issue_certificate(setup) for _ in range(3)]
    certificate_revoke(certificate=first[0], by=hr, reason="Prueba")
    certificate_reissue(certificate=first[1], by=hr)
    few = _list_queries(hr_client)
    for _ in range(27):
        issue_certificate(setup)
    many = _list_queries(hr_client)
    assert many == few


def test_detail_shows_snapshot_status_hash_url_and_chain(hr_client, three):
    """The detail page shows what the certificate states, its status, the PDF's
    SHA-256, the verification URL, the revocation (who, when, why) and, after a
    re-issue, the chain from the old certificate to the new one."""
    carla = three["carla"]
    response = hr_client.get(reverse("certificates:hr_detail", args=[carla.pk]))
    html = response.content.decode()
    assert response.context["status"] == "revocado"
    assert "Carla Revocada" in html
    assert carla.pdf_sha256 in html
    assert carla.snapshot["verification_url"] in html
    assert "Error de captura" in html
    assert carla.snapshot["verification_code"] in html

    new = certificate_reissue(certificate=three["ana"], by=hr_client.user)
    response = hr_client.get(reverse("certificates:hr_detail", args=[new.pk]))
    chain = [c.serial for c in response.context["chain"]]
    assert chain == [three["ana"].serial, new.serial]
    old = hr_client.get(reverse("certificates:hr_detail", args=[three["ana"].pk]))
    assert [c.serial for c in old.context["chain"]] == chain


def test_unknown_certificate_is_404(hr_client):
    """An unknown certificate id is a plain 404."""
    assert (
        hr_client.get(reverse("certificates:hr_detail", args=[999999])).status_code
        == 404
    )


def test_pdf_download_serves_the_stored_bytes(hr_client, three):
    """The PDF download is the stored file, byte for byte: its SHA-256 is the
    stored one."""
    beto = three["beto"]
    response = hr_client.get(reverse("certificates:hr_pdf", args=[beto.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    data = b"".join(response.streaming_content)
    assert data.startswith(b"%PDF")
    assert sha256_hex(data) == beto.pdf_sha256


def test_the_list_links_to_the_portfolio_zip(hr_client, three):
    """HR reaches the evidence portfolios' ZIP from the certificates list."""
    page = hr_client.get(reverse("certificates:hr_list")).content.decode()
    assert reverse("certificates:hr_portfolios_zip") in page
