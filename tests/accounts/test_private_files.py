"""accounts.private_files: the one way a private file is handed over (bytes,
X-Accel-Redirect, X-Sendfile or a presigned URL), the random stored names, and
the relocation the migrations run (safe to run again, loses nothing)."""

from types import SimpleNamespace
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.http import Http404
from django.test import RequestFactory
from storages.backends.s3 import S3Storage

from accounts import private_files
from accounts.private_files import (
    UnguessableName,
    is_unguessable,
    private_file_response,
    relocate_to_private,
)
from certificates.models import BulkDownload
from tests.factories import UserFactory

DATA = b"%PDF-1.4 constancia de prueba"


@pytest.fixture
def storage(tmp_path):
    return FileSystemStorage(location=tmp_path / "private")


@pytest.fixture
def stored(storage):
    name = storage.save("certificates/2026/11/a b.pdf", ContentFile(DATA))
    return SimpleNamespace(name=name, storage=storage)


def respond(stored, **kwargs):
    return private_file_response(
        stored,
        filename=kwargs.pop("filename", "constancia-ATI-1.pdf"),
        content_type=kwargs.pop("content_type", "application/pdf"),
        **kwargs,
    )


def test_by_default_the_bytes_are_streamed_never_cached(stored):
    response = respond(stored)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == DATA
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="constancia-ATI-1.pdf"'
    )
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_inline_with_a_non_ascii_name(stored):
    response = respond(stored, filename="hoja de servicio ñ.png", as_attachment=False)
    assert response["Content-Disposition"].startswith("inline; filename*=utf-8''")


def test_nginx_gets_an_empty_response_with_x_accel_redirect(stored, settings):
    settings.ATIENDE_PRIVATE_FILES_ACCEL = "nginx"
    settings.ATIENDE_PRIVATE_FILES_ACCEL_PREFIX = "/interno/"
    response = respond(stored)
    assert response.status_code == 200
    assert response.content == b""
    assert response["X-Accel-Redirect"] == "/interno/certificates/2026/11/a%20b.pdf"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="constancia-ATI-1.pdf"'
    )
    assert response["Cache-Control"] == "private, no-store"


def test_apache_gets_an_empty_response_with_x_sendfile(stored, settings):
    settings.ATIENDE_PRIVATE_FILES_ACCEL = "apache"
    response = respond(stored)
    assert response.content == b""
    assert response["X-Sendfile"] == stored.storage.path(stored.name)
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("mode", ["", "nginx", "apache"])
def test_a_missing_file_is_404_in_every_mode(storage, settings, mode):
    settings.ATIENDE_PRIVATE_FILES_ACCEL = mode
    with pytest.raises(Http404):
        respond(SimpleNamespace(name="certificates/none.pdf", storage=storage))
    with pytest.raises(Http404):
        respond(SimpleNamespace(name="", storage=storage))


def test_an_unknown_mode_is_a_configuration_error(stored, settings):
    settings.ATIENDE_PRIVATE_FILES_ACCEL = "lighttpd"
    with pytest.raises(ImproperlyConfigured):
        respond(stored)


def s3_storage(**options) -> S3Storage:
    return S3Storage(
        bucket_name="atiende-privado",
        access_key="AKIAEXAMPLE",
        secret_key="secret-example",
        endpoint_url="http://minio.example:9000",
        region_name="us-east-1",
        default_acl="private",
        querystring_auth=True,
        signature_version="s3v4",
        **options,
    )


def test_on_object_storage_the_browser_is_sent_to_a_presigned_url(settings):
    """The storage's url() is asked for a URL that expires after
    ATIENDE_PRIVATE_URL_EXPIRY and makes the bucket answer with our name and
    type; the response is a redirect that no cache keeps."""
    settings.ATIENDE_PRIVATE_URL_EXPIRY = 45
    storage = s3_storage()
    signed = "http://minio.example:9000/atiende-privado/c/x.pdf?X-Amz-Signature=abc"
    with mock.patch.object(storage, "url", return_value=signed) as url:
        response = respond(SimpleNamespace(name="c/x.pdf", storage=storage))
    url.assert_called_once_with(
        "c/x.pdf",
        parameters={
            "ResponseContentDisposition": 'attachment; filename="constancia-ATI-1.pdf"',
            "ResponseContentType": "application/pdf",
        },
        expire=45,
    )
    assert response.status_code == 302
    assert response["Location"] == signed
    assert response["Cache-Control"] == "private, no-store"


