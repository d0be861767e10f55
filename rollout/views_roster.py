"""The roster import at /tablero/personal/importar/: upload, preview, commit;
and the people still to set their password, with the re-send button.

The upload is parsed (``roster``) and checked against the database and the
importer's units (``services.roster_check``); the checked rows wait in private
storage (``roster_pending``) under a random token kept in the session, and the
commit reads them from there (never from the browser) and checks them again
inside its transaction. The preview lists every row with errors and only a page
of the valid ones: a 10,000-row file is not sent to the browser whole."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import access, selectors, services
from .forms import RosterCommitForm, RosterUploadForm
from .roster import RosterRow, parse_roster
from .roster_pending import pending_delete, pending_load, pending_save

SESSION_KEY = "rollout_roster_pending"
ERROR_ROWS_SHOWN = 1000  # beyond this the file is better fixed than read here
VALID_ROWS_PER_PAGE = 50
PEOPLE_PER_PAGE = 50

User = get_user_model()


@access.roster_import_required
@require_http_methods(["GET", "POST"])
def roster_upload(request):
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    context = {"form": form, "no_units": access.units_of(request.user) == ()}
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "rollout/roster/upload.html", context, status=400)
        upload = form.cleaned_data["file"]
        parsed = parse_roster(upload.name, upload.read())
        if parsed.file_errors:
            context["file_errors"] = parsed.file_errors
            return render(request, "rollout/roster/upload.html", context, status=400)
        rows = services.roster_check(rows=parsed.rows, actor=request.user)
        previous = request.session.get(SESSION_KEY) or {}
        pending_delete(previous.get("token"))
        course = form.cleaned_data.get("course")
        request.session[SESSION_KEY] = {
            "token": pending_save(rows),
            "filename": upload.name,
            "course": course.pk if course else None,
        }
        return redirect("rollout:roster_preview")
    return render(request, "rollout/roster/upload.html", context)


def _pending(request) -> tuple[dict, list[RosterRow]] | None:
    pending = request.session.get(SESSION_KEY)
    rows = pending_load(pending.get("token", "")) if pending else None
    if rows is None:
        messages.error(
            request,
            _("La vista previa ya no está disponible; sube el archivo de nuevo."),
        )
        return None
    return pending, rows


def _preview(request, pending: dict, rows: list[RosterRow]) -> dict:
    errors = [row for row in rows if row.errors]
    valid = [row for row in rows if not row.errors]
    page = Paginator(valid, VALID_ROWS_PER_PAGE).get_page(request.GET.get("page"))
    course = (
        selectors.roster_courses().filter(pk=pending["course"]).first()
        if pending.get("course")
        else None
    )
    return {
        "filename": pending["filename"],
        "course": course,
        "total": len(rows),
        "error_count": len(errors),
        "error_rows": errors[:ERROR_ROWS_SHOWN],
        "errors_not_shown": max(len(errors) - ERROR_ROWS_SHOWN, 0),
        "valid_count": len(valid),
        "valid_page": page,
        "commit_form": RosterCommitForm(initial={"token": pending["token"]}),
    }


@access.roster_import_required
@require_GET
def roster_preview(request):
    found = _pending(request)
    if found is None:
        return redirect("rollout:roster_upload")
    return render(request, "rollout/roster/preview.html", _preview(request, *found))


@access.roster_import_required
@require_POST
def roster_commit(request):
    form = RosterCommitForm(request.POST)
    found = _pending(request)
    if found is None:
        return redirect("rollout:roster_upload")
    if not form.is_valid() or not secrets.compare_digest(
        found[0]["token"], form.cleaned_data["token"]
    ):
        messages.error(
            request,
            _("La vista previa ya no está disponible; sube el archivo de nuevo."),
        )
        return redirect("rollout:roster_upload")
    pending, rows = found
    course = None
    if pending.get("course"):
        course = selectors.roster_courses().filter(pk=pending["course"]).first()
        if course is None:
            messages.error(
                request,
                _("El curso elegido ya no está publicado; sube el archivo de nuevo."),
            )
            return redirect("rollout:roster_upload")
    try:
        report = services.roster_import(rows=rows, actor=request.user, course=course)
    except services.RosterInvalid as exc:
        context = _preview(request, pending, exc.rows)
        context["not_saved"] = True
        return render(request, "rollout/roster/preview.html", context, status=400)
    except IntegrityError:  # another import saved the same people meanwhile
        messages.error(
            request,
            _(
                "Otra importación guardó a algunas de estas personas al mismo "
                "tiempo; no se guardó nada. Vuelve a confirmar."
            ),
        )
        return redirect("rollout:roster_preview")
    pending_delete(pending["token"])
    del request.session[SESSION_KEY]
    return render(
        request,
        "rollout/roster/done.html",
        {"report": report, "filename": pending["filename"], "course": course},
    )


# ------------------------------------------------------------------ invitations


@access.roster_import_required
@require_GET
def invitation_list(request):
    page = Paginator(
        selectors.pending_invitations(user=request.user), PEOPLE_PER_PAGE
    ).get_page(request.GET.get("page"))
    return render(request, "rollout/roster/invitations.html", {"page": page})


@access.roster_import_required
@require_POST
def invitation_resend(request, pk: int):
    person = get_object_or_404(User, pk=pk)
    try:
        services.invitation_resend(person=person, by=request.user)
    except services.InvitationRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            _("Se enviará de nuevo la invitación a %(email)s.")
            % {"email": person.email},
        )
    return redirect("rollout:invitation_list")
