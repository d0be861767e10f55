"""Brute-force protection (django-axes): wrong passwords lock an account at the
client address that tried them, and an address that tries many accounts, on the
site's sign-in, Wagtail's admin sign-in and password-reset requests; the lock
shows the site's own page; a successful sign-in clears the count; the lock ends
after the cool-off, or earlier when a superuser lifts it."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.core.management import call_command
from freezegun import freeze_time

from accounts import lockout
from tests.factories import LearnerFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("initial_data")]

LOGIN_URL = "/accounts/login/"
ADMIN_LOGIN_URL = "/admin/login/"
LOCKOUTS_URL = "/admin/bloqueos/"
UNLOCK_URL = "/admin/bloqueos/desbloquear/"
ATTACKER = "203.0.113.66"
ELSEWHERE = "198.51.100.20"
LOCKED_TEXT = "Acceso bloqueado por un tiempo"


def signed_in(client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value is not None else None


def sign_in(client, username, password, *, url=LOGIN_URL, ip=ATTACKER):
    return client.post(
        url, {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def fail(client, username, times, *, url=LOGIN_URL, ip=ATTACKER):
    return [
        sign_in(client, username, "no-es-la-contraseña", url=url, ip=ip).status_code
        for _ in range(times)
    ]


def assert_locked_page(response):
    html = response.content.decode()
    assert response.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in response.templates]
    assert LOCKED_TEXT in html
    assert "durante 15 minutos" in html
    assert "/accounts/password/reset/" in html
    assert 'name="password"' not in html  # not the form again
    assert int(response["Retry-After"]) == 15 * 60


def test_wrong_passwords_lock_the_account_even_for_the_right_one(client, demo_password):
    """Four wrong passwords still answer the form; the fifth answers the lock-out
    page, in Spanish, with what to do; then even the right password is refused
    and nobody is signed in."""
    assert fail(client, "aprendiz", 4) == [200] * 4
    fifth = sign_in(client, "aprendiz", "no-es-la-contraseña")
    assert_locked_page(fifth)
    right = sign_in(client, "aprendiz", demo_password)
    assert_locked_page(right)
    assert signed_in(client) is None


def test_another_account_from_another_address_still_signs_in(client, demo_password):
    """The lock holds the account at the attacker's address only: its owner at
    another address, and another person anywhere, still sign in."""
    fail(client, "aprendiz", 5)
    assert sign_in(client, "instructor", demo_password, ip=ELSEWHERE).status_code == 302
    assert signed_in(client) == User.objects.get(username="instructor").pk
    client.logout()
    assert sign_in(client, "aprendiz", demo_password, ip=ELSEWHERE).status_code == 302
    assert signed_in(client) == User.objects.get(username="aprendiz").pk


def test_one_locked_account_does_not_lock_the_office(client, demo_password):
    """A whole office may share one address: one person's lock leaves the others
    at that address free to sign in."""
    fail(client, "aprendiz", 5)
    assert sign_in(client, "instructor", demo_password).status_code == 302


def test_many_accounts_from_one_address_lock_the_address(
    client, settings, demo_password
):
    """Wrong passwords spread over many accounts from one address lock the
    address, for every account, once they reach the address's own limit."""
    settings.ATIENDE_LOGIN_CLIENT_FAILURE_LIMIT = 8
    statuses = []
    for username in ("uno", "dos", "tres", "cuatro"):
        statuses += fail(client, username, 2)
    assert statuses == [200] * 7 + [429]
    assert_locked_page(sign_in(client, "rh", demo_password))
    assert signed_in(client) is None
    assert sign_in(client, "rh", demo_password, ip=ELSEWHERE).status_code == 302


def test_the_wagtail_admin_sign_in_locks_the_same_way(client, demo_password):
    """Wagtail's own sign-in counts and locks with the same rule and page; the
    lock holds on the site's sign-in too (one count per account and address)."""
    assert fail(client, "admin", 4, url=ADMIN_LOGIN_URL) == [200] * 4
    assert_locked_page(sign_in(client, "admin", "mala", url=ADMIN_LOGIN_URL))
    assert_locked_page(sign_in(client, "admin", demo_password, url=ADMIN_LOGIN_URL))
    assert_locked_page(sign_in(client, "admin", demo_password))
    assert signed_in(client) is None


def test_a_successful_sign_in_resets_the_count(client, demo_password):
    """Four failures, then the right password: the count starts again, so four
    more failures do not lock, and the fifth of the new series does."""
    fail(client, "aprendiz", 4)
    assert sign_in(client, "aprendiz", demo_password).status_code == 302
    client.logout()
    assert fail(client, "aprendiz", 4) == [200] * 4
    assert sign_in(client, "aprendiz", demo_password).status_code == 302
    client.logout()
    assert fail(client, "aprendiz", 5)[-1] == 429


def test_another_accounts_sign_in_clears_nothing(client, settings, demo_password):
    """Signing in to one's own account between guesses at another's (same
    address) neither lifts that lock nor resets the address's count."""
    settings.ATIENDE_LOGIN_CLIENT_FAILURE_LIMIT = 9
    fail(client, "aprendiz", 5)
    assert sign_in(client, "instructor", demo_password).status_code == 302
    client.logout()
    assert sign_in(client, "aprendiz", demo_password).status_code == 429
    assert fail(client, "rh", 3) == [200, 200, 429]  # 5 + 1 + 3 reach 9


