"""The database session engine (accounts.session_store) reads sessions as
Django's engine does, in one query: the same data, nothing for an expired or
unknown key, and the two engines read each other's sessions."""

from datetime import timedelta

import pytest
from django.contrib.sessions.backends import db as django_db
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts import session_store
from tests.factories import LearnerFactory

pytestmark = pytest.mark.django_db

DATA = {"_auth_user_id": "42", "texto": "añadido <&>", "cuántos": [1, 2.5, None]}


def saved(store_class, data=DATA) -> str:
    store = store_class()
    store.update(data)
    store.save()
    return store.session_key


@pytest.mark.parametrize(
    ("writer", "reader"),
    [
        (session_store.SessionStore, session_store.SessionStore),
        (django_db.SessionStore, session_store.SessionStore),
        (session_store.SessionStore, django_db.SessionStore),
    ],
    ids=["own", "django-written", "django-read"],
)
def test_a_saved_session_reads_back_whole(writer, reader, django_assert_num_queries):
    key = saved(writer)
    store = reader(session_key=key)
    with django_assert_num_queries(1):
        assert dict(store.items()) == DATA
    assert store.session_key == key


@pytest.mark.parametrize(
    "store_class", [session_store.SessionStore, django_db.SessionStore]
)
def test_an_expired_session_is_empty_and_loses_its_key(store_class):
    key = saved(session_store.SessionStore)
    Session.objects.filter(pk=key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    store = store_class(session_key=key)
    assert dict(store.items()) == {}
    assert store.session_key is None


def test_an_unknown_key_is_an_empty_session_and_saving_makes_a_new_one():
    saved(session_store.SessionStore)
    store = session_store.SessionStore(session_key="x" * 32)
    assert dict(store.items()) == {}
    assert store.session_key is None
    store["a"] = 1
    store.save()
    assert store.session_key != "x" * 32
    assert session_store.SessionStore(session_key=store.session_key)["a"] == 1


def test_tampered_data_is_an_empty_session():
    key = saved(session_store.SessionStore)
    Session.objects.filter(pk=key).update(session_data="no-firmado:abc")
    assert dict(session_store.SessionStore(session_key=key).items()) == {}


def test_the_signed_in_site_uses_it(client, settings):
    assert settings.SESSION_ENGINE == "accounts.session_store"
    user = LearnerFactory()
    client.force_login(user)
    assert client.get("/mi-avance/").status_code == 200
    assert client.session.__class__ is session_store.SessionStore
