"""Self-registration that tells nobody which usernames or addresses exist: every
valid sign-up ends on the same "revisa tu correo" page, and only the mailbox
learns the rest (a link to activate the new account by choosing a password;
"ya tienes una cuenta" with a reset link; "ese usuario ya está en uso"). Real
form errors still show; the password's own rules show on the link's page."""

import re

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from accounts import roles
from tests.factories import LearnerFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("initial_data")]

SIGNUP_URL = "/accounts/signup/"
SENT_URL = "/accounts/signup/enviado/"
LINK_RE = re.compile(r"http://[^\s]+/accounts/activar/[^\s]+/")
NEW_PASSWORD = "Tortuga-Azul-2931"


def signup_data(**overrides) -> dict:
    return {
        "username": "nueva.aprendiz",
        "first_name": "Nora",
        "last_name": "Nava",
        "email": "nora.nava@example.com",
        **overrides,
    }


def link_in(message) -> str:
    (link,) = LINK_RE.findall(message.body)
    return link.removeprefix("http://127.0.0.1:8000")


def set_password_through(client, link: str, password1: str, password2=None):
    """Open the e-mailed link (Django redirects it to a token-less address) and
    post the new password there."""
    page = client.get(link, follow=True)
    assert page.status_code == 200
    return client.post(
        page.redirect_chain[-1][0],
        {"new_password1": password1, "new_password2": password2 or password1},
    )


def outcome(client, data):
    """What the visitor sees: the response to the post, and the page it leads to."""
    response = client.post(SIGNUP_URL, data)
    followed = client.get(response["Location"]) if response.status_code == 302 else None
    return response, followed


def test_new_sign_up_creates_a_learner_who_activates_by_e_mail(client, mailoutbox):
    """A new username and address: a learner account without a password is
    created (nobody can sign in yet), the visitor is told to check their e-mail,
    and the e-mail's link sets the password, signs them in and is used up."""
    response, page = outcome(client, signup_data(email="  Nora.Nava@Example.COM "))
    assert response.status_code == 302
    assert response["Location"] == SENT_URL
    assert "Revisa tu correo" in page.content.decode()
    assert "_auth_user_id" not in client.session

    user = User.objects.get(username="nueva.aprendiz")
    assert set(user.groups.values_list("name", flat=True)) == {roles.LEARNERS}
    assert user.is_active and not user.is_staff and not user.is_superuser
    assert not user.has_usable_password()
    assert user.email == "nora.nava@example.com"
    assert user.get_full_name() == "Nora Nava"

    (message,) = mailoutbox
    assert message.to == ["nora.nava@example.com"]
    assert message.subject == "Activa tu cuenta en Atiende"
    assert "Tu usuario es: nueva.aprendiz" in message.body
    link = link_in(message)
    done = set_password_through(client, link, NEW_PASSWORD)
    assert done.status_code == 302
    assert done["Location"] == reverse("portal:dashboard")
    assert int(client.session["_auth_user_id"]) == user.pk
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    client.logout()
    assert "El enlace ya no sirve" in client.get(link, follow=True).content.decode()


def test_the_link_page_shows_the_password_rules(client, mailoutbox):
    """Weak and mismatched passwords are refused with their messages on the
    link's page, and the account stays without a password."""
    client.post(SIGNUP_URL, signup_data())
    link = link_in(mailoutbox[0])
    weak = set_password_through(client, link, "12345678")
    assert weak.status_code == 200
    assert "Esta contraseña es muy común." in weak.content.decode()
    mismatch = set_password_through(client, link, NEW_PASSWORD, NEW_PASSWORD + "x")
    assert mismatch.status_code == 200
    assert "no coinciden" in mismatch.content.decode()
    assert not User.objects.get(username="nueva.aprendiz").has_usable_password()


def test_the_empty_link_page_gives_the_rules_as_help_in_tu(client, mailoutbox):
    """Before anything is typed, the link's page lists what the password needs
    as help text under the field, addressing the person as tú, and shows no
    error: not Django's "Su contraseña no puede..." (usted, phrased as errors)."""
    client.post(SIGNUP_URL, signup_data())
    page = client.get(link_in(mailoutbox[0]), follow=True)
    html = page.content.decode()
    help_text = html.split('id="id_new_password1_helptext"')[1].split("</div>")[0]
    for rule in (
        "Que tenga al menos 8 caracteres.",
        "Que no se parezca a tu nombre, tu usuario ni tu correo.",
        "Que no sea una contraseña de uso común.",
        "Que no sea solo números.",
    ):
        assert rule in help_text
    assert "Su contraseña" not in html
    assert "invalid-feedback" not in html and "is-invalid" not in html


def test_an_address_in_use_gets_ya_tienes_una_cuenta(client, mailoutbox):
    """An address that has an account (in any letter case): nothing is created,
    and its owner is told they already have an account, with their username and
    a link that sets a new password."""
    owner = LearnerFactory(username="dueña", email="ocupado@example.com")
    users_before = User.objects.count()
    response, _ = outcome(client, signup_data(email="Ocupado@Example.COM"))
    assert response["Location"] == SENT_URL
    assert User.objects.count() == users_before
    (message,) = mailoutbox
    assert message.to == ["ocupado@example.com"]
    assert message.subject == "Ya tienes una cuenta en Atiende"
    assert "Tu usuario es: dueña" in message.body
    set_password_through(client, link_in(message), NEW_PASSWORD)
    owner.refresh_from_db()
    assert owner.check_password(NEW_PASSWORD)


