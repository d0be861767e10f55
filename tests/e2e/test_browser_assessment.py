"""The final assessment in a real browser: `aprendiz` takes it once failing (no
answers) and once passing (every answer right, entered through the page, which
saves each one in the background), and sees the per-element result and the
verdict each time."""

import re

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import Page, expect

from assessments.models import AssessmentPage, Attempt
from tests.assessments.attempt_helpers import right_tokens

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page: Page, base: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "aprendiz")
    page.fill("#id_password", settings.ATIENDE_DEMO_PASSWORD)
    page.get_by_role("button", name="Iniciar sesión").click()
    page.wait_for_url(f"{base}/")


def begin(page: Page, base: str, assessment: AssessmentPage) -> Attempt:
    page.goto(base + assessment.url)
    page.get_by_test_id("begin").click()
    page.wait_for_url(re.compile(r"/evaluaciones/intentos/[0-9a-f-]+/$"))
    expect(page.locator("[data-question]")).to_have_count(36)
    expect(page.locator("[data-countdown-text]")).to_have_text(
        re.compile(r"^5[45]:\d\d$")
    )
    return Attempt.objects.get(
        learner__username="aprendiz",
        assessment=assessment,
        status=Attempt.Status.OPEN,
    )


def submit(page: Page) -> None:
    page.get_by_test_id("submit-attempt").click()
    page.wait_for_url(re.compile(r"/resultado/$"))
    expect(page.locator("[data-testid=element-results] [data-element]")).to_have_count(
        3
    )


def answer_right(page: Page, attempt: Attempt) -> None:
    """Enter the right answer of every question through the page's controls."""
    for response in attempt.responses.select_related("version").order_by("position"):
        position = response.position
        kind = response.version.payload["type"]
        tokens = right_tokens(response)
        if kind in ("matching", "ordering"):
            for token, value in tokens.items():
                page.select_option(f"select[name='q-{position}-{token}']", str(value))
        else:
            for token in tokens if isinstance(tokens, list) else [tokens]:
                page.check(f"input[name='q-{position}'][value='{token}']")
        expect(page.locator(f"#q-{position} [data-save-state]")).to_contain_text(
            "Guardado"
        )


def test_learner_fails_then_passes_the_final_assessment(live_server, page: Page):
    # The live-server database is flushed between transactional tests: the command
    # recreates the home page, the Site, the course and the demo accounts.
    call_command("load_initial_data", demo=True, verbosity=0)
    base = live_server.url
    assessment = AssessmentPage.objects.get(slug="evaluacion-final-ec0305")
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, base)

    # First attempt: nothing answered.
    first = begin(page, base, assessment)
    submit(page)
    expect(page.get_by_test_id("verdict")).to_contain_text("Todavía no competente")
    for code in ("E1", "E2", "E3"):
        expect(page.locator(f"[data-element={code}]")).to_contain_text(
            "0 % (umbral 80 %)"
        )
    expect(page.get_by_test_id("criteria-to-work")).to_be_visible()
    first.refresh_from_db()
    assert first.competent is False

    # Second attempt: every answer right, saved in the background as chosen.
    second = begin(page, base, assessment)
    assert second.number == 2
    answer_right(page, second)
    expect(page.locator("[data-answered-count]")).to_have_text("36")
    submit(page)
    # Knowledge is accredited; the certificate waits for the evaluator.
    expect(page.get_by_test_id("verdict")).to_contain_text(
        "Conocimientos acreditados — pendiente la evaluación de desempeño"
    )
    expect(page.get_by_test_id("verdict")).not_to_contain_text("Todavía")
    for code in ("E1", "E2", "E3"):
        expect(page.locator(f"[data-element={code}]")).to_contain_text(
            "100 % (umbral 80 %)"
        )
    second.refresh_from_db()
    assert second.competent is True

    # Both attempts are on /mi-avance/.
    page.goto(f"{base}/mi-avance/")
    history = page.get_by_test_id("my-assessments")
    expect(history.locator("tbody tr")).to_have_count(2)
    expect(history).to_contain_text("Competente")
    expect(history).to_contain_text("Todavía no competente")
