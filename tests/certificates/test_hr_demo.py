"""The HR screens on the demo data (load_initial_data --demo): the demo HR user
`rh` finds the certificate of the demo graduate `egresada` and can open, export
and download it."""

import csv
import io

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from certificates.models import Certificate
from certificates.pdf import sha256_hex
from portal.demo import GRADUATE

pytestmark = pytest.mark.django_db


@pytest.fixture
def rh_client(client, initial_data):
    client.force_login(User.objects.get(username="rh"))
    return client


def test_demo_hr_finds_the_demo_graduate(rh_client):
    """Searching "Núñez" (as written) lists egresada's certificate; its page,
    PDF and CSV row are there."""
    certificate = Certificate.objects.get(holder__username=GRADUATE)
    response = rh_client.get(reverse("certificates:hr_list"), {"q": "Núñez"})
    assert certificate in list(response.context["page_obj"])
    assert ">Constancias</a>" in response.content.decode()  # the navigation item

    detail = rh_client.get(reverse("certificates:hr_detail", args=[certificate.pk]))
    assert detail.status_code == 200
    assert "María José Núñez Peña" in detail.content.decode()

    pdf = rh_client.get(reverse("certificates:hr_pdf", args=[certificate.pk]))
    assert sha256_hex(b"".join(pdf.streaming_content)) == certificate.pdf_sha256

    export = rh_client.get(
        reverse("certificates:hr_export_csv"), {"q": certificate.serial}
    )
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert [row[0] for row in rows[1:]] == [certificate.serial]
    assert rows[1][-1] == certificate.snapshot["verification_url"]
