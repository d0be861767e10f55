"""Fixtures for the course tests."""

import pytest
from django.db import transaction


@pytest.fixture(scope="module")
def module_db(django_db_setup, django_db_blocker):
    """A transaction around a whole test module, rolled back at its end, so data
    built once (a small course tree) is shared by the module's tests; each test
    still runs in its own savepoint and cannot leak changes to the next.

    Do not combine with the session ``initial_data`` fixture: if that were first
    loaded inside this transaction it would be rolled back with it.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)
