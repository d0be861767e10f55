"""The authentication backend: Django's ModelBackend, with the signed-in user
read by a query composed once (``accounts.statements``).

Every request of a signed-in person reads their user row. ModelBackend reads it
through the ORM, which composes the same query anew each time: about 1 ms of CPU
on the load test's machine, against about 0.1 ms for the statement itself
(issue 13). Signing in, permissions and everything else are ModelBackend's.

A session records the path of the backend that signed its person in, and Django
trusts only the paths in AUTHENTICATION_BACKENDS. Sessions opened before this
backend recorded ModelBackend's: the session engines read them as this one's
(``current_backend``), so a deploy signs nobody out.
"""

from __future__ import annotations

from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User

from . import statements

PATH = "accounts.backends.UserBackend"
# The backends whose sessions this one now serves.
REPLACED = frozenset({"django.contrib.auth.backends.ModelBackend"})

_user = statements.ModelSelect(User, User._meta.pk.name)


class UserBackend(ModelBackend):
    def get_user(self, user_id):
        """The active user ``user_id`` (as ModelBackend: None for no user and
        for one who may not sign in)."""
        found = _user.instances(user_id)
        if not found:
            return None
        user = found[0]
        return user if self.user_can_authenticate(user) else None


def current_backend(session_data: dict) -> dict:
    """``session_data`` with a replaced backend's path read as this one's."""
    if session_data.get(BACKEND_SESSION_KEY) in REPLACED:
        session_data[BACKEND_SESSION_KEY] = PATH
    return session_data
