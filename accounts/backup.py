"""One-file backups of the whole site, and their restore (``manage.py backup``,
``manage.py restore``).

The archive is a tar.gz with:

* ``database/db.sqlite3`` (SQLite's online backup API: a consistent copy while
  the site runs) or ``database/db.pgdump`` (``pg_dump --format=custom``);
* ``private/<name>``: every file of the private storage (certificate PDFs, bulk
  ZIPs, DC-3s, evidence, documents);
* ``media/<name>``: every file of the public media storage (images);
* ``manifest.json`` (last): SHA-256 and size of every other member, the schema
  (the latest migration applied per app), the date and the app's version.

A restore checks every hash before it touches anything, and only restores into
an empty database (no tables), so it can never mix two sites' data.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path, PurePosixPath

from django.core.files.storage import Storage, storages
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE_MEMBERS = {
    "sqlite": "database/db.sqlite3",
    "postgresql": "database/db.pgdump",
}
# Storage alias -> folder in the archive.
STORAGE_FOLDERS = {"private": "private", "default": "media"}
CHUNK = 1 << 20


class BackupError(Exception):
    """The backup or restore could not be done; the message says why."""


@dataclass(frozen=True)
class Restored:
    database: str
    files: int
    skipped: int
    manifest: dict


# ------------------------------------------------------------------ helpers


def app_version() -> str:
    try:
        return version("atiende")
    except PackageNotFoundError:
        return "unknown"


def schema(using: str = "default") -> dict[str, str]:
    """The latest migration applied per app (what the dump's tables match)."""
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connections[using]).applied_migrations():
        if name > latest.get(app, ""):
            latest[app] = name
    return dict(sorted(latest.items()))


def storage_names(storage: Storage, folder: str = "") -> Iterator[str]:
    """Every file name in a storage (local folder or bucket), depth first."""
    try:
        directories, files = storage.listdir(folder)
    except FileNotFoundError:  # a local storage that never stored anything
        return
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for directory in sorted(directories):
        yield from storage_names(
            storage, f"{folder}/{directory}" if folder else directory
        )


class _Hashing(io.RawIOBase):
    """A read-only stream that hashes what passes through it."""

    def __init__(self, handle):
        self.handle = handle
        self.digest = hashlib.sha256()

    def readable(self):
        return True

    def read(self, size=-1):
        data = self.handle.read(size)
        self.digest.update(data)
        return data


def _sha256_stream(handle) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(CHUNK), b""):
        digest.update(chunk)
    return digest.hexdigest()


def _pg_environment(settings_dict: dict) -> tuple[list[str], dict[str, str]]:
    """libpq's connection options for pg_dump/pg_restore: the database name on
    the command line, the rest (password included) in the environment."""
    env = dict(os.environ)
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
    ):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    if sslmode := settings_dict.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = sslmode
    return ["--dbname", settings_dict["NAME"]], env


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} is not on the PATH: install PostgreSQL's client tools "
            f"(Debian: apt-get install postgresql-client) in the version of the "
            f"server or newer."
        )
    return path


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(
            f"{Path(command[0]).name} failed ({result.returncode}): "
            f"{result.stderr.strip()[:2000]}"
        )


# ------------------------------------------------------------------ backup


def _dump_database(using: str, target: Path) -> str:
    """Write the database to ``target``; return its archive member name."""
    connection = connections[using]
    vendor = connection.vendor
    if vendor == "sqlite":
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
    elif vendor == "postgresql":
        arguments, env = _pg_environment(connection.settings_dict)
        _run(
            [
                _pg_tool("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                "--file",
                str(target),
                *arguments,
            ],
            env,
        )
    else:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    return DATABASE_MEMBERS[vendor]


def _add(archive: tarfile.TarFile, name: str, handle, size: int) -> dict:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = int(timezone.now().timestamp())
    info.mode = 0o600
    hashing = _Hashing(handle)
    archive.addfile(info, hashing)
    return {"sha256": hashing.digest.hexdigest(), "size": size}


def write_backup(output: Path, *, using: str = "default") -> dict:
    """Write the archive to ``output`` (through a temporary file beside it, so
    a half-written archive never carries the final name); return the
    manifest."""
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".part")
    members: dict[str, dict] = {}
    counts: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="atiende-backup-") as work:
        dump = Path(work) / "database"
        member = _dump_database(using, dump)
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with (
                os.fdopen(fd, "wb") as raw,
                tarfile.open(fileobj=raw, mode="w:gz") as archive,
            ):
                with dump.open("rb") as handle:
                    members[member] = _add(archive, member, handle, dump.stat().st_size)
                for alias, folder in STORAGE_FOLDERS.items():
                    storage = storages[alias]
                    counts[alias] = 0
                    for name in storage_names(storage):
                        with storage.open(name, "rb") as handle:
                            members[f"{folder}/{name}"] = _add(
                                archive, f"{folder}/{name}", handle, storage.size(name)
                            )
                        counts[alias] += 1
                manifest = {
                    "format": FORMAT,
                    "app": "atiende",
                    "version": app_version(),
                    "created": timezone.now().isoformat(),
                    "database": {
                        "vendor": connections[using].vendor,
                        "member": member,
                    },
                    "schema": schema(using),
                    "files": counts,
                    "members": members,
                }
                data = json.dumps(manifest, indent=2, sort_keys=True).encode()
                _add(archive, MANIFEST, io.BytesIO(data), len(data))
            partial.replace(output)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return manifest


# ------------------------------------------------------------------ restore


