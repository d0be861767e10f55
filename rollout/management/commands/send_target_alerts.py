"""Alerts to HR about the units behind their certification target
(``dashboard_selectors.units_behind_target``: the latest target due by today
against the people of the unit and below holding a valid certificate), sent
once per unit and target (``notification_services.target_alerts_send``).

Run it once a day, after ``send_session_reminders``; from cron::

    30 8 * * *  cd /srv/atiende && .venv/bin/python manage.py send_target_alerts
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from rollout.dashboard_selectors import units_behind_target
from rollout.notification_services import target_alerts_send


class Command(BaseCommand):
    help = (
        "Avisa a Recursos humanos, una vez por unidad y meta, de las unidades "
        "por debajo de su meta de personas certificadas. Ejecútalo a diario (cron)."
    )

    def handle(self, *args, **options):
        today = timezone.localdate()
        with transaction.atomic():
            rows = units_behind_target(today)
            target_alerts_send(rows)
        for row in rows:
            self.stdout.write(
                f"{row.unit.code}: {row.certified} of {row.target.certified} "
                f"by {row.target.due_on:%Y-%m-%d}"
            )
        self.stdout.write(f"{today}: {len(rows)} unit(s) behind target.")
