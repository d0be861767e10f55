"""Signed-in sessions: the idle limit, and the record behind "Mis sesiones".

- **Idle limit.** SESSION_COOKIE_AGE (ATIENDE_SESSION_IDLE_MINUTES) is how long a
  session lives after it was last saved, in every engine (the database row's
  expiry, Redis's TTL, the cookie's max-age). ``SessionActivityMiddleware``
  marks a signed-in session modified at most once a minute, so the engine saves
  it with a fresh expiry: the limit slides with activity at the cost of one
  write a minute, not one per request as SESSION_SAVE_EVERY_REQUEST would. Any
  request counts, including the attempt page's answer saves and its keep-alive
  ping (``session_keepalive``), so a timed final is never cut short by it.
- **The record.** A ``UserSession`` row per signed-in session (who, from where,
  which browser, since when, last activity), written by the same middleware when
  a session signs in or changes key and on each once-a-minute refresh, and
  deleted on sign-out. It works with any session engine; a session is ended by
  deleting it from the configured engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from importlib import import_module

from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.signals import user_logged_out
from django.db import IntegrityError, transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from ua_parser import parse as parse_user_agent

from .client_ip import UNKNOWN_CLIENT, client_ip
from .models import UserSession

ACTIVITY_KEY = "_atiende_seen"
REFRESH_SECONDS = 60
USER_AGENT_MAX = 300
LIST_LIMIT = 20


def session_store(session_key: str):
    """The configured engine's store for ``session_key`` (database or cache)."""
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)


def idle_limit() -> timedelta:
    return timedelta(seconds=settings.SESSION_COOKIE_AGE)


def request_address(request) -> str | None:
    """The client's address as recorded for the person to recognise a session:
    the same address the rate limits and the lock-out count (behind proxies too)."""
    address = client_ip(request)
    return None if address == UNKNOWN_CLIENT else address


def request_user_agent(request) -> str:
    text = request.META.get("HTTP_USER_AGENT", "")
    return "".join(ch for ch in text if ch.isprintable())[:USER_AGENT_MAX]


# ------------------------------------------------------------------ services


def user_session_seen(
    *,
    user,
    session_key: str,
    previous_key: str | None,
    ip_address: str | None,
    user_agent: str,
    now: datetime,
) -> None:
    """Record activity of a signed-in session; ``previous_key``: the key the
    session had before this request, when it changed (a sign-in, or a key cycled
    at a password change or the second factor)."""
    latest = {"last_seen": now, "ip_address": ip_address, "user_agent": user_agent}
    if previous_key and previous_key != session_key:
        moved = UserSession.objects.filter(user=user, session_key=previous_key)
        if moved.update(session_key=session_key, **latest):
            return
    if UserSession.objects.filter(user=user, session_key=session_key).update(**latest):
        return
    try:
        with transaction.atomic():
            UserSession.objects.create(
                user=user, session_key=session_key, created_at=now, **latest
            )
    except IntegrityError:
        return  # a parallel request of the same session recorded it first
    # A sign-in: forget the rows of sessions that have expired since.
    UserSession.objects.filter(last_seen__lt=now - idle_limit()).delete()


def user_session_end(*, session: UserSession) -> None:
    """End one session: delete it from the engine, so its cookie signs in no more."""
    session_store(session.session_key).delete()
    session.delete()


def user_sessions_end_others(*, user, current_key: str | None) -> int:
    """End every session of ``user`` but ``current_key``; how many were listed."""
    others = list(
        UserSession.objects.filter(user=user).exclude(session_key=current_key)
    )
    for other in others:
        user_session_end(session=other)
    return len(others)


@receiver(user_logged_out, dispatch_uid="accounts.user_sessions.on_logout")
def on_logout(sender, request, user, **kwargs):
    key = getattr(getattr(request, "session", None), "session_key", None)
    if key:
        UserSession.objects.filter(session_key=key).delete()


class SessionActivityMiddleware:
    """Slides a signed-in session's expiry and records its activity, at most
    once a minute (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key_before = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        response = self.get_response(request)
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if user is None or session is None or not user.is_authenticated:
            return response
        key = session.session_key
        if not key:
            return response
        now = timezone.now()
        stamp = int(now.timestamp())
        seen = session.get(ACTIVITY_KEY)
        changed = key != key_before
        if not changed and isinstance(seen, int) and stamp - seen < REFRESH_SECONDS:
            return response
        # Modifying the session makes SessionMiddleware save it with a new
        # expiry and send the cookie again.
        session[ACTIVITY_KEY] = stamp
        user_session_seen(
            user=user,
            session_key=key,
            previous_key=key_before if changed else None,
            ip_address=request_address(request),
            user_agent=request_user_agent(request),
            now=now,
        )
        return response


# ----------------------------------------------------------------- selectors


@dataclass(frozen=True)
class ActiveSession:
    pk: int
    browser: str
    ip_address: str | None
    created_at: datetime
    last_seen: datetime
    current: bool


def _alive(session_key: str, user) -> bool:
    """The session still exists in the engine, signed in as ``user`` with their
    current password (a password change or reset elsewhere, an expiry or an
    engine flush end sessions without telling this record)."""
    store = session_store(session_key)
    return store.get(SESSION_KEY) == str(user.pk) and constant_time_compare(
        store.get(HASH_SESSION_KEY, ""), user.get_session_auth_hash()
    )


def active_sessions(*, user, current_key: str | None) -> list[ActiveSession]:
    """The person's live sessions, this one first, then the most recent. One
    query, plus one engine read per other session listed (at most LIST_LIMIT)."""
    cutoff = timezone.now() - idle_limit()
    rows = UserSession.objects.filter(user=user, last_seen__gte=cutoff).order_by(
        "-last_seen"
    )[:LIST_LIMIT]
    found = [
        ActiveSession(
            pk=row.pk,
            browser=describe_user_agent(row.user_agent),
            ip_address=row.ip_address,
            created_at=row.created_at,
            last_seen=row.last_seen,
            current=row.session_key == current_key,
        )
        for row in rows
        if row.session_key == current_key or _alive(row.session_key, user)
    ]
    return sorted(found, key=lambda s: not s.current)


# ---------------------------------------------------------------- user agent


@lru_cache(maxsize=512)
def describe_user_agent(user_agent: str) -> str:
    """E.g. "Chrome 120 · Windows 10", "Mobile Safari 17 · iOS 17.0 · iPhone" (the
    parts ua-parser recognises; an empty string when it knows none)."""
    if not user_agent:
        return ""
    result = parse_user_agent(user_agent)
    parts = []
    browser, system = result.user_agent, result.os
    if browser is not None and browser.family != "Other":
        parts.append(f"{browser.family} {browser.major or ''}".strip())
    if system is not None and system.family != "Other":
        version = ".".join(v for v in (system.major, system.minor) if v)
        parts.append(f"{system.family} {version}".strip())
    device = result.device
    if device is not None and device.family not in ("Other", "Spider"):
        if device.family not in " ".join(parts):
            parts.append(device.family)
    return " · ".join(parts)