def _safe_member_name(name: str) -> bool:
    path = PurePosixPath(name)
    return (
        not path.is_absolute()
        and ".." not in path.parts
        and (
            name == MANIFEST
            or name in DATABASE_MEMBERS.values()
            or (path.parts[0] in STORAGE_FOLDERS.values() and len(path.parts) > 1)
        )
    )


def verify_archive(path: Path) -> dict:
    """The archive's manifest, once every member is checked against it: the
    same set of names, regular files only, and every SHA-256 and size equal.
    Raises BackupError otherwise (nothing has been changed)."""
    try:
        archive = tarfile.open(path, mode="r:gz")
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"{path} is not a readable backup archive: {error}") from None
    with archive:
        try:
            manifest = json.load(archive.extractfile(MANIFEST))
            expected = dict(manifest["members"])
            database = manifest["database"]["member"]
        except (OSError, EOFError, tarfile.TarError) as error:
            raise BackupError(f"The archive is damaged: {error}") from None
        except (KeyError, TypeError, ValueError, AttributeError):
            raise BackupError(f"{path} has no valid {MANIFEST}.") from None
        if manifest.get("format") != FORMAT:
            raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
        if database not in expected:
            raise BackupError("The manifest names no database dump.")
        seen = set()
        try:
            for info in archive:
                if info.name == MANIFEST:
                    continue
                if not (info.isfile() and _safe_member_name(info.name)):
                    raise BackupError(f"Unexpected member {info.name!r}: refused.")
                entry = expected.get(info.name)
                if entry is None:
                    raise BackupError(
                        f"{info.name} is not in the manifest: the archive was "
                        f"altered. Nothing was restored."
                    )
                digest = _sha256_stream(archive.extractfile(info))
                if digest != entry.get("sha256") or info.size != entry.get("size"):
                    raise BackupError(
                        f"{info.name} does not match its SHA-256 in the manifest: "
                        f"the archive is damaged or altered. Nothing was restored."
                    )
                seen.add(info.name)
        except (OSError, EOFError, tarfile.TarError) as error:
            raise BackupError(f"The archive is damaged: {error}") from None
        missing = sorted(set(expected) - seen)
        if missing:
            raise BackupError(
                f"The archive lacks {len(missing)} member(s) of its manifest, "
                f"e.g. {missing[0]}. Nothing was restored."
            )
    return manifest


def _database_is_empty(using: str) -> bool:
    connection = connections[using]
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def _restore_database(archive: tarfile.TarFile, member, using: str) -> None:
    connection = connections[using]
    with tempfile.TemporaryDirectory(prefix="atiende-restore-") as work:
        dump = Path(work) / "database"
        with archive.extractfile(member) as source, dump.open("wb") as target:
            shutil.copyfileobj(source, target, CHUNK)
        if connection.vendor == "sqlite":
            source = sqlite3.connect(dump)
            try:
                connection.ensure_connection()
                source.backup(connection.connection)
            finally:
                source.close()
        else:
            arguments, env = _pg_environment(connection.settings_dict)
            connection.close()  # pg_restore creates the tables; we hold no lock
            _run(
                [
                    _pg_tool("pg_restore"),
                    "--no-owner",
                    "--no-privileges",
                    "--exit-on-error",
                    "--single-transaction",
                    *arguments,
                    str(dump),
                ],
                env,
            )


def _file_members(manifest: dict) -> Iterator[tuple[str, Storage, str]]:
    """(member, storage, name in the storage) for every file of the archive."""
    folders = {folder: alias for alias, folder in STORAGE_FOLDERS.items()}
    for member in sorted(manifest["members"]):
        folder, _, name = member.partition("/")
        if folder in folders:
            yield member, storages[folders[folder]], name


def restore_backup(path: Path, *, using: str = "default") -> Restored:
    """Restore the archive into the (empty) database ``using`` and the storages.
    Refuses, changing nothing, when the archive does not match its manifest,
    was made from another database engine, the database has tables, or a
    storage holds a different file under a name the archive uses."""
    manifest = verify_archive(path)
    vendor = connections[using].vendor
    if manifest["database"]["vendor"] != vendor:
        raise BackupError(
            f"The archive holds a {manifest['database']['vendor']} database; this "
            f"site uses {vendor}. Nothing was restored."
        )
    if not _database_is_empty(using):
        raise BackupError(
            "The database is not empty. Restore only into a new, empty database "
            "(no tables: do not run migrate first). Nothing was restored."
        )
    identical = set()
    for member, storage, name in _file_members(manifest):
        if storage.exists(name):
            with storage.open(name, "rb") as handle:
                if _sha256_stream(handle) != manifest["members"][member]["sha256"]:
                    raise BackupError(
                        f"A different file already exists as {name}: restore "
                        f"into empty storage. Nothing was restored."
                    )
            identical.add(member)
    targets = {
        member: (storage, name) for member, storage, name in _file_members(manifest)
    }
    restored = 0
    # In the archive's own order: a gzip stream only reads forward cheaply. The
    # database comes first, so a failed database restore writes no file.
    with tarfile.open(path, mode="r:gz") as archive:
        for info in archive:
            if info.name == manifest["database"]["member"]:
                _restore_database(archive, info, using)
            elif info.name in targets and info.name not in identical:
                storage, name = targets[info.name]
                with archive.extractfile(info) as handle:
                    stored = storage.save(name, handle)
                if stored != name:
                    raise BackupError(f"{name} was stored as {stored}.")
                restored += 1
    return Restored(
        database=manifest["database"]["member"],
        files=restored,
        skipped=len(identical),
        manifest=manifest,
    )
