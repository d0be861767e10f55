"""Settings for the load test (`make load`, tests/load/storm.py): the site as
production runs it (DEBUG off, the database from DATABASE_URL, Redis and RQ when
REDIS_URL is set), served over plain HTTP on 127.0.0.1 by gunicorn.

What differs from production, and why:
- plain HTTP on 127.0.0.1: no secure cookies, HTTPS redirect or HSTS (the load
  test's client would not send secure cookies over HTTP);
- static files through the finders, as in dev: no collectstatic (the load test
  requests no static file);
- passwords hashed with MD5, as in the test settings: creating hundreds of
  learners would otherwise cost about half a second of CPU each, and no timed
  step checks a password (the learners are signed in before the timed part);
- uploaded and generated files in var/load/, not in the project's media/.
"""

from config.settings.base import *  # noqa: F403
from config.settings.redis_url import *  # noqa: F403

DEBUG = False
SECRET_KEY = "load-test-only-insecure-key"  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": BASE_DIR / "var" / "load" / "private",  # noqa: F405
            "base_url": "/no-public-url/",
        },
    },
}
MEDIA_ROOT = BASE_DIR / "var" / "load" / "media"  # noqa: F405
WHITENOISE_USE_FINDERS = True
ATIENDE_DEMO_ALLOWED = False
# Outermost, so that it counts the whole request (tests/load/middleware.py).
MIDDLEWARE = ["tests.load.middleware.RequestCostMiddleware", *MIDDLEWARE]  # noqa: F405
