"""One public address for links that leave the site: accounts.public_url, used by
the certificates (QR code, printed URL, snapshot) and the reminder e-mails."""

import pytest
from django.test import override_settings

from accounts.public_url import public_base_url
from tests.certificates.support import pass_final, qr_texts, stored_bytes
from tests.factories import LearnerFactory


def test_public_base_url_prefers_the_public_setting(settings):
    settings.ATIENDE_PUBLIC_BASE_URL = "https://verifica.example.org/"
    settings.WAGTAILADMIN_BASE_URL = "https://admin.example.org"
    assert public_base_url() == "https://verifica.example.org"


def test_public_base_url_falls_back_to_the_admin_address(settings):
    settings.ATIENDE_PUBLIC_BASE_URL = ""
    settings.WAGTAILADMIN_BASE_URL = "https://admin.example.org/"
    assert public_base_url() == "https://admin.example.org"


@pytest.mark.django_db
@override_settings(ATIENDE_PUBLIC_BASE_URL="http://127.0.0.1:8123")
def test_a_certificate_carries_the_public_address_it_was_issued_under(
    initial_data,
):
    """`make run PORT=8123` sets ATIENDE_PUBLIC_BASE_URL=http://127.0.0.1:8123: the
    certificate issued then keeps that address in its snapshot and its QR code."""
    certificate = pass_final(LearnerFactory())
    url = f"http://127.0.0.1:8123/verificar/{certificate.code}/"
    assert certificate.snapshot["verification_url"] == url
    assert qr_texts(stored_bytes(certificate)) == [url]