def test_a_deactivated_account_gets_no_link(client, mailoutbox):
    """The owner of a deactivated account is told to ask HR, with no link."""
    LearnerFactory(email="baja@example.com", is_active=False)
    client.post(SIGNUP_URL, signup_data(email="baja@example.com"))
    (message,) = mailoutbox
    assert "desactivada" in message.body
    assert not LINK_RE.search(message.body)


def test_a_username_in_use_is_told_to_the_mailbox_only(client, mailoutbox):
    """A taken username with a new address: nothing is created, and the address
    (not the username's owner) is asked to sign up again with another one."""
    owner = LearnerFactory(username="ocupada", email="primera@example.com")
    response, _ = outcome(client, signup_data(username="Ocupada"))
    assert response["Location"] == SENT_URL
    assert not User.objects.filter(email="nora.nava@example.com").exists()
    (message,) = mailoutbox
    assert message.to == ["nora.nava@example.com"]
    assert "«Ocupada» ya está en uso" in message.body
    assert "/accounts/signup/" in message.body
    assert owner.email not in message.body


def test_the_visitor_cannot_tell_the_outcomes_apart(client, mailoutbox):
    """New account, address in use, username in use: the same status, the same
    redirect, the same template and the same text (the CSRF token aside)."""
    LearnerFactory(username="ocupada", email="ocupado@example.com")
    seen = []
    for data in (
        signup_data(),
        signup_data(username="otra.nueva", email="ocupado@example.com"),
        signup_data(username="ocupada", email="tercera@example.com"),
    ):
        response, page = outcome(client, data)
        html = re.sub(r'value="[^"]*"', "", page.content.decode())
        seen.append(
            (
                response.status_code,
                response["Location"],
                page.status_code,
                [t.name for t in page.templates],
                html,
            )
        )
    assert seen[0] == seen[1] == seen[2]
    assert len(mailoutbox) == 3  # each mailbox got its own message


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("email", "no-es-correo", "dirección de correo electrónico válida"),
        ("username", "con espacios", "nombre de usuario válido"),
        ("username", "", "Este campo es necesario"),
        ("first_name", "", "Este campo es necesario"),
        ("email", "x" * 250 + "@example.com", "como máximo 254"),
    ],
)
def test_real_form_errors_still_show(client, mailoutbox, field, value, error):
    """Input that is wrong in itself gets its message on the form, and no
    account and no e-mail."""
    response = client.post(SIGNUP_URL, signup_data(**{field: value}))
    assert response.status_code == 200
    assert error in response.content.decode()
    assert response.context["form"].errors[field]
    assert mailoutbox == []
    assert not User.objects.filter(username="nueva.aprendiz").exists()


def test_an_account_opened_with_someone_elses_address_is_theirs(client, mailoutbox):
    """Whoever signs up with another person's address cannot sign in to the
    account: it has no password until the mailbox's owner sets one."""
    client.post(SIGNUP_URL, signup_data(email="victima@example.com"))
    user = User.objects.get(username="nueva.aprendiz")
    assert not user.has_usable_password()
    for guess in ("nueva.aprendiz", NEW_PASSWORD, "!"):
        response = client.post(
            "/accounts/login/", {"username": "nueva.aprendiz", "password": guess}
        )
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session


def test_sign_up_is_rate_limited_per_client(client, settings, mailoutbox):
    """Past ATIENDE_SIGNUP_RATE_LIMIT valid sign-ups from one address, the next
    gets the Spanish 429 page and sends nothing; form errors do not count."""
    settings.ATIENDE_SIGNUP_RATE_LIMIT = "2/h"
    for _ in range(3):
        client.post(SIGNUP_URL, signup_data(email="mala"))
    for n in range(2):
        data = signup_data(username=f"u{n}", email=f"u{n}@example.com")
        assert client.post(SIGNUP_URL, data).status_code == 302
    limited = client.post(SIGNUP_URL, signup_data())
    assert limited.status_code == 429
    assert "Demasiadas solicitudes" in limited.content.decode()
    assert int(limited["Retry-After"]) > 0
    assert len(mailoutbox) == 2
    other = client.post(SIGNUP_URL, signup_data(), REMOTE_ADDR="198.51.100.9")
    assert other.status_code == 302


def test_one_address_gets_few_sign_up_mails_from_anywhere(client, mailoutbox):
    """Nobody can flood a mailbox through sign-up: past three messages an hour to
    one address, from any client addresses, the form answers 429."""
    LearnerFactory(email="objetivo@example.com")
    statuses = [
        client.post(
            SIGNUP_URL,
            signup_data(email="Objetivo@example.com"),
            REMOTE_ADDR=f"198.51.100.{n}",
        ).status_code
        for n in range(4)
    ]
    assert statuses == [302, 302, 302, 429]
    assert len(mailoutbox) == 3


def test_signup_is_404_when_disabled(client, settings):
    """With ATIENDE_ALLOW_SIGNUP off, sign-up is not found (GET and POST, and its
    "sent" page), creates nobody, and the login page does not offer it."""
    settings.ATIENDE_ALLOW_SIGNUP = False
    assert client.get(SIGNUP_URL).status_code == 404
    assert client.post(SIGNUP_URL, signup_data()).status_code == 404
    assert client.get(SENT_URL).status_code == 404
    assert not User.objects.filter(username="nueva.aprendiz").exists()
    login_page = client.get(reverse("accounts:login")).content.decode()
    assert SIGNUP_URL not in login_page


def test_login_page_offers_signup_and_password_reset(client):
    """The login page links to sign-up (while allowed) and to password reset."""
    html = client.get(reverse("accounts:login")).content.decode()
    assert SIGNUP_URL in html
    assert 'href="/accounts/password/reset/"' in html
    assert "¿Olvidaste tu contraseña?" in html
