"""The Wagtail admin speaks the language chosen on the site (Spanish unless the
person switched to English), unless they picked one in their Wagtail account
preferences; Wagtail's English leftovers are translated by the project's
supplement catalogue (site/wagtail_locale); the side menu's labels wrap."""

import gettext
import json
import re

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.staticfiles import finders
from django.core.management import call_command
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text
from wagtail.users.models import UserProfile

from accounts import wagtail_catalogue
from accounts.wagtail_hooks import ADMIN_MENU_CSS
from tests.factories import home_page

pytestmark = pytest.mark.django_db

SEARCH_ES = 'placeholder="Buscar en todas las páginas…"'
SEARCH_EN = 'placeholder="Search all pages…"'


@pytest.fixture
def boss(client):
    user = User.objects.create_superuser("jefa", "jefa@example.com", "x")
    client.force_login(user)
    return user


def choose_on_site(client, language):
    """What the site's language switcher does."""
    response = client.post("/i18n/setlang/", {"language": language, "next": "/"})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == language


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_a_new_spanish_user_gets_the_dashboard_in_spanish(client, boss):
    response = client.get("/admin/")

    html = text_of(response)
    assert response.status_code == 200
    assert '<html lang="es-mx"' in html
    assert "Resumen del sitio" in html  # Wagtail's own catalogue
    # The supplement: the counts, with their plural forms, and the search box.
    assert re.search(r"\d+ páginas? <span class=\"w-sr-only\">creadas? en", html)
    assert '0 imágenes <span class="w-sr-only">creadas en Atiende</span>' in html
    assert '0 documentos <span class="w-sr-only">creados en Atiende</span>' in html
    assert SEARCH_ES in html
    assert "Atajos de teclado" in html
    for english in ("Pages <span", "Images <span", "Documents <span", SEARCH_EN):
        assert english not in html


def test_the_page_explorer_is_in_spanish(client, boss):
    home = home_page()
    response = client.get(f"/admin/pages/{home.get_parent().pk}/")

    html = text_of(response)
    assert response.status_code == 200
    for spanish in ("Fecha de actualización", "Tiene páginas hijas", "Editado por"):
        assert spanish in html
    for english in ("Date updated", "Has child pages", "Edited by", "Page type"):
        assert english not in html


def test_a_save_with_validation_errors_says_so_in_spanish(client, boss):
    home = home_page()
    data = nested_form_data(
        {
            "title": "",
            "slug": home.slug,
            "intro": rich_text(""),
            "comments": inline_formset([]),
        }
    )

    response = client.post(f"/admin/pages/{home.pk}/edit/", data)

    html = text_of(response)
    assert response.status_code == 200
    assert "No se pudo guardar la página porque hay errores de validación." in html
    assert "could not be saved" not in html
    home.refresh_from_db()
    assert home.title  # nothing was saved


def test_the_admin_scripts_get_spanish_too(client, boss):
    response = client.get("/admin/jsi18n/")

    found = re.search(r"const newcatalog = (\{.*?\});", response.content.decode(), re.S)
    catalog = json.loads(found.group(1))
    assert catalog["A network error occurred."] == "Ocurrió un error de red."
    assert catalog["%(num)s error"][1] == "%(num)s errores"
    assert catalog["Pages"] == "Páginas"  # Wagtail's own catalogue still there


def test_english_chosen_on_the_site_gives_an_english_admin(client, boss):
    choose_on_site(client, "en")

    html = text_of(client.get("/admin/"))

    assert '<html lang="en"' in html
    assert "Site summary" in html
    assert SEARCH_EN in html
    assert "Resumen del sitio" not in html and SEARCH_ES not in html


def test_spanish_chosen_again_gives_spanish_back(client, boss):
    choose_on_site(client, "en")
    choose_on_site(client, "es-mx")

    assert SEARCH_ES in text_of(client.get("/admin/"))


@pytest.mark.parametrize(
    ("preference", "site", "expected", "other"),
    [("en", "es-mx", SEARCH_EN, SEARCH_ES), ("es-mx", "en", SEARCH_ES, SEARCH_EN)],
)
def test_the_account_preference_wins_over_the_site_choice(
    client, boss, preference, site, expected, other
):
    profile = UserProfile.get_for_user(boss)
    profile.preferred_language = preference
    profile.save()
    choose_on_site(client, site)

    html = text_of(client.get("/admin/"))

    assert expected in html and other not in html


def test_the_account_preferences_offer_the_sites_languages(client, boss):
    html = text_of(client.get("/admin/account/"))

    assert '<option value="es-mx"' in html and '<option value="en"' in html
    assert '<option value="es"' not in html
    # The empty choice follows the site, and says so.
    assert "Seguir el idioma elegido en el sitio" in html


def test_the_menu_css_is_in_every_admin_page(client, boss):
    html = client.get("/admin/").content.decode()

    assert f'<link rel="stylesheet" href="/static/{ADMIN_MENU_CSS}">' in html
    css = open(finders.find(ADMIN_MENU_CSS), encoding="utf-8").read()
    assert re.search(r"\.menuitem-label \{[^}]*white-space: normal", css)


# ---------------------------------------------------------------- the catalogue


def test_the_supplement_fills_every_gap_of_wagtails_spanish():
    """Every Wagtail message its own es catalogue leaves untranslated has Spanish
    in the supplement, and the supplement holds nothing else. After a Wagtail
    upgrade this fails until `manage.py wagtail_es_gaps --po` is translated."""
    for domain in wagtail_catalogue.DOMAINS:
        report = wagtail_catalogue.report(domain)
        assert report.wagtail_gaps, domain  # Wagtail's es does leave gaps
        assert report.remaining == [], domain
        assert report.stale == [] and report.redundant == [], domain


def test_the_committed_mo_files_are_compiled_from_the_po_files():
    for domain in wagtail_catalogue.DOMAINS:
        po = wagtail_catalogue.supplement_path(domain)
        with open(po.with_suffix(".mo"), "rb") as compiled:
            catalog = gettext.GNUTranslations(compiled)._catalog
        expected = {}
        for message in wagtail_catalogue.read_po(po).values():
            if message.plural is None:
                expected[message.key] = message.translations[0]
            else:
                for index, form in enumerate(message.translations):
                    expected[(message.key, index)] = form
        compiled_messages = {k: v for k, v in catalog.items() if k != ""}
        assert compiled_messages == expected, domain


def test_the_gaps_command_reports_before_and_after(capsys):
    call_command("wagtail_es_gaps", "--strict")

    out = capsys.readouterr().out
    assert re.search(r"django: \d+ Wagtail messages, [1-9]\d* without Spanish", out)
    assert "0 still without Spanish after django.po" in out
    assert "0 still without Spanish after djangojs.po" in out
