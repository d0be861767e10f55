"""The client's address (accounts.client_ip), the one rule the rate limits and
the sign-in lock-out share: REMOTE_ADDR without trusted proxies; behind N of
them, the Nth X-Forwarded-For entry from the right; never something the client
wrote, never something that is not an address."""

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory

from accounts.client_ip import client_ip

PROXY = "10.0.0.2"

CASES = [
    # (trusted proxies, REMOTE_ADDR, X-Forwarded-For, expected)
    (0, "198.51.100.7", None, "198.51.100.7"),
    (0, "198.51.100.7", "192.0.2.1", "198.51.100.7"),  # header ignored
    (1, PROXY, "198.51.100.7", "198.51.100.7"),
    (1, PROXY, "192.0.2.1, 198.51.100.7", "198.51.100.7"),  # forged head ignored
    (1, PROXY, " 192.0.2.1 ,198.51.100.7 ", "198.51.100.7"),
    (2, PROXY, "192.0.2.1, 198.51.100.7, 10.0.0.1", "198.51.100.7"),
    (2, PROXY, "198.51.100.7", PROXY),  # fewer hops than proxies: the peer
    (1, PROXY, None, PROXY),
    (1, PROXY, "", PROXY),
    (1, PROXY, "no-es-ip", PROXY),
    (1, PROXY, "198.51.100.7\x00", PROXY),
    (1, PROXY, "2001:db8::7", "2001:db8::7"),
    (1, PROXY, "2001:DB8:0::7", "2001:db8::7"),  # one spelling per address
    (0, "", None, "0.0.0.0"),  # no peer (Unix socket): one shared budget
    (0, "garbage", None, "0.0.0.0"),
]


@pytest.mark.parametrize(("proxies", "remote", "forwarded", "expected"), CASES)
def test_client_address(settings, proxies, remote, forwarded, expected):
    settings.ATIENDE_TRUSTED_PROXY_COUNT = proxies
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    assert client_ip(RequestFactory().get("/", **meta)) == expected


@pytest.mark.django_db
@pytest.mark.usefixtures("initial_data")
def test_the_lockout_counts_the_same_client_address(client, settings):
    """A failed sign-in behind the trusted proxy is recorded against the
    visitor's address, not the proxy's nor one the visitor forged."""
    settings.ATIENDE_TRUSTED_PROXY_COUNT = 1
    client.post(
        "/accounts/login/",
        {"username": "aprendiz", "password": "mala"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="192.0.2.1, 198.51.100.7",
    )
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [
        "198.51.100.7"
    ]
