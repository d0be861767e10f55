"""Bulk download of the filtered certificates as a ZIP of their stored PDFs plus a
manifest. Up to ATIENDE_BULK_ZIP_SYNC_LIMIT it is streamed in the response; above
it a background task (immediate backend in tests) builds it into a BulkDownload
whose file only the requester (or a superuser) may download."""

import csv
import io
import zipfile
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from freezegun import freeze_time

from certificates import exports, services
from certificates.hr_selectors import CertificateFilters
from certificates.models import BulkDownload
from certificates.pdf import sha256_hex
from certificates.services import certificate_revoke
from tests.factories import (
    CertificationSetup,
    HRFactory,
    issue_certificate,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_media")]

MX = ZoneInfo("America/Mexico_City")
BULK = reverse("certificates:hr_bulk_zip")
MANIFEST_HEADERS = ["Folio", "Titular", "Archivo", "SHA-256", "URL de verificación"]


@pytest.fixture
def certificates(hr):
    """Three certificates in force (one with an accented name) and one revoked."""
    setup = CertificationSetup()
    issued = [
        issue_certificate(setup, first_name="María José", last_name="Ibáñez"),
        issue_certificate(setup),
        issue_certificate(setup),
    ]
    revoked = issue_certificate(setup)
    certificate_revoke(certificate=revoked, by=hr, reason="Prueba")
    return issued, revoked


def open_zip(data: bytes) -> zipfile.ZipFile:
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None  # every CRC checks
    return archive


def manifest_rows(archive: zipfile.ZipFile) -> list[list[str]]:
    text = archive.read(exports.MANIFEST_NAME).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def check_zip(archive: zipfile.ZipFile, expected) -> None:
    """The ZIP holds one PDF per expected certificate, byte-identical to the
    stored one (SHA-256), plus a manifest row for each."""
    pdf_names = sorted(n for n in archive.namelist() if n.endswith(".pdf"))
    assert sorted(archive.namelist()) == sorted([*pdf_names, exports.MANIFEST_NAME])
    assert len(pdf_names) == len(expected)
    rows = manifest_rows(archive)
    assert rows[0] == MANIFEST_HEADERS
    by_serial = {row[0]: row for row in rows[1:]}
    assert set(by_serial) == {c.serial for c in expected}
    for certificate in expected:
        serial, holder, name, sha, url = by_serial[certificate.serial]
        assert holder == certificate.snapshot["holder_name"]
        assert name in pdf_names
        assert name.startswith(certificate.serial)
        assert sha == certificate.pdf_sha256
        assert sha256_hex(archive.read(name)) == certificate.pdf_sha256
        assert url == certificate.snapshot["verification_url"]
        info = archive.getinfo(name)
        assert info.compress_type == zipfile.ZIP_STORED  # PDFs are compressed


def test_small_set_is_streamed_with_pdfs_and_manifest(client, hr, certificates):
    """Up to the limit, the POST answers with the ZIP itself, streamed."""
    issued, revoked = certificates
    client.force_login(hr)
    response = client.post(BULK)
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    archive = open_zip(b"".join(response.streaming_content))
    check_zip(archive, [*issued, revoked])
    assert not BulkDownload.objects.exists()
    assert any("Ibanez" in name or "ibanez" in name for name in archive.namelist())


def test_zip_follows_the_filters(client, hr, certificates):
    """The ZIP holds exactly the filtered set: status=vigente leaves the revoked
    certificate out; a search narrows to one."""
    issued, _revoked = certificates
    client.force_login(hr)
    response = client.post(f"{BULK}?status=vigente")
    check_zip(open_zip(b"".join(response.streaming_content)), issued)
    response = client.post(f"{BULK}?q={issued[1].serial}")
    check_zip(open_zip(b"".join(response.streaming_content)), [issued[1]])


def test_empty_selection_goes_back_to_the_list(client, hr, certificates):
    """Nothing to download: back to the filtered list with a message."""
    client.force_login(hr)
    response = client.post(f"{BULK}?q=nadie-se-llama-asi")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("certificates:hr_list"))
    assert not BulkDownload.objects.exists()


def test_zip_needs_post(client, hr):
    """A GET never starts a download or a job."""
    client.force_login(hr)
    assert client.get(BULK).status_code == 405


@freeze_time("2026-05-04 18:00:00")
def test_above_the_limit_a_background_job_builds_it(
    client, hr, settings, django_capture_on_commit_callbacks
):
    """Above the limit (2 here), the POST creates a BulkDownload, the task is
    enqueued when the request's transaction commits and builds the ZIP
    (immediately in tests), and HR lands on the progress page, which then offers
    the download; the JSON status says DONE with 100 %."""
    settings.ATIENDE_BULK_ZIP_SYNC_LIMIT = 2
    setup = CertificationSetup()
    issued = [
        issue_certificate(setup, now=datetime(2025, 1, day, 12, tzinfo=MX))
        for day in (1, 2, 3)
    ]
    client.force_login(hr)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{BULK}?status=vigente")
    job = BulkDownload.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("certificates:hr_bulk_status", args=[job.pk])
    assert job.requested_by == hr
    assert job.status == BulkDownload.Status.DONE
    assert (job.done, job.total) == (3, 3)
    assert job.finished_at is not None
    assert job.filters["status"] == "vigente"
    assert job.filters["today"] == "2026-05-04"

    page = client.get(response["Location"])
    file_url = reverse("certificates:hr_bulk_file", args=[job.pk])
    html = page.content.decode()
    assert file_url in html
    assert 'http-equiv="refresh"' not in html  # finished: no more refreshing

    state = client.get(reverse("certificates:hr_bulk_status_json", args=[job.pk]))
    assert state.json() == {
        "status": "done",
        "status_label": "lista",
        "done": 3,
        "total": 3,
        "percent": 100,
        "finished": True,
        "download_url": file_url,
        "error": "",
    }

    download = client.get(file_url)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    check_zip(open_zip(b"".join(download.streaming_content)), issued)


