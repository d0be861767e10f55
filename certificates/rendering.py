"""Rendering a certificate's PDF: after the issuing transaction commits, from
its frozen snapshot, stored once and hashed. Run by ``tasks.render_certificate_pdf``.
"""

from __future__ import annotations

import io
import logging

from django.core.files.base import ContentFile
from django.db.models import F
from PIL import Image as PILImage

from . import pdf
from .issuer import issuer_settings
from .models import Certificate
from .snapshot import document_from_snapshot

logger = logging.getLogger(__name__)


class RenderFailed(RuntimeError):
    """The PDF could not be rendered or stored; the certificate records why."""


def _image_bytes(image) -> bytes | None:
    """A Wagtail image's original as PNG or JPEG bytes for the renderer (other
    formats converted to PNG); None when it is missing or unreadable."""
    if image is None:
        return None
    try:
        with image.file.open("rb") as handle:
            data = handle.read()
        if data.startswith(b"\x89PNG\r\n\x1a\n") or data.startswith(b"\xff\xd8\xff"):
            return data
        with PILImage.open(io.BytesIO(data)) as im:
            buffer = io.BytesIO()
            im.convert("RGBA").save(buffer, "PNG")
        return buffer.getvalue()
    except (OSError, ValueError) as error:
        logger.warning("Certificate image %s left out: %s", image.pk, error)
        return None


def certificate_render_pdf(*, certificate_id: int) -> Certificate:
    """Render, store and hash the certificate's PDF unless it already has one
    (running twice is harmless). On failure the error is recorded on the
    certificate (``render_failures``, ``render_error``: HR sees it), no file is
    left behind, and RenderFailed is raised so the task can be retried."""
    certificate = Certificate.objects.select_related("course").get(pk=certificate_id)
    if certificate.pdf_ready:
        return certificate
    stored_name = ""
    try:
        issuer = issuer_settings(certificate.course)
        data = pdf.render_certificate(
            document_from_snapshot(
                certificate.snapshot,
                logo=_image_bytes(issuer.logo),
                signature=_image_bytes(issuer.signature),
            )
        )
        stored_name = certificate.pdf.storage.save(
            certificate.pdf.field.generate_filename(
                certificate, f"{certificate.serial}.pdf"
            ),
            ContentFile(data),
        )
        # Only the first render to finish is kept: a concurrent one that lost
        # removes its file.
        updated = Certificate.objects.filter(pk=certificate.pk, pdf_sha256="").update(
            pdf=stored_name, pdf_sha256=pdf.sha256_hex(data), render_error=""
        )
        if not updated:
            certificate.pdf.storage.delete(stored_name)
    except Exception as error:
        if stored_name:
            certificate.pdf.storage.delete(stored_name)
        logger.exception("Certificate %s: PDF rendering failed", certificate.serial)
        Certificate.objects.filter(pk=certificate.pk).update(
            render_failures=F("render_failures") + 1,
            render_error=f"{type(error).__name__}: {error}"[:2000],
        )
        raise RenderFailed(str(error)) from error
    certificate.refresh_from_db()
    return certificate


def certificates_render_pending() -> tuple[int, int]:
    """Render every certificate still without its PDF (a lost task, a failure
    that outlived its retries); returns (rendered, still failing)."""
    rendered = failed = 0
    pending = Certificate.objects.filter(pdf_sha256="").order_by("pk")
    for certificate_id in pending.values_list("pk", flat=True):
        try:
            certificate_render_pdf(certificate_id=certificate_id)
            rendered += 1
        except RenderFailed:
            failed += 1
    return rendered, failed
