"""/salud/, the load balancers' health endpoint (config/health.py): 200 "ok" when
the database, every cache, every file storage and the task queue answer, 503
"error" when one does not; details only for superusers and for the bearer of
ATIENDE_HEALTH_TOKEN."""

import pytest
from django.contrib.auth.models import User

from tests.factories import HRFactory, LearnerFactory

pytestmark = pytest.mark.django_db

URL = "/salud/"
# Nothing listens on port 1: a Redis there refuses the connection at once.
DEAD_REDIS = "redis://127.0.0.1:1/0"
TOKEN = "monitoreo-0123456789abcdef"  # noqa: S105 (a test value)
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _details(response) -> dict:
    assert response["Content-Type"] == "application/json"
    return response.json()


def _dead_cache(settings) -> None:
    settings.CACHES = {
        **settings.CACHES,
        "broken": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": DEAD_REDIS,
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        },
    }


@pytest.fixture
def superuser():
    return User.objects.create_superuser("raiz", "raiz@example.com", "x")


def test_anonymous_caller_gets_a_bare_ok(client):
    """A healthy server answers 200 "ok" in plain text, never cached, and says
    nothing of what it checked."""
    response = client.get(URL)
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")
    assert "no-store" in response["Cache-Control"]


def test_head_works_for_probes_that_send_it(client):
    assert client.head(URL).status_code == 200


def test_other_methods_are_refused(client):
    assert client.post(URL).status_code == 405


def test_a_dead_cache_makes_it_503_without_saying_which(client, settings):
    """A cache alias that does not answer (here a Redis nobody listens on) fails
    the check: 503 "error", with no host, alias or exception in the body."""
    _dead_cache(settings)
    response = client.get(URL)
    assert response.status_code == 503
    assert response.content == b"error"


def test_a_superuser_sees_every_check(client, settings, superuser):
    """Signed in as a superuser: JSON with each database, cache alias, storage
    (default and private, not the static files) and the task queue."""
    settings.TASKS = DB_TASKS
    client.force_login(superuser)
    response = client.get(URL)
    assert response.status_code == 200
    body = _details(response)
    assert body["status"] == "ok"
    assert set(body["checks"]) == {
        "Database(alias='default')",
        "Cache(alias='default')",
        "Cache(alias='ratelimit')",
        "Storage(alias='default')",
        "Storage(alias='private')",
        "TaskQueue(alias='default')",
    }
    assert {check["status"] for check in body["checks"].values()} == {"ok"}


def test_a_superuser_sees_which_check_failed(client, settings, superuser):
    _dead_cache(settings)
    client.force_login(superuser)
    response = client.get(URL)
    assert response.status_code == 503
    checks = _details(response)["checks"]
    assert checks["Cache(alias='broken')"]["status"].startswith("Unexpected Result")
    assert checks["Cache(alias='default')"]["status"] == "ok"


@pytest.mark.parametrize("factory", [LearnerFactory, HRFactory], ids=["learner", "hr"])
def test_other_signed_in_people_get_the_bare_answer(client, factory):
    client.force_login(factory())
    response = client.get(URL)
    assert response.status_code == 200
    assert response.content == b"ok"


def test_the_monitoring_token_shows_details(client, settings):
    settings.ATIENDE_HEALTH_TOKEN = TOKEN
    response = client.get(URL, headers={"Authorization": f"Bearer {TOKEN}"})
    assert _details(response)["status"] == "ok"


@pytest.mark.parametrize(
    ("configured", "sent"),
    [
        (TOKEN, f"Bearer {TOKEN}x"),
        (TOKEN, f"Basic {TOKEN}"),
        (TOKEN, "Bearer "),
        (TOKEN, ""),
        ("", "Bearer "),
        ("", "Bearer x"),
    ],
    ids=["wrong", "other-scheme", "empty", "none", "unset-empty", "unset-any"],
)
def test_anything_but_the_token_gets_the_bare_answer(
    client, settings, configured, sent
):
    settings.ATIENDE_HEALTH_TOKEN = configured
    headers = {"Authorization": sent} if sent else {}
    response = client.get(URL, headers=headers)
    assert response.status_code == 200
    assert response.content == b"ok"


def test_the_database_task_queue_is_checked(client, settings, superuser):
    """With the database task backend, the task table must answer."""
    settings.TASKS = DB_TASKS
    client.force_login(superuser)
    checks = _details(client.get(URL))["checks"]
    assert checks["TaskQueue(alias='default')"]["status"] == "ok"


def test_an_rq_queue_whose_redis_is_down_fails(client, settings, superuser):
    """With the RQ backend, the queue's Redis must answer."""
    settings.RQ_QUEUES = {"default": {"URL": DEAD_REDIS, "SOCKET_TIMEOUT": 1}}
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}
    }
    client.force_login(superuser)
    response = client.get(URL)
    assert response.status_code == 503
    status = _details(response)["checks"]["TaskQueue(alias='default')"]["status"]
    assert status == "Unavailable: ConnectionError"


def test_an_unwritable_storage_fails(client, settings, superuser, tmp_path):
    """The private storage (certificate PDFs, evidence) must take a file."""
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("a file where the storage expects a directory")
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": blocked},
        },
    }
    client.force_login(superuser)
    response = client.get(URL)
    assert response.status_code == 503
    checks = _details(response)["checks"]
    assert checks["Storage(alias='private')"]["status"] != "ok"
    assert checks["Storage(alias='default')"]["status"] == "ok"
