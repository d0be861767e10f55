"""E-mail reminders about certificates that are about to expire: a service.

Each certificate in force that expires within the notice window
(ATIENDE_CERTIFICATE_EXPIRY_NOTICE_DAYS, 60 by default; ``days`` overrides it) is
reminded once: its holder gets an e-mail (when the account has an address)
saying from which day they can renew it by passing the final assessment again
(``renewal.renewal_opens_on``) and how many attempts the renewal has left, and HR
(active members of the "Recursos humanos" group with an address) gets one digest
listing every certificate reminded in the run. ``Certificate.reminder_sent_at``
records it, so later runs skip it. Certificates revoked, already replaced by a
re-issue, or whose holder already renewed (holds a later certificate of the same
standard) are left out (``hr_selectors.expiring_certificates``).

``manage.py send_certificate_reminders`` (daily, from cron) parses its options,
calls ``certificate_reminders_send`` and prints the report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.template.loader import render_to_string
from django.utils import timezone, translation

from accounts import roles
from accounts.public_url import public_url

from . import hr_selectors
from .models import Certificate


@dataclass
class ReminderReport:
    days: int
    dry_run: bool
    # The certificates due; in a dry run, those that would be reminded.
    due: list[Certificate] = field(default_factory=list)
    reminded: list[Certificate] = field(default_factory=list)
    holder_mails: int = 0
    hr_addresses: list[str] = field(default_factory=list)

    @property
    def hr_digests(self) -> int:
        return len(self.hr_addresses) if self.reminded else 0


def _subject(template: str, context: dict) -> str:
    return " ".join(render_to_string(template, context).split())


def _hr_addresses() -> list[str]:
    return sorted(
        get_user_model()
        .objects.filter(groups__name=roles.HR, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )


def _remind_holder(certificate: Certificate, connection) -> bool:
    """E-mail the holder, if they have an address; whether one was sent."""
    address = certificate.holder.email
    if not address:
        return False
    context = {"certificate": certificate, "attempts_left": certificate.attempts_left}
    mail.EmailMessage(
        _subject("certificates/hr/email/holder_subject.txt", context),
        render_to_string("certificates/hr/email/holder_body.txt", context),
        to=[address],
        connection=connection,
    ).send()
    return True


def certificate_reminders_send(
    *, now: datetime | None = None, days: int | None = None, dry_run: bool = False
) -> ReminderReport:
    """Remind, once each, the holders of certificates expiring within ``days``
    of ``now``'s day, and HR with one digest. A dry run sends and records
    nothing and reports what would be reminded. Two overlapping runs never both
    remind a certificate (each is claimed before its e-mail); a holder's e-mail
    that fails releases the claim, so the next run tries again."""
    days = hr_selectors.expiry_window_days() if days is None else days
    if days < 0:
        raise ValueError("days must be zero or more")
    now = now or timezone.now()
    today = timezone.localdate(now)
    report = ReminderReport(days=days, dry_run=dry_run)
    report.due = list(
        hr_selectors.with_renewal(
            hr_selectors.expiring_certificates(today=today, days=days).filter(
                reminder_sent_at__isnull=True
            ),
            today=today,
        )
    )
    if dry_run:
        return report

    with translation.override(settings.LANGUAGE_CODE):
        connection = mail.get_connection()
        for certificate in report.due:
            claimed = Certificate.objects.filter(
                pk=certificate.pk, reminder_sent_at__isnull=True
            ).update(reminder_sent_at=now)
            if not claimed:
                continue
            certificate.reminder_sent_at = now
            try:
                sent = _remind_holder(certificate, connection)
            except Exception:
                # Not reminded after all: the next run tries again.
                Certificate.objects.filter(pk=certificate.pk).update(
                    reminder_sent_at=None
                )
                raise
            report.holder_mails += int(sent)
            report.reminded.append(certificate)

        report.hr_addresses = _hr_addresses()
        if report.reminded and report.hr_addresses:
            context = {
                "certificates": report.reminded,
                "days": days,
                "list_url": public_url("certificates:hr_expiring"),
            }
            subject = _subject("certificates/hr/email/hr_subject.txt", context)
            body = render_to_string("certificates/hr/email/hr_body.txt", context)
            connection.send_messages(
                [
                    mail.EmailMessage(subject, body, to=[address])
                    for address in report.hr_addresses
                ]
            )
    return report
