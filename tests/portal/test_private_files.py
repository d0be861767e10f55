"""Files about a person cannot be fetched by guessing a URL (issue 12, item 2).

One of each stored private file is made through the real services: a
certificate PDF, a bulk ZIP, a DC-3, an evaluation evidence and a Wagtail
document. Every URL a visitor could guess for them (the stored name and the old
serial-based names under /media/, the document's /documents/<id>/<name>) is
fetched anonymously with media served the way `make run` serves it: 404, or
the sign-in page for the document. The views that check access still hand
over the very bytes stored; with nginx in front they hand over only a header.
"""

import hashlib
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Collection

from accounts.private_files import private_storage
from certificates.models import BulkDownload, Certificate
from compliance import rendering as dc3_rendering
from compliance.models import Dc3
from courses.models import PrivateDocument
from tests.evaluation.test_capture import build, evidence_of
from tests.factories import HRFactory, LearnerFactory, TrainerFactory, png_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("initial_data")]


def read(field_file) -> bytes:
    with field_file.storage.open(field_file.name, "rb") as handle:
        return handle.read()


def body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


@pytest.fixture
def dev_media(settings, tmp_path):
    """The site's URLs plus /media/ served from a fresh MEDIA_ROOT."""
    settings.ROOT_URLCONF = "tests.portal.urls_dev_media"
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def files(settings, client, django_capture_on_commit_callbacks):
    """One stored file of each kind, and who may fetch each."""
    certificate = Certificate.objects.exclude(pdf_sha256="").order_by("pk").first()
    hr = HRFactory()
    settings.ATIENDE_BULK_ZIP_SYNC_LIMIT = 0  # every bulk ZIP becomes a stored job
    client.force_login(hr)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("certificates:hr_bulk_zip"))
    client.logout()
    job = BulkDownload.objects.get(requested_by=hr)
    dc3 = dc3_rendering.dc3_rendered(Dc3.objects.order_by("pk").first())
    record = build()
    evidence = evidence_of(record)
    document = PrivateDocument.objects.create(
        title="Guía de la lección",
        file=ContentFile(b"%PDF-1.4 guia de la leccion", name="guia-leccion.pdf"),
    )
    return {
        "certificate": certificate,
        "job": job,
        "hr": hr,
        "dc3": dc3,
        "evidence": evidence,
        "evaluator": record.plan.evaluator,
        "document": document,
    }


def guessable_urls(files) -> list[str]:
    certificate, job, dc3 = files["certificate"], files["job"], files["dc3"]
    issued = timezone.localtime(certificate.issued_at)
    dc3_issued = timezone.localtime(dc3.issued_at)
    today = timezone.localdate()
    urls = [
        f"/media/{certificate.pdf.name}",
        f"/media/certificates/{issued:%Y/%m}/{certificate.serial}.pdf",
        f"/media/certificates/{today:%Y/%m}/{certificate.serial}.pdf",
        f"/media/{job.file.name}",
        f"/media/certificates/bulk/constancias-{job.pk}-{today:%Y%m%d}.zip",
        f"/media/{dc3.pdf.name}",
        f"/media/dc3/{dc3_issued:%Y/%m}/{dc3.folio}.pdf",
        f"/media/{files['evidence'].file.name}",
        f"/media/{files['document'].file.name}",
        f"/media/documents/{files['document'].filename}",
    ]
    # The files really are stored (else a 404 would prove nothing).
    for field_file in (certificate.pdf, job.file, dc3.pdf, files["evidence"].file):
        assert read(field_file)
    return urls


