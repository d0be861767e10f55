"""Sign-in lock-out (django-axes): the handler and what administrators see.

Axes counts failed sign-ins per parameter set of AXES_LOCKOUT_PARAMETERS (here
one account at one client address, and one client address for any account) and
compares the largest count with a single AXES_FAILURE_LIMIT. A whole office may
reach the site from one address, so the address alone gets its own, higher
limit (ATIENDE_LOGIN_CLIENT_FAILURE_LIMIT): ``LockoutHandler`` scales each
count to axes' limit. ``floor(count * N / own_limit)`` reaches N exactly when
``count`` reaches ``own_limit``, so axes' comparison stays the one that decides.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_cool_off, get_lockout_parameters
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

CLIENT_ONLY = "ip_address"


def _own_limit(parameters) -> int:
    if parameters == CLIENT_ONLY:
        return settings.ATIENDE_LOGIN_CLIENT_FAILURE_LIMIT
    return settings.AXES_FAILURE_LIMIT


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with a limit of its own for the client address."""

    def get_failures(self, request, credentials=None) -> int:
        limit = settings.AXES_FAILURE_LIMIT
        scaled = 0
        for parameters, attempts in zip(
            get_lockout_parameters(request, credentials),
            self.get_user_attempts(request, credentials),
            strict=True,
        ):
            count = attempts.aggregate(total=Sum("failures_since_start"))["total"]
            scaled = max(scaled, (count or 0) * limit // _own_limit(parameters))
        return scaled

    def reset_user_attempts(self, request, credentials=None) -> int:
        """On a successful sign-in (AXES_RESET_ON_SUCCESS), forget that account's
        failures at this address, and nothing else: clearing everything the
        address did would let anyone holding one valid account wipe the count
        of the accounts they are guessing."""
        count, _ = AccessAttempt.objects.filter(
            username=get_client_username(request, credentials),
            ip_address=request.axes_ip_address,
        ).delete()
        return count


def lockout_response(request, original_response=None, credentials=None):
    """What a locked-out sign-in gets (AXES_LOCKOUT_CALLABLE), on the site's and
    the admins' sign-in alike: the site's page saying for how long, what to do,
    and who can unlock it; never the form again."""
    cool_off = get_cool_off(request)
    minutes = math.ceil(cool_off.total_seconds() / 60) if cool_off else None
    response = render(
        request,
        "accounts/locked_out.html",
        {"cooloff_minutes": minutes},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    add_never_cache_headers(response)
    return response


# ----------------------------------------------------------------- admin listing


@dataclass(frozen=True)
class Lockout:
    """A lock in force: an account at an address, or an address for anyone
    (``username`` None), as AXES_LOCKOUT_PARAMETERS defines them."""

    ip_address: str | None
    username: str | None
    failures: int
    last_failure: datetime
    until: datetime


def _fields(parameters) -> list[str]:
    return [parameters] if isinstance(parameters, str) else list(parameters)


def current_lockouts() -> list[Lockout]:
    """Every lock in force now, newest first: one grouped query per parameter
    set, whatever the number of attempts recorded."""
    cool_off = get_cool_off()
    recent = AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - cool_off)
    found = []
    for parameters in settings.AXES_LOCKOUT_PARAMETERS:
        fields = _fields(parameters)
        rows = (
            recent.values(*fields)
            .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
            .filter(failures__gte=_own_limit(parameters))
        )
        found += [
            Lockout(
                ip_address=row.get("ip_address"),
                username=row.get("username"),
                failures=row["failures"],
                last_failure=row["last"],
                until=row["last"] + cool_off,
            )
            for row in rows
        ]
    return sorted(found, key=lambda lock: lock.last_failure, reverse=True)


def lockout_clear(*, ip_address: str | None, username: str | None) -> int:
    """Lift a lock: forget the failures it counted (of the account at the
    address, or of the address for every account). Returns how many records of
    failed attempts were removed."""
    if not ip_address and not username:
        return 0
    return AxesProxyHandler.reset_attempts(ip_address=ip_address, username=username)
