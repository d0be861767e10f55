"""Background tasks (django-tasks): rendering an issued certificate's PDF, and
the bulk ZIP of many certificates."""

from __future__ import annotations

import logging
import tempfile
import time
from datetime import date, timedelta

from django.core.files import File
from django.utils import timezone
from django_tasks import task

from . import exports, rendering
from .hr_selectors import CertificateFilters, certificate_search
from .models import BulkDownload, Certificate

logger = logging.getLogger(__name__)

# Progress is written at most this often (seconds), and always at the end.
PROGRESS_INTERVAL = 1.0


# A failed render is tried again after 1, 2, 4, 8 minutes, then left to the sweep
# (``manage.py render_pending_certificates``) and to HR's "Reintentar" button.
RENDER_RETRIES = 4


@task()
def render_certificate_pdf(certificate_id: int) -> str:
    """Render and store an issued certificate's PDF; returns its SHA-256."""
    try:
        return rendering.certificate_render_pdf(
            certificate_id=certificate_id
        ).pdf_sha256
    except rendering.RenderFailed:
        failures = (
            Certificate.objects.filter(pk=certificate_id)
            .values_list("render_failures", flat=True)
            .first()
        )
        backend = render_certificate_pdf.get_backend()
        if (
            failures is not None
            and failures <= RENDER_RETRIES
            and (backend.supports_defer)
        ):
            render_certificate_pdf.using(
                run_after=timezone.now() + timedelta(minutes=2 ** (failures - 1))
            ).enqueue(certificate_id)
        raise


@task()
def render_pending_certificates() -> int:
    """Render every certificate still without its PDF; returns how many were."""
    return rendering.certificates_render_pending()[0]


@task()
def build_bulk_zip(job_id: int) -> int:
    """Build the ZIP of a BulkDownload's filtered certificates into its ``file``,
    recording progress (``done`` of ``total``) as it goes; the job ends DONE, or
    FAILED with the error. Returns the number of certificates in the ZIP.

    The filters are applied again here, on the day HR asked (``filters["today"]``),
    so a job started just before midnight still means what HR saw.
    """
    job = BulkDownload.objects.get(pk=job_id)
    if job.status == BulkDownload.Status.DONE:
        return job.done
    filters = CertificateFilters.from_json(job.filters)
    today = (
        date.fromisoformat(job.filters["today"])
        if job.filters.get("today")
        else timezone.localdate()
    )
    queryset = certificate_search(filters=filters, today=today)
    total = queryset.count()
    BulkDownload.objects.filter(pk=job.pk).update(
        status=BulkDownload.Status.RUNNING, total=total, done=0, error=""
    )
    state = {"done": 0, "written_at": time.monotonic()}

    def progress(done: int) -> None:
        state["done"] = done
        now = time.monotonic()
        if now - state["written_at"] >= PROGRESS_INTERVAL:
            BulkDownload.objects.filter(pk=job.pk).update(done=done)
            state["written_at"] = now

    try:
        with tempfile.TemporaryFile(suffix=".zip") as handle:
            exports.write_bulk_zip(
                exports.iter_batches(queryset), handle, on_progress=progress
            )
            handle.seek(0)
            name = f"constancias-{job.pk}-{today:%Y%m%d}.zip"
            job.file.save(name, File(handle, name=name), save=False)
        # What was counted at the start may have changed meanwhile: the ZIP is
        # the truth.
        BulkDownload.objects.filter(pk=job.pk).update(
            file=job.file.name,
            status=BulkDownload.Status.DONE,
            total=state["done"],
            done=state["done"],
            finished_at=timezone.now(),
        )
        return state["done"]
    except Exception as error:
        logger.exception("Bulk ZIP %s failed", job.pk)
        BulkDownload.objects.filter(pk=job.pk).update(
            status=BulkDownload.Status.FAILED,
            error=f"{type(error).__name__}: {error}"[:2000],
            finished_at=timezone.now(),
        )
        raise
