"""Production: every secret from the environment; refuse to start without them."""

import os

from django.core.exceptions import ImproperlyConfigured

from config.object_storage import private_url_expiry, storages_from_environment

from .base import *  # noqa: F403
from .redis_url import *  # noqa: F403


def _required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(
            f"The environment variable {name} is required in production settings."
        )
    return value


SECRET_KEY = _required("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = [h.strip() for h in _required("DJANGO_ALLOWED_HOSTS").split(",")]
ALLOWED_HOSTS = [host for host in ALLOWED_HOSTS if host]
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS names no host.")
CSRF_TRUSTED_ORIGINS = [
    o.strip()
    for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",")
    if o.strip()
]
WAGTAILADMIN_BASE_URL = os.environ.get(
    "WAGTAILADMIN_BASE_URL", f"https://{ALLOWED_HOSTS[0]}"
)
# The address printed on certificates (QR code): the public site, not the admin.
ATIENDE_PUBLIC_BASE_URL = os.environ.get(
    "ATIENDE_PUBLIC_BASE_URL", WAGTAILADMIN_BASE_URL
).rstrip("/")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = os.environ.get("DJANGO_SECURE_SSL_REDIRECT", "true") == "true"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Load balancers probe the health endpoint over plain HTTP on each app server.
SECURE_REDIRECT_EXEMPT = [r"^salud/$"]
ATIENDE_HEALTH_TOKEN = os.environ.get("ATIENDE_HEALTH_TOKEN", "").strip()

# Reverse proxies in front of the site that append to X-Forwarded-For (nginx,
# a load balancer): the client's address is read behind this many of them.
try:
    ATIENDE_TRUSTED_PROXY_COUNT = int(
        os.environ.get("ATIENDE_TRUSTED_PROXY_COUNT", "0")
    )
except ValueError:
    ATIENDE_TRUSTED_PROXY_COUNT = -1
if ATIENDE_TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured(
        "ATIENDE_TRUSTED_PROXY_COUNT must be a whole number, 0 or more."
    )

if email_url := os.environ.get("DJANGO_EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = email_url
    EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = True

# Private files behind the web server (README "Archivos privados") and on
# S3-compatible object storage (config/object_storage.py).
ATIENDE_PRIVATE_FILES_ACCEL = os.environ.get("ATIENDE_PRIVATE_FILES_ACCEL", "")
if ATIENDE_PRIVATE_FILES_ACCEL not in ("", "nginx", "apache"):
    raise ImproperlyConfigured(
        "ATIENDE_PRIVATE_FILES_ACCEL must be empty, 'nginx' or 'apache'."
    )
ATIENDE_PRIVATE_FILES_ACCEL_PREFIX = os.environ.get(
    "ATIENDE_PRIVATE_FILES_ACCEL_PREFIX",
    ATIENDE_PRIVATE_FILES_ACCEL_PREFIX,  # noqa: F405
)
ATIENDE_PRIVATE_URL_EXPIRY = private_url_expiry(os.environ)
STORAGES = storages_from_environment(os.environ, STORAGES)  # noqa: F405
ATIENDE_BACKUP_DIR = os.environ.get("ATIENDE_BACKUP_DIR", ATIENDE_BACKUP_DIR)  # noqa: F405

LOGGING["root"]["level"] = os.environ.get("DJANGO_LOG_LEVEL", "INFO")  # noqa: F405

ATIENDE_DEMO_ALLOWED = False

# Staff always sign in with a second factor in production, whatever the
# environment says (base.py explains the setting).
ATIENDE_REQUIRE_STAFF_2FA = True
