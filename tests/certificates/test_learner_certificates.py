"""A learner's own certificates: listed under "Mis constancias" on /mi-avance/,
downloaded as the stored PDF by the holder (and HR, superusers) only; and the
demo graduate `egresada` created by load_initial_data --demo."""

from __future__ import annotations

import hashlib

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from accounts import roles
from certificates.models import Certificate
from tests.factories import HRFactory, LearnerFactory, TrainerFactory, UserFactory

from .support import pdf_text, stored_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("rate_limit_cleared")]


@pytest.fixture
def learner():
    """The holder (conftest's ``certificate`` is theirs)."""
    return LearnerFactory(first_name="Sofía", last_name="Gutiérrez Ávila")


@pytest.fixture
def holder(learner):
    return learner


def download_url(certificate: Certificate) -> str:
    return f"/constancias/{certificate.code}/pdf/"


def body(response) -> bytes:
    return b"".join(response.streaming_content)


# ------------------------------------------------------------------ download


def test_holder_downloads_the_stored_pdf(client, holder, certificate):
    """The holder gets the stored file as an attachment: application/pdf, the
    serial in the file name, and exactly the bytes whose SHA-256 is stored."""
    client.force_login(holder)
    response = client.get(download_url(certificate))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert f"{certificate.serial}.pdf" in disposition
    data = body(response)
    assert data.startswith(b"%PDF")
    assert data == stored_bytes(certificate)
    assert hashlib.sha256(data).hexdigest() == certificate.pdf_sha256
    assert "Sofía Gutiérrez Ávila" in pdf_text(data)


def test_the_same_bytes_are_served_every_time(client, holder, certificate):
    """The PDF is served as stored, never re-rendered: two downloads, even after
    the holder's name changed, are byte-identical and match the stored hash."""
    client.force_login(holder)
    first = body(client.get(download_url(certificate)))
    holder.first_name = "Otro nombre"
    holder.save()
    second = body(client.get(download_url(certificate)))
    assert first == second
    assert hashlib.sha256(second).hexdigest() == certificate.pdf_sha256


def _hr_user():
    return HRFactory()


def _superuser():
    return UserFactory(is_superuser=True, is_staff=True)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        (lambda holder: holder, 200),
        (lambda holder: LearnerFactory(), 404),
        (lambda holder: TrainerFactory(), 404),
        (lambda holder: _hr_user(), 200),
        (lambda holder: _superuser(), 200),
    ],
    ids=["holder", "other-learner", "trainer", "hr", "superuser"],
)
def test_download_permission_matrix(client, holder, certificate, who, expected):
    """Holder, HR and superusers may download; another learner and a trainer who
    is not HR get a 404 (which does not tell the certificate exists)."""
    user = who(holder)
    client.force_login(user)
    response = client.get(download_url(certificate))
    assert response.status_code == expected
    if expected == 200:
        assert body(response) == stored_bytes(certificate)
    else:
        assert certificate.serial not in response.content.decode()


def test_trainer_who_is_also_hr_may_download(client, certificate):
    """The HR role, not the trainer role, grants access to others' certificates."""
    from django.contrib.auth.models import Group

    trainer = TrainerFactory()
    client.force_login(trainer)
    assert client.get(download_url(certificate)).status_code == 404
    trainer.groups.add(Group.objects.get(name=roles.HR))
    client.force_login(User.objects.get(pk=trainer.pk))
    assert client.get(download_url(certificate)).status_code == 200


def test_anonymous_is_sent_to_sign_in(client, certificate):
    """An anonymous visitor is redirected to the login page, then back."""
    response = client.get(download_url(certificate))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "next=" in response["Location"]


def test_unknown_code_is_404(client, holder):
    client.force_login(holder)
    assert client.get("/constancias/" + "a" * 32 + "/pdf/").status_code == 404


# ------------------------------------------------------------------ dashboard


def test_dashboard_lists_my_certificates(client, holder, certificate):
    """/mi-avance/ has a "Mis constancias" section listing the holder's certificate
    with its serial, status, download and verification links."""
    client.force_login(holder)
    page = client.get("/mi-avance/").content.decode()
    assert "Mis constancias" in page
    assert certificate.serial in page
    assert download_url(certificate) in page
    assert f"/verificar/{certificate.code}/" in page
    assert "vigente" in page


def test_dashboard_shows_no_one_elses_certificates(client, certificate):
    """Another learner sees the section empty, with a hint, and none of the
    holder's certificates."""
    client.force_login(LearnerFactory())
    page = client.get("/mi-avance/").content.decode()
    assert "Mis constancias" in page
    assert "Todavía no tienes constancias" in page
    assert certificate.serial not in page
    assert certificate.code not in page


# ------------------------------------------------------------------ demo


def test_demo_graduate_has_one_certificate_and_a_rerun_adds_none(client):
    """load_initial_data --demo (run once for the session) created `egresada`, a
    learner with the demo password who passed the final assessment and holds one
    valid certificate; running the command again issues no other."""
    graduate = User.objects.get(username="egresada")
    assert graduate.get_full_name() == "María José Núñez Peña"
    assert graduate.groups.filter(name=roles.LEARNERS).exists()
    assert graduate.check_password("atiende-demo")
    certificates = list(graduate.certificates.all())
    assert len(certificates) == 1
    certificate = certificates[0]
    assert certificate.judgement.attempt.competent is True
    assert certificate.judgement.attempt.assessment.slug == "evaluacion-final-ec0305"
    assert certificate.status == Certificate.Status.VALID
    assert "María José Núñez Peña" in pdf_text(stored_bytes(certificate))

    total_before = Certificate.objects.count()
    call_command("load_initial_data", demo=True, verbosity=0)
    assert graduate.certificates.count() == 1
    assert Certificate.objects.count() == total_before

    client.force_login(graduate)
    assert certificate.serial in client.get("/mi-avance/").content.decode()
