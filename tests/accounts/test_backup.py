"""``manage.py backup`` and ``manage.py restore`` (issue 12, item 9).

The round trip takes the session's demo data (load_initial_data --demo: two
certificates and a DC-3 with their PDFs), copies it to a database of its own
(a file on SQLite; on PostgreSQL the test database is dumped as it is), backs
it up in one child process and restores it in another, into a new empty
database and empty folders. There every certificate verifies and every PDF
matches its stored hash. A tampered archive and a second restore are refused.
"""

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from accounts import backup
from accounts.backup import BackupError, restore_backup, verify_archive
from accounts.private_files import private_storage
from certificates.models import Certificate
from compliance.models import Dc3

# Every test may reach the database: the round trip's module fixture needs the
# test database set up even when only its tests are selected.
pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parents[2]
CHILD = Path(__file__).parent / "backup_child.py"
ADMIN_URL = os.environ.get(
    "ATIENDE_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)


def child(script: Path, *args, database_url: str, root: Path) -> dict:
    """Run ``script`` (backup settings) with its own database and its media and
    private folders under ``root``; return the JSON it prints last."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "ATIENDE_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="tests.accounts.backup_settings",
        PYTHONPATH=str(BASE_DIR),
        DATABASE_URL=database_url,
        ATIENDE_TEST_MEDIA_ROOT=str(root / "media"),
        ATIENDE_TEST_PRIVATE_ROOT=str(root / "private"),
    )
    result = subprocess.run(
        [sys.executable, str(script), *map(str, args)],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def url_of(settings_dict: dict) -> str:
    user = quote(settings_dict.get("USER") or "")
    password = quote(settings_dict.get("PASSWORD") or "")
    credentials = f"{user}:{password}@" if password else f"{user}@" if user else ""
    host = settings_dict.get("HOST") or "localhost"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{credentials}{host}:{port}/{settings_dict['NAME']}"


def postgres_admin():
    """A connection to the server's maintenance database, or None."""
    import psycopg

    try:
        return psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=3)
    except psycopg.Error:
        return None


def tamper(archive: Path, target: Path, member_prefix: str) -> None:
    """A copy of the archive with one byte changed in the first member whose
    name starts with ``member_prefix``; the manifest is left as it was."""
    with (
        tarfile.open(archive, "r:gz") as source,
        tarfile.open(target, "w:gz") as out,
    ):
        changed = False
        for info in source:
            data = source.extractfile(info).read()
            if not changed and info.name.startswith(member_prefix):
                data = bytes([data[0] ^ 1]) + data[1:]
                changed = True
            out.addfile(info, io.BytesIO(data))
    assert changed


@pytest.fixture(scope="module")
def roundtrip(initial_data, django_db_blocker, tmp_path_factory):
    root = tmp_path_factory.mktemp("backup")
    archive, tampered = root / "atiende.tar.gz", root / "alterado.tar.gz"
    scratch = None
    with django_db_blocker.unblock():
        issued = dict(
            Certificate.objects.exclude(pdf_sha256="").values_list(
                "serial", "pdf_sha256"
            )
        )
        dc3s = list(Dc3.objects.exclude(pdf_sha256="").values_list("folio", "pdf"))
        # The source's private folder: the files its rows name.
        private = private_storage()
        for name in [
            *Certificate.objects.exclude(pdf="").values_list("pdf", flat=True),
            *(name for _, name in dc3s),
        ]:
            target = root / "source" / "private" / name
            target.parent.mkdir(parents=True, exist_ok=True)
            with private.open(name, "rb") as handle:
                target.write_bytes(handle.read())
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            copy = sqlite3.connect(root / "source.sqlite3")
            connection.connection.backup(copy)
            copy.close()
            source_url = f"sqlite:///{root / 'source.sqlite3'}"
            target_url = f"sqlite:///{root / 'restored.sqlite3'}"
        else:
            admin = postgres_admin()
            scratch = f"atiende_restore_{uuid.uuid4().hex[:12]}"
            admin.execute(f'CREATE DATABASE "{scratch}"')
            source_url = url_of(connection.settings_dict)
            target_url = url_of({**connection.settings_dict, "NAME": scratch})
        schema = backup.schema()
    try:
        source = child(
            CHILD, "source", archive, database_url=source_url, root=root / "source"
        )
        tamper(archive, tampered, "private/certificates/")
        restored = child(
            CHILD,
            "restore",
            archive,
            tampered,
            database_url=target_url,
            root=root / "restored",
        )
        yield {
            "archive": archive,
            "issued": issued,
            "dc3": [folio for folio, _ in dc3s],
            "schema": schema,
            "source": source,
            "restored": restored,
        }
    finally:
        if scratch:
            postgres_admin().execute(f'DROP DATABASE IF EXISTS "{scratch}" (FORCE)')


