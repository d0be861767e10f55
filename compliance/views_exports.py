"""HR's files: the filtered ZIP of DC-3 PDFs with its manifest, and the list of
constancias (DC-4) of a plan period as PDF, XLSX or CSV. The documents are
drawn by the pure modules (``exports``, ``dc4_pdf``); here only who may see
what and which DC-3s go in."""

from __future__ import annotations

import tempfile

from django.contrib.auth import get_user_model
from django.http import FileResponse, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from certificates.issuer import issuer_settings
from rollout import access as rollout_access

from . import access, dc4_pdf, exports, pending, rendering, selectors
from .dc_data import DC4Document
from .documents import constancia, dc3_document, employer_of
from .forms import Dc3FilterForm, PeriodForm

User = get_user_model()
BATCH = 200


def _entries(queryset):
    """ZIP entries one at a time (memory holds one PDF)."""
    for dc3 in queryset.iterator(chunk_size=BATCH):
        yield exports.dc3_entry(
            dc3_document(dc3.snapshot), pdf=rendering.dc3_pdf_bytes(dc3)
        )


def _missing(user, filters) -> list:
    """Workers of the filter's course or cohort left out for want of data."""
    if not (filters.course or filters.cohort):
        return []
    people = rollout_access.people_visible_to(user, User.objects.all())
    rows = pending.pending_rows(people=people, today=timezone.localdate())
    return [
        exports.Missing(
            trabajador=row.worker.get_full_name(),
            curso=row.course.title,
            faltantes=row.missing,
            curp=getattr(getattr(row.worker, "staff", None), "curp", "") or "",
        )
        for row in rows
        if not row.complete
        and (not filters.course or row.course.pk == filters.course)
        and (not filters.cohort or (row.cohort and row.cohort.pk == filters.cohort))
    ]


@access.hr_required
@require_http_methods(["GET"])
def dc3_zip(request):
    """The DC-3s of the list's filters (per cohort: its filter) in one ZIP with
    ``manifiesto.csv``; built in a temporary file, streamed from it. A cohort
    outside HR's units answers 404, like its page."""
    access.require_cohort_in_scope(request.user, request.GET.get("cohort"))
    form = Dc3FilterForm(request.GET or None, user=request.user)
    if form.is_bound and not form.is_valid():
        return HttpResponse(
            "; ".join(e for errors in form.errors.values() for e in errors),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    filters = form.filters()
    queryset = selectors.dc3_search(user=request.user, filters=filters)
    handle = tempfile.TemporaryFile(suffix=".zip")
    exports.dc3_zip(handle, _entries(queryset), _missing(request.user, filters))
    handle.seek(0)
    name = f"dc3-{timezone.localdate():%Y%m%d}.zip"
    return FileResponse(handle, as_attachment=True, filename=name)


@access.hr_required
@require_http_methods(["GET", "HEAD"])
def dc4(request):
    """The plan period form; with a valid period, the DC-4 in the format asked."""
    form = PeriodForm(request.GET or None)
    if not form.is_bound or not form.is_valid():
        return render(
            request,
            "compliance/dc4.html",
            {"form": form},
            status=400 if form.is_bound else 200,
        )
    start, end = form.cleaned_data["desde"], form.cleaned_data["hasta"]
    queryset = selectors.dc3_search(
        user=request.user,
        filters=selectors.Dc3Filters(issued_from=start, issued_to=end),
    ).order_by("issued_at", "pk")
    rows = tuple(constancia(dc3.snapshot) for dc3 in queryset)
    stem = f"dc4-{start:%Y%m%d}-{end:%Y%m%d}"
    kind = form.cleaned_data["formato"]
    if kind == "csv":
        body, content_type = exports.dc4_csv(rows), "text/csv; charset=utf-8"
    elif kind == "xlsx":
        body = exports.dc4_xlsx(rows)
        content_type = (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    else:
        try:
            employer = employer_of(issuer_settings())
        except ValueError:
            form.add_error(
                None,
                _(
                    "Faltan los datos del patrón (razón social, RFC, representante "
                    "legal) en los datos del emisor."
                ),
            )
            return render(request, "compliance/dc4.html", {"form": form}, status=400)
        document = DC4Document(
            employer=employer, period_start=start, period_end=end, rows=rows
        )
        body, content_type = dc4_pdf.render_dc4(document), "application/pdf"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{stem}.{kind}"'
    return response
