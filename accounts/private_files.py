"""Files about a person (certificate PDFs, bulk ZIPs, DC-3s, evaluation evidence,
Wagtail documents): where they are stored and the one way they are served.

* They live in ``STORAGES["private"]``: a folder outside MEDIA_ROOT (or a private
  bucket), never under MEDIA_URL, so no URL reaches them.
* Their stored names carry a random token (``UnguessableName``): even a
  misconfigured server that exposed the folder would not let anyone guess one.
* A view checks who may see the file, then answers with ``private_file_response``:
  - by default the bytes (FileResponse);
  - ``ATIENDE_PRIVATE_FILES_ACCEL = "nginx"``: an empty response with
    ``X-Accel-Redirect: <ATIENDE_PRIVATE_FILES_ACCEL_PREFIX><name>``, which nginx
    serves from an ``internal`` location (the worker is free at once);
  - ``"apache"``: an empty response with ``X-Sendfile: <absolute path>``
    (mod_xsendfile);
  - on object storage (S3-compatible): a redirect to a presigned URL that expires
    after ``ATIENDE_PRIVATE_URL_EXPIRY`` seconds.
  Always with Content-Type, Content-Disposition and ``Cache-Control: private,
  no-store`` (a shared cache must never keep a person's file).
* Wagtail serves documents through ``sendfile`` below (SENDFILE_BACKEND), so the
  same modes apply to them.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import os
import secrets
from pathlib import PurePosixPath
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.utils.deconstruct import deconstructible
from django.utils.http import content_disposition_header

logger = logging.getLogger(__name__)

ACCEL_MODES = ("", "nginx", "apache")
# 160 bits: as hard to guess as a verification code.
TOKEN_BYTES = 20


def private_storage() -> Storage:
    """The storage no URL reaches (``STORAGES["private"]``); FileFields name this
    callable so the choice stays in settings."""
    return storages["private"]


def random_token() -> str:
    return secrets.token_hex(TOKEN_BYTES)


def is_unguessable(name: str) -> bool:
    """True when the file's base name is one of our random tokens (so a
    relocation run again leaves it alone)."""
    stem = PurePosixPath(name).stem
    return len(stem) == TOKEN_BYTES * 2 and all(c in "0123456789abcdef" for c in stem)


def unguessable_sibling(name: str) -> str:
    """The same folder and suffix as ``name``, a random token as the base name."""
    path = PurePosixPath(name)
    return str(path.with_name(random_token() + path.suffix.lower()))


@deconstructible
class UnguessableName:
    """``upload_to`` for private files: ``<folder (strftime)>/<token><suffix>``.
    The original file name (a serial, a folio) never becomes part of the stored
    name; the views give it back as the download's file name."""

    def __init__(self, folder: str):
        self.folder = folder.strip("/")

    def __call__(self, instance, filename: str) -> str:
        folder = datetime.datetime.now().strftime(self.folder)
        return f"{folder}/{random_token()}{PurePosixPath(filename).suffix.lower()}"

    def __eq__(self, other):
        return isinstance(other, UnguessableName) and other.folder == self.folder


def _accel_mode() -> str:
    mode = getattr(settings, "ATIENDE_PRIVATE_FILES_ACCEL", "") or ""
    if mode not in ACCEL_MODES:
        raise ImproperlyConfigured(
            f"ATIENDE_PRIVATE_FILES_ACCEL must be one of {ACCEL_MODES!r}, not {mode!r}."
        )
    return mode


def _private_headers(response: HttpResponse, *, disposition: str) -> HttpResponse:
    response["Content-Disposition"] = disposition
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _local_response(
    storage: FileSystemStorage, name: str, *, content_type: str, disposition: str
) -> HttpResponse:
    mode = _accel_mode()
    if mode and not storage.exists(name):
        logger.error("Private file %s is missing from its storage", name)
        raise Http404
    if mode == "nginx":
        response = HttpResponse(content_type=content_type)
        prefix = settings.ATIENDE_PRIVATE_FILES_ACCEL_PREFIX.rstrip("/")
        response["X-Accel-Redirect"] = f"{prefix}/{quote(name)}"
    elif mode == "apache":
        response = HttpResponse(content_type=content_type)
        response["X-Sendfile"] = storage.path(name)
    else:
        try:
            handle = storage.open(name, "rb")
        except (FileNotFoundError, IsADirectoryError) as error:
            logger.error("Private file %s is missing from its storage", name)
            raise Http404 from error
        response = FileResponse(handle, content_type=content_type)
    return _private_headers(response, disposition=disposition)


