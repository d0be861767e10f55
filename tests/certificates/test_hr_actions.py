"""HR revokes (with a required reason, recording who and when) and re-issues
certificates from /certificados/<id>/."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from freezegun import freeze_time

from certificates.models import Certificate
from tests.factories import (
    CertificationSetup,
    HRFactory,
    issue_certificate,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_media")]


@pytest.fixture
def certificate():
    return issue_certificate(CertificationSetup(), first_name="Ana", last_name="Ruiz")


def revoke_url(certificate):
    return reverse("certificates:hr_revoke", args=[certificate.pk])


def test_revoke_page_asks_for_confirmation_and_changes_nothing(client, hr, certificate):
    """GET shows the confirmation (holder, consequences, reason field) and does
    not revoke."""
    client.force_login(hr)
    response = client.get(revoke_url(certificate))
    html = response.content.decode()
    assert "Ana Ruiz" in html
    assert 'name="reason"' in html
    assert "no se puede deshacer" in html
    certificate.refresh_from_db()
    assert certificate.revoked_at is None


@pytest.mark.parametrize("reason", ["", "   "])
def test_revoke_requires_a_reason(client, hr, certificate, reason):
    """Without a reason (or only blanks) nothing is revoked and the form says
    why."""
    client.force_login(hr)
    response = client.post(revoke_url(certificate), {"reason": reason})
    assert response.status_code == 400
    assert response.context["form"].errors["reason"]
    certificate.refresh_from_db()
    assert certificate.revoked_at is None
    assert certificate.status == Certificate.Status.VALID


@freeze_time("2026-03-02 17:30:00")
def test_revoke_records_who_when_and_why(client, hr, certificate):
    """A revocation records the HR user, the time and the reason; the status
    becomes revocado, here and on the public verification page."""
    client.force_login(hr)
    response = client.post(
        revoke_url(certificate), {"reason": "  Suplantación de identidad  "}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "certificates:hr_detail", args=[certificate.pk]
    )
    certificate.refresh_from_db()
    assert certificate.revoked_by == hr
    assert certificate.revoked_at == datetime(
        2026, 3, 2, 17, 30, tzinfo=ZoneInfo("UTC")
    )
    assert certificate.revoked_reason == "Suplantación de identidad"
    assert certificate.status == Certificate.Status.REVOKED

    detail = client.get(response["Location"])
    assert detail.context["status"] == "revocado"
    html = detail.content.decode()
    assert "Suplantación de identidad" in html
    assert "Rita Humana" in html

    public = client.get(reverse("certificates:verify", args=[certificate.code]))
    assert public.context["v"].status == "revocado"


def test_revoking_twice_keeps_the_first_revocation(client, hr, certificate):
    """A second revocation is refused: the first reason and author stay."""
    client.force_login(hr)
    client.post(revoke_url(certificate), {"reason": "Primera"})
    other = HRFactory()
    client.force_login(other)
    response = client.post(revoke_url(certificate), {"reason": "Segunda"}, follow=True)
    assert response.status_code == 200
    certificate.refresh_from_db()
    assert (certificate.revoked_reason, certificate.revoked_by) == ("Primera", hr)


def test_reissue_creates_a_new_certificate_that_replaces_the_old(
    client, hr, certificate
):
    """Re-issue (POST) issues a new certificate (new serial, code and PDF, same
    validity) that replaces the old one; the old one is revoked saying so, and HR
    lands on the new one's page."""
    client.force_login(hr)
    url = reverse("certificates:hr_reissue", args=[certificate.pk])
    assert client.get(url).status_code == 200
    assert Certificate.objects.count() == 1  # GET only confirms

    response = client.post(url)
    new = Certificate.objects.exclude(pk=certificate.pk).get()
    assert response.status_code == 302
    assert response["Location"] == reverse("certificates:hr_detail", args=[new.pk])
    assert new.replaces == certificate
    assert new.serial != certificate.serial
    assert new.code != certificate.code
    assert new.pdf_sha256 != certificate.pdf_sha256
    assert new.expires_on == certificate.expires_on
    assert new.status == Certificate.Status.VALID
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.REVOKED
    assert certificate.revoked_by == hr
    assert new.serial in certificate.revoked_reason

    detail = client.get(response["Location"])
    assert [c.pk for c in detail.context["chain"]] == [certificate.pk, new.pk]


def test_reissuing_a_replaced_certificate_is_refused(client, hr, certificate):
    """A certificate already replaced cannot be re-issued again: HR sees why and
    no certificate is created."""
    client.force_login(hr)
    url = reverse("certificates:hr_reissue", args=[certificate.pk])
    client.post(url)
    response = client.post(url, follow=True)
    assert Certificate.objects.count() == 2
    messages = [str(m) for m in response.context["messages"]]
    assert any("ya fue reemitida" in m for m in messages)
