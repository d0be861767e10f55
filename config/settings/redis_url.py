"""Beyond one machine (docs/deploy.md): REDIS_URL puts the cache (every alias, each
under its own key prefix), the sessions and the task queue on Redis, so that any
app server can answer any request and any number of RQ workers (`make worker`)
share one queue. Without it nothing changes: local-memory cache, database
sessions, the database task backend.

Star-imported by dev and production after base (test settings leave it out: the
Redis tests bring their own Redis). Defines nothing when REDIS_URL is unset.
"""

import os

from .base import CACHES as _BASE_CACHES
from .base import INSTALLED_APPS as _BASE_APPS
from .base import SILENCED_SYSTEM_CHECKS as _BASE_SILENCED

REDIS_URL = os.environ.get("REDIS_URL", "").strip()

if REDIS_URL:
    # The rate-limit counters ("ratelimit") included: shared by every process.
    CACHES = {
        alias: {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"atiende-{alias}",
        }
        for alias in _BASE_CACHES
    }
    # django-ratelimit's checks refuse only a local-memory counter cache: back on.
    SILENCED_SYSTEM_CHECKS = [
        check for check in _BASE_SILENCED if not check.startswith("django_ratelimit.")
    ]
    # Sessions live in the cache only: Redis must not evict them (deploy.md).
    SESSION_ENGINE = "accounts.cache_session_store"
    INSTALLED_APPS = [*_BASE_APPS, "django_rq", "django_tasks_rq"]
    # Every task of the project runs on the queue "default".
    RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    # The RQ worker runs django-tasks' tasks through this job class.
    RQ = {"JOB_CLASS": "django_tasks_rq.Job"}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
