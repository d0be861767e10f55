"""The foundation in a real browser: sign in through the form, land on the Spanish
home page, switch the site to English with the language switcher."""

import pytest
from django.core.management import call_command
from django.utils import translation
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CATALOGUE_ES = "Catálogo de cursos"
# The translator's choice of spelling; either is English.
CATALOGUE_EN = "Course catalog"
LEARNER_NAME = "Ana Aprendiz Gómez"


def english_of(text: str) -> str:
    with translation.override("en"):
        return translation.gettext(text)


def test_learner_signs_in_and_switches_to_english(live_server, page: Page):
    """`aprendiz` signs in with the demo password through the login form, sees the
    home page in Spanish (lang es-mx, "Catálogo de cursos"), and after choosing
    English in the language switcher gets the page with lang="en" in English."""
    # The live-server database is flushed between transactional tests: the command
    # recreates the home page, the Site, the roles and the demo accounts.
    call_command("load_initial_data", demo=True, verbosity=0)

    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "es-mx")
    page.fill("#id_username", "aprendiz")
    page.fill("#id_password", "atiende-demo")
    page.get_by_role("button", name="Iniciar sesión").click()

    page.wait_for_url(f"{live_server.url}/")
    expect(page.locator("html")).to_have_attribute("lang", "es-mx")
    expect(page.get_by_role("heading", name=CATALOGUE_ES)).to_be_visible()
    expect(page.get_by_role("link", name="Mi avance")).to_be_visible()
    expect(page.get_by_role("link", name="Iniciar sesión")).to_have_count(0)
    expect(page.get_by_role("button", name=LEARNER_NAME)).to_be_visible()

    page.select_option("#language-select", "en")
    page.locator(".language-switcher button[type=submit]").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    # Back on the same page, still signed in, with English selected.
    assert page.url == f"{live_server.url}/"
    expect(page.get_by_role("button", name=LEARNER_NAME)).to_be_visible()
    expect(page.locator("#language-select")).to_have_value("en")
    english = english_of(CATALOGUE_ES)
    assert english == CATALOGUE_EN  # site/locale/en translates it
    expect(page.get_by_role("heading", name=english)).to_be_visible()
    expect(page.get_by_text(CATALOGUE_ES)).to_have_count(0)
