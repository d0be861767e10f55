"""The health endpoint for load balancers, /salud/: is this app server able to serve?

It checks what every request may need, with django-health-check's probes: each
database (SELECT 1), each cache alias (set and get a key), each file storage but
the static files (save, read and delete a file) and the task queue the tasks go
to (Redis answers for RQ; the task table answers for the database backend). The
checks run in parallel, each bounded by the library's timeout.

Anonymous callers get only ``200 ok`` or ``503 error`` as plain text: a load
balancer needs nothing more, and the names of hosts, stores and errors are no
one else's business. A signed-in superuser, or a caller sending
``Authorization: Bearer <ATIENDE_HEALTH_TOKEN>`` (a monitoring system), gets the
same status with each check's result and time as JSON. A dead task worker does
not fail the check: the app servers still serve, and pulling them all out of the
load balancer would not bring the worker back (monitor the queue instead).
"""

from __future__ import annotations

import asyncio
import dataclasses
import hmac

import django_rq
from django.conf import settings
from django.db import connections
from django.http import HttpResponse, JsonResponse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe
from django_tasks import task_backends
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult
from django_tasks_rq import RQBackend
from health_check.base import HealthCheck
from health_check.checks import Cache, Database, Storage
from health_check.exceptions import ServiceUnavailable

STATIC_STORAGE = "staticfiles"


@dataclasses.dataclass
class TaskQueue(HealthCheck):
    """The task backend's store answers: Redis (PING) for each RQ queue, the task
    table (one indexed read) for the database backend. Backends that run tasks
    in the request (the tests' immediate backend) have nothing to check."""

    alias: str = "default"

    def run(self) -> None:
        backend = task_backends[self.alias]
        try:
            if isinstance(backend, RQBackend):
                for name in backend.queues:
                    django_rq.get_queue(name).connection.ping()
            elif isinstance(backend, DatabaseBackend):
                DBTaskResult.objects.exists()
        except Exception as error:
            raise ServiceUnavailable(type(error).__name__) from error
        finally:
            # Run in a worker thread: close the connections it opened there.
            connections.close_all()


def health_checks() -> list[HealthCheck]:
    """Every check, from the settings: new databases, caches and storages are
    checked without a change here."""
    storages = [alias for alias in settings.STORAGES if alias != STATIC_STORAGE]
    return [
        *(Database(alias=alias) for alias in settings.DATABASES),
        *(Cache(alias=alias) for alias in settings.CACHES),
        *(Storage(alias=alias) for alias in storages),
        *(TaskQueue(alias=alias) for alias in settings.TASKS),
    ]


def _bearer_token_matches(request) -> bool:
    expected = settings.ATIENDE_HEALTH_TOKEN
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if not expected or scheme.lower() != "bearer" or not token:
        return False
    return hmac.compare_digest(token.strip().encode(), expected.encode())


async def _may_see_details(request) -> bool:
    if _bearer_token_matches(request):
        return True
    user = await request.auser()
    return user.is_active and user.is_superuser


@require_safe
async def health(request):
    results = await asyncio.gather(*(check.get_result() for check in health_checks()))
    healthy = not any(result.error for result in results)
    status = 200 if healthy else 503
    if await _may_see_details(request):
        response = JsonResponse(
            {
                "status": "ok" if healthy else "error",
                "checks": {
                    repr(result.check): {
                        "status": "ok" if result.error is None else str(result.error),
                        "seconds": round(result.time_taken, 4),
                    }
                    for result in results
                },
            },
            status=status,
        )
    else:
        response = HttpResponse(
            "ok" if healthy else "error",
            content_type="text/plain; charset=utf-8",
            status=status,
        )
    add_never_cache_headers(response)
    return response
