"""The final assessment in a real browser: `aprendiz` finds it closed until the
course's lessons are done, then takes it once failing (no answers) and once
passing (every answer right, entered through the page, which saves each one in
the background), and sees the per-element result and the verdict each time. And
the whole final (36 questions) done keyboard-only on a 375 px phone, with the
timer in view to the last question."""

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from playwright.sync_api import Page, expect

from assessments.models import AssessmentPage, Attempt
from courses.models import CoursePage
from courses.services import lesson_complete
from portal.demo import learner_lessons
from tests.assessments.attempt_helpers import right_tokens
from tests.e2e import support
from tests.factories import LearnerFactory, build_assessment

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page: Page, base: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "aprendiz")
    page.fill("#id_password", settings.ATIENDE_DEMO_PASSWORD)
    page.get_by_role("button", name="Iniciar sesión").click()
    page.wait_for_url(f"{base}/")


def complete_the_course(username: str, assessment: AssessmentPage) -> None:
    """Every learner lesson of the final's course done, through the service (the
    seeded final opens only then)."""
    user = User.objects.get(username=username)
    course = CoursePage.objects.parent_of(assessment).first()
    for lesson in learner_lessons(course):
        lesson_complete(user=user, lesson=lesson)


def begin(page: Page, base: str, assessment: AssessmentPage) -> Attempt:
    page.goto(base + assessment.url)
    page.get_by_test_id("begin").click()
    page.wait_for_url(re.compile(r"/evaluaciones/intentos/[0-9a-f-]+/$"))
    expect(page.locator("[data-question]")).to_have_count(36)
    expect(page.locator("[data-countdown] [data-countdown-text]")).to_have_text(
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

    # Closed until every lesson is done: the page lists what is missing.
    page.goto(base + assessment.url)
    expect(page.get_by_test_id("requirement")).to_contain_text("te faltan")
    expect(page.get_by_test_id("missing-lessons").locator("a").first).to_be_visible()
    expect(page.get_by_test_id("begin")).to_have_count(0)
    complete_the_course("aprendiz", assessment)

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
    expect(page.locator("#attempt-navigator [data-answered-count]")).to_have_text("36")
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


# What the focused element is, for the keyboard-only run.
FOCUSED = """() => {
  const el = document.activeElement;
  const section = el.closest("[data-question]");
  return {
    tag: el.tagName.toLowerCase(),
    type: el.type || "",
    name: el.name || "",
    testid: el.dataset.testid || "",
    position: section ? Number(section.dataset.position) : null,
    kind: section ? section.dataset.type : "",
    index: section && el.tagName === "SELECT"
      ? Array.from(section.querySelectorAll("select[data-token]")).indexOf(el)
      : -1,
    outline: getComputedStyle(el).outlineStyle,
  };
}"""


def in_viewport(page: Page, test_id: str) -> bool:
    box = page.get_by_test_id(test_id).bounding_box()
    size = page.viewport_size
    return (
        box is not None
        and box["y"] >= 0
        and box["y"] + box["height"] <= size["height"]
        and box["x"] >= 0
        and box["x"] + box["width"] <= size["width"]
    )


def test_keyboard_only_final_on_a_phone(live_server, browser):
    """375 px wide, keyboard only: every question answered with Tab, Space and
    the arrow keys (a radio group or the first box by Space, a match by the
    down arrow, the n-th step of an ordering by typing n), one flagged, the
    summary reached and the attempt submitted by Enter. The time left and the
    answered count stay pinned on screen to the last question; the navigator
    opens as a drawer; the focused control always shows a focus ring."""
    call_command("load_initial_data", demo=True, verbosity=0)
    base = live_server.url
    assessment = AssessmentPage.objects.get(slug="evaluacion-final-ec0305")
    complete_the_course("aprendiz", assessment)
    context = browser.new_context(
        viewport={"width": 375, "height": 740}, locale="es-MX", has_touch=True
    )
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, base)
    attempt = begin(page, base, assessment)
    expect(page.get_by_test_id("bar-timer")).to_be_visible()
    expect(page.locator("#attempt-navigator")).not_to_be_visible()

    answered: set[int] = set()
    flagged = False
    for _ in range(1500):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused["position"] is not None or focused["testid"]:
            assert focused["outline"] != "none", focused
        if focused["testid"] == "review":
            break
        position = focused["position"]
        if position is None:
            continue
        if focused["name"] == "flagged":
            if not flagged:
                page.keyboard.press("Space")
                flagged = True
            continue
        if focused["tag"] == "select":
            if focused["kind"] == "ordering":
                # Type the n-th step's place (its number): every place once.
                page.keyboard.type(str(focused["index"] + 1))
            else:
                page.keyboard.press("ArrowDown")
            answered.add(position)
        elif focused["type"] in ("radio", "checkbox") and position not in answered:
            page.keyboard.press("Space")
            answered.add(position)
    last = attempt.responses.count()
    assert last >= 30
    assert answered == set(range(1, last + 1))
    bar = page.get_by_test_id("attempt-bar")
    expect(bar.locator("[data-answered-count]")).to_have_text(str(last))

    # At the last question the pinned bar is still on screen.
    page.locator(f"#q-{last}").scroll_into_view_if_needed()
    assert in_viewport(page, "bar-timer")
    expect(page.get_by_test_id("bar-timer")).to_have_text(re.compile(r"\d+:\d\d"))

    # The navigator opens as a drawer from the bar.
    page.get_by_test_id("open-navigator").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#attempt-navigator")).to_be_visible()
    expect(page.locator("#attempt-navigator .question-nav a.flagged")).to_have_count(1)
    # Once open, the drawer holds the focus, and Escape closes it.
    expect(page.locator("#attempt-navigator.show:not(.showing)")).to_be_visible()
    page.wait_for_function(
        "document.getElementById('attempt-navigator').contains(document.activeElement)"
    )
    page.keyboard.press("Escape")
    expect(page.locator("#attempt-navigator")).not_to_be_visible()

    # "Revisar y enviar" by Enter: the summary, then submit by keyboard.
    page.get_by_test_id("review").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/resumen/$"))
    expect(page.get_by_test_id("summary-unanswered")).to_contain_text("Ninguna")
    expect(page.get_by_test_id("summary-flagged").locator("a")).to_have_count(1)
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate(FOCUSED)["testid"] == "submit-attempt":
            break
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/resultado/$"))
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SUBMITTED
    assert attempt.responses.filter(answer__isnull=True).count() == 0
    context.close()


