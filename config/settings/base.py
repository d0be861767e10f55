"""Settings shared by every mode. Safe defaults: DEBUG off, no secret key here."""

from pathlib import Path

import dj_database_url
import xstatic.pkg.bootstrap
from csp.constants import NONE, SELF

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
    "accounts.middleware.ChosenLanguageMiddleware",
    "accounts.middleware.InputGuardMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.PrivateCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
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
            ],
        },
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

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
# Self-registration creates learners; set False to have HR create every account.
ATIENDE_ALLOW_SIGNUP = True

LANGUAGE_CODE = "es-mx"
# Each language is named in itself, so a reader can always find their own.
LANGUAGES = [("es-mx", "Español"), ("en", "English")]
LOCALE_PATHS = [SITE_DIR / "locale"]
TIME_ZONE = "America/Mexico_City"
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = [("es", "Español"), ("en", "English")]

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
    # Files about a person (evaluation evidence): outside MEDIA_ROOT, never
    # served by URL, only through views that check access.
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
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False

TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend"},
}

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
}

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
# Public verification: at most this many requests per minute per client address.
ATIENDE_VERIFICATION_RATE_LIMIT = 30
# Largest PDF a visitor may upload to check it against the issued file.
ATIENDE_VERIFICATION_MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# Above this many certificates, a bulk ZIP is built by a background task.
ATIENDE_BULK_ZIP_SYNC_LIMIT = 200
# Evidence files attached to observation records: at most this size each.
ATIENDE_EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
