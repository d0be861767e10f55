"""Changes of state for notifications: preferences, and delivering e-mails.

``deliver`` is the one way a notification goes out, whatever app built it: it
checks preferences at send time, skips people without an address, claims each
(kind, person, key) before sending so that nothing is sent twice, adds the
unsubscribe link to optional kinds, and sends everything over one connection.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from . import notifications
from .models import NotificationOptOut, NotificationSent
from .public_url import public_url

logger = logging.getLogger(__name__)


class NotificationRefused(ValueError):
    """A preference change the rules do not allow; str() can be shown."""


def _optional(code: str) -> notifications.Kind:
    kind = notifications.get(code)
    if kind is None:
        raise NotificationRefused(_("Ese tipo de aviso no existe."))
    if kind.mandatory:
        raise NotificationRefused(
            _("El aviso «%(label)s» es obligatorio: no se puede desactivar.")
            % {"label": kind.label}
        )
    return kind


def notification_opt_out(*, user, code: str) -> None:
    """Turn an optional kind off for ``user`` (again: nothing changes)."""
    kind = _optional(code)
    NotificationOptOut.objects.get_or_create(user=user, kind=kind.code)


@transaction.atomic
def notification_preferences_save(*, user, enabled: Iterable[str]) -> None:
    """Set ``user``'s optional kinds: those in ``enabled`` on, the others that
    concern them off. Mandatory kinds stay on whatever is sent; a code that is
    not a kind for this person is refused (a tampered form)."""
    enabled = set(enabled)
    theirs = {kind.code: kind for kind in notifications.kinds_for(user)}
    unknown = enabled - set(theirs)
    if unknown:
        raise NotificationRefused(_("Ese tipo de aviso no existe."))
    optional = {code for code, kind in theirs.items() if not kind.mandatory}
    off = optional - enabled
    NotificationOptOut.objects.filter(user=user, kind__in=optional & enabled).delete()
    existing = notifications.opted_out(user)
    NotificationOptOut.objects.bulk_create(
        [NotificationOptOut(user=user, kind=code) for code in sorted(off - existing)],
        ignore_conflicts=True,  # a double submit of the form
    )


# ---------------------------------------------------------------- delivery


@dataclass(frozen=True)
class Notice:
    """One e-mail to one person about one thing (``key``: what makes it the
    same notice, e.g. ``session:12@2025-03-04T15:00:00+00:00``)."""

    recipient: object  # a user
    key: str
    subject: str
    body: str


def _claim(code: str, notice: Notice) -> NotificationSent | None:
    try:
        with transaction.atomic():
            return NotificationSent.objects.create(
                kind=code, recipient=notice.recipient, key=notice.key
            )
    except IntegrityError:
        return None  # already sent (or being sent by another worker)


def already_sent(code: str, keys: Iterable[str]) -> set[tuple[int, str]]:
    """(recipient id, key) pairs already sent for ``code`` among ``keys``."""
    return set(
        NotificationSent.objects.filter(kind=code, key__in=set(keys)).values_list(
            "recipient_id", "key"
        )
    )


def _unsubscribe_link(kind: notifications.Kind, recipient) -> str:
    return public_url(
        "notifications:unsubscribe",
        notifications.unsubscribe_token(recipient, kind),
    )


def _message(kind: notifications.Kind, notice: Notice, connection):
    body, headers = notice.body.rstrip() + "\n", {}
    if not kind.mandatory:
        link = _unsubscribe_link(kind, notice.recipient)
        invitation = _("¿No quieres recibir más avisos así? Desactívalos aquí:")
        body += f"\n--\n{invitation}\n{link}\n"
        headers["List-Unsubscribe"] = f"<{link}>"
    return mail.EmailMessage(
        " ".join(notice.subject.split()),
        body,
        to=[notice.recipient.email],
        headers=headers,
        connection=connection,
    )


def deliver(code: str, notices: Iterable[Notice]) -> int:
    """Send ``notices`` of kind ``code``; return how many e-mails went out.

    Left out: inactive people, people without an address, people who turned an
    optional kind off (as of now), and notices already sent. A send that fails
    releases its claim (the next run tries again) and is raised after the rest
    of the batch went out."""
    kind = notifications.get(code)
    if kind is None:
        raise ValueError(f"Unknown notification kind {code!r}")
    notices = [
        notice
        for notice in notices
        if notice.recipient.is_active and notice.recipient.email
    ]
    wanted = notifications.wanted_by(kind, (n.recipient.pk for n in notices))
    notices = [notice for notice in notices if notice.recipient.pk in wanted]
    if not notices:
        return 0
    sent, failure = 0, None
    with translation.override(settings.LANGUAGE_CODE):
        connection = mail.get_connection()
        # Opened once for the whole batch (SMTP would otherwise reconnect per
        # message).
        connection.open()
        try:
            for notice in notices:
                claim = _claim(code, notice)
                if claim is None:
                    continue
                try:
                    _message(kind, notice, connection).send()
                except Exception as error:
                    logger.exception("Notification %s %s failed", code, notice.key)
                    claim.delete()
                    failure = error
                    continue
                sent += 1
        finally:
            connection.close()
    if failure is not None:
        raise failure
    return sent
