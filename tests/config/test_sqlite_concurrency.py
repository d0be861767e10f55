"""SQLite holds one site and its task worker: while `manage.py db_worker` polls
the same database file (a write every poll), 20 learners start an attempt, save
every answer and submit at the same time, and not one request fails with
"database is locked" nor loses an answer.

The database is a real file (WAL, the busy timeout and IMMEDIATE transactions
mean nothing to the in-memory test database): a copy of the test database with
the seeded EC0305 content, used by two processes, the worker and a driver whose
threads call the attempt services, each thread with its own connection. Runs
only when the suite runs on SQLite.
"""

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from django.db import connection

BASE_DIR = Path(__file__).resolve().parents[2]
LEARNERS = 20
TIMEOUT = 120  # seconds the driver may take before the test counts it as hung

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "sqlite",
        reason="An SQLite test: PostgreSQL locks rows, not the whole database.",
    ),
    pytest.mark.django_db,
]

# Each thread: a learner starts the diagnostic assessment, saves an answer to
# every question, then submits; all threads start at the same moment.
DRIVER = textwrap.dedent(
    """
    import json, threading, traceback
    import django
    django.setup()
    from django.contrib.auth.models import User
    from django.db import connection
    from assessments.attempt_services import (
        attempt_save_answer, attempt_start, attempt_submit,
    )
    from assessments.models import AssessmentPage, Attempt, Response
    from tests.factories import answer_for

    LEARNERS = {learners}
    assessment = AssessmentPage.objects.live().get(
        mode=AssessmentPage.Mode.DIAGNOSTIC
    )
    connection.close()
    barrier = threading.Barrier(LEARNERS)
    errors, saved = [], []

    def learner(index):
        try:
            barrier.wait(timeout=60)
            user = User.objects.create_user(f"concurrent-{{index}}", password="x")
            attempt = attempt_start(learner=user, assessment=assessment)
            responses = list(attempt.responses.select_related("version"))
            for response in responses:
                attempt_save_answer(
                    attempt=attempt,
                    position=response.position,
                    raw_answer=answer_for(response.version.payload),
                )
            attempt_submit(attempt=attempt)
            saved.append(len(responses))
        except Exception:
            errors.append(traceback.format_exc())
        finally:
            connection.close()

    threads = [threading.Thread(target=learner, args=(i,)) for i in range(LEARNERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    attempts = Attempt.objects.filter(learner__username__startswith="concurrent-")
    print(json.dumps({{
        "errors": errors,
        "expected_answers": sum(saved),
        "stored_answers": Response.objects.filter(
            attempt__in=attempts, answer__isnull=False
        ).count(),
        "submitted": attempts.filter(status=Attempt.Status.SUBMITTED).count(),
    }}))
    """
)


@pytest.fixture(scope="module")
def database_file(initial_data, django_db_blocker, tmp_path_factory) -> Path:
    """The test database (migrated, EC0305 loaded) written to a file. Module
    scoped, so it runs before the test's own transaction opens: an open IMMEDIATE
    transaction would block the copy."""
    path = tmp_path_factory.mktemp("sqlite-site") / "db.sqlite3"
    with django_db_blocker.unblock():
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    return path


def test_learners_and_the_worker_share_the_sqlite_file(database_file):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL"))
    }
    env.update(
        DATABASE_URL=f"sqlite:///{database_file}",
        DJANGO_SETTINGS_MODULE="tests.config.sqlite_site_settings",
    )
    # A worker polling ten times a second: the site's own worker, only keener.
    worker = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--queue-name",
            "*",
            "--interval",
            "0.1",
            "--no-startup-delay",
            "--no-reload",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        time.sleep(1)  # let the worker start polling
        assert worker.poll() is None, worker.communicate()[0]
        started = time.monotonic()
        driver = subprocess.run(
            [sys.executable, "-c", DRIVER.format(learners=LEARNERS)],
            cwd=BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
        elapsed = time.monotonic() - started
    finally:
        worker.terminate()
        worker_output = worker.communicate(timeout=30)[0]
    assert driver.returncode == 0, driver.stderr
    result = json.loads(driver.stdout.strip().splitlines()[-1])
    assert result["errors"] == [], "\n".join(result["errors"])
    assert "database is locked" not in worker_output, worker_output
    assert result["submitted"] == LEARNERS
    assert result["expected_answers"] > 0
    assert result["stored_answers"] == result["expected_answers"]
    assert elapsed < TIMEOUT
