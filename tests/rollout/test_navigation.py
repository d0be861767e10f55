"""Who reaches the rollout from the main navigation and the section links:
multiplicadores as soon as they qualify (and no longer once their certificate
is revoked), evaluators only the cohorts, learners nothing."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from accounts import roles
from certificates.services import certificate_revoke
from tests.factories import LearnerFactory, UserFactory

from .qualification_support import Qualification

pytestmark = pytest.mark.django_db


@pytest.fixture
def q(settings):
    return Qualification(settings)


def nav_labels(client) -> list[str]:
    page = BeautifulSoup(client.get("/mi-avance/").content, "html.parser")
    return [a.get_text(strip=True) for a in page.select("nav a.nav-link")]


def sections(client) -> list[str]:
    response = client.get(reverse("rollout:dashboard"))
    page = BeautifulSoup(response.content, "html.parser")
    nav = page.find("nav", attrs={"aria-label": "Despliegue"})
    return [a.get_text(strip=True) for a in nav.find_all("a")] if nav else []


def test_a_qualified_multiplicador_reaches_the_dashboards_until_the_certificate_goes(
    client, q
):
    client.force_login(q.candidate)
    assert "Tablero" not in nav_labels(client)
    assert client.get(reverse("rollout:dashboard")).status_code == 403

    q.qualify()
    client.force_login(q.candidate)
    assert "Tablero" in nav_labels(client)
    assert client.get(reverse("rollout:dashboard")).status_code == 200
    assert sections(client) == ["Tablero", "Grupos", "Cascada"]

    certificate_revoke(certificate=q.certificate, by=q.hr, reason="Error de captura")
    client.force_login(q.candidate)
    assert "Tablero" not in nav_labels(client)
    assert client.get(reverse("rollout:dashboard")).status_code == 403


def test_hr_sees_every_section_an_evaluator_only_the_cohorts_a_learner_nothing(
    client, q
):
    client.force_login(q.hr)
    assert sections(client) == [
        "Tablero",
        "Grupos",
        "Multiplicadores",
        "Cascada",
        "Metas",
        "Personal",
    ]
    client.force_login(UserFactory(groups=[roles.EVALUATORS]))
    labels = nav_labels(client)
    assert "Grupos" in labels and "Tablero" not in labels
    client.force_login(LearnerFactory())
    labels = nav_labels(client)
    assert "Grupos" not in labels and "Tablero" not in labels
