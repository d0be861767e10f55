"""Fixtures shared by the whole suite."""

import os
import time

import pytest
from django.core.cache import cache, caches
from django.core.management import call_command
from django.test.client import ClientMixin

from accounts import two_factor, user_sessions
from assessments import bank, tasks
from certificates import brand
from courses import content_cache, outline_render
from tests.e2e.chromium import CHROMIUM, CHROMIUM_FLAGS

# Live-server browser tests run Django's sync ORM from Playwright's event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser_type_launch_args():
    if CHROMIUM is None:
        pytest.skip(
            "Browser tests need Debian's chromium: apt-get install -y chromium "
            "(CI installs it)."
        )
    return {"executable_path": CHROMIUM, "args": CHROMIUM_FLAGS, "headless": True}


@pytest.fixture(scope="session")
def initial_data(django_db_setup, django_db_blocker):
    """The EC0305 standard, the whole course and the demo accounts, loaded once per
    test session through the real command."""
    with django_db_blocker.unblock():
        call_command("load_initial_data", demo=True, verbosity=0)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit counters live in a process-wide cache: each test starts with
    none, as the database starts without sign-in failures."""
    caches["ratelimit"].clear()


@pytest.fixture(autouse=True)
def force_login_passes_the_second_factor(monkeypatch):
    """``client.force_login(user)`` stands for a person who finished signing in:
    the password and, when they have or need one, the second factor. Otherwise
    every test that signs staff in this way would first meet the code step
    (ATIENDE_REQUIRE_STAFF_2FA is on in tests, as in production). It also marks
    the session's activity as just recorded, so the first request of a test
    makes the same queries as any other. Tests of the sign-in itself go through
    the forms (tests/accounts/test_two_factor.py)."""
    force_login = ClientMixin.force_login

    def signed_in_completely(self, user, backend=None):
        force_login(self, user, backend)
        session = self.session
        session[two_factor.STATE_KEY] = two_factor.VERIFIED
        session[user_sessions.ACTIVITY_KEY] = int(time.time())
        session.save()

    monkeypatch.setattr(ClientMixin, "force_login", signed_in_completely)


@pytest.fixture(autouse=True)
def _empty_caches():
    """Each test starts with empty caches: a test that changes pages without
    saving them (a queryset update) would otherwise leave outlines and routes
    cached under a content token the next test sees again; and tests that run
    on-commit hooks inside their own transaction cache rows the test then rolls
    back (an assessment's bank naming question versions that no longer exist)."""
    cache.clear()
    content_cache.memo.clear()
    outline_render.cards.clear()
    bank.snapshots.clear()
    # The finalisation tasks this process enqueued went with the test's
    # rollback, and SQLite gives a later test's assessment the same id again.
    tasks._scheduled.clear()
    # The header's brand (certificates.brand) as a site that has served a page
    # has it cached: the issuer settings' defaults, which no test data changes
    # without saving them (and saving drops this). A test's query counts are
    # then those of its own pages, as on a warm site; tests/certificates/
    # test_brand.py checks the first read and the cache.
    cache.set(brand.CACHE_KEY, {"testserver": brand.Brand(name="Atiende")}, None)


@pytest.fixture
def demo_password(settings):
    return settings.ATIENDE_DEMO_PASSWORD


def pytest_collection_modifyitems(config, items):
    """Browser tests flush the database (live server): run them after all others,
    whatever else reorders the collection."""
    items.sort(key=lambda item: item.get_closest_marker("e2e") is not None)
