"""``manage.py restore ARCHIVE``: check an archive written by ``backup`` against
its manifest, then restore its database into this site's empty database and
its files into the storages (accounts.backup). Refuses, changing nothing, an
altered archive or a database that has tables."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "Restore a backup archive into an empty database."

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument("--database", default="default")

    def handle(self, *args, archive, database="default", **options):
        archive = Path(archive)  # call_command passes it unconverted
        if not archive.is_file():
            raise CommandError(f"{archive} is not a file.")
        try:
            restored = restore_backup(archive, using=database)
        except BackupError as error:
            raise CommandError(str(error)) from None
        manifest = restored.manifest
        self.stdout.write(
            f"Restored the backup of {manifest['created']} (version "
            f"{manifest['version']}): database, {restored.files} file(s) written, "
            f"{restored.skipped} already in place. Run `manage.py migrate` if this "
            f"code is newer than the backup."
        )