def test_the_lock_ends_after_the_cool_off(client, demo_password):
    """After AXES_COOLOFF_TIME (15 minutes) without failures the account signs in
    from the same address again."""
    with freeze_time("2026-05-05 10:00:00"):
        fail(client, "aprendiz", 5)
    with freeze_time("2026-05-05 10:14:00"):
        assert sign_in(client, "aprendiz", demo_password).status_code == 429
    # A failure during the lock extends it: count from the last one.
    with freeze_time("2026-05-05 10:29:30"):
        assert sign_in(client, "aprendiz", demo_password).status_code == 302


def test_a_locked_address_cannot_ask_for_password_resets(client, settings, mailoutbox):
    """An address locked out of signing in gets the lock-out page on the
    password-reset form too, and no e-mail leaves."""
    settings.ATIENDE_LOGIN_CLIENT_FAILURE_LIMIT = 5
    fail(client, "aprendiz", 5)
    response = client.post(
        "/accounts/password/reset/",
        {"email": User.objects.get(username="aprendiz").email or "a@example.com"},
        REMOTE_ADDR=ATTACKER,
    )
    assert_locked_page(response)
    assert mailoutbox == []


def test_an_account_locked_at_one_address_may_still_ask_for_a_reset(client, mailoutbox):
    """A person who locked their own account (one address, one account) can
    still ask for a reset link, and using it signs them in at once."""
    person = LearnerFactory(email="olvido@example.com")
    fail(client, person.username, 5)
    response = client.post(
        "/accounts/password/reset/",
        {"email": "olvido@example.com"},
        REMOTE_ADDR=ATTACKER,
    )
    assert response.status_code == 302
    assert len(mailoutbox) == 1


# ----------------------------------------------------------------- unlocking


def as_superuser(client):
    """The same browser, now signed in as the superuser (after the failures:
    a signed-in visitor is not shown the sign-in form at all)."""
    client.force_login(User.objects.get(username="admin"))
    return client


def test_superusers_see_current_lockouts_and_lift_one(client):
    """The admin's "Bloqueos de acceso" lists the locked account and address;
    "Desbloquear" lifts that lock and the person signs in at once."""
    victim = LearnerFactory(username="bloqueada")
    fail(client, victim.username, 5)
    superuser_client = as_superuser(client)
    page = superuser_client.get(LOCKOUTS_URL)
    html = page.content.decode()
    assert page.status_code == 200
    assert "bloqueada" in html and ATTACKER in html
    assert [
        (lock.username, lock.ip_address) for lock in lockout.current_lockouts()
    ] == [("bloqueada", ATTACKER)]
    response = superuser_client.post(
        UNLOCK_URL, {"username": "bloqueada", "ip_address": ATTACKER}
    )
    assert response.status_code == 302
    assert lockout.current_lockouts() == []
    superuser_client.logout()
    assert sign_in(client, "bloqueada", "password").status_code == 302


def test_the_unlock_refuses_bad_input_and_changes_nothing(client):
    """An unlock with neither account nor address, or with something that is not
    an address, is refused with a message and lifts nothing."""
    fail(client, "aprendiz", 5)
    superuser_client = as_superuser(client)
    before = AccessAttempt.objects.count()
    assert before == 1
    for data in ({}, {"ip_address": "no-es-ip"}):
        response = superuser_client.post(UNLOCK_URL, data, follow=True)
        html = response.content.decode()
        assert response.status_code == 200
        assert "Se quitó el bloqueo" not in html
        assert "Indica qué bloqueo" in html or "no es válida" in html
    # NUL is refused by the request guard (accounts.middleware) with a 400.
    response = superuser_client.post(UNLOCK_URL, {"ip_address": "1.2.3.4\x00"})
    assert response.status_code == 400
    assert AccessAttempt.objects.count() == before


@pytest.mark.parametrize("username", ["instructor", "rh", "aprendiz"])
def test_only_superusers_may_see_or_lift_locks(client, username):
    """Trainers and HR (who reach the admin) and learners get no lock-out
    listing and cannot unlock; the lock stays."""
    fail(client, "aprendiz", 5)
    client.force_login(User.objects.get(username=username))
    assert client.get(LOCKOUTS_URL).status_code in (302, 403)
    response = client.post(UNLOCK_URL, {"username": "aprendiz", "ip_address": ATTACKER})
    assert response.status_code in (302, 403)
    assert len(lockout.current_lockouts()) == 1


def test_the_lockouts_menu_item_is_for_superusers_only(client):
    """The settings menu offers "Bloqueos de acceso" to superusers, not to HR."""
    client.force_login(User.objects.get(username="admin"))
    assert LOCKOUTS_URL in client.get("/admin/").content.decode()
    client.force_login(User.objects.get(username="rh"))
    assert LOCKOUTS_URL not in client.get("/admin/").content.decode()


def test_the_axes_reset_command_unlocks(client, demo_password):
    """Without the admin, `manage.py axes_reset_username NAME` lifts the lock."""
    fail(client, "aprendiz", 5)
    call_command("axes_reset_username", "aprendiz", verbosity=0)
    assert sign_in(client, "aprendiz", demo_password).status_code == 302


def test_lockout_window_is_fifteen_minutes_and_limit_five(settings):
    """The documented defaults."""
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME == timedelta(minutes=15)
    assert settings.ATIENDE_LOGIN_CLIENT_FAILURE_LIMIT == 30