def test_only_the_requester_or_a_superuser_gets_the_job(
    client, hr, settings, django_capture_on_commit_callbacks
):
    """Another HR user gets 404 on the job's progress, status and file; the
    requester and a superuser get them."""
    settings.ATIENDE_BULK_ZIP_SYNC_LIMIT = 1
    setup = CertificationSetup()
    issue_certificate(setup)
    issue_certificate(setup)
    client.force_login(hr)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(BULK)
    job = BulkDownload.objects.get()
    urls = [
        reverse(name, args=[job.pk])
        for name in (
            "certificates:hr_bulk_status",
            "certificates:hr_bulk_status_json",
            "certificates:hr_bulk_file",
        )
    ]
    assert [client.get(url).status_code for url in urls] == [200, 200, 200]
    client.force_login(HRFactory())
    assert [client.get(url).status_code for url in urls] == [404, 404, 404]
    client.force_login(User.objects.create_superuser("raiz", "r@example.com", "x"))
    assert [client.get(url).status_code for url in urls] == [200, 200, 200]


def test_requesting_a_bulk_zip_creates_the_job_and_enqueues_it_on_commit(
    hr, django_capture_on_commit_callbacks
):
    """services.bulk_download_request creates the job with the filters and the
    day HR saw them, and enqueues build_bulk_zip only once the transaction
    commits (a worker never looks for a job that is not there yet)."""
    setup = CertificationSetup()
    issue_certificate(setup)
    issue_certificate(setup)
    filters = CertificateFilters.from_json({"status": "vigente"})
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = services.bulk_download_request(
            by=hr, filters=filters, today=date(2026, 5, 4)
        )
    job.refresh_from_db()
    assert (job.requested_by, job.total, job.status) == (
        hr,
        2,
        BulkDownload.Status.PENDING,
    )
    assert job.filters["status"] == "vigente"
    assert job.filters["today"] == "2026-05-04"
    assert len(callbacks) == 1
    callbacks[0]()
    job.refresh_from_db()
    assert job.status == BulkDownload.Status.DONE
    assert job.done == 2


def test_progress_page_refreshes_while_the_job_runs(client, hr):
    """While pending, the page polls the JSON endpoint (a static script, as the
    CSP allows no inline one) and, without JavaScript, refreshes itself (meta
    refresh); the file is not there yet."""
    job = BulkDownload.objects.create(requested_by=hr, total=500, done=125)
    client.force_login(hr)
    page = client.get(reverse("certificates:hr_bulk_status", args=[job.pk]))
    html = page.content.decode()
    assert '<noscript><meta http-equiv="refresh"' in html
    assert reverse("certificates:hr_bulk_status_json", args=[job.pk]) in html
    assert 'src="/static/js/bulk_status.js"' in html  # the polling script
    assert "pct-w-25" in html  # the bar's width, a class (no style attribute)
    state = client.get(reverse("certificates:hr_bulk_status_json", args=[job.pk]))
    assert state.json()["percent"] == 25
    assert state.json()["download_url"] is None
    file_url = reverse("certificates:hr_bulk_file", args=[job.pk])
    assert client.get(file_url).status_code == 404


def test_a_failing_job_ends_failed(
    client, hr, settings, django_capture_on_commit_callbacks
):
    """A stored PDF that has gone missing makes the job end FAILED with the
    error recorded, and the page says so."""
    settings.ATIENDE_BULK_ZIP_SYNC_LIMIT = 1
    setup = CertificationSetup()
    issue_certificate(setup)
    broken = issue_certificate(setup)
    broken.pdf.storage.delete(broken.pdf.name)
    client.force_login(hr)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(BULK)
    job = BulkDownload.objects.get()
    assert job.status == BulkDownload.Status.FAILED
    assert "FileNotFoundError" in job.error
    assert not job.file
    page = client.get(response["Location"])
    assert "No se pudo preparar el archivo" in page.content.decode()


# ------------------------------------------------------------------ the stream


class FakeCertificate:
    """What iter_bulk_zip reads from a certificate."""

    def __init__(self, n: int, data: bytes):
        self.serial = f"ATI-2026-{n:06d}"
        self.snapshot = {
            "holder_name": f"Persona {n}",
            "verification_url": f"https://example.org/verificar/{n}/",
        }
        self.data = data
        self.pdf_sha256 = sha256_hex(data)
        self.pdf_ready = True


def test_stream_holds_one_entry_at_a_time():
    """Each chunk the stream yields is one entry (its header and data), never
    the archive so far: memory is bounded by the largest PDF, not the count."""
    size = 50_000
    fakes = [FakeCertificate(n, bytes([n % 251]) * size) for n in range(40)]
    chunks = list(exports.iter_bulk_zip(fakes, read=lambda c: c.data))
    assert max(len(chunk) for chunk in chunks[:40]) < size + 200
    archive = open_zip(b"".join(chunks))
    assert len(archive.namelist()) == 41
    for info in archive.infolist():
        # Sizes and CRC are in the local headers: no data descriptors, which
        # streaming readers (e.g. Java's ZipInputStream) reject for stored data.
        assert not info.flag_bits & 0x08


def test_progress_is_reported_after_each_pdf():
    fakes = [FakeCertificate(n, b"%PDF-1.4 x") for n in range(5)]
    seen = []
    b"".join(
        exports.iter_bulk_zip(fakes, read=lambda c: c.data, on_progress=seen.append)
    )
    assert seen == [1, 2, 3, 4, 5]
