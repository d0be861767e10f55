"""The e-mails that carry a one-time link to set a password, and their link.

- The invitation to people whose account was created for them (the roster
  import).
- The one a self-registered person gets to activate their new account
  (``signup_message``): sign-up asks for no password; the person chooses it
  through the link, so only whoever reads that mailbox can ever sign in.
- The password reset (``password_reset_message``).
- "Ya tienes una cuenta" (``account_exists_message``), sent to the owner of an
  address someone signed up with, instead of telling the visitor it exists.

Every link is the same set-password page with Django's ``default_token_generator``
token, which is bound to the password hash and the last sign-in: it stops
working once the password is set, and after ``PASSWORD_RESET_TIMEOUT``.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from .public_url import public_base_url, public_url


def set_password_url(user) -> str:
    """The absolute link to the set-password page for ``user``."""
    return public_url(
        "accounts:set_password",
        urlsafe_base64_encode(force_bytes(user.pk)),
        default_token_generator.make_token(user),
    )


def _message(
    template: str, context: dict, *, to: str, connection=None, html: bool = False
) -> EmailMultiAlternatives:
    """The e-mail rendered from ``accounts/email/<template>{_subject.txt,.txt}``
    (and ``.html`` as an alternative when ``html``), in the active language."""
    context = {
        "site_url": public_base_url(),
        "days": settings.PASSWORD_RESET_TIMEOUT // 86400,
        **context,
    }
    subject = render_to_string(f"accounts/email/{template}_subject.txt", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=render_to_string(f"accounts/email/{template}.txt", context),
        to=[to],
        connection=connection,
    )
    if html:
        message.attach_alternative(
            render_to_string(f"accounts/email/{template}.html", context), "text/html"
        )
    return message


def _with_link(template: str, user, **kwargs) -> EmailMultiAlternatives:
    return _message(
        template,
        {"user": user, "url": set_password_url(user)},
        to=user.email,
        **kwargs,
    )


def invitation_message(user, *, connection=None) -> EmailMultiAlternatives:
    """The invitation to ``user`` (plain text and HTML), in Spanish: the people
    invited have not chosen a language yet."""
    with translation.override(settings.LANGUAGE_CODE):
        return _with_link("invitation", user, connection=connection, html=True)


def signup_message(user) -> EmailMultiAlternatives:
    """To a person who just signed up: activate the account by setting a
    password."""
    return _with_link("signup", user)


def password_reset_message(user) -> EmailMultiAlternatives:
    """To the owner of an account whose password reset was asked for."""
    return _with_link("password_reset", user)


def account_exists_message(user) -> EmailMultiAlternatives:
    """To the owner of an address someone signed up with: their username and,
    while the account is active, a link to set a new password."""
    if user.is_active:
        return _with_link("account_exists", user)
    return _message("account_exists", {"user": user, "url": ""}, to=user.email)


def username_taken_message(*, email: str, username: str) -> EmailMultiAlternatives:
    """To a new address whose sign-up asked for a username already in use: only
    the owner of that mailbox learns it, and can sign up again with another."""
    return _message(
        "username_taken",
        {"username": username, "signup_url": public_url("accounts:signup")},
        to=email,
    )
