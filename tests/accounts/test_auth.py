"""Signing in and out, password change, who reaches the Wagtail admin, the
navigation each role sees, the language switch and the friendly error pages."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils.html import escape

from accounts import two_factor_services
from portal.demo_two_factor import DEMO_TOTP_KEY
from tests.accounts.urls_denied import DENIED_PATH, FAILING_PATH
from tests.totp import fresh_code

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("initial_data")]

LOGIN_URL = "/accounts/login/"
LOGOUT_URL = "/accounts/logout/"
PASSWORD_URL = "/accounts/password/"
DEMO_USERNAMES = ["aprendiz", "instructor", "rh", "admin"]


def session_user_id(client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value is not None else None


@pytest.fixture
def sign_in(client):
    def _sign_in(username: str):
        client.force_login(User.objects.get(username=username))
        return client

    return _sign_in


@pytest.mark.parametrize("username", DEMO_USERNAMES)
def test_demo_accounts_sign_in_with_the_demo_password(client, demo_password, username):
    """Each demo account signs in through the login form with "atiende-demo", is
    redirected to the home page and has an authenticated session; the staff
    accounts then give the code of the README's demo secret."""
    assert demo_password == "atiende-demo"
    response = client.post(LOGIN_URL, {"username": username, "password": demo_password})
    assert response.status_code == 302
    assert response["Location"] == "/"
    user = User.objects.get(username=username)
    assert session_user_id(client) == user.pk
    device = two_factor_services.totp_device(user)
    if username == "aprendiz":
        assert device is None
        assert client.get("/").status_code == 200
        return
    assert device.key == DEMO_TOTP_KEY
    step = client.get("/")
    assert step["Location"] == reverse("accounts:two_factor_verify")
    response = client.post(step["Location"], {"code": fresh_code(device)})
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_sign_in_returns_to_the_page_asked_for(client, demo_password):
    """A sign-in that started from another page goes back there."""
    response = client.post(
        f"{LOGIN_URL}?next=/mi-avance/",
        {"username": "aprendiz", "password": demo_password},
    )
    assert response.status_code == 302
    assert response["Location"] == "/mi-avance/"


def test_sign_in_never_redirects_to_another_host(client, demo_password):
    """A `next` pointing to another site is ignored (no open redirect)."""
    response = client.post(
        f"{LOGIN_URL}?next=https://malicioso.example.com/",
        {"username": "aprendiz", "password": demo_password},
    )
    assert response.status_code == 302
    assert "malicioso" not in response["Location"]


def test_wrong_password_shows_an_error_and_does_not_sign_in(client):
    """A wrong password re-renders the form (200) with an error; no session user."""
    response = client.post(
        LOGIN_URL, {"username": "aprendiz", "password": "no-es-la-contraseña"}
    )
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert errors
    html = response.content.decode()
    assert 'class="alert alert-block alert-danger"' in html
    assert escape(errors[0]) in html
    assert session_user_id(client) is None


def test_sign_out_by_post_ends_the_session(client, sign_in):
    """POST to logout signs the user out and returns to the home page."""
    sign_in("aprendiz")
    response = client.post(LOGOUT_URL)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert session_user_id(client) is None


def test_sign_out_by_get_is_not_allowed(client, sign_in):
    """GET on logout is refused (405) and leaves the user signed in: a link or an
    image elsewhere cannot sign anyone out."""
    user = sign_in("aprendiz").session["_auth_user_id"]
    response = client.get(LOGOUT_URL)
    assert response.status_code == 405
    assert client.session.get("_auth_user_id") == user


