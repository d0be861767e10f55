"""HR screens for certificates, under /certificados/: find, read, download (one or
in bulk), export, revoke and re-issue, and see what is about to expire.

Only HR and superusers (``access.hr_required``); anonymous visitors are sent to
sign in, anyone else gets 403. Changes of state go through ``services``; reads
through ``hr_selectors``; files through ``exports`` and ``tasks``.
"""

from __future__ import annotations

import logging
import tempfile

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import (
    FileResponse,
    Http404,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.private_files import private_file_response

from . import downloads, exports, hr_selectors, rendering, services
from .access import bulk_download_visible_to, hr_can, hr_required
from .hr_forms import CertificateFilterForm, RevokeForm
from .models import BulkDownload, Certificate
from .selectors import verification

logger = logging.getLogger(__name__)

PAGE_SIZE = 25
FILTER_KEYS = ("q", "status", "issued_from", "issued_to", "course")


def _filters(request) -> tuple[CertificateFilterForm, hr_selectors.CertificateFilters]:
    data = request.GET if any(key in request.GET for key in FILTER_KEYS) else None
    form = CertificateFilterForm(data)
    return form, form.to_filters()


def _filter_querystring(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _stamp() -> str:
    return timezone.localtime().strftime("%Y%m%d-%H%M")


# ------------------------------------------------------------------ list


@hr_required("view")
@require_GET
def certificate_list(request):
    form, filters = _filters(request)
    today = timezone.localdate()
    queryset = hr_selectors.certificate_search(filters=filters, today=today)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    for certificate in page:
        certificate.status_today = certificate.status_on(today)
    user = request.user
    return render(
        request,
        "certificates/hr/list.html",
        {
            "form": form,
            "page_obj": page,
            "querystring": _filter_querystring(request),
            "can_export": hr_can(user, "export"),
            "sync_limit": settings.ATIENDE_BULK_ZIP_SYNC_LIMIT,
            "jobs": hr_selectors.bulk_jobs_for(user=user),
            "expiry_days": hr_selectors.expiry_window_days(),
        },
    )


# ------------------------------------------------------------------ detail


@hr_required("view")
@require_GET
def certificate_detail(request, pk: int):
    try:
        certificate = hr_selectors.certificate_detail(pk=pk)
    except Certificate.DoesNotExist as error:
        raise Http404 from error
    today = timezone.localdate()
    return render(
        request,
        "certificates/hr/detail.html",
        {
            "certificate": certificate,
            "v": verification(certificate, today=today),
            "status": certificate.status_on(today),
            "chain": hr_selectors.replacement_chain(certificate),
            "verification_url": exports.verification_url(certificate),
            "can_revoke": hr_can(request.user, "revoke"),
            "can_export": hr_can(request.user, "export"),
        },
    )


@hr_required("view")
@require_GET
def certificate_pdf(request, pk: int):
    """The stored PDF, byte for byte as issued (its SHA-256 is the stored one)."""
    certificate = get_object_or_404(Certificate, pk=pk)
    return downloads.certificate_pdf_response(
        request, certificate, filename=exports.zip_entry_name(certificate)
    )


@hr_required("view")
@require_POST
def certificate_render(request, pk: int):
    """Render again a PDF whose rendering failed (or is still pending)."""
    certificate = get_object_or_404(Certificate, pk=pk)
    try:
        certificate = rendering.certificate_render_pdf(certificate_id=certificate.pk)
    except rendering.RenderFailed as error:
        messages.error(
            request,
            _("El PDF de %(serial)s no se pudo generar: %(error)s")
            % {"serial": certificate.serial, "error": error},
        )
    else:
        messages.success(
            request,
            _("El PDF de %(serial)s está listo.") % {"serial": certificate.serial},
        )
    return redirect("certificates:hr_detail", pk=certificate.pk)


# ------------------------------------------------------------------ revoke / re-issue


@hr_required("revoke")
@require_http_methods(["GET", "POST"])
def certificate_revoke(request, pk: int):
    """GET: the confirmation page with the reason form. POST: revoke."""
    certificate = get_object_or_404(Certificate.objects.select_related("holder"), pk=pk)
    if certificate.revoked_at is not None:
        messages.info(request, _("Esta constancia ya está revocada."))
        return redirect("certificates:hr_detail", pk=pk)
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.certificate_revoke(
                certificate=certificate,
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except services.CertificateError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("La constancia %(serial)s quedó revocada.")
                % {"serial": certificate.serial},
            )
        return redirect("certificates:hr_detail", pk=pk)
    return render(
        request,
        "certificates/hr/revoke.html",
        {"certificate": certificate, "form": form},
        status=400 if form.is_bound else 200,
    )


@hr_required("revoke")
@require_http_methods(["GET", "POST"])
def certificate_reissue(request, pk: int):
    """GET: the confirmation page. POST: issue the replacement and show it."""
    certificate = get_object_or_404(
        Certificate.objects.select_related("holder", "replaced_by"), pk=pk
    )
    if request.method == "POST":
        try:
            new = services.certificate_reissue(certificate=certificate, by=request.user)
        except services.CertificateError as error:
            messages.error(request, str(error))
            return redirect("certificates:hr_detail", pk=pk)
        messages.success(
            request,
            _("Se emitió la constancia %(new)s, que reemplaza a %(old)s.")
            % {"new": new.serial, "old": certificate.serial},
        )
        return redirect("certificates:hr_detail", pk=new.pk)
    return render(
        request,
        "certificates/hr/reissue.html",
        {"certificate": certificate},
    )


# ------------------------------------------------------------------ exports


def _export_queryset(request):
    _form, filters = _filters(request)
    today = timezone.localdate()
    return hr_selectors.certificate_search(filters=filters, today=today), today


@hr_required("export")
@require_GET
def export_csv(request):
    queryset, today = _export_queryset(request)
    response = StreamingHttpResponse(
        exports.iter_csv(exports.iter_batches(queryset), today=today),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="constancias-{_stamp()}.csv"'
    )
    return response


@hr_required("export")
@require_GET
def export_xlsx(request):
    queryset, today = _export_queryset(request)
    # openpyxl needs a seekable file; it spools to disk beyond 8 MB.
    handle = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    exports.write_xlsx(exports.iter_batches(queryset), handle, today=today)
    handle.seek(0)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"constancias-{_stamp()}.xlsx",
        content_type=(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        ),
    )


# ------------------------------------------------------------------ bulk ZIP


@hr_required("export")
@require_POST
def bulk_zip(request):
    """The filtered certificates as one ZIP. Up to ATIENDE_BULK_ZIP_SYNC_LIMIT it
    is streamed right away; above it a background job builds it and HR follows
    its progress."""
    queryset, today = _export_queryset(request)
    total = queryset.count()
    if total == 0:
        messages.warning(
            request, _("No hay constancias que descargar con esos filtros.")
        )
        return redirect(f"{reverse('certificates:hr_list')}?{request.GET.urlencode()}")
    if total <= settings.ATIENDE_BULK_ZIP_SYNC_LIMIT:
        response = StreamingHttpResponse(
            exports.iter_bulk_zip(exports.iter_batches(queryset)),
            content_type="application/zip",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="constancias-{_stamp()}.zip"'
        )
        return response
    _form, filters = _filters(request)
    job = services.bulk_download_request(
        by=request.user, filters=filters, today=today, total=total
    )
    return redirect("certificates:hr_bulk_status", pk=job.pk)


def _own_job(request, pk: int) -> BulkDownload:
    job = get_object_or_404(BulkDownload, pk=pk)
    if not bulk_download_visible_to(request.user, job):
        raise Http404
    return job


def _job_json(job: BulkDownload) -> dict:
    done = job.status == BulkDownload.Status.DONE and bool(job.file)
    return {
        "status": job.status,
        "status_label": str(job.get_status_display()),
        "done": job.done,
        "total": job.total,
        "percent": 100 if done else job.percent,
        "finished": job.status
        in (BulkDownload.Status.DONE, BulkDownload.Status.FAILED),
        "download_url": (
            reverse("certificates:hr_bulk_file", args=[job.pk]) if done else None
        ),
        "error": _("No se pudo preparar el archivo.")
        if job.status == BulkDownload.Status.FAILED
        else "",
    }


@never_cache
@hr_required("export")
@require_GET
def bulk_status(request, pk: int):
    job = _own_job(request, pk)
    return render(
        request,
        "certificates/hr/bulk_status.html",
        {"job": job, "state": _job_json(job)},
    )


@never_cache
@hr_required("export")
@require_GET
def bulk_status_json(request, pk: int):
    return JsonResponse(_job_json(_own_job(request, pk)))


@hr_required("export")
@require_GET
def bulk_file(request, pk: int):
    job = _own_job(request, pk)
    if job.status != BulkDownload.Status.DONE or not job.file:
        raise Http404
    # The stored name is a random token; the download keeps a readable name.
    created = timezone.localtime(job.created_at)
    return private_file_response(
        job.file,
        filename=f"constancias-{job.pk}-{created:%Y%m%d}.zip",
        content_type="application/zip",
    )


# ------------------------------------------------------------------ expiry


@hr_required("view")
@require_GET
def expiring(request):
    today = timezone.localdate()
    days = hr_selectors.expiry_window_days()
    certificates = hr_selectors.with_renewal(
        hr_selectors.expiring_certificates(today=today, days=days), today=today
    )
    return render(
        request,
        "certificates/hr/expiring.html",
        {"certificates": certificates, "days": days, "today": today},
    )
