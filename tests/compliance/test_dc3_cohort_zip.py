"""A cohort's page offers HR the ZIP of that cohort's DC-3s (the list's ZIP,
filtered by the cohort): only its DC-3s, and 404 outside HR's units."""

import io
import re
import zipfile
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from compliance import services
from rollout.models import Cohort, CohortMember
from tests.compliance.support import World
from tests.factories import TrainerFactory

pytestmark = pytest.mark.django_db
LABEL = "Constancias DC-3 (ZIP)"


def cohort_of(world, name, *people):
    cohort = Cohort.objects.create(
        name=name,
        course=world.course,
        unit=world.unit,
        starts_on=date(2026, 2, 2),
        ends_on=date(2026, 2, 6),
        created_by=world.hr_in,
    )
    for person in people:
        CohortMember.objects.create(cohort=cohort, person=person)
    return cohort


@pytest.fixture
def two_cohorts():
    world = World()
    other = world.new_worker("PELJ900215HJCRPN", first_name="Juan")
    first = cohort_of(world, "Grupo 1", world.worker)
    second = cohort_of(world, "Grupo 2", other)
    issued = {}
    for cohort, worker in ((first, world.worker), (second, other)):
        world.earn(worker)
        issued[cohort.pk] = services.dc3_issue_for(worker=worker, course=world.course)
    return world, first, second, issued


def zip_link(client, cohort) -> str | None:
    response = client.get(reverse("rollout:cohort_detail", args=[cohort.pk]))
    assert response.status_code == 200
    match = re.search(
        rf'<a href="([^"]+)">{re.escape(LABEL)}</a>', response.content.decode()
    )
    return match.group(1) if match else None


def test_hr_get_the_zip_of_only_that_cohort_from_its_page(two_cohorts):
    world, first, second, issued = two_cohorts
    client = Client()
    client.force_login(world.hr_in)
    url = zip_link(client, first)
    assert url == f"{reverse('compliance:zip')}?cohort={first.pk}"
    response = client.get(url)
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    manifest = archive.read("manifiesto.csv").decode("utf-8-sig")
    assert issued[first.pk].folio in manifest
    assert issued[second.pk].folio not in manifest
    assert sum(name.endswith(".pdf") for name in archive.namelist()) == 1


def test_hr_out_of_scope_get_404_for_the_page_and_the_zip(two_cohorts):
    world, first, _second, _issued = two_cohorts
    client = Client()
    client.force_login(world.hr_out)
    page = reverse("rollout:cohort_detail", args=[first.pk])
    assert client.get(page).status_code == 404
    zip_url = reverse("compliance:zip")
    assert client.get(zip_url, {"cohort": first.pk}).status_code == 404
    assert client.get(zip_url, {"cohort": 999999}).status_code == 404
    assert client.get(zip_url, {"cohort": "x"}).status_code == 400


def test_only_hr_see_the_link(two_cohorts):
    world, first, _second, _issued = two_cohorts
    trainer = TrainerFactory()
    first.trainers.add(trainer)
    client = Client()
    client.force_login(trainer)
    assert zip_link(client, first) is None
    assert (
        client.get(reverse("compliance:zip"), {"cohort": first.pk}).status_code == 403
    )
