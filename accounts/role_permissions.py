"""What each role may do, and the one function that grants it.

Used by the data migration (with the historical app registry) and by
load_initial_data (with the live one), so a database that was flushed, as browser
tests do, gets its roles back exactly as a migrated one has them.
"""

from . import roles

TRAINER_MODEL_PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    *[
        (app_label, f"{action}_{model}")
        for app_label, model in (
            ("standards", "standard"),
            ("standards", "element"),
            ("standards", "criterion"),
            ("assessments", "question"),
            ("evaluation", "instrument"),
            ("evaluation", "scenario"),
        )
        for action in ("add", "change", "delete", "view")
    ],
    # Versions and re-grade records are frozen history: trainers read them; they
    # are made by the services (a draw, a re-grade), never edited by hand.
    ("assessments", "view_questionversion"),
    ("assessments", "view_regraderecord"),
    # What the DC-3 of a course prints (área temática, hours, agent, tutor).
    *[("compliance", f"{action}_coursedc3") for action in ("add", "change", "view")],
    ("compliance", "view_thematicarea"),
]
HR_MODEL_PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    *[
        ("certificates", codename)
        for codename in (
            "view_certificate",
            "revoke_certificate",
            "export_certificate",
            "view_bulkdownload",
            "add_bulkdownload",
            "change_certificatesettings",
            "view_certificatesettings",
        )
    ],
    # The organisation's units, positions and who is given which unit.
    *[
        ("rollout", f"{action}_{model}")
        for model in ("orgunit", "position", "unitscope", "occupation")
        for action in ("add", "change", "view")
    ],
    # The DC-3 catalogues and constancias.
    *[
        ("compliance", f"{action}_{model}")
        for model in ("thematicarea", "coursedc3")
        for action in ("add", "change", "view")
    ],
    ("compliance", "view_dc3"),
]
# Learners get no permission at all: no admin access.
TRAINER_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page"]
TRAINER_COLLECTION_PERMISSIONS = [
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
]


def ensure_permissions_exist(apps) -> None:
    # Permissions are normally created after all migrations (post_migrate); create
    # them now so roles can be granted on a fresh or flushed database.
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        module = getattr(app_config, "models_module", None)
        app_config.models_module = module or True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = module


def sync_roles(apps) -> None:
    """Create the role groups and grant their permissions (idempotent)."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model(
        "wagtailcore", "GroupCollectionPermission"
    )
    ensure_permissions_exist(apps)

    def permissions(specs):
        # A permission whose model a later migration creates is skipped here; that
        # migration calls sync_roles again.
        found = []
        for app_label, codename in specs:
            perm = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if perm is not None:
                found.append(perm)
        return found

    def permission(app_label, codename):
        return Permission.objects.get(
            content_type__app_label=app_label, codename=codename
        )

    Group.objects.get_or_create(name=roles.LEARNERS)
    Group.objects.get_or_create(name=roles.EVALUATORS)
    trainers, _ = Group.objects.get_or_create(name=roles.TRAINERS)
    hr, _ = Group.objects.get_or_create(name=roles.HR)
    trainers.permissions.add(*permissions(TRAINER_MODEL_PERMISSIONS))
    hr.permissions.add(*permissions(HR_MODEL_PERMISSIONS))
    # The course tree hangs from the home page: trainers edit it and nothing else.
    home = Page.objects.filter(depth=2, content_type__app_label="courses").first()
    if home is not None:
        for codename in TRAINER_PAGE_PERMISSIONS:
            GroupPagePermission.objects.get_or_create(
                group=trainers,
                page=home,
                permission=permission("wagtailcore", codename),
            )
    root_collection = Collection.objects.filter(depth=1).first()
    if root_collection is not None:
        for app_label, codename in TRAINER_COLLECTION_PERMISSIONS:
            GroupCollectionPermission.objects.get_or_create(
                group=trainers,
                collection=root_collection,
                permission=permission(app_label, codename),
            )
