"""Beyond one machine: REDIS_URL puts the cache, the sessions and the tasks on
Redis (config/settings/redis_url.py), and a real RQ worker runs the project's
tasks.

The settings tests only load settings. The tests marked ``redis`` talk to the
Redis on 127.0.0.1:6379 (database 13, or ATIENDE_TEST_REDIS_URL), each on a queue
of its own, and delete only the keys they made; they are skipped when Redis does
not answer, unless ATIENDE_REQUIRE_REDIS is set (.ci/run sets it when Redis
answers, so that a broken fixture cannot pass as a skip).
"""

import hashlib
import os
import shutil
import subprocess
import sys
import uuid

import django_rq
import pytest
import redis
from django_tasks import TaskResultStatus, task_backends
from django_tasks.signals import task_enqueued
from rq import SimpleWorker

from certificates import tasks as certificate_tasks
from certificates.models import Certificate
from tests.certificates.support import stored_bytes, take
from tests.config.test_settings import BASE_DIR, PRODUCTION_ENV, _clean_env, _load
from tests.factories import LearnerFactory, certificate_issue_for_attempt

REDIS_TEST_URL = os.environ.get("ATIENDE_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
URL = "/salud/"
SOME_REDIS = "redis://cache.internal:6379/2"
MODES = [
    ("config.settings.dev", {}),
    ("config.settings.production", PRODUCTION_ENV),
]


# ------------------------------------------------------------------ settings


@pytest.mark.parametrize(("module", "env"), MODES, ids=["dev", "production"])
def test_redis_url_moves_cache_sessions_and_tasks_to_redis(module, env):
    loaded = _load(module, REDIS_URL=SOME_REDIS, **env)
    assert loaded["CACHES"]["default"]["BACKEND"] == "django_redis.cache.RedisCache"
    assert loaded["CACHES"]["default"]["LOCATION"] == SOME_REDIS
    # Every alias, the rate-limit counters' included, each under its own prefix.
    assert loaded["CACHES"]["ratelimit"]["LOCATION"] == SOME_REDIS
    prefixes = {cache["KEY_PREFIX"] for cache in loaded["CACHES"].values()}
    assert len(prefixes) == len(loaded["CACHES"])
    assert loaded["SESSION_ENGINE"] == "accounts.cache_session_store"
    assert loaded["TASKS"]["default"]["BACKEND"] == "django_tasks_rq.RQBackend"
    assert loaded["RQ_QUEUES"] == {"default": {"URL": SOME_REDIS}}
    assert loaded["RQ"] == {"JOB_CLASS": "django_tasks_rq.Job"}
    assert {"django_rq", "django_tasks_rq"} <= set(loaded["INSTALLED_APPS"])


@pytest.mark.parametrize(("module", "env"), MODES, ids=["dev", "production"])
def test_without_redis_url_nothing_needs_redis(module, env):
    loaded = _load(module, **env)
    assert loaded["CACHES"]["default"]["BACKEND"].endswith("LocMemCache")
    assert loaded["SESSION_ENGINE"] == "accounts.session_store"
    assert loaded["TASKS"]["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
    assert loaded["RQ_QUEUES"] is None
    assert "django_rq" not in loaded["INSTALLED_APPS"]


def test_test_settings_ignore_redis_url():
    """The suite never uses a Redis named in the environment."""
    loaded = _load("config.settings.test", REDIS_URL=SOME_REDIS)
    assert loaded["CACHES"]["default"]["BACKEND"].endswith("LocMemCache")
    assert loaded["TASKS"]["default"]["BACKEND"].endswith("ImmediateBackend")


def test_the_rq_backend_passes_djangos_checks():
    """django-tasks-rq's own checks (django_rq installed, every queue known to
    django-rq, rq recent enough) pass; no Redis is contacted."""
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=_clean_env(
            DJANGO_SETTINGS_MODULE="config.settings.dev", REDIS_URL=SOME_REDIS
        ),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_health_endpoint_is_exempt_from_the_https_redirect():
    """Load balancers probe app servers over plain HTTP."""
    loaded = _load("config.settings.production", **PRODUCTION_ENV)
    assert loaded["SECURE_REDIRECT_EXEMPT"] == ["^salud/$"]


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
@pytest.mark.parametrize(
    ("redis_url", "command"),
    [
        (SOME_REDIS, "manage.py rqworker --with-scheduler default"),
        ("", 'manage.py db_worker --queue-name "*"'),
    ],
    ids=["rq", "database"],
)
def test_make_worker_starts_the_worker_of_the_backend(redis_url, command):
    """`make worker` runs an RQ worker (with the scheduler that deferred tasks
    need) when REDIS_URL is set, the database worker otherwise."""
    env = {
        key: value
        for key, value in _clean_env(REDIS_URL=redis_url).items()
        if key not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")
    }
    result = subprocess.run(
        ["make", "--no-print-directory", "-n", "-W", "pyproject.toml", "worker"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    workers = [line for line in result.stdout.splitlines() if "manage.py" in line]
    assert len(workers) == 1
    assert workers[0].endswith(command)


# ------------------------------------------------------------ a real worker


@pytest.fixture
def redis_client():
    client = redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as error:
        if os.environ.get("ATIENDE_REQUIRE_REDIS"):
            pytest.fail(f"ATIENDE_REQUIRE_REDIS is set but Redis fails: {error}")
        pytest.skip(f"No Redis answers at {REDIS_TEST_URL}")
    yield client
    client.close()


class OwnQueue:
    """A queue of this test's own on the RQ backend, beside "default" (where the
    project's other tasks, e.g. Wagtail's index updates, go and stay: nothing
    works that queue here). ``activate()`` points the task settings at both and
    records every task enqueued from then on, so that its keys can be removed."""

    def __init__(self, settings):
        self.settings = settings
        self.name = f"atiende-test-{uuid.uuid4().hex[:12]}"
        self.enqueued: list = []

    def _record(self, sender, task_result, **kwargs):
        self.enqueued.append(task_result)

    def activate(self) -> None:
        queues = [self.name, "default"]
        self.settings.RQ_QUEUES = {name: {"URL": REDIS_TEST_URL} for name in queues}
        self.settings.RQ = {"JOB_CLASS": "django_tasks_rq.Job"}
        self.settings.TASKS = {
            "default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": queues}
        }
        task_enqueued.connect(self._record)

    def remove_keys(self, client: redis.Redis) -> None:
        """Delete every key naming this queue or one of its jobs, and take the
        jobs out of the shared "default" queue and registries; nothing else."""
        task_enqueued.disconnect(self._record)
        jobs = [result.id for result in self.enqueued]
        for pattern in [f"*{self.name}*", *(f"*{job}*" for job in jobs)]:
            for key in client.scan_iter(match=pattern, count=500):
                client.delete(key)
        for key in client.scan_iter(match="rq:*", count=500):
            kind = client.type(key)
            if kind == b"list" and jobs:
                for job in jobs:
                    client.lrem(key, 0, job)
            elif kind == b"zset" and jobs:
                client.zrem(key, *jobs)
            elif kind == b"set":
                for member in client.smembers(key):
                    if self.name.encode() in member:
                        client.srem(key, member)
        # RQ lists the "default" queue once a job went there; unlist it if empty.
        if not client.exists("rq:queue:default"):
            client.srem("rq:queues", "rq:queue:default")


@pytest.fixture
def rq_queue(settings, redis_client):
    queue = OwnQueue(settings)
    yield queue
    queue.remove_keys(redis_client)


@pytest.mark.redis
@pytest.mark.django_db
def test_an_rq_worker_renders_an_issued_certificate(
    initial_data, rq_queue, monkeypatch
):
    """Issuing a certificate enqueues its PDF render on RQ (after commit), the
    PDF does not exist until a worker runs, and a burst RQ worker (the kind
    `make worker` starts, here in the test's process) renders and stores it; the
    task's result, read back through django-tasks, is the PDF's SHA-256."""
    attempt = take(LearnerFactory())
    rq_queue.activate()
    queue_name = rq_queue.name
    # The project's tasks go to the queue "default"; this test's goes to its own.
    monkeypatch.setattr(
        certificate_tasks,
        "render_certificate_pdf",
        certificate_tasks.render_certificate_pdf.using(queue_name=queue_name),
    )
    certificate = certificate_issue_for_attempt(attempt=attempt)
    [result_id] = [
        result.id
        for result in rq_queue.enqueued
        if result.task.name == "render_certificate_pdf"
    ]
    assert not certificate.pdf
    queue = django_rq.get_queue(queue_name)
    assert queue.job_ids == [result_id]

    worker = django_rq.get_worker(
        queue_name,
        worker_class=SimpleWorker,
        name=f"{queue_name}-worker",
    )
    assert worker.work(burst=True)

    certificate = Certificate.objects.get(pk=certificate.pk)
    assert certificate.pdf
    data = stored_bytes(certificate)
    assert data.startswith(b"%PDF")
    assert certificate.pdf_sha256 == hashlib.sha256(data).hexdigest()
    result = task_backends["default"].get_result(result_id)
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == certificate.pdf_sha256
    assert queue.job_ids == []


@pytest.fixture
def redis_cache(settings, redis_client):
    """Every cache alias on the test Redis, as REDIS_URL sets them, under a key
    prefix of this test's own (its keys are deleted afterwards)."""
    prefix = f"atiende-test-{uuid.uuid4().hex[:12]}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_TEST_URL,
            "KEY_PREFIX": prefix,
        }
    }
    settings.SESSION_ENGINE = "accounts.cache_session_store"
    yield prefix
    for key in redis_client.scan_iter(match=f"{prefix}*", count=500):
        redis_client.delete(key)


@pytest.mark.redis
@pytest.mark.django_db
def test_sessions_live_in_redis(client, redis_cache, redis_client):
    """With the cache session engine on Redis, a signed-in learner's session is
    a Redis key, and the site knows them by it."""
    learner = LearnerFactory()
    client.force_login(learner)
    session_key = client.cookies["sessionid"].value
    assert any(
        session_key.encode() in key
        for key in redis_client.scan_iter(match=f"{redis_cache}*")
    )
    response = client.get("/mi-avance/")
    assert response.status_code == 200
    assert response.context["user"] == learner


@pytest.mark.redis
@pytest.mark.django_db
def test_health_is_ok_on_redis_and_rq(client, redis_cache, rq_queue, settings):
    """/salud/ with the cache on Redis and the tasks on RQ: every check passes."""
    rq_queue.activate()
    settings.ATIENDE_HEALTH_TOKEN = "token-de-prueba"
    response = client.get(URL, headers={"Authorization": "Bearer token-de-prueba"})
    assert response.status_code == 200, response.content
    checks = response.json()["checks"]
    assert checks["TaskQueue(alias='default')"]["status"] == "ok"
    assert checks["Cache(alias='default')"]["status"] == "ok"
