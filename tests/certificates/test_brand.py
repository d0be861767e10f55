"""The organisation's name and logo (the issuer settings HR edits) in the site
header: read once, then from the cache at no query per page; saving the settings
shows the change on the next page."""

import re

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site

from certificates import brand
from certificates.models import CertificateSettings
from tests.factories import ImageFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("initial_data")]

PAGE = "/verificar/"  # any page on base.html, open to everyone


@pytest.fixture(autouse=True)
def _cold_brand():
    """Start from an empty brand cache (tests/conftest.py fills it)."""
    brand.forget()


def issuer() -> CertificateSettings:
    return CertificateSettings.for_site(Site.objects.get(is_default_site=True))


def header(client) -> str:
    html = client.get(PAGE).content.decode()
    return re.search(r'<a class="navbar-brand site-brand".*?</a>', html).group(0)


def test_the_header_shows_the_organisation_name_and_logo(client):
    """The header reads "Atiende" by default; with HR's name and logo it shows
    both, the product's name beside them."""
    assert '<span class="site-brand-name">Atiende</span>' in header(client)
    settings = issuer()
    settings.organisation_name = "Grupo Ejemplo"
    settings.logo = ImageFactory()
    settings.save()
    shown = header(client)
    assert '<span class="site-brand-name">Grupo Ejemplo</span>' in shown
    assert '<span class="site-brand-product">Atiende</span>' in shown
    logo = settings.logo.get_rendition(brand.LOGO_FILTER).url
    assert f'src="{logo}"' in shown


def test_after_the_first_page_the_brand_costs_no_query(client):
    """The first page reads the settings; later pages (and the brand itself)
    run no query for them."""
    settings = issuer()
    settings.logo = ImageFactory()
    settings.save()
    with CaptureQueriesContext(connection) as captured:
        client.get(PAGE)
    sql = " ".join(q["sql"] for q in captured.captured_queries)
    assert "certificates_certificatesettings" in sql  # the first read
    with CaptureQueriesContext(connection) as captured:
        assert client.get(PAGE).status_code == 200
    sql = " ".join(q["sql"] for q in captured.captured_queries)
    assert "certificates_certificatesettings" not in sql
    assert "wagtailimages" not in sql
    request = RequestFactory().get(PAGE)
    with CaptureQueriesContext(connection) as captured:
        assert brand.site_brand(request).name == "Atiende"
    assert captured.captured_queries == []


def test_saving_the_settings_shows_the_change_on_the_next_page(client):
    """The cached brand is dropped when HR saves the settings, and when the logo
    image is deleted."""
    assert "Atiende" in header(client)
    settings = issuer()
    settings.organisation_name = "Servicios del Norte"
    settings.logo = ImageFactory()
    settings.save()
    assert "Servicios del Norte" in header(client)
    assert "site-brand-logo" in header(client)
    settings.logo.delete()
    assert "site-brand-logo" not in header(client)
