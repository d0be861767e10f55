"""Serving a stored certificate PDF: the one response every download view uses."""

from __future__ import annotations

import logging

from django.http import FileResponse, Http404
from django.shortcuts import render

logger = logging.getLogger(__name__)

# How long a browser should wait before asking again for a PDF in preparation.
RETRY_AFTER_SECONDS = 10


def certificate_pdf_response(request, certificate, *, filename: str):
    """The stored PDF, byte for byte (never re-rendered), as an attachment,
    never cached by a shared cache. While it is still being rendered: a page
    saying so (409, Retry-After)."""
    if not certificate.pdf_ready:
        response = render(
            request,
            "certificates/pdf_pending.html",
            {"certificate": certificate},
            status=409,
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "private, no-store"
        return response
    try:
        handle = certificate.pdf.open("rb")
    except (FileNotFoundError, ValueError) as error:
        logger.error("Certificate %s has no stored PDF: %s", certificate.serial, error)
        raise Http404 from error
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type="application/pdf"
    )
    response["Cache-Control"] = "private, no-store"
    return response
