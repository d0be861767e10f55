"""Signing in in the browser as a person does: the password, then, when the
site asks, the code of the person's authenticator app."""

import re
from collections.abc import Callable

from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from accounts import two_factor, two_factor_services
from portal.demo_two_factor import DEMO_TOTP_KEY
from tests.totp import fresh_code


def sign_in(
    page: Page,
    base: str,
    username: str,
    password: str,
    *,
    at_code_step: Callable[[Page], None] | None = None,
) -> None:
    """Sign in through the login form and land on the home page. The demo staff
    have the README's demo secret; a test user who must use a second factor and
    has none is given that app first (as if they had set it up on their phone).
    ``at_code_step`` is called with the page that asks for the code, if asked."""
    user = User.objects.get(username=username)
    device = two_factor_services.totp_device(user)
    if device is None and two_factor.required(user):
        device = two_factor_services.totp_device_install(user=user, key=DEMO_TOTP_KEY)
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.get_by_role("button", name="Iniciar sesión").click()
    if device is not None:
        page.wait_for_url(re.compile(r"/accounts/verificacion/"))
        if at_code_step is not None:
            at_code_step(page)
        page.get_by_label("Código").fill(fresh_code(device))
        page.get_by_role("button", name="Verificar").click()
    page.wait_for_url(f"{base}/")


def begin_and_save_one_answer(page: Page, *, timeout: float = 15_000) -> None:
    """On an assessment's start page: begin (accepting the confirmation), then
    choose the first option of the first single-choice question and wait until
    the page's script says it is saved."""
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("begin").click()
    page.wait_for_url(re.compile(r"/evaluaciones/intentos/[0-9a-f-]+/$"))
    question = (
        page.locator("[data-question]")
        .filter(has=page.locator("input[type=radio]"))
        .first
    )
    question.locator("input[type=radio]").first.check()
    expect(question.locator("[data-save-state]")).to_contain_text(
        "Guardado", timeout=timeout
    )
