"""Fixtures the certificate tests share (one copy each).

- ``fresh_media``: certificate files in a temporary media folder, and no
  certificate or bulk job left (the session's demo data issues one); modules
  that count certificates use it with ``pytest.mark.usefixtures``.
- ``rate_limit_cleared``: the seeded content, and the verification rate limit
  emptied before and after the test.
- ``hr``: an HR user with a name and an address.
- ``certificate``: the certificate the ``learner`` of the module gets by passing
  the final assessment through the real services.
"""

import pytest

from tests.factories import HRFactory, delete_all_certificates

from .support import clear_rate_limit, pass_final


@pytest.fixture
def fresh_media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    delete_all_certificates()


@pytest.fixture
def rate_limit_cleared(initial_data):
    clear_rate_limit()
    yield
    clear_rate_limit()


@pytest.fixture
def hr():
    return HRFactory(first_name="Rita", last_name="Humana", email="rh@example.com")


@pytest.fixture
def certificate(learner):
    return pass_final(learner)
