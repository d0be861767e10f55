"""Certificate PDFs and bulk ZIPs used to live in the public media folder under
guessable names (the serial): move them into the private storage under random
names. Not atomic on purpose: each row is updated as soon as its file is
copied, and only then is the original deleted, so an interruption loses
nothing and running it again (migrate certificates 0009, then migrate) finishes
the job."""

from django.core.files.storage import storages
from django.db import migrations

from accounts.private_files import relocate_to_private


def forwards(apps, schema_editor):
    for model_name, field in (("Certificate", "pdf"), ("BulkDownload", "file")):
        relocate_to_private(
            apps.get_model("certificates", model_name),
            field,
            public=storages["default"],
            private=storages["private"],
        )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("certificates", "0009_private_unguessable_files"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True),
    ]
