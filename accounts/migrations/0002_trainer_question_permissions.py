"""Grant trainers the question bank permissions on databases migrated before the
bank existed (accounts/0001 ran before assessments/0002 created its models)."""

from django.db import migrations


def grant(apps, schema_editor):
    from accounts.role_permissions import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_roles"),
        ("assessments", "0002_question_bank_and_attempts"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
