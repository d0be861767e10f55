"""Settings in every mode: they load, production refuses to start without its
secrets and is hardened, and the site-wide choices (language, zone, no outside
requests) hold."""

import functools
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError

BASE_DIR = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "test-production-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "DJANGO_ALLOWED_HOSTS": "atiende.example.org, www.atiende.example.org",
}

# Printed as JSON by the child process, so each mode is read the same way.
REPORTED = [
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "LANGUAGE_CODE",
    "TIME_ZONE",
    "USE_I18N",
    "USE_TZ",
    "WAGTAIL_GRAVATAR_PROVIDER_URL",
    "ATIENDE_DEMO_ALLOWED",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_PROXY_SSL_HEADER",
    "X_FRAME_OPTIONS",
]

PROBE = textwrap.dedent(
    f"""
    import json
    import django
    from django.conf import settings
    django.setup()
    print(json.dumps({{
        name: getattr(settings, name, None) for name in {REPORTED!r}
    }}, default=str))
    """
)


def _clean_env(**extra: str) -> dict[str, str]:
    """The current environment without anything that would change the settings."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "WAGTAIL"))
    }
    return {**env, **extra}


def _run(module: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=BASE_DIR,
        env=_clean_env(DJANGO_SETTINGS_MODULE=module, **env),
        capture_output=True,
        text=True,
        timeout=120,
    )


@functools.cache
def _load_cached(module: str, env: frozenset) -> str:
    result = _run(module, **dict(env))
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def _load(module: str, **env: str) -> dict:
    """The settings of one mode, read once per test run (each read is a process)."""
    return json.loads(_load_cached(module, frozenset(env.items())))


@pytest.fixture
def production():
    return _load("config.settings.production", **PRODUCTION_ENV)


@pytest.mark.parametrize(
    ("module", "env", "debug"),
    [
        ("config.settings.dev", {}, True),
        ("config.settings.test", {}, False),
        ("config.settings.production", PRODUCTION_ENV, False),
    ],
    ids=["dev", "test", "production"],
)
def test_settings_load_in_every_mode(module, env, debug):
    """django.setup() succeeds in each mode; only dev runs with DEBUG on, and each
    mode has a secret key."""
    loaded = _load(module, **env)
    assert loaded["DEBUG"] is debug
    assert loaded["SECRET_KEY"]


def test_base_settings_default_to_debug_off():
    """The shared base is safe on its own: DEBUG off and no host allowed."""
    from config.settings import base

    assert base.DEBUG is False
    assert base.ALLOWED_HOSTS == []
    assert not hasattr(base, "SECRET_KEY")


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"])
@pytest.mark.parametrize("value", [None, "   "], ids=["unset", "blank"])
def test_production_refuses_to_start_without_a_required_variable(missing, value):
    """Production without a secret key or allowed hosts fails with
    ImproperlyConfigured naming the missing variable, not with a default."""
    env = dict(PRODUCTION_ENV)
    if value is None:
        del env[missing]
    else:
        env[missing] = value
    result = _run("config.settings.production", **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr


def test_production_takes_secret_and_hosts_from_the_environment(production):
    """The secret key and the comma-separated hosts come from the environment."""
    assert production["SECRET_KEY"] == PRODUCTION_ENV["DJANGO_SECRET_KEY"]
    assert production["ALLOWED_HOSTS"] == [
        "atiende.example.org",
        "www.atiende.example.org",
    ]


def test_production_is_hardened(production):
    """Production sends cookies over HTTPS only, redirects to HTTPS, sets HSTS for a
    year with subdomains, a same-origin referrer policy and nosniff."""
    assert production["SESSION_COOKIE_SECURE"] is True
    assert production["CSRF_COOKIE_SECURE"] is True
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert production["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert production["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert production["SECURE_REFERRER_POLICY"] == "same-origin"
    assert production["X_FRAME_OPTIONS"] == "DENY"
    assert production["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_production_never_allows_demo_accounts(production):
    """Demo accounts have a public password: production turns them off."""
    assert production["ATIENDE_DEMO_ALLOWED"] is False


def test_production_passes_the_deployment_checks():
    """`manage.py check --deploy` finds nothing to warn about in production."""
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
        ],
        cwd=BASE_DIR,
        env=_clean_env(
            DJANGO_SETTINGS_MODULE="config.settings.production", **PRODUCTION_ENV
        ),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("module", "env"),
    [
        ("config.settings.dev", {}),
        ("config.settings.test", {}),
        ("config.settings.production", PRODUCTION_ENV),
    ],
    ids=["dev", "test", "production"],
)
def test_site_wide_choices_hold_in_every_mode(module, env):
    """Mexican Spanish and Mexico City time everywhere, with i18n and aware
    datetimes on, and no Gravatar requests to an outside host."""
    loaded = _load(module, **env)
    assert loaded["LANGUAGE_CODE"] == "es-mx"
    assert loaded["TIME_ZONE"] == "America/Mexico_City"
    assert loaded["USE_I18N"] is True
    assert loaded["USE_TZ"] is True
    assert loaded["WAGTAIL_GRAVATAR_PROVIDER_URL"] is None


def test_the_running_settings_are_spanish_and_offline(settings):
    """The settings this suite runs with agree with the site-wide choices."""
    assert settings.LANGUAGE_CODE == "es-mx"
    assert settings.TIME_ZONE == "America/Mexico_City"
    assert settings.WAGTAIL_GRAVATAR_PROVIDER_URL is None
    assert ("en", "English") in settings.LANGUAGES


@pytest.mark.django_db
def test_demo_data_is_refused_when_not_allowed(settings):
    """load_initial_data --demo raises CommandError, and creates no account, when
    ATIENDE_DEMO_ALLOWED is False (as in production)."""
    settings.ATIENDE_DEMO_ALLOWED = False
    users_before = User.objects.count()
    with pytest.raises(CommandError, match="--demo"):
        call_command("load_initial_data", demo=True, verbosity=0)
    assert User.objects.count() == users_before
