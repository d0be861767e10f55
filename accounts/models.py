"""E-mail notifications (who turned which kind off, and what was already sent),
the record of signed-in sessions, and the audit trail of Django's users and groups.

Notification kinds are not rows: apps register them in code
(``accounts.notifications``), so a kind's code is stored as a plain string."""

import simple_history
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .audit import AuditedRecords

# Roles are Django groups, so the audit trail of roles is the history of users
# (with their groups and direct permissions) and of groups (with their
# permissions). The user model is Django's own: its history tables live here.
# Passwords are never copied into history; a sign-in (which only stamps
# ``last_login``) writes no history row.
simple_history.register(
    User,
    app="accounts",
    records_class=AuditedRecords,
    m2m_fields=["groups", "user_permissions"],
    excluded_fields=["password", "last_login"],
    skip_unchanged=True,
)
simple_history.register(
    Group,
    app="accounts",
    records_class=AuditedRecords,
    m2m_fields=["permissions"],
    skip_unchanged=True,
)


class NotificationOptOut(models.Model):
    """A person turned an optional kind of notification off. No row: it is on
    (the default), so a new kind reaches everyone until they say otherwise."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_opt_outs",
    )
    kind = models.CharField(_("tipo de aviso"), max_length=60)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_opt_out")
        ]
        verbose_name = _("aviso desactivado")
        verbose_name_plural = _("avisos desactivados")

    def __str__(self):
        return f"{self.user} ✗ {self.kind}"


class NotificationSent(models.Model):
    """One notification delivered to one person. ``key`` names what it was
    about (e.g. a session and its start time), so the same notice is never sent
    twice to the same person: the row is claimed before the e-mail goes out."""

    kind = models.CharField(_("tipo de aviso"), max_length=60)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications_sent",
    )
    key = models.CharField(max_length=200)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "recipient", "key"], name="one_notification"
            )
        ]
        verbose_name = _("aviso enviado")
        verbose_name_plural = _("avisos enviados")

    def __str__(self):
        return f"{self.kind} → {self.recipient} ({self.key})"


class UserSession(models.Model):
    """One signed-in session of a person, as "Mis sesiones" lists it.

    The session itself lives in the configured engine (database sessions, or
    Redis through the cache engine), which cannot be asked "whose sessions are
    these?". This row mirrors the key with who, from where and when, kept up to
    date by accounts.user_sessions; ending a session deletes it from the engine.
    (django-user-sessions would give this list by replacing the session engine
    with its own database one, which rules out Redis sessions.)"""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="sign_in_sessions",
    )
    session_key = models.CharField(max_length=40, unique=True)
    ip_address = models.GenericIPAddressField(_("dirección IP"), null=True)
    user_agent = models.CharField(_("navegador"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("inicio de sesión"), default=timezone.now)
    last_seen = models.DateTimeField(_("última actividad"), default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["user", "-last_seen"], name="user_session_recent"),
            models.Index(fields=["last_seen"], name="user_session_last_seen"),
        ]
        verbose_name = _("sesión iniciada")
        verbose_name_plural = _("sesiones iniciadas")

    def __str__(self):
        return f"{self.user} · {self.last_seen:%Y-%m-%d %H:%M}"