def test_no_guessable_url_serves_a_private_file(client, dev_media, files):
    """Anonymous GETs of every guessable /media/ URL are 404, while the same
    media serving hands out a public file; the document's own URL asks to sign
    in."""
    default_storage.save("images/control.png", ContentFile(png_bytes()))
    assert client.get("/media/images/control.png").status_code == 200

    for url in guessable_urls(files):
        assert client.get(url).status_code == 404, url

    document = files["document"]
    response = client.get(document.url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert document.url == f"/documents/{document.pk}/{document.filename}"


def test_the_authorised_views_serve_the_stored_bytes(client, dev_media, files):
    """Holder, HR, worker, evaluator and a signed-in learner get exactly the
    bytes stored, never cached."""
    certificate, job, dc3 = files["certificate"], files["job"], files["dc3"]
    fetches = [
        (
            certificate.holder,
            reverse("certificates:download", args=[certificate.code]),
            certificate.pdf,
        ),
        (files["hr"], reverse("certificates:hr_bulk_file", args=[job.pk]), job.file),
        (dc3.worker, reverse("compliance:own_pdf", args=[dc3.pk]), dc3.pdf),
        (
            files["evaluator"],
            reverse("evaluation:evidence", args=[files["evidence"].token]),
            files["evidence"].file,
        ),
        (
            LearnerFactory(),
            files["document"].url,
            files["document"].file,
        ),
    ]
    for user, url, field_file in fetches:
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, url
        assert body(response) == read(field_file), url
        assert "no-store" in response.get("Cache-Control", ""), url
        client.logout()
    assert certificate.pdf_sha256 == hashlib.sha256(read(certificate.pdf)).hexdigest()


def test_download_names_are_readable_though_stored_names_are_random(client, files):
    """Stored names carry no serial; the download is still named after it."""
    certificate, job = files["certificate"], files["job"]
    assert certificate.serial not in certificate.pdf.name
    client.force_login(certificate.holder)
    response = client.get(reverse("certificates:download", args=[certificate.code]))
    assert (
        f'filename="constancia-{certificate.serial}.pdf"'
        in (response["Content-Disposition"])
    )
    client.force_login(files["hr"])
    response = client.get(reverse("certificates:hr_bulk_file", args=[job.pk]))
    created = timezone.localtime(job.created_at)
    assert (
        f'filename="constancias-{job.pk}-{created:%Y%m%d}.zip"'
        in (response["Content-Disposition"])
    )


def test_behind_nginx_the_views_answer_with_x_accel_redirect(client, settings, files):
    """With ATIENDE_PRIVATE_FILES_ACCEL = "nginx", every private download (the
    certificate, the DC-3, the document) is an empty 200 whose
    X-Accel-Redirect names the stored file under the internal prefix."""
    settings.ATIENDE_PRIVATE_FILES_ACCEL = "nginx"
    certificate, dc3, document = files["certificate"], files["dc3"], files["document"]
    for user, url, field_file in [
        (
            certificate.holder,
            reverse("certificates:download", args=[certificate.code]),
            certificate.pdf,
        ),
        (dc3.worker, reverse("compliance:own_pdf", args=[dc3.pk]), dc3.pdf),
        (LearnerFactory(), document.url, document.file),
    ]:
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, url
        assert body(response) == b"", url
        assert response["X-Accel-Redirect"] == f"/private-files/{field_file.name}"
        assert response["Content-Type"] == "application/pdf", url
        assert "no-store" in response["Cache-Control"], url


def test_a_trainer_uploads_a_document_into_the_private_storage(client, settings):
    """The Wagtail admin's document form stores the file where no URL reaches
    it, with the trainers' permissions on the new document model."""
    trainer = TrainerFactory()
    client.force_login(trainer)
    response = client.post(
        reverse("wagtaildocs:add"),
        {
            "title": "Protocolo de atención",
            "file": SimpleUploadedFile("protocolo.pdf", b"%PDF-1.4 protocolo"),
            "collection": Collection.get_first_root_node().pk,
        },
    )
    assert response.status_code == 302, response.content[:500]

    document = PrivateDocument.objects.get(title="Protocolo de atención")
    assert document.file.storage.location == private_storage().location
    assert not Path(document.file.path).is_relative_to(Path(settings.MEDIA_ROOT))
    assert read(document.file) == b"%PDF-1.4 protocolo"
