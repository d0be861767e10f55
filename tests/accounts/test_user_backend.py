"""The authentication backend (accounts.backends): the signed-in user read in
one composed query, the same user ModelBackend reads, nobody for an unknown or
inactive account, and sessions opened through Django's ModelBackend still
signed in after the switch, with either session engine."""

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User

from accounts import backends
from tests.factories import LearnerFactory

pytestmark = pytest.mark.django_db

DASHBOARD = "/mi-avance/"
ENGINES = ["accounts.session_store", "accounts.cache_session_store"]


def concrete(user) -> dict:
    return {f.attname: getattr(user, f.attname) for f in User._meta.concrete_fields}


def test_it_is_the_site_s_backend(settings):
    assert backends.PATH in settings.AUTHENTICATION_BACKENDS
    assert not backends.REPLACED & set(settings.AUTHENTICATION_BACKENDS)


def test_the_user_read_is_model_backend_s_in_one_query(django_assert_num_queries):
    user = LearnerFactory(first_name="Ana Sofía", email="ana@example.com")
    expected = ModelBackend().get_user(user.pk)
    with django_assert_num_queries(1):
        found = backends.UserBackend().get_user(user.pk)
    assert found.pk == user.pk
    assert concrete(found) == concrete(expected)
    assert found._state.adding is False
    assert found._state.db == "default"


@pytest.mark.parametrize(
    ("case", "expected"), [("unknown", None), ("inactive", None), ("active", True)]
)
def test_only_an_existing_active_account_is_a_user(case, expected):
    user = LearnerFactory(is_active=case != "inactive")
    user_id = user.pk + 1000 if case == "unknown" else user.pk
    found = backends.UserBackend().get_user(user_id)
    assert (found is not None) == bool(expected)


def test_signing_in_records_this_backend(client):
    user = LearnerFactory()
    user.set_password("una-clave-larga-123")
    user.save()
    response = client.post(
        "/accounts/login/",
        {"username": user.username, "password": "una-clave-larga-123"},
    )
    assert response.status_code == 302
    assert client.session[BACKEND_SESSION_KEY] == backends.PATH
    assert client.get(DASHBOARD).status_code == 200


@pytest.mark.parametrize("engine", ENGINES)
def test_a_session_opened_through_model_backend_stays_signed_in(
    client, settings, engine
):
    settings.SESSION_ENGINE = engine
    user = LearnerFactory()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    assert response.context["user"].pk == user.pk


@pytest.mark.parametrize("engine", ENGINES)
def test_a_session_of_an_unknown_backend_is_signed_out(client, settings, engine):
    settings.SESSION_ENGINE = engine
    client.force_login(LearnerFactory(), backend="some.other.Backend")
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_password_changed_elsewhere_still_ends_the_session(client):
    user = LearnerFactory()
    client.force_login(user)
    assert client.get(DASHBOARD).status_code == 200
    user.set_password("otra-clave-larga-456")
    user.save()
    assert client.get(DASHBOARD).status_code == 302
