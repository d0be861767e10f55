"""Replace Wagtail's default welcome page with our HomePage and point the Site at it."""

from django.db import migrations

HOME_INTRO = (
    "<p>Formación para el personal que atiende al público, alineada al estándar de "
    "competencia EC0305 «Prestación de servicios de atención a clientes».</p>"
)


def create_homepage(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    Locale = apps.get_model("wagtailcore.Locale")
    HomePage = apps.get_model("courses.HomePage")

    if HomePage.objects.exists():
        return
    page_type = ContentType.objects.get(model="page", app_label="wagtailcore")
    # Deleting the welcome page also deletes the Site that points at it.
    Page.objects.filter(content_type=page_type, depth=2, slug="home").delete()
    root = Page.objects.get(depth=1)
    home_type, _ = ContentType.objects.get_or_create(
        model="homepage", app_label="courses"
    )
    siblings = Page.objects.filter(depth=2).count()
    home = HomePage.objects.create(
        title="Atiende",
        draft_title="Atiende",
        slug="inicio",
        content_type=home_type,
        path=f"{root.path}{siblings + 1:04d}",
        depth=2,
        numchild=0,
        url_path="/inicio/",
        intro=HOME_INTRO,
        locale=Locale.objects.order_by("pk").first(),
        live=True,
    )
    Page.objects.filter(pk=root.pk).update(numchild=siblings + 1)
    Site.objects.filter(is_default_site=True).delete()
    Site.objects.create(
        hostname="localhost",
        port=80,
        site_name="Atiende",
        root_page_id=home.pk,
        is_default_site=True,
    )


def remove_homepage(apps, schema_editor):
    apps.get_model("courses.HomePage").objects.filter(depth=2).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_homepage, remove_homepage)]
