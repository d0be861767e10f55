"""What the Django benchmarks share: settings on a scratch database, and an
empty site to build on.

The database is DATABASE_URL when set, else a temporary SQLite file. It is
migrated and flushed: never point DATABASE_URL at data you want to keep.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def django_setup() -> None:
    """Configure Django with the test settings on the benchmark's database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    if not os.environ.get("DATABASE_URL"):
        path = Path(tempfile.mkdtemp()) / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    import django

    django.setup()


def empty_site() -> None:
    """Migrate and flush the database, then put back what every page needs: the
    roles, the default locale, a home page and its site."""
    from django.apps import apps
    from django.core.management import call_command
    from wagtail.models import Locale, Page, Site

    from accounts.role_permissions import sync_roles
    from courses.models import HomePage

    call_command("migrate", verbosity=0, interactive=False)
    call_command("flush", verbosity=0, interactive=False)
    sync_roles(apps)
    Locale.objects.get_or_create(language_code="es-mx")
    if not Page.objects.filter(depth=1).exists():
        root = Page.add_root(title="Root", slug="root")
        home = root.add_child(instance=HomePage(title="Inicio", slug="inicio"))
        Site.objects.create(hostname="localhost", root_page=home, is_default_site=True)
