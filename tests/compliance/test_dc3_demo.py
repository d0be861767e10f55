"""The done-when of the DC-3 on the demo data (load_initial_data --demo): `rh`
downloads `egresada`'s DC-3, whose text holds what an inspector reads, and the
DC-4 of the period lists it."""

import pymupdf
import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from compliance.models import Dc3
from portal.demo import GRADUATE
from portal.demo_dc3 import EMPLOYER_RFC

pytestmark = pytest.mark.django_db


def squeezed(text: str) -> str:
    return "".join(text.split())


def test_rh_downloads_egresadas_dc3_and_the_dc4_lists_it(client, initial_data):
    dc3 = Dc3.objects.get(worker__username=GRADUATE, status=Dc3.Status.VALID)
    client.force_login(User.objects.get(username="rh"))
    response = client.get(reverse("compliance:pdf", args=[dc3.pk]))
    assert response.status_code == 200
    with pymupdf.open(stream=response.getvalue(), filetype="pdf") as pdf:
        text = squeezed("\n".join(page.get_text() for page in pdf))
    graduate = User.objects.get(username=GRADUATE)
    snapshot = dc3.snapshot
    for expected in (
        "Núñez",
        "Peña",
        "María José",
        graduate.staff.curp,
        EMPLOYER_RFC,
        snapshot["course"]["nombre"],
        snapshot["course"]["area_tematica_clave"],
        "Pedro Páramo Ruiz",  # workers' representative (more than 50 workers)
        "Rocío Hernández Salas",  # legal representative
        "Iván Instructor Ruiz",  # the online tutor signs as instructor
    ):
        assert squeezed(expected) in text, expected
    assert snapshot["course"]["duracion_horas"] > 0
    today = timezone.localdate()
    csv = client.get(
        reverse("compliance:dc4"),
        {"desde": today.replace(day=1), "hasta": today, "formato": "csv"},
    )
    assert dc3.folio in csv.content.decode("utf-8-sig")
