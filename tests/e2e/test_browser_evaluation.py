"""Competence evaluation on a tablet (768 x 1024) in a real browser: a candidate
who passed the EC0305 final is observed by `evaluadora` with the guía de
observación, including two network drops during capture (the second one ends
with the page closed) with no item lost; both sign; then the lista de cotejo
with a photo of the service record; both sign; the judgement issues the
certificate."""

import hashlib
import re

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect

from certificates.models import Certificate
from evaluation import services
from evaluation.models import (
    EvidenceFile,
    Instrument,
    Judgement,
    Observation,
    ObservationAnswer,
)
from standards.models import Standard
from tests.certificates.support import take
from tests.e2e.support import sign_in
from tests.factories import LearnerFactory, png_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TABLET = {"width": 768, "height": 1024}
CANDIDATE_PASSWORD = "password"


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": TABLET}


def start_record(page: Page, base: str, plan, instrument) -> Observation:
    """Post to the start address as the plan page's button does (with the CSRF
    token of the page's sign-out form) and land on the record page."""
    from django.urls import reverse

    url = reverse("evaluation:observation_start", args=[plan.uuid, instrument.pk])
    page.evaluate(
        """(url) => {
          const form = document.createElement("form");
          form.method = "post";
          form.action = url;
          const token = document.querySelector("input[name=csrfmiddlewaretoken]");
          form.append(token.cloneNode());
          document.body.append(form);
          form.submit();
        }""",
        url,
    )
    page.wait_for_url(re.compile(r"/evaluacion/registros/[0-9a-f-]+/$"))
    record = Observation.objects.get(plan=plan, version__instrument=instrument)
    assert page.url.endswith(f"/evaluacion/registros/{record.uuid}/")
    return record


def mark(page: Page, item: dict, outcome: str, reason: str = "") -> None:
    page.locator(f"label[for='o-{item['id']}-{outcome}']").click()
    if reason:
        page.fill(f"#r-{item['id']}", reason)


def saved_items(record) -> dict[str, str]:
    return dict(
        ObservationAnswer.objects.filter(observation=record).values_list(
            "item", "outcome"
        )
    )


def sign_as_evaluator(page: Page, name: str) -> None:
    form = page.locator("[data-sign-form]")
    expect(form).to_be_visible()
    form.locator("#sign-name").fill(name)
    form.get_by_role("button", name="Firmar como evaluador").click()
    expect(page.get_by_test_id("evaluator-signature")).to_contain_text(name)
    expect(page.locator("#observation-form")).to_have_count(0)


def sign_as_candidate(context: BrowserContext, base: str, record, name: str) -> None:
    page = context.new_page()
    page.goto(f"{base}/evaluacion/registros/{record.uuid}/firmar/")
    expect(page.get_by_role("button", name="Firmar como candidato")).to_be_visible()
    page.fill("#sign-name", name)
    page.get_by_role("button", name="Firmar como candidato").click()
    expect(page.get_by_test_id("signed")).to_be_visible()
    page.close()


