"""Reminders of tomorrow's sessions to their cohorts' members
(``rollout.notification_services.session_reminders_enqueue``: to whom, and why
running it twice sends nothing twice).

Run it once a day; the reminders go out through the task worker. From cron (as
the user that runs the site, with its environment)::

    # m h dom mon dow  command
    0 8 * * *  cd /srv/atiende && .venv/bin/python manage.py send_session_reminders
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from rollout.notification_services import session_reminders_enqueue


class Command(BaseCommand):
    help = (
        "Encola, una sola vez por sesión y persona, el recordatorio de las "
        "sesiones de mañana. Ejecútalo a diario (cron)."
    )

    def handle(self, *args, **options):
        run = session_reminders_enqueue()
        self.stdout.write(
            f"{run.day}: {len(run.sessions)} session(s), "
            f"{run.people} reminder(s) enqueued."
        )
