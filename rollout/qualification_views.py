"""Multiplicadores: the list of candidates and multiplicadores, and a
candidate's page with the three conditions and the sign-off form. Thin: access
through ``qualification_selectors`` (scoped by ``rollout.access``), changes
through ``qualification_services``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from courses.access import can_see_trainer_content

from . import qualification
from . import qualification_selectors as selectors
from . import qualification_services as services
from .qualification_forms import SignOffForm

User = get_user_model()


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


@login_required
@require_GET
def people(request):
    _require(selectors.may_see(request.user))
    return render(
        request,
        "rollout/qualification/list.html",
        selectors.people_page(user=request.user),
    )


def _person(request, pk: int):
    try:
        return selectors.candidate_get(user=request.user, pk=pk)
    except User.DoesNotExist:
        raise Http404(_("No existe esa persona en tus unidades.")) from None


def _candidate_page(request, candidate, *, form=None, status=200):
    may_sign = qualification.may_observe(request.user) and candidate != request.user
    version = services.current_version() if may_sign else None
    if may_sign and version is not None and form is None:
        form = SignOffForm(
            version=version, sessions=selectors.observable_sessions(candidate)
        )
    return render(
        request,
        "rollout/qualification/candidate.html",
        {
            "candidate": candidate,
            "standing": qualification.standing_of(candidate),
            "signoffs": selectors.signoffs_of(candidate),
            "may_sign": may_sign,
            "no_instrument": may_sign and version is None,
            "reads_module": can_see_trainer_content(candidate),
            "form": form,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def candidate(request, pk: int):
    _require(selectors.may_see(request.user))
    person = _person(request, pk)
    if request.method == "GET":
        return _candidate_page(request, person)
    _require(qualification.may_observe(request.user))
    version = services.current_version()
    if version is None:
        return _candidate_page(request, person, status=400)
    form = SignOffForm(
        request.POST,
        version=version,
        sessions=selectors.observable_sessions(person),
    )
    if form.is_valid():
        try:
            signoff = services.signoff_record(
                candidate=person,
                by=request.user,
                version=version,
                marks=form.marks(),
                comment=form.cleaned_data["comment"],
                observed_on=form.cleaned_data["observed_on"],
                session=form.cleaned_data["session"],
            )
        except services.SignOffRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            if signoff.passed:
                messages.success(request, _("Observación firmada: aprobada."))
            else:
                messages.warning(
                    request,
                    _("Observación firmada: no aprobada; hace falta otra observación."),
                )
            return redirect("rollout:multiplicador", pk=person.pk)
    return _candidate_page(request, person, form=form, status=400)


@login_required
@require_POST
def open_module(request, pk: int):
    _require(selectors.may_see(request.user))
    person = _person(request, pk)
    _require(qualification.may_observe(request.user))
    try:
        services.candidate_open_trainers_module(candidate=person, by=request.user)
    except services.SignOffRefused as refusal:
        messages.error(request, str(refusal))
        return _candidate_page(request, person, status=400)
    messages.success(request, _("Módulo para formadores abierto."))
    return redirect("rollout:multiplicador", pk=person.pk)
