"""What "the client's address" is: the one home for it, used by the rate limits
(accounts.rate_limits) and by the sign-in lock-out (django-axes, through
AXES_CLIENT_IP_CALLABLE), so both count the same visitor the same way.

Behind N trusted reverse proxies (ATIENDE_TRUSTED_PROXY_COUNT = N) each proxy
appends the address it received the request from to X-Forwarded-For, so the
client's real address is the Nth entry from the right; anything to its left was
written by the client and may be forged. With N = 0 (the default: the site is
reached directly) X-Forwarded-For is ignored and REMOTE_ADDR is the client.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

# An address to count requests whose peer is unknown (a Unix socket without
# proxy headers): they share one budget rather than escaping the limits.
UNKNOWN_CLIENT = "0.0.0.0"  # noqa: S104 (a key, not a bind address)


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    """The client's address, always a valid IPv4 or IPv6 address."""
    remote = _valid(request.META.get("REMOTE_ADDR") or "") or UNKNOWN_CLIENT
    proxies = settings.ATIENDE_TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [
        entry
        for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if entry.strip()
    ]
    if len(forwarded) < proxies:
        # Fewer hops than configured: the request did not come through every
        # trusted proxy, so none of the header can be trusted; the peer can.
        return remote
    return _valid(forwarded[-proxies]) or remote
