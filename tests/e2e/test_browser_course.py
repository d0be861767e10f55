"""The course in a real browser: a learner enrols, reads a lesson, answers its
knowledge check and sees the course progress move; a lesson prints cleanly."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from tests.e2e.support import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

COURSE_TITLE = "Prestación de servicios de atención a clientes (EC0305)"
LESSON_TITLE = "Habilitar el área de servicio"
RIGHT_OPTION = "Reportar la falla, usar el medio alterno autorizado"
WRONG_OPTION = "Cerrar la ventanilla hasta que el sistema funcione"


def test_learner_enrols_checks_and_completes_a_lesson(live_server, page: Page):
    """`aprendiz` signs in, opens the course, enrols ("Inscribirme"), opens a lesson,
    answers its knowledge check ("Comprobar" shows the feedback in place, without
    leaving the page), marks the lesson done and sees the course progress bar above
    0 %, its percentage whole on a phone."""
    # The live-server database is flushed between transactional tests: the command
    # recreates the home page, the Site, the roles, the course and the demo users.
    call_command("load_initial_data", demo=True, verbosity=0)

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "aprendiz")
    page.fill("#id_password", "atiende-demo")
    page.get_by_role("button", name="Iniciar sesión").click()
    page.wait_for_url(f"{live_server.url}/")

    page.get_by_role("link", name=COURSE_TITLE).first.click()
    expect(page.get_by_role("heading", level=1, name=COURSE_TITLE)).to_be_visible()
    page.get_by_role("button", name="Inscribirme").click()

    course_progress = page.get_by_role("progressbar", name="Avance del curso")
    expect(course_progress).to_have_attribute("aria-valuenow", "0")
    expect(page.get_by_role("button", name="Inscribirme")).to_have_count(0)
    course_url = page.url

    page.get_by_role("link", name=LESSON_TITLE).click()
    expect(page.get_by_role("heading", level=1, name=LESSON_TITLE)).to_be_visible()
    lesson_url = page.url

    check = page.locator("[data-knowledge-check]").first
    feedback = check.locator(".kc-feedback")
    expect(feedback.locator(".alert")).to_have_count(0)
    check.get_by_label(re.compile(re.escape(RIGHT_OPTION))).check()
    check.get_by_role("button", name="Comprobar").click()
    expect(feedback.locator(".alert-success")).to_contain_text("¡Correcto!")
    assert page.url == lesson_url  # checked in place by the script, no reload

    # A wrong answer gets its own feedback in the same place (options are
    # shuffled on each visit: pick the wrong one by its text).
    check.get_by_label(re.compile(re.escape(WRONG_OPTION))).check()
    check.get_by_role("button", name="Comprobar").click()
    expect(feedback.locator(".alert-warning")).to_contain_text("No es correcto.")

    page.get_by_test_id("mark-done").click()
    page.wait_for_url(lambda url: url != lesson_url)  # on to the next lesson

    page.goto(course_url)
    expect(course_progress).not_to_have_attribute("aria-valuenow", "0")
    percent = int(course_progress.get_attribute("aria-valuenow"))
    assert 0 < percent < 100
    expect(course_progress).to_contain_text(f"{percent} %")

    # On a phone the percentage sits beside its bar, whole: not clipped to "3".
    page.set_viewport_size({"width": 375, "height": 740})
    value = course_progress.locator(".meter-value")
    expect(value).to_have_text(f"{percent} %")
    assert value.evaluate("el => el.scrollWidth <= el.clientWidth")
    assert value.evaluate("el => el.getBoundingClientRect().right") <= 375
    expect(page.get_by_text("1 de ")).not_to_have_count(0)


def test_a_lesson_prints_without_the_site_around_it(live_server, page: Page):
    """Printed (print media), a lesson keeps its title and text, in a reading
    type, with the address after each link, and drops the header, the footer,
    the breadcrumb, the buttons and the side panel."""
    call_command("load_initial_data", demo=True, verbosity=0)
    sign_in(page, live_server.url, "aprendiz", "atiende-demo")
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name=COURSE_TITLE).first.click()
    page.get_by_role("link", name=LESSON_TITLE).click()
    page.emulate_media(media="print")

    expect(page.get_by_role("heading", level=1, name=LESSON_TITLE)).to_be_visible()
    expect(page.locator(".lesson-body")).to_be_visible()
    for hidden in ("header.site-header", "footer.site-footer", ".breadcrumb"):
        expect(page.locator(hidden)).to_be_hidden()
    expect(page.get_by_test_id("mark-done")).to_be_hidden()
    expect(page.locator(".lesson-aside")).to_be_hidden()
    family = page.locator(".lesson-body p").first.evaluate(
        "el => getComputedStyle(el).fontFamily"
    )
    assert "Georgia" in family
    link = page.locator('main a[href^="/"]').first
    after = link.evaluate("el => getComputedStyle(el, '::after').content")
    assert link.get_attribute("href") in after
