"""The Wagtail admin in a real browser for a Spanish user: the side menu's long
labels wrap instead of being cut short ("Banco de preg…"), and the menu,
dashboard and shortcuts speak Spanish."""

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from playwright.sync_api import Page, expect
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale
from wagtail.models import Page as WagtailPage

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Every top-level item of the expanded menu, ours and Wagtail's, whose label is
# cut with an ellipsis: what the user cannot read.
TRUNCATED_LABELS = """
() => [...document.querySelectorAll('.sidebar-main-menu .menuitem-label')]
  .filter((label) => label.offsetParent !== null)
  .filter((label) => label.scrollWidth > label.clientWidth + 1)
  .map((label) => label.textContent.trim())
"""
LABELS = """
() => [...document.querySelectorAll('.sidebar-main-menu .menuitem-label')]
  .map((label) => label.textContent.trim())
"""


def signed_in(page: Page, base: str, user: User) -> None:
    """The browser carries the session of a person who finished signing in (the
    suite's force_login passes the second factor)."""
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": base,
            }
        ]
    )


@pytest.mark.parametrize("width", [1280, 1024])
def test_side_menu_labels_wrap_and_are_spanish(live_server, page: Page, width):
    # The live-server database is flushed between transactional tests: the page
    # tree needs its root (and the root its locale) again.
    if not WagtailPage.objects.exists():
        language = get_supported_content_language_variant(settings.LANGUAGE_CODE)
        Locale.objects.get_or_create(language_code=language)
        WagtailPage.add_root(instance=WagtailPage(title="Root", slug="root"))
    boss = User.objects.create_superuser("jefa", "jefa@example.com", "x")
    signed_in(page, live_server.url, boss)
    page.set_viewport_size({"width": width, "height": 900})

    page.goto(f"{live_server.url}/admin/")

    menu = page.locator(".sidebar-main-menu")
    expect(menu.get_by_role("button", name="Banco de preguntas")).to_be_visible()
    labels = page.evaluate(LABELS)
    assert "Evaluación de la competencia" in labels
    assert "Estándar de competencia" in labels
    assert page.evaluate(TRUNCATED_LABELS) == []
    # Wagtail's own strings, from Wagtail's catalogue and from the supplement.
    expect(page.get_by_role("heading", name="Resumen del sitio")).to_be_attached()
    expect(page.locator("main")).to_contain_text("imágenes creadas en")
    expect(page.get_by_placeholder("Buscar en todas las páginas…")).to_be_visible()
