"""Create the three role groups with the Wagtail and model permissions each needs."""

from django.db import migrations


def create_roles(apps, schema_editor):
    from accounts.role_permissions import sync_roles

    sync_roles(apps)


def remove_roles(apps, schema_editor):
    from accounts.roles import ALL_GROUPS

    apps.get_model("auth.Group").objects.filter(name__in=ALL_GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("assessments", "0001_initial"),
        ("courses", "0002_create_homepage"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
