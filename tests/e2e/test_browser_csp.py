"""The Content-Security-Policy in a real browser: the main learner, HR, trainer
and evaluator pages run, with their scripts, without one violation. Chromium
reports each blocked script, style or image on the console ("Refused to …
because it violates the following Content Security Policy directive") and
fires ``securitypolicyviolation`` on the document; either fails the test."""

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from playwright.sync_api import Page

from assessments.models import AssessmentPage
from certificates.models import Certificate
from courses.models import LessonPage
from portal.demo import FINAL_ASSESSMENT_SLUG
from tests.e2e import support
from tests.factories import meet_completion_rule

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Collects the violations the document reports, whatever the console says.
LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile || document.location.pathname}:${event.lineNumber}`
  );
});
"""


class Violations:
    def __init__(self, page: Page):
        self.page = page
        self.console: list[str] = []
        page.add_init_script(LISTEN)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.console.append(f"error: {error}"))

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text:
            self.console.append(f"{self.page.url}: {message.text}")

    def check(self, where: str) -> None:
        reported = self.page.evaluate("window.__cspViolations || []")
        assert not reported and not self.console, (where, reported, self.console)


def sign_in(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    support.sign_in(page, base, username, settings.ATIENDE_DEMO_PASSWORD)


def visit(page: Page, violations: Violations, url: str) -> None:
    response = page.goto(url)
    assert response.ok, (url, response.status)
    assert response.headers.get("content-security-policy"), url
    page.wait_for_load_state("networkidle")
    violations.check(url)


def test_main_pages_run_without_csp_violations(live_server, page: Page):
    call_command("load_initial_data", demo=True, verbosity=0)
    base = live_server.url
    violations = Violations(page)
    lesson = LessonPage.objects.live().order_by("path").first()
    final = AssessmentPage.objects.get(slug=FINAL_ASSESSMENT_SLUG)
    certificate = Certificate.objects.order_by("pk").first()
    # The final opens once every lesson is done (its completion rule).
    meet_completion_rule(User.objects.get(username="aprendiz"), final)

    # Anonymous: home, standard, verification (form and result).
    for path in (
        "/",
        "/estandar/EC0305/",
        "/verificar/",
        certificate.get_absolute_url(),
    ):
        visit(page, violations, base + path)

    # Learner: the course, a lesson (its knowledge check), progress, search and
    # an attempt whose answers save in the background (a fetch).
    sign_in(page, base, "aprendiz")
    for path in (
        "/",
        lesson.url,
        "/mi-avance/",
        "/buscar/?q=cliente",
        "/accounts/sesiones/",
        "/accounts/segundo-factor/",
        final.url,
    ):
        visit(page, violations, base + path)
    support.begin_and_save_one_answer(page)
    violations.check("the attempt page")
    page.get_by_test_id("submit-attempt").click()
    page.wait_for_url(re.compile(r"/resultado/$"))
    violations.check("the result page")

    # HR: certificates, a detail, the dashboards (charts as images), DC-3.
    sign_in(page, base, "rh")
    for path in (
        "/certificados/",
        f"/certificados/{certificate.pk}/",
        "/certificados/por-vencer/",
        "/tablero/",
        "/tablero/mapas/",
        "/tablero/grupos/",
        "/tablero/dc3/",
        "/evaluacion/evaluaciones/",
    ):
        visit(page, violations, base + path)

    # A trainer sees Wagtail's user bar on the site's pages; an evaluator her
    # evaluations.
    sign_in(page, base, "instructor")
    visit(page, violations, base + lesson.url)
    sign_in(page, base, "evaluadora")
    visit(page, violations, base + "/evaluacion/mis-evaluaciones/")
