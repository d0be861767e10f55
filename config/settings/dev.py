"""Local development: DEBUG on, a fixed throwaway secret, console e-mail."""

import os
from urllib.parse import urlsplit

from .base import *  # noqa: F403
from .redis_url import *  # noqa: F403

DEBUG = True
SECRET_KEY = "dev-only-insecure-key-never-used-in-production"  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
INTERNAL_IPS = ["127.0.0.1"]
# Serve static files without running collectstatic first.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# The demo staff accounts have a TOTP device with the README's demo secret; a
# developer without an authenticator app may turn the requirement off (accounts
# that have a device are still asked for its code).
ATIENDE_REQUIRE_STAFF_2FA = os.environ.get(
    "ATIENDE_REQUIRE_STAFF_2FA", "true"
).strip().lower() not in {"0", "false", "no", "off"}

# `make run HOST=… PORT=…` exports the address it serves on, so the certificates'
# QR codes and printed URLs, and the admin's links, point at that port.
ATIENDE_PUBLIC_BASE_URL = os.environ.get(
    "ATIENDE_PUBLIC_BASE_URL",
    ATIENDE_PUBLIC_BASE_URL,  # noqa: F405
).rstrip("/")
WAGTAILADMIN_BASE_URL = os.environ.get(
    "WAGTAILADMIN_BASE_URL", ATIENDE_PUBLIC_BASE_URL
).rstrip("/")
_public_host = urlsplit(ATIENDE_PUBLIC_BASE_URL).hostname
if _public_host and _public_host not in ALLOWED_HOSTS:
    ALLOWED_HOSTS.append(_public_host)
