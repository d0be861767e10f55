"""Create the three role groups with the Wagtail and model permissions each needs.

Learners get no permission at all (so no admin access). Trainers edit the course
tree and the competence snippets and upload images and documents. HR may enter the
admin; certificate permissions are added by the certificates app once it has them.
"""

from django.db import migrations

LEARNERS = "Aprendices"
TRAINERS = "Instructores"
HR = "Recursos humanos"

TRAINER_MODEL_PERMISSIONS = [
    ("wagtailadmin", "admin", "access_admin"),
    *[
        ("assessments", model, f"{action}_{model}")
        for model in ("standard", "element", "criterion")
        for action in ("add", "change", "delete", "view")
    ],
]
HR_MODEL_PERMISSIONS = [("wagtailadmin", "admin", "access_admin")]
TRAINER_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page"]
TRAINER_COLLECTION_PERMISSIONS = [
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
]


def _ensure_permissions_exist(apps):
    # Permissions are normally created after all migrations (post_migrate); create
    # them now so this migration can assign them on a fresh database.
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def _permission(apps, app_label, codename):
    Permission = apps.get_model("auth.Permission")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    Page = apps.get_model("wagtailcore.Page")
    Collection = apps.get_model("wagtailcore.Collection")
    GroupPagePermission = apps.get_model("wagtailcore.GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore.GroupCollectionPermission")
    _ensure_permissions_exist(apps)

    Group.objects.get_or_create(name=LEARNERS)
    trainers, _ = Group.objects.get_or_create(name=TRAINERS)
    hr, _ = Group.objects.get_or_create(name=HR)
    trainers.permissions.add(
        *[_permission(apps, app, code) for app, _m, code in TRAINER_MODEL_PERMISSIONS]
    )
    hr.permissions.add(
        *[_permission(apps, app, code) for app, _m, code in HR_MODEL_PERMISSIONS]
    )
    # The course tree hangs from the home page: trainers edit it and nothing else.
    home = Page.objects.filter(depth=2, content_type__app_label="courses").first()
    if home is not None:
        for codename in TRAINER_PAGE_PERMISSIONS:
            GroupPagePermission.objects.get_or_create(
                group=trainers,
                page=home,
                permission=_permission(apps, "wagtailcore", codename),
            )
    root_collection = Collection.objects.filter(depth=1).first()
    if root_collection is not None:
        for app, codename in TRAINER_COLLECTION_PERMISSIONS:
            GroupCollectionPermission.objects.get_or_create(
                group=trainers,
                collection=root_collection,
                permission=_permission(apps, app, codename),
            )


def remove_roles(apps, schema_editor):
    apps.get_model("auth.Group").objects.filter(
        name__in=[LEARNERS, TRAINERS, HR]
    ).delete()


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
