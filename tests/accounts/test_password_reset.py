"""Password reset by e-mail (/accounts/password/reset/): the page after asking
says the same whether the address has an account or not; the e-mailed link is
the one set-password page of invitations and sign-up, used once; accounts whose
password was never set (an invitation lost or expired) get a link too, inactive
accounts never; requests are rate-limited per client and per address."""

import re

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from tests.factories import LearnerFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("initial_data")]

RESET_URL = "/accounts/password/reset/"
DONE_URL = "/accounts/password/reset/enviado/"
LINK_RE = re.compile(r"http://[^\s]+/accounts/activar/[^\s]+/")
NEW_PASSWORD = "Cactus-Dorado-5817"


def link_in(message) -> str:
    (link,) = LINK_RE.findall(message.body)
    return link.removeprefix("http://127.0.0.1:8000")


def ask(client, email, **extra):
    return client.post(RESET_URL, {"email": email}, **extra)


def test_the_reset_page_is_in_spanish_and_linked_from_sign_in(client):
    response = client.get(RESET_URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Restablecer contraseña" in html
    assert 'name="email"' in html
    assert RESET_URL in client.get(reverse("accounts:login")).content.decode()


def test_a_reset_link_sets_a_new_password_once(client, mailoutbox):
    """The owner of the address gets one e-mail with their username and a link;
    the link sets the new password, signs them in, and then no longer works."""
    person = LearnerFactory(username="olvidadiza", email="olvido@example.com")
    response = ask(client, "  Olvido@Example.com ")
    assert response.status_code == 302
    assert response["Location"] == DONE_URL
    (message,) = mailoutbox
    assert message.to == ["olvido@example.com"]
    assert message.subject == "Restablece tu contraseña de Atiende"
    assert "Tu usuario es: olvidadiza" in message.body
    link = link_in(message)
    page = client.get(link, follow=True)
    done = client.post(
        page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done.status_code == 302
    assert int(client.session["_auth_user_id"]) == person.pk
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)
    client.logout()
    spent = client.get(link, follow=True).content.decode()
    assert "El enlace ya no sirve" in spent
    assert RESET_URL in spent  # and how to get a new one


def test_the_answer_does_not_reveal_whether_the_account_exists(client, mailoutbox):
    """A known and an unknown address get the same status, redirect, template and
    text; only the known one's mailbox gets a message."""
    LearnerFactory(email="conocida@example.com")
    seen = []
    for email in ("conocida@example.com", "desconocida@example.com"):
        response = ask(client, email)
        page = client.get(response["Location"])
        seen.append(
            (
                response.status_code,
                response["Location"],
                [t.name for t in page.templates],
                re.sub(r'value="[^"]*"', "", page.content.decode()),
            )
        )
    assert seen[0] == seen[1]
    assert "Si hay una cuenta con ese correo" in seen[0][3]
    assert [m.to for m in mailoutbox] == [["conocida@example.com"]]


def test_an_account_without_a_password_yet_gets_a_link(client, mailoutbox):
    """An invited person who lost the invitation (no usable password yet) can
    get the same link themselves."""
    invited = LearnerFactory(email="invitada@example.com")
    invited.set_unusable_password()
    invited.save()
    ask(client, "invitada@example.com")
    assert len(mailoutbox) == 1


def test_an_inactive_account_gets_nothing(client, mailoutbox):
    """A deactivated account cannot come back through a reset."""
    LearnerFactory(email="baja@example.com", is_active=False)
    response = ask(client, "baja@example.com")
    assert response["Location"] == DONE_URL
    assert mailoutbox == []


def test_an_invalid_address_is_a_form_error(client, mailoutbox):
    response = ask(client, "no-es-correo")
    assert response.status_code == 200
    assert "dirección de correo electrónico válida" in response.content.decode()
    assert mailoutbox == []


def test_reset_requests_are_rate_limited_per_client(client, settings, mailoutbox):
    """Past ATIENDE_PASSWORD_RESET_RATE_LIMIT requests from one client address
    the form answers the Spanish 429 page and sends nothing more; another
    client is not affected."""
    settings.ATIENDE_PASSWORD_RESET_RATE_LIMIT = "3/h"
    LearnerFactory(email="limite@example.com")
    statuses = [ask(client, f"otra{n}@example.com").status_code for n in range(3)]
    assert statuses == [302, 302, 302]
    limited = ask(client, "limite@example.com")
    assert limited.status_code == 429
    assert "Demasiadas solicitudes" in limited.content.decode()
    assert mailoutbox == []
    assert ask(
        client, "limite@example.com", REMOTE_ADDR="198.51.100.4"
    ).status_code == (302)
    assert len(mailoutbox) == 1


def test_one_mailbox_gets_few_reset_mails_from_anywhere(client, mailoutbox):
    """Three messages an hour to one address at most, whatever client addresses
    ask (shared with sign-up's messages)."""
    LearnerFactory(username="buzon", email="buzon@example.com")
    client.post(
        "/accounts/signup/",
        {
            "username": "otra",
            "first_name": "O",
            "last_name": "T",
            "email": "buzon@example.com",
        },
        REMOTE_ADDR="198.51.100.50",
    )
    statuses = [
        ask(client, "buzon@example.com", REMOTE_ADDR=f"198.51.100.{n}").status_code
        for n in range(3)
    ]
    assert statuses == [302, 302, 429]
    assert len(mailoutbox) == 3
    assert User.objects.filter(email="buzon@example.com").count() == 1
