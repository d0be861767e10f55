"""The "Historial de cambios" screens of the Wagtail admin: the list of changes
(newest first, filtered, paginated) and one change field by field.

Who reads what is the audit registry's (``accounts.audit``): superusers
everything; trainers, HR and the rest what each app allows. Anyone who may read
nothing gets 403; a change one may not read answers 404."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse

from . import audit, audit_selectors
from .audit_forms import TrailFilterForm


def _require_reader(user) -> None:
    if not audit.can_read_trail(user):
        raise PermissionDenied


def trail(request):
    _require_reader(request.user)
    form = TrailFilterForm(request.GET or None, user=request.user)
    filters = form.filters() if form.is_bound else audit_selectors.TrailFilters()
    page, entries = audit_selectors.trail_page(
        user=request.user, filters=filters, number=request.GET.get("p")
    )
    return TemplateResponse(
        request,
        "accounts/audit/trail.html",
        {
            "form": form,
            "page": page,
            "entries": entries,
            "elided_page_range": page.paginator.get_elided_page_range(page.number),
        },
    )


def change(request, key: str, history_id: int):
    _require_reader(request.user)
    found = audit_selectors.change_for(
        user=request.user, key=key, history_id=history_id
    )
    if found is None:
        raise Http404
    tracked, record = found
    previous = audit_selectors.previous_record(record)
    return TemplateResponse(
        request,
        "accounts/audit/change.html",
        {
            "entry": audit_selectors.Entry(tracked, record),
            "previous": previous,
            "changes": audit_selectors.field_changes(record, previous),
        },
    )
