"""The roster import at /tablero/personal/importar/: upload, preview, commit.

The upload is parsed (``roster``) and checked against the database and the
importer's units (``services.roster_check``); the checked rows stay in the
server-side session under a random token, and the commit reads them from there
(never from the browser) and checks them again inside its transaction."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import access, services
from .forms import RosterCommitForm, RosterUploadForm
from .roster import RosterRow, parse_roster

SESSION_KEY = "rollout_roster_pending"


@access.roster_import_required
@require_http_methods(["GET", "POST"])
def roster_upload(request):
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    context = {"form": form, "no_units": access.units_of(request.user) == ()}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        parsed = parse_roster(upload.name, upload.read())
        if parsed.file_errors:
            context["file_errors"] = parsed.file_errors
            return render(request, "rollout/roster/upload.html", context, status=400)
        rows = services.roster_check(rows=parsed.rows, actor=request.user)
        token = secrets.token_urlsafe(16)
        request.session[SESSION_KEY] = {
            "token": token,
            "filename": upload.name,
            "rows": [row.to_data() for row in rows],
        }
        return render(
            request, "rollout/roster/preview.html", _preview(rows, token, upload.name)
        )
    return render(request, "rollout/roster/upload.html", context)


def _preview(rows: list[RosterRow], token: str, filename: str) -> dict:
    with_errors = sum(1 for row in rows if row.errors)
    return {
        "rows": rows,
        "filename": filename,
        "error_count": with_errors,
        "commit_form": RosterCommitForm(initial={"token": token}),
    }


@access.roster_import_required
@require_POST
def roster_commit(request):
    form = RosterCommitForm(request.POST)
    pending = request.session.get(SESSION_KEY)
    if (
        not form.is_valid()
        or not pending
        or not secrets.compare_digest(pending["token"], form.cleaned_data["token"])
    ):
        messages.error(
            request,
            _("La vista previa ya no está disponible; sube el archivo de nuevo."),
        )
        return redirect("rollout:roster_upload")
    rows = [RosterRow.from_data(data) for data in pending["rows"]]
    try:
        report = services.roster_import(rows=rows, actor=request.user)
    except services.RosterInvalid as exc:
        context = _preview(exc.rows, pending["token"], pending["filename"])
        context["not_saved"] = True
        return render(request, "rollout/roster/preview.html", context, status=400)
    del request.session[SESSION_KEY]
    return render(
        request,
        "rollout/roster/done.html",
        {"report": report, "filename": pending["filename"]},
    )
