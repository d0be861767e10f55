"""The Evaluadores group, and trainers' permissions on instruments and scenarios."""

from django.db import migrations

from accounts.role_permissions import sync_roles


def grant(apps, schema_editor):
    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0003_instruments_plans_observations"),
        ("standards", "0002_content_types_and_roles"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
