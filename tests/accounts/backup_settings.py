"""Settings for the backup round trip's child processes: the test settings with
the database (DATABASE_URL), media and private folders taken from the
environment, so each process works on its own copies."""

import os

from config.settings.test import *  # noqa: F403

MEDIA_ROOT = os.environ["ATIENDE_TEST_MEDIA_ROOT"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": os.environ["ATIENDE_TEST_PRIVATE_ROOT"]},
    },
}
