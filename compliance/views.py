"""The DC-3 screens: HR's list, download, re-issue and pending lists; the
worker's own download; the public verification of a DC-3. Thin: access is
``access``'s, reads are ``selectors``', changes ``services``'."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.private_files import private_file_response
from rollout import access as rollout_access

from . import access, pending, rendering, selectors, services
from .forms import Dc3FilterForm, ReissueForm

User = get_user_model()
PAGE_SIZE = 50


def _pdf_response(dc3) -> HttpResponse:
    dc3 = rendering.dc3_rendered(dc3)
    return private_file_response(
        dc3.pdf, filename=f"{dc3.folio}.pdf", content_type="application/pdf"
    )


@access.hr_required
@require_http_methods(["GET", "HEAD"])
def dc3_list(request):
    form = Dc3FilterForm(request.GET or None, user=request.user)
    filters = form.filters()
    status = 400 if form.is_bound and not form.is_valid() else 200
    page = Paginator(
        selectors.dc3_search(user=request.user, filters=filters), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "compliance/dc3_list.html",
        {"form": form, "page_obj": page, "querystring": query.urlencode()},
        status=status,
    )


@access.hr_required
def dc3_pdf(request, pk: int):
    return _pdf_response(access.dc3_for_hr_or_404(request.user, pk))


@access.hr_required
@require_http_methods(["GET", "POST"])
def dc3_reissue(request, pk: int):
    dc3 = access.dc3_for_hr_or_404(request.user, pk)
    form = ReissueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            new = services.dc3_reissue(
                dc3=dc3, reason=form.cleaned_data["motivo"], by=request.user
            )
        except services.Dc3Error as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("DC-3 reemitida con el folio %(folio)s.") % {"folio": new.folio},
            )
            return redirect("compliance:list")
    return render(
        request,
        "compliance/dc3_reissue.html",
        {"dc3": dc3, "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


@access.hr_required
@require_http_methods(["GET", "HEAD"])
def dc3_pending(request):
    people = rollout_access.people_visible_to(request.user, User.objects.all())
    rows = pending.pending_rows(people=people, today=timezone.localdate())
    return render(
        request,
        "compliance/dc3_pending.html",
        {
            "rows": [row for row in rows if row.complete],
            "missing_rows": [row for row in rows if not row.complete],
        },
    )


@access.hr_required
@require_POST
def dc3_issue(request, course_pk: int, worker_pk: int):
    """Issue one pending DC-3 now (HR's button; the triggers usually did)."""
    people = rollout_access.people_visible_to(
        request.user, User.objects.filter(pk=worker_pk)
    )
    worker = people.first()
    course = selectors.course_by_pk(course_pk)
    if worker is None or course is None:
        raise Http404
    dc3 = services.dc3_issue_for(worker=worker, course=course, by=request.user)
    if dc3 is None:
        messages.error(request, _("Faltan datos: no se emitió la DC-3."))
    else:
        messages.success(request, _("DC-3 %(folio)s emitida.") % {"folio": dc3.folio})
    return redirect("compliance:pending")


@login_required
def own_dc3_pdf(request, pk: int):
    return _pdf_response(access.own_dc3_or_404(request.user, pk))


@never_cache
@require_http_methods(["GET", "HEAD"])
def verify(request, code: str):
    """The public page of a DC-3 (where its QR lands)."""
    dc3 = selectors.dc3_by_code(code)
    if dc3 is None:
        return render(request, "certificates/verify_not_found.html", status=404)
    return render(request, "compliance/verify.html", {"dc3": dc3, "s": dc3.snapshot})
