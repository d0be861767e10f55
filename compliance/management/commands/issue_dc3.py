from django.core.management.base import BaseCommand

from compliance import services


class Command(BaseCommand):
    help = (
        "Issue every DC-3 earned and not issued yet (workers who completed a "
        "course and passed its final); those with missing data are only counted."
    )

    def handle(self, *args, **options):
        result = services.dc3_issue_pending()
        self.stdout.write(
            f"DC-3 emitidas: {result.issued}; con datos faltantes: {result.incomplete}"
        )
