"""Signing in through the forms with Django's test client, as a person does:
the password, then (when owed) the code step."""

from django.urls import reverse

from accounts import two_factor_services
from tests.totp import fresh_code

LOGIN_URL = reverse("accounts:login")
VERIFY_URL = reverse("accounts:two_factor_verify")
ENROL_URL = reverse("accounts:two_factor_enrol")
PASSWORD = "password"  # tests.factories.UserFactory's


def sign_in_password(client, user, password=PASSWORD, next_url=None):
    """The password step only; returns the login form's response."""
    url = f"{LOGIN_URL}?next={next_url}" if next_url else LOGIN_URL
    response = client.post(url, {"username": user.username, "password": password})
    assert response.status_code == 302, response.content[:300]
    return response


def give_app(user):
    """``user`` set up an authenticator app (a random secret)."""
    device = two_factor_services.totp_device_pending(user=user)
    device.confirmed = True
    device.save()
    return device


def sign_in(client, user, password=PASSWORD):
    """Both steps, with a code from the user's app."""
    sign_in_password(client, user, password)
    device = two_factor_services.totp_device(user)
    response = client.post(VERIFY_URL, {"code": fresh_code(device), "next": "/"})
    assert response.status_code == 302, response.content[:500]
    return response
