"""The shipped catalogues (áreas temáticas, areas of the Catálogo Nacional de
Ocupaciones) and the HR and trainers' permissions on them."""

from django.db import migrations

from accounts.role_permissions import sync_roles
from compliance.catalogues import load_catalogues


def forwards(apps, schema_editor):
    load_catalogues(
        apps.get_model("compliance", "ThematicArea"),
        apps.get_model("rollout", "Occupation"),
    )
    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("compliance", "0001_initial"),
        ("rollout", "0006_dc3_occupation"),
        ("certificates", "0007_dc3_employer"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
