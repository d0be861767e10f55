"""Carry the content types of the moved models over to this app.

Renaming the content type in place keeps every row that points to it: the roles'
permissions, Wagtail's search and reference index entries and revisions. On a
database where both exist (permissions were created for the new app already),
group and user grants move to the new permissions and the old type goes.
"""

from django.db import migrations

from accounts.role_permissions import sync_roles

MOVED = ("standard", "element", "criterion")


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    for model in MOVED:
        old = ContentType.objects.filter(app_label="assessments", model=model).first()
        if old is None:
            continue
        new = ContentType.objects.filter(app_label="standards", model=model).first()
        if new is None:
            old.app_label = "standards"
            old.save(update_fields=["app_label"])
            continue
        for permission in Permission.objects.filter(content_type=old):
            target = Permission.objects.filter(
                content_type=new, codename=permission.codename
            ).first()
            if target is not None:
                for group in permission.group_set.all():
                    group.permissions.add(target)
                for user in permission.user_set.all():
                    user.user_permissions.add(target)
        old.delete()


def grant(apps, schema_editor):
    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("standards", "0001_initial"),
        ("assessments", "0005_standard_moved_to_standards"),
        ("accounts", "0002_trainer_question_permissions"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(move_content_types, migrations.RunPython.noop),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
