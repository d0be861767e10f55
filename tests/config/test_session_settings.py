"""The session and second-factor settings read from the environment: the idle
limit (ATIENDE_SESSION_IDLE_MINUTES), browser-close sessions for shared
workstations (ATIENDE_SHARED_WORKSTATIONS) and the staff's second factor, which
only dev may turn off."""

import pytest

from tests.config.test_settings import PRODUCTION_ENV, _load, _run

NAMES = [
    "ATIENDE_SESSION_IDLE_MINUTES",
    "SESSION_COOKIE_AGE",
    "SESSION_EXPIRE_AT_BROWSER_CLOSE",
    "ATIENDE_REQUIRE_STAFF_2FA",
]


def _read(module: str, **env: str) -> dict:
    return {name: _load(module, **env)[name] for name in NAMES}


def test_production_defaults_suit_shared_workstations():
    loaded = _read("config.settings.production", **PRODUCTION_ENV)
    assert loaded == {
        "ATIENDE_SESSION_IDLE_MINUTES": 30,
        "SESSION_COOKIE_AGE": 1800,
        "SESSION_EXPIRE_AT_BROWSER_CLOSE": True,
        "ATIENDE_REQUIRE_STAFF_2FA": True,
    }


def test_the_environment_sets_the_idle_limit_and_browser_close_but_not_2fa():
    loaded = _read(
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
    assert _read("config.settings.dev")["ATIENDE_REQUIRE_STAFF_2FA"] is True
    off = _read("config.settings.dev", ATIENDE_REQUIRE_STAFF_2FA="false")
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