# Every text the polite announcer of the time left is given, in order.
RECORD_ANNOUNCEMENTS = """() => {
  const region = document.querySelector("[data-timer-announce]");
  window.__announced = [];
  new MutationObserver(() => window.__announced.push(region.textContent))
    .observe(region, {childList: true, characterData: true, subtree: true});
}"""


def test_time_left_is_announced_at_five_and_at_one_minute_only(live_server, page):
    """On the browser's (fake) clock through a 10-minute attempt: the polite live
    region says "Quedan 5 minutos." once when five minutes are left and "Queda 1
    minuto." once at one minute, and nothing at any other second; the clock
    itself is not a live region."""
    call_command("load_initial_data", verbosity=0)
    assessment, _, _ = build_assessment(questions=(2,), time_limit_minutes=10)
    learner = LearnerFactory()
    support.sign_in(page, live_server.url, learner.username, "password")
    page.clock.install()
    page.goto(live_server.url + assessment.url)
    page.get_by_test_id("begin").click()
    page.wait_for_url(re.compile(r"/evaluaciones/intentos/[0-9a-f-]+/$"))
    expect(page.locator("[data-countdown]").first).to_have_attribute("aria-live", "off")
    region = page.locator("[data-timer-announce]")
    expect(region).to_have_attribute("aria-live", "polite")
    expect(region).to_have_text("")
    page.evaluate(RECORD_ANNOUNCEMENTS)

    page.clock.run_for("04:00")  # about 6 minutes left
    assert page.evaluate("window.__announced") == []
    page.clock.run_for("01:30")  # about 4:30 left
    assert page.evaluate("window.__announced") == ["Quedan 5 minutos."]
    page.clock.run_for("03:00")  # about 1:30 left
    assert page.evaluate("window.__announced") == ["Quedan 5 minutos."]
    page.clock.run_for("01:00")  # about 0:30 left
    assert page.evaluate("window.__announced") == [
        "Quedan 5 minutos.",
        "Queda 1 minuto.",
    ]
    expect(region).to_have_text("Queda 1 minuto.")
