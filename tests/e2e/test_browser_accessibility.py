"""Every page a visitor, a learner, HR, a trainer, an evaluator and a
multiplicador can reach, audited with axe-core (WCAG 2.0, 2.1 and 2.2, levels A
and AA; tests/e2e/axe.py) on a laptop (1280 px) and on a phone (375 px): not one
violation. The pages come from the URLconfs (config/urls.py and each app's
urls.py) and the demo data: the course tree, an attempt from start to result,
the certificates, the evaluations, the rollout, DC-3, the account pages and the
error pages. The Wagtail admin (/admin/) is Wagtail's and out of scope.

One live server and one load of the demo data per width; one browser context per
role, signed in once."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import caches
from django.core.management import call_command
from django.test import RequestFactory
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from playwright.sync_api import Browser, BrowserContext, Page, expect

from accounts import notifications
from accounts.views import bad_request, server_error
from assessments.models import AssessmentPage, Attempt
from certificates.models import Certificate
from compliance.models import Dc3
from courses.models import CoursePage, LessonPage, ModulePage
from evaluation.models import EvaluationPlan, Judgement, Observation
from portal.demo import FINAL_ASSESSMENT_SLUG
from rollout.models import Cohort, Session
from tests.e2e import support
from tests.e2e.axe import Violation, audit, report
from tests.factories import meet_completion_rule

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

User = get_user_model()

WIDTHS = {
    "1280px": {"width": 1280, "height": 800},
    "375px": {"width": 375, "height": 740},
}
ROSTER = Path(django_settings.BASE_DIR) / "rollout" / "content" / "roster-ejemplo.csv"


class Auditor:
    """Visits pages as one role after another and keeps what axe found."""

    def __init__(self, base: str, width: str):
        self.base = base
        self.width = width
        self.role = ""
        self.pages: Counter[str] = Counter()
        self.found: list[tuple[str, str, list[Violation]]] = []
        self.wrong_status: list[str] = []
        self.keyboard: list[str] = []

    def here(self, page: Page, label: str | None = None) -> None:
        """Audit the page as it stands."""
        page.wait_for_load_state("load")
        where = label or page.url.removeprefix(self.base)
        self.pages[self.role] += 1
        violations = audit(page)
        if violations:
            self.found.append((self.role, where, violations))

    def visit(self, page: Page, path: str, *, status: int = 200) -> None:
        """Open ``path`` (answering ``status``, after redirects) and audit it."""
        response = page.goto(self.base + path)
        if response is None or response.status != status:
            self.wrong_status.append(
                f"{self.role} {path}: {response and response.status} at {page.url}"
            )
            return
        self.here(page, path)

    def failure_report(self) -> str:
        blocks = []
        for role, where, violations in self.found:
            blocks.append(f"--- {role} {where} @ {self.width}\n{report(violations)}")
        return "\n".join(blocks)


def _context(browser: Browser, width: str) -> BrowserContext:
    # Without motion, Bootstrap opens menus at once: an audit never sees one
    # half-way through its transition (a target covered for a moment).
    return browser.new_context(
        viewport=WIDTHS[width], locale="es-MX", reduced_motion="reduce"
    )


# A collapse that finished opening: "show", and no longer "collapsing".
OPENED = re.compile(r"^(?!.*\bcollapsing\b).*\bshow\b")


def _menus(page: Page, a: Auditor) -> None:
    """The home page with the navigation open: the collapsed menu on a phone,
    then the account menu of a signed-in person (axe skips what is hidden)."""
    page.goto(a.base + "/")
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
        expect(page.locator("#main-nav")).to_have_class(OPENED)
        a.here(page, "/ (menu open)")
    account = page.locator("#main-nav .dropdown-toggle")
    if account.count():
        account.click()
        expect(page.locator("#main-nav .dropdown-menu")).to_be_visible()
        a.here(page, "/ (account menu open)")


# The focused element and whether its focus shows: an outline of at least 2 px.
FOCUSED = """() => {
  let el = document.activeElement;
  while (el && el.shadowRoot && el.shadowRoot.activeElement) {
    el = el.shadowRoot.activeElement;  // Wagtail's user bar
  }
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const label = el.tagName.toLowerCase()
    + (el.id ? "#" + el.id : "")
    + (el.name ? `[name=${el.name}]` : "")
    + " " + (el.textContent || el.value || "").trim().slice(0, 40);
  return {
    label,
    visible: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
  };
}"""


def _keyboard(page: Page, a: Auditor) -> None:
    """On the home page: the landmarks are there (banner, navigation, main,
    contentinfo); the first Tab reaches the skip link, shown on screen, and Enter
    on it moves the focus to the main content; every element Tab reaches after
    that shows a focus ring."""
    page.goto(a.base + "/")
    for role in ("banner", "navigation", "main", "contentinfo"):
        if not page.get_by_role(role).count():
            a.keyboard.append(f"{a.role} @ {a.width}: no {role} landmark")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    box = skip.bounding_box()
    focused = skip.evaluate("(el) => el === document.activeElement")
    if not focused or not box or box["width"] < 20 or box["height"] < 20:
        a.keyboard.append(f"{a.role} @ {a.width}: the skip link is not shown first")
    page.keyboard.press("Enter")
    if page.evaluate("document.activeElement.id") != "main":
        a.keyboard.append(f"{a.role} @ {a.width}: the skip link does not reach main")
    page.goto(a.base + "/")
    seen = set()
    for _ in range(150):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None or focused["label"] in seen:
            break
        seen.add(focused["label"])
        if not focused["visible"]:
            a.keyboard.append(
                f"{a.role} @ {a.width}: no visible focus on {focused['label']}"
            )


def _sign_in(page: Page, auditor: Auditor, username: str) -> None:
    """Sign in through the forms; the code step of the second factor (staff) is
    audited on the way."""
    support.sign_in(
        page,
        auditor.base,
        username,
        django_settings.ATIENDE_DEMO_PASSWORD,
        at_code_step=lambda p: auditor.here(p, "/accounts/verificacion/"),
    )


# ---------------------------------------------------------------- the visitor


def _anonymous(page: Page, a: Auditor, settings) -> None:
    course = CoursePage.objects.live().first()
    module = ModulePage.objects.live().descendant_of(course).first()
    certificate = Certificate.objects.filter(holder__username="egresada").first()
    dc3 = Dc3.objects.order_by("pk").first()
    learner = User.objects.get(username="aprendiz")
    kind = next(k for k in notifications.kinds_for(learner) if not k.mandatory)
    for path in (
        "/",
        course.url,
        module.url,
        "/estandar/EC0305/",
        "/verificar/",
        certificate.get_absolute_url(),
        dc3.get_absolute_url(),
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/signup/enviado/",
        "/accounts/password/reset/",
        "/accounts/password/reset/enviado/",
        "/accounts/activar/MQ/enlace-vencido/",
        f"/cuenta/avisos/baja/{notifications.unsubscribe_token(learner, kind)}/",
    ):
        a.visit(page, path)
    # An unknown code; a tampered unsubscribe link.
    a.visit(page, "/verificar/CODIGO-QUE-NO-EXISTE/", status=404)
    a.visit(page, "/cuenta/avisos/baja/ficha-alterada/", status=400)
    # A lesson asks the visitor to sign in: the sign-in page with ?next=.
    lesson = LessonPage.objects.live().descendant_of(course).first()
    a.visit(page, lesson.url)
    # A sign-in that fails shows the form with its error.
    page.goto(a.base + "/accounts/login/")
    page.fill("#id_username", "aprendiz")
    page.fill("#id_password", "no-es-la-contraseña")
    page.get_by_role("button", name="Iniciar sesión").click()
    a.here(page, "/accounts/login/ (error)")
    # The empty sign-up form sent: its errors.
    page.goto(a.base + "/accounts/signup/")
    page.locator("main form").evaluate("(form) => { form.noValidate = true; }")
    page.locator("main form [type=submit]").click()
    a.here(page, "/accounts/signup/ (errors)")
    # A valid set-password link (invitation, sign-up, reset).
    newcomer = User.objects.create_user("recien-llegada", "recien@atiende.local")
    uid = urlsafe_base64_encode(force_bytes(newcomer.pk))
    token = default_token_generator.make_token(newcomer)
    a.visit(page, f"/accounts/activar/{uid}/{token}/")
    # Error pages: 404, 400 (refused input), 429 (rate limit), 500.
    a.visit(page, "/pagina-que-no-existe/", status=404)
    _error_page(page, a, 400, bad_request)
    _error_page(page, a, 500, server_error)
    limit = settings.ATIENDE_VERIFICATION_RATE_LIMIT
    settings.ATIENDE_VERIFICATION_RATE_LIMIT = "1/m"
    page.goto(a.base + "/verificar/UNO/")
    a.visit(page, "/verificar/DOS/", status=429)
    settings.ATIENDE_VERIFICATION_RATE_LIMIT = limit
    caches["ratelimit"].clear()


def _error_page(page: Page, a: Auditor, status: int, handler: Callable) -> None:
    """The page the handler renders, served at a made-up address (a real 500
    cannot be provoked from the browser)."""
    request = RequestFactory().get("/")
    html = handler(request).content.decode()
    path = f"/__error-{status}__/"
    page.route(
        a.base + path,
        lambda route: route.fulfill(status=status, body=html, content_type="text/html"),
    )
    a.visit(page, path, status=status)


# ---------------------------------------------------------------- learners


def _learner(page: Page, a: Auditor, settings) -> None:
    course = CoursePage.objects.live().first()
    modules = ModulePage.objects.live().descendant_of(course)
    lesson = LessonPage.objects.live().descendant_of(course).first()
    final = AssessmentPage.objects.get(slug=FINAL_ASSESSMENT_SLUG)
    learner = User.objects.get(username="aprendiz")
    plan = EvaluationPlan.objects.filter(candidate=learner).first()
    for path in (
        "/",
        course.url,
        *(module.url for module in modules[:1]),
        lesson.url,
        "/buscar/",
        "/buscar/?q=cliente",
        "/buscar/?q=zzzxxyy",
        "/estandar/EC0305/",
        "/mi-avance/",
        "/cuenta/avisos/",
        "/accounts/sesiones/",
        "/accounts/password/",
        "/accounts/password/done/",
        "/accounts/segundo-factor/",
        "/accounts/segundo-factor/activar/",
        "/verificar/",
        f"/evaluacion/planes/{plan.uuid}/",
        final.url,  # closed: the lessons still missing
        *(a.url for a in AssessmentPage.objects.live().exclude(pk=final.pk)),
    ):
        a.visit(page, path)
    # A knowledge check answered on the lesson.
    page.goto(a.base + lesson.url)
    check = page.locator("[data-knowledge-check] form, form.knowledge-check").first
    if check.count():
        check.locator("input[type=radio]").first.check()
        check.locator("button[type=submit]").click()
        page.wait_for_load_state("networkidle")
        a.here(page, lesson.url + " (knowledge check answered)")
    # The final, from its start page to the result.
    meet_completion_rule(learner, final)
    a.visit(page, final.url)
    support.begin_and_save_one_answer(page)
    a.here(page, "attempt")
    opener = page.get_by_test_id("open-navigator")
    if opener.is_visible():  # on a phone the navigator is a drawer
        opener.click()
        expect(page.locator("#attempt-navigator.show:not(.showing)")).to_be_visible()
        a.here(page, "attempt (navigator open)")
        page.keyboard.press("Escape")
        expect(page.locator("#attempt-navigator")).not_to_be_visible()
    attempt = Attempt.objects.filter(learner=learner, assessment=final).latest("pk")
    a.visit(page, f"/evaluaciones/intentos/{attempt.uuid}/resumen/")
    page.get_by_test_id("submit-attempt").click()
    page.wait_for_url(re.compile(r"/resultado/$"))
    a.here(page, "attempt result (todavía no competente)")
    a.visit(page, "/mi-avance/")
    a.visit(page, "/pagina-que-no-existe/", status=404)
    a.visit(page, "/certificados/", status=403)


def _graduate(page: Page, a: Auditor, settings) -> None:
    """A learner who passed: her result, judgement and certificate."""
    graduate = User.objects.get(username="egresada")
    attempt = (
        Attempt.objects.filter(learner=graduate, competent=True).order_by("pk").last()
    )
    judgement = Judgement.objects.filter(candidate=graduate).first()
    for path in (
        "/mi-avance/",
        f"/evaluaciones/intentos/{attempt.uuid}/resultado/",
        f"/evaluacion/juicios/{judgement.pk}/",
    ):
        a.visit(page, path)


# ---------------------------------------------------------------- HR


def _hr(page: Page, a: Auditor, settings) -> None:
    certificate = Certificate.objects.order_by("pk").first()
    cohort = Cohort.objects.order_by("pk").first()
    plan = EvaluationPlan.objects.order_by("pk").first()
    judgement = Judgement.objects.order_by("pk").first()
    multiplicador = User.objects.get(username="multiplicador")
    paths = [
        "/",
        "/certificados/",
        "/certificados/?q=Núñez",
        f"/certificados/{certificate.pk}/",
        f"/certificados/{certificate.pk}/revocar/",
        f"/certificados/{certificate.pk}/reemitir/",
        "/certificados/por-vencer/",
        "/tablero/",
        "/tablero/mapas/",
        "/tablero/instructores/",
        "/tablero/metas/",
        "/tablero/personal/importar/",
        "/tablero/personal/invitaciones/",
        "/tablero/grupos/",
        "/tablero/grupos/nuevo/",
        "/tablero/multiplicadores/",
        f"/tablero/multiplicadores/{multiplicador.pk}/",
        "/tablero/cascada/",
        "/tablero/dc3/",
        "/tablero/dc3/pendientes/",
        "/evaluacion/evaluaciones/",
        f"/evaluacion/planes/{plan.uuid}/",
        f"/evaluacion/juicios/{judgement.pk}/",
        "/cuenta/avisos/",
    ]
    if cohort:
        paths.append(f"/tablero/grupos/{cohort.pk}/")
    for path in paths:
        a.visit(page, path)
    # A bulk download of the certificates' PDFs built in the background (above
    # the size streamed at once): its status page.
    settings.ATIENDE_BULK_ZIP_SYNC_LIMIT = 0
    page.goto(a.base + "/certificados/")
    page.get_by_role("button", name="Descargar los PDF (ZIP)").click()
    page.wait_for_url(re.compile(r"/certificados/descargas/\d+/$"))
    a.here(page, "/certificados/descargas/<pk>/")
    # The roster import: the preview of the sample file, then the result.
    page.goto(a.base + "/tablero/personal/importar/")
    page.get_by_label("Archivo del personal").set_input_files(ROSTER)
    page.get_by_role("button", name="Revisar el archivo").click()
    preview = page.get_by_role("heading", name="Vista previa del personal")
    expect(preview).to_be_visible()
    a.here(page, "/tablero/personal/importar/vista-previa/")
    page.get_by_role("button", name="Guardar el personal").click()
    expect(page.get_by_role("heading", name="Personal importado")).to_be_visible()
    a.here(page, "/tablero/personal/importar/guardar/")


# ---------------------------------------------------------------- trainers


def _trainer(page: Page, a: Auditor, settings) -> None:
    lesson = LessonPage.objects.live().first()
    plan = EvaluationPlan.objects.filter(evaluator__username="instructor").first()
    judgement = Judgement.objects.order_by("pk").first()
    observation = Observation.objects.order_by("pk").first()
    paths = [
        "/",
        lesson.url,
        "/evaluacion/mis-evaluaciones/",
        "/evaluacion/planes/nuevo/",
        "/evaluacion/evaluaciones/",
        "/evaluacion/analisis/",
        f"/evaluacion/juicios/{judgement.pk}/",
        f"/evaluacion/registros/{observation.uuid}/",
        f"/evaluacion/registros/{observation.uuid}/firmar/",
        "/tablero/grupos/",
    ]
    if plan:
        paths += [f"/evaluacion/planes/{plan.uuid}/"]
    for path in paths:
        a.visit(page, path)


def _evaluator(page: Page, a: Auditor, settings) -> None:
    plan = EvaluationPlan.objects.filter(
        evaluator__username="evaluadora", candidate__username="aprendiz"
    ).first()
    paths = ["/evaluacion/mis-evaluaciones/"]
    if plan:
        paths += [
            f"/evaluacion/planes/{plan.uuid}/",
            f"/evaluacion/planes/{plan.uuid}/editar/",
            f"/evaluacion/planes/{plan.uuid}/juicio/",
        ]
    for path in paths:
        a.visit(page, path)
    if plan:
        # The record of an observation, begun from the plan, and its signing.
        page.goto(a.base + f"/evaluacion/planes/{plan.uuid}/")
        page.locator("form[action*='/registro/'] button").first.click()
        page.wait_for_url(re.compile(r"/evaluacion/registros/[0-9a-f-]+/$"))
        a.here(page, "/evaluacion/registros/<uuid>/ (in progress)")
        a.visit(page, page.url.removeprefix(a.base) + "firmar/")


def _multiplicador(page: Page, a: Auditor, settings) -> None:
    cohort = Cohort.objects.filter(trainers__username="multiplicador").first()
    paths = ["/tablero/grupos/"]
    if cohort:
        session = Session.objects.filter(cohort=cohort).first()
        paths += [
            f"/tablero/grupos/{cohort.pk}/",
            f"/tablero/grupos/{cohort.pk}/sesiones/nueva/",
        ]
        if session:
            paths.append(f"/tablero/sesiones/{session.pk}/asistencia/")
    for path in paths:
        a.visit(page, path)


ROLES: list[tuple[str, str | None, Callable]] = [
    ("visitor", None, _anonymous),
    ("learner", "aprendiz", _learner),
    ("learner", "egresada", _graduate),
    ("hr", "rh", _hr),
    ("trainer", "instructor", _trainer),
    ("evaluator", "evaluadora", _evaluator),
    ("multiplicador", "multiplicador", _multiplicador),
]


@pytest.mark.parametrize("width", list(WIDTHS))
def test_every_page_has_no_axe_violations(live_server, browser, settings, width):
    """Each role's pages at this width, signed in once per role: axe-core finds
    no WCAG 2.x A/AA violation on any of them."""
    settings.ATIENDE_DEMO_ROLLOUT = True
    call_command("load_initial_data", demo=True, verbosity=0)
    auditor = Auditor(live_server.url, width)
    for role, username, pages in ROLES:
        auditor.role = role
        context = _context(browser, width)
        try:
            page = context.new_page()
            if username:
                _sign_in(page, auditor, username)
                auditor.here(page, "/ (signed in)")
            _menus(page, auditor)
            _keyboard(page, auditor)
            pages(page, auditor, settings)
        finally:
            context.close()
    print(
        f"\naxe audits at {width}: {sum(auditor.pages.values())} "
        + ", ".join(f"{role} {n}" for role, n in auditor.pages.items())
    )
    assert set(auditor.pages) == {role for role, _, _ in ROLES}
    problems = auditor.wrong_status + auditor.keyboard
    assert not (problems or auditor.found), "\n".join(
        ["", *problems, auditor.failure_report()]
    )
