"""Sessions and the second factor in a real browser: a trainer's first sign-in
sets up an authenticator app from the page (the secret shown, its first code,
the recovery codes downloaded once), and the attempt page keeps its session
alive while the clock runs."""

import re
from base64 import b32decode

import pytest
from django.apps import apps
from django.core.management import call_command
from django_otp.oath import totp
from playwright.sync_api import Page, expect

from accounts.role_permissions import sync_roles
from assessments.models import AssessmentPage
from tests.factories import LearnerFactory, TrainerFactory, meet_completion_rule

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _password_step(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "password")
    page.get_by_role("button", name="Iniciar sesión").click()


def test_trainer_sets_up_the_app_at_first_sign_in(live_server, page: Page, tmp_path):
    # Live-server tests flush the database: bring back the site and the roles.
    call_command("load_initial_data", verbosity=0)
    sync_roles(apps)
    trainer = TrainerFactory()
    base = live_server.url
    _password_step(page, base, trainer.username)

    page.wait_for_url(re.compile(r"/accounts/segundo-factor/activar/"))
    expect(page.locator("#totp-qr svg")).to_be_visible()
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    page.goto(f"{base}/admin/")  # nothing else opens before the set-up
    page.wait_for_url(re.compile(r"/accounts/segundo-factor/activar/\?next="))
    code = f"{totp(b32decode(secret)):06d}"
    page.get_by_label("Código").fill(code)
    page.get_by_role("button", name="Activar").click()

    page.wait_for_url(re.compile(r"/accounts/segundo-factor/codigos/"))
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Descargar").click()
    saved = tmp_path / "codes.txt"
    download_info.value.save_as(saved)
    text = saved.read_text(encoding="utf-8")
    assert all(c.strip() in text for c in codes)
    page.get_by_role("link", name="Ya los guardé").click()
    page.wait_for_url(f"{base}/admin/")
    expect(page.locator("body")).not_to_contain_text("Iniciar sesión")

    page.goto(f"{base}/accounts/segundo-factor/codigos/")  # shown once
    page.wait_for_url(f"{base}/accounts/segundo-factor/")
    expect(page.get_by_text("Te quedan 10 códigos de recuperación.")).to_be_visible()


def test_attempt_page_keeps_the_session_alive(live_server, page: Page, settings):
    """With a 3-minute idle limit the page pings every minute while its clock
    runs (the ping is what keeps a learner who is only reading signed in)."""
    settings.SESSION_COOKIE_AGE = 3 * 60
    call_command("load_initial_data", verbosity=0)
    sync_roles(apps)
    learner = LearnerFactory()
    base = live_server.url
    final = AssessmentPage.objects.get(slug="evaluacion-final-ec0305")
    meet_completion_rule(learner, final)
    _password_step(page, base, learner.username)
    page.wait_for_url(f"{base}/")
    page.goto(base + final.url)
    page.get_by_test_id("begin").click()
    page.wait_for_url(re.compile(r"/evaluaciones/intentos/[0-9a-f-]+/$"))
    with page.expect_response(
        lambda r: r.url.endswith("/accounts/sesiones/activa/"), timeout=75_000
    ) as ping:
        pass
    assert ping.value.status == 204