def test_the_presigned_url_is_signed_short_lived_and_names_the_file(settings):
    """django-storages signs offline: the URL carries the expiry, a signature
    and our Content-Disposition (no request leaves the machine)."""
    settings.ATIENDE_PRIVATE_URL_EXPIRY = 60
    storage = s3_storage(addressing_style="path")
    response = respond(SimpleNamespace(name="certificates/x.pdf", storage=storage))
    location = urlsplit(response["Location"])
    query = parse_qs(location.query)
    assert location.netloc == "minio.example:9000"
    assert location.path == "/atiende-privado/certificates/x.pdf"
    assert query["X-Amz-Expires"] == ["60"]
    assert query["X-Amz-Signature"]
    assert query["response-content-disposition"] == [
        'attachment; filename="constancia-ATI-1.pdf"'
    ]


# ------------------------------------------------------------ stored names


def test_unguessable_names_keep_folder_and_suffix_but_not_the_name():
    upload_to = UnguessableName("certificates/%Y/%m")
    first = upload_to(None, "ATI-2026-000001.PDF")
    second = upload_to(None, "ATI-2026-000001.PDF")
    assert first != second
    assert first.startswith("certificates/20") and first.endswith(".pdf")
    assert "ATI" not in first
    assert is_unguessable(first) and is_unguessable(second)
    assert not is_unguessable("certificates/2026/11/ATI-2026-000001.pdf")
    # Migrations compare it by value: the same folder is the same upload_to.
    assert UnguessableName("certificates/bulk") == UnguessableName("certificates/bulk")
    assert UnguessableName("certificates/bulk").deconstruct()[1] == (
        "certificates/bulk",
    )


# ------------------------------------------------------------ relocation


@pytest.mark.django_db
def test_relocation_moves_renames_and_can_run_again(tmp_path):
    """Files in the public storage, or private under an old name, end in the
    private storage under random names with the same bytes; the originals are
    gone; a row whose file is nowhere is left as it was; a second run changes
    nothing."""
    public = FileSystemStorage(location=tmp_path / "media")
    private = FileSystemStorage(location=tmp_path / "private")
    user = UserFactory()
    public.save("certificates/bulk/constancias-1-20261101.zip", ContentFile(b"zip 1"))
    private.save("certificates/bulk/constancias-2-20261101.zip", ContentFile(b"zip 2"))
    jobs = [
        BulkDownload.objects.create(requested_by=user, file=name)
        for name in (
            "certificates/bulk/constancias-1-20261101.zip",
            "certificates/bulk/constancias-2-20261101.zip",
            "certificates/bulk/lost.zip",
        )
    ]
    BulkDownload.objects.create(requested_by=user)  # no file at all

    counts = relocate_to_private(BulkDownload, "file", public=public, private=private)

    assert counts == {"moved": 2, "kept": 0, "missing": 1}
    moved = [BulkDownload.objects.get(pk=job.pk).file.name for job in jobs]
    assert all(is_unguessable(name) for name in moved[:2])
    assert all(name.startswith("certificates/bulk/") for name in moved[:2])
    assert [private.open(name).read() for name in moved[:2]] == [b"zip 1", b"zip 2"]
    assert not public.exists("certificates/bulk/constancias-1-20261101.zip")
    assert not private.exists("certificates/bulk/constancias-2-20261101.zip")
    assert moved[2] == "certificates/bulk/lost.zip"

    again = relocate_to_private(BulkDownload, "file", public=public, private=private)
    assert again == {"moved": 0, "kept": 2, "missing": 1}
    assert [BulkDownload.objects.get(pk=job.pk).file.name for job in jobs] == moved


def test_a_copy_that_differs_is_refused_and_removed(tmp_path):
    public = FileSystemStorage(location=tmp_path / "media")
    private = FileSystemStorage(location=tmp_path / "private")
    public.save("a.pdf", ContentFile(b"original"))
    with (
        mock.patch.object(private_files, "_sha256", side_effect=["aaa", "bbb"]),
        pytest.raises(OSError),
    ):
        private_files.move_file(public, "a.pdf", private, "b.pdf")
    assert not private.exists("b.pdf")
    assert public.exists("a.pdf")


# ------------------------------------------------------------ documents


def test_the_wagtail_sendfile_backend_serves_only_the_private_folder(settings):
    settings.ATIENDE_PRIVATE_FILES_ACCEL = "nginx"
    storage = private_files.private_storage()
    name = storage.save("documents/manual.pdf", ContentFile(DATA))
    request = RequestFactory().get("/documents/1/manual.pdf")
    try:
        response = private_files.sendfile(
            request, storage.path(name), mimetype="application/pdf"
        )
        assert response["X-Accel-Redirect"] == f"/private-files/{name}"
        with pytest.raises(Http404):
            private_files.sendfile(request, "/etc/passwd")
    finally:
        storage.delete(name)
