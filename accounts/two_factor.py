"""Two-factor sign-in: who must use it, where a signed-in session stands, and the
middleware that holds a session at the code step until it passes.

The password step is any of Django's sign-ins (the site's login page, Wagtail's
and Django's admin logins, the invitation and reset links): each ends in
``django.contrib.auth.login``, whose ``user_logged_in`` signal decides here what
the new session still owes (``STATE_KEY`` in the session):

- ``verify``: the person has an authenticator app; the session may only open the
  code step (or sign out) until a code from the app or a recovery code passes;
- ``enrol``: the person must use a second factor (``required``) and has none; the
  session may only set one up;
- ``verified``: a code passed (django-otp's ``login`` also records the device, so
  ``request.user.is_verified()`` holds, and a device deleted later, e.g. by an
  administrator resetting it, sends the session back to the code step);
- ``none``: nothing is owed (a learner without an app). Checked again at most
  once a minute, so a staff role granted during the session asks for the second
  factor within a minute.

The rule lives in the session rather than in a check on every view, so Wagtail's
admin, Django's admin and every page are covered alike, at no query per request
for sessions that owe nothing."""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login

from . import roles, two_factor_rules
from .two_factor_services import totp_device

STATE_KEY = "_atiende_2fa"
# The persistent id of the device that verified this session (django-otp keeps
# its own copy, which its middleware drops silently when the device is gone).
DEVICE_KEY = "_atiende_2fa_device"
CHECKED_KEY = "_atiende_2fa_checked"
VERIFY, ENROL, VERIFIED, NOT_NEEDED = "verify", "enrol", "verified", "none"
RECHECK_SECONDS = 60

# What a session that owes the second factor may still open.
_ALWAYS_ALLOWED = {
    "accounts:logout",
    "set_language",
    "wagtailadmin_logout",
    "admin:logout",
}
ALLOWED_WHILE = {
    VERIFY: _ALWAYS_ALLOWED | {"accounts:two_factor_verify"},
    ENROL: _ALWAYS_ALLOWED | {"accounts:two_factor_enrol"},
}
STEP_URL_NAME = {
    VERIFY: "accounts:two_factor_verify",
    ENROL: "accounts:two_factor_enrol",
}


def required(user) -> bool:
    """Staff roles and superusers (accounts.roles), and whatever a higher app
    registered (accounts.two_factor_rules); learners choose."""
    if not settings.ATIENDE_REQUIRE_STAFF_2FA:
        return False
    return roles.has_staff_role(user) or two_factor_rules.any_applies(user)


def state_for(user) -> str:
    """What a new session of ``user`` owes."""
    if totp_device(user) is not None:
        return VERIFY
    return ENROL if required(user) else NOT_NEEDED


def _set_state(session, state: str) -> str:
    session[STATE_KEY] = state
    session[CHECKED_KEY] = int(time.time())
    return state


@receiver(user_logged_in, dispatch_uid="accounts.two_factor.on_login")
def on_login(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    if session is not None:
        session.pop(DEVICE_KEY, None)
        _set_state(session, state_for(user))


def session_state(request) -> str:
    """Where the signed-in session of ``request`` stands, brought up to date."""
    session, user = request.session, request.user
    state = session.get(STATE_KEY)
    if state == VERIFIED:
        if session.get(DEVICE_KEY) and getattr(user, "otp_device", None) is None:
            # The device that verified this session was deleted.
            session.pop(DEVICE_KEY, None)
            return _set_state(session, state_for(user))
        return state
    if state == VERIFY:
        return state
    if state == ENROL:
        # A staff role taken away (or the requirement turned off) lets it go.
        return state if required(user) else _set_state(session, state_for(user))
    now = int(time.time())
    if state == NOT_NEEDED:
        checked = session.get(CHECKED_KEY)
        if isinstance(checked, int) and now - checked < RECHECK_SECONDS:
            return state
        if not required(user):
            session[CHECKED_KEY] = now
            return state
    # A role that needs the second factor was granted during the session, or
    # the session predates two-factor sign-in.
    return _set_state(session, state_for(user))


def session_reassess(request) -> str:
    """Decide again what the session owes, as at sign-in (the person's app was
    set up or removed elsewhere since)."""
    request.session.pop(DEVICE_KEY, None)
    return _set_state(request.session, state_for(request.user))


def session_verified(request, device) -> None:
    """A code from ``device`` passed: the session is fully signed in. The key
    changes, as at any raise of privilege (no session fixation)."""
    request.session.cycle_key()
    otp_login(request, device)
    request.session[DEVICE_KEY] = device.persistent_id
    _set_state(request.session, VERIFIED)


def session_device_removed(request) -> str:
    """The person removed their own second factor in this session: what the
    session owes now (set up a new one, when required)."""
    request.session.pop(DEVICE_KEY, None)
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    return _set_state(request.session, ENROL if required(request.user) else NOT_NEEDED)


def with_next(url: str, next_url: str | None) -> str:
    """``url`` that goes on to ``next_url`` once done (home: nothing to add)."""
    if not next_url or next_url == "/":
        return url
    return f"{url}?{urlencode({'next': next_url})}"


def step_url(state: str, next_url: str | None = None) -> str:
    return with_next(reverse(STEP_URL_NAME[state]), next_url)


class TwoFactorMiddleware:
    """Sends a session that owes the second factor to its step, from every page
    (the site, Wagtail's admin, Django's admin) but the step itself, sign-out and
    the language switch. After django-otp's OTPMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.user.is_authenticated:
            return None
        state = session_state(request)
        if state not in ALLOWED_WHILE:
            return None
        match = request.resolver_match
        if match is not None and match.view_name in ALLOWED_WHILE[state]:
            return None
        next_url = request.get_full_path() if request.method == "GET" else None
        return redirect(step_url(state, next_url))
