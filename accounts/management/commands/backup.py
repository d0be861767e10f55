"""``manage.py backup [--output PATH]``: the database, the private files and the
public media in one tar.gz with a manifest of SHA-256 hashes (accounts.backup).
Without --output the archive goes to ATIENDE_BACKUP_DIR as
atiende-<date>-<time>.tar.gz, readable by its owner only: it holds personal
data."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.backup import BackupError, write_backup


class Command(BaseCommand):
    help = "Write one archive with the database, private files and media."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            help="Archive to write (default: in ATIENDE_BACKUP_DIR).",
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args, output=None, database="default", **options):
        if output is not None:
            output = Path(output)  # call_command passes it unconverted
        else:
            folder = Path(settings.ATIENDE_BACKUP_DIR)
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            output = folder / f"atiende-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz"
        if output.exists():
            raise CommandError(f"{output} exists already; choose another name.")
        try:
            manifest = write_backup(output, using=database)
        except BackupError as error:
            raise CommandError(str(error)) from None
        files = manifest["files"]
        self.stdout.write(
            f"Backup written to {output}: database ({manifest['database']['vendor']}), "
            f"{files['private']} private file(s), {files['default']} media file(s)."
        )
