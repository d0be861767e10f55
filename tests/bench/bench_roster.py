"""Benchmark: a 10,000-row staff roster previewed and committed (issue 10: under
30 s on PostgreSQL, one core).

Run from the project root, pinned to one core:

    DATABASE_URL=postgres://postgres@127.0.0.1/bench_roster \\
        taskset -c 0 .venv/bin/python tests/bench/bench_roster.py [--rows N]

Without DATABASE_URL it runs on a temporary SQLite file. The database it is given
is migrated and **flushed** (never point it at data you want to keep), then
loaded with the course and the demo units (not timed). A CSV of N rows (10,000
by default) with valid CURPs (check digit from python-stdnum) over the demo
units is generated, and then, timed, through the real screens (Django's test
client, signed in as HR scoped to the whole organisation):

1. preview: the upload (parse, check against the database and the importer's
   units, store the checked rows) and the first page of the preview;
2. commit: the import (users, profiles, enrolments in the course) and the result
   page; the invitations are only enqueued here (a task backend that keeps them);
3. the same file again with a tenth of the rows changed (an idempotent update),
   preview and commit;
4. the invitation task for everyone created (not part of the 30 s: it runs in
   the background worker), with the locmem mail backend.

Prints seconds and query counts for each; exits non-zero if the first preview
plus commit, or the re-import's, takes 30 s or more, or if the outcome is wrong.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

TARGET_SECONDS = 30.0
UNITS = ("SUC-CENTRO", "SUC-NORTE", "REG-CENTRO")
# Codes of the shipped catalogue; every 10th person leaves the cell empty.
OCCUPATIONS = ("07", "08")
POSITIONS = ("Cajera", "Cajero", "Ejecutivo de atención", "Recepción", "Supervisora")
STATES = ("AS", "BC", "CH", "DF", "GT", "JC", "MC", "NL", "PL", "QT", "SP", "YN")
CONSONANTS = "BCDFGHJKLMNPQRSTVWXZ"
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
FIRST = ("José", "María Fernanda", "Ñeli", "Andrés", "Guadalupe", "Íñigo", "Ana")
LAST = ("Núñez", "Gómez", "Hernández", "Zúñiga", "Álvarez", "Peña", "Ibáñez")


def curps(count: int, seed: int = 10) -> list[str]:
    """``count`` distinct valid CURPs (format, birth date, state, check digit)."""
    from stdnum.mx import curp

    rng = random.Random(seed)
    found: set[str] = set()
    while len(found) < count:
        prefix = (
            rng.choice(LETTERS)
            + rng.choice("AEIOU")
            + rng.choice(LETTERS)
            + rng.choice(LETTERS)
            + f"{rng.randint(60, 99):02d}{rng.randint(1, 12):02d}"
            + f"{rng.randint(1, 28):02d}"
            + rng.choice("HM")
            + rng.choice(STATES)
            + "".join(rng.choice(CONSONANTS) for _ in range(3))
            + rng.choice("0123456789")
        )
        value = prefix + curp.calc_check_digit(prefix)
        if curp.is_valid(value):
            found.add(value)
    return sorted(found)


def roster_csv(people: list[str], *, changed_every: int = 0) -> bytes:
    """The roster as CSV; every ``changed_every``-th person gets a new e-mail and
    position (0: none changed). Every 25th person has no e-mail."""
    out = io.StringIO()
    out.write(
        "CURP,Nombre,Primer apellido,Segundo apellido,Correo,Puesto,Unidad,"
        "Fecha de ingreso,Ocupación\n"
    )
    for i, value in enumerate(people):
        changed = bool(changed_every) and i % changed_every == 0
        email = (
            "" if i % 25 == 0 else f"persona{i}{'.nuevo' if changed else ''}@ejemplo.mx"
        )
        position = POSITIONS[(i + changed) % len(POSITIONS)]
        out.write(
            f"{value},{FIRST[i % len(FIRST)]},{LAST[i % len(LAST)]},"
            f"{LAST[(i * 3) % len(LAST)]},{email},{position},"
            f"{UNITS[i % len(UNITS)]},2020-{1 + i % 12:02d}-{1 + i % 28:02d},"
            f"{OCCUPATIONS[i % len(OCCUPATIONS)] if i % 10 else ''}\n"
        )
    return out.getvalue().encode()


def setup_database() -> None:
    """Migrate, flush, and load the course, the demo accounts and units."""
    from django.core.management import call_command
    from django.db import connection

    from compliance.catalogues import load_catalogues
    from compliance.models import ThematicArea
    from portal.demo import demo_units_create, demo_users_create
    from rollout.models import Occupation

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:  # a throwaway database
            cursor.execute("PRAGMA synchronous = OFF")
    call_command("migrate", verbosity=0, interactive=False)
    call_command("flush", verbosity=0, interactive=False)
    call_command("load_initial_data", verbosity=0)
    # The flush emptied the catalogues that a data migration ships.
    load_catalogues(ThematicArea, Occupation)
    demo_users_create()
    demo_units_create()


class Timed:
    def __init__(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        self.capture = CaptureQueriesContext(connection)

    def __enter__(self):
        self.capture.__enter__()
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start
        self.capture.__exit__(*exc)
        self.queries = len(self.capture.captured_queries)


def preview_and_commit(client, data: bytes, label: str) -> tuple[float, str]:
    """Upload, read the preview, commit; returns (seconds, result page)."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from rollout.views_roster import SESSION_KEY

    with Timed() as preview:
        response = client.post(
            reverse("rollout:roster_upload"),
            {"file": SimpleUploadedFile("personal.csv", data)},
        )
        assert response.status_code == 302, response.status_code
        page = client.get(reverse("rollout:roster_preview"))
        assert page.status_code == 200
        assert "Guardar el personal" in page.text, "the preview found errors"
    token = client.session[SESSION_KEY]["token"]
    with Timed() as commit:
        done = client.post(reverse("rollout:roster_commit"), {"token": token})
        assert done.status_code == 200, done.status_code
    print(
        f"{label}: preview {preview.seconds:6.2f} s ({preview.queries} queries, "
        f"page {len(page.content) / 1024:.0f} KiB) · commit {commit.seconds:6.2f} s "
        f"({commit.queries} queries) · total {preview.seconds + commit.seconds:6.2f} s"
    )
    return preview.seconds + commit.seconds, done.text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="atiende-bench-roster-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    else:
        import dj_database_url

        name = str(dj_database_url.parse(os.environ["DATABASE_URL"])["NAME"])
        if "bench" not in Path(name).name:
            # The database is flushed: refuse anything not made for benchmarks.
            print(
                f"refusing to flush {name!r}: the database name must contain "
                "'bench' (createdb bench_roster)"
            )
            return 2

    import django
    from django.conf import settings
    from django.test.utils import override_settings

    django.setup()
    from django.db import connection

    print(
        f"database: {connection.vendor} · rows: {args.rows:,} · "
        f"cores available: {len(os.sched_getaffinity(0))}"
    )
    started = time.perf_counter()
    setup_database()
    people = curps(args.rows)
    first = roster_csv(people)
    second = roster_csv(people, changed_every=10)
    print(
        f"setup: {time.perf_counter() - started:.0f} s (not timed) · "
        f"CSV {len(first) / 2**20:.1f} MiB"
    )

    from django.contrib.auth.models import User
    from django.core import mail
    from django.test import Client

    from courses.models import Enrolment
    from rollout import invitations
    from rollout.models import StaffProfile

    storages = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(workdir / "private")},
        },
    }
    keep_tasks = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    failed = False
    with override_settings(STORAGES=storages, TASKS=keep_tasks):
        client = Client()
        client.force_login(User.objects.get(username="rh"))
        seconds, text = preview_and_commit(client, first, "first import")
        failed |= seconds >= TARGET_SECONDS
        created = StaffProfile.objects.filter(curp__in=people).count()
        enrolled = Enrolment.objects.filter(user__staff__curp__in=people).count()
        if created != args.rows or enrolled != args.rows:
            print(f"WRONG: {created} profiles, {enrolled} enrolments")
            failed = True
        with_occupation = StaffProfile.objects.filter(
            curp__in=people, occupation__isnull=False
        ).count()
        if with_occupation != args.rows - len(people[::10]):
            print(f"WRONG: {with_occupation} people with an occupation")
            failed = True
        assert f'data-count="created">{args.rows}<' in text

        seconds, text = preview_and_commit(client, second, "re-import   ")
        failed |= seconds >= TARGET_SECONDS
        changed = -(-args.rows // 10)
        if f'data-count="updated">{changed}<' not in text:
            print("WRONG: the re-import did not update a tenth of the rows")
            failed = True
        if StaffProfile.objects.filter(curp__in=people).count() != args.rows:
            print("WRONG: the re-import duplicated people")
            failed = True

        ids = list(
            User.objects.filter(staff__curp__in=people).values_list("pk", flat=True)
        )
        mail.outbox = []
        with Timed() as sending:
            sent = invitations.invitations_send(user_ids=ids)
        print(
            f"invitations (background task): {sent:,} e-mails in "
            f"{sending.seconds:.2f} s ({sending.queries} queries, "
            f"batches of {invitations.BATCH_SIZE})"
        )
        if sent != len(mail.outbox) or sent != args.rows - len(people[::25]):
            print(f"WRONG: {sent} invitations sent")
            failed = True
    print(
        f"target: preview + commit under {TARGET_SECONDS:.0f} s: "
        f"{'missed' if failed else 'met'}"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
