"""Public verification of certificates: anyone, signed in or not.

* ``/verificar/`` asks for a code (typed in any case, with or without dashes or
  spaces) and sends the visitor to the certificate's page.
* ``/verificar/<code>/`` (where the QR code lands) shows the status and what the
  certificate states, and lets the visitor upload a PDF to check that it is the
  unaltered issued file (its SHA-256 against the stored one).
* An unknown code gets a plain 404 that tells nothing else.
* Every request counts against a per-client limit (ATIENDE_VERIFICATION_RATE_LIMIT,
  30 a minute by default; accounts.rate_limits, keyed on the real client
  address behind the trusted proxies); beyond it, the site's 429 page.
"""

from __future__ import annotations

import hashlib
import hmac

from django import forms
from django.conf import settings
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.rate_limits import rate_limit

from . import selectors, verification

PDF_MAGIC = b"%PDF"


# ---------------------------------------------------------------- forms


class CodeForm(forms.Form):
    codigo = forms.CharField(
        label=gettext_lazy("Código de verificación"),
        max_length=120,
        help_text=gettext_lazy(
            "Como aparece en la constancia, junto al código QR. Da igual si lo "
            "escribes con mayúsculas o minúsculas, con guiones o sin ellos."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autofocus": True}
        ),
    )

    def clean_codigo(self):
        code = selectors.normalise_code(self.cleaned_data["codigo"])
        if not code:
            raise forms.ValidationError(
                _("Ese no parece un código de verificación. Revísalo, por favor.")
            )
        return code


class UploadForm(forms.Form):
    archivo = forms.FileField(
        label=gettext_lazy("Archivo PDF de la constancia"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def clean_archivo(self):
        upload = self.cleaned_data["archivo"]
        limit = settings.ATIENDE_VERIFICATION_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("El archivo pesa más de %(mb)s MB: una constancia pesa mucho menos.")
                % {"mb": limit // (1024 * 1024)}
            )
        upload.seek(0)
        head = upload.read(len(PDF_MAGIC))
        upload.seek(0)
        if head != PDF_MAGIC:
            raise forms.ValidationError(_("El archivo no es un PDF."))
        return upload


def _sha256_of(upload) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    return digest.hexdigest()


# ---------------------------------------------------------------- views


@never_cache
@rate_limit(group="certificates:verify", setting="ATIENDE_VERIFICATION_RATE_LIMIT")
@require_http_methods(["GET", "HEAD"])
def verify_form(request):
    """The code form; a valid code redirects to the certificate's page."""
    form = CodeForm(request.GET if "codigo" in request.GET else None)
    if form.is_bound and form.is_valid():
        return redirect("certificates:verify", form.cleaned_data["codigo"])
    return render(
        request,
        "certificates/verify_form.html",
        {"form": form},
        status=400 if form.is_bound else 200,
    )


def _not_found(request):
    return render(request, "certificates/verify_not_found.html", status=404)


@never_cache
@rate_limit(group="certificates:verify", setting="ATIENDE_VERIFICATION_RATE_LIMIT")
@require_http_methods(["GET", "HEAD", "POST"])
def verify(request, code: str):
    """The certificate's public page; POST checks an uploaded PDF against it."""
    canonical = selectors.normalise_code(code)
    if not canonical:
        return _not_found(request)
    if canonical != code and request.method != "POST":
        return redirect(reverse("certificates:verify", args=[canonical]))
    certificate = selectors.certificate_by_code(canonical)
    if certificate is None:
        # Not a certificate: perhaps another verifiable document (a DC-3).
        if other := verification.other_document_url(canonical):
            return redirect(other)
        return _not_found(request)

    upload_form = UploadForm()
    file_matches = None
    status = 200
    # Until its PDF is rendered there is no file to compare an upload with.
    if request.method == "POST" and certificate.pdf_ready:
        upload_form = UploadForm(request.POST, request.FILES)
        if upload_form.is_valid():
            file_matches = hmac.compare_digest(
                _sha256_of(upload_form.cleaned_data["archivo"]),
                certificate.pdf_sha256,
            )
            upload_form = UploadForm()
        else:
            status = 400
    return render(
        request,
        "certificates/verify.html",
        {
            "v": selectors.verification(certificate),
            "upload_form": upload_form,
            "file_matches": file_matches,
            "max_upload_mb": settings.ATIENDE_VERIFICATION_MAX_UPLOAD_BYTES // 1048576,
        },
        status=status,
    )
