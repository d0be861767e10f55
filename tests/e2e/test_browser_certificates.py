"""Certificates in a real browser: an anonymous visitor verifies the demo
graduate's certificate (by its address, as the QR code leads, and by typing the
printed code), and HR downloads the stored PDF from the HR detail page."""

import hashlib

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from playwright.sync_api import Page, expect

from certificates.models import Certificate
from certificates.snapshot import display_code
from tests.e2e.support import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HOLDER = "María José Núñez Peña"


def test_anonymous_visitor_verifies_and_hr_downloads_the_pdf(
    live_server, page: Page, tmp_path
):
    """A visitor who is not signed in opens the verification address of
    `egresada`'s certificate and sees status "vigente", her name, the standard and
    the PDF's SHA-256; typing the printed code (grouped, upper case) in the form
    leads to the same page. Then `rh` signs in, opens the certificate in the HR
    screens and downloads the PDF: the file is the stored one (same SHA-256)."""
    # The live-server database is flushed between transactional tests: the command
    # recreates everything, including egresada and her certificate.
    call_command("load_initial_data", demo=True, verbosity=0)
    cache.clear()
    certificate = Certificate.objects.get(holder__username="egresada")
    base = live_server.url

    page.goto(f"{base}/verificar/{certificate.code}/")
    status = page.locator("[data-status]")
    expect(status).to_contain_text("vigente")
    expect(page.locator("#holder-name")).to_have_text(HOLDER)
    expect(
        page.get_by_text("Prestación de servicios de atención a clientes")
    ).to_be_visible()
    expect(page.locator("#pdf-sha256")).to_have_text(certificate.pdf_sha256)
    expect(page.locator("#certificate-disclaimer")).to_contain_text("SEP-CONOCER")
    expect(page.get_by_role("link", name="Iniciar sesión")).to_be_visible()

    page.goto(f"{base}/verificar/")
    page.get_by_label("Código de verificación").fill(display_code(certificate.code))
    page.get_by_role("button", name="Verificar").click()
    page.wait_for_url(f"{base}/verificar/{certificate.code}/")
    expect(page.locator("#holder-name")).to_have_text(HOLDER)
    expect(status).to_contain_text("vigente")

    # HR downloads the PDF from the HR detail page.
    sign_in(page, base, "rh", settings.ATIENDE_DEMO_PASSWORD)
    page.goto(f"{base}/certificados/{certificate.pk}/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Descargar PDF").click()
    download = download_info.value
    assert certificate.serial in download.suggested_filename
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    data = saved.read_bytes()
    assert data.startswith(b"%PDF")
    assert hashlib.sha256(data).hexdigest() == certificate.pdf_sha256
