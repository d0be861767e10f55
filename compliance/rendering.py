"""Rendering a DC-3's PDF after the issuing transaction commits, from its frozen
snapshot, stored once (private storage) and hashed. Run by
``tasks.render_dc3_pdf``."""

from __future__ import annotations

import hashlib
import logging

from django.core.files.base import ContentFile

from . import dc3_pdf
from .documents import dc3_document
from .models import Dc3

logger = logging.getLogger(__name__)


def dc3_render_pdf(*, dc3_id: int) -> Dc3:
    """Render, store and hash the PDF unless it has one (running twice is
    harmless). A failure is recorded on the DC-3 and raised."""
    dc3 = Dc3.objects.get(pk=dc3_id)
    if dc3.pdf_ready:
        return dc3
    stored = ""
    try:
        data = dc3_pdf.render_dc3(dc3_document(dc3.snapshot))
        stored = dc3.pdf.storage.save(
            dc3.pdf.field.generate_filename(dc3, f"{dc3.folio}.pdf"),
            ContentFile(data),
        )
        updated = Dc3.objects.filter(pk=dc3.pk, pdf_sha256="").update(
            pdf=stored, pdf_sha256=hashlib.sha256(data).hexdigest(), render_error=""
        )
        if not updated:  # a concurrent render won: keep its file
            dc3.pdf.storage.delete(stored)
    except Exception as error:
        if stored:
            dc3.pdf.storage.delete(stored)
        logger.exception("DC-3 %s: PDF rendering failed", dc3.folio)
        Dc3.objects.filter(pk=dc3.pk).update(
            render_error=f"{type(error).__name__}: {error}"[:2000]
        )
        raise
    dc3.refresh_from_db()
    return dc3


def dc3_rendered(dc3: Dc3) -> Dc3:
    """The DC-3 with its stored PDF, rendering it first if the task has not
    run yet."""
    return dc3 if dc3.pdf_ready else dc3_render_pdf(dc3_id=dc3.pk)


def dc3_pdf_bytes(dc3: Dc3) -> bytes:
    """The stored PDF, rendering it first if the task has not run yet."""
    dc3 = dc3_rendered(dc3)
    with dc3.pdf.open("rb") as handle:
        return handle.read()
