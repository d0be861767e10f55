"""Where a checked roster waits between the preview and the commit.

The rows are not kept in the session: 10,000 rows are a few megabytes that every
later request of the importer would load and decode (and a cache entry in Redis
of that size is no better). They go, gzipped JSON, to a file in the private
storage (never served; shared by every server, as media are) named by a random
token; the session holds only the token, so only the importer's session can
reach the file. The file is deleted at commit or when another file is previewed,
and files older than a day are swept at each new preview.
"""

from __future__ import annotations

import gzip
import json
import secrets
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.utils import timezone

from .roster import RosterRow

DIRECTORY = "roster-pending"
KEEP = timedelta(days=1)


def _storage():
    return storages["private"]


def _name(token: str) -> str:
    return f"{DIRECTORY}/{token}.json.gz"


def pending_save(rows: list[RosterRow]) -> str:
    """Store the rows; returns their token."""
    _sweep()
    token = secrets.token_urlsafe(24)
    data = gzip.compress(
        json.dumps([row.to_data() for row in rows]).encode(), compresslevel=5
    )
    _storage().save(_name(token), ContentFile(data))
    return token


def pending_load(token: str) -> list[RosterRow] | None:
    """The rows stored under ``token``, or None when they are gone."""
    if not token or not token.replace("-", "").replace("_", "").isalnum():
        return None
    try:
        with _storage().open(_name(token), "rb") as handle:
            data = json.loads(gzip.decompress(handle.read()))
    except (OSError, ValueError):
        return None
    return [RosterRow.from_data(item) for item in data]


def pending_delete(token: str | None) -> None:
    if token and token.replace("-", "").replace("_", "").isalnum():
        _storage().delete(_name(token))


def _sweep() -> None:
    """Delete previews abandoned more than a day ago."""
    storage = _storage()
    try:
        _dirs, files = storage.listdir(DIRECTORY)
    except (OSError, NotImplementedError):
        return
    limit = timezone.now() - KEEP
    for name in files:
        path = f"{DIRECTORY}/{name}"
        try:
            if storage.get_modified_time(path) < limit:
                storage.delete(path)
        except (OSError, NotImplementedError):
            continue
