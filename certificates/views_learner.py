"""A learner's own certificates: the stored PDF, downloaded as issued."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.views.decorators.http import require_http_methods

from . import access, downloads, selectors


@login_required
@require_http_methods(["GET", "HEAD"])
def certificate_pdf(request, code: str):
    """The holder, HR and superusers get the PDF; anyone else a 404."""
    certificate = selectors.certificate_by_code(code)
    if certificate is None:
        raise Http404
    access.require_certificate_download(request.user, certificate)
    return downloads.certificate_pdf_response(
        request, certificate, filename=f"constancia-{certificate.serial}.pdf"
    )