def test_evaluator_observes_on_a_tablet_through_a_network_drop(
    live_server, page: Page, context: BrowserContext, browser: Browser, tmp_path
):
    # The live-server database is flushed between transactional tests: the command
    # recreates the home page, the Site, the course, instruments and demo users.
    call_command("load_initial_data", demo=True, verbosity=0)
    base = live_server.url
    standard = Standard.objects.get(code="EC0305")
    candidate = LearnerFactory(
        username="candidata", first_name="Lucía", last_name="Ramos Díaz"
    )
    attempt = take(candidate)
    assert attempt.competent is True
    assert not Certificate.objects.filter(holder=candidate).exists()
    evaluator = User.objects.get(username="evaluadora")
    guide = Instrument.objects.get(code="EC0305-GO")
    checklist = Instrument.objects.get(code="EC0305-LC")
    plan = services.plan_create(
        candidate=candidate,
        evaluator=evaluator,
        standard=standard,
        scheduled_at=timezone.now(),
        instruments=[guide, checklist],
        place="Mostrador 3",
        by=evaluator,
    )

    # The evaluator opens the guía on the tablet.
    assert page.viewport_size == TABLET
    sign_in(page, base, "evaluadora", settings.ATIENDE_DEMO_PASSWORD)
    record = start_record(page, base, plan, guide)
    items = record.version.items
    assert len(items) == 39
    expect(page.locator("[data-item]")).to_have_count(39)
    state = page.get_by_test_id("capture-state")

    # Online: the first items save one by one.
    first, second, third = items[:12], items[12:26], items[26:]
    for item in first:
        mark(page, item, "met")
        expect(
            page.locator(f"[data-item='{item['id']}'] [data-save-state]")
        ).to_contain_text("Guardado")
    assert saved_items(record) == {item["id"]: "met" for item in first}

    # The network drops: changes stay in the page, shown as pending.
    context.set_offline(True)
    expected = {item["id"]: "met" for item in first}
    for index, item in enumerate(second):
        if index == 3:
            mark(page, item, "na", reason="No llegó ningún cliente molesto.")
            expected[item["id"]] = "na"
        elif index == 5:
            # Changed twice while offline: the last choice is the one sent.
            mark(page, item, "not_met")
            mark(page, item, "met")
            expected[item["id"]] = "met"
        else:
            mark(page, item, "met")
            expected[item["id"]] = "met"
    expect(state).to_contain_text("Sin conexión")
    expect(state).to_contain_text("cambios pendientes")
    assert int(state.get_attribute("data-pending")) == len(second)
    assert len(saved_items(record)) == len(first)

    # Back online: everything pending reaches the server.
    context.set_offline(False)
    expect(state).to_have_attribute("data-pending", "0", timeout=15_000)
    expect(state).not_to_contain_text("Sin conexión")
    assert saved_items(record) == expected
    answer = ObservationAnswer.objects.get(observation=record, item=second[3]["id"])
    assert answer.reason == "No llegó ningún cliente molesto."

    # A second drop, and the page is closed before the network returns: the
    # page opened again later finds the unsent changes and sends them.
    context.set_offline(True)
    for item in third:
        mark(page, item, "met")
        expected[item["id"]] = "met"
    expect(state).to_contain_text("Sin conexión")
    page.close()
    assert len(saved_items(record)) == len(first) + len(second)
    context.set_offline(False)
    page = context.new_page()
    page.goto(f"{base}/evaluacion/registros/{record.uuid}/")
    state = page.get_by_test_id("capture-state")
    expect(state).to_have_attribute("data-pending", "0", timeout=15_000)
    expect(state).to_contain_text("Todo guardado")
    assert saved_items(record) == expected
    assert len(expected) == 39

    # The evaluator signs; the candidate signs on their own session.
    sign_as_evaluator(page, "Elena Valdés Ortiz")
    candidate_context = browser.new_context(locale="es-MX", viewport=TABLET)
    candidate_page = candidate_context.new_page()
    sign_in(candidate_page, base, "candidata", CANDIDATE_PASSWORD)
    candidate_page.close()
    sign_as_candidate(candidate_context, base, record, "Lucía Ramos Díaz")
    record.refresh_from_db()
    assert record.signed and record.candidate_signed_ip

    # The lista de cotejo, with a photo of the filled-in service record.
    page.goto(f"{base}/")
    product = start_record(page, base, plan, checklist)
    for item in product.version.items:
        mark(page, item, "met")
        expect(
            page.locator(f"[data-item='{item['id']}'] [data-save-state]")
        ).to_contain_text("Guardado")
    photo = tmp_path / "registro-de-servicio.png"
    photo.write_bytes(png_bytes(size=(40, 30)))
    page.set_input_files("#evidence-file", str(photo))
    page.get_by_role("button", name="Subir evidencia").click()
    digest = hashlib.sha256(photo.read_bytes()).hexdigest()
    expect(page.locator("[data-sha256]")).to_have_text(digest)
    evidence = EvidenceFile.objects.get(observation=product)
    assert evidence.sha256 == digest
    sign_as_evaluator(page, "Elena Valdés Ortiz")
    sign_as_candidate(candidate_context, base, product, "Lucía Ramos Díaz")
    candidate_context.close()
    product.refresh_from_db()
    assert product.signed

    # The evaluator issues the judgement from its screen: the certificate follows.
    page.goto(f"{base}/evaluacion/planes/{plan.uuid}/juicio/")
    page.get_by_label("Retroalimentación").fill("Buen trabajo en el mostrador.")
    page.get_by_role("button", name="Emitir juicio").click()
    expect(page).to_have_url(re.compile(r"/evaluacion/juicios/\d+/$"))
    judgement = Judgement.objects.get(plan=plan)
    assert judgement.competent is True and judgement.decided_by == evaluator
    certificate = Certificate.objects.get(holder=candidate, judgement=judgement)
    assert certificate.standard == standard

    # Its public page shows the three kinds of evidence and the evaluator.
    page.goto(f"{base}/verificar/{certificate.code}/")
    for code in ("E1", "E2", "E3"):
        row = page.locator(f"[data-element={code}]")
        expect(row).to_contain_text("100 %")
        expect(row.locator("[data-kind=performance]")).to_contain_text("/")
    expect(page.locator("[data-element=E2] [data-kind=product]")).to_contain_text("9/9")
    expect(page.locator("body")).to_contain_text("Elena Valdés Ortiz")
