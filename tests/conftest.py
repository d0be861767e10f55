"""Fixtures shared by the whole suite."""

import os
import shutil

import pytest
from django.core.management import call_command

# Live-server browser tests run Django's sync ORM from Playwright's event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None
)
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


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


@pytest.fixture
def demo_password(settings):
    return settings.ATIENDE_DEMO_PASSWORD


def pytest_collection_modifyitems(config, items):
    """Browser tests flush the database (live server): run them after all others,
    whatever else reorders the collection."""
    items.sort(key=lambda item: item.get_closest_marker("e2e") is not None)
