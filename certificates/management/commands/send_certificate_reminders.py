"""E-mail reminders about certificates that are about to expire.

Run it once a day. Each certificate in force that expires within the notice
window (ATIENDE_CERTIFICATE_EXPIRY_NOTICE_DAYS, 60 by default; ``--days``
overrides it) is reminded once: its holder gets an e-mail (when the account has an
address) saying from which day they can renew it by passing the final assessment
again (``Certificate.renewal_opens_on``) and how many attempts the renewal has
left, and HR (active members of the "Recursos humanos" group with an address)
gets one digest listing every certificate reminded in the run.
``Certificate.reminder_sent_at`` records it, so later runs skip it. Certificates
revoked, already replaced by a re-issue, or whose holder already renewed (holds a
later certificate of the same standard) are left out
(``hr_selectors.expiring_certificates``).

In development the console e-mail backend prints the messages. In production, from
cron (as the user that runs the site, with its environment)::

    # m h dom mon dow  command
    15 7 * * *  cd /srv/atiende && .venv/bin/python manage.py send_certificate_reminders

Use ``--dry-run`` to see what would be sent without sending or recording anything.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management.base import BaseCommand, CommandError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts import roles
from accounts.public_url import public_base_url
from certificates import hr_selectors
from certificates.models import Certificate


def _subject(template: str, context: dict) -> str:
    return " ".join(render_to_string(template, context).split())


def _list_url() -> str:
    return public_base_url() + reverse("certificates:hr_expiring")


class Command(BaseCommand):
    help = (
        "Envía, una sola vez por constancia, el aviso de vencimiento a su titular y "
        "a Recursos Humanos. Ejecútalo a diario (cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Días de anticipación (por omisión, "
            "ATIENDE_CERTIFICATE_EXPIRY_NOTICE_DAYS).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Muestra lo que se enviaría sin enviar ni registrar nada.",
        )

    def handle(self, *args, days=None, dry_run=False, **options):
        days = hr_selectors.expiry_window_days() if days is None else days
        if days < 0:
            raise CommandError("--days must be zero or more")
        now = timezone.now()
        today = timezone.localdate(now)
        due = list(
            hr_selectors.expiring_certificates(today=today, days=days).filter(
                reminder_sent_at__isnull=True
            )
        )
        if dry_run:
            for certificate in due:
                self.stdout.write(
                    f"{certificate.serial}\t{certificate.expires_on}\t"
                    f"{certificate.holder.email or '-'}"
                )
            self.stdout.write(f"{len(due)} reminder(s) would be sent.")
            return

        reminded = []
        holder_mails = 0
        with translation.override(settings.LANGUAGE_CODE):
            connection = mail.get_connection()
            for certificate in due:
                # Claim the certificate first: two overlapping runs never both
                # remind it.
                claimed = Certificate.objects.filter(
                    pk=certificate.pk, reminder_sent_at__isnull=True
                ).update(reminder_sent_at=now)
                if not claimed:
                    continue
                certificate.reminder_sent_at = now
                certificate.attempts_left = hr_selectors.attempts_left(certificate)
                address = certificate.holder.email
                if address:
                    context = {
                        "certificate": certificate,
                        "attempts_left": certificate.attempts_left,
                    }
                    try:
                        mail.EmailMessage(
                            _subject(
                                "certificates/hr/email/holder_subject.txt", context
                            ),
                            render_to_string(
                                "certificates/hr/email/holder_body.txt", context
                            ),
                            to=[address],
                            connection=connection,
                        ).send()
                    except Exception:
                        # Not reminded after all: the next run tries again.
                        Certificate.objects.filter(pk=certificate.pk).update(
                            reminder_sent_at=None
                        )
                        raise
                    holder_mails += 1
                reminded.append(certificate)

            hr_addresses = sorted(
                get_user_model()
                .objects.filter(groups__name=roles.HR, is_active=True)
                .exclude(email="")
                .values_list("email", flat=True)
                .distinct()
            )
            if reminded and hr_addresses:
                context = {
                    "certificates": reminded,
                    "days": days,
                    "list_url": _list_url(),
                }
                subject = _subject("certificates/hr/email/hr_subject.txt", context)
                body = render_to_string("certificates/hr/email/hr_body.txt", context)
                connection.send_messages(
                    [
                        mail.EmailMessage(subject, body, to=[address])
                        for address in hr_addresses
                    ]
                )

        self.stdout.write(
            f"{len(reminded)} certificate(s) reminded; {holder_mails} e-mail(s) to "
            f"holders; HR digest to {len(hr_addresses) if reminded else 0} "
            "address(es)."
        )
