"""Request rate limits (django-ratelimit), counted in the "ratelimit" cache:
Redis when REDIS_URL is set, so every worker and server shares one count.

A limit is a setting holding a django-ratelimit rate ("30/m", "10/h"; empty or
None turns it off). Requests are counted per client address
(accounts.client_ip, through RATELIMIT_IP_META_KEY) or per any other key; past
the limit the visitor gets the site's 429 page with a Retry-After header.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django_ratelimit.core import get_usage

# django-ratelimit's own key: the client address from RATELIMIT_IP_META_KEY
# (accounts.client_ip.client_ip), IPv6 grouped by /64 (RATELIMIT_IPV6_MASK).
BY_CLIENT = "ip"


def posted_email(group: str, request) -> str:
    """Key: the e-mail address a form was posted with, normalised, so that one
    mailbox is not flooded from many client addresses."""
    return request.POST.get("email", "").strip().lower()[:254]


def too_many_requests(request, retry_after: int):
    """The site's 429 page: what happened and how long to wait."""
    retry_after = max(int(retry_after), 1)
    response = render(
        request,
        "429.html",
        {"wait_minutes": math.ceil(retry_after / 60)},
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    add_never_cache_headers(response)
    return response


def refusal(
    request, *, group: str, setting: str, key: str | Callable = BY_CLIENT
) -> HttpResponse | None:
    """Count this request under ``group`` and ``key`` against the rate in
    ``settings.<setting>``; the 429 page once it is over, else None. Views call
    it where a request starts to cost something (a form that will send an
    e-mail), so that correcting a typo does not use up the budget."""
    rate = getattr(settings, setting)
    if not rate:
        return None
    usage = get_usage(request, group=group, key=key, rate=rate, increment=True)
    if usage is not None and usage["should_limit"]:
        return too_many_requests(request, usage["time_left"])
    return None


def rate_limit(*, group: str, setting: str, key: str | Callable = BY_CLIENT):
    """Decorator: every request to the view counts (see ``refusal``)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            refused = refusal(request, group=group, setting=setting, key=key)
            return refused or view(request, *args, **kwargs)

        return wrapper

    return decorator
