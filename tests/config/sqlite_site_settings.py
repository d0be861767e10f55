"""Settings for tests that run the site's processes against one SQLite file, as
`make run` does: the test settings with the database task backend (so the worker
has a queue to poll). DATABASE_URL names the file; base.py adds the SQLite
options."""

from config.settings.test import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