def test_every_certificate_verifies_and_every_pdf_matches_after_restore(roundtrip):
    restored = roundtrip["restored"]
    assert roundtrip["issued"], "the demo data issues certificates"
    assert set(restored["certificates"]) == set(roundtrip["issued"])
    for serial, check in restored["certificates"].items():
        assert check == {
            "found_by_code": True,
            "page": 200,
            "hash_on_page": True,
            "pdf_hash_matches": True,
            "pdf_sha256": roundtrip["issued"][serial],
        }, serial
    assert restored["dc3"] == {folio: True for folio in roundtrip["dc3"]}
    assert restored["document"] is True
    assert restored["image"] is True


def test_a_tampered_archive_is_refused_and_nothing_changes(roundtrip):
    restored = roundtrip["restored"]
    assert "does not match its SHA-256" in restored["tampered_refusal"]
    assert "private/certificates/" in restored["tampered_refusal"]
    assert restored["after_tampered"] == {"tables": 0, "private_files": 0}


def test_a_second_restore_into_the_filled_database_is_refused(roundtrip):
    assert "The database is not empty" in roundtrip["restored"]["second_refusal"]


def test_the_manifest_hashes_every_member_and_records_schema_date_version(
    roundtrip,
):
    manifest = verify_archive(roundtrip["archive"])
    assert manifest["app"] == "atiende" and manifest["version"] == "0.1.0"
    assert manifest["created"][:4].isdigit()
    assert manifest["schema"] == roundtrip["schema"]
    assert manifest["schema"]["certificates"] == max(
        name
        for app, name in MigrationRecorder.Migration.objects.values_list("app", "name")
        if app == "certificates"
    )
    with tarfile.open(roundtrip["archive"], "r:gz") as archive:
        names = [info.name for info in archive]
        assert names[-1] == "manifest.json"
        assert names[0] == manifest["database"]["member"]
        for name in names[:-1]:
            data = archive.extractfile(name).read()
            assert (
                hashlib.sha256(data).hexdigest()
                == (manifest["members"][name]["sha256"])
            )
    assert set(names[:-1]) == set(manifest["members"])
    assert f"private/{roundtrip['source']['document']}" in manifest["members"]
    assert "media/images/logo.png" in manifest["members"]
    assert manifest["files"]["private"] >= len(roundtrip["issued"]) + 2
    assert oct(roundtrip["archive"].stat().st_mode & 0o777) == "0o600"


# ------------------------------------------------ refusals on hand-made archives