def _presigned_redirect(
    storage: Storage, name: str, *, content_type: str, disposition: str
) -> HttpResponse:
    """Object storage (django-storages' S3Storage): send the browser to a URL
    signed for this file only, valid for a short while, that makes the bucket
    answer with our file name and type."""
    url = storage.url(
        name,
        parameters={
            "ResponseContentDisposition": disposition,
            "ResponseContentType": content_type,
        },
        expire=settings.ATIENDE_PRIVATE_URL_EXPIRY,
    )
    response = HttpResponseRedirect(url)
    response["Cache-Control"] = "private, no-store"
    return response


def private_file_response(
    file,
    *,
    filename: str,
    content_type: str,
    as_attachment: bool = True,
) -> HttpResponse:
    """The response that hands over a stored private file (a FieldFile), after
    the caller's access check. A missing file is a 404."""
    name = getattr(file, "name", "") or ""
    if not name:
        raise Http404
    disposition = content_disposition_header(as_attachment, filename)
    if isinstance(file.storage, FileSystemStorage):
        return _local_response(
            file.storage, name, content_type=content_type, disposition=disposition
        )
    return _presigned_redirect(
        file.storage, name, content_type=content_type, disposition=disposition
    )


def sendfile(request, filename, **kwargs):
    """Wagtail's SENDFILE_BACKEND (documents with WAGTAILDOCS_SERVE_METHOD =
    "serve_view"): ``filename`` is the absolute path of a file of the private
    storage. Wagtail sets Content-Disposition and Content-Type afterwards."""
    storage = private_storage()
    root = os.path.realpath(storage.location)
    path = os.path.realpath(filename)
    if os.path.commonpath([root, path]) != root:
        raise Http404
    name = PurePosixPath(*os.path.relpath(path, root).split(os.sep)).as_posix()
    return _local_response(
        storage,
        name,
        content_type=kwargs.get("mimetype") or "application/octet-stream",
        disposition="attachment",
    )


# ------------------------------------------------------------- relocation


def _sha256(storage: Storage, name: str) -> str:
    digest = hashlib.sha256()
    with storage.open(name, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def move_file(source: Storage, name: str, target: Storage, target_name: str) -> str:
    """Copy ``name`` from ``source`` to ``target`` (as ``target_name``, or the
    free name the target picks), check the copy byte for byte, and return the
    stored name. The original is left in place: the caller deletes it once the
    database points at the copy, so a crash in between loses nothing."""
    with source.open(name, "rb") as handle:
        stored = target.save(target_name, handle)
    if _sha256(source, name) != _sha256(target, stored):
        target.delete(stored)
        raise OSError(f"The copy of {name} differs from the original.")
    return stored


def relocate_to_private(
    model, field: str, *, public: Storage, private: Storage
) -> dict[str, int]:
    """Move every file that ``model.field`` names into ``private`` under an
    unguessable name, wherever it is now (the public media storage, or the
    private one under an old name), and point the row at it.

    Safe to run again: rows already moved are skipped; a row whose file is
    nowhere is left as it is and counted (and logged) as missing. Each row is
    updated on its own, so run it outside a transaction (``atomic = False``
    migration): copy, update the row, then delete the original."""
    counts = {"moved": 0, "kept": 0, "missing": 0}
    rows = (
        model._default_manager.exclude(**{field: ""})
        .order_by("pk")
        .values_list("pk", field)
    )
    for pk, name in rows.iterator():
        if is_unguessable(name) and private.exists(name):
            counts["kept"] += 1
            continue
        source = next((s for s in (private, public) if s.exists(name)), None)
        if source is None:
            logger.warning("%s %s: file %s not found", model.__name__, pk, name)
            counts["missing"] += 1
            continue
        stored = move_file(source, name, private, unguessable_sibling(name))
        updated = model._default_manager.filter(pk=pk, **{field: name}).update(
            **{field: stored}
        )
        if updated:
            source.delete(name)
            counts["moved"] += 1
        else:  # the row changed meanwhile: keep its file, drop our copy
            private.delete(stored)
    return counts
