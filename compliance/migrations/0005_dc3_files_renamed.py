"""DC-3 PDFs were already private but named after their folio: give them random
names (see certificates 0010 for why this is not atomic and may run again)."""

from django.core.files.storage import storages
from django.db import migrations

from accounts.private_files import relocate_to_private


def forwards(apps, schema_editor):
    relocate_to_private(
        apps.get_model("compliance", "Dc3"),
        "pdf",
        public=storages["default"],
        private=storages["private"],
    )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("compliance", "0004_dc3_unguessable_names"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True),
    ]