def make_archive(
    path: Path,
    members: dict[str, bytes],
    *,
    vendor: str = "sqlite",
    also_listed: dict | None = None,
    not_listed: dict[str, bytes] | None = None,
) -> Path:
    """A hand-made archive: ``members`` listed in its manifest with their
    hashes, plus manifest entries without a member (``also_listed``) and
    members without a manifest entry (``not_listed``)."""
    listed = {
        name: {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
        for name, data in members.items()
    }
    manifest = {
        "format": backup.FORMAT,
        "database": {"vendor": vendor, "member": "database/db.sqlite3"},
        "members": {**listed, **(also_listed or {})},
    }
    with tarfile.open(path, "w:gz") as archive:
        for name, data in {
            **members,
            **(not_listed or {}),
            "manifest.json": json.dumps(manifest).encode(),
        }.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


DB_ONLY = {"database/db.sqlite3": b"db"}


def test_an_unlisted_member_is_refused(tmp_path):
    path = make_archive(
        tmp_path / "a.tar.gz",
        DB_ONLY,
        not_listed={"private/certificates/extra.pdf": b"%PDF"},
    )
    with pytest.raises(BackupError, match="not in the manifest"):
        verify_archive(path)


def test_a_missing_member_is_refused(tmp_path):
    path = make_archive(
        tmp_path / "a.tar.gz",
        DB_ONLY,
        also_listed={"private/x.pdf": {"sha256": "0" * 64, "size": 1}},
    )
    with pytest.raises(BackupError, match="lacks 1 member"):
        verify_archive(path)


@pytest.mark.parametrize("name", ["../evil.py", "/etc/cron.d/x", "config/urls.py"])
def test_members_outside_the_known_folders_are_refused(tmp_path, name):
    path = make_archive(tmp_path / "a.tar.gz", {**DB_ONLY, name: b"x"})
    with pytest.raises(BackupError, match="Unexpected member"):
        verify_archive(path)


def test_not_an_archive_or_no_manifest_is_refused(tmp_path):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not a tar")
    with pytest.raises(BackupError, match="not a readable backup"):
        verify_archive(junk)
    bare = tmp_path / "bare.tar.gz"
    with tarfile.open(bare, "w:gz") as archive:
        info = tarfile.TarInfo("database/db.sqlite3")
        info.size = 2
        archive.addfile(info, io.BytesIO(b"db"))
    with pytest.raises(BackupError, match="no valid manifest.json"):
        verify_archive(bare)
    whole = make_archive(
        tmp_path / "whole.tar.gz", {"database/db.sqlite3": os.urandom(50_000)}
    )
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(whole.read_bytes()[:20_000])
    with pytest.raises(BackupError):
        verify_archive(truncated)


def test_an_archive_of_another_engine_is_refused(tmp_path):
    path = make_archive(tmp_path / "a.tar.gz", DB_ONLY, vendor="oracle")
    with pytest.raises(BackupError, match="holds a oracle database"):
        restore_backup(path)


def test_without_pg_dump_the_message_says_what_to_install(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(BackupError, match="pg_dump is not on the PATH"):
        backup._pg_tool("pg_dump")


# ------------------------------------------------ PostgreSQL: pg_dump/pg_restore


@pytest.fixture
def scratch_databases():
    """Two scratch databases on the local PostgreSQL, dropped afterwards."""
    admin = postgres_admin()
    if admin is None or shutil.which("pg_dump") is None:
        pytest.skip("No PostgreSQL (and pg_dump) on 127.0.0.1:5432.")
    names = [f"atiende_backup_{kind}_{uuid.uuid4().hex[:10]}" for kind in "st"]
    for name in names:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = ADMIN_URL.rsplit("/", 1)[0]
    try:
        yield [f"{base}/{name}" for name in names]
    finally:
        for name in names:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" (FORCE)')
        admin.close()


PG_CHILD = """
import json, sys
import django
django.setup()
from django.core.management import call_command
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection
mode, archive = sys.argv[1], sys.argv[2]
if mode == "backup":
    with connection.cursor() as c:
        c.execute("CREATE TABLE constancia (folio text PRIMARY KEY, pdf bytea)")
        c.execute("INSERT INTO constancia VALUES ('ATI-1', '\\\\x255044462d'),"
                  " ('ATÍ-ñ', '\\\\x00ff')")
    storages["private"].save("certificates/a.pdf", ContentFile(b"%PDF-1.4 a"))
    call_command("backup", output=archive, verbosity=0)
    print(json.dumps({}))
else:
    call_command("restore", archive, verbosity=0)
    with connection.cursor() as c:
        c.execute("SELECT folio, encode(pdf, 'hex') FROM constancia ORDER BY folio")
        rows = c.fetchall()
    pdf = storages["private"].open("certificates/a.pdf").read().decode()
    print(json.dumps({"rows": rows, "pdf": pdf}))
"""


def test_postgresql_round_trip_through_pg_dump_and_pg_restore(
    scratch_databases, tmp_path
):
    """A database dumped with pg_dump (custom format) and its private file come
    back in another, empty database through pg_restore."""
    source_url, target_url = scratch_databases
    archive = tmp_path / "pg.tar.gz"
    script = tmp_path / "pg_child.py"
    script.write_text(PG_CHILD)

    child(script, "backup", archive, database_url=source_url, root=tmp_path / "a")
    manifest = verify_archive(archive)
    assert manifest["database"] == {
        "vendor": "postgresql",
        "member": "database/db.pgdump",
    }
    with tarfile.open(archive, "r:gz") as opened:
        assert opened.extractfile("database/db.pgdump").read(5) == b"PGDMP"
    restored = child(
        script, "restore", archive, database_url=target_url, root=tmp_path / "b"
    )
    assert restored == {
        "rows": [["ATI-1", "255044462d"], ["ATÍ-ñ", "00ff"]],
        "pdf": "%PDF-1.4 a",
    }
