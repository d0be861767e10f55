"""The e-mail that lets a person set their password: the invitation sent to
people whose account was created for them (the roster import), built so that a
password reset can reuse the same link and page.

The link carries Django's ``default_token_generator`` token, which is bound to
the password hash and the last sign-in: it stops working once the password is
set, and after ``PASSWORD_RESET_TIMEOUT``.
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


def invitation_message(user, *, connection=None) -> EmailMultiAlternatives:
    """The invitation to ``user`` (plain text and HTML), in Spanish: the people
    invited have not chosen a language yet."""
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "user": user,
            "url": set_password_url(user),
            "site_url": public_base_url(),
            "days": settings.PASSWORD_RESET_TIMEOUT // 86400,
        }
        subject = render_to_string("accounts/email/invitation_subject.txt", context)
        text = render_to_string("accounts/email/invitation.txt", context)
        html = render_to_string("accounts/email/invitation.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        to=[user.email],
        connection=connection,
    )
    message.attach_alternative(html, "text/html")
    return message
