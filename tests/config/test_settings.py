"""Settings in every mode: they load, production refuses to start without its
secrets and is hardened, and the site-wide choices (language, zone, no outside
requests) hold."""

import functools
import json
import os
import shutil
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
    "SESSION_COOKIE_NAME",
    "SESSION_COOKIE_DOMAIN",
    "SESSION_COOKIE_PATH",
    "CSRF_COOKIE_NAME",
    "CSRF_COOKIE_DOMAIN",
    "CSRF_COOKIE_PATH",
    "LANGUAGE_COOKIE_NAME",
    "LANGUAGE_COOKIE_SECURE",
    "LANGUAGE_COOKIE_DOMAIN",
    "LANGUAGE_COOKIE_PATH",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_PROXY_SSL_HEADER",
    "X_FRAME_OPTIONS",
    "ATIENDE_PUBLIC_BASE_URL",
    "WAGTAILADMIN_BASE_URL",
    "DATABASES",
    "CACHES",
    "SESSION_ENGINE",
    "TASKS",
    "RQ_QUEUES",
    "RQ",
    "INSTALLED_APPS",
    "SECURE_REDIRECT_EXEMPT",
    # Sessions and the second factor (tests/config/test_session_settings.py).
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
        if not key.startswith(
            ("DJANGO_", "DATABASE_", "REDIS_URL", "WAGTAIL", "ATIENDE_")
        )
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


@pytest.mark.parametrize("cookie", ["SESSION", "CSRF", "LANGUAGE"])
def test_production_cookies_are_host_prefixed(production, cookie):
    """The session, CSRF and language cookies are "__Host-" cookies: Secure, for
    the whole site (path "/") and without a Domain, or browsers would refuse
    them."""
    assert production[f"{cookie}_COOKIE_NAME"].startswith("__Host-")
    assert production[f"{cookie}_COOKIE_SECURE"] is True
    assert production[f"{cookie}_COOKIE_PATH"] == "/"
    assert production[f"{cookie}_COOKIE_DOMAIN"] is None


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


def test_dev_points_public_links_at_the_address_make_run_serves():
    """`make run HOST=… PORT=…` exports the address it serves on; dev settings
    take the public base URL and the admin's from it (trailing slash dropped)."""
    loaded = _load(
        "config.settings.dev", ATIENDE_PUBLIC_BASE_URL="http://127.0.0.1:8123/"
    )
    assert loaded["ATIENDE_PUBLIC_BASE_URL"] == "http://127.0.0.1:8123"
    assert loaded["WAGTAILADMIN_BASE_URL"] == "http://127.0.0.1:8123"
    default = _load("config.settings.dev")
    assert default["ATIENDE_PUBLIC_BASE_URL"] == "http://127.0.0.1:8000"
    assert default["WAGTAILADMIN_BASE_URL"] == "http://127.0.0.1:8000"


def test_dev_allows_the_host_of_its_public_address():
    """Serving on another host name (make run HOST=…) is allowed in dev."""
    loaded = _load(
        "config.settings.dev", ATIENDE_PUBLIC_BASE_URL="http://atiende.lan:8101"
    )
    assert "atiende.lan" in loaded["ALLOWED_HOSTS"]


def test_production_takes_the_public_address_from_the_environment():
    """Production prints ATIENDE_PUBLIC_BASE_URL on certificates, or else the
    admin's address, which defaults to https://<first allowed host>."""
    assert (
        _load("config.settings.production", **PRODUCTION_ENV)["ATIENDE_PUBLIC_BASE_URL"]
        == "https://atiende.example.org"
    )
    loaded = _load(
        "config.settings.production",
        ATIENDE_PUBLIC_BASE_URL="https://verifica.example.org/",
        **PRODUCTION_ENV,
    )
    assert loaded["ATIENDE_PUBLIC_BASE_URL"] == "https://verifica.example.org"


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_run_exports_its_address_to_the_server_and_the_worker():
    """`make run PORT=8101` hands http://127.0.0.1:8101 to the data loader, the
    worker and runserver, and the worker logs inside the project (git-ignored)."""
    result = subprocess.run(
        ["make", "--no-print-directory", "-n", "run", "PORT=8101"],
        cwd=BASE_DIR,
        env={
            key: value
            for key, value in os.environ.items()
            if key not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    public = "ATIENDE_PUBLIC_BASE_URL=http://127.0.0.1:8101"
    for command in ("load_initial_data", "db_worker", "runserver 127.0.0.1:8101"):
        assert any(command in line and public in line for line in lines), command
    assert "var/log/worker.log" in result.stdout
    assert "/tmp/atiende-worker.log" not in result.stdout


@pytest.mark.parametrize(
    ("module", "env"),
    [("config.settings.dev", {}), ("config.settings.test", {})],
    ids=["dev", "test"],
)
def test_sqlite_is_set_for_a_site_and_its_worker(module, env):
    """On SQLite: IMMEDIATE transactions, a 20 s busy timeout, WAL."""
    options = _load(module, **env)["DATABASES"]["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] == 20
    assert "journal_mode=WAL" in options["init_command"]


def test_postgresql_gets_no_sqlite_options():
    """DATABASE_URL naming PostgreSQL keeps its own (empty) options."""
    loaded = _load(
        "config.settings.dev",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/test",
    )
    options = loaded["DATABASES"]["default"].get("OPTIONS", {})
    assert "transaction_mode" not in options
    assert "init_command" not in options


@pytest.mark.parametrize(
    ("threshold", "expected"),
    [(None, 2), ("5", 5), ("0", 0), ("off", None), (" OFF ", None)],
    ids=["default", "five", "zero", "off", "off-spaced"],
)
def test_postgresql_binds_on_the_server_and_prepares_repeated_queries(
    threshold, expected
):
    """On PostgreSQL the server binds the parameters and each query is prepared
    on its connection from its second run (DATABASE_PREPARE_THRESHOLD; ``off``
    for a pooler that hands out connections per transaction)."""
    env = {"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/test"}
    if threshold is not None:
        env["DATABASE_PREPARE_THRESHOLD"] = threshold
    options = _load("config.settings.dev", **env)["DATABASES"]["default"]["OPTIONS"]
    assert options["server_side_binding"] is True
    assert options["prepare_threshold"] == expected


@pytest.mark.parametrize("threshold", ["soon", "-1", "2.5", "²"])
def test_a_prepare_threshold_that_is_not_a_count_or_off_refuses_to_start(threshold):
    result = _run(
        "config.settings.dev",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/test",
        DATABASE_PREPARE_THRESHOLD=threshold,
    )
    assert result.returncode != 0
    assert "DATABASE_PREPARE_THRESHOLD must be" in result.stderr


def test_sqlite_gets_no_postgresql_options():
    options = _load("config.settings.dev")["DATABASES"]["default"]["OPTIONS"]
    assert "server_side_binding" not in options
    assert "prepare_threshold" not in options
