"""Who may use the HR certificate screens under /certificados/: HR and superusers
only. Anonymous visitors are sent to sign in; learners and trainers get 403 on
every screen, and their POSTs change nothing. The navigation shows "Constancias"
to HR only."""

import pytest
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.urls import reverse

from certificates.models import BulkDownload, Certificate
from tests.factories import (
    CertificationSetup,
    HRFactory,
    LearnerFactory,
    TrainerFactory,
    issue_certificate,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_media")]

ROLES = ("anonymous", "learner", "trainer", "hr", "superuser")


@pytest.fixture
def world():
    """A certificate, an HR user and a finished bulk job of that HR user."""
    hr = HRFactory()
    certificate = issue_certificate(CertificationSetup())
    job = BulkDownload.objects.create(
        requested_by=hr, status=BulkDownload.Status.DONE, total=1, done=1
    )
    job.file.save("prueba.zip", ContentFile(b"PK\x05\x06" + b"\0" * 18))
    users = {
        "anonymous": None,
        "learner": LearnerFactory(),
        "trainer": TrainerFactory(),
        "hr": hr,
        "superuser": User.objects.create_superuser("raiz", "raiz@example.com", "x"),
    }
    return certificate, job, users


# (url name, method, which object the url takes)
SCREENS = [
    ("certificates:hr_list", "get", None),
    ("certificates:hr_expiring", "get", None),
    ("certificates:hr_export_csv", "get", None),
    ("certificates:hr_export_xlsx", "get", None),
    ("certificates:hr_bulk_zip", "post", None),
    ("certificates:hr_portfolios_zip", "get", None),
    ("certificates:hr_detail", "get", "certificate"),
    ("certificates:hr_pdf", "get", "certificate"),
    ("certificates:hr_revoke", "get", "certificate"),
    ("certificates:hr_reissue", "get", "certificate"),
    ("certificates:hr_render", "post", "certificate"),
    ("certificates:hr_bulk_status", "get", "job"),
    ("certificates:hr_bulk_status_json", "get", "job"),
    ("certificates:hr_bulk_file", "get", "job"),
]


def _url(name, target, certificate, job):
    args = {"certificate": [certificate.pk], "job": [job.pk], None: []}[target]
    return reverse(name, args=args)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method", "target"), SCREENS)
def test_permission_matrix(client, world, role, name, method, target):
    """Every HR screen: anonymous -> login redirect; learner and trainer -> 403;
    HR and superuser -> 200."""
    certificate, job, users = world
    if users[role] is not None:
        client.force_login(users[role])
    url = _url(name, target, certificate, job)
    response = getattr(client, method)(url)
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    elif role in ("learner", "trainer"):
        assert response.status_code == 403
    else:
        # Rendering a PDF again is a POST that returns to the certificate.
        expected = 302 if name == "certificates:hr_render" else 200
        assert response.status_code == expected, (name, role)


def test_every_hr_route_is_in_the_matrix():
    """The matrix covers every route named hr_* (a new screen must be added)."""
    from certificates import urls

    names = {f"certificates:{p.name}" for p in urls.urlpatterns if p.name}
    assert {n for n in names if n.split(":")[1].startswith("hr_")} == {
        name for name, _method, _target in SCREENS
    }


@pytest.mark.parametrize("role", ["learner", "trainer"])
def test_forbidden_posts_change_nothing(client, world, role):
    """A learner or trainer posting to revoke or re-issue gets 403 and the
    certificate stays as it was; no bulk job is created."""
    certificate, _job, users = world
    client.force_login(users[role])
    revoke = client.post(
        reverse("certificates:hr_revoke", args=[certificate.pk]), {"reason": "x"}
    )
    reissue = client.post(reverse("certificates:hr_reissue", args=[certificate.pk]))
    assert (revoke.status_code, reissue.status_code) == (403, 403)
    certificate.refresh_from_db()
    assert certificate.revoked_at is None
    assert Certificate.objects.count() == 1
    assert BulkDownload.objects.count() == 1


def test_anonymous_post_goes_to_login_and_changes_nothing(client, world):
    """Anonymous POSTs are sent to sign in, with the page to come back to."""
    certificate, _job, _users = world
    url = reverse("certificates:hr_revoke", args=[certificate.pk])
    response = client.post(url, {"reason": "x"})
    assert response.status_code == 302
    assert f"next={url}" in response["Location"]
    certificate.refresh_from_db()
    assert certificate.revoked_at is None


@pytest.mark.parametrize(
    ("role", "shown"),
    [("learner", False), ("trainer", False), ("hr", True), ("superuser", True)],
)
def test_navigation_shows_certificates_to_hr_only(client, world, role, shown):
    """The main navigation has "Constancias" (-> the HR list, titled the same)
    for HR and superusers only."""
    _certificate, _job, users = world
    client.force_login(users[role])
    response = client.get(reverse("portal:dashboard"))
    items = {item["label"]: item["url"] for item in response.context["main_nav"]}
    assert ("Constancias" in items) is shown
    if shown:
        assert items["Constancias"] == reverse("certificates:hr_list")
        listing = client.get(items["Constancias"]).content.decode()
        assert "<h1>Constancias</h1>" in listing
        assert "<title>Constancias · Atiende</title>" in listing


def test_hr_without_the_model_permission_is_refused(client, world):
    """The role alone is not enough: an HR member whose group lost the export
    permission may still list certificates but not export them."""
    from django.contrib.auth.models import Permission

    _certificate, _job, users = world
    hr = users["hr"]
    group = hr.groups.get()
    group.permissions.remove(Permission.objects.get(codename="export_certificate"))
    client.force_login(hr)
    assert client.get(reverse("certificates:hr_list")).status_code == 200
    assert client.get(reverse("certificates:hr_export_csv")).status_code == 403
