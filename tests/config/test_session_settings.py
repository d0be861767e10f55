"""The session and second-factor settings read from the environment: the idle
limit (ATIENDE_SESSION_IDLE_MINUTES), browser-close sessions for shared
workstations (ATIENDE_SHARED_WORKSTATIONS) and the staff's second factor, which
only dev may turn off."""

import json
import subprocess
import sys
import textwrap

import pytest

from tests.config.test_settings import BASE_DIR, PRODUCTION_ENV, _clean_env

NAMES = [
    "ATIENDE_SESSION_IDLE_MINUTES",
    "SESSION_COOKIE_AGE",
    "SESSION_EXPIRE_AT_BROWSER_CLOSE",
    "ATIENDE_REQUIRE_STAFF_2FA",
]
PROBE = textwrap.dedent(
    f"""
    import json
    import django
    from django.conf import settings
    django.setup()
    print(json.dumps({{name: getattr(settings, name) for name in {NAMES!r}}}))
    """
)


def _run(module: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=BASE_DIR,
        env=_clean_env(DJANGO_SETTINGS_MODULE=module, **env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def _load(module: str, **env: str) -> dict:
    result = _run(module, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_defaults_suit_shared_workstations():
    loaded = _load("config.settings.production", **PRODUCTION_ENV)
    assert loaded == {
        "ATIENDE_SESSION_IDLE_MINUTES": 30,
        "SESSION_COOKIE_AGE": 1800,
        "SESSION_EXPIRE_AT_BROWSER_CLOSE": True,
        "ATIENDE_REQUIRE_STAFF_2FA": True,
    }


def test_the_environment_sets_the_idle_limit_and_browser_close_but_not_2fa():
    loaded = _load(
        "config.settings.production",
        **PRODUCTION_ENV,
        ATIENDE_SESSION_IDLE_MINUTES="15",
        ATIENDE_SHARED_WORKSTATIONS="false",
        ATIENDE_REQUIRE_STAFF_2FA="false",
    )
    assert loaded["SESSION_COOKIE_AGE"] == 15 * 60
    assert loaded["SESSION_EXPIRE_AT_BROWSER_CLOSE"] is False
    assert loaded["ATIENDE_REQUIRE_STAFF_2FA"] is True


def test_dev_may_turn_the_staff_second_factor_off():
    assert _load("config.settings.dev")["ATIENDE_REQUIRE_STAFF_2FA"] is True
    off = _load("config.settings.dev", ATIENDE_REQUIRE_STAFF_2FA="false")
    assert off["ATIENDE_REQUIRE_STAFF_2FA"] is False


@pytest.mark.parametrize("value", ["0", "4", "1441", "treinta", "-5", "30.5"])
def test_an_unusable_idle_limit_refuses_to_start(value):
    result = _run(
        "config.settings.production",
        **PRODUCTION_ENV,
        ATIENDE_SESSION_IDLE_MINUTES=value,
    )
    assert result.returncode != 0
    assert "ATIENDE_SESSION_IDLE_MINUTES must be a whole number" in result.stderr
