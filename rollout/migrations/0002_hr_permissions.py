"""HR manages units, positions and unit scopes in the admin."""

from django.db import migrations

from accounts.role_permissions import sync_roles


def grant(apps, schema_editor):
    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("rollout", "0001_initial"),
        ("evaluation", "0004_evaluator_role_and_permissions"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
