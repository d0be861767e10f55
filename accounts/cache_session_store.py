"""The session engine with REDIS_URL (config/settings/redis_url.py): Django's
cache engine, with sessions opened before ``accounts.backends`` read as its."""

from django.contrib.sessions.backends import cache

from . import backends


class SessionStore(cache.SessionStore):
    def load(self):
        return backends.current_backend(super().load())
