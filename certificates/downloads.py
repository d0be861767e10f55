"""Serving a stored certificate PDF: the one response every download view uses."""

from __future__ import annotations

from django.shortcuts import render

from accounts.private_files import private_file_response

# How long a browser should wait before asking again for a PDF in preparation.
RETRY_AFTER_SECONDS = 10


def certificate_pdf_response(request, certificate, *, filename: str):
    """The stored PDF, byte for byte (never re-rendered), as an attachment,
    through accounts.private_files (never cached; X-Accel-Redirect, X-Sendfile or
    a presigned URL where configured). While it is still being rendered: a page
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
    return private_file_response(
        certificate.pdf, filename=filename, content_type="application/pdf"
    )
