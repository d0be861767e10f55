"""A learner's own certificates: the stored PDF, downloaded as issued."""

from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.views.decorators.http import require_http_methods

from . import access, selectors

logger = logging.getLogger(__name__)


def certificate_file_response(certificate) -> FileResponse:
    """The stored PDF, byte for byte (never re-rendered), as an attachment named
    after the serial. Shared by every download view."""
    try:
        handle = certificate.pdf.open("rb")
    except (FileNotFoundError, ValueError) as error:
        logger.error("Certificate %s has no stored PDF: %s", certificate.serial, error)
        raise Http404 from error
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"constancia-{certificate.serial}.pdf",
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "HEAD"])
def certificate_pdf(request, code: str):
    """The holder, HR and superusers get the PDF; anyone else a 404."""
    certificate = selectors.certificate_by_code(code)
    if certificate is None:
        raise Http404
    access.require_certificate_download(request.user, certificate)
    return certificate_file_response(certificate)
