"""Render the PDF of every certificate that still has none.

Issued certificates get their PDF from a task right after they are issued, and a
failed render is retried a few times. This sweep catches what is left (a lost
task, a failure that outlived its retries). Run it from cron, e.g. hourly::

    5 * * * *  cd /srv/atiende && .venv/bin/python manage.py render_pending_certificates
"""

from django.core.management.base import BaseCommand

from certificates.rendering import certificates_render_pending


class Command(BaseCommand):
    help = "Genera el PDF de las constancias que todavía no lo tienen."

    def handle(self, *args, **options):
        rendered, failed = certificates_render_pending()
        self.stdout.write(f"PDF generados: {rendered}; con error: {failed}")
        if failed:
            self.stderr.write(
                "Revisa el error en la constancia (Recursos Humanos → Constancias)."
            )
