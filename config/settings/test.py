"""Test runs: fast hashing, immediate tasks, in-memory e-mail, no manifest."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-insecure-key"  # noqa: S105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# The shared demo data leaves out the generated rollout; its own tests build it.
ATIENDE_DEMO_ROLLOUT = False
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Uploaded and generated files (certificate PDFs) go to a scratch directory, not
# to the project's media/.
MEDIA_ROOT = Path(tempfile.gettempdir()) / "atiende-test-media"
STORAGES["private"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {
        "location": Path(tempfile.gettempdir()) / "atiende-test-private",
        "base_url": "/no-public-url/",
    },
}
# Tests travel in time across an attempt's deadline and back with one signed-in
# client: the idle limit stays out of their way here and has its own tests
# (tests/accounts/test_user_sessions.py), which set it back to 30 minutes.
ATIENDE_SESSION_IDLE_MINUTES = 14 * 24 * 60
SESSION_COOKIE_AGE = ATIENDE_SESSION_IDLE_MINUTES * 60
