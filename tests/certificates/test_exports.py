"""CSV and XLSX exports of the filtered HR list: exactly the filtered rows, with
serial, holder, standard, course, dates, status, verification code and URL, read
back with the csv module and openpyxl."""

import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.urls import reverse
from freezegun import freeze_time

from certificates.services import certificate_revoke
from tests.factories import (
    CertificationSetup,
    HRFactory,
    issue_certificate,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_media")]

MX = ZoneInfo("America/Mexico_City")
HEADERS = [
    "Folio",
    "Titular",
    "Estándar",
    "Curso",
    "Fecha de emisión",
    "Vigente hasta",
    "Estado",
    "Código de verificación",
    "URL de verificación",
]


@pytest.fixture
def data(client):
    """Two certificates in force (one in course Alfa), one expired, one revoked;
    HR signed in."""
    alfa = CertificationSetup(course_title="Atención de excelencia")
    beta = CertificationSetup(course_title="Curso Beta")
    valid = issue_certificate(
        alfa,
        now=datetime(2025, 5, 20, 12, tzinfo=MX),
        first_name="José",
        last_name="Ñúñez",
    )
    valid_beta = issue_certificate(beta, now=datetime(2025, 6, 1, 12, tzinfo=MX))
    expired = issue_certificate(beta, now=datetime(2023, 1, 5, 12, tzinfo=MX))
    revoked = issue_certificate(alfa, now=datetime(2025, 2, 1, 12, tzinfo=MX))
    hr = HRFactory()
    certificate_revoke(certificate=revoked, by=hr, reason="Prueba")
    client.force_login(hr)
    return {
        "valid": valid,
        "valid_beta": valid_beta,
        "expired": expired,
        "revoked": revoked,
        "alfa": alfa.course,
    }


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def read_xlsx(response) -> list[tuple]:
    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
    data = b"".join(response.streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    return list(sheet.iter_rows(values_only=True))


@freeze_time("2026-01-15 18:00:00")
def test_csv_holds_exactly_the_filtered_rows(client, data):
    """status=vigente exports the two certificates in force and nothing else,
    each with its code as printed and its verification URL."""
    rows = read_csv(
        client.get(reverse("certificates:hr_export_csv"), {"status": "vigente"})
    )
    assert rows[0] == HEADERS
    by_serial = {row[0]: row for row in rows[1:]}
    assert set(by_serial) == {data["valid"].serial, data["valid_beta"].serial}
    valid = data["valid"]
    assert by_serial[valid.serial] == [
        valid.serial,
        "José Ñúñez",
        valid.standard.code,
        "Atención de excelencia",
        "2025-05-20",
        "2027-05-20",
        "vigente",
        valid.snapshot["verification_code"],
        valid.snapshot["verification_url"],
    ]
    assert valid.snapshot["verification_url"].endswith(f"/verificar/{valid.code}/")


@freeze_time("2026-01-15 18:00:00")
def test_csv_combines_search_and_course(client, data):
    """The export applies every filter of the list: course Alfa without status
    gives the valid and the revoked one; adding status=revocado, only that one."""
    url = reverse("certificates:hr_export_csv")
    rows = read_csv(client.get(url, {"course": data["alfa"].pk}))
    assert {r[0] for r in rows[1:]} == {data["valid"].serial, data["revoked"].serial}
    rows = read_csv(client.get(url, {"course": data["alfa"].pk, "status": "revocado"}))
    assert [r[0] for r in rows[1:]] == [data["revoked"].serial]
    assert rows[1][6] == "revocado"
    rows = read_csv(client.get(url, {"q": "ñúñez"}))
    assert [r[0] for r in rows[1:]] == [data["valid"].serial]


@freeze_time("2026-01-15 18:00:00")
def test_xlsx_holds_exactly_the_filtered_rows(client, data):
    """The XLSX export has the same columns; dates are real dates."""
    rows = read_xlsx(
        client.get(reverse("certificates:hr_export_xlsx"), {"status": "vencido"})
    )
    assert list(rows[0]) == HEADERS
    assert len(rows) == 2
    expired = data["expired"]
    row = rows[1]
    assert row[0] == expired.serial
    assert row[4].date() == date(2023, 1, 5)
    assert row[5].date() == date(2025, 1, 5)
    assert row[6] == "vencido"
    assert row[7] == expired.snapshot["verification_code"]
    assert row[8] == expired.snapshot["verification_url"]


@freeze_time("2026-01-15 18:00:00")
def test_xlsx_unfiltered_has_every_certificate(client, data):
    rows = read_xlsx(client.get(reverse("certificates:hr_export_xlsx")))
    assert {row[0] for row in rows[1:]} == {
        data[k].serial for k in ("valid", "valid_beta", "expired", "revoked")
    }
    assert {row[8] for row in rows[1:]} == {
        data[k].snapshot["verification_url"]
        for k in ("valid", "valid_beta", "expired", "revoked")
    }


def test_formulas_in_names_are_neutralised(client, data):
    """A holder who signs up as "=HYPERLINK(...)" does not inject a formula: the
    cell starts with an apostrophe, as text, in both formats."""
    evil = issue_certificate(
        CertificationSetup(), first_name='=HYPERLINK("http://x")', last_name="A"
    )
    params = {"q": evil.serial}
    rows = read_csv(client.get(reverse("certificates:hr_export_csv"), params))
    assert rows[1][1] == '\'=HYPERLINK("http://x") A'
    data_rows = read_xlsx(client.get(reverse("certificates:hr_export_xlsx"), params))
    assert data_rows[1][1] == '\'=HYPERLINK("http://x") A'
