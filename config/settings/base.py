"""Settings shared by every mode. Safe defaults: DEBUG off, no secret key here."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
import xstatic.pkg.bootstrap
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
SITE_DIR = BASE_DIR / "site"

DEBUG = False
ALLOWED_HOSTS: list[str] = []

INSTALLED_APPS = [
    "portal",
    "compliance",
    "rollout",
    "certificates",
    "evaluation",
    "assessments",
    "courses",
    "standards",
    "accounts",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_ratelimit",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "simple_history",
    "csp",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The content token read once per request (courses.content_cache).
    "courses.content_cache.RequestScopeMiddleware",
    "accounts.middleware.ChosenLanguageMiddleware",
    "accounts.middleware.InputGuardMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Second factor and session activity (accounts.two_factor, accounts.user_sessions).
    "django_otp.middleware.OTPMiddleware",
    "accounts.two_factor.TwoFactorMiddleware",
    "accounts.user_sessions.SessionActivityMiddleware",
    # The audit trail records the signed-in user as the author of each change.
    "simple_history.middleware.HistoryRequestMiddleware",
    "accounts.middleware.PrivateCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into its page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SITE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "accounts.context_processors.navigation",
                "certificates.context_processors.site_brand",
            ],
        },
    },
    {
        # The attempt page's question widgets only (assessments.jinja2_env):
        # found in the apps' jinja2/ folders, never by a page's name.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "APP_DIRS": True,
        "OPTIONS": {"environment": "assessments.jinja2_env.environment"},
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# Embedded default: one SQLite file. Anything else comes through DATABASE_URL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=60
    )
}
# SQLite shared by the site and its task worker (which writes every second):
# transactions take the write lock when they begin (IMMEDIATE), so none has to
# upgrade a read lock midway and fail at once; a writer waits up to 20 s for the
# lock instead of raising "database is locked"; WAL lets readers go on while one
# writes. PostgreSQL (DATABASE_URL) needs none of this.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        **SQLITE_OPTIONS,
        **DATABASES["default"].get("OPTIONS", {}),
    }
# PostgreSQL: parameters bound by the server, and each query prepared on its
# connection from its second run, so that the server parses and plans the
# requests' repeated queries once per connection: about a fifth less database
# CPU for a learner's attempt, start to result (issue 13). Prepared statements
# belong to one server connection: behind a pooler that hands out connections
# per transaction (PgBouncer's transaction mode) set
# DATABASE_PREPARE_THRESHOLD=off.
_prepare = os.environ.get("DATABASE_PREPARE_THRESHOLD", "2").strip().lower()
if _prepare != "off" and not _prepare.isdecimal():
    raise ImproperlyConfigured(
        "DATABASE_PREPARE_THRESHOLD must be a whole number (0 or more) or 'off'."
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    from config.postgres_statements import keep_statements_with_many_parameters

    keep_statements_with_many_parameters()
    DATABASES["default"]["OPTIONS"] = {
        "server_side_binding": True,
        "prepare_threshold": None if _prepare == "off" else int(_prepare),
        **DATABASES["default"].get("OPTIONS", {}),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-axes first: it refuses a locked-out sign-in before any password check.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend, with the user read by a query composed once.
    "accounts.backends.UserBackend",
]

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# Sessions (README "Sesiones y segundo factor"). A session ends after this many
# minutes without a request: SESSION_COOKIE_AGE is the idle limit, and
# accounts.user_sessions slides the expiry at most once a minute (cheaper than
# SESSION_SAVE_EVERY_REQUEST). The attempt page pings while its clock runs, so a
# timed final is never cut by it.
_idle = os.environ.get("ATIENDE_SESSION_IDLE_MINUTES", "30").strip()
if not _idle.isdigit() or not 5 <= int(_idle) <= 24 * 60:
    raise ImproperlyConfigured(
        "ATIENDE_SESSION_IDLE_MINUTES must be a whole number from 5 to 1440."
    )
ATIENDE_SESSION_IDLE_MINUTES = int(_idle)
SESSION_COOKIE_AGE = ATIENDE_SESSION_IDLE_MINUTES * 60
# In the database (Django's table), read by one precomposed statement
# (accounts.session_store); in Redis when REDIS_URL is set (redis_url.py).
SESSION_ENGINE = "accounts.session_store"
# Staff share workstations: by default the session also ends when the browser
# closes (a session cookie). ATIENDE_SHARED_WORKSTATIONS=false keeps it until the
# idle limit, for sites where each person has their own device.
SESSION_EXPIRE_AT_BROWSER_CLOSE = os.environ.get(
    "ATIENDE_SHARED_WORKSTATIONS", "true"
).strip().lower() not in {"0", "false", "no", "off"}
# Two-factor sign-in (django-otp, TOTP plus recovery codes): required for every
# staff role and superusers (accounts.two_factor.required), optional for learners.
# Production keeps it on; only dev may turn it off (ATIENDE_REQUIRE_STAFF_2FA).
ATIENDE_REQUIRE_STAFF_2FA = True
OTP_TOTP_ISSUER = "Atiende"
# Django's admin lists devices without their secret keys.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Self-registration creates learners; set False to have HR create every account.
ATIENDE_ALLOW_SIGNUP = True

LANGUAGE_CODE = "es-mx"
# Each language is named in itself, so a reader can always find their own.
LANGUAGES = [("es-mx", "Español"), ("en", "English")]
# The project's catalogues (made by makemessages), then the Spanish for the
# Wagtail admin messages Wagtail's own catalogue leaves in English (only those;
# accounts.wagtail_catalogue, `manage.py wagtail_es_gaps`).
ATIENDE_WAGTAIL_LOCALE_DIR = SITE_DIR / "wagtail_locale"
LOCALE_PATHS = [SITE_DIR / "locale", ATIENDE_WAGTAIL_LOCALE_DIR]
TIME_ZONE = "America/Mexico_City"
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = False
# The admin speaks the language chosen on the site (the switcher), unless the
# person picked one in their Wagtail account preferences: Wagtail follows the
# active language when it is one of these, so they are the site's languages.
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    SITE_DIR / "static",
    ("vendor/bootstrap", xstatic.pkg.bootstrap.BASE_DIR),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = BASE_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Files about a person (certificate PDFs, bulk ZIPs, DC-3s, evidence, Wagtail
    # documents): outside MEDIA_ROOT, never served by URL, only through views
    # that check access (accounts.private_files).
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": BASE_DIR / "private", "base_url": "/no-public-url/"},
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Content-Security-Policy (django-csp): the site's pages load scripts, styles,
# fonts and images from the site only; no inline script or style (page data
# travels in data-* attributes or json_script), no plugins, no framing by
# anyone. Charts are images with data: URLs. The Wagtail and Django admins are
# left out: their editors depend on inline scripts and styles (Wagtail's own
# CSP support is incomplete), and they serve only signed-in staff, framed by
# nobody (X-Frame-Options DENY holds there too).
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/", "/django-admin/"],
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

WAGTAIL_SITE_NAME = "Atiende"
# The admin's address in e-mails; dev reads it (and ATIENDE_PUBLIC_BASE_URL below)
# from the environment `make run` sets, production from the deployment's.
WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8000"
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # no request to outside hosts
WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": "wagtail.search.backends.database"},
}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "txt", "xlsx"]
# Documents live in the private storage (courses.PrivateDocument) and are served by
# Wagtail's view to signed-in users only (courses/wagtail_hooks.py), through
# accounts.private_files (so the X-Accel-Redirect/X-Sendfile modes apply).
WAGTAILDOCS_DOCUMENT_MODEL = "courses.PrivateDocument"
WAGTAILDOCS_SERVE_METHOD = "serve_view"
SENDFILE_BACKEND = "accounts.private_files"
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False

TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend"},
}

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # Rate-limit counters (accounts.rate_limits). In one process (dev, tests) a
    # local-memory cache is exact; production points this alias at Redis when
    # REDIS_URL is set, so that every worker shares one count.
    "ratelimit": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "ratelimit",
    },
}

# Beyond one machine, dev and production read REDIS_URL (settings/redis_url.py).
# Shows the health checks' details (/salud/) to a caller that sends it as a bearer
# token; empty: none accepted (superusers signed in see them anyway).
ATIENDE_HEALTH_TOKEN = ""

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = "Atiende <no-responder@atiende.local>"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# Demo accounts and data may be created (load_initial_data --demo); never in production.
ATIENDE_DEMO_ALLOWED = True
ATIENDE_DEMO_PASSWORD = "atiende-demo"  # noqa: S105 (public demo password)
# With the demo accounts, the generated rollout (forty staff, two cohorts, the
# funnel). Test settings turn it off: most tests count rows of their own.
ATIENDE_DEMO_ROLLOUT = True

# Certificates: months of validity, and the reminder window before expiry.
ATIENDE_CERTIFICATE_VALIDITY_MONTHS = 24
# The standard whose valid certificate a multiplicador must hold (rollout).
ATIENDE_TRAINER_STANDARD = "EC0305"
ATIENDE_CERTIFICATE_EXPIRY_NOTICE_DAYS = 60
# Where the public verification pages live: the QR code and the PDF carry
# ATIENDE_PUBLIC_BASE_URL + /verificar/<code>/ (dev and production: from the
# environment; read it through accounts.public_url.public_base_url()).
ATIENDE_PUBLIC_BASE_URL = "http://127.0.0.1:8000"
# Largest PDF a visitor may upload to check it against the issued file.
ATIENDE_VERIFICATION_MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# Above this many certificates, a bulk ZIP is built by a background task.
ATIENDE_BULK_ZIP_SYNC_LIMIT = 200
# Evidence files attached to observation records: at most this size each.
ATIENDE_EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
# Private files (accounts.private_files): "" streams them from Django; "nginx"
# answers with X-Accel-Redirect to ATIENDE_PRIVATE_FILES_ACCEL_PREFIX (an
# `internal` location aliased to the private folder); "apache" with X-Sendfile.
ATIENDE_PRIVATE_FILES_ACCEL = ""
ATIENDE_PRIVATE_FILES_ACCEL_PREFIX = "/private-files/"
# On object storage: seconds a presigned download URL stays valid.
ATIENDE_PRIVATE_URL_EXPIRY = 60
# Where `manage.py backup` writes its archives when no --output is given.
ATIENDE_BACKUP_DIR = BASE_DIR / "backups"

# ---------------------------------------------------------------- access control
# The client's address behind this many reverse proxies that append to
# X-Forwarded-For (0: the site is reached directly; REMOTE_ADDR is the client).
# Read only through accounts.client_ip.client_ip (rate limits and lock-out).
ATIENDE_TRUSTED_PROXY_COUNT = 0

# Sign-in lock-out (django-axes), on the site's, Wagtail's and Django's admin
# sign-in: after AXES_FAILURE_LIMIT wrong passwords for one account from one
# client address, that account is locked at that address; after
# ATIENDE_LOGIN_CLIENT_FAILURE_LIMIT wrong passwords from one address, for any
# accounts, the address is locked (kept higher: a whole office may share one
# address). Each lock lasts AXES_COOLOFF_TIME; a successful sign-in clears the
# count. Failures are kept in the database, so every worker sees them.
AXES_HANDLER = "accounts.lockout.LockoutHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_FAILURE_LIMIT = 5
ATIENDE_LOGIN_CLIENT_FAILURE_LIMIT = 30
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "accounts.client_ip.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429

# Rate limits (django-ratelimit rates, e.g. "30/m"; empty turns one off), counted
# per client address unless said otherwise. See accounts/rate_limits.py.
RATELIMIT_USE_CACHE = "ratelimit"
RATELIMIT_IP_META_KEY = "accounts.client_ip.client_ip"
# Public certificate verification.
ATIENDE_VERIFICATION_RATE_LIMIT = "30/m"
# Sign-up and password-reset requests from one client address (valid forms
# only: a typo costs nothing; an office behind one address needs room).
ATIENDE_SIGNUP_RATE_LIMIT = "20/h"
ATIENDE_PASSWORD_RESET_RATE_LIMIT = "20/h"
# E-mails the sign-up and password-reset forms send to one address, from any
# client: nobody can flood someone else's mailbox through them.
ATIENDE_EMAIL_PER_ADDRESS_RATE_LIMIT = "3/h"
# The local-memory "ratelimit" cache is exact within one process (dev, tests, a
# single-process server); django-ratelimit refuses it because several workers
# would each count on their own. Production with REDIS_URL uses Redis and
# re-enables both checks.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]
