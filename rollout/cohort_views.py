"""Screens for cohorts, their sessions and attendance. Thin: access through
rollout.access (a cohort outside one's units is 404), changes through
cohort_services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import roles
from accounts.inputs import InputRefused, parse_id, read_json_body

from . import access, cohort_links, ics
from . import cohort_selectors as selectors
from . import cohort_services as services
from .cohort_forms import CohortForm, EnrolForm, SessionForm
from .models import Cohort, Session

PRODID = "-//Atiende//Grupos//ES"


def _cohort(request, pk: int, *, for_members: bool = False) -> Cohort:
    """The cohort, or 404 when it does not exist or is outside the user's
    cohorts (``for_members``: its members may reach it too)."""
    try:
        cohort = selectors.cohort_get(pk)
    except Cohort.DoesNotExist:
        raise Http404(_("No existe ese grupo.")) from None
    if not (for_members and selectors.is_member(cohort=cohort, user=request.user)):
        access.require_cohort_visible(request.user, cohort)
    return cohort


def _session(request, pk: int) -> Session:
    try:
        session = selectors.session_get(pk)
    except Session.DoesNotExist:
        raise Http404(_("No existe esa sesión.")) from None
    access.require_cohort_visible(request.user, session.cohort)
    return session


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


@login_required
@require_GET
def cohort_list(request):
    _require(access.can_list_cohorts(request.user))
    return render(
        request,
        "rollout/cohorts/list.html",
        {
            "cohorts": selectors.cohort_list(user=request.user),
            "may_create": access.can_create_cohort(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def cohort_create(request):
    _require(access.can_create_cohort(request.user))
    initial = {} if roles.is_hr(request.user) else {"trainers": [request.user]}
    form = CohortForm(request.POST or None, initial=initial, user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                cohort = services.cohort_create(**form.cleaned_data, by=request.user)
            except services.CohortRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(request, _("Grupo creado."))
                return redirect("rollout:cohort_detail", pk=cohort.pk)
        status = 400
    return render(request, "rollout/cohorts/create.html", {"form": form}, status=status)


def _detail(request, cohort, *, enrol_form=None, status=200):
    context = selectors.cohort_detail(cohort=cohort, user=request.user)
    context["extra_links"] = cohort_links.links_for(request.user, cohort)
    if context["may_manage"]:
        context["enrol_form"] = enrol_form or EnrolForm(
            cohort=cohort, user=request.user
        )
    return render(request, "rollout/cohorts/detail.html", context, status=status)


@login_required
@require_GET
def cohort_detail(request, pk: int):
    return _detail(request, _cohort(request, pk))


@login_required
@require_POST
def cohort_enrol(request, pk: int):
    cohort = _cohort(request, pk)
    _require(access.can_manage_cohort(request.user, cohort))
    form = EnrolForm(request.POST, cohort=cohort, user=request.user)
    if form.is_valid():
        try:
            services.cohort_enrol(
                cohort=cohort, person=form.cleaned_data["person"], by=request.user
            )
        except services.CohortRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("Persona inscrita en el grupo y en el curso."))
            return redirect("rollout:cohort_detail", pk=cohort.pk)
    return _detail(request, cohort, enrol_form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def session_create(request, pk: int):
    cohort = _cohort(request, pk)
    _require(access.can_manage_cohort(request.user, cohort))
    form = SessionForm(request.POST or None, course=cohort.course)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.session_create(
                    cohort=cohort, **form.cleaned_data, by=request.user
                )
            except services.CohortRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(request, _("Sesión agregada."))
                return redirect("rollout:cohort_detail", pk=cohort.pk)
        status = 400
    return render(
        request,
        "rollout/cohorts/session_form.html",
        {"form": form, "cohort": cohort},
        status=status,
    )


def _json_error(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"ok": False, "error": message}, status=status)


def _attendance_json(request, session: Session) -> JsonResponse:
    try:
        data = read_json_body(request)
    except InputRefused as refused:
        return _json_error(str(refused))
    person_id, present = parse_id(data.get("person")), data.get("present")
    if person_id is None:
        return _json_error(
            _("No se pudo leer la marca de asistencia. Vuelve a intentarlo.")
        )
    if not isinstance(present, bool):
        return _json_error(_("La marca debe ser presente o ausente."))
    person = selectors.member_of_cohort(cohort=session.cohort, person_id=person_id)
    if person is None:
        return _json_error(_("Esa persona no está en este grupo."))
    try:
        services.attendance_record(
            session=session, person=person, present=present, by=request.user
        )
    except services.CohortRefused as refusal:
        return _json_error(str(refusal))
    return JsonResponse({"ok": True, "person": person.pk, "present": present})


@login_required
@require_http_methods(["GET", "POST"])
def attendance(request, pk: int):
    session = _session(request, pk)
    _require(access.can_manage_cohort(request.user, session.cohort))
    if request.method == "POST":
        if request.content_type == "application/json":
            return _attendance_json(request, session)
        # Without JavaScript: one button per mark, a plain form post.
        person_id = parse_id(request.POST.get("person"))
        present = {"1": True, "0": False}.get(request.POST.get("present"))
        if person_id is None or present is None:
            return HttpResponseBadRequest(_("Marca de asistencia no válida."))
        person = selectors.member_of_cohort(cohort=session.cohort, person_id=person_id)
        if person is None:
            return HttpResponseBadRequest(_("Esa persona no está en este grupo."))
        services.attendance_record(
            session=session, person=person, present=present, by=request.user
        )
        return redirect(reverse("rollout:attendance", args=[session.pk]))
    return render(
        request,
        "rollout/cohorts/attendance.html",
        {"session": session, "rows": selectors.attendance_sheet(session=session)},
    )


def _event(request, session: Session) -> ics.Event:
    cohort = session.cohort
    return ics.Event(
        uid=f"sesion-{session.pk}@{request.get_host().split(':')[0]}",
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        summary=f"{cohort.name} · {cohort.course.title}",
        location=session.place or session.online_url,
        url=session.online_url,
    )


def _calendar(request, sessions, *, name: str, filename: str) -> HttpResponse:
    text = ics.calendar(
        (_event(request, session) for session in sessions),
        name=name,
        stamp=timezone.now(),
        prodid=PRODID,
    )
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def cohort_calendar(request, pk: int):
    cohort = _cohort(request, pk, for_members=True)
    sessions = selectors.cohort_sessions(cohort=cohort)
    for session in sessions:
        session.cohort = cohort
    return _calendar(
        request, sessions, name=cohort.name, filename=f"grupo-{cohort.pk}.ics"
    )


@login_required
@require_GET
def my_calendar(request):
    return _calendar(
        request,
        selectors.person_sessions(user=request.user),
        name=_("Mis sesiones"),
        filename="mis-sesiones.ics",
    )