def test_password_change_takes_effect_and_keeps_the_session(client, demo_password):
    """Changing the password with the old one accepts the new one, keeps the user
    signed in, and the old password no longer works."""
    client.post(LOGIN_URL, {"username": "aprendiz", "password": demo_password})
    new_password = "Cactus-Dorado-5817"
    response = client.post(
        PASSWORD_URL,
        {
            "old_password": demo_password,
            "new_password1": new_password,
            "new_password2": new_password,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_change_done")
    user = User.objects.get(username="aprendiz")
    assert user.check_password(new_password)
    assert not user.check_password(demo_password)
    assert session_user_id(client) == user.pk
    assert client.get(response["Location"]).status_code == 200


def test_password_change_requires_the_old_password(client, sign_in, demo_password):
    """A wrong old password is refused and the password stays as it was."""
    sign_in("aprendiz")
    response = client.post(
        PASSWORD_URL,
        {
            "old_password": "equivocada",
            "new_password1": "Cactus-Dorado-5817",
            "new_password2": "Cactus-Dorado-5817",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["old_password"]
    assert User.objects.get(username="aprendiz").check_password(demo_password)


def test_password_change_needs_sign_in(client):
    """Anonymous visitors are sent to sign in first."""
    response = client.get(PASSWORD_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)


def test_learner_is_kept_out_of_the_wagtail_admin(client, sign_in):
    """A learner asking for /admin/ is sent to the admin login, never served it."""
    sign_in("aprendiz")
    response = client.get("/admin/")
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("wagtailadmin_login"))


def test_anonymous_is_kept_out_of_the_wagtail_admin(client):
    """An anonymous visitor asking for /admin/ is sent to sign in."""
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.mark.parametrize("username", ["instructor", "rh", "admin"])
def test_trainers_hr_and_admin_reach_the_wagtail_admin(client, sign_in, username):
    """Trainers, HR and the superuser get the Wagtail admin dashboard."""
    sign_in(username)
    assert client.get("/admin/").status_code == 200


def nav_labels(response) -> list[str]:
    return [str(item["label"]) for item in response.context["main_nav"]]


def test_anonymous_navigation_offers_sign_in(client):
    """Anonymous visitors see "Iniciar sesión", and neither "Mi avance" nor
    "Administración"."""
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Iniciar sesión" in html
    assert "Mi avance" not in html
    assert "Administración" not in html


def test_learner_navigation_shows_progress_but_not_admin(client, sign_in):
    """Learners see "Mi avance" and no "Administración" (nor "Iniciar sesión")."""
    sign_in("aprendiz")
    response = client.get("/")
    html = response.content.decode()
    assert "Mi avance" in nav_labels(response)
    assert ">Mi avance</a>" in html
    assert "Administración" not in html
    assert 'href="/admin/"' not in html
    assert ">Iniciar sesión</a>" not in html


@pytest.mark.parametrize("username", ["instructor", "rh"])
def test_staff_navigation_shows_admin(client, sign_in, username):
    """Trainers (and HR) see "Administración", linking to the Wagtail admin."""
    sign_in(username)
    response = client.get("/")
    assert "Administración" in nav_labels(response)
    assert '<a class="nav-link" href="/admin/">Administración</a>' in (
        response.content.decode()
    )


def test_pages_are_in_spanish_by_default(client):
    """Without a language choice, pages are in Mexican Spanish."""
    assert '<html lang="es-mx"' in client.get("/").content.decode()


def test_language_switch_renders_pages_in_english(client):
    """POSTing language=en to /i18n/setlang/ makes the next pages English, and
    switching back restores Spanish."""
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert '<html lang="en"' in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "es-mx", "next": "/"})
    assert '<html lang="es-mx"' in client.get("/").content.decode()


def test_unknown_url_gives_the_friendly_404_page(client):
    """An unknown address answers 404 with the site's own page: layout, navigation
    and a way home, not a bare error."""
    response = client.get("/esta-pagina-no-existe/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "404.html" in [t.name for t in response.templates]
    assert "No encontramos esta página" in html
    assert '<span class="site-brand-name">Atiende</span>' in html
    assert 'id="main"' in html
    assert "Ir al inicio" in html


@pytest.mark.urls("tests.accounts.urls_denied")
def test_permission_denied_gives_the_friendly_403_page(client, sign_in):
    """A refused request answers 403 with the site's own page and a way home."""
    sign_in("aprendiz")
    response = client.get(DENIED_PATH)
    html = response.content.decode()
    assert response.status_code == 403
    assert "403.html" in [t.name for t in response.templates]
    assert "No tienes acceso a esta página" in html
    assert '<span class="site-brand-name">Atiende</span>' in html
    assert "Ir al inicio" in html


@pytest.mark.urls("tests.accounts.urls_denied")
def test_server_error_gives_a_friendly_500_page(client, sign_in):
    """An unexpected error answers 500 with the site's own self-contained page (no
    request context, so it cannot fail in turn) and never the error's details."""
    sign_in("aprendiz")
    client.raise_request_exception = False
    response = client.get(FAILING_PATH)
    html = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="es-mx">' in html
    assert "Algo salió mal de nuestro lado" in html
    assert "Ir al inicio" in html
    assert "falla provocada" not in html
    assert "Traceback" not in html
