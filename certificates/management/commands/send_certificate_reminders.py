"""E-mail reminders about certificates that are about to expire
(``certificates.reminders.certificate_reminders_send``: what is sent, to whom
and when).

Run it once a day. In development the console e-mail backend prints the
messages. In production, from cron (as the user that runs the site, with its
environment)::

    # m h dom mon dow  command
    15 7 * * *  cd /srv/atiende && .venv/bin/python manage.py send_certificate_reminders

Use ``--dry-run`` to see what would be sent without sending or recording anything.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from certificates.reminders import certificate_reminders_send


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
        if days is not None and days < 0:
            raise CommandError("--days must be zero or more")
        report = certificate_reminders_send(days=days, dry_run=dry_run)
        if dry_run:
            for certificate in report.due:
                self.stdout.write(
                    f"{certificate.serial}\t{certificate.expires_on}\t"
                    f"{certificate.holder.email or '-'}"
                )
            self.stdout.write(f"{len(report.due)} reminder(s) would be sent.")
            return
        self.stdout.write(
            f"{len(report.reminded)} certificate(s) reminded; "
            f"{report.holder_mails} e-mail(s) to holders; HR digest to "
            f"{report.hr_digests} address(es)."
        )
