"""Production wiring of the access controls: rate-limit counters go to Redis
(and django-ratelimit's checks come back) when REDIS_URL is set, stay in the
process's memory otherwise; the trusted proxy count comes from the environment
and a bad one stops the start."""

import json
import subprocess
import sys
import textwrap

import pytest

from tests.config.test_settings import BASE_DIR, PRODUCTION_ENV, _clean_env

PROBE = textwrap.dedent(
    """
    import json
    import django
    from django.conf import settings
    django.setup()
    print(json.dumps({
        "ratelimit_cache": settings.CACHES[settings.RATELIMIT_USE_CACHE]["BACKEND"],
        "silenced": settings.SILENCED_SYSTEM_CHECKS,
        "proxies": settings.ATIENDE_TRUSTED_PROXY_COUNT,
        "axes_ip": settings.AXES_CLIENT_IP_CALLABLE,
        "ratelimit_ip": settings.RATELIMIT_IP_META_KEY,
    }))
    """
)


def production(**env):
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=BASE_DIR,
        env=_clean_env(
            DJANGO_SETTINGS_MODULE="config.settings.production",
            **PRODUCTION_ENV,
            **env,
        ),
        capture_output=True,
        text=True,
        timeout=120,
    )


def read(result) -> dict:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_with_redis_the_counters_are_shared_and_checked():
    found = read(
        production(
            REDIS_URL="redis://127.0.0.1:6379/3", ATIENDE_TRUSTED_PROXY_COUNT="2"
        )
    )
    assert found["ratelimit_cache"] == "django_redis.cache.RedisCache"
    assert not [c for c in found["silenced"] if c.startswith("django_ratelimit")]
    assert found["proxies"] == 2


def test_without_redis_the_counters_stay_in_memory_and_no_proxy_is_trusted():
    found = read(production())
    assert found["ratelimit_cache"].endswith("LocMemCache")
    assert "django_ratelimit.E003" in found["silenced"]
    assert found["proxies"] == 0
    # One rule for the client's address, for the lock-out and the limits alike.
    assert found["axes_ip"] == found["ratelimit_ip"] == "accounts.client_ip.client_ip"


@pytest.mark.parametrize("bad", ["-1", "uno", "1.5"])
def test_a_bad_proxy_count_stops_the_start(bad):
    result = production(ATIENDE_TRUSTED_PROXY_COUNT=bad)
    assert result.returncode != 0
    assert "ATIENDE_TRUSTED_PROXY_COUNT must be a whole number" in result.stderr
